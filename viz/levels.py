"""How function values become contour levels and colours: linear, or log-spaced for wide ranges.

Rosenbrock runs from 0 to thousands on its own domain; with linear levels every path sits inside one
pale band around the valley. For such functions the map is drawn on ``t = log10(f - f_lo + eps)``,
where ``f_lo`` is the known minimum value (or the grid's lowest value), giving a few contour levels
per decade. ``eps`` is the 1st percentile of ``f - f_lo`` over the map: finer levels than that
cannot be resolved by the grid and only draw speckles along narrow valleys (and spikes on the 3D
surface), so everything below it shares the lowest colour. Colourbar and 3D z-axis ticks are
labelled in real ``f`` values (``f_lo + 10^k``), so the reader never sees logarithms.

Log spacing is chosen when the objective asks for it (``log_contours``), when its values on the map
span more than :data:`LOG_DECADES` decades (2nd percentile to maximum), when half the map lies in
the bottom :data:`LOW_HALF` of the linear range (linear levels would give that half two or three
levels: three-hump camel), or when the view was zoomed out so far (a path that ran away) that the
objective's own domain holds under 1/100 of the map's range. Otherwise linear levels
with about 20 steps, up to the 97th percentile so a few steep corners do not flatten the interesting
part (values above the last level take the top colour).

Levels are always computed on a :data:`LEVEL_GRID` grid (:func:`map_levels`), whatever grid a figure
draws, so the contour map and the 3D surface share one transform and one set of levels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .domain import Domain, within
from .series import fmt

LOG_DECADES = 3.0
"""Values on the map spanning more decades than this get log-spaced levels."""

LOW_HALF = 0.12
"""If the median of f - f_lo is below this fraction of its 97th percentile, levels go log-spaced."""

LEVEL_GRID = 120
"""Grid points per axis on which levels are chosen."""

SUPERSAMPLE = 3
"""Samples per cell and axis behind each grid node's drawn value (see :class:`Grid`)."""


@dataclass(frozen=True)
class Levels:
    """A value transform plus contour levels and real-valued ticks, shared by contour and surface.

    Attributes:
        log: whether values are drawn as ``log10(f - f_lo + eps)``.
        f_lo: reference value subtracted in log mode (known minimum or lowest grid value).
        eps: offset that keeps ``f = f_lo`` finite in log mode.
        zmin, zmax: transformed colour range.
        start, end, size: contour levels in transformed units.
        tickvals, ticktext: colourbar / z-axis ticks in transformed units, labelled in real f.
    """

    log: bool
    f_lo: float
    eps: float
    zmin: float
    zmax: float
    start: float
    end: float
    size: float
    tickvals: tuple[float, ...] | None = None
    ticktext: tuple[str, ...] | None = None

    def transform(self, f) -> np.ndarray:
        """Map real values to drawn values (identity in linear mode)."""
        f = np.asarray(f, dtype=float)
        if not self.log:
            return f
        with np.errstate(all="ignore"):
            return np.log10(np.maximum(f - self.f_lo, 0.0) + self.eps)

    @property
    def title(self) -> str:
        return "f (log scale)" if self.log else "f"

    def contours(self) -> dict:
        return dict(start=self.start, end=self.end, size=self.size)

    def colorbar(self, **kw) -> dict:
        bar = dict(dict(title=dict(text="f", side="top"), thickness=12, len=0.85, outlinewidth=0), **kw)
        if self.tickvals is not None:
            bar.update(tickmode="array", tickvals=list(self.tickvals), ticktext=list(self.ticktext))
        return bar


class Grid(NamedTuple):
    """Objective values on a grid: node coordinates, values at the nodes, and each cell's lowest value.

    ``low[j, i]`` is the minimum over ``supersample`` x ``supersample`` samples spread across the cell
    around node ``(gx[i], gy[j])``. With log levels the figures draw ``low`` instead of ``Z``: it keeps
    a valley narrower than a cell (Rosenbrock's) continuous, where node values alone alias into
    speckles on the contour map and a comb on the 3D surface, and keeps paths lifted onto the surface
    above it. Linear levels draw ``Z``, which is smooth enough there.
    """

    gx: np.ndarray
    gy: np.ndarray
    Z: np.ndarray
    low: np.ndarray


GridFn = Callable[[Domain, int], Grid]
"""``grids(domain, n)`` -> the objective's :class:`Grid`: how a figure evaluates it on a grid.

Figures default to evaluating the objective; a page passes a cached function (``ui.compute.objective_grids``)
so a rerun that moves only the paths skips the work.
"""

LevelsFn = Callable[[Domain, bool | None], Levels]
"""``levels(domain, log)`` -> the :class:`Levels` of a map of the objective over ``domain`` (as
:func:`map_levels` picks them); a page passes a cached one (``ui.compute.objective_levels``), as for grids."""


def grid_values(objective, domain: Domain, n: int, *, supersample: int = SUPERSAMPLE) -> Grid:
    """An ``n`` x ``n`` :class:`Grid` over ``domain`` (``Z[j, i]`` is f at ``(gx[i], gy[j])``)."""
    (x0, x1), (y0, y1) = domain
    gx, gy = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    Z = _values(objective, *np.meshgrid(gx, gy))
    if supersample <= 1:
        return Grid(gx, gy, Z, Z)
    k = supersample
    offsets = (np.arange(k) - (k - 1) / 2) / k
    fx = (gx[:, None] + offsets * (gx[1] - gx[0])).ravel()
    fy = (gy[:, None] + offsets * (gy[1] - gy[0])).ravel()
    F = _values(objective, *np.meshgrid(fx, fy))
    F = np.where(np.isnan(F), np.inf, F).reshape(n, k, n, k).min(axis=(1, 3))
    low = np.where(np.isfinite(F), np.minimum(F, np.where(np.isnan(Z), np.inf, Z)), np.nan)
    return Grid(gx, gy, Z, low)


def _values(objective, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        Z = np.broadcast_to(np.asarray(objective.value(X, Y), dtype=float), X.shape).copy()
    Z[~np.isfinite(Z)] = np.nan
    return Z


def map_levels(objective, domain: Domain, *, log: bool | None = None) -> Levels:
    """Levels for drawing ``objective`` over ``domain``, chosen on a :data:`LEVEL_GRID` grid.

    Example:
        >>> import optim
        >>> rosen = optim.get_objective("rosenbrock")
        >>> lv = map_levels(rosen, rosen.domain)
        >>> lv.log, lv.ticktext[0], float(lv.transform(rosen.f_min)) == lv.zmin
        (True, '0', True)
        >>> map_levels(optim.get_objective("quadratic"), ((-5, 5), (-5, 5))).log
        False
    """
    g = grid_values(objective, domain, LEVEL_GRID)
    return choose_levels(objective, g.low, domain, log=log, gx=g.gx, gy=g.gy)


def choose_levels(objective, Z: np.ndarray, domain: Domain, *, log: bool | None = None,
                  gx: np.ndarray | None = None, gy: np.ndarray | None = None) -> Levels:
    """Pick linear or log levels for grid values ``Z`` (see the module docstring for the rule).

    Args:
        objective: the :class:`optim.Objective` drawn (``log_contours``, ``minima``, ``domain``).
        Z: its values on the grid, NaN where not finite.
        domain: the drawn domain.
        log: force log (True) or linear (False) levels; None decides automatically.
        gx, gy: the grid's coordinates, used to tell the objective's own domain from the zoom-out.
    """
    finite = Z[np.isfinite(Z)]
    if not finite.size:
        return Levels(False, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.1)
    f_min = objective.f_min
    f_lo = float(finite.min()) if f_min is None else min(float(f_min), float(finite.min()))
    d = finite - f_lo
    hi = float(d.max())
    if log is None:
        log = (bool(objective.log_contours) or _spans_decades(d) or _bottom_heavy(d)
               or _zoomed_out(objective, Z, gx, gy, f_lo, hi))
    if hi <= 0:  # a flat function
        return Levels(False, f_lo, 0.0, f_lo - 0.5, f_lo + 0.5, f_lo - 0.5, f_lo + 0.5, 0.1)
    if log:
        return _log_levels(f_lo, d)
    return _linear_levels(f_lo, float(np.percentile(finite, 97)), float(finite.max()))


def _spans_decades(d: np.ndarray) -> bool:
    pos = d[d > 0]
    if not pos.size:
        return False
    low = float(np.percentile(pos, 2))
    return np.log10(pos.max() / low) > LOG_DECADES


def _bottom_heavy(d: np.ndarray) -> bool:
    top = float(np.percentile(d, 97))
    return top > 0 and float(np.median(d)) < LOW_HALF * top


def _zoomed_out(objective, Z, gx, gy, f_lo, hi) -> bool:
    if gx is None or gy is None:
        return False
    X, Y = np.meshgrid(gx, gy)
    inside = within(objective.domain, np.stack([X, Y], axis=-1)) & np.isfinite(Z)
    if not inside.any() or inside.all():
        return False
    own = float(Z[inside].max()) - f_lo
    return own > 0 and hi / own > 100


def _log_levels(f_lo: float, d: np.ndarray) -> Levels:
    hi = float(d.max())
    eps = max(float(np.percentile(d, 1)), hi * 1e-9, 1e-300)
    zmin, zmax = np.log10(eps), np.log10(hi + eps)
    decades = zmax - zmin
    size = 1 / 3 if decades <= 9 else (0.5 if decades <= 14 else 1.0)
    start = np.floor(zmin / size) * size
    end = np.ceil(zmax / size) * size
    tickvals, ticktext = [float(zmin)], [fmt(f_lo)]
    for k in range(int(np.floor(zmin)), int(np.ceil(zmax)) + 1):
        v = f_lo + 10.0**k
        v = round(v / 10.0**k) * 10.0**k  # the round value nearest f_lo + 10^k: 13 -> 10, 103 -> 100
        t = float(np.log10(v - f_lo + eps)) if v > f_lo else -np.inf
        if t - tickvals[-1] >= 0.6 and t <= zmax + 1e-9:
            tickvals.append(t)
            ticktext.append(fmt(v))
    if len(tickvals) > 9:  # keep the colourbar readable
        keep = [0, *range(len(tickvals) - 1, 0, -int(np.ceil((len(tickvals) - 1) / 8)))]
        tickvals, ticktext = [tickvals[i] for i in sorted(keep)], [ticktext[i] for i in sorted(keep)]
    return Levels(True, f_lo, eps, float(zmin), float(zmax), float(start), float(end), float(size),
                  tuple(tickvals), tuple(ticktext))


def _linear_levels(f_lo: float, top: float, f_max: float) -> Levels:
    if top <= f_lo:
        top = f_max
    size = _nice((top - f_lo) / 20)
    start = np.floor(f_lo / size) * size
    end = np.ceil(top / size) * size
    return Levels(False, f_lo, 0.0, float(start), float(end), float(start), float(end), float(size))


def _nice(step: float) -> float:
    """Round a level spacing to 1, 2, 2.5 or 5 times a power of ten."""
    p = 10.0 ** np.floor(np.log10(step))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step <= m * p * 1.0000001:
            return float(m * p)
    return float(10 * p)

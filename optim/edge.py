"""The edge of a sweep map, where runs that stay bounded meet runs that diverge, and zooming into it.

An edge cell is a cell with a neighbour (left, right, above or below) of the other kind. On a
smooth edge they form a line about two cells thick, a share of about 2 / N of an N x N map
whatever the zoom; Sohl-Dickstein (2024, "The boundary of neural network trainability is
fractal") found the edge of neural-network training keeps its structure at every zoom, so the
share stays high. :func:`edge_share` measures it and :func:`zoom_toward_edge` zooms in.

A :class:`Window` is the rectangle a map covers, in hyperparameter units, with each axis log- or
linearly spaced (learning rates are log-spaced). float64 bounds how far a window can shrink: at
a relative width of :data:`FLOAT64_LIMIT` the neighbouring cells of a 512-wide map are about ten
float64 steps (2.2e-16 each) apart, so a narrower window would draw round-off, and the core says
so instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sweep import Sweep

FLOAT64_LIMIT = 1e-12
"""Smallest relative width (width / largest magnitude) a window may have on either axis."""


def edge_cells(diverged) -> np.ndarray:
    """Cells of a map with a neighbour (left, right, above or below) of the other kind.

    Args:
        diverged: a 2-D boolean map, True where the run diverged.

    Example:
        >>> edge_cells([[False, False, True], [False, False, True]]).astype(int).tolist()
        [[0, 1, 1], [0, 1, 1]]
    """
    d = np.asarray(diverged, dtype=bool)
    if d.ndim != 2:
        raise ValueError(f"a map must be 2-D (rows x columns), got shape {d.shape}.")
    edge = np.zeros_like(d)
    across, up = d[:, 1:] != d[:, :-1], d[1:] != d[:-1]
    edge[:, 1:] |= across
    edge[:, :-1] |= across
    edge[1:] |= up
    edge[:-1] |= up
    return edge


def edge_share(diverged) -> float:
    """The share of a map's cells on the edge (see :func:`edge_cells`).

    Example:
        >>> edge_share([[False, False, True], [False, False, True]])
        0.6666666666666666
    """
    return float(edge_cells(diverged).mean())


@dataclass(frozen=True)
class Window:
    """The rectangle a map covers: columns from ``x[0]`` to ``x[1]``, rows from ``y[0]`` to ``y[1]``.

    ``x_log`` and ``y_log`` say whether an axis is log-spaced (learning rates) or linear.
    Bad bounds, and a window narrower than float64 resolves, raise ``ValueError``.

    Example:
        >>> w = Window((1e-2, 10.0), (1e-2, 10.0))
        >>> [f"{v:.3g}" for v in w.axes(4)[0]]
        ['0.01', '0.1', '1', '10']
        >>> [f"{v:.4g}" for v in w.zoom(1.0, 1.0, 10.0).x]  # 3 decades / 10, centred on 1
        ['0.7079', '1.413']
        >>> Window((1.0, 1.0 + 1e-13), (1.0, 2.0))
        Traceback (most recent call last):
        ...
        ValueError: the window's x axis spans 1e-13 of its largest value; below 1e-12 neighbouring cells ...
    """

    x: tuple[float, float]
    y: tuple[float, float]
    x_log: bool = True
    y_log: bool = True

    def __post_init__(self):
        for name, (lo, hi), log in (("x", self.x, self.x_log), ("y", self.y, self.y_log)):
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                raise ValueError(f"the window's {name} axis must run from a smaller to a larger finite number, "
                                 f"got {lo!r} to {hi!r}.")
            if log and lo <= 0:
                raise ValueError(f"the window's {name} axis is log-spaced, so it must be positive; got {lo!r} "
                                 f"to {hi!r}.")
            width = relative_width(lo, hi)
            if width < FLOAT64_LIMIT:
                raise ValueError(
                    f"the window's {name} axis spans {width:.1g} of its largest value; below {FLOAT64_LIMIT:g} "
                    "neighbouring cells are only a few float64 steps (2.2e-16 each) apart, so the map would show "
                    "round-off rather than the edge."
                )

    @property
    def relative_width(self) -> float:
        """The narrower axis's width over its largest magnitude (float64 stops resolving near 1e-12)."""
        return min(relative_width(*self.x), relative_width(*self.y))

    def axes(self, nx: int, ny: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``nx`` column values and ``ny`` (default ``nx``) row values, spaced as the axes are."""
        return _spaced(*self.x, nx, self.x_log), _spaced(*self.y, ny or nx, self.y_log)

    def zoom(self, x: float, y: float, factor: float) -> Window:
        """The window ``factor`` times narrower on each axis, centred on (x, y) and kept inside this one."""
        if not (np.isfinite(factor) and factor > 1):
            raise ValueError(f"a zoom factor must be a number above 1, got {factor!r}.")
        return Window(_narrow(*self.x, x, factor, self.x_log), _narrow(*self.y, y, factor, self.y_log),
                      self.x_log, self.y_log)

    @classmethod
    def of(cls, sweep: Sweep) -> Window:
        """The window a sweep's grid covers; an axis of positive, evenly growing values counts as log-spaced."""
        if sweep.y_name is None or len(sweep.x_values) < 2 or len(sweep.y_values) < 2:
            raise ValueError("a window needs a map with at least two values along each axis.")
        xs, ys = np.asarray(sweep.x_values), np.asarray(sweep.y_values)
        return cls((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])), _is_log(xs), _is_log(ys))


def relative_width(lo: float, hi: float) -> float:
    """(hi - lo) over the larger of |lo| and |hi|.

    Example:
        >>> relative_width(1.0, 1.5)
        0.3333333333333333
    """
    return (hi - lo) / max(abs(lo), abs(hi))


def zoom_toward_edge(sweep: Sweep, factor: float = 10.0) -> Window:
    """The window ``factor`` times narrower around a point on the map's edge near its centre.

    Among the edge cells in the middle half of the map (each axis), it picks the one whose
    surroundings, the cells the zoomed window will cover, hold the most edge (ties: the one
    nearest the centre), so the zoom goes where the edge has structure; with no edge in the
    middle half, the edge cell nearest the centre. Log axes stay log: the zoom divides their
    width in decades by ``factor``. The new window lies inside the old one.

    Raises ``ValueError`` when the map has no edge (every run diverged, or none) and when the
    zoomed window would be narrower than float64 resolves (:data:`FLOAT64_LIMIT`).

    Example:
        >>> import numpy as np, optim
        >>> lr = np.geomspace(0.1, 10.0, 32)
        >>> s = optim.sweep("gd", optim.get_objective("quadratic", a=1.0, b=1.0), lr=lr, second=lr,
        ...                 second_name="lr_y", steps=60)
        >>> w = zoom_toward_edge(s)  # GD on x^2 + y^2 diverges where lr > 1 or lr_y > 1
        >>> w.x[0] < 1 < w.x[1], w.y[0] < 1 < w.y[1], round(float(np.log10(w.x[1] / w.x[0])), 9)
        (True, True, 0.2)
    """
    diverged = sweep.diverged_at >= 0
    window = Window.of(sweep)
    edge = edge_cells(diverged)
    rows, cols = np.nonzero(edge)
    if rows.size == 0:
        kind = "diverged" if diverged.all() else "stayed bounded"
        raise ValueError(f"this map has no edge to zoom toward: every run {kind}; widen the window.")
    ny, nx = edge.shape
    cy, cx = (ny - 1) / 2, (nx - 1) / 2
    distance = np.maximum(np.abs(rows - cy) / ny, np.abs(cols - cx) / nx)
    middle = distance <= 0.25
    if middle.any():
        rows, cols, distance = rows[middle], cols[middle], distance[middle]
        hy, hx = max(1, round(ny / factor / 2)), max(1, round(nx / factor / 2))
        table = np.zeros((ny + 1, nx + 1), dtype=np.int64)  # summed-area table of the edge cells
        table[1:, 1:] = edge.cumsum(axis=0).cumsum(axis=1)
        top, bottom = np.clip(rows - hy, 0, ny), np.clip(rows + hy + 1, 0, ny)
        left, right = np.clip(cols - hx, 0, nx), np.clip(cols + hx + 1, 0, nx)
        around = table[bottom, right] - table[top, right] - table[bottom, left] + table[top, left]
        pick = np.lexsort((distance, -around))[0]
    else:
        pick = int(np.argmin(distance))
    return window.zoom(float(sweep.x_values[cols[pick]]), float(sweep.y_values[rows[pick]]), factor)


def _spaced(lo: float, hi: float, n: int, log: bool) -> np.ndarray:
    if not (isinstance(n, (int, np.integer)) and n >= 2):
        raise ValueError(f"an axis needs a whole number of at least 2 values, got {n!r}.")
    t = np.linspace(0.0, 1.0, n)
    # lo (1 + w)^t: exact at the ends, and the steps stay accurate however narrow the window.
    values = lo * np.exp(t * np.log1p((hi - lo) / lo)) if log else lo + t * (hi - lo)
    values[0], values[-1] = lo, hi
    return values


def _narrow(lo: float, hi: float, centre: float, factor: float, log: bool) -> tuple[float, float]:
    if log:  # the new hi / lo is the old one to the power 1 / factor
        ratio = float(np.exp(np.log1p((hi - lo) / lo) / factor))
        a, b = centre / np.sqrt(ratio), centre * np.sqrt(ratio)
        if a < lo:
            a, b = lo, lo * ratio
        if b > hi:
            a, b = hi / ratio, hi
        return float(a), float(b)
    width = (hi - lo) / factor
    a, b = centre - width / 2, centre + width / 2
    if a < lo:
        a, b = lo, lo + width
    if b > hi:
        a, b = hi - width, hi
    return float(a), float(b)


def _is_log(values: np.ndarray) -> bool:
    if (values <= 0).any():
        return False
    ratios = values[1:] / values[:-1]
    return bool(np.allclose(ratios, ratios[0], rtol=1e-9, atol=0.0))

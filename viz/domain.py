"""Which part of the plane to draw: the objective's own domain, grown to take in every path.

A path that overshoots should stay on the map, so the view grows to include every finite point
(with a margin). A diverging path runs off to 1e8 before the core stops it, and following it all
the way would shrink the objective's interesting region to a dot, so growth is capped at
``max_zoom_out`` times the objective's own span per axis; the diverging tail then leaves the map at
its edge, where the contour figure marks the exit. A diverged run's points count only up to a
tighter cap, ``diverged_zoom_out`` (3x): its first, growing oscillations stay on the map, the
objective keeps a third of the view, and the blow-up is told by the exit arrow and the loss chart.
"""

from __future__ import annotations

import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]


def fit_domain(objective, series, *, margin: float = 0.1, max_zoom_out: float = 20.0,
               diverged_zoom_out: float = 3.0) -> Domain:
    """The objective's domain grown to include every finite path point, plus a margin, within a cap.

    Args:
        objective: an :class:`optim.Objective`; its ``domain`` is always inside the result.
        series: the :class:`viz.Series` to fit (only finite points count).
        margin: padding beyond the outermost path point, as a fraction of the objective's span.
        max_zoom_out: the result's span per axis is at most this many times the objective's span.
            When the paths ask for more, each side gets a share of the allowed growth in
            proportion to how far the paths reach on that side.
        diverged_zoom_out: the same cap for the points of diverged runs (at most ``max_zoom_out``);
            pass ``max_zoom_out`` to treat them like any other path.

    Returns:
        ``((xmin, xmax), (ymin, ymax))``.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic")
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), bowl, x0=[1.5, 1.5], steps=20)
        >>> viz.fit_domain(bowl, [viz.Series("gd", "#0072b2", t)])
        ((-5.0, 5.0), (-5.0, 5.0))
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.2), bowl, x0=[1.0, 1.0], steps=30)
        >>> (y0, y1) = viz.fit_domain(bowl, [viz.Series("gd", "#0072b2", t)])[1]
        >>> t.diverged_at, round(y1 - y0, 6)  # runs off to 1e7; the view stops at 3 x 10
        (17, 30.0)
        >>> (y0, y1) = viz.fit_domain(bowl, [viz.Series("gd", "#0072b2", t)], diverged_zoom_out=20)[1]
        >>> round(y1 - y0, 6)
        200.0
    """
    if margin < 0 or max_zoom_out < 1 or diverged_zoom_out < 1:
        raise ValueError("fit_domain needs margin >= 0 and zoom-out caps >= 1.")
    diverged_zoom_out = min(diverged_zoom_out, max_zoom_out)
    groups = {max_zoom_out: [], diverged_zoom_out: []}
    for s in series:
        xs = np.asarray(s.traj.xs, dtype=float).reshape(-1, 2)
        cap = diverged_zoom_out if int(np.asarray(s.traj.diverged_at)) >= 0 else max_zoom_out
        groups[cap].append(xs[np.isfinite(xs).all(axis=1)])
    box = [tuple(map(float, objective.domain[0])), tuple(map(float, objective.domain[1]))]
    for axis in range(2):
        lo, hi = box[axis]
        for cap, parts in groups.items():
            if parts:
                lo, hi = _grow(objective.domain[axis], np.concatenate(parts)[:, axis], lo, hi, margin, cap)
        box[axis] = (_tidy(lo), _tidy(hi))
    return box[0], box[1]


def _grow(own, v: np.ndarray, lo: float, hi: float, margin: float, cap: float) -> tuple[float, float]:
    """Grow ``(lo, hi)`` to take in values ``v`` plus margin, within ``cap`` x the span of ``own``."""
    o_lo, o_hi = float(own[0]), float(own[1])
    span = o_hi - o_lo
    if not len(v):
        return lo, hi
    want_lo = min(o_lo, float(v.min()) - margin * span) if v.min() < o_lo else o_lo
    want_hi = max(o_hi, float(v.max()) + margin * span) if v.max() > o_hi else o_hi
    grow_lo, grow_hi = o_lo - want_lo, want_hi - o_hi
    room = (cap - 1.0) * span
    if grow_lo + grow_hi > room:
        shrink = room / (grow_lo + grow_hi)
        grow_lo, grow_hi = grow_lo * shrink, grow_hi * shrink
    return min(lo, o_lo - grow_lo), max(hi, o_hi + grow_hi)


def _tidy(v: float) -> float:
    """Round away float noise (1e-15) so domains print and compare cleanly."""
    return float(np.round(v, 12))


def within(domain: Domain, xy: np.ndarray) -> np.ndarray:
    """Boolean mask of points ``(..., 2)`` inside ``domain`` (edges included)."""
    (x0, x1), (y0, y1) = domain
    xy = np.asarray(xy, dtype=float)
    return (xy[..., 0] >= x0) & (xy[..., 0] <= x1) & (xy[..., 1] >= y0) & (xy[..., 1] <= y1)


def equal_aspect(domain: Domain, max_ratio: float = 2.0) -> bool:
    """Whether x and y should share one scale: yes unless one span is over ``max_ratio`` times the other."""
    (x0, x1), (y0, y1) = domain
    r = (x1 - x0) / (y1 - y0)
    return 1 / max_ratio <= r <= max_ratio


def check_domain(domain) -> Domain:
    """Validate a user-given domain and return it as floats."""
    try:
        (x0, x1), (y0, y1) = domain
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError("domain must be ((xmin, xmax), (ymin, ymax)) with four numbers.") from None
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ValueError("domain must have finite bounds with xmin < xmax and ymin < ymax.")
    return (x0, x1), (y0, y1)

"""A close-up of the paths: the smallest box that holds them, and a contour map of it.

Why: a zig-zag of amplitude 0.5 on a map 10 wide is a smudge. The Inside page's "zig-zag" view draws the
valley the paths actually cross, with the global minima, axes named for what the coordinates are.
"""

from __future__ import annotations

import numpy as np


def path_box(series, *, include=(), margin: float = 0.08, min_span: float = 1e-6):
    """The smallest box holding every finite path point (and ``include``), padded by ``margin`` per side.

    For a close-up map of paths much smaller than the objective's plot domain (a zig-zag of
    amplitude 0.5 on a map 10 wide is a smudge). Spans below ``min_span`` are widened to it.
    Diverged runs (which reach 1e8 before the core stops them) count only by their start point
    while any run did not diverge: their paths leave the close-up at its edge.

    Example:
        >>> import optim, viz
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), "quadratic", x0=[1.0, 0.5], steps=30)
        >>> path_box([viz.Series("GD", "#0072b2", t)], include=[(0.0, 0.0)], margin=0.0)
        ((0.0, 1.0), (-0.5, 0.5))
    """
    settled = [s for s in series if int(np.asarray(s.traj.diverged_at)) < 0] or list(series)
    pts = [np.asarray(s.traj.xs, dtype=float).reshape(-1, 2) for s in settled]
    starts = [np.asarray(s.traj.xs, dtype=float).reshape(-1, 2)[:1] for s in series]
    pts = np.concatenate([*pts, *starts, np.asarray(include, dtype=float).reshape(-1, 2)])
    pts = pts[np.isfinite(pts).all(axis=1)]
    if not len(pts):
        raise ValueError("path_box needs at least one finite path point.")
    box = []
    for axis in range(2):
        lo, hi = float(pts[:, axis].min()), float(pts[:, axis].max())
        span = max(hi - lo, min_span)
        mid = (lo + hi) / 2
        lo, hi = mid - span / 2, mid + span / 2
        box.append((round(lo - margin * span, 12), round(hi + margin * span, 12)))
    return tuple(box)


def valley_map(objective, series, coords: tuple[str, str] = ("x", "y"), *, title: str | None = None,
               height: int = 420, margin: float = 0.08) -> dict:
    """A close-up contour map of the paths and the global minima (:func:`path_box`), axes named ``coords``.

    Returns:
        A figure dict ``{"data", "layout"}``: :func:`viz.contour_figure`'s, its axes retitled.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic", a=0.2, b=990)
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.001), bowl, x0=[-1.2, 0.5], steps=50)
        >>> fig = valley_map(bowl, [viz.Series("GD", "#0072b2", t)], ("W", "b"))
        >>> fig["layout"]["xaxis"]["title"]["text"], fig["layout"]["yaxis"]["title"]["text"]
        ('W', 'b')
    """
    from .contour import contour_figure

    minima = [(m.x, m.y) for m in objective.global_minima]
    fig = contour_figure(objective, series, domain=path_box(series, include=minima, margin=margin),
                         height=height, title=title)
    layout = fig["layout"]
    layout["xaxis"]["title"]["text"] = coords[0]
    layout["yaxis"]["title"]["text"] = coords[1]
    return fig

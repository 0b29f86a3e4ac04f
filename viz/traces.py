"""Trace builders shared by the 2-D figures (the contour map and the small multiples).

Each function returns a Plotly trace as a plain dict (``type`` plus attributes), tagged with ``meta`` so
pages and tests can find it. Plain dicts cost nothing to build; a ``go.Figure`` made from them validates
them, and the live chart sends them as they are:

==================  ===========================================================================
``meta``            what
==================  ===========================================================================
``"contour"``       the filled contour of the objective
``"minima-global"`` gold stars at the known global minima
``"minima-local"``  white stars at local minima inside the view (only when 30 or fewer in all)
``"path"``          one series' path (legend entry; ``name`` = label, ``legendgroup`` = label);
                    it stops where a path that ends off the map leaves it for good
``"start"``         the path's first point: a circle in the series colour, white outline
``"end"``           the last point of a run that did not diverge: a square
``"diverged"``      the last finite point of a diverged run: a large "x" with a "diverged" label
``"exit"``          the segment where such a path leaves the map, ending in an arrow on the edge
``"step-marker"``   the current position at the step control's step: a diamond, black outline
==================  ===========================================================================

Every series trace carries ``legendgroup = label``, so a click on the legend hides the whole series.
"""

from __future__ import annotations

import numpy as np

from . import colors
from .domain import Domain, within
from .levels import Grid, Levels
from .series import MAX_MARKED_POINTS, Series, diverged, drawn_indices, esc, f32, last_finite, step_index

MAX_MINIMA = 30
"""Most minima drawn; above this only the global ones are (Rastrigin has 121 local minima)."""




def contour_trace(g: Grid, levels: Levels, *, coloraxis: str | None = None, hover: bool = True) -> dict:
    """Filled contour of the grid ``g`` with ``levels``; hover shows x, y and the real f.

    Log levels draw each cell's lowest value (``g.low``, so narrow valleys stay continuous) and carry
    the node values as ``customdata`` for the hover; linear levels draw the node values themselves.
    ``hover=False`` leaves the hover (and its data) out, for small panels.
    """
    if not hover:
        data = dict(z=f32(levels.transform(g.low) if levels.log else g.Z), hoverinfo="skip")
    elif levels.log:
        data = dict(z=f32(levels.transform(g.low)), customdata=f32(g.Z),
                    hovertemplate="(%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>")
    else:
        data = dict(z=f32(g.Z), hovertemplate="(%{x:.3g}, %{y:.3g})<br>f = %{z:.4g}<extra></extra>")
    common = dict(
        type="contour", x=g.gx, y=g.gy, **data,
        contours=dict(coloring="fill", showlines=True, **levels.contours()),
        line=dict(width=0.6, color=colors.CONTOUR_LINE),
        name="f", showlegend=False, meta="contour",
    )
    if coloraxis:
        return dict(coloraxis=coloraxis, **common)
    return dict(
        colorscale=colors.MAP_COLORSCALE, zmin=levels.zmin, zmax=levels.zmax, zauto=False,
        colorbar=levels.colorbar(x=1.01, xpad=4), **common,
    )


def drawn_minima(objective, domain: Domain, max_minima: int = MAX_MINIMA) -> tuple[list, list]:
    """The minima to draw: ``(global, local)``.

    Global minima are always drawn; local minima inside the view too, unless that would make more
    than ``max_minima`` stars, in which case only the global ones are (the map stays readable).
    """
    glob = [m for m in objective.minima if m.is_global]
    loc = [m for m in objective.minima if not m.is_global and within(domain, np.array([m.x, m.y]))]
    if len(glob) + len(loc) > max_minima:
        loc = []
    return glob, loc


def minima_traces(objective, domain: Domain) -> list[dict]:
    """Star markers at the known minima: gold and larger for global, white and smaller for local."""
    glob, loc = drawn_minima(objective, domain)
    out = []
    for group, meta, name, size, color in (
        (glob, "minima-global", "global minimum", 17, colors.GLOBAL_MIN_COLOR),
        (loc, "minima-local", "local minimum", 11, colors.LOCAL_MIN_COLOR),
    ):
        if not group:
            continue
        out.append(dict(
            type="scatter", x=[m.x for m in group], y=[m.y for m in group], customdata=[m.value for m in group],
            mode="markers", name=name, meta=meta, showlegend=False,
            marker=dict(symbol="star", size=size, color=color, line=dict(color=colors.OUTLINE, width=1)),
            hovertemplate=f"{name}<br>(%{{x:.4g}}, %{{y:.4g}})<br>f = %{{customdata:.6g}}<extra></extra>",
        ))
    return out


def path_trace(s: Series, domain: Domain | None = None, *, showlegend: bool = True) -> dict:
    """The path of ``s`` as a line with small markers on each step.

    It runs to the last finite point, or, when that point lies outside ``domain``, to the last point
    before the path leaves the map for good: the straight segments between far-off points of a
    diverging run would otherwise streak across the map. The ``"exit"`` trace continues it to the edge.
    """
    traj = s.traj
    last = last_finite(traj)
    if domain is not None:
        exit_ = _exit_point(np.asarray(traj.xs)[: last + 1], domain)
        if exit_ is not None:
            last = exit_[0] - 1
    idx = drawn_indices(last + 1)
    xs, losses = np.asarray(traj.xs)[idx], np.asarray(traj.losses)[idx]
    mode = "lines+markers" if len(idx) <= MAX_MARKED_POINTS else "lines"
    return dict(
        type="scatter", x=f32(xs[:, 0]), y=f32(xs[:, 1]), customdata=f32(np.column_stack([idx, losses])),
        mode=mode, name=s.label, legendgroup=s.label, showlegend=showlegend, meta="path",
        line=dict(color=s.color, width=2.2), marker=dict(color=s.color, size=4.5),
        hovertemplate=f"<b>{esc(s.label)}</b><br>step %{{customdata[0]:d}}<br>"
                      "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}<extra></extra>",
    )


def _point(s: Series, k: int, *, meta: str, symbol: str, size: float, line: dict, hover: str,
           **extra) -> dict:
    x, y = np.asarray(s.traj.xs)[k]
    loss = float(np.asarray(s.traj.losses)[k])
    marker = dict(symbol=symbol, size=size, color=s.color, line=line)
    marker.update(extra.pop("marker", {}))
    return dict(
        type="scatter", x=[float(x)], y=[float(y)], customdata=[[k, loss]], mode=extra.pop("mode", "markers"),
        name=s.label,
        legendgroup=s.label, showlegend=False, meta=meta, marker=marker,
        hovertemplate=f"<b>{esc(s.label)}</b><br>{hover}<br>(%{{x:.4g}}, %{{y:.4g}})<br>"
                      "f = %{customdata[1]:.4g}<extra></extra>",
        **extra,
    )


def endpoint_traces(s: Series, domain: Domain, *, equal_scale: bool = True) -> list[dict]:
    """Start marker, end (or diverged) marker, and an exit arrow when the end lies off the map."""
    return end_points(s) + exit_traces(s, domain, equal_scale=equal_scale)


def end_points(s: Series) -> list[dict]:
    """The start marker and the end marker (or, for a diverged run, the "x" at its last finite point)."""
    traj = s.traj
    last = last_finite(traj)
    start = _point(s, 0, meta="start", symbol="circle", size=11, line=dict(color="white", width=2), hover="start")
    if not diverged(traj):
        return [start, _point(s, last, meta="end", symbol="square", size=9, line=dict(color="white", width=1.5),
                              hover=f"end, step {last}")]
    return [start, _point(
        s, last, meta="diverged", symbol="x", size=15, line=dict(color=colors.OUTLINE, width=1),
        hover=f"diverged at step {int(traj.diverged_at)}<br>last finite point: step {last}",
        mode="markers+text", text=["diverged"], textposition="top center", textfont=dict(color=s.color, size=11),
    )]


def exit_traces(s: Series, domain: Domain, *, equal_scale: bool = True) -> list[dict]:
    """The exit arrow where the path leaves the map for good (none when it ends on the map)."""
    exit_ = _exit_point(np.asarray(s.traj.xs)[: last_finite(s.traj) + 1], domain)
    return [] if exit_ is None else [_exit_trace(s, exit_, domain, equal_scale)]


def merge_points(points: list[dict], meta: str = "markers") -> dict:
    """Single-point marker traces of one series on one panel (2-D or 3D) as one trace, point after point.

    plotly.js's cost per redraw grows with the number of traces (each calc walks every trace's attribute
    schema), and a step move redraws them all; so the linked figure draws a series' markers on a panel (its
    start and end, or where its loss reached the tolerance) and its step marker as one trace. Each point keeps
    its own symbol, size, outline, hover text and label; a 3D marker's outline width is one number for the
    whole trace in plotly.js, so the widest is kept.
    """
    first = points[0]
    marker = dict(first["marker"], symbol=[p["marker"]["symbol"] for p in points],
                  size=[p["marker"]["size"] for p in points])
    widths = [p["marker"]["line"]["width"] for p in points]
    marker["line"] = dict(color=[p["marker"]["line"]["color"] for p in points],
                          width=max(widths) if first["type"] == "scatter3d" else widths)
    out = dict(first, meta=meta, marker=marker, hovertemplate=[p["hovertemplate"] for p in points])
    for attr in ("x", "y", "z", "customdata"):  # a point without customdata (its hover needs none) gets None
        if any(attr in p for p in points):
            out[attr] = [v for p in points for v in p.get(attr, [None])]
    labelled = [p for p in points if "text" in p]
    if labelled:
        out.update(mode="markers+text", text=[p["text"][0] if "text" in p else "" for p in points],
                   textposition=labelled[0]["textposition"], textfont=labelled[0]["textfont"])
    return out


def _exit_trace(s: Series, exit_, domain: Domain, equal_scale: bool) -> dict:
    """The last segment up to the map's edge, with an arrow pointing the way the path went."""
    traj = s.traj
    j, (ex, ey), (dx, dy) = exit_
    (x0, x1), (y0, y1) = domain
    if not equal_scale:
        dx, dy = dx / (x1 - x0), dy / (y1 - y0)
    px, py = np.asarray(traj.xs)[j - 1]
    if diverged(traj):
        what, text = f"diverged at step {int(traj.diverged_at)}", f"diverged at step {int(traj.diverged_at)}"
    else:
        what, text = f"ends at step {last_finite(traj)}", "continues off the map"
    tol = 1e-9 * max(x1 - x0, y1 - y0)
    side = "left" if ex > (x0 + x1) / 2 else "right"  # the label reads inward, away from the colour bar
    position = (f"bottom {side}" if abs(ey - y1) < tol else f"top {side}" if abs(ey - y0) < tol
                else "middle left" if abs(ex - x1) < tol else "middle right")
    return dict(
        type="scatter", x=[float(px), float(ex)], y=[float(py), float(ey)], customdata=[[j], [j]],
        mode="lines+markers+text", name=s.label,
        legendgroup=s.label, showlegend=False, meta="exit", cliponaxis=False,
        line=dict(color=s.color, width=2.2),
        marker=dict(symbol="arrow", size=[0, 15], angle=float(np.degrees(np.arctan2(dx, dy))),
                    color=s.color, line=dict(color=colors.OUTLINE, width=1)),
        text=["", text], textposition=position, textfont=dict(color=s.color, size=11),
        hovertemplate=f"<b>{esc(s.label)}</b><br>leaves the map at step %{{customdata[0]:d}}<br>"
                      f"{what} (off the map)<extra></extra>",
    )


def _exit_point(xs: np.ndarray, domain: Domain):
    """``(step, point, direction)`` where the path last crosses out of ``domain``, if it ends outside."""
    if len(xs) < 2:
        return None
    inside = within(domain, xs)
    if inside[-1] or not inside.any():
        return None
    j = int(len(inside) - 1 - np.argmax(inside[::-1])) + 1  # first point of the final outside stretch
    p0, p1 = xs[j - 1], xs[j]
    d = p1 - p0
    t = 1.0
    for axis, (lo, hi) in enumerate(domain):
        if p1[axis] > hi and d[axis] != 0:
            t = min(t, (hi - p0[axis]) / d[axis])
        elif p1[axis] < lo and d[axis] != 0:
            t = min(t, (lo - p0[axis]) / d[axis])
    edge = np.clip(p0 + t * d, [domain[0][0], domain[1][0]], [domain[0][1], domain[1][1]])  # exactly on it
    return j, tuple(float(v) for v in edge), tuple(d)


def step_marker_trace(s: Series, step: int) -> dict:
    """The current position of ``s`` at ``step`` (clamped to its last finite step)."""
    k = step_index(s.traj, step)
    note = f"step {k}" if k == step else f"step {k} (last finite; asked {step})"
    return _point(s, k, meta="step-marker", symbol="diamond", size=14,
                  line=dict(color=colors.OUTLINE, width=2), hover=note)


__all__ = [
    "MAX_MINIMA", "contour_trace", "drawn_minima", "end_points", "endpoint_traces", "exit_traces",
    "merge_points", "minima_traces", "path_trace", "step_marker_trace",
]

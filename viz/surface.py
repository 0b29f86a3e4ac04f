"""The 3D surface: the objective as a surface with each series' path lifted onto it.

The surface uses a modest grid (60 x 60 by default) so rotating stays smooth and the figure stays
small. Heights use the same transform as the contour map (:mod:`viz.levels`): wide-range functions
are drawn as ``log10(f - f* + eps)``, said in the z-axis title and labelled in real f values. Paths
are drawn at ``transform(f(x, y))`` plus a lift of 1.5% of the height range, so they float just
above the surface instead of disappearing into it. The camera looks from the side opposite the
first path's start, from above, so a path running down a slope faces the viewer.

:func:`surface_parts` builds the traces and the scene as plain dicts (for figures that place the
surface among other panels, such as :func:`viz.linked_figure`); :func:`surface_figure` puts them in a
``go.Figure``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from . import colors
from .domain import Domain, check_domain, fit_domain, within
from .layout import base_layout
from .levels import Grid, Levels, grid_values, map_levels
from .series import MAX_MARKED_POINTS, Series, diverged, drawn_indices, esc, f32, last_finite, step_index

LIFT = 0.015
"""Paths float this fraction of the surface's height range above it."""


class SurfaceParts(NamedTuple):
    """The 3D panel as plain dicts: the ``"surface"`` trace, every series' traces, and the ``scene``."""

    traces: list[dict]
    scene: dict
    lift: float
    """How far paths float above the surface; step markers float twice that."""


def surface_parts(series, domain: Domain, levels: Levels, g: Grid, *, scene: str = "scene",
                  eye_distance: float = 1.0, showlegend: bool = True, max_ticks: int = 6,
                  points: bool = True) -> SurfaceParts:
    """The surface of grid ``g`` with every series' path lifted onto it, on 3D ``scene``.

    Args:
        series: list of :class:`viz.Series`.
        domain: the surface's ``((xmin, xmax), (ymin, ymax))`` (the grid's).
        levels: the height transform and levels shared with the contour map.
        g: the objective on a grid over ``domain`` (:func:`viz.levels.grid_values`).
        scene: the 3D scene the traces live on.
        eye_distance: the camera stands this much farther back than its default distance.
        showlegend: give each path a legend entry (off when another panel's paths have them).
        max_ticks: most labels on the z-axis (fewer in a small panel, where they would overlap).
        points: draw each series' start and end markers (off where the caller draws them, as
            :func:`viz.linked_figure` does in one trace with the step marker).
    """
    gx, gy, Z, low = g
    T = levels.transform(low if levels.log else Z)
    finite = T[np.isfinite(T)]
    zlo, zhi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not zhi > zlo:
        zhi = zlo + 1.0
    lift = LIFT * (zhi - zlo)
    traces = [dict(
        type="surface", x=gx, y=gy, z=f32(T), customdata=f32(Z), scene=scene,
        colorscale=colors.MAP_COLORSCALE, cmin=levels.zmin, cmax=levels.zmax, showscale=False,
        opacity=0.95, name="f", showlegend=False, meta="surface",
        contours=dict(z=dict(show=True, color=colors.CONTOUR_LINE, width=1, **levels.contours())),
        lighting=dict(ambient=0.75, diffuse=0.6, specular=0.05, roughness=0.9),
        hovertemplate="(%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>",
    )]
    for s in series:
        traces += path3d_traces(s, levels, lift, domain, scene=scene, showlegend=showlegend, points=points)
    (x0, x1), (y0, y1) = domain
    ratio = float(np.clip((y1 - y0) / (x1 - x0), 0.5, 2.0))
    zaxis = dict(title=dict(text=levels.title), range=[zlo, zhi + 3 * lift])
    if levels.tickvals is not None:
        keep = slice(None, None, int(np.ceil(len(levels.tickvals) / max_ticks)))  # a short axis: a few labels
        zaxis.update(tickmode="array", tickvals=list(levels.tickvals[keep]),
                     ticktext=list(levels.ticktext[keep]))
    else:  # linear heights: plotly.js picks round ticks, at most this many
        zaxis.update(nticks=max_ticks)
    eye = {k: v * eye_distance for k, v in camera_eye(series, domain).items()}
    layout = dict(
        xaxis=dict(title=dict(text="x"), range=[x0, x1]),
        yaxis=dict(title=dict(text="y"), range=[y0, y1]),
        zaxis=zaxis,
        aspectmode="manual", aspectratio=dict(x=1.0, y=ratio, z=0.65),
        camera=dict(eye=eye, up=dict(x=0, y=0, z=1)),
    )
    return SurfaceParts(traces, layout, lift)


def surface_figure(
    objective,
    series,
    step: int | None = None,
    *,
    domain: Domain | None = None,
    grid: int = 60,
    height: int = 460,
    log: bool | None = None,
    title: str | None = None,
) -> go.Figure:
    """3D surface of ``objective`` over ``domain`` with each series' path lifted onto it.

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series`.
        step: when given, a ``meta="step-marker"`` diamond per series at ``xs[min(step, last finite)]``.
        domain: ``((xmin, xmax), (ymin, ymax))``; default :func:`viz.fit_domain` with
            ``diverged_zoom_out=1``: a diverged run does not widen the surface (its path stops at the
            edge), so the bowl keeps the whole 3D box.
        grid: surface grid points per axis.
        height: figure height in pixels.
        log: force log (True) or linear (False) heights; None picks as the contour map does.
        title: figure title; default the objective's title.

    Returns:
        A ``go.Figure``: a ``"surface"`` trace, then per series ``"path"``, ``"start"``, ``"end"`` or
        ``"diverged"``, and ``"step-marker"`` when ``step`` is given (the ``meta`` of each trace).

    Example:
        >>> import optim, viz
        >>> rosen = optim.get_objective("rosenbrock")
        >>> t = optim.run(optim.make_optimizer("adam", lr=0.05), rosen, x0=[-1.5, 2.0], steps=200)
        >>> fig = viz.surface_figure(rosen, [viz.Series("Adam", "#0072b2", t)])
        >>> fig.layout.scene.zaxis.title.text
        'f (log scale)'
    """
    domain = fit_domain(objective, series, diverged_zoom_out=1.0) if domain is None else check_domain(domain)
    levels = map_levels(objective, domain, log=log)
    parts = surface_parts(series, domain, levels, grid_values(objective, domain, grid))
    traces = list(parts.traces)
    if step is not None:
        for s in series:
            k = step_index(s.traj, step)
            traces.append(step_point3d(s, k, levels, parts.lift))
    layout = base_layout(objective.title if title is None else title, height,
                         uirevision=f"surface:{objective.name}:{domain}", legend=bool(series))
    layout["margin"] = dict(l=0, r=0, t=layout["margin"]["t"], b=0)
    layout["scene"] = dict(parts.scene, uirevision=layout["uirevision"])
    return go.Figure(data=traces, layout=layout)


def lifted_height(levels: Levels, losses, lift: float) -> np.ndarray:
    """Where a point with these losses floats in 3D: the transformed height plus ``lift``."""
    return levels.transform(losses) + lift


def path3d_traces(s: Series, levels: Levels, lift: float, domain: Domain, *, scene: str = "scene",
                  showlegend: bool = True, points: bool = True) -> list[dict]:
    """One series on the surface: its lifted ``"path"``, and with ``points`` its ``"start"``, and ``"end"`` or
    ``"diverged"`` (:func:`end_points3d`)."""
    traj = s.traj
    last = last_finite(traj)
    idx = drawn_indices(last + 1)
    xs = np.asarray(traj.xs)[idx]
    # Points off the surface's square are not drawn (the tail of a diverging run).
    keep = within(domain, xs)
    x = np.where(keep, xs[:, 0], np.nan)
    y = np.where(keep, xs[:, 1], np.nan)
    z = np.where(keep, lifted_height(levels, np.asarray(traj.losses)[idx], lift), np.nan)
    mode = "lines+markers" if len(idx) <= MAX_MARKED_POINTS else "lines"
    out = [dict(
        type="scatter3d", x=f32(x), y=f32(y), z=f32(z),
        customdata=f32(np.column_stack([idx, np.asarray(traj.losses)[idx]])), mode=mode, scene=scene,
        name=s.label, legendgroup=s.label, meta="path", showlegend=showlegend,
        line=dict(color=s.color, width=5), marker=dict(color=s.color, size=2.5),
        hovertemplate=f"<b>{esc(s.label)}</b><br>step %{{customdata[0]:d}}<br>"
                      "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}<extra></extra>",
    )]
    return out + end_points3d(s, levels, lift, scene=scene) if points else out


def end_points3d(s: Series, levels: Levels, lift: float, *, scene: str = "scene") -> list[dict]:
    """The start marker and the end marker (or the "x" at a diverged run's last finite point) on the surface."""
    traj = s.traj
    last = last_finite(traj)
    start = _point3d(s, 0, levels, lift, meta="start", symbol="circle", size=5, line=dict(color="white", width=2),
                     hover="start", scene=scene)
    if diverged(traj):
        return [start, _point3d(s, last, levels, lift, meta="diverged", symbol="x", size=7,
                                line=dict(color=colors.OUTLINE, width=1),
                                hover=f"diverged at step {int(traj.diverged_at)}<br>last finite: step {last}",
                                scene=scene)]
    return [start, _point3d(s, last, levels, lift, meta="end", symbol="square", size=5,
                            line=dict(color="white", width=1), hover=f"end, step {last}", scene=scene)]


def step_point3d(s: Series, k: int, levels: Levels, lift: float, *, scene: str = "scene") -> dict:
    """The step control's marker at step ``k`` on the surface: a diamond, dark outline."""
    return _point3d(s, k, levels, lift, meta="step-marker", symbol="diamond", size=7,
                    line=dict(color=colors.OUTLINE, width=2), hover=f"step {k}", scene=scene)


def _point3d(s: Series, k: int, levels: Levels, lift: float, *, meta, symbol, size, line, hover, scene) -> dict:
    x, y = np.asarray(s.traj.xs)[k]
    loss = float(np.asarray(s.traj.losses)[k])
    return dict(
        type="scatter3d", x=[float(x)], y=[float(y)], z=[float(levels.transform(loss)) + 2 * lift],
        customdata=[[k, loss]], scene=scene,
        mode="markers", name=s.label, legendgroup=s.label, showlegend=False, meta=meta,
        marker=dict(symbol=symbol, size=size, color=s.color, line=line),
        hovertemplate=f"<b>{esc(s.label)}</b><br>{hover}<br>(%{{x:.4g}}, %{{y:.4g}})<br>"
                      "f = %{customdata[1]:.4g}<extra></extra>",
    )


def camera_eye(series, domain: Domain) -> dict:
    """Camera eye looking from above the side opposite the first path's start."""
    (x0, x1), (y0, y1) = domain
    if series:
        sx, sy = np.asarray(series[0].traj.xs)[0]
        u = np.array([(sx - (x0 + x1) / 2) / (x1 - x0), (sy - (y0 + y1) / 2) / (y1 - y0)])
    else:
        u = np.zeros(2)
    if np.hypot(*u) < 0.05:
        u = np.array([-1.0, -1.0])  # start at the centre: plotly's usual corner view
    u = -u / np.hypot(*u)
    return dict(x=float(1.35 * u[0]), y=float(1.35 * u[1]), z=1.6)

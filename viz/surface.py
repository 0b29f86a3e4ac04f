"""The 3D surface: the objective as a surface with each series' path lifted onto it.

The surface uses a modest grid (60 x 60 by default) so rotating stays smooth and the figure stays
small. Heights use the same transform as the contour map (:mod:`viz.levels`): wide-range functions
are drawn as ``log10(f - f* + eps)``, said in the z-axis title and labelled in real f values. Paths
are drawn at ``transform(f(x, y))`` plus a lift of 1.5% of the height range, so they float just
above the surface instead of disappearing into it. The camera looks from the side opposite the
first path's start, from above, so a path running down a slope faces the viewer.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import colors
from .domain import Domain, check_domain, fit_domain, within
from .layout import base_layout
from .levels import Levels, grid_values, map_levels
from .series import MAX_MARKED_POINTS, Series, diverged, drawn_indices, esc, f32, last_finite, step_index

LIFT = 0.015
"""Paths float this fraction of the surface's height range above it."""


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
    gx, gy, Z, low = grid_values(objective, domain, grid)
    levels = map_levels(objective, domain, log=log)
    T = levels.transform(low if levels.log else Z)
    zlo, zhi = float(np.nanmin(T)), float(np.nanmax(T))
    if not zhi > zlo:
        zhi = zlo + 1.0
    lift = LIFT * (zhi - zlo)

    fig = go.Figure()
    fig.add_trace(go.Surface(
        x=gx, y=gy, z=f32(T), customdata=f32(Z),
        colorscale=colors.MAP_COLORSCALE, cmin=levels.zmin, cmax=levels.zmax, showscale=False,
        opacity=0.95, name="f", showlegend=False, meta="surface",
        contours=dict(z=dict(show=True, color=colors.CONTOUR_LINE, width=1, **levels.contours())),
        lighting=dict(ambient=0.75, diffuse=0.6, specular=0.05, roughness=0.9),
        hovertemplate="(%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>",
    ))
    for s in series:
        fig.add_traces(_series_traces(s, levels, lift, domain))
    if step is not None:
        for s in series:
            k = step_index(s.traj, step)
            fig.add_trace(_point3d(s, k, levels, lift, meta="step-marker", symbol="diamond", size=7,
                                   line=dict(color=colors.OUTLINE, width=2), hover=f"step {k}"))

    (x0, x1), (y0, y1) = domain
    layout = base_layout(objective.title if title is None else title, height,
                         uirevision=f"surface:{objective.name}:{domain}", legend=bool(series))
    layout["margin"] = dict(l=0, r=0, t=layout["margin"]["t"], b=0)
    ratio = float(np.clip((y1 - y0) / (x1 - x0), 0.5, 2.0))
    zaxis = dict(title=dict(text=levels.title), range=[zlo, zhi + 3 * lift], backgroundcolor="white")
    if levels.tickvals is not None:
        keep = slice(None, None, int(np.ceil(len(levels.tickvals) / 6)))  # a short axis: at most 6 labels
        zaxis.update(tickmode="array", tickvals=list(levels.tickvals[keep]),
                     ticktext=list(levels.ticktext[keep]))
    layout.update(scene=dict(
        xaxis=dict(title=dict(text="x"), range=[x0, x1], backgroundcolor="white"),
        yaxis=dict(title=dict(text="y"), range=[y0, y1], backgroundcolor="white"),
        zaxis=zaxis,
        aspectmode="manual", aspectratio=dict(x=1.0, y=ratio, z=0.65),
        camera=dict(eye=_eye(series, domain), up=dict(x=0, y=0, z=1)),
        uirevision=layout["uirevision"],
    ))
    fig.update_layout(**layout)
    return fig


def _lifted(s: Series, idx: np.ndarray, levels: Levels, lift: float) -> np.ndarray:
    return levels.transform(np.asarray(s.traj.losses)[idx]) + lift


def _series_traces(s: Series, levels: Levels, lift: float, domain: Domain) -> list:
    traj = s.traj
    last = last_finite(traj)
    idx = drawn_indices(last + 1)
    xs = np.asarray(traj.xs)[idx]
    # Points off the surface's square are not drawn (the tail of a diverging run).
    keep = within(domain, xs)
    x = np.where(keep, xs[:, 0], np.nan)
    y = np.where(keep, xs[:, 1], np.nan)
    z = np.where(keep, _lifted(s, idx, levels, lift), np.nan)
    mode = "lines+markers" if len(idx) <= MAX_MARKED_POINTS else "lines"
    out = [go.Scatter3d(
        x=f32(x), y=f32(y), z=f32(z), customdata=f32(np.column_stack([idx, np.asarray(traj.losses)[idx]])),
        mode=mode,
        name=s.label, legendgroup=s.label, meta="path",
        line=dict(color=s.color, width=5), marker=dict(color=s.color, size=2.5),
        hovertemplate=f"<b>{esc(s.label)}</b><br>step %{{customdata[0]:d}}<br>"
                      "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}<extra></extra>",
    )]
    out.append(_point3d(s, 0, levels, lift, meta="start", symbol="circle", size=5,
                        line=dict(color="white", width=2), hover="start"))
    if diverged(traj):
        out.append(_point3d(s, last, levels, lift, meta="diverged", symbol="x", size=7,
                            line=dict(color=colors.OUTLINE, width=1),
                            hover=f"diverged at step {int(traj.diverged_at)}<br>last finite: step {last}"))
    else:
        out.append(_point3d(s, last, levels, lift, meta="end", symbol="square", size=5,
                            line=dict(color="white", width=1), hover=f"end, step {last}"))
    return out


def _point3d(s: Series, k: int, levels: Levels, lift: float, *, meta, symbol, size, line, hover):
    x, y = np.asarray(s.traj.xs)[k]
    loss = float(np.asarray(s.traj.losses)[k])
    return go.Scatter3d(
        x=[x], y=[y], z=[float(levels.transform(loss)) + 2 * lift], customdata=[[k, loss]],
        mode="markers", name=s.label, legendgroup=s.label, showlegend=False, meta=meta,
        marker=dict(symbol=symbol, size=size, color=s.color, line=line),
        hovertemplate=f"<b>{esc(s.label)}</b><br>{hover}<br>(%{{x:.4g}}, %{{y:.4g}})<br>"
                      "f = %{customdata[1]:.4g}<extra></extra>",
    )


def _eye(series, domain: Domain) -> dict:
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

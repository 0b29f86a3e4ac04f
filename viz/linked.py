"""One figure, three linked views: the contour map, the 3D surface and the loss curves, with the step
control inside the figure.

Why one figure: Streamlit 1.67 remounts a Plotly chart whenever its figure changes, so a step slider
that reruns the script redraws every chart from scratch (the 3D scene rebuilds its WebGL context,
over a second in a software renderer). Here the step control is a Plotly slider in the figure: each
of its stops restyles only the step-marker traces and the loss panel's step line, in the browser,
with no rerun and nothing sent over the websocket.

Each stop carries the positions of every series' marker on all three panels (``Plotly.restyle``
data for the traces in ``Panels.animated``). Stops are capped at :data:`MAX_STOPS` evenly spaced
steps (every step for runs of up to 100 steps; both ends always; plus the step shown first), so the
figure stays small whatever the run length.

Trace order, which the stops and the tests rely on (:func:`panels` gives the indices):

1. contour panel (``xaxis="x"``): ``"contour"``, ``"click-grid"``, minima, then per series ``"path"``
   (the one legend entry per series), then per series ``"start"``, ``"end"``/``"diverged"``, ``"exit"``;
2. 3D panel (``scene="scene"``): ``"surface"``, then per series ``"path"``, ``"start"``,
   ``"end"``/``"diverged"``;
3. loss panel (``xaxis="x2"``): per series ``"loss"``, then ``"diverged"`` and ``"converged"`` markers;
4. the moving traces: ``"step-line"`` (loss panel), then ``"step-marker"`` per series on the
   contour, on the surface and on the loss panel, in that order.

Every series trace carries ``legendgroup = label``: a click on the legend hides the series on all
three panels. The figure reuses the trace builders of :mod:`viz.traces`, :mod:`viz.surface` and
:func:`viz.loss_figure`, so it draws exactly what the three separate charts draw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import colors
from .domain import Domain, check_domain, equal_aspect, fit_domain
from .layout import base_layout
from .levels import LEVEL_GRID, Grid, Levels, choose_levels, grid_values
from .losses import _values as loss_values
from .losses import loss_figure
from .selection import clicked_point
from .series import esc, f32, step_index
from .surface import LIFT, _eye, _series_traces
from .traces import click_grid_trace, contour_trace, endpoint_traces, minima_traces, path_trace

MAX_STOPS = 101
"""Most evenly spaced stops on the step slider (plus the step shown first, when it falls between them)."""

CONTOUR_GRID = LEVEL_GRID
"""Contour grid points per axis; equal to the levels' grid, so one grid serves both."""

SURFACE_GRID = 60
"""Surface grid points per axis: smooth enough, light to rotate."""

CLICK_GRID_SIZE = 30
"""Click-grid points per axis: a cell of about 10 px on the map; fewer points redraw faster."""

EYE_DISTANCE = 1.4
"""The 3D camera stands this much farther back than :func:`viz.surface_figure`'s: the panel is narrower."""

GridFn = Callable[[Domain, int], Grid]
"""``grids(domain, n)`` -> :class:`viz.levels.Grid` of the objective: how to evaluate it on a grid.

The default evaluates the objective; a page passes a cached function so reruns that only change the
paths skip the work.
"""

# Paper-coordinate layout of the side-by-side arrangement: contour | colourbar | surface | loss.
_ROW = dict(contour=(0.0, 0.27), colorbar=0.276, surface=(0.345, 0.665), loss=(0.755, 1.0))


class Panels(NamedTuple):
    """Trace indices of the linked figure, by role (see the module docstring)."""

    contour: tuple[int, ...]
    surface: tuple[int, ...]
    loss: tuple[int, ...]
    animated: tuple[int, ...]


def slider_steps(steps: int, max_stops: int = MAX_STOPS, extra: Iterable[int] = ()) -> list[int]:
    """The steps the step slider stops at: evenly spaced over ``0..steps``, both ends included.

    Args:
        steps: the run length (the last step).
        max_stops: most evenly spaced stops (at least 2).
        extra: steps to include as well (for example the step a link opened at), clipped to range.

    Example:
        >>> slider_steps(4)
        [0, 1, 2, 3, 4]
        >>> slider_steps(500, 6, extra=[42])
        [0, 42, 100, 200, 300, 400, 500]
    """
    if max_stops < 2:
        raise ValueError("slider_steps needs max_stops >= 2.")
    steps = max(int(steps), 0)
    if steps < max_stops:
        base = set(range(steps + 1))
    else:
        base = set(np.linspace(0, steps, max_stops).round().astype(int).tolist())
    base.update(min(max(int(s), 0), steps) for s in extra)
    return sorted(base)


def linked_figure(
    objective,
    series,
    step: int | None = None,
    *,
    steps: int | None = None,
    domain: Domain | None = None,
    height: int | None = None,
    stacked: bool = False,
    max_stops: int = MAX_STOPS,
    log: bool | None = None,
    grid: int = CONTOUR_GRID,
    surface_grid: int = SURFACE_GRID,
    click_grid_size: int = CLICK_GRID_SIZE,
    grids: GridFn | None = None,
    title: str | None = None,
) -> go.Figure:
    """Contour map, 3D surface and loss curves in one figure, with an in-figure step slider.

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series` (at least one).
        step: the step shown first (default the last); the slider always stops there.
        steps: the slider's last step; default the longest run's.
        domain: the contour map's ``((xmin, xmax), (ymin, ymax))``; default :func:`viz.fit_domain`.
            The surface uses the same domain without the zoom-out for diverged runs, as
            :func:`viz.surface_figure` does.
        height: figure height in pixels; default 580 side by side, 1340 stacked.
        stacked: panels one above the other (for narrow screens) instead of side by side.
        max_stops: most evenly spaced slider stops (see :func:`slider_steps`).
        log: force log (True) or linear (False) levels and heights; None picks.
        grid: contour grid points per axis.
        surface_grid: surface grid points per axis.
        click_grid_size: points per axis of the invisible click grid on the contour map.
        grids: how to evaluate the objective on a grid (:data:`GridFn`); default uncached.
        title: the contour panel's title; default "Contour map".

    Returns:
        A ``go.Figure`` with one slider, ``layout.sliders[0]``: each of its steps is labelled with its
        step number and restyles the moving traces (``args = [data, trace indices]``); the active one
        is ``step``. ``fig.layout.meta["panels"]`` holds the :class:`Panels` trace indices.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.05), bowl, x0=[1.5, 1.5], steps=500)
        >>> fig = viz.linked_figure(bowl, [viz.Series("GD", "#0072b2", t)], step=42)
        >>> slider = fig.layout.sliders[0]
        >>> len(slider.steps), slider.steps[0].label, slider.steps[slider.active].label
        (102, '0', '42')
        >>> data, traces = slider.steps[slider.active].args
        >>> [fig.data[i].meta for i in traces]
        ['step-line', 'step-marker', 'step-marker', 'step-marker']
        >>> data["x"][1], float(t.xs[42, 0])  # the marker on the map, to seven digits
        ([0.01795877], 0.01795877277384303)
    """
    series = list(series)
    if not series:
        raise ValueError("linked_figure needs at least one series.")
    grids = grids or (lambda d, n: grid_values(objective, d, n))
    if domain is None:
        domain = fit_domain(objective, series)
        sdomain = fit_domain(objective, series, diverged_zoom_out=1.0)  # as viz.surface_figure
    else:
        domain = sdomain = check_domain(domain)
    longest = max(len(s.traj.losses) - 1 for s in series)
    steps = longest if steps is None else int(steps)
    step = steps if step is None else min(max(int(step), 0), steps)
    shown = slider_steps(steps, max_stops, extra=[step])

    fig = make_subplots(
        rows=3 if stacked else 1, cols=1 if stacked else 3,
        specs=[[{"type": "xy"}], [{"type": "scene"}], [{"type": "xy"}]] if stacked
        else [[{"type": "xy"}, {"type": "scene"}, {"type": "xy"}]],
        vertical_spacing=0.06,
    )
    c_levels = _levels(objective, grids, domain, log)
    s_levels = c_levels if sdomain == domain else _levels(objective, grids, sdomain, log)
    contour = _contour_traces(objective, series, domain, c_levels, grids(domain, grid), click_grid_size,
                              colorbar_x=1.01 if stacked else _ROW["colorbar"])
    surface, lift = _surface_traces(objective, series, sdomain, s_levels, grids(sdomain, surface_grid))
    loss = loss_figure(series, f_min=objective.f_min)
    n0 = len(contour)
    if stacked:  # the colourbar beside the contour map, not the whole column
        top = fig.layout.yaxis.domain
        contour[0].colorbar.update(y=(top[0] + top[1]) / 2, len=0.9 * (top[1] - top[0]))
    fig.add_traces(contour)
    fig.add_traces(surface)
    loss_traces = [t.update(xaxis="x2", yaxis="y2", showlegend=False) for t in loss.data]
    fig.add_traces(loss_traces)
    n1 = n0 + len(surface)
    n2 = n1 + len(loss_traces)

    y_loss = [loss_values(s, objective.f_min) for s in series]
    line_y = _line_span(y_loss, loss.layout.yaxis.type == "log")
    pos = _positions(series, shown, s_levels, lift, y_loss)
    updates = [_update(pos, j, k, line_y) for j, k in enumerate(shown)]
    active = shown.index(step)
    fig.add_traces(_animated(series, updates[active]))
    roles = Panels(tuple(range(n0)), tuple(range(n0, n1)), tuple(range(n1, n2)), tuple(range(n2, len(fig.data))))

    _layout(fig, objective, series, domain, sdomain, s_levels, loss.layout, stacked=stacked, height=height,
            title=title)
    _slider(fig, shown, active, updates, list(roles.animated))
    fig.layout.meta = {"panels": {k: list(v) for k, v in roles._asdict().items()}}
    return fig


def panels(fig: go.Figure) -> Panels:
    """The :class:`Panels` trace indices of a :func:`linked_figure`."""
    p = fig.layout.meta["panels"]
    return Panels(*(tuple(p[k]) for k in Panels._fields))


def clicked_start(selection, contour_traces: Iterable[int]) -> tuple[float, float] | None:
    """The start point a person clicked on the contour panel of a :func:`linked_figure`, or None.

    Clicks on the loss panel (whose x is a step, not a coordinate) are ignored: only points of the
    traces in ``contour_traces`` (``panels(fig).contour``) count, the click grid or a path point.

    Example:
        >>> event = {"selection": {"points": [{"x": 3, "y": 0.5, "curve_number": 9},
        ...                                   {"x": 1.25, "y": -0.5, "curve_number": 1}]}}
        >>> clicked_start(event, [0, 1, 2]), clicked_start(event, [9, 10]) == (3.0, 0.5)
        ((1.25, -0.5), True)
        >>> clicked_start(event, []) is None
        True
    """
    if selection is None:
        return None
    sel = selection
    if isinstance(sel, dict) and "selection" in sel:
        sel = sel["selection"]
    elif not isinstance(sel, dict) and hasattr(sel, "selection"):
        sel = sel.selection
    try:
        points = sel["points"]
    except (KeyError, TypeError, IndexError):
        points = getattr(sel, "points", None)
    keep = set(contour_traces)
    mine = [p for p in (points or []) if p.get("curve_number", p.get("curveNumber")) in keep]
    return clicked_point({"points": mine}, grid_only=False)


# ---------------------------------------------------------------- pieces


def _levels(objective, grids: GridFn, domain: Domain, log: bool | None) -> Levels:
    g = grids(domain, LEVEL_GRID)
    return choose_levels(objective, g.low, domain, log=log, gx=g.gx, gy=g.gy)


def _contour_traces(objective, series, domain: Domain, levels: Levels, g: Grid, click_n: int,
                    colorbar_x: float) -> list:
    equal = equal_aspect(domain)
    c = contour_trace(g, levels)
    c.colorbar.update(x=colorbar_x, xanchor="left", xpad=2, thickness=10, len=0.8, y=0.5, yanchor="middle")
    out = [c, click_grid_trace(objective, domain, series, n=click_n), *minima_traces(objective, domain)]
    out += [path_trace(s, domain) for s in series]
    for s in series:
        out += endpoint_traces(s, domain, equal_scale=equal)
    return out


def _surface_traces(objective, series, domain: Domain, levels: Levels, g: Grid) -> tuple[list, float]:
    gx, gy, Z, low = g
    T = levels.transform(low if levels.log else Z)
    finite = T[np.isfinite(T)]
    zlo, zhi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if not zhi > zlo:
        zhi = zlo + 1.0
    lift = LIFT * (zhi - zlo)
    out = [go.Surface(
        x=gx, y=gy, z=f32(T), customdata=f32(Z), scene="scene",
        colorscale=colors.MAP_COLORSCALE, cmin=levels.zmin, cmax=levels.zmax, showscale=False,
        opacity=0.95, name="f", showlegend=False, meta="surface",
        contours=dict(z=dict(show=True, color=colors.CONTOUR_LINE, width=1, **levels.contours())),
        lighting=dict(ambient=0.75, diffuse=0.6, specular=0.05, roughness=0.9),
        hovertemplate="(%{x:.3g}, %{y:.3g})<br>f = %{customdata:.4g}<extra></extra>",
    )]
    for s in series:
        out += [t.update(scene="scene", showlegend=False) for t in _series_traces(s, levels, lift, domain)]
    return out, lift


def _line_span(values, log: bool) -> list[float]:
    """y from the lowest to the highest drawn loss: the dashed step line's extent."""
    finite = np.concatenate([v[np.isfinite(v)] for v in values])
    if log:
        finite = finite[finite > 0]
    if not finite.size:
        return [0.0, 1.0]
    return [float(finite.min()), float(finite.max())]


class _Positions(NamedTuple):
    """Where every series' marker sits at each shown step (arrays over the shown steps)."""

    k: list[np.ndarray]      # the step each series shows (clamped to its last finite step)
    xy: list[np.ndarray]     # (n, 2) points
    loss: list[np.ndarray]   # f at those points
    z: list[np.ndarray]      # lifted heights on the surface
    y: list[np.ndarray]      # what the loss panel draws (f, or f - f*)


def _positions(series, shown: list[int], levels: Levels, lift: float, y_loss: list) -> _Positions:
    want = np.asarray(shown, dtype=int)
    out = _Positions([], [], [], [], [])
    for s in series:
        k = np.array([step_index(s.traj, int(v)) for v in want], dtype=int)
        loss = np.asarray(s.traj.losses, dtype=float)[k]
        out.k.append(k)
        out.xy.append(np.asarray(s.traj.xs, dtype=float)[k])
        out.loss.append(loss)
        out.z.append(levels.transform(loss) + 2 * lift)
        out.y.append(np.asarray(y_loss[len(out.y)], dtype=float)[k])
    return out


def _short(v) -> float:
    """``v`` to seven significant digits (what float32 paths hold): a third of the JSON of a full float."""
    return float(f"{float(v):.7g}")


def _update(pos: _Positions, j: int, x_line: int, line_y: list[float]) -> dict:
    """``Plotly.restyle`` data for shown step number ``j``: the step line, then every marker."""
    n = len(pos.k)
    x = [[x_line, x_line]]
    y = [list(line_y)]
    z: list = [None]
    cd: list = [None]
    at = [(int(pos.k[i][j]), _short(pos.xy[i][j][0]), _short(pos.xy[i][j][1]), _short(pos.loss[i][j]))
          for i in range(n)]
    for k, px, py, loss in at:  # contour
        x.append([px])
        y.append([py])
        z.append(None)
        cd.append([[k, loss]])
    for i, (k, px, py, loss) in enumerate(at):  # surface
        x.append([px])
        y.append([py])
        z.append([_short(pos.z[i][j])])
        cd.append([[k, loss]])
    for i, (k, _, _, loss) in enumerate(at):  # loss
        x.append([k])
        y.append([_short(pos.y[i][j])])
        z.append(None)
        cd.append([[k, loss]])
    return dict(x=x, y=y, z=z, customdata=cd)


def _animated(series, upd: dict) -> list:
    """The step line and every series' step markers, placed as ``upd`` (one :func:`_update`) says."""
    n = len(series)
    out: list = [go.Scatter(x=upd["x"][0], y=upd["y"][0], xaxis="x2", yaxis="y2", mode="lines",
                            meta="step-line", name="step", showlegend=False, hoverinfo="skip",
                            line=dict(color=colors.STEP_LINE_COLOR, width=1.5, dash="dash"))]
    for i, s in enumerate(series):  # contour
        j = 1 + i
        out.append(go.Scatter(
            x=upd["x"][j], y=upd["y"][j], customdata=upd["customdata"][j], mode="markers", name=s.label,
            legendgroup=s.label, showlegend=False, meta="step-marker",
            marker=dict(symbol="diamond", size=14, color=s.color, line=dict(color=colors.OUTLINE, width=2)),
            hovertemplate=_hover(s, "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}"),
            unselected=dict(marker=dict(opacity=1.0))))
    for i, s in enumerate(series):  # surface
        j = 1 + n + i
        out.append(go.Scatter3d(
            x=upd["x"][j], y=upd["y"][j], z=upd["z"][j], customdata=upd["customdata"][j], scene="scene",
            mode="markers", name=s.label, legendgroup=s.label, showlegend=False, meta="step-marker",
            marker=dict(symbol="diamond", size=8, color=s.color, line=dict(color=colors.OUTLINE, width=2)),
            hovertemplate=_hover(s, "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}")))
    for i, s in enumerate(series):  # loss
        j = 1 + 2 * n + i
        out.append(go.Scatter(
            x=upd["x"][j], y=upd["y"][j], customdata=upd["customdata"][j], xaxis="x2", yaxis="y2",
            mode="markers", name=s.label, legendgroup=s.label, showlegend=False, meta="step-marker",
            marker=dict(symbol="diamond", size=11, color=s.color, line=dict(color=colors.OUTLINE, width=1.5)),
            hovertemplate=_hover(s, "%{y:.4g}")))
    return out


def _hover(s, what: str) -> str:
    return f"<b>{esc(s.label)}</b><br>step %{{customdata[0]:d}}<br>{what}<extra></extra>"


def _layout(fig, objective, series, domain, sdomain, levels, loss_layout, *, stacked, height, title) -> None:
    (x0, x1), (y0, y1) = domain
    equal = equal_aspect(domain)
    height = height or (1340 if stacked else 580)
    layout = base_layout("", height, uirevision=f"linked:{objective.name}:{domain}", legend=True)
    layout.pop("title")
    layout["margin"] = dict(l=55, r=10, t=52, b=10)  # the panel titles sit below the mode bar
    fig.update_layout(**layout)

    xaxis = dict(title=dict(text="x", standoff=4), range=[x0, x1], constrain="domain", showgrid=False,
                 zeroline=False, ticks="outside")
    yaxis = dict(title=dict(text="y", standoff=4), range=[y0, y1], constrain="domain", showgrid=False,
                 zeroline=False, ticks="outside")
    if equal:
        yaxis.update(scaleanchor="x", scaleratio=1)
    ly = loss_layout.yaxis
    fig.update_layout(
        xaxis=xaxis, yaxis=yaxis,
        xaxis2=dict(title=dict(text="step", standoff=8), zeroline=False, ticks="outside", rangemode="tozero"),
        yaxis2=ly.to_plotly_json(),
        clickmode="event+select", dragmode="zoom",
    )
    # Annotations of the loss chart ("diverged at step k") move to its axes.
    notes = [a.update(xref="x2", yref="y2") for a in loss_layout.annotations]

    (s0, s1), (t0, t1) = sdomain
    ratio = float(np.clip((t1 - t0) / (s1 - s0), 0.5, 2.0))
    zaxis = dict(title=dict(text="f"), backgroundcolor="white")  # "log scale" goes in the panel's title
    if levels.tickvals is not None:
        keep = slice(None, None, int(np.ceil(len(levels.tickvals) / 6)))
        zaxis.update(tickmode="array", tickvals=list(levels.tickvals[keep]), ticktext=list(levels.ticktext[keep]))
    fig.update_layout(scene=dict(
        xaxis=dict(title=dict(text="x"), range=[s0, s1], backgroundcolor="white"),
        yaxis=dict(title=dict(text="y"), range=[t0, t1], backgroundcolor="white"),
        zaxis=zaxis,
        aspectmode="manual", aspectratio=dict(x=1.0, y=ratio, z=0.65),
        camera=dict(eye={k: v * EYE_DISTANCE for k, v in _eye(series, sdomain).items()}, up=dict(x=0, y=0, z=1)),
        uirevision=layout["uirevision"],
    ))

    heads = ["Contour map" if title is None else title, "Surface" + (" (log scale)" if levels.log else ""), "Loss"]
    if stacked:
        doms = [fig.layout.yaxis.domain, fig.layout.scene.domain.y, fig.layout.yaxis2.domain]
        for name, d in zip(heads, doms, strict=True):
            notes.append(dict(text=f"<b>{esc(name)}</b>", x=0, xref="paper", xanchor="left", y=d[1],
                              yref="paper", yanchor="bottom", showarrow=False, font=dict(size=13)))
    else:
        fig.update_layout(xaxis=dict(domain=list(_ROW["contour"])), xaxis2=dict(domain=list(_ROW["loss"])),
                          scene=dict(domain=dict(x=list(_ROW["surface"]), y=[0.0, 1.0])))
        for name, d in zip(heads, (_ROW["contour"], _ROW["surface"], _ROW["loss"]), strict=True):
            notes.append(dict(text=f"<b>{esc(name)}</b>", x=d[0], xref="paper", xanchor="left", y=1.0,
                              yref="paper", yanchor="bottom", yshift=6, showarrow=False, font=dict(size=13)))
    fig.update_layout(annotations=notes)


def _slider(fig, shown: list[int], active: int, updates: list[dict], traces: list[int]) -> None:
    """The in-figure step slider: each step restyles only the step line and the step markers."""
    fig.update_layout(sliders=[dict(
        active=active, x=0.0, len=1.0, xanchor="left", y=0, yanchor="top",
        pad=dict(t=50, b=0, l=10, r=10), ticklen=3, minorticklen=0, tickcolor="#bbb",
        font=dict(size=1, color="rgba(0,0,0,0)"),
        currentvalue=dict(prefix="Step ", suffix=f" of {shown[-1]}", xanchor="left", offset=6,
                          font=dict(size=13, color="#222")),
        bgcolor="#e8ebef", activebgcolor="#cfd6de", bordercolor="#c0c6cc", borderwidth=1,
        steps=[dict(method="restyle", label=str(k), args=[u, traces]) for k, u in zip(shown, updates, strict=True)],
    )])


__all__ = ["CLICK_GRID_SIZE", "CONTOUR_GRID", "MAX_STOPS", "SURFACE_GRID", "Panels", "clicked_start",
           "linked_figure", "panels", "slider_steps"]

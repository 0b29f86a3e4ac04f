"""One figure, three linked views: the contour map, the 3D surface and the loss curves, with a step table.

The figure is a plain dict (``{"data", "layout", "step", "narrow"}``) for the live chart
(``ui/live_chart``): built without plotly's validators, so a rerun that changed one learning rate costs
milliseconds, and applied in the browser with ``Plotly.react``, so the camera, zoom and hidden series
survive. ``go.Figure(data=fig["data"], layout=fig["layout"])`` validates it (the tests do).

The step control lives in the chart, under the figure: ``fig["step"]`` is a table of where every
series' marker sits at each stop (every step for runs up to :data:`MAX_STOPS` steps, evenly spaced
beyond), which the browser applies without a rerun. Its columns per series ``i``: ``k{i}`` the step
shown (clamped to the run's last finite step), ``x{i}``, ``y{i}`` the point, ``z{i}`` its height on
the surface, ``l{i}`` what the loss panel draws there, ``f{i}`` the loss; ``bindings`` say which
trace attribute takes which column (``{"fixed": [...], "then": column}``: fixed points, then the
moving one), and ``line`` names the loss panel's dashed step line (a shape).

Arrangement: contour | surface | loss side by side; ``fig["narrow"]`` holds the layouts the browser
switches to when the chart is narrower than 1000 px (map and surface above, loss below) or 620 px
(one above the other), so the panels never overlap whatever the window.

Trace order, which the step table and the tests rely on (:func:`panels` gives the indices):

1. contour panel (``xaxis="x"``): ``"contour"`` (a click on it picks a start point, see
   :mod:`viz.start_clicks`), minima, then per series ``"path"``
   (the one legend entry per series), then per series ``"exit"`` where a path leaves the map;
2. 3D panel (``scene="scene"``): ``"surface"``, then per series ``"path"``;
3. loss panel (``xaxis="x2"``): per series ``"loss"``;
4. the moving traces, each series' markers on a panel in one trace (plotly.js's cost per step grows with
   the number of traces), the step marker last: per series ``"markers"`` on the contour, then on the
   surface (its start, its end or diverged "x", its step marker), then on the loss panel (where it
   diverged, reached, left and converged, as :func:`viz.loss_figure` marks them, then its step marker;
   ``"step-marker"`` alone for a run with none of those).

Every series trace carries ``legendgroup = label``: a click on the legend hides the series on all
three panels. The figure reuses the trace builders of :mod:`viz.traces`, :mod:`viz.surface` and
:mod:`viz.losses`, so it draws exactly what the three separate charts draw.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import NamedTuple

import numpy as np

from . import colors
from .domain import Domain, check_domain, equal_aspect, fit_domain
from .layout import base_layout
from .levels import LEVEL_GRID, Grid, GridFn, Levels, LevelsFn, choose_levels, grid_values
from .losses import loss_parts, loss_values, step_line
from .series import esc, f32, last_finite
from .start_clicks import start_digits
from .surface import end_points3d, surface_parts
from .traces import contour_trace, end_points, exit_traces, merge_points, minima_traces, path_trace

MAX_STOPS = 1000
"""Runs up to this many steps stop at every step; longer runs at this many evenly spaced steps."""

CONTOUR_GRID = LEVEL_GRID
"""Contour grid points per axis; equal to the levels' grid, so one grid serves both."""

SURFACE_GRID = 60
"""Surface grid points per axis: smooth enough, light to rotate."""


EYE_DISTANCE = 1.4
"""The 3D camera stands this much farther back than :func:`viz.surface_figure`'s: the panel is narrower."""

class Arrangement(NamedTuple):
    """Where the three panels sit (paper coordinates) and how tall the figure is."""

    height: int
    contour: tuple[tuple[float, float], tuple[float, float]]
    colorbar: tuple[float, float, float]  # x, y (middle), length
    surface: tuple[tuple[float, float], tuple[float, float]]
    loss: tuple[tuple[float, float], tuple[float, float]]


WIDE = Arrangement(540, ((0.0, 0.27), (0.0, 1.0)), (0.276, 0.5, 0.8), ((0.345, 0.665), (0.0, 1.0)),
                   ((0.755, 1.0), (0.0, 1.0)))
MEDIUM = Arrangement(900, ((0.0, 0.40), (0.46, 1.0)), (0.405, 0.73, 0.45), ((0.50, 1.0), (0.46, 1.0)),
                     ((0.0, 1.0), (0.0, 0.33)))
NARROW = Arrangement(1340, ((0.0, 1.0), (0.72, 1.0)), (1.01, 0.86, 0.25), ((0.0, 1.0), (0.37, 0.65)),
                     ((0.0, 1.0), (0.0, 0.29)))
BREAKPOINTS = ((1000, MEDIUM), (620, NARROW))
"""Below each width (px) the chart switches to that arrangement; above the first it is :data:`WIDE`."""


class Panels(NamedTuple):
    """Trace indices of the linked figure, by role (see the module docstring)."""

    contour: tuple[int, ...]
    surface: tuple[int, ...]
    loss: tuple[int, ...]
    animated: tuple[int, ...]


def step_stops(steps: int, max_stops: int = MAX_STOPS, extra: Iterable[int] = ()) -> list[int]:
    """The steps the step control stops at: every step, or evenly spaced over ``0..steps`` for long runs.

    Args:
        steps: the run length (the last step).
        max_stops: runs up to this many steps stop at every step; longer ones at this many (at least 2).
        extra: steps to include as well (for example the step a link opened at), clipped to range.

    Example:
        >>> step_stops(4)
        [0, 1, 2, 3, 4]
        >>> step_stops(500, 6, extra=[42])
        [0, 42, 100, 200, 300, 400, 500]
    """
    if max_stops < 2:
        raise ValueError("step_stops needs max_stops >= 2.")
    steps = max(int(steps), 0)
    if steps <= max_stops:
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
    log: bool | None = None,
    grid: int = CONTOUR_GRID,
    surface_grid: int = SURFACE_GRID,
    grids: GridFn | None = None,
    levels: LevelsFn | None = None,
    title: str | None = None,
    revision: str | None = None,
) -> dict:
    """Contour map, 3D surface and loss curves in one figure dict, with the step table for the step control.

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series` (at least one).
        step: the step shown first (default the last); always one of the stops.
        steps: the last stop; default the longest run's.
        domain: the contour map's and the surface's ``((xmin, xmax), (ymin, ymax))``; default
            :func:`viz.fit_domain` without zooming out for diverged runs: the runs that stay set the
            view, and a diverged path leaves it through the edge with an arrow saying when.
        log: force log (True) or linear (False) levels and heights; None picks.
        grid: contour grid points per axis.
        surface_grid: surface grid points per axis.
        grids: how to evaluate the objective on a grid (:data:`viz.levels.GridFn`); default uncached.
        levels: how to pick the levels over a domain (:data:`viz.levels.LevelsFn`); default picked on
            ``grids``, uncached.
        title: the contour panel's title; default "Contour map".
        revision: what keeps the person's view (``uirevision``): the same string across reruns keeps
            zoom, camera and hidden series; default the objective's name and domain.

    Returns:
        ``{"data": [...], "layout": {...}, "step": {...}, "narrow": [...]}``; ``layout.meta["panels"]``
        holds the :class:`Panels` trace indices.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.05), bowl, x0=[1.5, 1.5], steps=500)
        >>> fig = viz.linked_figure(bowl, [viz.Series("GD", "#0072b2", t)], step=42)
        >>> table = fig["step"]
        >>> len(table["stops"]), table["value"], [fig["data"][b["trace"]]["meta"] for b in table["bindings"]]
        (501, 42, ['markers', 'markers', 'step-marker'])
        >>> float(table["columns"]["x0"][42]) == float(np.float32(t.xs[42, 0]))  # the marker on the map
        True
        >>> fig["data"][table["bindings"][0]["trace"]]["marker"]["symbol"]  # start, end, step
        ['circle', 'square', 'diamond']
    """
    series = list(series)
    if not series:
        raise ValueError("linked_figure needs at least one series.")
    grids = grids or (lambda d, n: grid_values(objective, d, n))
    if domain is None:  # set by the runs that stay: a diverged path leaves through the edge, marked there
        domain = sdomain = fit_domain(objective, series, diverged_zoom_out=1.0)
    else:
        domain = sdomain = check_domain(domain)
    longest = max(len(s.traj.losses) - 1 for s in series)
    steps = longest if steps is None else int(steps)
    step = steps if step is None else min(max(int(step), 0), steps)
    stops = step_stops(steps, extra=[step])

    levels = levels or partial(_levels, objective, grids)
    c_levels = levels(domain, log)
    s_levels = c_levels if sdomain == domain else levels(sdomain, log)
    contour = _contour_traces(objective, series, domain, c_levels, grids(domain, grid))
    surface = surface_parts(series, sdomain, s_levels, grids(sdomain, surface_grid), eye_distance=EYE_DISTANCE,
                            showlegend=False, max_ticks=4, points=False)
    surface.scene["zaxis"]["title"] = dict(text="f")  # "(log scale)" goes in the panel's title
    loss = loss_parts(series, f_min=objective.f_min, xref="x2", yref="y2")
    for t in loss.traces:
        t["showlegend"] = False
    curves = [t for t in loss.traces if t["meta"] == "loss"]
    events = [[t for t in loss.traces if t["meta"] != "loss" and t["name"] == s.label] for s in series]
    data = contour + surface.traces + curves
    n0, n1, n2 = len(contour), len(contour) + len(surface.traces), len(data)
    moving, table = _moving_markers(series, events, stops, step, s_levels, surface.lift, objective.f_min, n2)
    data += moving
    roles = Panels(tuple(range(n0)), tuple(range(n0, n1)), tuple(range(n1, n2)), tuple(range(n2, len(data))))

    revision = revision or f"linked:{objective.name}:{objective.domain}"
    layout = _layout(series, domain, c_levels, s_levels, surface.scene, loss, step, revision=revision,
                     title=title)
    layout["meta"] = {"panels": {k: list(v) for k, v in roles._asdict().items()},
                      "start_digits": start_digits(domain)}
    narrow = [{"below": width, "layout": _arrangement(arr, s_levels, loss, title)} for width, arr in BREAKPOINTS]
    return {"data": data, "layout": layout, "step": table, "narrow": narrow}


def panels(fig: dict) -> Panels:
    """The :class:`Panels` trace indices of a :func:`linked_figure`."""
    p = fig["layout"]["meta"]["panels"]
    return Panels(*(tuple(p[k]) for k in Panels._fields))


# ---------------------------------------------------------------- pieces


def _levels(objective, grids: GridFn, domain: Domain, log: bool | None) -> Levels:
    """Levels over ``domain`` picked on the objective's ``grids`` (one grid serves the contour map too)."""
    g = grids(domain, LEVEL_GRID)
    return choose_levels(objective, g.low, domain, log=log, gx=g.gx, gy=g.gy)


def _contour_traces(objective, series, domain: Domain, levels: Levels, g: Grid) -> list[dict]:
    equal = equal_aspect(domain)
    contour = contour_trace(g, levels, coloraxis="coloraxis")
    contour["hovertemplate"] = "click to start here " + contour["hovertemplate"]
    out = [contour, *minima_traces(objective, domain)]
    out += [path_trace(s, domain) for s in series]
    for s in series:
        out += exit_traces(s, domain, equal_scale=equal)
    return out


def _moving_markers(series, events: list[list[dict]], stops: list[int], step: int, levels: Levels, lift: float,
                    f_min, first: int) -> tuple[list[dict], dict]:
    """The traces the step control moves, from index ``first``, and the step table that moves them.

    Each series draws its markers on a panel as one trace (:func:`viz.traces.merge_points`; plotly.js redraws
    every trace on each step, and its cost grows with their number): on the contour map and on the surface
    its start and end, on the loss panel its ``events`` (diverged, reached, left, converged), then its step
    marker, which the table's binding moves while the points before it stay. The traces show the table's first
    shown stop, where a static copy of the figure should show them; the browser moves them from there.
    """
    want = np.asarray(stops, dtype=np.int64)
    j = int(np.searchsorted(want, step))
    n = len(series)
    columns: dict[str, np.ndarray] = {}
    traces: list[dict] = [{}] * (3 * n)
    bindings: list[dict] = [{}] * (3 * n)
    for i, s in enumerate(series):
        k = np.clip(want, 0, max(last_finite(s.traj), 0))
        xs = np.asarray(s.traj.xs, dtype=float)[k]
        f = np.asarray(s.traj.losses, dtype=float)[k]
        columns.update({f"k{i}": k.astype(np.int32), f"x{i}": f32(xs[:, 0]), f"y{i}": f32(xs[:, 1]),
                        f"z{i}": f32(levels.transform(f) + 2 * lift), f"l{i}": f32(loss_values(s, f_min)[k]),
                        f"f{i}": f32(f)})
        hover = [f"k{i}", f"f{i}"]
        moving = ({"x": f"x{i}", "y": f"y{i}", "customdata": hover},
                  {"x": f"x{i}", "y": f"y{i}", "z": f"z{i}", "customdata": hover},
                  {"x": f"k{i}", "y": f"l{i}", "customdata": hover})
        fixed = (end_points(s), end_points3d(s, levels, lift), events[i])
        for panel in range(3):
            m = panel * n + i
            point = _step_point(s, panel, {attr: _at(columns, name, j) for attr, name in moving[panel].items()})
            traces[m] = merge_points([*fixed[panel], point]) if fixed[panel] else point
            bindings[m] = {"trace": first + m, "attrs": {
                attr: {"fixed": traces[m][attr][:-1], "then": name} if fixed[panel] else name
                for attr, name in moving[panel].items()}}
    table = {"stops": want.astype(np.int32), "value": int(step), "label": "Step", "columns": columns,
             "bindings": bindings, "line": {"shape": 0}}
    return traces, table


def _at(columns: dict, name, j: int) -> list:
    """A binding's value at stop ``j`` (one point): a column's value, or several columns' as one value."""
    if isinstance(name, list):
        return [[_item(columns[c][j]) for c in name]]
    return [_item(columns[name][j])]


def _step_point(s, panel: int, values: dict) -> dict:
    """Series ``s``'s step marker on ``panel`` (0 contour, 1 surface, 2 loss) with ``values`` (x, y, ...)."""
    outline = dict(color=colors.OUTLINE, width=2)
    trace = dict(type="scatter", mode="markers", name=s.label, legendgroup=s.label, showlegend=False,
                 meta="step-marker", hovertemplate=_hover(s, "(%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.4g}"),
                 **values)
    if panel == 0:
        trace["marker"] = dict(symbol="diamond", size=14, color=s.color, line=outline)
    elif panel == 1:
        trace.update(type="scatter3d", scene="scene", marker=dict(symbol="diamond", size=8, color=s.color,
                                                                   line=outline))
    else:
        trace.update(xaxis="x2", yaxis="y2", hovertemplate=_hover(s, "%{y:.4g}"),
                     marker=dict(symbol="diamond", size=11, color=s.color, line=dict(outline, width=1.5)))
    return trace


def _item(v):
    return v.item() if hasattr(v, "item") else v


def _hover(s, what: str) -> str:
    return f"<b>{esc(s.label)}</b><br>step %{{customdata[0]:d}}<br>{what}<extra></extra>"


def _layout(series, domain: Domain, levels: Levels, s_levels: Levels, scene: dict, loss, step: int, *,
            revision: str, title: str | None) -> dict:
    (x0, x1), (y0, y1) = domain
    layout = base_layout("", WIDE.height, uirevision=revision, legend=True)
    layout.pop("title")
    layout["margin"].update(t=52)  # the panel titles sit below the mode bar
    xaxis = dict(title=dict(text="x", standoff=4), range=[x0, x1], constrain="domain", showgrid=False,
                 zeroline=False, ticks="outside", anchor="y")
    yaxis = dict(title=dict(text="y", standoff=4), range=[y0, y1], constrain="domain", showgrid=False,
                 zeroline=False, ticks="outside", anchor="x")
    if equal_aspect(domain):
        yaxis.update(scaleanchor="x", scaleratio=1)
    layout.update(
        xaxis=xaxis, yaxis=yaxis,
        xaxis2=dict(loss.xaxis, title=dict(text="step", standoff=8), anchor="y2"),
        yaxis2=dict(loss.yaxis, anchor="x2"),
        coloraxis=dict(colorscale=colors.MAP_COLORSCALE, cmin=levels.zmin, cmax=levels.zmax,
                       colorbar=levels.colorbar(xanchor="left", xpad=2, thickness=10, yanchor="middle")),
        scene=dict(scene, uirevision=revision),
        shapes=[step_line(step, "x2", "y2"), *loss.shapes],  # the step line first: the step table moves shape 0
        clickmode="event", dragmode="zoom",
    )
    return deep_merge(layout, _arrangement(WIDE, s_levels, loss, title))


def _arrangement(arr: Arrangement, levels: Levels, loss, title: str | None) -> dict:
    """The layout keys that place the panels for ``arr`` (merged over the wide layout in the browser)."""
    heads = ["Contour map" if title is None else title, "Surface" + (" (log scale)" if levels.log else ""), "Loss"]
    notes = [dict(a) for a in loss.annotations]  # "diverged at step k", on the loss axes
    for name, (xd, yd) in zip(heads, (arr.contour, arr.surface, arr.loss), strict=True):
        notes.append(dict(text=f"<b>{esc(name)}</b>", x=xd[0], xref="paper", xanchor="left", y=yd[1],
                          yref="paper", yanchor="bottom", yshift=6, showarrow=False, font=dict(size=13)))
    cx, cy, clen = arr.colorbar
    return dict(
        height=arr.height,
        xaxis=dict(domain=list(arr.contour[0])), yaxis=dict(domain=list(arr.contour[1])),
        xaxis2=dict(domain=list(arr.loss[0])), yaxis2=dict(domain=list(arr.loss[1])),
        scene=dict(domain=dict(x=list(arr.surface[0]), y=list(arr.surface[1]))),
        coloraxis=dict(colorbar=dict(x=cx, y=cy, len=clen)),
        annotations=notes,
    )


def deep_merge(base: dict, over: dict) -> dict:
    """``base`` with ``over`` laid on it, nested dictionaries merged key by key: how the live chart applies a
    narrow arrangement (``narrow[i]["layout"]``) over a figure's layout.

    Example:
        >>> deep_merge({"xaxis": {"domain": [0, 0.5], "title": "x"}}, {"xaxis": {"domain": [0, 1]}})
        {'xaxis': {'domain': [0, 1], 'title': 'x'}}
    """
    out = dict(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


__all__ = ["BREAKPOINTS", "CONTOUR_GRID", "MAX_STOPS", "SURFACE_GRID", "Panels",
           "deep_merge", "linked_figure", "panels", "step_stops"]

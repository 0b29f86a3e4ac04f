"""Small multiples: one contour panel per series, same domain, levels and colours in every panel.

When several paths overlap on one map they hide each other; side by side panels show each alone.
On a narrow chart the panels wrap into fewer columns, so a title never runs into its neighbour's.
All panels share one colour axis (one colourbar) and one domain (:func:`viz.fit_domain` over all
series), so panels compare at a glance; each panel's title is its series label. Panels use a
coarser grid (:data:`PANEL_GRID`) and no hover on the map itself (paths and markers keep theirs),
so six panels stay about as heavy as one contour map.
"""

from __future__ import annotations

import math

from . import colors
from .domain import Domain, check_domain, equal_aspect, fit_domain
from .layout import base_layout, grid_arrangements, grid_domains, panel_title
from .levels import GridFn, LevelsFn, grid_values, map_levels
from .traces import contour_trace, end_points, exit_traces, merge_points, minima_traces, path_trace, step_marker_trace

PANEL_GRID = 64
"""Contour grid points per axis in each panel (panels are small; keeps the figure light)."""
MIN_PANEL = 240
"""Narrowest width in pixels a panel gets before the panels wrap to fewer columns (``fig["narrow"]``): below
that its title (a configuration's label) runs into the next one's."""


def small_multiples(
    objective,
    series,
    *,
    cols: int = 3,
    domain: Domain | None = None,
    height_per_row: int = 300,
    step: int | None = None,
    log: bool | None = None,
    grid: int = PANEL_GRID,
    grids: GridFn | None = None,
    levels: LevelsFn | None = None,
) -> dict:
    """One contour panel per series, with the same levels, colours and domain; titles are the labels (the page
    names the function).

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series`; an empty list gives one panel with the bare map.
        cols: panels per row (fewer when there are fewer series).
        domain: ``((xmin, xmax), (ymin, ymax))``; default :func:`viz.fit_domain` over all series, without
            zooming out for diverged runs.
        height_per_row: pixels per row of panels.
        step: when given, each panel gets its series' ``meta="step-marker"`` diamond.
        log: force log (True) or linear (False) levels; None picks as the contour map does.
        grid: contour grid points per axis in each panel.
        grids: how to evaluate the objective on a grid (:data:`viz.levels.GridFn`); default uncached.
        levels: how to pick the levels over a domain (:data:`viz.levels.LevelsFn`); default uncached.

    Returns:
        A figure dict (``{"data", "layout", "narrow"}``) with ``max(1, len(series))`` panels; each has a
        ``"contour"`` trace (sharing ``coloraxis``), the minima, its series' ``"path"``, its start and end
        (or diverged "x") as one ``"markers"`` trace (:func:`viz.traces.merge_points`: plotly.js's cost per
        redraw grows with the number of traces), and an ``"exit"`` arrow where the path leaves the map.
        ``narrow`` wraps the panels into fewer columns on narrow charts.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic")
        >>> runs = [optim.run(optim.make_optimizer("gd", lr=lr), bowl, x0=[1.5, 1.5], steps=50)
        ...         for lr in (0.01, 0.05, 0.09, 0.1)]
        >>> fig = viz.small_multiples(bowl, [viz.Series(f"lr={r.optimizer.hyperparameters['lr']}", c, r)
        ...                                  for r, c in zip(runs, viz.palette(4))])
        >>> sum(tr["meta"] == "contour" for tr in fig["data"]), len(fig["layout"]["annotations"])
        (4, 4)
    """
    if cols < 1 or height_per_row < 50:
        raise ValueError("small_multiples needs cols >= 1 and height_per_row >= 50.")
    # the runs that stay set the view; a diverged path leaves through the edge, marked there
    domain = fit_domain(objective, series, diverged_zoom_out=1.0) if domain is None else check_domain(domain)
    g = grids(domain, grid) if grids else grid_values(objective, domain, grid)
    lv = levels(domain, log) if levels else map_levels(objective, domain, log=log)
    equal = equal_aspect(domain)
    n = max(1, len(series))
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    titles = [s.label for s in series] or [objective.title]
    cells = grid_domains(rows, cols, 0.04 + 0.02 / cols, min(0.12, 0.3 / rows))
    minima = minima_traces(objective, domain)
    contour = contour_trace(g, lv, coloraxis="coloraxis", hover=False)
    (x0, x1), (y0, y1) = domain
    data: list[dict] = []
    layout = base_layout("", rows * height_per_row + 40, uirevision=f"multiples:{objective.name}:{domain}",
                         legend=False)
    layout["margin"] = dict(l=45, r=10, t=30, b=40)
    layout["coloraxis"] = dict(colorscale=colors.MAP_COLORSCALE, cmin=lv.zmin, cmax=lv.zmax,
                               colorbar=lv.colorbar(x=1.01, xpad=4))
    layout["annotations"] = []
    for i in range(n):
        r, c = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        panel = [contour, *minima]
        if series:
            s = series[i]
            panel += [path_trace(s, domain, showlegend=False), merge_points(end_points(s)),
                      *exit_traces(s, domain, equal_scale=equal)]
            if step is not None:
                panel.append(step_marker_trace(s, step))
        data += [dict(t, xaxis=f"x{suffix}", yaxis=f"y{suffix}") for t in panel]
        xdom, ydom = cells[i]
        layout[f"xaxis{suffix}"] = dict(domain=xdom, anchor=f"y{suffix}", range=[x0, x1], constrain="domain",
                                        showgrid=False, zeroline=False,
                                        title=dict(text="x", standoff=2) if r == rows - 1 else None)
        yax = dict(domain=ydom, anchor=f"x{suffix}", range=[y0, y1], constrain="domain", showgrid=False,
                   zeroline=False, title=dict(text="y", standoff=2) if c == 0 else None)
        if equal:
            yax.update(scaleanchor=f"x{suffix}", scaleratio=1)
        layout[f"yaxis{suffix}"] = yax
        layout["annotations"].append(panel_title(titles[i], xdom, ydom))
    narrow = grid_arrangements(titles, cols, min_panel=MIN_PANEL, row_px=height_per_row, extra_px=40,
                               hspace=0.1, x_title="x", y_title="y")
    return {"data": data, "layout": layout, "narrow": narrow}

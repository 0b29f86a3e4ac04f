"""Small multiples: one contour panel per series, same domain, levels and colours in every panel.

When several paths overlap on one map they hide each other; side by side panels show each alone.
Each panel is a figure of its own, which the page lays out in a row of fixed-width cells that wraps on
a narrow window (``ui.setup.panel.cells``): a change to one configuration then redraws only its panel
(the live chart draws nothing for a payload that did not change), where one figure of six panels
redrew all six (about 100 ms of plotly.js against 28 for one panel, measured in the page). All panels
share one domain (:func:`viz.fit_domain` over all series) and one set of levels and colours, so they
compare at a glance; each draws the same colour bar. Panels use a coarser grid (:data:`PANEL_GRID`)
and no hover on the map itself (paths and markers keep theirs), so six panels stay light.
"""

from __future__ import annotations

from . import colors
from .domain import Domain, check_domain, equal_aspect, fit_domain
from .layout import base_layout
from .levels import GridFn, LevelsFn, grid_values, map_levels
from .row_grid import wrap_sentence
from .series import esc
from .traces import contour_trace, end_points, exit_traces, merge_points, minima_traces, path_trace

PANEL_GRID = 64
"""Contour grid points per axis in each panel (panels are small; keeps the figures light)."""
PANEL_WIDTH = 350
"""A panel's width in pixels: three in a row in a 1600 px window, two at 1280, one at 800."""
PANEL_HEIGHT = 330
"""A panel's height in pixels, its title and axis labels included."""
TITLE_CHARS = 40
"""Most characters of a panel's title on one line: longer titles (a flavor and a schedule in a configuration's
label) wrap at spaces onto more lines, since a plotly.js title runs on past the chart's edge."""


def small_multiples(
    objective,
    series,
    *,
    domain: Domain | None = None,
    height: int = PANEL_HEIGHT,
    log: bool | None = None,
    grid: int = PANEL_GRID,
    grids: GridFn | None = None,
    levels: LevelsFn | None = None,
) -> list[dict]:
    """One contour panel per series, with the same levels, colours and domain; titles are the labels (the page
    names the function).

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series`; an empty list gives one panel with the bare map.
        domain: ``((xmin, xmax), (ymin, ymax))``; default :func:`viz.fit_domain` over all series, without
            zooming out for diverged runs.
        height: each panel's height in pixels.
        log: force log (True) or linear (False) levels; None picks as the contour map does.
        grid: contour grid points per axis in each panel.
        grids: how to evaluate the objective on a grid (:data:`viz.levels.GridFn`); default uncached.
        levels: how to pick the levels over a domain (:data:`viz.levels.LevelsFn`); default uncached.

    Returns:
        ``max(1, len(series))`` figure dicts (``{"data", "layout"}``), each titled with its label (wrapped at
        :data:`TITLE_CHARS` characters a line), with a ``"contour"`` trace, the minima,
        and its series' ``"path"``, its start and end (or diverged "x") as one ``"markers"`` trace
        (:func:`viz.traces.merge_points`: plotly.js's cost per redraw grows with the number of traces), and an
        ``"exit"`` arrow where the path leaves the map.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic")
        >>> runs = [optim.run(optim.make_optimizer("gd", lr=lr), bowl, x0=[1.5, 1.5], steps=50)
        ...         for lr in (0.01, 0.05, 0.09, 0.1)]
        >>> figs = viz.small_multiples(bowl, [viz.Series(f"lr={r.optimizer.hyperparameters['lr']}", c, r)
        ...                                   for r, c in zip(runs, viz.palette(4))])
        >>> len(figs), [f["layout"]["title"]["text"] for f in figs][:2]
        (4, ['lr=0.01', 'lr=0.05'])
    """
    if height < 150:
        raise ValueError("small_multiples needs a height of at least 150 px.")
    # the runs that stay set the view; a diverged path leaves through the edge, marked there
    domain = fit_domain(objective, series, diverged_zoom_out=1.0) if domain is None else check_domain(domain)
    g = grids(domain, grid) if grids else grid_values(objective, domain, grid)
    lv = levels(domain, log) if levels else map_levels(objective, domain, log=log)
    equal = equal_aspect(domain)
    contour = contour_trace(g, lv, coloraxis="coloraxis", hover=False)
    minima = minima_traces(objective, domain)
    (x0, x1), (y0, y1) = domain
    out = []
    for s in series or [None]:
        data = [contour, *minima]
        if s is not None:
            data += [path_trace(s, domain, showlegend=False), merge_points(end_points(s)),
                     *exit_traces(s, domain, equal_scale=equal)]
        lines = wrap_sentence(objective.title if s is None else s.label, TITLE_CHARS)
        layout = base_layout("<br>".join(esc(line) for line in lines), height,
                             uirevision=f"multiples:{objective.name}:{domain}", legend=False)
        layout["title"]["font"] = dict(size=13)
        # plotly.js hangs a title of several lines from its top too high, 6 px a line (measured in the page: a
        # three-line title's first line 4 px above the chart's edge, its tops cut off)
        layout["title"]["pad"]["t"] += 6 * (len(lines) - 1)
        layout["margin"].update(l=45, r=10, t=32 + 17 * (len(lines) - 1), b=40)
        yaxis = dict(range=[y0, y1], constrain="domain", showgrid=False, zeroline=False,
                     title=dict(text="y", standoff=2))
        if equal:
            yaxis.update(scaleanchor="x", scaleratio=1)
        layout.update(
            xaxis=dict(range=[x0, x1], constrain="domain", showgrid=False, zeroline=False,
                       title=dict(text="x", standoff=2)),
            yaxis=yaxis,
            coloraxis=dict(colorscale=colors.MAP_COLORSCALE, cmin=lv.zmin, cmax=lv.zmax,
                           colorbar=lv.colorbar(x=1.0, xpad=4, thickness=8)),
        )
        out.append({"data": data, "layout": layout})
    return out

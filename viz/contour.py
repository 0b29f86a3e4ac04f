"""The contour map: the objective's filled contours with every series' path on top.

Layers, bottom to top: filled contour (muted colours, linear or log levels from :mod:`viz.levels`),
the known minima, the paths, their start/end markers, then the step
markers. Equal x/y scale whenever the view is not too elongated, so a round bowl looks round.

The figure is a plain dict (``{"data", "layout"}``) for the live chart (``ui/live_chart``): built without
plotly's validators, which cost more than the grid's numbers on every rerun of a page.
"""

from __future__ import annotations

from .domain import Domain, check_domain, equal_aspect, fit_domain
from .layout import base_layout
from .levels import grid_values, map_levels
from .traces import (
    contour_trace,
    endpoint_traces,
    minima_traces,
    path_trace,
    step_marker_trace,
)

CONTOUR_GRID = 120
"""Contour grid points per axis: smooth levels while the figure stays around 100-200 kB."""


def contour_figure(
    objective,
    series,
    step: int | None = None,
    *,
    domain: Domain | None = None,
    height: int = 460,
    log: bool | None = None,
    grid: int = CONTOUR_GRID,
    title: str | None = None,
) -> dict:
    """Contour map of ``objective`` with each series' path, start/end markers and the known minima.

    Args:
        objective: an :class:`optim.Objective`.
        series: list of :class:`viz.Series`; each keeps its colour and label.
        step: when given, a ``meta="step-marker"`` diamond per series at ``xs[min(step, last finite)]``.
        domain: ``((xmin, xmax), (ymin, ymax))``; default :func:`viz.fit_domain`.
        height: figure height in pixels.
        log: force log-spaced (True) or linear (False) levels; None picks (see :mod:`viz.levels`).
        grid: contour grid points per axis.
        title: figure title; default the objective's title.

    Returns:
        A figure dict ``{"data", "layout"}``. Traces are tagged with ``meta`` (see :mod:`viz.traces`).

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), bowl, x0=[1.5, 1.5], steps=100)
        >>> fig = viz.contour_figure(bowl, [viz.Series("GD", "#0072b2", t)], step=3)
        >>> [tr["meta"] for tr in fig["data"]]
        ['contour', 'minima-global', 'path', 'start', 'end', 'step-marker']
    """
    domain = fit_domain(objective, series) if domain is None else check_domain(domain)
    g = grid_values(objective, domain, grid)
    levels = map_levels(objective, domain, log=log)
    equal = equal_aspect(domain)

    data = [contour_trace(g, levels), *minima_traces(objective, domain), *(path_trace(s, domain) for s in series)]
    for s in series:
        data += endpoint_traces(s, domain, equal_scale=equal)
    if step is not None:
        data += [step_marker_trace(s, step) for s in series]

    (x0, x1), (y0, y1) = domain
    layout = base_layout(objective.title if title is None else title, height,
                         uirevision=f"contour:{objective.name}:{domain}", legend=bool(series))
    layout.update(
        xaxis=dict(title=dict(text="x", standoff=4), range=[x0, x1], constrain="domain",
                   showgrid=False, zeroline=False, ticks="outside"),
        yaxis=dict(title=dict(text="y", standoff=4), range=[y0, y1], constrain="domain",
                   showgrid=False, zeroline=False, ticks="outside"),
        dragmode="zoom",
    )
    if equal:
        layout["yaxis"].update(scaleanchor="x", scaleratio=1)
    return {"data": data, "layout": layout}


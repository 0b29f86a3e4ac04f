"""Reading a click on the contour map: which start point did the person pick?

Streamlit reports clicks only on points, so the contour map carries an invisible grid of points
(``legendgroup == "click-grid"``). ``st.plotly_chart(fig, on_select="rerun",
selection_mode="points")`` returns an event whose ``selection["points"]`` are dicts with
``x``, ``y``, ``curve_number``, ``point_index``, ``customdata`` and ``legendgroup``. This module
turns that into a start point without importing Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping

from .traces import CLICK_GRID


def clicked_point(selection, *, grid_only: bool = True) -> tuple[float, float] | None:
    """The ``(x, y)`` start point a person clicked on a contour map, or None.

    Args:
        selection: the event returned by ``st.plotly_chart(..., on_select="rerun")``, its
            ``.selection``, or a plain dict with a ``"points"`` list.
        grid_only: only accept points of the click grid (True), or any point, such as a path point.

    Returns:
        The last clicked point's ``(x, y)`` as floats, or None when nothing usable was clicked.

    Example:
        >>> event = {"selection": {"points": [{"x": 1.25, "y": -0.5, "curve_number": 1,
        ...                                     "legendgroup": "click-grid"}]}}
        >>> clicked_point(event)
        (1.25, -0.5)
        >>> clicked_point({"points": [{"x": 0.1, "y": 0.2, "legendgroup": "GD"}]}) is None
        True
    """
    if selection is None:
        return None
    if isinstance(selection, Mapping) and "selection" in selection:
        selection = selection["selection"]
    elif not isinstance(selection, Mapping) and hasattr(selection, "selection"):
        selection = selection.selection
    try:
        points = selection["points"]
    except (KeyError, TypeError, IndexError):
        points = getattr(selection, "points", None)
    for p in reversed(list(points or [])):
        if grid_only and p.get("legendgroup") != CLICK_GRID:
            continue
        try:
            x, y = float(p["x"]), float(p["y"])
        except (KeyError, TypeError, ValueError):
            continue
        return x, y
    return None

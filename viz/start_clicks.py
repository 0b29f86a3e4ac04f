"""A click on the linked figure's contour map starts the runs there, at a tidy point near the click.

The contour map takes the click itself (plotly.js reports the map's grid node under the pointer, or a path
point on it): no layer of invisible points, which cost every redraw of the Playground about 40 ms in a
software renderer. The point is rounded to about a thirtieth of the map's width, so a start reads
``x0=-2.83`` in the address, not the grid's ``-2.8319327731092435``. :func:`viz.linked_figure` puts the
digits in ``layout.meta["start_digits"]``; a page keeps :func:`start_clicks` of the figure it drew and reads
the next click with :func:`clicked_start`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .domain import Domain

START_CELLS = 30
"""A clicked start is rounded to a tidy value about this fraction (1/30) of the map's width apart."""


class StartClicks(NamedTuple):
    """What reading a click on a linked figure's contour map needs: the contour panel's trace indices, and
    the decimal digits a clicked start keeps along x and y."""

    traces: tuple[int, ...]
    digits: tuple[int, int]


def start_digits(domain: Domain) -> list[int]:
    """The decimal digits a start clicked on a map of ``domain`` keeps, along x and y.

    Example:
        >>> start_digits(((-5.0, 5.0), (-0.5, 0.5)))
        [2, 3]
    """
    return [tidy_digits((hi - lo) / START_CELLS) for lo, hi in domain]


def start_clicks(fig: dict) -> StartClicks:
    """The :class:`StartClicks` of a :func:`viz.linked_figure`: a page keeps it for the click that follows."""
    meta = fig["layout"]["meta"]
    dx, dy = meta["start_digits"]
    return StartClicks(tuple(meta["panels"]["contour"]), (int(dx), int(dy)))


def clicked_start(click: dict | None, target: StartClicks) -> tuple[float, float] | None:
    """The start point a person clicked on the contour panel of a linked figure, or None.

    ``click`` is the live chart's click event (``{"x", "y", "curve", ...}``): a point of the contour map
    itself (its grid node under the pointer) or of a path on it, rounded to ``target.digits`` decimals, a
    tidy value near where the person clicked. Clicks on the surface or the loss panel (whose x is a step,
    not a coordinate) are ignored: only the traces in ``target.traces`` count.

    Example:
        >>> clicked_start({"x": 1.2519, "y": -0.5, "curve": 0}, StartClicks((0, 1, 2), (2, 2)))
        (1.25, -0.5)
        >>> clicked_start({"x": 3, "y": 0.5, "curve": 9}, StartClicks((0, 1, 2), (2, 2))) is None
        True
    """
    if not isinstance(click, dict) or click.get("curve") not in set(target.traces):
        return None
    try:
        x, y = float(click["x"]), float(click["y"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (np.isfinite(x) and np.isfinite(y)):
        return None
    return round(x, target.digits[0]), round(y, target.digits[1])


def tidy_digits(spacing: float) -> int:
    """Decimal digits that show values ``spacing`` apart tidily: one more than the spacing's first digit.

    Example:
        >>> tidy_digits(10 / 30), tidy_digits(0.05), tidy_digits(40.0)
        (2, 3, 0)
    """
    return max(0, int(-np.floor(np.log10(spacing))) + 1)


__all__ = ["START_CELLS", "StartClicks", "clicked_start", "start_clicks", "start_digits", "tidy_digits"]

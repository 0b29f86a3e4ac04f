"""Colours shared by every figure: the series palette, the muted map colourscale, marker styles.

Why one module: the same optimizer configuration must wear the same colour on the contour map,
the 3D surface and the loss chart, on every page. Pages take colours from :func:`palette` once
and carry them in :class:`viz.Series`; the figure builders never pick a series colour themselves.

The palette is Okabe & Ito's colour-blind-safe set (without its yellow, which vanishes on the light
map) plus Paul Tol's wine, olive, indigo, teal and purple; the map's colourscale is a pale,
low-saturation ramp so saturated paths stand out on it.
"""

from __future__ import annotations

SERIES_COLORS: tuple[str, ...] = (
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#882255",  # wine
    "#000000",  # black
    "#999933",  # olive
    "#332288",  # indigo
    "#44aa99",  # teal
    "#aa4499",  # purple
)
"""The series colours in their stable order (index i is always the same colour).

The first eight are the most distinct, also under colour-vision deficiencies; the last four (from
Paul Tol's muted set) let twelve series differ before the palette cycles.
"""

VARIANT_COLOR = SERIES_COLORS[11]
"""The one colour no optimizer's spec may take: pages draw the "other" variant of a pair in it
(RMSprop with epsilon outside the root beside RMSprop's own colour)."""

MAP_COLORSCALE: list[list] = [
    [0.0, "#fbfbf7"],
    [0.25, "#eef0ea"],
    [0.5, "#dbe1e4"],
    [0.75, "#bfcad5"],
    [1.0, "#9aabbd"],
]
"""Low values pale cream, high values slate: quiet enough for coloured paths on top."""

CONTOUR_LINE = "rgba(70, 80, 95, 0.35)"
OUTLINE = "#1a1a1a"
MID_GREY = "#8a94a0"
"""A grey that reads on both themes' pages (3.1:1 on white, 6.1:1 on the dark page): reference lines, and the
outline of legend swatches, whose fill can be the page's own colour (a black "diverged" on the dark page)."""
GLOBAL_MIN_COLOR = "#ffd21f"
LOCAL_MIN_COLOR = "#ffffff"


def palette(n: int) -> list[str]:
    """Return ``n`` colour-blind-friendly colours in a stable order, cycling past twelve.

    Args:
        n: how many colours; 0 gives an empty list.

    Returns:
        A list of ``"#rrggbb"`` strings; element ``i`` is always the same colour.

    Example:
        >>> palette(3)
        ['#0072b2', '#d55e00', '#009e73']
        >>> len(set(palette(12))), palette(13)[12] == palette(1)[0]
        (12, True)
    """
    if n < 0:
        raise ValueError(f"palette needs n >= 0, got {n}.")
    return [SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(n)]

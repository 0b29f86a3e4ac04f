"""Colours shared by every figure: the series palette, the muted map colourscale, marker styles.

Why one module: the same optimizer configuration must wear the same colour on the contour map,
the 3D surface and the loss chart, on every page. Pages take colours from :func:`palette` once
and carry them in :class:`viz.Series`; the figure builders never pick a series colour themselves.

The palette is Okabe & Ito's colour-blind-safe set (without its yellow, which vanishes on the light
map, and with a grey for its black, which vanishes on the dark page) plus Paul Tol's wine, olive, indigo,
teal and purple (wine and indigo lightened for the dark page); the map's colourscale is a pale,
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
    "#c0306e",  # wine, lightened
    "#6b6b6b",  # grey (Okabe & Ito's black)
    "#999933",  # olive
    "#6655cc",  # indigo, lightened
    "#44aa99",  # teal
    "#aa4499",  # purple
)
"""The series colours in their stable order (index i is always the same colour).

The first eight are the most distinct, also under colour-vision deficiencies; the last four (from
Paul Tol's muted set) let twelve series differ before the palette cycles. Every one has at least 3:1 contrast
with the dark theme's page (:data:`DARK_PAGE`): Okabe & Ito's black, Tol's wine and indigo as they come
(1.1 to 2.2:1) vanished there, so black is a grey and wine and indigo are lightened.
"""

SERIES_GREY = SERIES_COLORS[7]
"""The palette's grey: basin maps leave it out of their colours, where grey means a run that ended near no minimum."""

DARK_PAGE = "#0e1117"
"""The dark theme's page (and 3D scene) background, which loss curves and legends are drawn on."""

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


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``"#rrggbb"`` colours, from 1 (the same) to 21 (black on white).

    Example:
        >>> round(contrast("#000000", "#ffffff"), 1), contrast("#0072b2", "#0072b2")
        (21.0, 1.0)
    """
    def luminance(color: str) -> float:
        channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_on(fill: str) -> str:
    """White or near-black, whichever reads better on ``fill``: a table cell wearing a series colour (white on
    Okabe & Ito's orange was 2.2:1).

    Example:
        >>> ink_on("#0072b2"), ink_on("#e69f00")
        ('#ffffff', '#111111')
    """
    return max(("#ffffff", "#111111"), key=lambda ink: contrast(ink, fill))


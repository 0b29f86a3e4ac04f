"""Rows of panels under one sentence each, rearranged for the width the chart gets.

The Inside page's figures (:func:`viz.anatomy.anatomy_figure`) put a sentence over each row of two panels
("Effective learning rate: η / √(v + ε), ..."). On one line such a sentence needs about 750 px; in an
800 px window the chart is 470 px wide and the sentence ran off the chart. So the figure carries, for the
live chart, one arrangement per width band (``fig["narrow"]``, see :mod:`ui.live_chart`): the sentences
wrapped to as many characters as fit the band's narrowest chart, each row moved down by the lines its
sentence gained, and the columns set further apart, since the right column's tick labels (10⁻¹⁶) would
otherwise sit on the left column's plot.

Positions are worked out in pixels from the top of the plot area and then written as paper fractions.
"""

from __future__ import annotations

import textwrap

CHAR_PX = 7.2
"""Width in pixels of an average character of a bold 12 px row sentence."""
LINE_PX = 15
"""Height in pixels of one line of a row sentence."""
TICKS_PX = 34
"""Room in pixels under a row for its x tick labels, above the next row's sentence."""
LEGEND_PX = 30
"""About the height in pixels the legend takes under the plot area."""
BANDS = ((1000, 800, 0.11), (800, 620, 0.13), (620, 520, 0.15), (520, 440, 0.17), (440, 320, 0.18))
"""Width bands: (below this chart width, down to this width, gap between the columns as a paper fraction)."""


def wrap_sentence(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, split at spaces.

    Example:
        >>> wrap_sentence("Step actually taken (solid) against plain gradient descent's step", 30)
        ['Step actually taken (solid)', 'against plain gradient', "descent's step"]
    """
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def row_arrangements(layout: dict, *, rows: int, cols: int) -> list[dict]:
    """The live chart's arrangements for ``layout`` (a figure dict's layout) at each width band of :data:`BANDS`.

    Args:
        layout: the wide layout; its annotations named ``row:<kind>`` (bold sentences over each row, in row
            order, at ``x=0``) and ``column:<c>`` (names over each column) are moved; others are kept as they are.
        rows, cols: the grid of panels (subplot ``k = r * cols + c + 1`` is ``xaxis<k>``/``yaxis<k>``).

    Returns:
        ``[{"below": width, "layout": {...}}, ...]`` with the height, top margin, axis domains and annotations
        of each band.
    """
    notes = layout.get("annotations", [])
    row_notes = [a for a in notes if str(a.get("name", "")).startswith("row:")]
    if len(row_notes) != rows:
        raise ValueError(f"the layout has {len(row_notes)} row sentences for {rows} rows.")
    sentences = [a["text"].removeprefix("<b>").removesuffix("</b>") for a in row_notes]
    margin = layout["margin"]
    plot_wide = layout["height"] - margin["t"] - margin["b"] - LEGEND_PX
    panel_px = round((layout["yaxis"]["domain"][1] - layout["yaxis"]["domain"][0]) * plot_wide)
    out = []
    for below, narrowest, hspace in BANDS:
        chars = int((narrowest - margin["l"] - margin["r"]) / CHAR_PX)
        lines = [wrap_sentence(s, chars) for s in sentences]
        gaps = [LINE_PX * len(w) + 4 + (TICKS_PX if r else 0) for r, w in enumerate(lines)]
        plot_px = rows * panel_px + sum(gaps[1:])
        top = margin["t"] + LINE_PX * (len(lines[0]) - 1)
        tops, cursor = [], 0
        for r in range(rows):
            cursor += gaps[r] if r else 0
            tops.append(cursor)
            cursor += panel_px
        width = (1 - (cols - 1) * hspace) / cols
        arranged = {"height": layout["height"] + (plot_px - plot_wide) + (top - margin["t"]),
                    "margin": {"t": top}}
        for r in range(rows):
            y = [round(1 - (tops[r] + panel_px) / plot_px, 6), round(1 - tops[r] / plot_px, 6)]
            for c in range(cols):
                k = r * cols + c + 1
                suffix = "" if k == 1 else str(k)
                arranged[f"yaxis{suffix}"] = {"domain": y}
                arranged[f"xaxis{suffix}"] = {"domain": [round(c * (width + hspace), 6),
                                                         round(c * (width + hspace) + width, 6)]}
        moved, r = [], 0
        for a in notes:
            name = str(a.get("name", ""))
            if name.startswith("row:"):
                a = {**a, "text": "<br>".join(f"<b>{line}</b>" for line in lines[r]),
                     "y": round(1 - tops[r] / plot_px, 6)}
                r += 1
            elif name.startswith("column:"):
                c = int(name.split(":")[1])
                a = {**a, "x": round(c * (width + hspace) + width / 2, 6), "yshift": LINE_PX * len(lines[0]) + 8}
            moved.append(a)
        arranged["annotations"] = moved
        out.append({"below": below, "layout": arranged})
    return out

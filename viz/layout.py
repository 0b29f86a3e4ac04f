"""The layout every figure shares: small margins, a horizontal legend under the plot, kept zoom.

The legend sits at the bottom of the figure (container coordinates, so Plotly grows the bottom
margin for it however many rows it wraps to) and the title alone at the top left: a legend above
the plot ran into the title and the mode bar once six labels wrapped to three rows. The right margin
(20 px) leaves room for half a tick label: a step axis ends on a round number (300 steps), and with 10 px
plotly.js hid that last label.

Colours of the background, text and grid come from the theme's template (:mod:`viz.theme`), which
the live chart puts under every figure, so no figure fixes them.

``uirevision`` keeps a person's zoom, pan and 3D rotation across Streamlit reruns (a slider move
rebuilds the figure); it is keyed on what is drawn, so switching objective resets the view.
"""

from __future__ import annotations


def base_layout(title: str, height: int, uirevision: str, *, legend: bool = True) -> dict:
    """Layout keywords shared by all figures.

    Args:
        title: short title, drawn small at the top left.
        height: figure height in pixels (width follows the container).
        uirevision: any string; the same string across reruns keeps the user's zoom.
        legend: whether to show the legend (horizontal, under the plot area).
    """
    return dict(
        title=dict(text=title, x=0.0, xref="paper", xanchor="left", y=1.0, yref="container",
                   yanchor="top", pad=dict(t=8, l=2), font=dict(size=14)),
        height=height,
        margin=dict(l=55, r=20, t=34, b=10),
        showlegend=legend,
        legend=dict(orientation="h", x=0.0, xanchor="left", y=0.0, yref="container", yanchor="bottom",
                    font=dict(size=11), itemsizing="constant"),
        hovermode="closest",
        hoverlabel=dict(font=dict(size=12)),  # spelt out: plotly.js reads no "font_size" in a figure dict
        uirevision=uirevision,
    )


LEGEND_LINE_PX = 20
"""How much taller a legend entry grows with each more line (11 px text), measured on the loss chart."""


def room_for_legend(layout: dict, traces: list[dict]) -> None:
    """Make ``layout`` (from :func:`base_layout`) taller by the extra lines of its legend's wrapped entries
    (:func:`viz.series.legend_name`), and let the legend take what it needs. plotly.js makes room for a legend
    under the plot by shrinking the plot, and past half the figure's height it scrolls the legend instead: at
    800 px, six two-line entries left the loss curves 130 px of a 380 px chart and hid the last entry.

    Example:
        >>> layout = base_layout("Loss", 380, "r")
        >>> room_for_legend(layout, [{"name": "a<br>b"}, {"name": "c<br>d", "showlegend": False}])
        >>> layout["height"], layout["legend"]["maxheight"]
        (400, 1)
    """
    lines = sum(t.get("name", "").count("<br>") for t in traces if t.get("showlegend", True))
    if lines:
        layout["height"] += LEGEND_LINE_PX * lines
        layout["legend"]["maxheight"] = 1  # a ratio: the whole figure's height, never a scrolled legend


def grid_domains(rows: int, cols: int, hspace: float, vspace: float) -> list[tuple[list[float], list[float]]]:
    """Paper-coordinate ``(x domain, y domain)`` of each cell of a ``rows`` x ``cols`` grid, row by row from
    the top, as ``plotly.subplots.make_subplots`` places them (without its cost).

    Example:
        >>> grid_domains(1, 2, 0.1, 0.0)
        [([0.0, 0.45], [0.0, 1.0]), ([0.55, 1.0], [0.0, 1.0])]
    """
    w = (1.0 - (cols - 1) * hspace) / cols
    h = (1.0 - (rows - 1) * vspace) / rows
    out = []
    for r in range(rows):
        top = 1.0 - r * (h + vspace)
        for c in range(cols):
            left = c * (w + hspace)
            out.append(([round(left, 12), round(left + w, 12)], [max(0.0, round(top - h, 12)), round(top, 12)]))
    return out


def panel_title(text: str, xdomain, ydomain, size: int = 12) -> dict:
    """A panel's title above its top edge, centred, as ``make_subplots``' ``subplot_titles`` are."""
    return dict(text=text, x=(xdomain[0] + xdomain[1]) / 2, xref="paper", xanchor="center", y=ydomain[1],
                yref="paper", yanchor="bottom", showarrow=False, font=dict(size=size))


def grid_arrangements(titles: list[str], cols: int, *, min_panel: int, row_px: int, extra_px: int,
                      hspace: float = 0.1, gap_px: int = 80, x_title: str | None = None,
                      y_title: str | None = None, title_size: int = 12) -> list[dict]:
    """The live chart's narrow arrangements (``fig["narrow"]``) of a figure of one titled panel per entry of
    ``titles``, laid out ``cols`` to a row: for each smaller column count, the layout that wraps the panels
    into that many columns, used below the chart width where one more column would leave a panel less than
    ``min_panel`` pixels. So a small map never shrinks below readable and neighbouring titles never run
    together.

    Args:
        titles: the panels' titles, in order (panel ``k`` is ``xaxis<k>``/``yaxis<k>``, the first unnumbered).
        cols: the columns of the wide layout.
        min_panel: narrowest width in pixels a panel (plot, tick labels, spacing) may get.
        row_px: height in pixels of a row of panels, its title and x-axis labels included.
        extra_px: height in pixels of the figure besides its rows (margins, legend).
        hspace: gap between columns, as a paper fraction.
        gap_px: gap in pixels between rows (the row above's tick labels and this row's titles).
        x_title, y_title: axis titles for the bottom row's x-axes and the first column's y-axes.
        title_size: font size of the panel titles.

    Example:
        >>> [(a["below"], a["layout"]["height"]) for a in grid_arrangements(["a", "b", "c", "d"], 4, min_panel=200,
        ...                                                                 row_px=300, extra_px=50)]
        [(400, 1250), (600, 650)]
    """
    n, out, seen = len(titles), [], set()
    for want in range(1, min(cols, n)):
        rows = -(-n // want)
        fit = -(-n // rows)  # 4 panels in 3 columns would leave one alone: 2 x 2 instead
        if fit in seen:
            continue
        seen.add(fit)
        cells = grid_domains(rows, fit, hspace if fit > 1 else 0.0, gap_px / (rows * row_px))
        layout: dict = {"height": rows * row_px + extra_px, "annotations": []}
        for i, (title, (xd, yd)) in enumerate(zip(titles, cells, strict=False)):
            suffix = "" if i == 0 else str(i + 1)
            r, c = divmod(i, fit)
            layout[f"xaxis{suffix}"] = {"domain": xd}
            layout[f"yaxis{suffix}"] = {"domain": yd}
            if x_title is not None:
                below_free = i + fit >= n  # nothing under this panel: it names the x-axis
                layout[f"xaxis{suffix}"]["title"] = {"text": x_title if below_free else "", "standoff": 2}
            if y_title is not None:
                layout[f"yaxis{suffix}"]["title"] = {"text": y_title if c == 0 else "", "standoff": 2}
            layout["annotations"].append(panel_title(title, xd, yd, size=title_size))
        out.append({"below": (fit + 1) * min_panel, "layout": layout})
    return out

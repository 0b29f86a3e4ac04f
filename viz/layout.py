"""The layout every figure shares: small margins, a horizontal legend under the plot, kept zoom.

The legend sits at the bottom of the figure (container coordinates, so Plotly grows the bottom
margin for it however many rows it wraps to) and the title alone at the top left: a legend above
the plot ran into the title and the mode bar once six labels wrapped to three rows.

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
        margin=dict(l=55, r=10, t=34, b=10),
        showlegend=legend,
        legend=dict(orientation="h", x=0.0, xanchor="left", y=0.0, yref="container", yanchor="bottom",
                    font=dict(size=11), itemsizing="constant"),
        hovermode="closest",
        hoverlabel=dict(font_size=12),
        uirevision=uirevision,
    )


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

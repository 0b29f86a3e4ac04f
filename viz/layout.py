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

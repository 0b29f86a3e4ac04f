"""The light and dark chart themes and the chart config: one place for what follows the app's theme.

Figures set no theme colours of their own (no background, text or grid colours); the live chart
(``ui/live_chart.py``) puts one of these templates under every figure, the one matching the app's
light or dark theme, and switches when the theme does. Series colours (:mod:`viz.colors`) are chosen
to read on both backgrounds.

The templates hold layout defaults only: they are sent with every figure, so they stay small.
"""

from __future__ import annotations

FONT_FAMILY = "Inter, Segoe UI, Helvetica, Arial, sans-serif"


def _template(*, text: str, muted: str, grid: str, line: str, scene_bg: str, hover_bg: str) -> dict:
    axis = dict(gridcolor=grid, linecolor=line, zerolinecolor=line, tickcolor=line, automargin=True,
                title=dict(standoff=10), color=muted)
    scene_axis = dict(backgroundcolor=scene_bg, gridcolor=grid, linecolor=line, zerolinecolor=line,
                      showbackground=True, color=muted)
    return {"layout": dict(
        font=dict(family=FONT_FAMILY, size=12, color=text),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=axis, yaxis=axis,
        scene=dict(xaxis=scene_axis, yaxis=scene_axis, zaxis=scene_axis),
        legend=dict(bgcolor="rgba(0,0,0,0)", font=dict(color=text)),
        coloraxis=dict(colorbar=dict(outlinewidth=0, tickfont=dict(color=muted))),
        hoverlabel=dict(bgcolor=hover_bg, font=dict(color=text), bordercolor=line),
        annotationdefaults=dict(font=dict(color=text)),
        shapedefaults=dict(line=dict(color=muted)),
        sliderdefaults=dict(font=dict(color=text)),
        colorway=["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"],
    )}


TEMPLATES: dict[str, dict] = {
    "light": _template(text="#262730", muted="#4a4f5a", grid="#e6e9ef", line="#b5bac4",
                       scene_bg="#ffffff", hover_bg="#ffffff"),
    "dark": _template(text="#e8eaee", muted="#b8bdc7", grid="#31363f", line="#5a606b",
                      scene_bg="#0e1117", hover_bg="#262730"),
}
"""``{"light": template, "dark": template}``: plotly layout templates for each app theme."""

CHART_CONFIG: dict = {
    "displaylogo": False,
    "responsive": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "showSendToCloud": False,
}
"""plotly.js config for every chart: no logo, no lasso/box select (clicks pick points), and no "Share chart..."
button (plotly.js 3 shows it by default; it uploads the figure, a person's formula and paths with it, to Plotly's
cloud, a host the app must never send anything to). Not plotly's own
``responsive``: on a window resize it drops the figure's height, and the live chart sets the width itself
(``ui/live_chart``), so the width follows the page and the height stays the figure's."""

"""Figures as the tests read them: a figure dict (what the live chart sends) as a validated ``go.Figure``.

Building ``go.Figure`` from a figure dict runs plotly's validators, so a trace or layout key plotly would not
draw fails the test; the attribute access (``fig.layout.yaxis.type``) then reads like plotly's own API.
"""

from __future__ import annotations

import plotly.graph_objects as go


def as_figure(fig) -> go.Figure:
    """``fig`` (a figure dict, or a ``go.Figure`` as it is) as a validated ``go.Figure``."""
    if isinstance(fig, go.Figure):
        return fig
    return go.Figure(data=fig["data"], layout=fig["layout"])

"""Figures as the tests read them: a figure dict (what the live chart sends) as a validated ``go.Figure``.

Building ``go.Figure`` from a figure dict runs plotly's validators, so a trace or layout key plotly would not
draw fails the test; the attribute access (``fig.layout.yaxis.type``) then reads like plotly's own API.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go


def read_array(value) -> np.ndarray:
    """An array as sent to the browser (a plotly typed-array spec, or a plain list) back as NumPy."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(n) for n in shape.split(",")]) if shape else a
    return np.asarray(value)


def _decoded(value):
    """``value`` with every typed-array spec inside it turned back into a NumPy array."""
    if isinstance(value, dict):
        return read_array(value) if "bdata" in value else {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def as_figure(fig) -> go.Figure:
    """``fig`` (a figure dict, or a ``go.Figure`` as it is) as a validated ``go.Figure``, arrays as NumPy."""
    if isinstance(fig, go.Figure):
        return fig
    return go.Figure(data=_decoded(fig["data"]), layout=_decoded(fig["layout"]))

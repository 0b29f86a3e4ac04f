"""Figures as the tests read them: a figure dict (what the live chart sends) as a validated ``go.Figure``.

Building ``go.Figure`` from a figure dict runs plotly's validators, so a trace or layout key plotly would not
draw fails the test; the attribute access (``fig.layout.yaxis.type``) then reads like plotly's own API.
``contour_figure``, ``loss_figure`` and ``small_multiples`` are viz's figures so validated; ``by_meta``, ``one`` and
``xy`` find a figure's traces by their ``meta`` tag and read their points.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from viz import contour_figure as viz_contour_figure
from viz import loss_figure as viz_loss_figure
from viz import small_multiples as viz_small_multiples


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


def contour_figure(*args, **kwargs):
    """``viz.contour_figure``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_contour_figure(*args, **kwargs))


def loss_figure(*args, **kwargs):
    """``viz.loss_figure``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_loss_figure(*args, **kwargs))


def small_multiples(*args, **kwargs):
    """``viz.small_multiples``'s figure dicts (one per panel), each as a validated ``go.Figure``."""
    return [as_figure(f) for f in viz_small_multiples(*args, **kwargs)]


def by_meta(fig, meta, label=None):
    """The traces of ``fig`` tagged ``meta`` (and named ``label``, if given)."""
    return [t for t in fig.data if t.meta == meta and (label is None or t.name == label)]


def one(fig, meta, label=None):
    """The one trace of ``fig`` tagged ``meta`` (and named ``label``, if given); fails unless exactly one."""
    found = by_meta(fig, meta, label)
    assert len(found) == 1, f"expected one {meta!r} trace for {label!r}, found {len(found)}"
    return found[0]


def xy(trace):
    """A trace's points as an (n, 2) float array."""
    return np.column_stack([np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)])

"""The Train page's loss slice: its loss axis says which loss each colour and height is, in labels that differ.

A trained network's slice often spans a few thousandths of a loss (0.69 to 0.71); its colour bar once carried
nineteen ticks labelled at two significant digits, "0.7" ten times over.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from viz.netmaps import SlicePath, landscape_figure, loss_ticks


@settings(max_examples=400, deadline=None)
@given(lo=st.floats(-9.0, 4.0), width=st.floats(-6.0, 1.5))
def test_loss_ticks_are_few_distinct_and_say_where_they_are(lo, width):
    low = 10.0 ** lo
    high = low * (1 + 10.0 ** width)
    positions, labels = loss_ticks(np.log10(low), np.log10(high))
    assert 3 <= len(labels) <= 8, labels
    assert len(set(labels)) == len(labels), labels
    values = 10.0 ** positions
    assert np.allclose(values, [float(t) for t in labels], rtol=1e-9, atol=0), (labels, values)
    assert (values >= low * (1 - 1e-9)).all() and (values <= high * (1 + 1e-9)).all(), (low, high, labels)
    assert (np.diff(values) > 0).all()


def test_a_narrow_slice_labels_its_colour_bar_and_height_axis_apart():
    a = np.linspace(-1.0, 1.0, 9)
    loss = 0.6905 + 0.019 * np.add.outer(a ** 2, a ** 2) / 2  # 0.6905 to 0.7095
    path = SlicePath("1. Adam (torch)", "#0072b2", np.array([[0.5, 0.5], [0.0, 0.0]]), 0.9)
    fig = landscape_figure(a, a, loss, [path], "slice")
    bar = fig["layout"]["coloraxis"]["colorbar"]
    assert bar["ticktext"] == ["0.695", "0.700", "0.705"]
    assert np.allclose(10.0 ** np.array(bar["tickvals"]), [0.695, 0.7, 0.705])
    z = fig["layout"]["scene"]["zaxis"]
    assert len(set(z["ticktext"])) == len(z["ticktext"]) >= 2

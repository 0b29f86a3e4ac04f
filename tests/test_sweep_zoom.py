"""Zooming into a sweep map without a browser: axes that stay exact however narrow, box zooms, the zoom
toward the edge, float64's limit, and the zoom trail in the link."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import optim
from ui.model import Setup, make_config, setup_for_objective
from ui.sweep.state import SweepState, decode_sweep, encode_sweep
from ui.sweep.zoom import box_window, check_window, toward_edge, zoom_factor
from viz.sweepaxes import cell_labels, position, spaced, span, ticks, value_at

# A map of per-coordinate learning rates around the tiny network's edge, and heavy-ball SGD's momentum map.
TINY = SweepState(replace(setup_for_objective(Setup(), "tiny_network"), steps=100), make_config("gd"), "lr_y",
                  0.01, 10.0, 96, 0.01, 10.0, 96)


@pytest.mark.parametrize(("lo", "hi", "kind"), [(1e-5, 0.01, "log"), (0.0, 0.999, "one_minus"),
                                                (0.5, 0.5 * (1 + 2e-12), "log"), (0.9991, 0.9991 + 1e-12, "one_minus")])
def test_axes_are_even_in_the_drawn_coordinate_and_exact_at_the_ends(lo, hi, kind):
    v = spaced(lo, hi, 512, kind)
    assert v[0] == lo and v[-1] == hi and np.all(np.diff(v) > 0)
    ulp = np.spacing(max(abs(lo), abs(hi))) / ((hi - lo) / 511)  # one float64 step, in cells
    drawn = np.log(v / lo) if kind == "log" else -np.log1p((lo - v) / (1 - lo))
    steps = np.diff(drawn)
    assert steps == pytest.approx(np.full(511, steps.mean()), rel=1e-9 + 2 * ulp)  # even to round-off
    assert position(v, v, kind) == pytest.approx(np.arange(512), abs=1e-9 + ulp)
    assert [value_at(v, k, kind) for k in (0, 100, 511)] == pytest.approx([v[0], v[100], v[511]], rel=1e-15)


def test_narrow_axes_keep_distinct_cells_and_readable_ticks():
    v = spaced(0.0123, 0.0123 * (1 + 1.5e-12), 512, "log")
    labels = cell_labels(v, "lr")
    assert len(set(labels)) == 512  # every category distinct: cells never merge on the map
    positions, texts = ticks(v, "log")
    assert len(set(texts)) == len(texts) >= 2 and all(-0.5 <= p <= 511.5 for p in positions)
    assert positions == sorted(positions)


def test_a_box_zoom_maps_cell_positions_to_the_settings_inside_the_box():
    lr, ys = TINY.lr_values(), TINY.second_values()
    w = box_window(lr, ys, "lr_y", {"x": [10.0, 30.0], "y": [40.25, 80.5]})
    assert w == pytest.approx((lr[10], lr[30], value_at(ys, 40.25, "log"), value_at(ys, 80.5, "log")), rel=1e-14)
    only_x = box_window(lr, ys, "lr_y", {"x": [-20.0, 30.0], "y": None})  # a thin drag: one axis, cut to the map
    assert only_x[0] == lr[0] and only_x[2:] == (ys[0], ys[-1])
    for bad in (None, {"x": [200.0, 300.0], "y": [1, 2]}, {"x": ["a", 2], "y": None}, {"x": [0, 95], "y": [0, 95]}):
        assert box_window(lr, ys, "lr_y", bad) is None  # off the map, malformed, or the whole map again
    m = SweepState()  # momentum up: the box follows 1 - momentum's log spacing
    w = box_window(m.lr_values(), m.second_values(), "momentum", {"x": None, "y": [29.5, 59.0]})
    assert w[3] == m.second_values()[-1] and 1 - w[2] == pytest.approx(10 ** (-1.5), rel=1e-12)


def test_a_window_outside_its_map_or_below_float64_s_limit_gets_one_sentence():
    root = TINY.root
    with pytest.raises(ValueError, match=r"^the window must lie inside the map it zooms into \(lr from 0.01 to 10"):
        check_window((0.001, 0.1, 0.1, 0.2), root, "lr_y")
    with pytest.raises(ValueError, match=r"round-off"):
        check_window((1.0, 1.0 + 1e-13, 0.1, 0.2), root, "lr_y")
    check_window((1.0, 1.0 + 2 * optim.FLOAT64_LIMIT, 0.1, 0.2), root, "lr_y")


def test_zoom_toward_the_edge_narrows_each_axis_tenfold_as_drawn():
    s = optim.sweep("sgd", "rosenbrock", lr=spaced(1e-5, 0.01, 64, "log"), second=spaced(0.0, 0.999, 64, "one_minus"),
                    second_name="momentum", steps=200)
    w = toward_edge(s)
    assert s.x_values[0] <= w[0] < w[1] <= s.x_values[-1] and s.y_values[0] <= w[2] < w[3] <= s.y_values[-1]
    assert span(w[0], w[1], "log") == pytest.approx(span(1e-5, 0.01, "log") / 10, rel=1e-9)
    assert span(w[2], w[3], "one_minus") == pytest.approx(span(0.0, 0.999, "one_minus") / 10, rel=1e-9)
    assert zoom_factor((1e-5, 0.01, 0.0, 0.999), w, "momentum") == pytest.approx(10)
    lr = spaced(0.01, 10.0, 64, "log")
    m = optim.sweep("gd", "tiny_network", lr=lr, second=lr, second_name="lr_y", steps=100)
    w = optim.zoom_toward_edge(m)
    assert toward_edge(m) == (*w.x, *w.y)  # log axes: the core's window as it is


def test_the_tiny_network_s_edge_stays_rich_along_the_page_s_zooms():
    """The trail a person builds with "Zoom toward the edge": each map is the page's state's, and the edge keeps
    more than a tenth of its cells two to four zooms deep (a smooth edge would hold about 2 / 96)."""
    state, shares = TINY, []
    for _ in range(4):
        s = optim.sweep("gd", state.setup.build_objective(), lr=state.lr_values(), second=state.second_values(),
                        second_name="lr_y", x0=list(state.setup.start), steps=state.setup.steps)
        shares.append(optim.edge_share(s.diverged_at >= 0))
        state = replace(state, zoom=(*state.zoom, toward_edge(s)))
    assert min(shares[2:]) > 0.1, shares
    assert decode_sweep(encode_sweep(state)) == (state, [])  # the trail travels in the link


def test_a_link_s_bad_zoom_level_is_named_and_the_trail_stops_before_it():
    good = (1.0, 2.0, 1.0, 2.0)
    link = encode_sweep(replace(TINY, zoom=(good,)))
    for bad, words in (("1.5,1.6,3,4", "must lie inside"), ("1.5,1.5000000000001,1.2,1.3", "round-off"),
                       ("abc", "four finite numbers"), ("1,2,nan,4", "four finite numbers")):
        state, messages = decode_sweep({**link, "zoom": [link["zoom"][0], bad, "1.5,1.6,1.5,1.6"]})
        assert state.zoom == (good,)
        assert len(messages) == 1 and f"`zoom={bad}`" in messages[0] and words in messages[0], messages
        assert messages[0].endswith("Showing zoom level 1 instead.")
    one_row, messages = decode_sweep({"opt": "gd", "second": "none", "zoom": "0.001,0.002,1,2"})
    assert one_row.zoom == () and "two values along each axis" in messages[0]

"""Basin maps: a picked start point's heading, sentences, ring and Compare link are all about that one point.

The sentences come from runs started at the picked point itself, so a clicked pixel reads as its colour and a
pick kept while the grid changes (no longer any pixel's centre) is still described truly.
"""

from __future__ import annotations

import re

import numpy as np
from app_helpers import figures, link, ok, open_app, page_links, send_chart_event
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

from ui.basins.state import decode_basins

CHART = "bs.chart"


def basins(query: dict) -> AppTest:
    return open_app("pages/basins.py", query, timeout=90)


def pick_text(at: AppTest) -> tuple[str, list[str]]:
    """The pick's heading and its one sentence per optimizer."""
    heading = next(h.value for h in at.subheader if h.value.startswith("From the start point"))
    return heading, [m.value for m in at.markdown if re.match(r"\*\*\d\. ", m.value)]


def rings(at: AppTest) -> set[tuple[float, float]]:
    """Where the picked-start rings sit, over every panel."""
    return {(t["x"][0], t["y"][0]) for t in figures(at)[0]["data"] if t.get("meta") == "pick"}


def compare_start(at: AppTest) -> tuple[float, float]:
    """The start point the "Open these runs on Compare" link opens."""
    (query,) = page_links(at)
    return float(query["x0"][0]), float(query["y0"][0])


def map_cell(at: AppTest, panel: int, row: int, col: int) -> tuple[int, int]:
    """Panel ``panel``'s drawn code (minimum k+1, 0 none, -1 diverged) and steps at a cell of the map."""
    heat = [t for t in figures(at)[0]["data"] if t.get("meta") == "basins"][panel]
    return int(read_array(heat["z"])[row, col]), int(read_array(heat["customdata"])[row, col])


def test_a_picked_point_off_the_grid_is_described_by_its_own_runs():
    at = basins({"objective": "himmelblau", "res": "10", "steps": "300", "pick": "0,0"})
    ok(at)
    heat = next(t for t in figures(at)[0]["data"] if t.get("meta") == "basins")
    assert 0.0 not in heat["x"] and 0.0 not in heat["y"]  # no pixel starts at (0, 0)
    heading, lines = pick_text(at)
    assert heading == "From the start point (0, 0)"
    # What optim.run does from (0, 0) itself, 300 steps, tolerance 0.001 (the nearest pixel's runs reach minimum 2).
    assert lines == ["**1. Gradient descent (textbook)**: reached minimum 1 at (3, 2) in 39 steps.",
                     "**2. SGD with momentum (textbook)**: reached minimum 4 at (3.58, -1.85) in 223 steps."]
    assert compare_start(at) == (0.0, 0.0) and rings(at) == {(0.0, 0.0)}


def test_a_clicked_pixel_reads_as_its_colour_and_keeps_its_point_when_the_grid_changes():
    at = basins({"objective": "himmelblau", "res": "50", "steps": "300"})
    row, col = 14, 24
    heat = next(t for t in figures(at)[0]["data"] if t.get("meta") == "basins")
    x, y = heat["x"][col], heat["y"][row]
    at = send_chart_event(at, CHART, "click", {"x": x, "y": y, "z": None, "curve": 0, "point": [row, col]})
    ok(at)
    assert decode_basins(link(at))[0].pick == (x, y)
    heading, lines = pick_text(at)
    assert len(lines) == 2
    for panel, line in enumerate(lines):
        code, steps = map_cell(at, panel, row, col)
        assert f"reached minimum {code} at" in line and f" in {steps} steps." in line, (line, code, steps)
    assert compare_start(at) == (x, y) and rings(at) == {(x, y)}

    at.select_slider(key="bs.res").set_value(100).run()
    ok(at)
    new = next(t for t in figures(at)[0]["data"] if t.get("meta") == "basins")
    near_row, near_col = int(np.abs(np.asarray(new["y"]) - y).argmin()), int(np.abs(np.asarray(new["x"]) - x).argmin())
    assert (new["x"][near_col], new["y"][near_row]) != (x, y)  # the kept pick is no pixel's centre now
    assert f"reached minimum {map_cell(at, 0, near_row, near_col)[0]} at" not in lines[0]  # its nearest pixel differs
    assert pick_text(at) == (heading, lines)
    assert decode_basins(link(at))[0].pick == (x, y) and compare_start(at) == (x, y) and rings(at) == {(x, y)}

"""AppTest for the many-runs pages Sweep and Basin maps (Tune: ``test_app_tune.py``).

Each page renders without exception, widgets change the result and the URL, links reopen the exact
view (a sweep cell in the Playground), and bad settings get one clear
sentence with the allowed limits while the page keeps working.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_helpers import (
    charts,
    figures,
    link,
    metas,
    ok,
    one_message,
    open_app,
    open_cards,
    page_links,
    reopen,
    send_chart_event,
)
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

import optim
from ui.basins.state import decode_basins
from ui.state import page_key
from ui.sweep.state import decode_sweep
from ui.urlstate import decode_playground
from viz.sweepmap import EDGE_NAME, SELECTED_NAME

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90


def app(page: str, query: dict | None = None) -> AppTest:
    return open_app(page, query, timeout=90)


def button(at: AppTest, text: str):
    return next(b for b in at.button if b.label == text)


# ---------------------------------------------------------------------------------------- Sweep


def sweep(query: dict | None = None) -> AppTest:
    return app("pages/sweep.py", query)


def test_sweep_default_is_a_60_by_60_heatmap_with_diverged_cells():
    at = sweep()
    ok(at)
    assert not at.warning
    (fig,) = figures(at)
    kinds = metas(fig)
    assert kinds.count("outcome") == 1 and "diverged" in kinds
    assert any(s["name"] == EDGE_NAME for s in fig["layout"]["shapes"])
    assert fig["layout"]["xaxis"]["ticktext"] == ["1e-5", "1e-4", "0.001", "0.01"]  # log-spaced cells
    assert "Momentum" in fig["layout"]["yaxis"]["title"]["text"]
    assert any(t.get("name") == "diverged" and t.get("showlegend") for t in fig["data"])
    assert link(at)["lr.n"] == ["60"] and link(at)["second.n"] == ["60"] and link(at)["opt"] == ["sgd"]
    assert any("runs diverged" in c.value for c in at.caption)


def test_sweep_outcome_and_grid_widgets_change_chart_and_link():
    at = sweep()
    before = figures(at)[0]
    at.segmented_control(key="sw.outcome").set_value("steps").run()
    ok(at)
    after = figures(at)[0]
    assert "never" in metas(after) and after != before
    assert link(at)["outcome"] == ["steps"]
    at.number_input(key="sw.lr_n").set_value(20).run()
    ok(at)
    assert link(at)["lr.n"] == ["20"]
    assert "60 x 20" in figures(at)[0]["layout"]["title"]["text"]


def test_sweep_cell_opens_exactly_that_run_in_the_playground():
    at = sweep()
    button(at, "Pick the best cell").click().run()
    ok(at)
    state, _ = decode_sweep(link(at))
    assert state.cell is not None
    (query,) = page_links(at)
    expected = state.playground(*state.cell)
    # The card names the cell's settings readably (a handful of digits, not float64's 17) and truly.
    cfg = expected.optimizers[0]
    cards = [m.value for m in at.markdown if m.value.startswith("**lr = ")]
    assert len(cards) == 2  # the picked cell and the best cell: the same one here
    for card in cards:
        shown = dict(part.split(" = ") for part in card.strip("*").split(", "))
        assert set(shown) == {"lr", "momentum"}
        for name, text in shown.items():
            assert len(text.replace("0.", "").lstrip("0")) <= 6, card
            assert float(text) == pytest.approx(cfg.get(name), rel=1e-3)
    decoded, messages = decode_playground(query)
    assert messages == [] and decoded == expected
    pg = app("pages/playground.py", query)
    ok(pg)
    assert not pg.warning
    assert pg.multiselect(key="pg.optimizers").value == ["sgd"]
    assert pg.select_slider(key="pg.opt.sgd.lr").value == cfg.get("lr")
    assert pg.number_input(key="pg.opt.sgd.momentum").value == cfg.get("momentum")
    assert pg.session_state[page_key("pg", "state")] == expected  # exactly, to the last bit


def test_sweep_link_with_a_cell_reopens_it():
    at = sweep({"cell": "10,20", "outcome": "best_loss"})
    ok(at)
    assert not at.warning
    assert at.segmented_control(key="sw.outcome").value == "best_loss"
    assert page_links(at) and any(s["name"] == SELECTED_NAME for s in figures(at)[0]["layout"]["shapes"])
    assert link(at)["cell"] == ["10,20"]
    at.number_input(key="sw.steps").set_value(300).run()  # a new grid forgets the cell
    ok(at)
    assert "cell" not in link(at) and not page_links(at)


def test_sweep_too_large_a_grid_says_the_limit_and_the_page_keeps_working():
    at = sweep({"lr.n": "200", "second.n": "200", "steps": "1000"})
    assert not at.exception
    one_message(at.error, "200 x 200", "40,000,000", "the limit is 26,214,400")
    assert not charts(at)
    at.number_input(key="sw.steps").set_value(500).run()
    ok(at)
    assert len(figures(at)) == 1


def test_sweep_optimizer_without_second_hyperparameter_is_one_row():
    at = sweep()
    at.selectbox(key="sw.opt").set_value("gd").run()
    ok(at)
    assert link(at)["second"] == ["none"] and "second.n" not in link(at)
    fig = figures(at)[0]
    assert "1 x 60" in fig["layout"]["title"]["text"]
    assert any("no momentum, decay or β₁" in c.value for c in at.caption)


def test_sweep_draws_a_512_by_512_map_and_refuses_one_step_more_in_one_sentence():
    query = {"opt": "gd", "second": "lr_y", "lr.min": "1e-4", "lr.max": "1", "lr.n": "512", "second.n": "512",
             "steps": "100"}
    at = sweep(query)
    ok(at)
    assert not at.warning
    (fig,) = figures(at)
    z = read_array(fig["data"][0]["z"])
    assert z.shape == (512, 512) and z.dtype == np.float32
    assert len(fig["data"][0]["x"]) == 512 and fig["data"][0]["y"][0] == "lr_y = 0.0001"
    assert not [t for t in fig["data"] if t["type"] != "heatmap" and t["x"] != [None]]  # no point per cell
    assert "512 x 512" in fig["layout"]["title"]["text"]
    assert "y's learning rate" in fig["layout"]["yaxis"]["title"]["text"]
    assert link(at)["second"] == ["lr_y"] and link(at)["second.min"] == ["0.0001"]  # y's range: x's by default
    at = sweep({**query, "steps": "101"})
    assert not at.exception and not charts(at)
    (error,) = at.error
    assert "512 x 512 sweep of 101 steps is 26,476,544 run-steps; the limit is 26,214,400" in error.value


def zoomed(at: AppTest, box: dict) -> AppTest:
    at = send_chart_event(at, "sw.heatmap", "zoom", box)
    ok(at)
    return at


def test_sweep_box_zoom_recomputes_the_map_inside_the_box_at_full_resolution():
    at = sweep()
    state, _ = decode_sweep(link(at))
    lr, momentum = state.lr_values(), state.second_values()
    at = zoomed(at, {"x": [10.0, 40.0], "y": [30.0, 50.0]})
    assert not at.warning
    (fig,) = figures(at)
    zoomed_state, messages = decode_sweep(link(at))
    assert messages == [] and zoomed_state.zoom == ((lr[10], lr[40], momentum[30], momentum[50]),)
    assert fig["data"][0]["x"][0] == f"lr = {lr[10]:.4g}" and fig["data"][0]["x"][-1] == f"lr = {lr[40]:.4g}"
    assert read_array(fig["data"][0]["z"]).shape == (60, 60)  # the whole grid again, inside the box
    factor = np.sqrt(59 / 30 * 59 / 20)  # 30 of 59 cell widths across, 20 up
    assert [b.label for b in at.button if b.key and b.key.startswith(page_key("sw", "zoom."))][:2] == ["Whole map",
                                                                                           f"×{factor:.2g}"]
    cells = optim.sweep("sgd", "rosenbrock", lr=zoomed_state.lr_values(), second=zoomed_state.second_values(),
                        x0=[-1.5, 2.0], steps=500, **zoomed_state.fixed())
    np.testing.assert_array_equal(read_array(fig["data"][1]["z"]) >= 0, cells.diverged_at >= 0)  # the new runs


def test_sweep_zoom_trail_goes_back_and_a_link_reopens_the_zoom():
    at = sweep({"opt": "gd", "second": "lr_y", "objective": "tiny_network", "lr.min": "0.01", "lr.max": "10",
                "lr.n": "64", "second.n": "64", "steps": "100"})
    whole = figures(at)[0]
    at = zoomed(at, {"x": [20.0, 40.0], "y": [20.0, 40.0]})
    at = zoomed(at, {"x": [10.0, 20.0], "y": None})  # a thin drag: lr only
    first, second = decode_sweep(link(at))[0].zoom
    assert second[2:] == first[2:] and first[0] < second[0] < second[1] < first[1]
    deep = figures(at)[0]
    reopened = reopen(at, "pages/sweep.py", timeout=90)
    assert figures(reopened)[0]["data"] == deep["data"]
    button(reopened, "Whole map").click().run()
    ok(reopened)
    assert "zoom" not in link(reopened) and figures(reopened)[0]["data"] == whole["data"]
    at.button(key=page_key("sw", "zoom.1")).click().run()  # back one level
    ok(at)
    assert decode_sweep(link(at))[0].zoom == (first,)


def test_sweep_zoom_toward_the_edge_and_float64_s_limit():
    at = sweep({"opt": "gd", "second": "lr_y", "objective": "tiny_network", "lr.min": "0.01", "lr.max": "10",
                "lr.n": "64", "second.n": "64", "steps": "100"})
    button(at, "Zoom toward the edge (×10)").click().run()
    ok(at)
    (window,) = decode_sweep(link(at))[0].zoom
    assert np.log10([window[1] / window[0], window[3] / window[2]]) == pytest.approx([0.3, 0.3])  # 3 decades / 10
    # A box far narrower than float64 resolves: one sentence, and the map stays as it was.
    before = figures(at)[0]["data"]
    at = send_chart_event(at, "sw.heatmap", "zoom", {"x": [10.0, 10.0 + 1e-11], "y": [10.0, 11.0]})
    assert not at.exception
    (warning,) = at.warning
    assert "Cannot zoom into that box" in warning.value and "round-off" in warning.value
    assert figures(at)[0]["data"] == before and len(decode_sweep(link(at))[0].zoom) == 1
    too_deep = f"{window[0]!r},{window[0] * (1 + 1e-13)!r},{window[2]!r},{window[3]!r}"  # a link below the limit
    deep = sweep({**link(at), "zoom": [link(at)["zoom"][0], too_deep]})
    assert len(deep.warning) == 1 and "round-off" in deep.warning[0].value and len(figures(deep)) == 1


def test_sweep_click_on_a_per_coordinate_cell_opens_it_in_the_playground_with_lr_y():
    at = sweep({"opt": "gd", "second": "lr_y", "objective": "tiny_network", "lr.min": "0.01", "lr.max": "10",
                "lr.n": "40", "second.n": "30", "steps": "100"})
    fig = figures(at)[0]
    at = send_chart_event(at, "sw.heatmap", "click", {"x": fig["data"][0]["x"][7], "y": fig["data"][0]["y"][21],
                                                      "z": None, "curve": 0, "point": [21, 7], "customdata": None})
    ok(at)
    state, _ = decode_sweep(link(at))
    assert state.cell == (21, 7)
    (query,) = page_links(at)
    cfg = state.playground(21, 7).optimizers[0]
    assert cfg.get("lr") == state.lr_values()[7] and cfg.get("lr_y") == state.second_values()[21]
    decoded, messages = decode_playground(query)
    assert messages == [] and decoded == state.playground(21, 7)
    pg = app("pages/playground.py", query)
    ok(pg)
    assert not pg.warning
    assert pg.checkbox(key="pg.opt.gd.lr_y_on").value
    assert pg.select_slider(key="pg.opt.gd.lr_y").value == cfg.get("lr_y")
    assert pg.session_state[page_key("pg", "state")] == state.playground(21, 7)  # exactly, lr_y to the last bit


def test_sweep_second_hyperparameter_choice():
    at = sweep({"opt": "adam", "second": "beta2", "lr.min": "0.001", "lr.max": "1"})
    ok(at)
    assert at.selectbox(key="sw.second").value == "beta2"
    assert "β₂" in figures(at)[0]["layout"]["yaxis"]["title"]["text"]


# ---------------------------------------------------------------------------------------- Basin maps


def basins(query: dict | None = None) -> AppTest:
    return app("pages/basins.py", query)


def test_basins_default_two_maps_and_share_table():
    at = basins()
    ok(at)
    assert not at.warning
    (fig,) = figures(at)
    assert metas(fig).count("basins") == 2 and metas(fig).count("minima") == 2
    legend = [t["name"] for t in fig["data"] if t.get("meta") == "legend"]
    assert len(legend) == 4 + 2 and "reached no minimum" in legend and "diverged" in legend
    assert all(not name[0].isdigit() and "−1" not in name for name in legend), legend  # words, not codes
    df = at.dataframe[0].value
    assert len(df) == 2 and "not converged" in df.columns and "diverged" in df.columns
    assert link(at)["res"] == ["200"] and link(at)["c2"] == ["sgd"]


def test_basins_more_maps_view_and_settings_change_the_link():
    at = basins()
    at.segmented_control(key="bs.maps").set_value(4).run()
    ok(at)
    assert metas(figures(at)[0]).count("basins") == 4 and len(at.dataframe[0].value) == 4
    assert link(at)["c4"] == ["adam"]
    at.segmented_control(key="bs.view").set_value("steps").run()
    ok(at)
    heat = next(t for t in figures(at)[0]["data"] if t.get("meta") == "basins")
    assert heat["zmin"] == -2 and link(at)["view"] == ["steps"]
    before = at.dataframe[0].value
    at.select_slider(key="bs.0.gd.lr").set_value(0.05).run()
    ok(at)
    assert link(at)["c1.lr"] == ["0.05"] and not at.dataframe[0].value.equals(before)


def test_basins_link_reopens_the_same_maps():
    query = {"objective": "six_hump_camel", "res": "100", "steps": "200", "c1": "adam", "c1.lr": "0.05",
             "c2": "rmsprop", "c2.flavor": "torch", "c2.lr": "0.02", "c3": "gd", "c3.lr": "0.02"}
    at = basins(query)
    ok(at)
    assert not at.warning
    state, _ = decode_basins(link(at))
    again = reopen(at, "pages/basins.py", timeout=90)
    assert decode_basins(link(again))[0] == state
    assert again.dataframe[0].value.equals(at.dataframe[0].value)
    assert open_cards(again, "bs.1").selectbox(key="bs.1.flavor").value == "torch"


def test_basins_bad_settings_give_a_message_with_the_limits():
    at = basins({"res": "300", "steps": "300"})
    assert not at.exception
    assert len(at.error) == 1 and "300 x 300" in at.error[0].value and "26,214,400" in at.error[0].value
    at.number_input(key="bs.steps").set_value(200).run()
    ok(at)
    assert len(figures(at)) == 1
    bad = basins({"objective": "rosenbrock", "c1": "nope"})
    ok(bad)
    assert len(bad.warning) == 1
    assert "fewer than two known minima" in bad.warning[0].value and "c1=nope" in bad.warning[0].value

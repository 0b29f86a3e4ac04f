"""AppTest for Compare: the leaderboard, every setting and configuration card, flavors, links, noise bands."""

from __future__ import annotations

import numpy as np
from app_helpers import charts, figures, link, metas, ok, one_message, open_app, open_cards, param, reopen
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

from ui.model import default_compare
from ui.urlstate import encode_compare


def compare(query: dict | None = None) -> AppTest:
    return open_app("pages/compare.py", query, timeout=60)


def board(at: AppTest):
    return at.dataframe[0].value


def test_compare_default_renders_leaderboard_and_link():
    at = compare()
    ok(at)
    assert not at.warning
    df = board(at)
    assert len(df) == 4
    assert list(df.columns[:7]) == ["rank", "configuration", "final loss", "distance to nearest minimum",
                                    "converged at step", "first within tolerance", "diverged at step"]
    assert list(df["rank"]) == [1, 2, 3, 4] and df["configuration"].str.match(r"\d\. ").all()
    assert charts(at) == 4 + 1  # a panel of paths per configuration, then the loss curves
    panels = figures(at)[:4]
    assert [f["layout"]["title"]["text"] for f in panels] == list(df["configuration"].sort_values())
    assert all(metas(f).count("path") == 1 for f in panels)
    link = at.code[0].value
    assert "/compare?" in link and "c2.decay=0.99" in link
    assert param(at, "c3.flavor") == ["torch"]
    # RMSprop's textbook decay 0.99 and PyTorch's alpha 0.99 are one rule: configuration 2's curve lies under 3's,
    # a legend entry with no line of its own, and the page says why.
    losses = [read_array(t["y"]) for t in figures(at)[4]["data"] if t.get("meta") == "loss"]
    assert np.allclose(losses[1], losses[2], rtol=1e-6) and not np.allclose(losses[0], losses[3], rtol=1e-3)
    assert ("Configurations 2 and 3 took paths within a millionth of the map's width of each other at every step: "
            "their loss curves lie on top of each other." in [c.value for c in at.caption])


def test_compare_changing_a_setting_changes_the_leaderboard():
    at = compare()
    before = board(at)
    at.number_input(key="cmp.0.rmsprop.decay").set_value(0.5).run()
    ok(at)
    after = board(at)
    assert not after.equals(before)
    assert param(at, "c1.decay") == ["0.5"]


def test_compare_changing_optimizer_and_flavor():
    at = compare()
    before = board(at)
    open_cards(at, "cmp.1", "cmp.2")
    assert board(at).equals(before)  # opening a card runs nothing new
    at.selectbox(key="cmp.1.name").set_value("adam").run()
    ok(at)
    mid = board(at)
    assert not mid.equals(before)
    assert param(at, "c2") == ["adam"]
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert not board(at).equals(mid)
    assert param(at, "c3.flavor") == ["keras"]


def test_a_flavor_switch_brings_that_librarys_defaults_and_keeps_what_the_person_chose():
    """Configuration 3 is PyTorch's RMSprop (decay 0.99, eps 1e-8, lr chosen: 0.1). Switched to Keras it runs
    with Keras's decay 0.9 and eps 1e-7, keeps lr 0.1, and no longer draws the same curve as PyTorch's."""
    at = open_cards(compare(), "cmp.2")
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert param(at, "c3.flavor") == ["keras"] and param(at, "c3.decay") == ["0.9"] and param(at, "c3.eps") == ["1e-07"]
    assert param(at, "c3.lr") == ["0.1"]
    assert any(c.value == "Keras's defaults except lr = 0.1" for c in at.caption)
    at.selectbox(key="cmp.2.flavor").set_value("torch").run()
    ok(at)
    assert param(at, "c3.decay") == ["0.99"] and param(at, "c3.eps") == ["1e-08"] and param(at, "c3.lr") == ["0.1"]
    # a setting changed on purpose survives the switch
    at.number_input(key="cmp.2.rmsprop.decay").set_value(0.95).run()
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert param(at, "c3.decay") == ["0.95"] and param(at, "c3.eps") == ["1e-07"]
    assert any(c.value == "Keras's defaults except lr = 0.1, decay = 0.95" for c in at.caption)


def test_compare_objective_change_changes_results():
    at = compare()
    before = board(at)
    at.selectbox(key="cmp.objective").set_value("beale").run()
    ok(at)
    assert not board(at).equals(before)


def test_compare_add_and_remove_configurations():
    at = compare()
    add = next(b for b in at.button if b.label == "Add configuration")
    add.click().run()
    ok(at)
    assert len(board(at)) == 5
    assert param(at, "c5") == ["rmsprop"]
    add = next(b for b in at.button if b.label == "Add configuration")
    add.click().run()
    assert len(board(at)) == 6
    add = next(b for b in at.button if b.label == "Add configuration")
    assert add.disabled
    at.button(key="cmp.0.remove").click().run()
    ok(at)
    assert len(board(at)) == 5
    assert param(at, "c1.decay") == ["0.99"]  # the old second configuration moved up


def test_compare_zero_learning_rate_in_link_gives_one_message():
    at = compare({"c1": "rmsprop", "c1.lr": "0", "c2": "gd"})
    ok(at)
    one_message(at.warning, "c1.lr=0")
    assert len(board(at)) == 2
    assert at.select_slider(key="cmp.0.rmsprop.lr").value == 0.01  # the flavor's default


def test_compare_garbage_link_opens_default_comparison():
    at = compare({"c1": "nope", "c9": "descent", "tol": "-3", "objective": "rotated_quadratic",
                  "objective.condition": "1e12"})
    ok(at)
    one_message(at.warning, "c1=nope", "c9=descent", "tol=-3", "objective.condition=1e12")
    assert len(board(at)) == 4


def test_compare_link_reopens_the_exact_comparison():
    at = compare()
    at.number_input(key="cmp.0.rmsprop.decay").set_value(0.5).run()
    open_cards(at, "cmp.3")
    at.selectbox(key="cmp.3.flavor").set_value("optax").run()
    again = open_cards(reopen(at, "pages/compare.py", timeout=60), "cmp.3")
    assert again.number_input(key="cmp.0.rmsprop.decay").value == 0.5
    assert again.selectbox(key="cmp.3.flavor").value == "optax"
    assert board(again).equals(board(at))
    assert encode_compare(default_compare())["c2.decay"] == ["0.99"]


def test_compare_noise_shows_median_and_iqr_bands_with_k_in_the_link():
    at = compare({"noise": "0.5", "seeds": "8", "steps": "100"})
    ok(at)
    assert not at.warning
    loss = figures(at)[-1]
    assert metas(loss).count("median") == 4 and metas(loss).count("band-lower") == 4
    assert "8 noise seeds" in loss["layout"]["title"]["text"]
    assert link(at)["seeds"] == ["8"]
    at.number_input(key="cmp.seeds").set_value(12).run()
    ok(at)
    assert link(at)["seeds"] == ["12"] and "12 noise seeds" in figures(at)[-1]["layout"]["title"]["text"]
    quiet = compare()
    assert "seeds" not in link(quiet) and "median" not in metas(figures(quiet)[-1])

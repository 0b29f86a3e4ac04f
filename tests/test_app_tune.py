"""AppTest for Tune: the leaderboard and chart, its race opening the winners on Compare, settings and limits."""

from __future__ import annotations

from app_helpers import figures, link, metas, ok, open_app, open_cards, page_links
from streamlit.testing.v1 import AppTest

import optim
from ui.state import page_key
from ui.tune.state import decode_tune
from ui.urlstate import decode_compare


def app(page: str, query: dict | None = None) -> AppTest:
    return open_app(page, query, timeout=90)


def tune(query: dict | None = None) -> AppTest:
    return app("pages/tune.py", query)


def test_tune_default_leaderboard_chart_and_downloads():
    at = tune()
    ok(at)
    assert not at.warning
    board = at.dataframe[0].value
    assert len(board) == 3 and list(board.columns[:6]) == [
        "rank", "optimizer", "score", "default settings score", "chosen lr", "chosen second"]
    assert list(board["rank"]) == [1, 2, 3]
    assert set(metas(figures(at)[0])) >= {"candidates", "chosen", "default"}
    # Each optimizer wears its own colour, as on every page (it wore the palette's, by position: Adam green here).
    stars = {t["name"]: t["marker"]["color"] for t in figures(at)[0]["data"] if t.get("meta") == "chosen"}
    specs = [optim.OPTIMIZERS[n] for n in ("sgd", "rmsprop", "adam")]
    assert stars == {f"{spec.title}: chosen": spec.color for spec in specs}
    assert len(at.dataframe[1].value) == 75  # every candidate
    assert at.get("download_button")
    assert link(at)["opt"] == ["sgd", "rmsprop", "adam"] and link(at)["budget"] == ["25"]


def test_tune_race_opens_the_chosen_configurations_on_compare():
    at = tune()
    (query,) = page_links(at)
    state, _ = decode_tune(link(at))
    race, messages = decode_compare(query)
    assert messages == []
    cands = at.dataframe[1].value
    chosen = cands[cands["chosen"]]
    assert [c.name for c in race.configs] == list(state.names)
    for cfg in race.configs:
        row = chosen[chosen["optimizer"] == cfg.name].iloc[0]
        assert cfg.get("lr") == row["lr"]
    cmp = app("pages/compare.py", query)
    ok(cmp)
    assert not cmp.warning
    assert cmp.session_state[page_key("cmp", "state")] == race
    assert len(cmp.dataframe[0].value) == 3
    open_cards(cmp, "cmp.2")
    assert cmp.session_state[page_key("cmp", "state")] == race  # opening a card changes nothing
    assert cmp.select_slider(key="cmp.2.adam.lr").value == race.configs[2].get("lr")


def test_tune_settings_change_results_and_bad_budget_is_refused():
    at = tune()
    before = at.dataframe[0].value
    at.number_input(key="tn.steps").set_value(400).run()
    ok(at)
    assert link(at)["steps"] == ["400"] and not at.dataframe[0].value.equals(before)
    at.multiselect(key="tn.optimizers").set_value(["adam", "adagrad"]).run()
    ok(at)
    assert len(at.dataframe[0].value) == 2 and link(at)["opt"] == ["adam", "adagrad"]
    big = tune({"budget": "200", "starts": "100", "steps": "2000"})
    assert not big.exception
    assert len(big.error) == 1 and "the limit is 26,214,400" in big.error[0].value
    bad = tune({"budget": "0", "lr.min": "1", "lr.max": "0.01"})
    ok(bad)
    assert len(bad.warning) == 1 and "budget=0" in bad.warning[0].value and "range is empty" in bad.warning[0].value


ALL_GD_DIVERGE = {"objective": "quadratic", "opt": ["gd", "adam"], "lr.min": "5", "lr.max": "10", "steps": "50",
                  "budget": "5", "starts": "3"}
"""Learning rates 5 to 10 on the quadratic bowl: every candidate of gradient descent diverges, Adam's do not."""


def test_tune_an_optimizer_whose_every_candidate_diverged_is_not_chosen_starred_or_raced():
    at = tune(ALL_GD_DIVERGE)
    ok(at)
    board = at.dataframe[0].value.set_index("optimizer")
    assert board.loc["Gradient descent", "chosen lr"] == "none: every candidate diverged"
    assert board.loc["Gradient descent", "diverged from"] == "—"
    assert [m for m in metas(figures(at)[0]) if m == "chosen"] == ["chosen"]  # Adam's star only
    cands = at.dataframe[1].value
    assert list(cands[cands["chosen"]]["optimizer"]) == ["adam"]
    (query,) = page_links(at)
    race, _ = decode_compare(query)
    assert [c.name for c in race.configs] == ["adam"]
    assert [c.value for c in at.caption if "left out of the race" in c.value] == [
        "Gradient descent is left out of the race on Compare: every candidate it tried diverged from half the "
        "starts or more, so none was chosen."]


def test_tune_offers_no_empty_race_when_every_optimizer_diverged():
    at = tune(dict(ALL_GD_DIVERGE, opt=["gd", "sgd"]))
    ok(at)
    assert page_links(at) == []
    assert "chosen" not in metas(figures(at)[0])
    assert any(c.value.startswith("No race on Compare: every candidate of every optimizer diverged")
               for c in at.caption)
    assert at.get("download_button")

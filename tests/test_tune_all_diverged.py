"""Tune with every candidate diverged: nothing is chosen, so nothing is starred, raced or marked chosen.

The case: learning rates 5 to 10 on the quadratic bowl (curvature 10), where gradient descent diverges from
every start with every candidate and Adam (its step bounded by its learning rate) does not.
"""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import numpy as np
import pandas as pd

import optim
from ui import compute
from ui.tune import panel
from ui.tune.state import TuneState, decode_tune
from viz.tuning import TuningResult, tuning_figure

QUADRATIC = optim.get_objective("quadratic", a=1, b=10)
QUERY = {"objective": ["quadratic"], "opt": ["gd", "adam"], "lr.min": ["5"], "lr.max": ["10"], "steps": ["50"],
         "budget": ["5"], "starts": ["3"]}
STATE, _ = decode_tune(QUERY)


def all_diverged_gd() -> optim.Tuning:
    """Gradient descent's tuning where every candidate diverges from every start."""
    return optim.tune("gd", QUADRATIC, budget=5, n_starts=3, steps=50, lr_range=(5.0, 10.0))


def results(state: TuneState) -> dict[str, dict]:
    """The page's results for ``state``, as ``pages/tune.py`` builds them."""
    return {n: dict(compute.tuning(state, n, "textbook"), flavor="textbook") for n in state.names}


def test_no_candidate_is_chosen_when_every_score_is_infinite():
    t = all_diverged_gd()
    assert np.isinf(t.scores).all()
    assert t.best_index is None and t.best is None


def test_a_finite_score_is_still_chosen_next_to_diverged_ones():
    t = optim.tune("adam", QUADRATIC, budget=5, n_starts=3, steps=50, lr_range=(5.0, 10.0))
    assert np.isfinite(t.scores[t.best_index]) and t.scores[t.best_index] == t.scores.min()
    assert t.best == t.candidates[t.best_index]


def test_the_chart_has_no_star_for_an_optimizer_with_nothing_chosen():
    t = all_diverged_gd()
    r = TuningResult("GD", "#0072b2", np.array([c["lr"] for c in t.candidates]), None, None, t.scores,
                     t.diverged_share, t.best_index)
    metas = [tr["meta"] for tr in tuning_figure([r])["data"]]
    assert "chosen" not in metas and metas.count("diverged") == 1


def test_leaderboard_race_and_csv_say_nothing_was_chosen_for_gradient_descent():
    res = results(STATE)
    assert res["gd"]["best"] is None and res["adam"]["best"] is not None
    board = panel.leaderboard_display(panel.leaderboard(STATE, res)).set_index("optimizer")
    gd = board.loc["Gradient descent"]
    assert gd["chosen lr"] == panel.NONE_CHOSEN and gd["chosen second"] == "—" and gd["diverged from"] == "—"
    assert board.loc["Adam", "chosen lr"] != panel.NONE_CHOSEN
    assert list(panel.chosen_settings(res)) == ["adam"]
    assert [c.name for c in STATE.race(panel.chosen_settings(res)).configs] == ["adam"]
    assert panel.left_out_sentence(STATE, res) == (
        "Gradient descent is left out of the race on Compare: every candidate it tried diverged from half the starts "
        "or more, so none was chosen.")
    csv = pd.read_csv(BytesIO(panel.candidates_csv(STATE, res)))
    assert not csv[csv["optimizer"] == "gd"]["chosen"].any()
    assert csv[csv["optimizer"] == "adam"]["chosen"].sum() == 1


def test_no_race_is_offered_when_every_optimizer_has_nothing_chosen():
    state = replace(STATE, names=("gd", "sgd"))
    res = results(state)
    assert state.race(panel.chosen_settings(res)).configs == ()
    assert panel.left_out_sentence(state, res) == (
        "No race on Compare: every candidate of every optimizer diverged from half the starts or more, so none was "
        "chosen.")
    alone = replace(STATE, names=("gd",))
    assert panel.left_out_sentence(alone, results(alone)).startswith(
        "No race on Compare: every candidate of Gradient descent diverged")

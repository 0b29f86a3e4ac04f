"""Issue 7, faults: the run-step budgets, tried at the largest request they allow and one step past it.

Each budget is tried exactly at its value (it must work) and one past it (one sentence refuses it): the
core's run-step budget, the largest sweep, basin map and tuning grid it admits, the mini-batch trainer's
step and work limits, and through the heaviest pages, Basins and Tune (which counts every optimizer it
tunes against the one budget). The time and memory these take are measured by hand and reported, never
asserted. The links' own limits and the upload's size are ``test_faults_link_limits.py`` and
``test_faults_uploads.py``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
from app_helpers import app, charts, ok

import optim
from optim import models
from optim.sweep import MAX_RUN_STEPS, check_budget
from ui import compute
from ui.basins.state import MAX_RES
from ui.minibatch import state as mb
from ui.sweep.state import AXIS_MAX
from ui.tune.state import MAX_BUDGET, TuneState


def test_the_run_step_budget_admits_exactly_its_limit():
    check_budget(MAX_RUN_STEPS, 1, "one long row")
    check_budget(200 * 200, MAX_RUN_STEPS // (200 * 200), "a 200 x 200 sweep")
    with pytest.raises(ValueError, match=r"^one long row of 1 steps is 26,214,401 run-steps; the limit is 26,214,400"):
        check_budget(MAX_RUN_STEPS + 1, 1, "one long row")


LARGEST = {
    # what: (the call at the limit, the same call one step further, the sentence's start)
    "sweep": (lambda steps: optim.sweep("sgd", "rosenbrock", lr=np.geomspace(1e-5, 1e-2, AXIS_MAX),
                                        second=np.linspace(0.0, 0.99, AXIS_MAX), steps=steps, tol=1e-4),
              MAX_RUN_STEPS // AXIS_MAX**2, "a 512 x 512 sweep of 101 steps is 26,476,544 run-steps"),
    "basins": (lambda steps: optim.basins(optim.make_optimizer("gd", lr=0.01), "himmelblau", resolution=MAX_RES,
                                          steps=steps),
               MAX_RUN_STEPS // MAX_RES**2, "a 400 x 400 basin map of 164 steps is 26,240,000 run-steps"),
    "tune": (lambda steps: optim.tune("sgd", "rosenbrock", budget=MAX_BUDGET, n_starts=100, steps=steps),
             MAX_RUN_STEPS // (MAX_BUDGET * 100),
             "tuning 200 configurations x 100 starts of 1,311 steps is 26,220,000 run-steps"),
}


@pytest.mark.parametrize("what", LARGEST)
def test_the_largest_grid_runs_and_one_step_more_is_refused(what):
    """A 512 x 512 sweep of 100 steps, a 400 x 400 basin map of 163 steps, 200 x 100 tuning runs of 1,310 steps.

    Measured by hand on the shared 2-core machine: about 0.5 s, 1 s and 1 s of CPU; at most 50 MB (the basin map).
    """
    call, steps, refusal = LARGEST[what]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = call(steps)
    if what == "sweep":
        assert result.final_loss.shape == (AXIS_MAX, AXIS_MAX) and np.isfinite(result.final_loss).any()
    elif what == "basins":
        assert result.labels.shape == (MAX_RES, MAX_RES) and (result.labels >= 0).any()
    else:
        assert len(result.candidates) == MAX_BUDGET and np.isfinite(result.scores).any()
    with pytest.raises(ValueError, match="^" + refusal + "; the limit is 26,214,400"):
        call(steps + 1)


def test_the_largest_mini_batch_runs_pass_and_one_more_step_is_refused():
    mb.check_work("linear", models.MAX_ROWS, 1, mb.MAX_TRAIN_STEPS // models.MAX_ROWS)  # 10,000 steps
    mb.check_work("logistic", models.MAX_ROWS, 10, 1)  # 1,000 steps x 10,000 samples = the work limit
    with pytest.raises(ValueError, match=r"^1 epochs of 10,001 batches is 10,001 steps; the limit is 10,000"):
        mb.check_work("linear", models.MAX_ROWS + 1, 1, 1)
    with pytest.raises(ValueError, match=r"^1,112 steps over 10,000 samples is too much work"):
        mb.check_work("logistic", models.MAX_ROWS, 9, 1)


def basins_link(steps: int) -> dict:
    return {"objective": "himmelblau", "res": str(MAX_RES), "steps": str(steps),
            "c1": "gd", "c2": "sgd", "c3": "rmsprop", "c4": "adam"}


def test_basin_maps_at_the_limit_draw_four_maps_and_one_step_more_is_refused():
    """The heaviest page: four 400 x 400 maps of 163 steps, 4 x 26,080,000 run-steps.

    Measured by hand: about 4 s of CPU on Himmelblau (7 s on Goldstein-Price); the process peaks near 275 MB.
    """
    at = app(basins_link(MAX_RUN_STEPS // MAX_RES**2), "pages/basins.py")
    ok(at)
    assert not at.warning
    assert charts(at) >= 1
    over = app(basins_link(MAX_RUN_STEPS // MAX_RES**2 + 1), "pages/basins.py")
    assert not over.exception
    assert [e.value for e in over.error] == [
        "Cannot draw these maps: a 400 x 400 basin map of 164 steps is 26,240,000 run-steps; the limit is "
        "26,214,400 (for example 512 x 512 x 100 steps on a built-in function). Use fewer start points per axis "
        "or fewer steps."]


def tune_link(steps: int) -> dict:
    return {"opt": ["sgd", "rmsprop", "adam", "nadam", "radam", "adamax"], "budget": str(MAX_BUDGET),
            "starts": "100", "steps": str(steps)}


def test_tune_counts_every_optimizer_against_the_budget():
    """Six optimizers x 200 configurations x 100 starts may run 218 steps (26,160,000 run-steps in all).

    Checked per optimizer, the page took six times the budget: 1,250 steps each, about 18 s of CPU on Ackley
    (3.4 s at the limit now).
    """
    steps = MAX_RUN_STEPS // (6 * MAX_BUDGET * 100)
    state = replace(TuneState(), names=tuple(tune_link(0)["opt"]), budget=MAX_BUDGET, starts=100,
                    setup=replace(TuneState().setup, steps=steps))
    compute.check_tuning(state)
    with pytest.raises(ValueError, match=r"^tuning 6 optimizers x 200 configurations x 100 starts of 219 steps is "
                                         r"26,280,000 run-steps; the limit is 26,214,400"):
        compute.check_tuning(replace(state, setup=replace(state.setup, steps=steps + 1)))
    at = app(tune_link(steps), "pages/tune.py")
    ok(at)
    assert len(at.dataframe[0].value) == 6
    over = app(tune_link(steps + 1), "pages/tune.py")
    assert not over.exception and len(over.error) == 1 and "the limit is 26,214,400" in over.error[0].value

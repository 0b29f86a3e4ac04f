"""Issue 14 in the app: a learning-rate schedule per configuration, its chart and its marks, its link; the new
optimizers on the Playground and Tune, with L-BFGS's and Newton's evaluations, Newton's note and Muon's sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_helpers import figures, ok, one_message, open_app, open_cards, open_settings, param
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

import optim

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def app(page: str, query: dict | None = None) -> AppTest:
    return open_app(page, query, timeout=120)


NEW = ["adabelief", "yogi", "lamb", "adafactor", "lion", "muon", "schedule_free_adamw", "rprop", "asgd", "lbfgs",
       "newton"]


def losses(fig: dict) -> dict[str, np.ndarray]:
    """Each series' loss curve in a figure: label -> values."""
    return {t["name"]: read_array(t["y"]) for t in fig["data"] if t.get("meta") == "loss"}


def loss_chart(at: AppTest) -> dict:
    """The page's one figure of loss curves (Compare draws a panel of paths per configuration before it)."""
    (fig,) = [f for f in figures(at) if any(t.get("meta") == "loss" for t in f["data"])]
    return fig


def rate_charts(at: AppTest) -> list[dict]:
    """The small learning-rate charts under the schedules (their first trace is the rate, ``meta="lr"``)."""
    return [f for f in figures(at) if f["data"] and f["data"][0].get("meta") == "lr"]


def marks(fig: dict) -> list[int]:
    """Steps the loss panel marks as sharp changes of a learning rate."""
    return [s["x0"] for s in fig["layout"].get("shapes", []) if s.get("name") == "rate-change"]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


# ---------------------------------------------------------------- Playground


def test_a_schedule_changes_the_playground_path_the_link_and_draws_its_rate():
    at = app("pages/playground.py", {"opt": "gd", "gd.lr": "0.05", "steps": "60"})
    ok(at)
    before = losses(figures(at)[0])["Gradient descent"]
    assert not rate_charts(at) and not marks(figures(at)[0])  # a constant rate has neither
    assert param(at, "gd.schedule") is None

    at.selectbox(key="pg.opt.gd.schedule").select("step").run()
    ok(at)
    assert param(at, "gd.schedule") == ["step"] and param(at, "gd.schedule.step_size") == ["30"]
    assert param(at, "gd.schedule.gamma") == ["0.1"]
    after = losses(figures(at)[0])["Gradient descent"]
    np.testing.assert_array_equal(after[:31], before[:31])  # the same rate up to step 30
    assert not np.allclose(after[32:], before[32:])
    (chart,) = rate_charts(at)
    sent = read_array(chart["data"][0]["y"])  # charts receive float32
    np.testing.assert_array_equal(sent, np.float32([0.05] * 30 + [0.005] * 30))
    assert marks(figures(at)[0]) == [30]

    at.number_input(key="pg.opt.gd.schedule.step.step_size").set_value(10).run()
    ok(at)
    assert param(at, "gd.schedule.step_size") == ["10"]
    assert marks(figures(at)[0]) == [10, 20, 30, 40, 50]
    labels = [a["text"] for a in figures(at)[0]["layout"]["annotations"] if a.get("name") == "rate-change"]
    assert labels and set(labels) == {"lr ×0.1"} and len(labels) <= 4  # a few labels, spaced out; lines for all
    (chart,) = rate_charts(at)
    assert read_array(chart["data"][0]["y"])[10] == pytest.approx(0.005)
    assert "Learning rate: Step decay, step_size = 10, gamma = 0.1" in captions(at)


def test_a_link_with_a_schedule_reopens_it_and_a_bad_value_gets_one_sentence():
    at = app("pages/playground.py", {"opt": "gd", "gd.schedule": "cosine", "gd.schedule.t_max": "40",
                                     "gd.schedule.eta_min": "-1"})
    ok(at)
    one_message(at.warning, "`gd.schedule.eta_min=-1`", "out of range", "Using 0 instead")
    assert at.selectbox(key="pg.opt.gd.schedule").value == "cosine"
    assert at.number_input(key="pg.opt.gd.schedule.cosine.t_max").value == 40

    at = app("pages/playground.py", {"opt": "gd", "gd.schedule": "zigzag"})
    ok(at)
    assert len(at.warning) == 1 and "`gd.schedule=zigzag` is not a schedule this app knows" in at.warning[0].value
    assert at.selectbox(key="pg.opt.gd.schedule").value == "constant"


def test_a_flavor_without_the_schedule_says_so_and_runs_at_a_constant_rate():
    at = app("pages/playground.py", {"opt": "adam", "flavor": "keras", "adam.lr": "0.05"})
    before = losses(figures(at)[0])["Adam"]
    at.selectbox(key="pg.opt.adam.schedule").select("one_cycle").run()
    ok(at)
    assert "Keras has no one-cycle learning-rate schedule. This configuration runs at a constant learning rate." \
        in captions(at).replace(":orange[", "").replace("]", "")
    np.testing.assert_array_equal(losses(figures(at)[0])["Adam"], before)
    assert param(at, "adam.schedule") is None and not rate_charts(at)
    at.button_group(key="pg.flavor").set_value("torch").run()  # PyTorch has it: the chosen schedule runs
    ok(at)
    assert param(at, "adam.schedule") == ["one_cycle"] and len(rate_charts(at)) == 1


def test_one_cycle_draws_the_momentum_it_cycles():
    at = app("pages/playground.py", {"opt": "sgd", "flavor": "torch", "sgd.schedule": "one_cycle",
                                     "sgd.schedule.max_lr": "0.02", "steps": "100"})
    ok(at)
    (chart,) = rate_charts(at)
    lr, cycled = (read_array(t["y"]) for t in chart["data"])
    assert chart["data"][1]["meta"] == "cycled" and chart["layout"]["yaxis2"]["title"]["text"] == "momentum"
    assert lr.max() == pytest.approx(0.02)
    assert cycled.min() == pytest.approx(0.85) and cycled[0] == pytest.approx(0.95)
    assert np.argmax(lr) == np.argmin(cycled)  # momentum is lowest where the rate peaks


def test_reduce_on_plateau_shows_the_rate_the_run_used():
    query = {"opt": "adam", "adam.lr": "0.1", "adam.schedule": "reduce_on_plateau", "adam.schedule.patience": "3",
             "steps": "80"}
    at = app("pages/playground.py", query)
    ok(at)
    s = optim.make_schedule("reduce_on_plateau", patience=3)
    t = optim.run(optim.make_optimizer("adam", lr=0.1, schedule=s), "quadratic", x0=[1.5, 1.5], steps=80)
    (chart,) = rate_charts(at)
    assert chart["layout"]["title"]["text"] == "The rate the run used"
    np.testing.assert_array_equal(read_array(chart["data"][0]["y"]), t.lr.astype(np.float32))
    drops = list(np.flatnonzero(np.diff(t.lr)) + 1)
    assert drops and marks(figures(at)[0]) == drops


def test_new_optimizers_on_the_playground_show_their_evaluations_and_notes():
    at = app("pages/playground.py", {"opt": ["lbfgs", "newton", "muon"], "flavor": "torch", "objective": "himmelblau",
                                     "x0": "0", "y0": "0", "steps": "20", "lbfgs.line_search": "true",
                                     "lbfgs.max_eval": "25"})
    ok(open_settings(at, "muon"))
    text = captions(at)
    t = optim.run(optim.make_optimizer("lbfgs", line_search=True, max_eval=25), "himmelblau", x0=[0.0, 0.0], steps=20)
    assert f"Function evaluations: {int(t.evaluations.sum())} in 20 steps" in text
    assert "Evaluations: one gradient and one Hessian per step (20 of each in 20 steps)." in text
    newton = optim.run(optim.make_optimizer("newton"), "himmelblau", x0=[0.0, 0.0], steps=20)
    assert optim.notes(newton)[0] in text and "not positive definite" in optim.notes(newton)[0]
    assert "on a single row (a 2-D point) that is normalised momentum" in text  # Muon's sentence


@pytest.mark.parametrize("chunk", [NEW[:6], NEW[6:]], ids=["first", "last"])
def test_each_new_optimizer_runs_on_the_playground_with_a_schedule(chunk):
    query = {"opt": chunk, "steps": "40"}
    query.update({f"{n}.schedule": "exponential" for n in chunk})
    at = app("pages/playground.py", query)
    ok(at)
    assert len(rate_charts(at)) == 2  # the first two optimizers' settings are open, the others closed
    ok(open_settings(at, *chunk))
    assert not at.warning, [w.value for w in at.warning]
    assert len(losses(figures(at)[0])) == len(chunk) and len(rate_charts(at)) == len(chunk)


@pytest.mark.parametrize("chunk", [NEW[:4], NEW[4:8], NEW[8:]], ids=["first", "middle", "last"])
def test_tune_runs_the_new_optimizers(chunk):
    at = app("pages/tune.py", {"opt": chunk, "budget": "6", "starts": "2", "steps": "30"})
    ok(at)


# ---------------------------------------------------------------- Compare and Inside


def test_compare_has_a_schedule_per_configuration():
    at = app("pages/compare.py", {"steps": "120", "c1": "sgd", "c1.lr": "0.05", "c1.schedule": "cosine_restarts",
                                  "c1.schedule.t_0": "40", "c2": "sgd", "c2.lr": "0.05", "c3": "sgd", "c3.lr": "0.05"})
    ok(at)
    curves = losses(loss_chart(at))
    assert list(curves)[:2] == ["1. SGD with momentum (textbook) cosine with warm restarts",
                                "2. SGD with momentum (textbook) constant lr"]
    assert marks(loss_chart(at)) == [40, 80]  # the restarts
    assert len(rate_charts(at)) == 1
    open_cards(at, "cmp.2")
    at.selectbox(key="cmp.2.schedule").select("warmup_cosine").run()
    ok(at)
    assert param(at, "c3.schedule") == ["warmup_cosine"] and param(at, "c1.schedule") == ["cosine_restarts"]
    curves = list(losses(loss_chart(at)).values())
    assert not np.allclose(curves[2], curves[1]) and len(rate_charts(at)) == 2
    assert read_array(rate_charts(at)[1]["data"][0]["y"])[0] == 0  # the warm-up starts from 0


def test_a_one_cycle_picked_on_compare_spans_the_run():
    """torch's one-cycle refuses to run past its total_steps: picked, it ends where the run does (300 steps)."""
    at = open_cards(app("pages/compare.py"), "cmp.2")
    at.selectbox(key="cmp.2.schedule").select("one_cycle").run()  # PyTorch's RMSprop, which has momentum
    ok(at)
    assert param(at, "c3.schedule") == ["one_cycle"] and param(at, "c3.schedule.total_steps") == ["300"]
    (chart,) = rate_charts(at)
    assert len(read_array(chart["data"][0]["y"])) == 300 and chart["data"][1]["meta"] == "cycled"


def test_compare_with_noise_marks_the_schedules_on_its_bands():
    at = app("pages/compare.py", {"steps": "90", "noise": "0.5", "seeds": "4", "c1": "gd", "c1.lr": "0.02",
                                  "c1.schedule": "step", "c1.schedule.step_size": "30", "c2": "gd", "c2.lr": "0.02"})
    ok(at)
    (bands,) = [f for f in figures(at) if any(t.get("meta") == "median" for t in f["data"])]
    assert marks(bands) == [30, 60]


def test_compare_with_noise_draws_the_bands_of_a_plateau_schedule():
    """Several noise seeds under reduce on plateau: each seed's rate parts from the others once their losses do.
    (The page raised a NumPy error here: the rates kept as one number at first and per seed later.)"""
    at = app("pages/compare.py", {"steps": "90", "noise": "0.5", "seeds": "4", "c1": "sgd", "c1.lr": "0.02",
                                  "c1.schedule": "reduce_on_plateau", "c2": "adam"})
    ok(at)
    (bands,) = [f for f in figures(at) if any(t.get("meta") == "median" for t in f["data"])]
    assert len([t for t in bands["data"] if t.get("meta") == "median"]) == 2


def test_a_compare_link_with_a_schedule_its_library_lacks_says_so():
    at = app("pages/compare.py", {"c1": "adam", "c1.flavor": "keras", "c1.schedule": "one_cycle"})
    ok(at)
    one_message(at.warning, "`c1.schedule=one_cycle`: Keras has no one-cycle learning-rate schedule.")


def test_inside_includes_the_schedule_in_the_effective_learning_rate():
    at = app("pages/inside.py", {"view": "anatomy", "opt": ["gd"], "gd.lr": "0.1", "gd.schedule": "step",
                                 "gd.schedule.step_size": "30", "gd.schedule.gamma": "0.5", "steps": "60"})
    ok(at)
    anatomy = figures(at)[0]
    (x_rate, y_rate) = [read_array(t["y"]) for t in anatomy["data"] if t.get("meta") == "lr"]
    np.testing.assert_allclose(x_rate, [0.1] * 30 + [0.05] * 30, rtol=1e-6)
    np.testing.assert_allclose(y_rate, x_rate)
    assert "The effective learning rate includes each schedule's rate at that step: Gradient descent (step decay)." \
        in captions(at)
    assert any(r"\eta_k" in x.value for x in at.latex)  # the schedule's formula with the update rule


def test_noise_bands_run_with_the_configurations_schedule():
    """Compare's median bands are the scheduled runs: a step schedule that cuts the rate tenfold at step 30
    leaves every seed's loss elsewhere than the constant rate does, and the band equals the core's runs."""
    from ui.compute import band_losses, objective_for
    from ui.model import Setup, make_config
    from ui.schedule.model import make_schedule_config

    setup = Setup(steps=80, noise=0.5)
    step = make_schedule_config("step", "sgd", "torch", step_size=30, gamma=0.1)
    constant, scheduled = make_config("sgd", "torch", lr=0.02), make_config("sgd", "torch", lr=0.02, schedule=step)
    bands = band_losses(scheduled, setup, 3)
    assert not np.allclose(bands, band_losses(constant, setup, 3))
    opt = optim.make_optimizer("sgd", "torch", lr=0.02, schedule=optim.make_schedule("step", step_size=30, gamma=0.1))
    runs = optim.run(opt, objective_for(setup), np.tile(setup.start, (3, 1)), 80, noise=0.5, seed=setup.seed)
    np.testing.assert_array_equal(bands, runs.losses)

"""The sentences the result cards and captions write about a run say what that run did (ui.playground.outcome,
ui.report, viz.bands)."""

from __future__ import annotations

import numpy as np

import optim
from ui.model import Setup
from ui.playground.outcome import barely_moved, why_it_left
from ui.report import status, status_markdown
from viz.bands import Band, band_figure


def bowl_run(opt, steps=100, **kw):
    return optim.run(opt, optim.get_objective("quadratic", a=1, b=10), x0=[1.5, 1.5], steps=steps,
                     tol=kw.pop("tol", 1e-4), criterion="loss_gap", **kw)


def test_a_schedule_that_raised_the_rate_is_named_as_why_a_run_left():
    """Gradient descent has no average of squared gradients: a warm restart raised its rate, and the sentence says so
    with the scheduled rates themselves."""
    schedule = optim.make_schedule("cosine_restarts", t_0=50, t_mult=1, eta_min=0)
    t = bowl_run(optim.make_optimizer("gd", lr=0.09, schedule=schedule), steps=200, noise=0.01, seed=0)
    assert t.left_at > t.reached_at >= 0
    words = why_it_left(t, Setup(noise=0.01))
    r, left = int(t.reached_at), int(t.left_at)
    assert words == (f"Why it left: its schedule raised the learning rate from {float(t.lr[r - 1]):.3g} at step {r} "
                     f"to {float(t.lr[left - 1]):.3g} at step {left}, and the larger steps overshot.")
    assert "squared gradients" not in words


def test_an_adaptive_method_s_shrinking_average_is_still_named():
    t = bowl_run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9))
    assert "its average of squared gradients shrank" in why_it_left(t, Setup())


def test_why_it_left_ends_the_way_the_run_did():
    diverged = bowl_run(optim.make_optimizer("gd", lr=0.12), tol=1000)
    assert diverged.diverged_at >= 0 and diverged.left_at >= 0
    words = why_it_left(diverged, Setup(tol=1000))
    assert words.endswith("so the loss rose again and the run went on to diverge.") and "settle" not in words


def test_a_one_step_run_is_one_step():
    t = bowl_run(optim.make_optimizer("gd", lr=0.001), steps=1)
    assert status(t, Setup(steps=1)).startswith("Not converged in 1 step (")
    assert barely_moved(t)[0].startswith("Barely moved: 0.0") and " in 1 step, " in barely_moved(t)[0]


def test_barely_moved_offers_a_rate_only_where_the_rate_is_the_cure():
    assert barely_moved(bowl_run(optim.make_optimizer("adam", lr=0.001)))[1] == 0.03
    cycle = optim.make_schedule("one_cycle", max_lr=1e-4, total_steps=100)
    why, lr = barely_moved(bowl_run(optim.make_optimizer("adam", lr=0.001, schedule=cycle)))
    assert lr is None and "max_lr = 0.0001" in why
    stuck = optim.run(optim.make_optimizer("gd", lr=0.01), optim.get_objective("ackley"), x0=[2.9, 2.0], steps=100)
    why, lr = barely_moved(stuck)
    assert lr is None and "came to rest where the gradient vanishes" in why


def test_a_median_that_half_the_seeds_made_infinite_says_half_or_more():
    """With an even number of seeds the median is infinite once exactly half diverged: "more than half" was false."""
    losses = np.ones((6, 2))
    losses[3:, 1] = np.inf  # one of two seeds diverged at step 3
    fig = band_figure([Band("GD", "#0072b2", losses)], f_min=None)
    (marker,) = [t for t in fig["data"] if t.get("meta") == "median-diverged"]
    assert "half the seeds or more diverged after step" in marker["hovertemplate"]
    assert "more than half" not in marker["hovertemplate"]


def test_a_card_s_status_is_coloured_by_how_the_run_ended():
    """One rule for the Playground's cards and the Sweep's: red diverged, green converged, orange otherwise; a run
    that diverged after reaching the tolerance says both."""
    assert status_markdown(bowl_run(optim.make_optimizer("gd", lr=0.12), tol=1000), Setup(tol=1000)).startswith(
        ":red[Diverged at step 54, after reaching the tolerance at step 0")
    assert status_markdown(bowl_run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9)), Setup()).startswith(
        ":green[Converged at step 98")
    assert status_markdown(bowl_run(optim.make_optimizer("gd", lr=0.001)), Setup()).startswith(
        ":orange[Not converged in 100 steps")

"""Issue 7, faults: an overflowing gradient, on every optimizer in the core and on every page that runs them.

Overflow. At (26.6, 1) the own formula ``exp(x^2) + y^2`` is about 2e307, still finite, but its
gradient 2x exp(x^2) is beyond float64 and evaluates to infinity. Every update rule turns an
infinite gradient into a point that is not finite (x - lr inf, inf / inf, 0 inf), whatever the
learning rate, so every optimizer in every flavor must report divergence at step 1, mask the path
from there and print no warning (pytest turns RuntimeWarning into an error). A gradient that is
finite but whose square overflows is the subtler case: the adaptive methods divide by an
accumulator that becomes infinite, so they stop moving instead of diverging; the test below pins
that down as what float64 does (and what the libraries they follow do), with a path that stays finite.

The pages must say the same: a link that overflows shows every run on the Playground, Compare and Sweep
as diverged at step 1, with no warning. The other faults of issue 7 are the other ``test_faults_*`` modules.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from app_helpers import app, ok, result_cards

import optim
from ui.model import MAX_CONFIGS
from ui.setup.formula import CUSTOM

ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]
"""Every optimizer in every flavor it has."""
SIGN_ONLY = {("lion", "keras"), ("lion", "optax"), ("rprop", "optax")}
"""Steps using only the gradient's sign, which an infinite gradient still has: they step on, as their libraries do."""
SCALED = [c for c in ALL if c not in SIGN_ONLY]

OVERFLOW_FORMULA = "exp(x^2) + y^2"
OVERFLOW_START = (26.6, 1.0)
"""Where the formula is finite (about 2e307) and its gradient overflows to infinity."""
SQUARE_OVERFLOW_START = (20.0, 1.0)
"""Where the gradient is finite (about 2e175) but its square overflows."""


def overflow_objective() -> optim.Objective:
    return optim.parse_objective(OVERFLOW_FORMULA)


def test_the_overflow_setting_overflows_the_gradient_not_the_loss():
    obj = overflow_objective()
    with np.errstate(over="ignore"):
        gx, gy = obj.gradient(np.array(OVERFLOW_START[0]), np.array(OVERFLOW_START[1]))
        sx, _ = obj.gradient(np.array(SQUARE_OVERFLOW_START[0]), np.array(1.0))
        square = np.square(sx)
    assert np.isfinite(obj.f(OVERFLOW_START)) and obj.f(OVERFLOW_START) > 1e307
    assert np.isposinf(gx) and gy == 2.0
    assert np.isfinite(sx) and np.isposinf(square)


@pytest.mark.parametrize(("name", "flavor"), sorted(SIGN_ONLY))
def test_an_overflowing_gradient_leaves_sign_only_steps_finite(name, flavor):
    """Lion and optax's Rprop move by lr (or a step size) whatever the gradient's size: no divergence, no warning."""
    obj = overflow_objective()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = optim.run(optim.make_optimizer(name, flavor, lr=0.01), obj, x0=OVERFLOW_START, steps=30)
    assert t.diverged_at == -1 and np.isfinite(t.xs).all()
    assert t.xs[-1, 0] < OVERFLOW_START[0]


@pytest.mark.parametrize(("name", "flavor"), SCALED)
def test_an_overflowing_gradient_diverges_every_optimizer_at_step_1(name, flavor):
    """Smallest, default and largest learning rate, one run and a batch: diverged at step 1, masked, no warning."""
    obj = overflow_objective()
    lr_range = optim.OPTIMIZERS[name].params(flavor)["lr"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        single = optim.run(optim.make_optimizer(name, flavor, lr=lr_range.low), obj, x0=OVERFLOW_START, steps=30)
        batch = optim.make_optimizer(name, flavor, lr=np.array([lr_range.low, lr_range.default, lr_range.high]))
        path = optim.run(batch, obj, x0=OVERFLOW_START, steps=30)
        final = optim.run(batch, obj, x0=OVERFLOW_START, steps=30, record="final")
    assert single.diverged_at == 1 and single.converged_at == -1
    assert path.diverged_at.tolist() == final.diverged_at.tolist() == [1, 1, 1]
    assert np.array_equal(single.xs[0], OVERFLOW_START) and np.isnan(single.xs[1:]).all()
    assert single.losses[0] == obj.f(OVERFLOW_START) and np.isnan(single.losses[1:]).all()
    assert single.best_loss == single.losses[0]
    assert np.isnan(single.final_x).all() and np.isnan(single.final_loss)
    # Everything the step received or kept is masked too: no inf leaks out of a diverged run.
    assert np.isnan(single.grads).all() and np.isnan(single.effective_lr).all()
    assert all(np.isnan(buffer).all() for buffer in single.state.values())
    assert np.isfinite(path.xs[0]).all() and np.isnan(path.xs[1:]).all()
    assert np.isnan(final.final_loss).all() and (final.best_loss == single.losses[0]).all()


def test_a_gradient_whose_square_overflows_freezes_adaptive_methods_honestly():
    """g finite, g² infinite: the adaptive accumulators become inf and the step along x becomes 0.

    That is float64 arithmetic (torch or optax in float64 do the same), not a divergence: the
    point never leaves the bound and its loss stays finite, so the run is reported as not diverged,
    and its path holds no NaN. Every run is one of the two: diverged and masked, or finite throughout.
    """
    obj = overflow_objective()
    outcome = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, flavor in ALL:
            t = optim.run(optim.make_optimizer(name, flavor), obj, x0=SQUARE_OVERFLOW_START, steps=20)
            if t.diverged_at >= 0:
                assert np.isfinite(t.xs[: t.diverged_at]).all() and np.isnan(t.xs[t.diverged_at:]).all()
                outcome[name, flavor] = "diverged"
            else:
                assert np.isfinite(t.xs).all() and np.isfinite(t.losses).all()
                outcome[name, flavor] = "frozen" if (t.xs[:, 0] == SQUARE_OVERFLOW_START[0]).all() else "moved"
    adam = optim.run(optim.make_optimizer("adam"), obj, x0=SQUARE_OVERFLOW_START, steps=20)
    assert np.isposinf(adam.state["v"][:, 0]).all() and (adam.effective_lr[:, 0] == 0).all()
    assert {outcome["gd", "textbook"], outcome["sgd", "torch"], outcome["radam", "torch"]} == {"diverged"}
    for name in ("adagrad", "rmsprop", "adadelta", "adam", "nadam"):
        assert outcome[name, "textbook"] == "frozen", name
    assert outcome["adamax", "textbook"] == "moved"  # Adamax keeps max |g|, not g², which stays finite


def overflow_link(**extra) -> dict:
    return {"objective": CUSTOM, "formula": OVERFLOW_FORMULA, "x0": str(OVERFLOW_START[0]),
            "y0": str(OVERFLOW_START[1]), "steps": "50", **extra}


SCALED_NAMES = [n for n in optim.OPTIMIZERS if (n, optim.OPTIMIZERS[n].default_flavor) not in SIGN_ONLY]
HALVES = [SCALED_NAMES[i:i + MAX_CONFIGS] for i in range(0, len(SCALED_NAMES), MAX_CONFIGS)]
"""Every optimizer whose step scales with the gradient, six to a page (the most it compares)."""
HALF_IDS = [f"{h[0]} to {h[-1]}" for h in HALVES]


@pytest.mark.parametrize("names", HALVES, ids=HALF_IDS)
def test_playground_says_every_optimizer_diverged_at_step_1(names):
    at = app(overflow_link(opt=names))
    ok(at)
    assert not at.warning
    status = [lines[3] for lines in result_cards(at)]
    assert status == [":red[Diverged at step 1: the gradient at the start point is not finite, so no learning rate "
                      "helps; start elsewhere]"] * len(names)
    finals = [lines[1:3] for lines in result_cards(at)]
    assert finals == [["Final point —", "Final loss —"]] * len(names)


@pytest.mark.parametrize("names", HALVES, ids=HALF_IDS)
def test_compare_lists_every_configuration_as_diverged_at_step_1(names):
    """Each configuration in a flavor other than textbook where it has one, so flavors are covered too."""
    query = overflow_link()
    for i, name in enumerate(names, 1):
        flavors = [f for f in optim.OPTIMIZERS[name].flavors if (name, f) not in SIGN_ONLY]
        query.update({f"c{i}": name, f"c{i}.flavor": flavors[i % len(flavors)]})
    at = app(query, "pages/compare.py")
    ok(at)
    assert not at.warning
    board = at.dataframe[0].value
    assert len(board) == len(names)
    assert board["diverged at step"].tolist() == ["1"] * len(names)
    assert board["final loss"].tolist() == ["diverged"] * len(names)


def test_sweep_says_every_cell_diverged():
    at = app(overflow_link(opt="adam"), "pages/sweep.py")
    ok(at)
    assert any(m.value.startswith(":red[Every run diverged.]") for m in at.markdown)
    assert any(c.value == "100% of the 3,600 runs diverged." for c in at.caption)

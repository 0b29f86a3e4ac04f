"""The optimizers of issue 14 in the core: the Rule.needs protocol, batched runs equal single runs, Newton's
curvature, L-BFGS's evaluations, and the per-tensor rules on a network-shaped layout."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

import optim
from optim.extras import rule_extras
from optim.models import linear_regression, make_regression
from optim.rules.muon import orthogonalise
from optim.spec import Rule

NEW = ["adabelief", "yogi", "lamb", "adafactor", "lion", "muon", "schedule_free_adamw", "rprop", "asgd", "lbfgs",
       "newton"]
NEW_FLAVORS = [(n, f) for n in NEW for f in optim.OPTIMIZERS[n].flavors]


class Seen(NamedTuple):
    t: int


def test_the_runner_passes_every_extra_a_rule_needs_to_init_and_step():
    seen = []

    def init(p, **extras):
        seen.append(("init", extras))
        return Seen(0)

    def step(p, g, s, **extras):
        seen.append(("step", extras))
        return p - 0.1 * g, Seen(s.t + 1)

    rule = Rule(init, step, needs=frozenset({"layout", "closure", "hessian"}))
    opt = optim.Optimizer("gd", "textbook", {"lr": 0.1}, rule)
    bowl = optim.get_objective("quadratic", a=1.0, b=3.0)
    optim.run(opt, bowl, x0=[[1.0, 2.0], [3.0, -1.0]], steps=2)
    assert [kind for kind, _ in seen] == ["init", "step", "step"]
    for _, extras in seen:
        assert set(extras) == {"layout", "closure", "hessian"}
        assert extras["layout"] == ((2,),)
        P = np.array([[1.0, 3.0], [2.0, -1.0]])
        loss, grads = extras["closure"](P)
        np.testing.assert_array_equal(loss, bowl.value(P[0], P[1]))
        np.testing.assert_array_equal(grads, np.stack(bowl.gradient(P[0], P[1])))
        np.testing.assert_array_equal(extras["hessian"](P), np.broadcast_to(np.diag([2.0, 6.0])[:, :, None], (2, 2, 2)))


def test_a_rule_without_needs_gets_no_extras():
    assert rule_extras(optim.make_optimizer("adam").rule, optim.get_objective("beale"), np.zeros((2, 1))) == {}


@pytest.mark.parametrize(("name", "flavor"), NEW_FLAVORS)
def test_a_batch_equals_its_runs_one_by_one(name, flavor):
    obj = optim.get_objective("himmelblau")
    lr = optim.OPTIMIZERS[name].params(flavor)["lr"].default * np.array([0.5, 1.0, 2.0])
    x0 = np.array([[-1.0, 0.5], [2.0, -1.0], [0.5, 3.0]])
    batch = optim.run(optim.make_optimizer(name, flavor, lr=lr), obj, x0=x0, steps=40)
    for i in range(3):
        one = optim.run(optim.make_optimizer(name, flavor, lr=float(lr[i])), obj, x0=x0[i], steps=40)
        np.testing.assert_array_equal(batch.xs[:, i], one.xs)
        np.testing.assert_array_equal(batch.evaluations[:, i], one.evaluations)


@pytest.mark.parametrize(("name", "flavor"), NEW_FLAVORS)
def test_divergence_is_masked_from_its_step(name, flavor):
    lr = optim.OPTIMIZERS[name].params(flavor)["lr"].high
    t = optim.run(optim.make_optimizer(name, flavor, lr=lr), "rosenbrock", x0=[-1.5, 2.0], steps=300, bound=50.0)
    if t.diverged_at >= 0:
        assert np.isnan(t.xs[t.diverged_at:]).all() and np.isfinite(t.xs[:t.diverged_at]).all()
        assert np.isnan(t.losses[t.diverged_at:]).all()
    else:
        assert np.isfinite(t.xs).all()


def test_newton_reaches_a_bowls_bottom_in_one_step():
    bowl = optim.get_objective("rotated_quadratic", condition=1000.0, angle=30.0)
    t = optim.run(optim.make_optimizer("newton"), bowl, x0=[-4.0, 1.0], steps=1)
    np.testing.assert_allclose(t.xs[1], [0.0, 0.0], atol=1e-12)
    damped = optim.run(optim.make_optimizer("newton", damping=10.0), bowl, x0=[-4.0, 1.0], steps=1)
    assert 0 < np.linalg.norm(damped.xs[1] - damped.xs[0]) < np.linalg.norm(t.xs[1] - t.xs[0])


def test_newton_goes_downhill_at_a_saddle_and_says_so():
    t = optim.run(optim.make_optimizer("newton", lr=0.5), "saddle", x0=[0.5, 0.1], steps=5)
    assert np.all(np.diff(t.losses) < 0)  # plain Newton would jump to the saddle point (0, 0)
    assert abs(t.xs[-1, 1]) > abs(t.xs[0, 1])
    np.testing.assert_array_equal(t.records["min_eig"], [-2.0] * 5)
    assert optim.notes(t)[0].startswith(
        "The Hessian was not positive definite at 5 of 5 steps (smallest eigenvalue -2)")


def test_newton_on_a_formula_uses_its_exact_hessian():
    obj = optim.parse_objective("(x - 1)^2 + 3*(y + 2)^2 + x*y")
    t = optim.run(optim.make_optimizer("newton"), obj, x0=[4.0, 4.0], steps=1)
    np.testing.assert_allclose(obj.grad(t.xs[1]), [0.0, 0.0], atol=1e-12)


def test_newton_needs_a_hessian_and_says_so():
    obj = linear_regression(make_regression(n=20))
    with pytest.raises(ValueError, match="has no Hessian, which Newton's method needs"):
        optim.run(optim.make_optimizer("newton"), obj, x0=[0.0, 0.0], steps=3)


@pytest.mark.parametrize("name", list(optim.OBJECTIVES))
def test_every_objective_hessian_is_the_gradients_derivative(name):
    obj = optim.OBJECTIVES[name]
    (x0, x1), (y0, y1) = obj.domain
    rng = np.random.default_rng(0)
    P = np.stack([rng.uniform(x0, x1, 30), rng.uniform(y0, y1, 30)])
    H, h = obj.hessian_at(P), 1e-6
    for j in range(2):
        e = np.zeros((2, 1))
        e[j] = h
        numeric = (np.stack(obj.gradient(*(P + e))) - np.stack(obj.gradient(*(P - e)))) / (2 * h)
        np.testing.assert_allclose(H[:, j], numeric, rtol=1e-5, atol=1e-5 * (1 + np.abs(H).max()))
    np.testing.assert_array_equal(H[0, 1], H[1, 0])


def test_lbfgs_records_its_function_evaluations():
    plain = optim.run(optim.make_optimizer("lbfgs", lr=0.5), "beale", x0=[1.0, 1.5], steps=30)
    assert plain.evaluations.tolist() == [1.0] * 30
    search = optim.run(optim.make_optimizer("lbfgs", line_search=True, max_eval=25), "beale", x0=[1.0, 1.5], steps=30)
    assert search.evaluations[:10].min() >= 2 and search.evaluations.max() <= 25
    assert search.losses[-1] < plain.losses[-1]
    stopped = np.abs(optim.get_objective("beale").grad(search.xs[:-1])).max(axis=1) <= 1e-7
    assert stopped.any() and search.evaluations[stopped].tolist() == [1.0] * int(stopped.sum())  # torch stops there


def test_lbfgs_costs_more_of_the_run_step_budget():
    bowl = optim.get_objective("quadratic")
    with pytest.raises(ValueError, match="and L-BFGS costs 8e\\+03 times a built-in one per step"):
        optim.basins(optim.make_optimizer("lbfgs", line_search=True), "himmelblau", resolution=50, steps=300)
    optim.basins(optim.make_optimizer("lbfgs"), "himmelblau", resolution=20, steps=30)
    assert optim.make_optimizer("lbfgs", history_size=[10, 100]).cost == 80.0
    assert optim.make_optimizer("adam").cost == 1.0 and bowl.cost == 1.0


LAYOUT = ((3, 4), (4,), (4, 1), (1,))
"""A small network's tensors: (3, 4) and (4, 1) weight matrices with their biases."""


@pytest.mark.parametrize(("name", "flavor"), [("adafactor", "torch"), ("adafactor", "keras"), ("adafactor", "optax"),
                                              ("lamb", "keras"), ("lamb", "optax"), ("muon", "torch"),
                                              ("muon", "keras"), ("muon", "optax")])
def test_per_tensor_rules_step_a_network_layout(name, flavor):
    opt = optim.make_optimizer(name, flavor, lr=np.array([0.01, 0.02]))
    rng = np.random.default_rng(1)
    p, g = rng.normal(size=(21, 2)), rng.normal(size=(21, 2))
    state = opt.rule.init(p, layout=LAYOUT)
    for _ in range(3):
        p2, state = opt.rule.step(p, g, state, layout=LAYOUT)
    assert p2.shape == p.shape and np.isfinite(p2).all() and not np.allclose(p2, p)
    if name == "adafactor" and flavor != "optax":  # the matrices keep rows and columns (optax factors from 128)
        assert state.row.shape == (3 + 4, 2) and state.col.shape == (4 + 1, 2)


def test_muon_orthogonalises_a_matrix_and_normalises_a_row():
    G = np.random.default_rng(2).normal(size=(1, 3, 5))
    s = np.linalg.svd(orthogonalise(G, 5, 1e-7)[0], compute_uv=False)
    assert np.all((s > 0.5) & (s < 1.5))  # torch's quintic keeps singular values near 1, not at 1
    row = orthogonalise(np.array([[[3.0, 4.0]]]), 5, 1e-7)[0, 0]
    np.testing.assert_allclose(row / np.linalg.norm(row), [0.6, 0.8], rtol=1e-2)

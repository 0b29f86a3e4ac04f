"""The tiny network: a tanh unit with two weights on seeded data, the objective of the fractal edge."""

import numpy as np
import pytest

import optim
from optim.sweep import check_budget
from optim.tiny_network import data


def test_its_loss_is_the_mean_squared_error_of_one_tanh_unit():
    obj = optim.get_objective("tiny_network", seed=3, points=5)
    s, t = data(3, 5)
    assert s.shape == (5,) and np.array_equal(t, np.tanh(s))
    w1, w2 = 0.7, -1.3
    assert obj.f([w1, w2]) == pytest.approx(np.mean((t - w2 * np.tanh(w1 * s)) ** 2), rel=1e-15)
    assert obj.params == {"seed": 3, "points": 5}
    assert r"\frac{1}{5}" in obj.latex and "seed 3" in obj.latex


def test_the_data_follow_the_seed_and_the_count():
    a, b = optim.get_objective("tiny_network"), optim.get_objective("tiny_network", seed=1)
    assert a.f([0.3, 2.0]) != b.f([0.3, 2.0])
    assert optim.get_objective("tiny_network", seed=1).f([0.3, 2.0]) == b.f([0.3, 2.0])
    assert data(0, 8)[0][:4].tolist() == data(0, 4)[0].tolist()  # more points extend the same draw


def test_it_fits_exactly_at_plus_and_minus_one():
    obj = optim.OBJECTIVES["tiny_network"]
    assert [(m.x, m.y, m.value, m.is_global) for m in obj.minima] == [(1.0, 1.0, 0.0, True), (-1.0, -1.0, 0.0, True)]
    assert obj.f_min == 0.0 and obj.start == (-0.5, 0.5)
    (x0, x1), (y0, y1) = obj.domain
    assert x0 < -1 < 1 < x1 and y0 < -1 < 1 < y1


def test_a_run_a_batch_and_a_grid_agree_bit_for_bit():
    obj = optim.OBJECTIVES["tiny_network"]
    w = np.array([[0.3, -2.0, 1.1], [0.9, 0.4, -0.7]])
    grid_f, grid_g = obj.f(w.T), obj.grad(w.T)
    for i in range(3):
        assert obj.f(w[:, i]) == grid_f[i]
        np.testing.assert_array_equal(obj.grad(w[:, i]), grid_g[i])


def test_gradient_descent_with_a_rate_per_weight_trains_it():
    opt = optim.make_optimizer("gd", lr=2.0, lr_y=1.0)
    t = optim.run(opt, "tiny_network", steps=300, tol=1e-8, criterion="loss_gap")
    assert t.converged_at > 0 and np.abs(np.abs(t.final_x) - 1).max() < 1e-3


def test_it_is_priced_by_its_points_against_the_run_step_budget():
    """8 points cost less per step than Ackley, the dearest built-in; the price grows with the points."""
    assert optim.get_objective("tiny_network", points=2).cost == optim.OBJECTIVES["tiny_network"].cost == 1.0
    assert optim.get_objective("tiny_network", points=64).cost == 8.0
    check_budget(512 * 512, 100, "a 512 x 512 sweep", optim.OBJECTIVES["tiny_network"].cost)
    with pytest.raises(ValueError, match=r"^a 512 x 512 sweep of 100 steps is 26,214,400 run-steps, and this function "
                                         r"costs 2 times a built-in one per step; the limit is 26,214,400"):
        optim.sweep("gd", optim.get_objective("tiny_network", points=16), lr=np.geomspace(1e-2, 10, 512),
                    second_name="lr_y", steps=100)


@pytest.mark.parametrize(("params", "message"), [
    (dict(points=2.5), "tiny_network: points = 2.5 is not a whole number; allowed: a whole number from 2 to 64."),
    (dict(points=1), "tiny_network: points = 1 is out of range; allowed: a whole number from 2 to 64."),
    (dict(seed=-1), "tiny_network: seed = -1 is out of range; allowed: a whole number from 0 to 10000."),
    (dict(seed="a"), "tiny_network: seed = 'a' is not a number; allowed: a whole number from 0 to 10000."),
])
def test_bad_parameters_get_one_sentence(params, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        optim.get_objective("tiny_network", **params)

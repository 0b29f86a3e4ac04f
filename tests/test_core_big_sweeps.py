"""Big batched runs: the summary loop in blocks, the summed loss, objectives' shared value and gradient."""

import numpy as np
import pytest

import optim
from optim.run import BLOCK

BOWL = optim.get_objective("quadratic", a=1.0, b=10.0)
FUSED = [name for name, obj in optim.OBJECTIVES.items() if obj.value_and_gradient is not None]


@pytest.mark.parametrize(("name", "hp"), [
    ("gd", {}),
    ("sgd", dict(momentum=0.9, nesterov=True)),
    ("rmsprop", dict(centered=True)),
    ("adam", dict(amsgrad=True)),
])
def test_a_batch_run_in_blocks_gives_the_path_run_s_summary_bit_for_bit(name, hp):
    """More runs than two blocks, no noise: the summary loop goes block by block; the path loop does not."""
    n = 2 * BLOCK + 123
    rng = np.random.default_rng(7)
    lr, lr_y = np.geomspace(1e-3, 0.5, n), rng.permutation(np.geomspace(1e-3, 0.5, n))
    opt = optim.make_optimizer(name, lr=lr, lr_y=lr_y, **hp)
    kw = dict(steps=30, tol=1e-1)
    path = optim.run(opt, BOWL, **kw)
    final = optim.run(opt, BOWL, record="final", **kw)
    assert final.converged.any() and not final.converged.all()
    assert final.diverged.any() == (name in ("gd", "sgd"))  # the adaptive ones do not blow up here
    for field in ("final_x", "final_loss", "best_loss", "converged_at", "diverged_at", "loss_sum"):
        np.testing.assert_array_equal(getattr(final, field), getattr(path, field), err_msg=field)
    alive = np.where(np.isnan(path.losses), 0.0, path.losses)
    np.testing.assert_allclose(final.loss_sum, alive.sum(axis=0), rtol=1e-12)


def test_the_summed_loss_stops_at_divergence():
    t = optim.run(optim.make_optimizer("gd", lr=0.5), optim.get_objective("quadratic", a=1, b=10), x0=[1.0, 1.0],
                  steps=30)
    assert t.diverged_at == 9 and t.loss_sum == np.sum(t.losses[:9])
    assert optim.run(optim.make_optimizer("gd", lr=0.01), "booth", steps=5).loss_sum > 0


@pytest.mark.parametrize("name", FUSED)
def test_shared_value_and_gradient_equal_the_separate_ones_bit_for_bit(name):
    obj = optim.OBJECTIVES[name]
    (x0, x1), (y0, y1) = obj.domain
    rng = np.random.default_rng(1)
    x, y = rng.uniform(x0, x1, (3, 5)), rng.uniform(y0, y1, (3, 5))
    f, g = obj.value_and_gradient(x, y)
    assert g.shape == (2, 3, 5)
    np.testing.assert_array_equal(f, obj.value(x, y))
    np.testing.assert_array_equal(g, np.stack(obj.gradient(x, y)))
    f1, g1 = obj.value_and_gradient(x[0, 0], y[0, 0])
    assert f1 == f[0, 0] and g1.tolist() == g[:, 0, 0].tolist()


def test_the_fastest_objectives_share_their_work():
    assert {"rosenbrock", "tiny_network"} <= set(FUSED)


def test_the_run_step_budget_is_exactly_a_512_by_512_map_of_100_steps():
    assert optim.MAX_RUN_STEPS == 512 * 512 * 100
    lr = np.geomspace(1e-4, 1.0, 512)
    at_limit = optim.sweep("gd", "rosenbrock", lr=lr, second=lr, second_name="lr_y", steps=100)
    assert at_limit.final_loss.shape == (512, 512) and at_limit.diverged_at.min() == -1
    with pytest.raises(ValueError, match=r"^a 512 x 512 sweep of 101 steps is 26,476,544 run-steps; the limit is "
                                         r"26,214,400 \(for example 512 x 512 x 100 steps on a built-in function\)\.$"):
        optim.sweep("gd", "rosenbrock", lr=lr, second=lr, second_name="lr_y", steps=101)

"""lr_y, the y coordinate's own learning rate: on a separable function it is two runs in one."""

from dataclasses import replace

import numpy as np
import pytest

import optim

# x and y do not interact, so each coordinate's path depends only on its own rate.
SEPARABLE = optim.get_objective("quadratic", a=3.0, b=0.5)
X0 = [-2.0, 1.5]
ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]
OFFERED = [(name, flavor) for name, flavor in ALL if optim.OPTIMIZERS[name].lr_y(flavor) is not None]


def settings(name, flavor):
    """Non-default settings where the optimizer has them, so more of each rule runs with a per-coordinate lr."""
    params = optim.OPTIMIZERS[name].params(flavor)
    wanted = dict(momentum=0.8, weight_decay=0.05, nesterov=True, amsgrad=True, centered=True, lr_decay=0.01,
                  decoupled_weight_decay=True)
    return {k: v for k, v in wanted.items() if k in params}


def test_the_coordinatewise_optimizers_offer_lr_y_in_every_flavor():
    """The eleven classic optimizers step each coordinate on its own gradients, so each offers lr_y."""
    classic = {"gd", "sgd", "ewma_momentum", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax",
               "radam"}
    assert {(n, f) for n in classic for f in optim.OPTIMIZERS[n].flavors} <= set(OFFERED)
    for name, flavor in OFFERED:
        p = optim.OPTIMIZERS[name].lr_y(flavor)
        lr = optim.OPTIMIZERS[name].params(flavor)["lr"]
        assert (p.name, p.default, p.low, p.high, p.scale) == ("lr_y", None, lr.low, lr.high, "log")


@pytest.mark.parametrize(("name", "flavor"), OFFERED)
def test_lr_y_on_a_separable_function_equals_two_runs_with_one_rate_each(name, flavor):
    hp = settings(name, flavor)
    lr_x, lr_y = 0.03, 0.2
    both = optim.run(optim.make_optimizer(name, flavor, lr=lr_x, lr_y=lr_y, **hp), SEPARABLE, X0, steps=60)
    only_x = optim.run(optim.make_optimizer(name, flavor, lr=lr_x, **hp), SEPARABLE, X0, steps=60)
    only_y = optim.run(optim.make_optimizer(name, flavor, lr=lr_y, **hp), SEPARABLE, X0, steps=60)
    for i, alone in ((0, only_x), (1, only_y)):
        np.testing.assert_array_equal(both.xs[:, i], alone.xs[:, i])
        np.testing.assert_array_equal(both.effective_lr[:, i], alone.effective_lr[:, i])
        for buffer, values in alone.state.items():
            np.testing.assert_array_equal(both.state[buffer][:, i], values[:, i])
    assert np.abs(both.xs[-1] - both.xs[0]).min() > 0  # both coordinates moved


@pytest.mark.parametrize(("name", "flavor"), OFFERED)
def test_batched_lr_y_equals_single_runs(name, flavor):
    hp = settings(name, flavor)
    lr, lr_y = np.array([0.01, 0.05, 0.3]), np.array([0.2, 0.02, 0.05])
    batch = optim.run(optim.make_optimizer(name, flavor, lr=lr, lr_y=lr_y, **hp), SEPARABLE, X0, steps=40)
    final = optim.run(optim.make_optimizer(name, flavor, lr=lr, lr_y=lr_y, **hp), SEPARABLE, X0, steps=40,
                      record="final")
    for i in range(3):
        single = optim.run(optim.make_optimizer(name, flavor, lr=lr[i], lr_y=lr_y[i], **hp), SEPARABLE, X0,
                           steps=40)
        np.testing.assert_array_equal(batch.xs[:, i], single.xs)
        np.testing.assert_array_equal(final.final_x[i], single.final_x)
        assert final.loss_sum[i] == single.loss_sum


def test_lr_y_is_a_hyperparameter_like_the_others():
    opt = optim.make_optimizer("rmsprop", lr=np.array([0.1, 0.2]), lr_y=0.5)
    assert list(opt.hyperparameters)[:2] == ["lr", "lr_y"] and opt.batch_size == 2
    np.testing.assert_array_equal(opt.lr, [[0.1, 0.2], [0.5, 0.5]])
    assert "lr_y" not in optim.make_optimizer("rmsprop", lr=0.1, lr_y=None).hyperparameters
    assert optim.make_optimizer("gd", lr=0.1).lr == 0.1
    with pytest.raises(ValueError, match=r"^rmsprop \(textbook\): lr_y = 20 is out of range; allowed: a number from "
                                         r"1e-06 to 10\.$"):
        optim.make_optimizer("rmsprop", lr_y=20.0)
    with pytest.raises(ValueError, match="must all have the same length"):
        optim.make_optimizer("gd", lr=[0.1, 0.2], lr_y=[0.1, 0.2, 0.3])
    notes = optim.equations(optim.make_optimizer("gd", lr=0.1, lr_y=0.5)).notes
    assert notes[-1] == "lr is 0.1 for x and 0.5 for y: each coordinate has its own rate."


def test_an_optimizer_that_couples_the_coordinates_refuses_lr_y(monkeypatch):
    """A spec that is not coordinatewise (LAMB's trust ratio, Muon, L-BFGS, Newton) says so in one sentence."""
    monkeypatch.setitem(optim.OPTIMIZERS, "adam", replace(optim.OPTIMIZERS["adam"], coordinatewise=False))
    assert optim.OPTIMIZERS["adam"].lr_y() is None
    with pytest.raises(ValueError, match=r"^adam \(textbook\): lr_y \(the y coordinate's own learning rate\) is "
                                         r"offered only by optimizers that step each coordinate on its own "
                                         r"gradients; adam couples the coordinates, so use lr for both\.$"):
        optim.make_optimizer("adam", lr=0.1, lr_y=0.2)
    optim.make_optimizer("adam", lr=0.1, lr_y=None)  # unset is fine


def test_a_sweep_over_both_learning_rates_puts_x_across_and_y_up():
    lr = np.geomspace(0.1, 3.0, 5)
    s = optim.sweep("gd", "tiny_network", lr=lr, second_name="lr_y", steps=50)
    np.testing.assert_array_equal(s.y_values, lr)  # lr_y defaults to the same rates
    assert s.final_loss.shape == (5, 5)
    row, col = 3, 1
    assert s.config(row, col) == {"lr": lr[col], "lr_y": lr[row]}
    single = optim.run(optim.make_optimizer("gd", **s.config(row, col)), "tiny_network", steps=50)
    assert single.final_loss == s.final_loss[row, col] and single.loss_sum == s.loss_sum[row, col]

"""Optimizer specs and make_optimizer: every optimizer x flavor, defaults, validation."""

import numpy as np
import pytest

import optim

ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]


def test_registry_has_every_optimizer_the_project_promises():
    classic = {
        "gd", "sgd", "ewma_momentum", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam",
        "adamax", "radam",
    }
    modern = {  # issue 14: what practitioners use today, in the flavors their libraries have
        "adafactor": {"torch", "keras", "optax"}, "rprop": {"torch", "optax"}, "asgd": {"torch"}, "lbfgs": {"torch"},
        "muon": {"torch", "keras", "optax"}, "lion": {"keras", "optax"}, "adabelief": {"optax"}, "yogi": {"optax"},
        "lamb": {"keras", "optax"}, "schedule_free_adamw": {"keras", "optax"}, "newton": {"textbook"},
    }
    assert set(optim.OPTIMIZERS) == classic | set(modern)
    for name, spec in optim.OPTIMIZERS.items():
        if name in classic:
            assert "textbook" in spec.flavors
        else:
            assert set(spec.flavors) == modern[name]
        assert spec.title and spec.summary
        assert set(spec.flavors) <= set(optim.FLAVORS)


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_spec_parameters_are_canonical_and_defaults_in_range(name, flavor):
    params = optim.OPTIMIZERS[name].params(flavor)
    assert "lr" in params
    for pname, p in params.items():
        assert pname in optim.HYPERPARAMETERS
        assert p.help
        if p.is_bool:
            assert isinstance(p.default, bool)
        else:
            assert p.low <= p.default <= p.high
            assert p.scale in ("log", "linear")


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_every_optimizer_descends_a_bowl(name, flavor):
    opt = optim.make_optimizer(name, flavor, lr=0.05)
    bowl = optim.get_objective("quadratic", a=1, b=3)
    traj = optim.run(opt, bowl, x0=[1.5, -1.0], steps=300)
    assert traj.diverged_at == -1
    assert traj.losses[-1] < traj.losses[0]
    assert np.isfinite(traj.xs).all() and traj.xs.dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(name="adamm"), "unknown optimizer 'adamm'; allowed: gd, sgd"),
        (dict(name="radam", flavor="keras"), "radam: unknown flavor 'keras'; allowed: textbook, torch, optax"),
        (dict(name="adam", beta3=0.1), "adam (textbook): unknown parameter 'beta3'"),
        (dict(name="adam", lr=0), "adam (textbook): lr = 0 is out of range; allowed: a number from 1e-06 to 10."),
        (dict(name="adam", lr=1e9), "lr = 1e+09 is out of range"),
        (dict(name="adam", lr=float("nan")), "lr = nan is out of range"),
        (dict(name="adam", lr="fast"), "lr = 'fast' is not a number"),
        (dict(name="adam", amsgrad="yes"), "amsgrad = 'yes' is not allowed; allowed: true or false."),
        (dict(name="sgd", momentum=1.5), "momentum = 1.5 is out of range; allowed: a number from 0 to 0.9999."),
        (dict(name="sgd", lr=[0.1, 0.2], momentum=[0.1, 0.2, 0.3]), "must all have the same length"),
        (dict(name="sgd", lr=[[0.1]]), "must be a scalar or a 1-D array"),
        (dict(name="sgd", lr=[0.1, 0.0]), "lr = 0 is out of range"),
    ],
)
def test_bad_requests_raise_a_clear_value_error(kwargs, message):
    with pytest.raises(ValueError) as err:
        optim.make_optimizer(**kwargs)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("name", "flavor", "expected"),
    [
        ("rmsprop", "textbook", dict(decay=0.9, eps=1e-8, eps_in_sqrt=True)),
        ("rmsprop", "torch", dict(lr=0.01, decay=0.99, eps=1e-8)),
        ("rmsprop", "keras", dict(lr=0.001, decay=0.9, eps=1e-7)),
        ("adagrad", "torch", dict(eps=1e-10, initial_accumulator=0.0)),
        ("adagrad", "keras", dict(eps=1e-7, initial_accumulator=0.1)),
        ("adam", "keras", dict(eps=1e-7)),
        ("adamw", "torch", dict(weight_decay=0.01)),
        ("adamw", "keras", dict(weight_decay=0.004)),
        ("adamw", "optax", dict(weight_decay=1e-4)),
        ("adadelta", "torch", dict(lr=1.0, decay=0.9, eps=1e-6)),
    ],
)
def test_flavor_defaults_follow_the_library(name, flavor, expected):
    hp = optim.make_optimizer(name, flavor).hyperparameters
    for key, value in expected.items():
        assert hp[key] == value


def test_flavor_changes_the_path_where_libraries_differ():
    bowl = optim.get_objective("quadratic", a=1, b=10)

    def final(flavor, **hp):
        return optim.run(optim.make_optimizer("rmsprop", flavor, **hp), bowl, [1.5, 1.5], 50).xs[-1]

    inside = final("textbook", lr=0.01, decay=0.9, eps=1e-2)
    outside = final("textbook", lr=0.01, decay=0.9, eps=1e-2, eps_in_sqrt=False)
    assert not np.allclose(inside, outside)
    same = final("keras", lr=0.01, decay=0.9, eps=1e-2)
    np.testing.assert_allclose(same, inside, rtol=1e-12)


def test_optimizer_repr_and_label():
    opt = optim.make_optimizer("adam", "torch", lr=0.01)
    assert "adam" in repr(opt) and "lr=0.01" in repr(opt)
    assert opt.label == "Adam (torch)"
    assert opt.batch_size is None
    assert optim.make_optimizer("adam", lr=[0.1, 0.2]).batch_size == 2

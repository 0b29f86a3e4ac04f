"""The seed articles' experiments, reproduced by the core.

Seed 001 printed its results; seeds 000 and 004 printed plots, so their code is
transcribed here verbatim (loops over floats, as the articles wrote them) and
the core must produce the same numbers.
"""

import numpy as np
import pytest

import optim


def test_seed_001_printed_numbers():
    opt = optim.make_optimizer("rmsprop", lr=0.1, decay=0.9, eps=1e-8)
    traj = optim.run(opt, optim.get_objective("quadratic", a=5, b=7), x0=[-4.0, 3.0], steps=50)
    assert traj.xs[-1, 0] == pytest.approx(-0.10352260359924752, abs=1e-12)
    assert traj.xs[-1, 1] == pytest.approx(0.0025296212056016548, abs=1e-12)
    assert traj.losses[-1] == pytest.approx(0.05362944016394148, abs=1e-12)


def _seed000_gd(lr, epochs, start):
    x, y = start
    path = [(x, y)]
    for _ in range(epochs):
        grad = np.array([2 * x, 20 * y])
        x -= lr * grad[0]
        y -= lr * grad[1]
        path.append((x, y))
    return np.array(path)


def _seed000_rmsprop(lr, beta, epsilon, epochs, start):
    x, y = start
    eg2 = np.array([0.0, 0.0])
    path = [(x, y)]
    for _ in range(epochs):
        grad = np.array([2 * x, 20 * y])
        eg2 = beta * eg2 + (1 - beta) * (grad**2)
        x -= lr * grad[0] / (np.sqrt(eg2[0]) + epsilon)
        y -= lr * grad[1] / (np.sqrt(eg2[1]) + epsilon)
        path.append((x, y))
    return np.array(path)


def test_seed_000_gd_and_rmsprop_on_the_bowl():
    bowl = optim.get_objective("quadratic", a=1, b=10)
    gd = optim.run(optim.make_optimizer("gd", lr=0.1), bowl, x0=[1.5, 1.5], steps=100)
    rms = optim.run(
        optim.make_optimizer("rmsprop", lr=0.1, decay=0.9, eps=1e-8, eps_in_sqrt=False),
        bowl, x0=[1.5, 1.5], steps=100,
    )
    np.testing.assert_allclose(gd.xs, _seed000_gd(0.1, 100, (1.5, 1.5)), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        rms.xs, _seed000_rmsprop(0.1, 0.9, 1e-8, 100, (1.5, 1.5)), rtol=1e-13, atol=1e-15
    )
    # The article's point: GD's y coordinate bounces (lr * 20 = 2 makes it flip sign every step)
    # while RMSprop settles near the minimum.
    assert gd.losses[-1] > 100 * rms.losses[-1]


def _seed004_g(x1, x2):
    return 0.2 * x1, 10 * x2


def _seed004_ewma(x, beta, eta, n_steps):
    xs, v = [x], np.zeros_like(x)
    for t in range(n_steps):
        gradient = np.asarray(_seed004_g(*x))
        v = beta * v + (1 - beta) * gradient
        v_corrected = v / (1 - beta ** (t + 1))
        x = x - eta * v_corrected
        xs.append(x)
    return np.asarray(xs)


def _seed004_adagrad(x0, eta, n_steps, epsilon=1e-8):
    x, xs = x0, [x0]
    v = np.zeros_like(x)
    for _ in range(n_steps):
        gradient = np.asarray(_seed004_g(*x))
        v = v + gradient**2
        x = x - (eta * gradient / (np.sqrt(v + epsilon)))
        xs.append(x)
    return np.asarray(xs)


def _seed004_rmsprop(x, beta, eta, n_steps, epsilon=1e-8):
    xs, v = [x], np.zeros_like(x)
    for _ in range(n_steps):
        gradient = np.asarray(_seed004_g(*x))
        v = beta * v + (1 - beta) * (gradient**2)
        x = x - (eta * gradient / (np.sqrt(v + epsilon)))
        xs.append(x)
    return np.asarray(xs)


@pytest.mark.parametrize(
    ("name", "hp", "reference"),
    [
        ("ewma_momentum", dict(lr=0.1, momentum=0.9), lambda x0: _seed004_ewma(x0, 0.9, 0.1, 100)),
        ("adagrad", dict(lr=0.9, eps=1e-8), lambda x0: _seed004_adagrad(x0, 0.9, 100)),
        ("rmsprop", dict(lr=0.1, decay=0.9, eps=1e-8), lambda x0: _seed004_rmsprop(x0, 0.9, 0.1, 100)),
    ],
)
def test_seed_004_experiments(name, hp, reference):
    x0 = np.asarray([9.0, -3.0])
    traj = optim.run(optim.make_optimizer(name, **hp), optim.get_objective("quadratic", a=0.1, b=5),
                     x0=x0, steps=100)
    np.testing.assert_allclose(traj.xs, reference(x0), rtol=1e-13, atol=1e-15)


def test_seed_002_adagrad_stalls_where_rmsprop_keeps_going():
    """AdaGrad's step only shrinks; RMSprop's forgets and keeps moving (seed 002)."""
    bowl = optim.get_objective("quadratic", a=0.1, b=5)
    ada = optim.run(optim.make_optimizer("adagrad", lr=0.1), bowl, x0=[9.0, -3.0], steps=300)
    rms = optim.run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9), bowl, x0=[9.0, -3.0], steps=300)
    ada_lr, rms_lr = ada.effective_lr[:, 0], rms.effective_lr[:, 0]
    assert (np.diff(ada_lr) <= 0).all() and ada_lr[-1] < ada_lr[0] / 10
    assert rms_lr[-1] > rms_lr[0]  # RMSprop's step grows back as gradients shrink
    assert ada.xs[-1, 0] > 5  # AdaGrad is still far out along the shallow x axis
    assert rms.losses[-1] < ada.losses[-1] / 100

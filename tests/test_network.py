"""optim.MLP: layout, torch's initialisation, losses by output, exact gradients, batched passes."""

import math

import numpy as np
import pytest

import optim
from optim.network import Scratch

NETS = [
    optim.MLP((2, 16, 16, 1), "tanh"),
    optim.MLP((2, 8, 3), "relu"),
    optim.MLP((2, 5, 4, 1), "sigmoid"),
    optim.MLP((3, 6, 2), "tanh", task="regression"),
    optim.MLP((2, 7, 1), "relu", task="regression"),
]


def labels(net, n, rng):
    if net.task == "regression":
        return rng.normal(size=(n, net.sizes[-1]))
    return rng.integers(0, net.classes, n)


def test_layout_is_w_then_b_per_layer_row_major():
    net = optim.MLP((2, 16, 16, 1))
    assert net.layout == ((2, 16), (16,), (16, 16), (16,), (16, 1), (1,))
    assert net.n_params == 337 and net.offsets == (0, 32, 48, 304, 320, 336, 337)
    theta = np.arange(net.n_params, dtype=float)
    (W1, b1), (W2, _), (W3, b3) = net.unpack(theta[:, None])
    np.testing.assert_array_equal(W1[0], theta[:32].reshape(2, 16))
    np.testing.assert_array_equal(b1[0], theta[32:48])
    np.testing.assert_array_equal(W2[0], theta[48:304].reshape(16, 16))
    assert W3[0].shape == (16, 1) and b3[0].tolist() == [336.0]


def test_init_is_torch_linear_default_seeded():
    net = optim.MLP((2, 64, 3))
    theta = net.init(7)
    np.testing.assert_array_equal(theta, net.init(7))
    assert not np.array_equal(theta, net.init(8))
    np.testing.assert_array_equal(net.init([7, 8]), np.stack([net.init(7), net.init(8)]))
    o = net.offsets
    for i, fan_in in enumerate((2, 64)):  # W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        bound = 1 / math.sqrt(fan_in)
        w, b = theta[o[2 * i]:o[2 * i + 1]], theta[o[2 * i + 1]:o[2 * i + 2]]
        assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
        assert np.abs(w).max() > 0.9 * bound
    many = optim.MLP((2, 400, 1)).init(0)[:800]
    assert abs(many.std() - 1 / math.sqrt(6)) < 0.03  # U(-1/sqrt(2), 1/sqrt(2)) has sd 1/sqrt(6)


def per_network_loss(net, theta, X, y):
    """Network b's loss on its own batch X[b], y[b]."""
    return np.array([net.evaluate(theta[:, b:b + 1], X[b], y[b])[0][0] for b in range(theta.shape[1])])


@pytest.mark.parametrize("net", NETS, ids=repr)
def test_gradient_matches_central_differences(net):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 11, net.sizes[0]))  # one batch per network
    y = net.targets(np.stack([labels(net, 11, rng) for _ in range(4)]))
    theta = np.ascontiguousarray(net.init([0, 1, 2, 3]).T)
    loss, G = net.value_and_grad(theta, X, y)
    assert G.shape == theta.shape and loss.shape == (4,)
    np.testing.assert_allclose(loss, per_network_loss(net, theta, X, y), rtol=1e-14)
    h = 1e-6
    numeric = np.empty_like(G)
    for i in range(net.n_params):
        e = np.zeros_like(theta)
        e[i] = h
        numeric[i] = (per_network_loss(net, theta + e, X, y) - per_network_loss(net, theta - e, X, y)) / (2 * h)
    np.testing.assert_allclose(G, numeric, rtol=1e-6, atol=1e-8)


def test_losses_are_the_textbook_formulas():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(9, 2))
    for net in NETS[:3]:
        theta = net.init(3)
        y = labels(net, 9, rng)
        logits = net.forward(theta[:, None], X)[-1][0]
        if net.sizes[-1] == 1:
            p = 1 / (1 + np.exp(-logits[:, 0]))
            expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        else:
            p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            expected = -np.mean(np.log(p[np.arange(9), y]))
        assert net.loss(theta, X, y) == pytest.approx(expected, rel=1e-12)
        assert net.accuracy(theta, X, y) == np.mean(np.round(p) == y if p.ndim == 1 else p.argmax(1) == y)
    reg = NETS[3]
    theta, y = reg.init(0), rng.normal(size=(9, 2))
    X3 = rng.normal(size=(9, 3))
    assert reg.loss(theta, X3, y) == pytest.approx(np.mean((reg.predict(theta, X3) - y) ** 2), rel=1e-12)


def test_binary_cross_entropy_is_finite_for_huge_logits():
    net = optim.MLP((1, 1))
    X, y = np.array([[1.0], [1.0]]), np.array([0, 1])
    theta = np.array([1e4, 0.0])  # logit 1e4: the first point costs 1e4, the second nothing
    assert net.loss(theta, X, y) == pytest.approx(5e3)


@pytest.mark.parametrize("net", NETS, ids=repr)
def test_batched_networks_equal_single_networks(net):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(13, net.sizes[0]))
    y = net.targets(labels(net, 13, rng))
    thetas = net.init([4, 5, 6])
    loss, G = net.value_and_grad(np.ascontiguousarray(thetas.T), X, y)
    for b, theta in enumerate(thetas):
        single_loss, single_G = net.value_and_grad(theta[:, None].copy(), X, y)
        np.testing.assert_allclose(single_loss[0], loss[b], rtol=1e-14)
        np.testing.assert_allclose(single_G[:, 0], G[:, b], rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(net.loss(thetas, X, y), loss, rtol=1e-14)


def test_evaluate_in_chunks_equals_one_pass(monkeypatch):
    net = optim.MLP((2, 8, 3), "relu")
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(50, 2)), rng.integers(0, 3, 50)
    theta = np.ascontiguousarray(net.init(list(range(7))).T)
    whole = net.evaluate(theta, X, y)
    monkeypatch.setattr("optim.network.CHUNK_ELEMENTS", 40)  # 5 rows and 1 network at a time
    chunked = net.evaluate(theta, X, y, Scratch())
    np.testing.assert_allclose(chunked[0], whole[0], rtol=1e-13)
    np.testing.assert_array_equal(chunked[1], whole[1])
    np.testing.assert_array_equal(whole[1], net.accuracy(theta.T, X, y))


def test_predict_gives_probabilities():
    net = optim.MLP((2, 8, 3), "relu")
    p = net.predict(net.init([0, 1]), np.random.default_rng(5).normal(size=(6, 2)))
    assert p.shape == (2, 6, 3)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    q = optim.MLP((2, 4, 1)).predict(optim.MLP((2, 4, 1)).init(0), np.zeros((3, 2)))
    assert q.shape == (3,) and ((q > 0) & (q < 1)).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(sizes=(2,)), "sizes must be 2 to 9 whole numbers"),
        (dict(sizes=(2, 2.5, 1)), "sizes must be 2 to 9 whole numbers"),
        (dict(sizes="abc"), "sizes must be whole numbers"),
        (dict(sizes=(2, 0, 1)), "every layer width must be from 1 to 512, got (2, 0, 1)."),
        (dict(sizes=(2, 1000, 1)), "every layer width must be from 1 to 512"),
        (dict(activation="gelu"), "unknown activation 'gelu'; allowed: tanh, relu, sigmoid."),
        (dict(task="ranking"), "unknown task 'ranking'; allowed: classification, regression."),
    ],
)
def test_bad_architectures_get_one_sentence(kwargs, message):
    with pytest.raises(ValueError) as err:
        optim.MLP(**kwargs)
    assert message in str(err.value) and str(err.value).endswith(".")


def test_bad_parameters_and_seeds_get_one_sentence():
    net = optim.MLP((2, 3, 1))
    with pytest.raises(ValueError, match=r"params must have shape \(13,\) or \(B, 13\), got \(12,\)."):
        net.loss(np.zeros(12), np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        net.init(-1)
    with pytest.raises(ValueError, match="accuracy needs a classification network"):
        optim.MLP((2, 1), task="regression").accuracy(np.zeros(3), np.zeros((1, 2)), [0.0])

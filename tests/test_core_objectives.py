"""Objectives: analytic gradients against central differences, minima, parameters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim

NAMES = sorted(optim.OBJECTIVES)
PARAMETRIZED = [
    ("quadratic", dict(a=5.0, b=7.0)),
    ("quadratic", dict(a=0.1, b=5.0)),
    ("rotated_quadratic", dict(condition=100.0, angle=-40.0)),
    ("rosenbrock", dict(a=2.0, b=10.0)),
    ("rastrigin", dict(A=3.0)),
    ("tiny_network", dict(seed=5, points=30)),
]


def _central_difference(obj, p, h):
    e = np.eye(2) * h
    return np.array([(obj.f(p + e[i]) - obj.f(p - e[i])) / (2 * h) for i in range(2)])


def _check_gradient(obj, u, v):
    (x0, x1), (y0, y1) = obj.domain
    p = np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])
    scale = max(1.0, np.abs(p).max())
    h = 1e-6 * scale
    numeric = _central_difference(obj, p, h)
    analytic = obj.grad(p)
    # Central differences err by O(h^2 f''') plus round-off O(eps |f| / h).
    tol = 1e-5 * (1 + np.abs(numeric).max()) + 1e-9 * abs(obj.f(p)) / h
    np.testing.assert_allclose(analytic, numeric, atol=tol, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None)
@given(u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_gradient_matches_central_differences(name, u, v):
    obj = optim.OBJECTIVES[name]
    if name == "ackley" and abs(u - 0.5) < 1e-3 and abs(v - 0.5) < 1e-3:
        return  # the cone tip at the origin has no derivative
    _check_gradient(obj, u, v)


@pytest.mark.parametrize(("name", "params"), PARAMETRIZED)
@settings(max_examples=25, deadline=None)
@given(u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_gradient_with_parameters(name, params, u, v):
    _check_gradient(optim.get_objective(name, **params), u, v)


@pytest.mark.parametrize("name", NAMES)
def test_known_minima_are_stationary_with_the_listed_value(name):
    obj = optim.OBJECTIVES[name]
    for m in obj.minima:
        assert np.abs(obj.grad([m.x, m.y])).max() < 1e-8
        assert obj.f([m.x, m.y]) == pytest.approx(m.value, abs=1e-10)
        # A minimum, not a saddle: every small step goes up.
        for d in np.array([[1, 0], [0, 1], [1, 1], [1, -1]]) * 1e-4:
            assert obj.f(np.array([m.x, m.y]) + d) >= m.value - 1e-12
            assert obj.f(np.array([m.x, m.y]) - d) >= m.value - 1e-12
    if obj.minima:
        assert any(m.is_global for m in obj.minima)
        assert obj.f_min == min(m.value for m in obj.global_minima)


@pytest.mark.parametrize("name", NAMES)
def test_every_objective_is_complete(name):
    obj = optim.OBJECTIVES[name]
    (x0, x1), (y0, y1) = obj.domain
    assert x0 < x1 and y0 < y1
    assert np.isfinite(obj.f(obj.start))
    assert obj.latex.strip() and obj.title
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y0, y1, 5)), axis=-1)
    assert obj.f(grid).shape == (5, 7)
    assert obj.grad(grid).shape == (5, 7, 2)


def test_seed_objectives_and_known_values():
    assert optim.get_objective("quadratic", a=5, b=7).f([-4.0, 3.0]) == 5 * 16 + 7 * 9
    assert optim.OBJECTIVES["rosenbrock"].f([1.0, 1.0]) == 0.0
    assert optim.OBJECTIVES["goldstein_price"].f([0.0, -1.0]) == pytest.approx(3.0)
    assert optim.OBJECTIVES["styblinski_tang"].f_min == pytest.approx(-39.16616570377142 * 2)
    assert optim.OBJECTIVES["six_hump_camel"].f_min == pytest.approx(-1.0316284534898774)
    assert len(optim.OBJECTIVES["himmelblau"].global_minima) == 4
    assert optim.OBJECTIVES["saddle"].minima == ()
    assert len(optim.OBJECTIVES["rastrigin"].minima) == 121


def test_rotated_quadratic_has_the_condition_number_it_was_given():
    obj = optim.get_objective("rotated_quadratic", condition=50.0, angle=25.0)
    # The Hessian from finite differences of the analytic gradient.
    h = 1e-6
    hess = np.array([(obj.grad(e * h) - obj.grad(-e * h)) / (2 * h) for e in np.eye(2)])
    eig = np.linalg.eigvalsh((hess + hess.T) / 2)
    assert eig.max() / eig.min() == pytest.approx(50.0, rel=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: optim.get_objective("nope"), "unknown objective 'nope'; allowed: quadratic"),
        (lambda: optim.get_objective("quadratic", c=1), "unknown parameter 'c'; allowed: a, b"),
        (lambda: optim.get_objective("quadratic", a=0), "a = 0 is out of range"),
        (lambda: optim.get_objective("quadratic", a="x"), "is not a number"),
        (lambda: optim.get_objective("quadratic", a=float("nan")), "out of range"),
        (lambda: optim.get_objective("booth", domain=((1, 0), (0, 1))), "xmin < xmax"),
        (lambda: optim.get_objective("booth", domain="big"), "four numbers"),
    ],
)
def test_bad_objective_requests_raise_one_clear_sentence(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_domain_override_and_nearest_minimum():
    obj = optim.get_objective("quadratic", a=1, b=10, domain=((-2, 2), (-1, 1)))
    assert obj.domain == ((-2.0, 2.0), (-1.0, 1.0))
    idx, dist = optim.OBJECTIVES["himmelblau"].nearest_minimum([[3.0, 2.0], [-3.7, -3.2], [np.nan, 0]])
    assert idx[:2].tolist() == [0, 2] and dist[0] == 0.0

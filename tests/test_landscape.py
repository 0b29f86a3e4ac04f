"""Loss-landscape slices (Li et al. 2018) and decision boundaries of trained networks."""

from dataclasses import replace

import numpy as np
import pytest

import optim
from optim.landscape import filter_normalized

DATA = optim.make_dataset("moons", n=150, noise=0.1, seed=2)
NET = optim.MLP((2, 8, 8, 1), "tanh")
OPTS = [optim.make_optimizer("adam", "torch", lr=0.03), optim.make_optimizer("sgd", "torch", lr=0.1, momentum=0.9)]
RUN = optim.train(OPTS, NET, DATA.X, DATA.y, params=NET.init([0, 1]), batch_size=30, epochs=25, shuffle_seed=[0, 1])


def test_filter_normalised_directions_match_each_neurons_norm_and_skip_biases():
    rng = np.random.default_rng(0)
    theta = NET.init(3)
    d = filter_normalized(rng.standard_normal(NET.n_params), theta, NET.layout)
    (W1, b1), (W2, _), _ = NET.unpack(theta[:, None])
    (D1, c1), (D2, _), _ = NET.unpack(d[:, None])
    np.testing.assert_allclose(np.linalg.norm(D1[0], axis=0), np.linalg.norm(W1[0], axis=0), rtol=1e-13)
    np.testing.assert_allclose(np.linalg.norm(D2[0], axis=0), np.linalg.norm(W2[0], axis=0), rtol=1e-13)
    assert not c1.any() and not d[NET.offsets[-2]:].any()


@pytest.mark.parametrize("directions", ["random", "pca"])
def test_the_grid_is_the_loss_along_the_directions(directions):
    sl = optim.landscape(RUN, network=2, directions=directions, resolution=9, seed=4)
    assert sl.loss.shape == (9, 9) and sl.paths.shape == (4, RUN.params.shape[0], 2)
    np.testing.assert_array_equal(sl.center, RUN.final_params[2])
    for i, j in [(0, 0), (3, 7), (8, 2)]:
        theta = sl.center + sl.alpha[j] * sl.directions[0] + sl.beta[i] * sl.directions[1]
        assert sl.loss[i, j] == pytest.approx(NET.loss(theta, DATA.X, DATA.y), rel=1e-12)
    np.testing.assert_allclose(sl.paths[2, -1], 0.0, atol=1e-12)  # the run ends at the plane's origin


def test_random_slice_passes_through_the_final_loss_with_the_default_span():
    sl = optim.landscape(RUN, network=0, resolution=11)
    assert sl.alpha[0] == -1.0 and sl.alpha[-1] == 1.0 and sl.alpha[5] == 0.0
    assert sl.loss[5, 5] == pytest.approx(RUN.final_loss[0], rel=1e-12)
    other = optim.landscape(RUN, network=0, resolution=11, seed=1)
    assert not np.array_equal(other.directions, sl.directions)


def test_principal_directions_capture_most_of_their_own_path():
    sl = optim.landscape(RUN, network=0, directions="pca", resolution=5)
    moves = RUN.params[:, 0] - RUN.final_params[0]
    s = np.linalg.svd(moves, compute_uv=False)
    assert sl.captured[0] == pytest.approx((s[0] ** 2 + s[1] ** 2) / (s**2).sum(), rel=1e-10)
    np.testing.assert_allclose(sl.directions @ sl.directions.T, np.eye(2), atol=1e-12)
    coords = sl.paths[0]
    assert sl.alpha[0] < coords[:, 0].min() and sl.alpha[-1] > coords[:, 0].max()  # the grid covers the path
    assert sl.beta[0] < coords[:, 1].min() and sl.beta[-1] > coords[:, 1].max()
    assert (sl.captured > 0).all() and (sl.captured <= 1).all()


def test_a_path_in_the_plane_projects_exactly_and_is_fully_captured():
    sl = optim.landscape(RUN, network=1, resolution=3, seed=2)
    R = RUN.params.shape[0]
    t = np.linspace(0.0, 1.0, R)
    ab = np.column_stack((0.6 * (1 - t), (1 - t) * np.sin(9 * t)))  # a curve in the plane, ending at (0, 0)
    params = RUN.params.copy()
    params[:, 1] = sl.center + ab @ sl.directions
    planar = optim.landscape(replace(RUN, params=params), network=1, resolution=3, seed=2)
    np.testing.assert_allclose(planar.directions, sl.directions, rtol=1e-12)
    np.testing.assert_allclose(planar.paths[1], ab, atol=1e-10)
    assert planar.captured[1] == pytest.approx(1.0, rel=1e-10)


def test_bad_landscape_settings_get_one_sentence():
    diverging = optim.train(optim.make_optimizer("gd", lr=[0.1, 10.0]), optim.MLP((2, 4, 1), "relu", "regression"),
                            DATA.X, 1e3 * DATA.X[:, 0], epochs=30)
    assert diverging.diverged_at[1] >= 0
    for kwargs, message in [
        (dict(directions="eigen"), "unknown directions 'eigen'; allowed: random, pca."),
        (dict(resolution=1), "resolution must be a whole number from 3 to 201, got 1."),
        (dict(span=-1.0), "span must be a number above 0"),
        (dict(network=9), "network must be a whole number from 0 to 1, got 9."),
        (dict(network=1), "network 1 diverged at step"),
    ]:
        with pytest.raises(ValueError) as err:
            optim.landscape(diverging, **kwargs)
        assert message in str(err.value) and str(err.value).endswith(".")
    final = optim.train(OPTS[0], NET, DATA.X, DATA.y, epochs=3, record="final")
    with pytest.raises(ValueError, match="the principal directions need a path that moves in at least two"):
        optim.landscape(final, directions="pca")


def test_decision_boundary_is_the_networks_prediction_on_a_grid():
    b = optim.decision_boundary(RUN, step=RUN.steps, network=3, resolution=20)
    assert b.output.shape == (20, 20) and b.step == RUN.steps and b.network == 3
    assert b.x1[0] < DATA.X[:, 0].min() and b.x1[-1] > DATA.X[:, 0].max()
    point = np.array([[b.x1[4], b.x2[11]]])
    assert b.output[11, 4] == pytest.approx(NET.predict(RUN.final_params[3], point)[0], rel=1e-13)
    early = optim.decision_boundary(RUN, step=0, network=3, resolution=20, domain=((-1, 1), (-2, 2)))
    assert early.x2[0] == -2 and not np.array_equal(early.output, b.output)
    three = optim.train(optim.make_optimizer("adam", lr=0.05), optim.MLP((2, 6, 3)), DATA.X, DATA.y, epochs=5)
    boundary = optim.decision_boundary(three, resolution=7)
    assert boundary.output.shape == (7, 7, 3) and boundary.label.shape == (7, 7)
    with pytest.raises(ValueError, match="step 7 was not recorded"):
        optim.decision_boundary(three, step=7)
    with pytest.raises(ValueError, match="domain must be"):
        optim.decision_boundary(three, domain=((1, 0), (0, 1)))


@pytest.mark.parametrize("directions", ["random", "pca"])
def test_project_puts_other_runs_where_the_slice_puts_its_own(directions):
    sl = optim.landscape(RUN, network=1, directions=directions, resolution=5, seed=1)
    coords, captured = optim.project(sl, RUN.params[:, 3])  # one path (R, P), trained with another optimizer
    np.testing.assert_allclose(coords[0], sl.paths[3], rtol=1e-12, atol=1e-12)
    assert captured[0] == pytest.approx(sl.captured[3], rel=1e-12)
    with pytest.raises(ValueError, match="params must have shape"):
        optim.project(sl, RUN.params[:, :, :5])

"""Two-parameter models on data: closed-form checks, mini-batch schedules, CSV validation."""

import numpy as np
import pytest

import optim
from optim import models


def test_linear_regression_minimum_is_the_least_squares_fit():
    d = models.make_regression(n=300, noise=0.7, scale=4.0, w=-1.5, b=2.0, seed=5)
    obj = models.linear_regression(d)
    (w, b), *_ = np.linalg.lstsq(np.stack([d.x, np.ones_like(d.x)], axis=1), d.y, rcond=None)
    m = obj.minima[0]
    assert (m.x, m.y) == pytest.approx((w, b), rel=1e-10)
    assert m.value == pytest.approx(np.mean((w * d.x + b - d.y) ** 2), rel=1e-10)
    # The moment formulas agree with the plain definition anywhere.
    for W, B in [(0.0, 0.0), (3.0, -2.0), (-7.5, 11.0)]:
        assert obj.f([W, B]) == pytest.approx(np.mean((W * d.x + B - d.y) ** 2), rel=1e-12)


def test_full_batch_gradient_descent_reaches_the_closed_form():
    d = models.make_regression(n=100, scale=1.0, seed=2)
    obj = models.linear_regression(d)
    traj = optim.run(optim.make_optimizer("gd", lr=0.1), obj, steps=500)
    np.testing.assert_allclose(traj.xs[-1], [obj.minima[0].x, obj.minima[0].y], rtol=1e-9)


def test_badly_scaled_feature_makes_gd_zigzag_and_rmsprop_does_not():
    """Seed 003: the steep direction (W, for a large feature scale) oscillates under plain GD."""
    d = models.make_regression(n=200, scale=8.0, seed=0)
    obj = models.linear_regression(d)
    gd = optim.run(optim.make_optimizer("gd", lr=0.015), obj, steps=60)
    rms = optim.run(optim.make_optimizer("rmsprop", lr=0.05, decay=0.9), obj, steps=60)
    w_star = obj.minima[0].x
    flips = np.sum(np.diff(np.sign(gd.xs[:, 0] - w_star)) != 0)
    rms_flips = np.sum(np.diff(np.sign(rms.xs[:, 0] - w_star)) != 0)
    assert flips > 20 and rms_flips < flips / 2


def test_mini_batches_cover_every_sample_once_per_epoch():
    d = models.make_regression(n=50, seed=1)
    obj = models.linear_regression(d, batch_size=8, epochs=3, seed=9)
    spe = models.steps_per_epoch(50, 8)
    assert spe == 7
    batches = models.batch_schedule(50, 8, 3, 9)
    assert len(batches) == 21
    for e in range(3):
        epoch = np.concatenate(batches[e * spe:(e + 1) * spe])
        assert sorted(epoch.tolist()) == list(range(50))
    # The gradient a step sees is the mean over its batch.
    w, b = 0.3, -0.2
    idx = batches[4]
    gw, gb = obj.step_gradient(4, w, b)
    r = w * d.x[idx] + b - d.y[idx]
    assert (gw, gb) == pytest.approx((2 * np.mean(r * d.x[idx]), 2 * np.mean(r)), rel=1e-12)


def test_one_batch_of_everything_is_full_batch_and_shuffle_seed_matters():
    d = models.make_regression(n=40, seed=1)
    full = optim.run(optim.make_optimizer("sgd", lr=0.05, momentum=0.5), models.linear_regression(d), steps=30)
    whole = optim.run(optim.make_optimizer("sgd", lr=0.05, momentum=0.5),
                      models.linear_regression(d, batch_size=40), steps=30)
    np.testing.assert_array_equal(full.xs, whole.xs)
    a = optim.run(optim.make_optimizer("sgd", lr=0.05), models.linear_regression(d, 4, 5, seed=1), steps=50)
    b = optim.run(optim.make_optimizer("sgd", lr=0.05), models.linear_regression(d, 4, 5, seed=2), steps=50)
    c = optim.run(optim.make_optimizer("sgd", lr=0.05), models.linear_regression(d, 4, 5, seed=1), steps=50)
    assert not np.allclose(a.xs, b.xs)
    np.testing.assert_array_equal(a.xs, c.xs)
    # The recorded loss is the exact full-batch loss at each point.
    np.testing.assert_allclose(a.losses, a.objective.f(a.xs), rtol=1e-12)


def test_logistic_regression_gradient_and_minimum():
    d = models.make_classification(n=300, noise=1.0, scale=2.0, seed=4)
    obj = models.logistic_regression(d, batch_size=32, epochs=5)
    for p in [(0.0, 0.0), (1.5, -0.7), (-3.0, 2.0)]:
        p = np.array(p)
        numeric = [(obj.f(p + e * 1e-6) - obj.f(p - e * 1e-6)) / 2e-6 for e in np.eye(2)]
        np.testing.assert_allclose(obj.grad(p), numeric, rtol=1e-6, atol=1e-9)
    m = obj.minima[0]
    assert np.abs(obj.grad([m.x, m.y])).max() < 1e-8
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 30), np.linspace(-2, 2, 20)), axis=-1)
    assert obj.f(grid).shape == (20, 30)
    traj = optim.run(optim.make_optimizer("adam", lr=0.05), obj, steps=5 * models.steps_per_epoch(300, 32))
    assert traj.losses[-1] < traj.losses[0] and traj.losses[-1] - m.value < 0.05


def test_separable_data_have_no_minimum():
    d = models.Dataset(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0, 1.0]), "separable")
    assert models.logistic_regression(d).minima == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("x,y\n", "at least two data rows"),
        ("x,y\n1,2\n", "at least two data rows"),
        ("x,y\n1,2\n3,four\n", "row 3, column 2: 'four' is not a number"),
        ("1,2\n3,4,5\n", "row 2 has 3 columns; the file must have exactly two, x and y."),
        ("1\n2\n", "row 1 has 1 column; the file must have exactly two"),
        ("x,y\n1,2\n,4\n", "row 3, column 1 is empty"),
        ("x,y\n1,2\n3,nan\n", "row 3, column 2: 'nan' is not a finite number"),
        ("x,y\n1,2\n3,1e9\n", "outside +-1e6"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"1,2\n" * 300_000, "the limit is 1,000,000"),
        ("\n".join(f"{i},{i}" for i in range(10_001)), "the limit is 10,000"),
    ],
)
def test_malformed_csv_files_get_one_clear_sentence(content, message):
    with pytest.raises(ValueError) as err:
        models.load_csv(content)
    assert message in str(err.value)
    assert str(err.value).endswith(".")


def test_csv_with_header_semicolons_or_bom_loads():
    assert models.load_csv(b"\xef\xbb\xbfx,y\n1,2\n3,4\n").y.tolist() == [2.0, 4.0]
    assert models.load_csv("a;b\n1.5;2\n3;-4\n").x.tolist() == [1.5, 3.0]
    assert models.load_csv("1,2\n3,4\n\n").x.tolist() == [1.0, 3.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: models.linear_regression(d, batch_size=0), "batch size must be a whole number"),
        (lambda d: models.linear_regression(d, epochs=0), "epochs must be a whole number from 1"),
        (lambda d: models.linear_regression(models.Dataset(np.ones(3), d.y[:3], "flat")), "every x is the same"),
        (lambda d: models.logistic_regression(d), "labels y that are 0 or 1"),
        (lambda d: models.make_regression(n=1), "data size must be a whole number from 2"),
    ],
)
def test_bad_training_settings_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(models.make_regression(n=20))

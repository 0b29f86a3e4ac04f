"""optim.run: shapes, batching, summaries, divergence, noise, convergence, teaching state."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim

ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]
ROSEN = optim.OBJECTIVES["rosenbrock"]


def test_shapes_single_and_batched():
    opt = optim.make_optimizer("adam", lr=0.01)
    single = optim.run(opt, ROSEN, x0=[-1.5, 2.0], steps=30)
    assert single.xs.shape == (31, 2) and single.losses.shape == (31,)
    assert single.grads.shape == (30, 2) and single.effective_lr.shape == (30, 2)
    assert set(single.state) == {"m", "v"}
    assert single.state["m"].shape == (30, 2)
    batch = optim.run(opt, ROSEN, x0=np.zeros((5, 2)), steps=30)
    assert batch.xs.shape == (31, 5, 2) and batch.losses.shape == (31, 5)
    assert batch.final_x.shape == (5, 2) and batch.diverged_at.shape == (5,)
    assert optim.run(opt, "rosenbrock", steps=3).xs[0].tolist() == list(ROSEN.start)
    assert optim.run(opt, ROSEN, steps=0).xs.shape == (1, 2)


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_batched_start_points_equal_single_runs(name, flavor):
    opt = optim.make_optimizer(name, flavor, lr=0.002)
    starts = np.array([[-1.5, 2.0], [0.5, -0.5], [1.2, 1.0]])
    batch = optim.run(opt, ROSEN, x0=starts, steps=60)
    for i, x0 in enumerate(starts):
        single = optim.run(opt, ROSEN, x0=x0, steps=60)
        np.testing.assert_array_equal(batch.xs[:, i], single.xs)


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_batched_hyperparameters_equal_single_runs(name, flavor):
    spec = optim.OPTIMIZERS[name].params(flavor)
    grid = {"lr": np.array([0.001, 0.003, 0.01])}
    for extra, values in [("decay", [0.5, 0.9, 0.99]), ("beta1", [0.0, 0.8, 0.95]),
                          ("momentum", [0.0, 0.5, 0.9]), ("nesterov", [True, False, True]),
                          ("centered", [False, True, True]), ("amsgrad", [True, False, True])]:
        if extra in spec:
            grid[extra] = np.array(values)
    batch = optim.run(optim.make_optimizer(name, flavor, **grid), ROSEN, x0=[-1.5, 2.0], steps=60)
    for i in range(3):
        single_hp = {k: v[i].item() for k, v in grid.items()}
        single = optim.run(optim.make_optimizer(name, flavor, **single_hp), ROSEN, x0=[-1.5, 2.0], steps=60)
        np.testing.assert_allclose(batch.xs[:, i], single.xs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_final_record_matches_the_path_summary(name, flavor):
    opt = optim.make_optimizer(name, flavor, lr=np.geomspace(1e-4, 5.0, 12))
    kw = dict(x0=[-1.5, 2.0], steps=80, tol=1e-1, noise=0.5, seed=3)
    path = optim.run(opt, ROSEN, **kw)
    final = optim.run(opt, ROSEN, record="final", **kw)
    assert type(final) is optim.Summary
    np.testing.assert_array_equal(final.diverged_at, path.diverged_at)
    np.testing.assert_array_equal(final.converged_at, path.converged_at)
    np.testing.assert_array_equal(final.reached_at, path.reached_at)
    np.testing.assert_array_equal(final.left_at, path.left_at)
    np.testing.assert_array_equal(final.final_x, path.final_x)
    np.testing.assert_array_equal(final.final_loss, path.final_loss)
    np.testing.assert_array_equal(final.best_loss, path.best_loss)


def test_divergence_is_reported_with_its_step_and_masked():
    bowl = optim.get_objective("quadratic", a=1, b=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = optim.run(optim.make_optimizer("gd", lr=0.5), bowl, x0=[1.0, 1.0], steps=200)
    # y is multiplied by (1 - 0.5 * 20) = -9 each step: |y_k| = 9^k passes 1e8 at k = 9.
    assert traj.diverged_at == 9 and traj.diverged
    assert np.isfinite(traj.xs[:9]).all() and np.isnan(traj.xs[9:]).all()
    assert np.isnan(traj.losses[9:]).all() and np.isnan(traj.grads[8:]).all()
    assert np.isnan(traj.final_x).all() and np.isnan(traj.final_loss)
    assert traj.best_loss == np.nanmin(traj.losses[:9])


def test_overflow_is_divergence_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = optim.run(optim.make_optimizer("sgd", lr=10.0, momentum=0.99), ROSEN, steps=100,
                         bound=np.inf)
        summary = optim.run(optim.make_optimizer("sgd", lr=10.0, momentum=0.99), ROSEN, steps=100,
                            bound=np.inf, record="final")
    assert 0 < traj.diverged_at == summary.diverged_at < 10
    assert not np.isfinite(ROSEN.f(ROSEN.start) * 0 + traj.losses[traj.diverged_at:]).any()


def test_saddle_escape_counts_as_divergence_past_the_bound():
    traj = optim.run(optim.make_optimizer("gd", lr=0.1), "saddle", x0=[-1.0, 1e-3], steps=200)
    assert traj.diverged_at > 0
    assert abs(traj.xs[traj.diverged_at - 1, 1]) <= optim.DIVERGENCE_BOUND


def test_noise_is_seeded_and_reproducible():
    opt = optim.make_optimizer("sgd", lr=0.001, momentum=0.9)
    a = optim.run(opt, ROSEN, steps=50, noise=1.0, seed=7)
    b = optim.run(opt, ROSEN, steps=50, noise=1.0, seed=7)
    c = optim.run(opt, ROSEN, steps=50, noise=1.0, seed=8)
    clean = optim.run(opt, ROSEN, steps=50)
    np.testing.assert_array_equal(a.xs, b.xs)
    assert not np.allclose(a.xs, c.xs) and not np.allclose(a.xs, clean.xs)
    # The noise is Gaussian with the requested scale.
    true = ROSEN.grad(a.xs[:-1])
    assert np.std(a.grads - true) == pytest.approx(1.0, rel=0.25)


def test_convergence_by_gradient_norm_and_by_loss_gap():
    bowl = optim.get_objective("quadratic", a=1, b=1)
    opt = optim.make_optimizer("gd", lr=0.25)  # halves the distance each step
    traj = optim.run(opt, bowl, x0=[1.0, 0.0], steps=30, tol=1e-3)
    # |grad| = 2 * 0.5^k <= 1e-3 first at k = 11
    assert traj.converged_at == 11
    gap = optim.run(opt, bowl, x0=[1.0, 0.0], steps=30, tol=1e-6, criterion="loss_gap")
    assert gap.converged_at == 10  # 0.25^k <= 1e-6 first at k = 10
    assert optim.run(opt, bowl, x0=[1.0, 0.0], steps=5, tol=1e-3).converged_at == -1
    with pytest.raises(ValueError, match="saddle has no known minimum"):
        optim.run(opt, "saddle", steps=5, tol=1e-3, criterion="loss_gap")


def test_a_run_that_leaves_the_tolerance_has_not_converged_until_it_stays():
    """The default Playground's RMSprop: within 1e-4 of the minimum at step 25, out again at 90 (its step
    grows as its average of squared gradients shrinks), back for good at 98."""
    bowl = optim.get_objective("quadratic", a=1, b=10)
    opt = optim.make_optimizer("rmsprop", lr=0.1, decay=0.9)
    for record in ("path", "final"):
        t = optim.run(opt, bowl, x0=[1.5, 1.5], steps=100, tol=1e-4, criterion="loss_gap", record=record)
        assert (t.reached_at, t.left_at, t.converged_at) == (25, 90, 98)
        short = optim.run(opt, bowl, x0=[1.5, 1.5], steps=95, tol=1e-4, criterion="loss_gap", record=record)
        assert (short.reached_at, short.left_at, short.converged_at) == (25, 90, -1)  # ends outside it
    path = optim.run(opt, bowl, x0=[1.5, 1.5], steps=100)
    gap = path.losses - bowl.f_min
    assert (gap[25:90] <= 1e-4).all() and gap[90] > 1e-4 and (gap[98:] <= 1e-4).all() and gap[97] > 1e-4


@settings(max_examples=40, deadline=None)
@given(lr=st.floats(1e-3, 2.0), decay=st.floats(0.0, 0.99), tol=st.floats(1e-8, 1.0))
def test_tolerance_steps_agree_between_the_path_and_the_summary_loop(lr, decay, tol):
    bowl = optim.get_objective("quadratic", a=1, b=10)
    opt = optim.make_optimizer("rmsprop", lr=lr, decay=decay)
    kw = dict(x0=[1.5, 1.5], steps=60, tol=tol, criterion="loss_gap")
    path, final = optim.run(opt, bowl, **kw), optim.run(opt, bowl, record="final", **kw)
    assert (path.reached_at, path.left_at, path.converged_at) == (final.reached_at, final.left_at, final.converged_at)
    gap = path.losses - bowl.f_min
    within = gap <= tol
    if path.converged_at >= 0:
        assert within[path.converged_at:].all() and (path.converged_at == 0 or not within[path.converged_at - 1])
    else:
        assert not within[-1]
    if path.reached_at >= 0:
        assert within[path.reached_at] and not within[:path.reached_at].any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(steps=-1), "steps must be from 0 to 1,000,000"),
        (dict(steps=2.5), "steps must be a whole number"),
        (dict(x0=[1.0, 2.0, 3.0]), "x0 must have shape (2,) or (B, 2)"),
        (dict(x0=["a", "b"]), "x0 must be numbers"),
        (dict(x0=[np.inf, 0.0]), "x0 must be finite"),
        (dict(noise=-1.0), "noise must be a finite number >= 0"),
        (dict(tol=0.0), "tol must be a positive number"),
        (dict(record="all"), "record must be one of path, final"),
        (dict(criterion="other"), "criterion must be one of grad_norm, loss_gap"),
    ],
)
def test_bad_run_arguments_raise_a_clear_value_error(kwargs, message):
    with pytest.raises(ValueError) as err:
        optim.run(optim.make_optimizer("gd"), ROSEN, **({"steps": 5} | kwargs))
    assert message in str(err.value)


def test_mismatched_batch_sizes_are_refused():
    with pytest.raises(ValueError, match="3 start points but the hyperparameters have 2 values"):
        optim.run(optim.make_optimizer("gd", lr=[0.1, 0.2]), ROSEN, x0=np.zeros((3, 2)), steps=1)


def test_rmsprop_teaching_state_is_what_the_article_describes():
    bowl = optim.get_objective("quadratic", a=5, b=7)
    for eps_in_sqrt in (True, False):
        opt = optim.make_optimizer("rmsprop", lr=0.1, decay=0.9, eps=1e-8, eps_in_sqrt=eps_in_sqrt)
        traj = optim.run(opt, bowl, x0=[-4.0, 3.0], steps=20)
        v = traj.state["sq_avg"]
        expected_v = np.zeros(2)
        for k in range(20):
            expected_v = 0.9 * expected_v + 0.1 * traj.grads[k] ** 2
            np.testing.assert_allclose(v[k], expected_v, rtol=1e-14)
        lr_eff = 0.1 / (np.sqrt(v + 1e-8) if eps_in_sqrt else np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(traj.effective_lr, lr_eff, rtol=1e-14)
        np.testing.assert_allclose(traj.updates, -traj.effective_lr * traj.grads, rtol=1e-12)


def test_adam_effective_lr_times_m_hat_is_the_step():
    opt = optim.make_optimizer("adam", lr=0.05)
    traj = optim.run(opt, ROSEN, steps=40)
    t = np.arange(1, 41)[:, None]
    m_hat = traj.state["m"] / (1 - 0.9**t)
    np.testing.assert_allclose(traj.updates, -traj.effective_lr * m_hat, rtol=1e-10)


def test_gd_effective_lr_is_the_learning_rate():
    traj = optim.run(optim.make_optimizer("gd", lr=0.0005), ROSEN, steps=5)
    assert (traj.effective_lr == 0.0005).all()
    assert traj.state == {}


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(1e-4, 0.2), x=st.floats(-2, 2), y=st.floats(-1, 3))
def test_batch_of_one_equals_single_run(lr, x, y):
    opt = optim.make_optimizer("rmsprop", lr=lr, centered=True, momentum=0.5)
    single = optim.run(opt, ROSEN, x0=[x, y], steps=25)
    batch = optim.run(opt, ROSEN, x0=[[x, y]], steps=25)
    np.testing.assert_array_equal(batch.xs[:, 0], single.xs)

"""Sweeps, basin maps and fair tuning: batched views that must equal the single runs they stand for."""

import numpy as np
import pytest

import optim


def test_sweep_cells_equal_single_runs():
    s = optim.sweep("rmsprop", "rosenbrock", lr=np.geomspace(1e-3, 0.5, 7), second=[0.5, 0.9, 0.999],
                    steps=150, tol=1e-2)
    assert s.final_loss.shape == (3, 7) and s.y_name == "decay"
    for row in range(3):
        for col in range(7):
            single = optim.run(optim.make_optimizer("rmsprop", **s.config(row, col)), "rosenbrock",
                               steps=150, tol=1e-2)
            assert s.final_loss[row, col] == single.final_loss or np.isnan(single.final_loss)
            assert s.converged_at[row, col] == single.converged_at
            assert s.diverged_at[row, col] == single.diverged_at


def test_sweep_marks_divergence_and_keeps_fixed_settings():
    s = optim.sweep("sgd", optim.get_objective("quadratic", a=1, b=10), lr=[0.01, 0.05, 0.2],
                    second=[0.0, 0.9], steps=100, nesterov=True)
    assert (s.diverged_at[:, 2] > 0).all()  # lr 0.2 > 2 / 20: unstable along y
    assert (s.diverged_at[:, 0] == -1).all()
    assert s.config(1, 0) == {"nesterov": True, "lr": 0.01, "momentum": 0.9}


def test_sweep_of_an_optimizer_without_a_second_hyperparameter_is_one_row():
    s = optim.sweep("gd", "booth", lr=np.geomspace(1e-3, 0.1, 5), steps=50)
    assert s.final_loss.shape == (1, 5) and s.y_name is None
    assert s.config(0, 4) == {"lr": 0.1}


def test_default_sweep_is_a_60_by_60_grid():
    s = optim.sweep("adam", "beale", steps=20)
    assert s.final_loss.shape == (60, 60)
    assert s.y_values.min() == 0.0 and s.y_values.max() == pytest.approx(0.999)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: optim.sweep("rmsprop", "rosenbrock", lr=[], steps=10), "sweep is empty"),
        (lambda: optim.sweep("rmsprop", "rosenbrock", lr=np.geomspace(1e-4, 1, 300),
                             second=np.linspace(0, 0.99, 300), steps=1000), "the limit is 26,214,400"),
        (lambda: optim.sweep("rmsprop", "rosenbrock", lr=[0.0, 0.1], steps=10), "lr = 0 is out of range"),
        (lambda: optim.sweep("nope", "rosenbrock"), "unknown optimizer 'nope'"),
        (lambda: optim.basins(optim.make_optimizer("gd"), "saddle"), "saddle has no known minima"),
        (lambda: optim.basins(optim.make_optimizer("gd"), "himmelblau", resolution=1), "at least 2"),
        (lambda: optim.basins(optim.make_optimizer("gd"), "himmelblau", resolution=2000), "the limit is"),
        (lambda: optim.tune("adam", "beale", budget=0), "budget must be a whole number from 1 to 400"),
    ],
)
def test_bad_grids_get_a_clear_message_with_the_limits(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        call()


@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel", "rastrigin", "styblinski_tang"])
def test_basin_labels_equal_single_run_outcomes(name):
    opt = optim.make_optimizer("adam", lr=0.05)
    m = optim.basins(opt, name, resolution=(30, 20), steps=300, tol=1e-3)
    assert m.labels.shape == (20, 30)
    rng = np.random.default_rng(1)
    for i, j in zip(rng.integers(0, 20, 12), rng.integers(0, 30, 12), strict=True):
        single = optim.run(opt, name, x0=[m.xs[j], m.ys[i]], steps=300, tol=1e-3)
        if single.diverged:
            assert m.labels[i, j] == optim.DIVERGED
            continue
        idx, dist = m.objective.nearest_minimum(single.final_x)
        assert m.labels[i, j] == (idx if dist <= m.radius else optim.NOT_CONVERGED)
        if m.labels[i, j] >= 0:
            assert m.steps_to_converge[i, j] == single.converged_at


def test_himmelblau_basins_split_among_its_four_minima():
    m = optim.basins(optim.make_optimizer("gd", lr=0.01), "himmelblau", resolution=60, steps=300)
    share = m.share()
    assert set(share) == {0, 1, 2, 3}
    assert all(0.15 < share[k] < 0.35 for k in range(4))
    # Each minimum's own location is in its own basin.
    for k, mn in enumerate(m.objective.minima):
        j, i = np.abs(m.xs - mn.x).argmin(), np.abs(m.ys - mn.y).argmin()
        assert m.labels[i, j] == k


def test_tuning_gives_every_optimizer_the_same_budget_and_starts():
    a = optim.tune("adam", "rosenbrock", budget=16, n_starts=4, steps=150, seed=3)
    g = optim.tune("gd", "rosenbrock", budget=16, n_starts=4, steps=150, seed=3)
    assert len(a.candidates) == len(g.candidates) == 16
    np.testing.assert_array_equal(a.starts, g.starts)
    assert set(a.best) == {"lr", "beta1"} and set(g.best) == {"lr"}
    lrs = np.array([c["lr"] for c in a.candidates])
    assert lrs.min() >= 1e-4 and lrs.max() <= 1.0 and lrs.max() / lrs.min() > 100


def test_tuning_score_is_the_median_gap_with_divergence_as_infinity():
    t = optim.tune("sgd", optim.get_objective("quadratic", a=1, b=10), budget=12, n_starts=5, steps=100)
    for i, c in enumerate(t.candidates):
        runs = optim.run(optim.make_optimizer("sgd", **c), t.objective, t.starts, 100)
        gaps = np.where(runs.diverged_at >= 0, np.inf, runs.final_loss)
        assert t.scores[i] == np.median(gaps)
        assert t.diverged_share[i] == np.mean(runs.diverged_at >= 0)
    rows = t.rows()
    assert rows[0]["score"] == t.scores[t.best_index] == t.scores.min()
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)

"""Learning rates by step: where a rate jumped (and only there), the marks on the loss panel, the small chart."""

from __future__ import annotations

import doctest

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
import viz.rates
from viz import Series, linked_figure, loss_figure
from viz.bands import Band, band_figure
from viz.rates import LABEL_GAP, LABELLED, rate_changes, rate_figure, rate_marks


def test_doctests():
    assert doctest.testmod(viz.rates).failed == 0


def rates(schedule: str, flavor: str, steps: int, optimizer: str = "sgd", **params) -> np.ndarray:
    opt = optim.make_optimizer(optimizer, flavor, lr=0.1, schedule=optim.make_schedule(schedule, **params))
    stepper = optim.Stepper(opt, steps)
    for k in range(steps):
        stepper.hyperparameters(k)
    return stepper.used["lr"]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.floats(0.01, 0.85), st.sampled_from(["torch", "keras", "optax"]))
def test_a_step_decay_is_marked_at_every_drop_and_nowhere_else(step_size, gamma, flavor):
    lr = rates("step", flavor, 200, step_size=step_size, gamma=gamma)
    changes = rate_changes(lr)
    drops = [k for k in range(step_size, 200, step_size) if lr[k - 1] > 0]  # optax's float32 rate ends at 0
    assert [k for k, _, _ in changes] == drops and drops[0] == step_size
    for k, before, after in changes:
        assert (before, after) == (lr[k - 1], lr[k])


SMOOTH = [
    ("exponential", dict(gamma=0.5)), ("exponential", dict(gamma=0.97)),
    ("cosine", dict(t_max=50)), ("cosine", dict(t_max=300, eta_min=1e-3)),
    ("linear", dict(start_factor=0.25, total_iters=40)),
    ("polynomial", dict(total_iters=150, power=2.0)),
    ("warmup_cosine", dict(warmup_steps=20, t_max=100)),
]


@pytest.mark.parametrize("flavor", ["torch", "keras", "optax"])
@pytest.mark.parametrize(("schedule", "params"), SMOOTH, ids=[f"{s}-{i}" for i, (s, _) in enumerate(SMOOTH)])
def test_a_schedule_that_drifts_is_never_marked(schedule, params, flavor):
    """However far a cosine or an exponential falls, each step changes the rate about as much as its neighbours."""
    assert rate_changes(rates(schedule, flavor, 200, **params)) == []


@pytest.mark.parametrize(("flavor", "params"), [("torch", dict(total_steps=200)),
                                                ("torch", dict(total_steps=200, anneal_strategy="linear")),
                                                ("optax", dict(total_steps=200)),
                                                ("optax", dict(total_steps=200, anneal_strategy="linear",
                                                               three_phase=True))])
def test_one_cycle_is_never_marked(flavor, params):
    assert rate_changes(rates("one_cycle", flavor, 200, **params)) == []


@pytest.mark.parametrize("flavor", ["torch", "keras", "optax"])
def test_warm_restarts_are_marked_going_up(flavor):
    lr = rates("cosine_restarts", flavor, 200, t_0=30, t_mult=2)
    changes = rate_changes(lr)
    assert [k for k, _, _ in changes] == [30, 90]
    assert all(after > 10 * before for _, before, after in changes)


def test_nan_steps_after_a_divergence_are_not_marks():
    lr = np.array([0.1, 0.1, 0.01, 0.01, np.nan, np.nan])
    assert rate_changes(lr) == [(2, 0.1, 0.01)]
    assert rate_changes([0.1]) == [] and rate_changes(np.full(5, np.nan)) == []


def run(opt, steps=100):
    return optim.run(opt, "quadratic", x0=[1.5, 1.5], steps=steps)


def test_marks_are_thin_lines_for_every_jump_and_a_few_spaced_labels():
    step = optim.make_schedule("step", step_size=5, gamma=0.5)
    s1 = Series("GD", "#0072b2", run(optim.make_optimizer("gd", lr=0.05, schedule=step)))
    s2 = Series("Adam", "#d55e00", run(optim.make_optimizer("adam", lr=0.05)))
    shapes, notes = rate_marks([s1, s2], "x2", "y2")
    assert [s["x0"] for s in shapes] == list(range(5, 100, 5))
    assert {s["line"]["color"] for s in shapes} == {"#0072b2"} and all(s["line"]["width"] == 1 for s in shapes)
    assert all(s["xref"] == "x2" and s["yref"] == "y2 domain" for s in shapes)
    xs = [a["x"] for a in notes]
    assert 0 < len(xs) <= LABELLED and np.all(np.diff(xs) >= LABEL_GAP * 100)
    assert notes[0]["text"] == "lr ×0.5" and "GD: learning rate 0.05 → 0.025 from step 5" in notes[0]["hovertext"]


def test_each_series_labels_its_own_row():
    a = Series("A", "#0072b2", run(optim.make_optimizer("gd", lr=0.05, schedule=optim.make_schedule(
        "step", step_size=30))))
    b = Series("B", "#d55e00", run(optim.make_optimizer("gd", lr=0.05, schedule=optim.make_schedule(
        "step", step_size=40, gamma=0.5))))
    _, notes = rate_marks([a, b])
    rows = {note["bordercolor"]: note["yshift"] for note in notes}
    assert rows.keys() == {"#0072b2", "#d55e00"} and len(set(rows.values())) == 2  # framed in its series' colour


def test_the_loss_figure_keeps_the_step_line_first_and_marks_after_it():
    s = Series("GD", "#0072b2", run(optim.make_optimizer("gd", lr=0.05, schedule=optim.make_schedule(
        "step", step_size=30))))
    fig = loss_figure([s], step=10)
    names = [sh["name"] for sh in fig["layout"]["shapes"]]
    assert names == ["step-line", "rate-change", "rate-change", "rate-change"]
    go.Figure(data=fig["data"], layout=fig["layout"])  # plotly accepts the marks
    linked = linked_figure(s.traj.objective, [s], 10, steps=100)
    assert [sh["name"] for sh in linked["layout"]["shapes"]] == names  # the step table moves shape 0
    for narrow in linked["narrow"]:  # the labels follow the loss panel wherever it goes
        assert sum(a.get("name") == "rate-change" for a in narrow["layout"]["annotations"]) == 3
    go.Figure(data=linked["data"], layout=linked["layout"])


def test_a_plateau_reduction_is_marked_where_the_run_reduced_it():
    opt = optim.make_optimizer("adam", lr=0.1, schedule=optim.make_schedule("reduce_on_plateau", patience=3))
    t = run(opt, 80)
    drops = list(np.flatnonzero(np.diff(t.lr)) + 1)
    assert drops
    shapes, _ = rate_marks([Series("Adam", "#0072b2", t)])
    assert [s["x0"] for s in shapes] == drops


def test_the_rate_chart_is_log_when_the_rate_spans_decades_with_a_panel_for_the_cycled_momentum():
    fig = rate_figure(rates("step", "torch", 100, step_size=20), "#0072b2")
    assert fig["layout"]["yaxis"]["type"] == "log" and len(fig["data"]) == 1
    fig = rate_figure(rates("cosine", "torch", 101, t_max=100), "#0072b2")  # down to 0 at step 100
    assert fig["layout"]["yaxis"]["type"] == "linear"
    assert rate_figure(rates("cosine", "torch", 100, t_max=100), "#0072b2", log=False)["layout"]["yaxis"][
        "type"] == "linear"
    assert rate_figure(rates("cosine", "torch", 101, t_max=100), "#0072b2", log=True)["layout"]["yaxis"][
        "type"] == "linear"  # no log axis for a rate of 0
    opt = optim.make_optimizer("sgd", "torch", momentum=0.9, schedule=optim.make_schedule("one_cycle", total_steps=50))
    stepper = optim.Stepper(opt, 50)
    for k in range(50):
        stepper.hyperparameters(k)
    fig = rate_figure(stepper.used["lr"], "#0072b2", cycled=("momentum", stepper.used["momentum"]), height=170)
    assert fig["layout"]["height"] == 170 + viz.rates.CYCLED_HEIGHT
    top, bottom = fig["layout"]["yaxis"]["domain"], fig["layout"]["yaxis2"]["domain"]
    assert bottom[1] < top[0]  # the momentum's panel sits under the rate's
    assert fig["data"][1]["yaxis"] == "y2" and fig["layout"]["xaxis"]["anchor"] == "y2"
    go.Figure(data=fig["data"], layout=fig["layout"])


def test_the_noise_bands_take_the_same_marks():
    s = Series("GD", "#0072b2", run(optim.make_optimizer("gd", lr=0.05, schedule=optim.make_schedule(
        "step", step_size=30))))
    band = Band("GD", "#0072b2", np.tile(s.traj.losses[:, None], (1, 4)))
    fig = band_figure([band], f_min=0.0, marks=rate_marks([s]))
    assert [sh["x0"] for sh in fig["layout"]["shapes"]] == [30, 60, 90]
    assert sum(a.get("name") == "rate-change" for a in fig["layout"]["annotations"]) == 3
    go.Figure(data=fig["data"], layout=fig["layout"])

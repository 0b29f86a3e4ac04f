"""viz.anatomy: the per-coordinate quantities match the core's buffers, and the figures draw them faithfully."""

from __future__ import annotations

import math

import numpy as np
import pytest
from figure_helpers import as_figure

import optim
import viz
from viz.anatomy import ROWS, anatomy_figure, inside
from viz.memory import memory_weights_figure
from viz.row_grid import BANDS, CHAR_PX, LEGEND_PX, wrap_sentence
from viz.valley import path_box, valley_map

VALLEY = optim.get_objective("quadratic", a=0.1, b=5)


def run(name, steps=60, objective=VALLEY, x0=(9.0, -3.0), flavor="textbook", **hp):
    return optim.run(optim.make_optimizer(name, flavor, **hp), objective, x0=list(x0), steps=steps)


def series(traj, label="run", color="#0072b2"):
    return viz.Series(label, color, traj)


def traces(fig, meta):
    return [t for t in fig.data if t.meta == meta]


# ---------------------------------------------------------------- inside(): what each optimizer remembers


def test_rmsprop_memory_is_its_squared_gradient_average_and_lr_divides_by_its_root():
    t = run("rmsprop", lr=0.1, decay=0.9, eps=1e-8)
    q = inside(t)
    np.testing.assert_array_equal(q.second, t.state["sq_avg"])
    assert q.second_label == "v" and q.first is None
    # v_t = 0.9 v_{t-1} + 0.1 g_t^2, from v_0 = 0
    v = np.zeros(2)
    for k, g in enumerate(t.grads):
        v = 0.9 * v + 0.1 * g**2
        np.testing.assert_allclose(q.second[k], v, rtol=1e-13)
    np.testing.assert_allclose(q.denominator, np.sqrt(q.second + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(q.step, np.diff(t.xs, axis=0))
    np.testing.assert_allclose(q.plain_step, -0.1 * t.grads)


def test_epsilon_outside_the_root_changes_the_denominator():
    t = run("rmsprop", lr=0.1, decay=0.9, eps=1e-4, eps_in_sqrt=False)
    q = inside(t)
    np.testing.assert_allclose(q.denominator, np.sqrt(q.second) + 1e-4, rtol=1e-12)


def test_adagrad_memory_is_the_running_sum_and_its_learning_rate_only_falls():
    t = run("adagrad", steps=300, lr=0.1)
    q = inside(t)
    np.testing.assert_allclose(q.second, np.cumsum(t.grads**2, axis=0), rtol=1e-12)
    assert q.second_label == "Σg²"
    assert (np.diff(q.effective_lr, axis=0) <= 0).all()


def test_adam_moments_are_bias_corrected_as_the_update_uses_them():
    t = run("adam", lr=0.1, beta1=0.8, beta2=0.99)
    q = inside(t)
    steps = np.arange(1, len(t.grads) + 1)[:, None]
    np.testing.assert_allclose(q.first, t.state["m"] / (1 - 0.8**steps), rtol=1e-12)
    np.testing.assert_allclose(q.second, t.state["v"] / (1 - 0.99**steps), rtol=1e-12)
    assert (q.first_label, q.second_label) == ("m̂", "v̂")
    np.testing.assert_allclose(q.first[0], t.grads[0], rtol=1e-12)
    np.testing.assert_allclose(q.second[0], t.grads[0] ** 2, rtol=1e-12)
    # the step is the effective learning rate times m-hat
    np.testing.assert_allclose(q.step, -q.effective_lr * q.first, rtol=1e-9)


def test_adamax_memory_is_its_infinity_norm_squared():
    t = run("adamax", lr=0.1)
    np.testing.assert_allclose(inside(t).second, t.state["u"] ** 2)


def test_ewma_momentum_shows_the_velocity_it_steps_along():
    on = inside(run("ewma_momentum", lr=0.1, momentum=0.9, bias_correction=True))
    off = inside(run("ewma_momentum", lr=0.1, momentum=0.9, bias_correction=False))
    np.testing.assert_allclose(on.first[0], on.grad[0])  # m-hat_1 = g_1
    np.testing.assert_allclose(off.first[0], 0.1 * off.grad[0])  # m_1 = (1 - beta) g_1
    np.testing.assert_allclose(on.step, -0.1 * on.first, rtol=1e-12)
    assert on.second is None and (on.first_label, off.first_label) == ("m̂", "m")


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
def test_every_optimizer_and_flavor_gives_full_shapes(name):
    for flavor in optim.OPTIMIZERS[name].flavors:
        q = inside(run(name, steps=20, flavor=flavor))
        for a in (q.grad, q.effective_lr, q.step, q.plain_step):
            assert a.shape == (20, 2)
        for a in (q.first, q.second):
            assert a is None or a.shape == (20, 2)


def test_inside_refuses_a_batch():
    t = optim.run(optim.make_optimizer("rmsprop", lr=[0.1, 0.2]), VALLEY, x0=[1.0, 1.0], steps=5)
    with pytest.raises(ValueError, match="single run"):
        inside(t)


# ---------------------------------------------------------------- anatomy_figure


def test_anatomy_figure_draws_each_row_for_each_series_and_coordinate():
    runs = [series(run("adagrad", lr=0.1), "AdaGrad", "#cc79a7"),
            series(run("rmsprop", lr=0.1, decay=0.9), "RMSprop", "#e69f00"),
            series(run("adam", lr=0.1), "Adam", "#882255")]
    fig = as_figure(anatomy_figure(runs))
    assert len(traces(fig, "grad")) == 6 and len(traces(fig, "second")) == 6
    assert len(traces(fig, "lr")) == 6 and len(traces(fig, "step")) == 6
    assert len(traces(fig, "plain-step")) == 6
    assert len(traces(fig, "first")) == 2  # only Adam keeps a running average of gradients
    # one legend entry per series, in its own colour everywhere
    assert sorted(t.name for t in fig.data if t.showlegend) == ["AdaGrad", "Adam", "RMSprop"]
    for t in fig.data:
        color = {"AdaGrad": "#cc79a7", "RMSprop": "#e69f00", "Adam": "#882255"}[t.name]
        assert t.line.color == color
    # log axes, x = steps 1..S, hover keeps the sign
    assert all(fig.layout[f"yaxis{'' if i == 1 else i}"].type == "log" for i in range(1, 9))
    grad = traces(fig, "grad")[0]
    assert list(grad.x) == list(range(1, 61))
    np.testing.assert_allclose(grad.customdata, runs[0].traj.grads[:, 0].astype(np.float32))
    np.testing.assert_allclose(grad.y, np.abs(runs[0].traj.grads[:, 0]).astype(np.float32), rtol=1e-6)


def test_anatomy_figure_row_and_column_titles_name_what_is_drawn():
    fig = as_figure(anatomy_figure([series(run("rmsprop", lr=0.1))], coords=("W (weight)", "b (bias)")))
    texts = [a.text for a in fig.layout.annotations]
    assert any("W (weight)" in t for t in texts) and any("b (bias)" in t for t in texts)
    assert any("Effective learning rate" in t for t in texts)
    assert fig.layout.yaxis.title.text == ROWS["grad"] and fig.layout.yaxis2.title.text == ""
    assert fig.layout.xaxis7.title.text == "step t"


def test_signed_values_on_linear_axes_show_the_zig_zag():
    bowl = optim.get_objective("quadratic", a=0.2, b=990)
    gd = run("gd", steps=50, objective=bowl, x0=(-1.2, 0.5), lr=0.001)
    fig = as_figure(anatomy_figure([series(gd)], rows=("step",), log=False, plain=False))
    b_step = traces(fig, "step")[1]
    assert fig.layout.yaxis2.type == "linear"
    assert (np.sign(b_step.y[1:]) != np.sign(b_step.y[:-1])).all()  # flips every step
    assert not traces(fig, "plain-step")


def test_zeros_leave_gaps_on_log_axes_instead_of_breaking_them():
    t = run("gd", steps=10, objective=optim.get_objective("quadratic"), x0=(0.0, 1.0), lr=0.01)
    fig = as_figure(anatomy_figure([series(t)], rows=("grad",)))
    x_grad = traces(fig, "grad")[0]
    assert np.isnan(np.asarray(x_grad.y, dtype=float)).all()  # gradient in x is exactly 0


def test_memory_row_can_show_g_squared_and_denominator_floors():
    t = run("rmsprop", lr=0.1)
    fig = as_figure(anatomy_figure([series(t)], rows=("second", "denominator"), g2=True,
                                   floors={"sqrt": (1e-4, "√ε"), "eps": (1e-8, "ε")}))
    g2 = traces(fig, "g2")
    assert len(g2) == 2 and g2[0].mode == "markers"
    np.testing.assert_allclose(g2[0].customdata, (t.grads[:, 0] ** 2).astype(np.float32), rtol=1e-6)
    floors = [s for s in fig.layout.shapes if (s.name or "").startswith("floor:")]
    assert len(floors) == 4
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("floor:")]
    assert sorted(a.y for a in labels) == [-8, -8, -4, -4]  # log10 of the floors, on log axes


def test_row_sentences_wrap_and_rows_make_room_on_narrow_charts():
    """In each width band the sentences over the rows wrap to fit the band's narrowest chart, every row keeps
    its own band of height below the previous row's sentence, and the columns stay apart."""
    fig = anatomy_figure([series(run("rmsprop", lr=0.1))])
    assert [a["below"] for a in fig["narrow"]] == [b for b, _, _ in BANDS]
    for (_, narrowest, _), arrangement in zip(BANDS, fig["narrow"], strict=True):
        layout = arrangement["layout"]
        rows = [a for a in layout["annotations"] if a["name"].startswith("row:")]
        assert len(rows) == 4
        for a in rows:
            lines = a["text"].split("<br>")
            assert max(len(line) - len("<b></b>") for line in lines) * CHAR_PX <= narrowest - 80
        tops = [layout[f"yaxis{k}"]["domain"] for k in ("", "3", "5", "7")]
        assert all(upper[0] > lower[1] for upper, lower in zip(tops, tops[1:], strict=False))
        assert [a["y"] for a in rows] == [d[1] for d in tops]
        assert layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]
        def panel_px(lay, margin):
            return (lay["yaxis"]["domain"][1] - lay["yaxis"]["domain"][0]) * (
                lay["height"] - margin["t"] - margin["b"] - LEGEND_PX)
        wide = fig["layout"]
        assert panel_px(layout, {**wide["margin"], **layout["margin"]}) == pytest.approx(
            panel_px(wide, wide["margin"]), abs=2)  # the panels keep their height; the sentences get room
    assert wrap_sentence("one two three", 7) == ["one two", "three"]


def test_unknown_rows_are_refused():
    with pytest.raises(ValueError, match="unknown row"):
        anatomy_figure([], rows=("nope",))
    with pytest.raises(ValueError, match="at least one row"):
        anatomy_figure([], rows=())


# ---------------------------------------------------------------- memory weights, close-up maps


def test_memory_weights_follow_the_exponential_average():
    fig = as_figure(memory_weights_figure([0.5, 0.99], chosen=0.9, horizon=50))
    lines = {t.name: t for t in traces(fig, "weights")}
    assert list(lines) == ["β = 0.5", "β = 0.9", "β = 0.99"]
    np.testing.assert_allclose(lines["β = 0.9"].y[:3], [0.1, 0.09, 0.081], rtol=1e-6)
    assert lines["β = 0.9"].line.width > lines["β = 0.5"].line.width
    (half,) = traces(fig, "half-life")
    assert half.x[0] == pytest.approx(math.log(0.5) / math.log(0.9))
    assert traces(fig, "adagrad")[0].y[-1] == 1
    assert fig.layout.yaxis.type == "log"
    with pytest.raises(ValueError, match="between 0 and 1"):
        memory_weights_figure([1.0])


def test_path_box_holds_the_paths_and_the_minimum():
    bowl = optim.get_objective("quadratic", a=0.2, b=990)
    gd = series(run("gd", steps=100, objective=bowl, x0=(-1.2, 0.5), lr=0.001))
    (x0, x1), (y0, y1) = path_box([gd], include=[(0.0, 0.0)], margin=0.0)
    assert x0 == pytest.approx(-1.2) and x1 == pytest.approx(0.0)
    assert y1 == pytest.approx(0.5) and y0 < -0.45
    fig = as_figure(valley_map(bowl, [gd], ("W (weight)", "b (bias)")))
    assert fig.layout.xaxis.title.text == "W (weight)" and fig.layout.yaxis.title.text == "b (bias)"
    assert fig.layout.xaxis.range[1] > 0  # the minimum at W = 0 is on the map


def test_a_diverged_path_does_not_blow_up_the_close_up():
    bowl = optim.get_objective("quadratic", a=0.2, b=990)
    gd = series(run("gd", steps=300, objective=bowl, x0=(-1.2, 0.5), lr=0.002))
    rms = series(run("rmsprop", steps=300, objective=bowl, x0=(-1.2, 0.5), lr=0.002, decay=0.9))
    assert gd.traj.diverged_at >= 0
    (x0, x1), (y0, y1) = path_box([gd, rms], include=[(0.0, 0.0)])
    assert x1 - x0 < 2 and y1 - y0 < 2
    fig = as_figure(valley_map(bowl, [gd, rms]))
    assert traces(fig, "exit")  # gradient descent's path leaves the map at its edge

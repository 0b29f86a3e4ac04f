"""viz.loss_figure: loss against step, its axis, and the marks for divergence, convergence and the step.

Tested on the traces and layout: the curves are the recorded losses, the axis is logarithmic only when the
values allow it (f - f* floored above zero), and a divergence, a convergence or a run that left its tolerance
is marked at the step where it happened.
"""

import numpy as np
from figure_helpers import by_meta, loss_figure, one
from viz_runs import BOWL, ROSEN, X0, run

import optim
import viz

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


def test_loss_curves_are_step_against_loss(bowl_series):
    fig = loss_figure(bowl_series)
    for s in bowl_series:
        curve = one(fig, "loss", s.label)
        np.testing.assert_array_equal(np.asarray(curve.x), np.arange(101))
        np.testing.assert_array_equal(np.asarray(curve.y, dtype=float), s.traj.losses)
        assert "step" in curve.hovertemplate
    assert fig.layout.xaxis.title.text == "step" and fig.layout.yaxis.title.text == "loss"


def test_loss_axis_is_log_for_rosenbrock_and_linear_for_a_small_range():
    t = run("adam", ROSEN, x0=[-1.5, 2.0], steps=1000, lr=0.05)
    rosen = loss_figure([viz.Series("Adam", "#0072b2", t)], f_min=ROSEN.f_min)
    assert rosen.layout.yaxis.type == "log"
    assert rosen.layout.yaxis.title.text == "f − f*"
    slow = run("gd", steps=10, lr=0.001)  # loss from 24.75 to about 20: no decades
    flat = loss_figure([viz.Series("slow", "#0072b2", slow)])
    assert flat.layout.yaxis.type == "linear"
    # Negative losses cannot go on a log axis.
    camel = optim.get_objective("six_hump_camel")
    neg = run("adam", camel, x0=[0.5, -1.0], steps=300, lr=0.05)  # to the global minimum, f* = -1.03
    assert loss_figure([viz.Series("camel", "#0072b2", neg)]).layout.yaxis.type == "linear"
    # ...but f - f* can.
    gap = loss_figure([viz.Series("camel", "#0072b2", neg)], f_min=camel.f_min)
    assert gap.layout.yaxis.type == "log"


def test_loss_minus_f_min_is_floored_above_zero_on_a_log_axis():
    round_bowl = optim.get_objective("quadratic", a=1.0, b=1.0)
    t = run("gd", round_bowl, steps=20, lr=0.5)  # one Newton-like step: exactly 0.0 from step 1 on
    assert t.losses[-1] == 0.0
    fig = loss_figure([viz.Series("GD", "#0072b2", t)], f_min=0.0)
    y = np.asarray(one(fig, "loss").y, dtype=float)
    assert (y > 0).all() and fig.layout.yaxis.type == "log"


def test_divergence_is_shown_where_it_happened(diverging, bowl_series):
    fig = loss_figure([*bowl_series, diverging])
    curve = one(fig, "loss", diverging.label)
    assert len(curve.x) == 17 and np.isfinite(np.asarray(curve.y, dtype=float)).all()
    marker = one(fig, "diverged")
    assert marker.x[0] == 16 and marker.y[0] == diverging.traj.losses[16]  # not clipped away
    notes = [a.text for a in fig.layout.annotations]
    assert notes == ["diverged at step 17"]
    assert fig.layout.yaxis.type == "log"


def test_step_line_on_the_loss_chart(bowl_series):
    fig = loss_figure(bowl_series, step=30)
    (line,) = fig.layout.shapes
    assert line.name == "step-line" and line.x0 == line.x1 == 30


def test_converged_runs_are_marked():
    t = optim.run(optim.make_optimizer("gd", lr=0.05), BOWL, x0=X0, steps=200, tol=1e-3)
    assert t.converged_at > 0
    fig = loss_figure([viz.Series("GD", "#0072b2", t)])
    assert one(fig, "converged").x[0] == t.converged_at
    assert not by_meta(fig, "reached") and not by_meta(fig, "left")


def test_a_run_that_left_the_tolerance_is_marked_where_it_reached_left_and_converged():
    """The default Playground's RMSprop: within tolerance at step 25, out at 90, back for good at 98."""
    bowl = optim.get_objective("quadratic", a=1, b=10)
    t = optim.run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9), bowl, x0=X0, steps=100, tol=1e-4,
                  criterion="loss_gap")
    fig = loss_figure([viz.Series("RMSprop", "#0072b2", t)], f_min=bowl.f_min)
    assert [one(fig, m).x[0] for m in ("reached", "left", "converged")] == [25, 90, 98]
    assert "left the tolerance at step 90" in one(fig, "left").hovertemplate
    short = optim.run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9), bowl, x0=X0, steps=95, tol=1e-4,
                      criterion="loss_gap")
    fig = loss_figure([viz.Series("RMSprop", "#0072b2", short)], f_min=bowl.f_min)
    assert not by_meta(fig, "converged") and one(fig, "left").x[0] == 90


def test_a_narrow_log_axis_labels_each_tick_with_its_whole_value():
    """A diverged run makes the axis log while the others' range, which sets it, spans about a decade: plotly's own
    ticks read "2, 10, 5, 2" from the top (the top 2 is 20). Each label must say its tick's value."""
    diverging = viz.Series("GD", "#0072b2", run("gd", ROSEN, steps=200, lr=10.0))
    adam = viz.Series("Adam", "#c0306e", run("adam", ROSEN, steps=200, lr=0.0005))
    fig = loss_figure([diverging, adam], f_min=ROSEN.f_min)
    axis = fig.layout.yaxis
    assert axis.type == "log" and axis.tickmode == "array" and len(axis.tickvals) >= 3
    for value, text in zip(axis.tickvals, axis.ticktext, strict=True):
        mantissa, _, power = text.replace("−", "-").replace("</sup>", "").partition("×10<sup>")
        shown = float(mantissa) * 10.0 ** int(power) if power else float(mantissa.replace("10<sup>", "1e"))
        assert np.isclose(shown, value), (text, value)

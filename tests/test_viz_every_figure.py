"""What every figure (contour, surface, loss, small multiples) shares: the step markers, layout, size, edge cases.

These checks run the same inputs through all the figures because the behaviour must agree across them: the step
control's marker sits at the same step on every chart, the layout is readable and keeps its zoom over reruns,
the JSON stays small, long runs are thinned, and empty, zero-step, markup-laden or overflowing inputs draw
without breaking or warning.
"""

import json

import numpy as np
import plotly.graph_objects as go
from figure_helpers import by_meta, contour_figure, loss_figure, one, small_multiples, xy
from viz_runs import BOWL, ROSEN, X0, run

import optim
import viz
from viz import series

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


# ------------------------------------------------------------------ the step on every chart


def test_step_markers_are_at_the_step_on_every_chart(bowl_series, diverging):
    everyone = [*bowl_series, diverging]
    for step in [0, 7, 40, 10_000, -3]:
        figs = [contour_figure(BOWL, everyone, step, domain=BOWL.domain),
                viz.surface_figure(BOWL, everyone, step)]
        loss = loss_figure(everyone, step)
        for s in everyone:
            last = np.flatnonzero(np.isfinite(s.traj.losses))[-1]
            k = min(max(step, 0), last)
            for fig in figs:
                m = one(fig, "step-marker", s.label)
                assert (m.x[0], m.y[0]) == tuple(s.traj.xs[k]), (step, s.label)
            m = one(loss, "step-marker", s.label)
            assert (m.x[0], m.y[0]) == (k, s.traj.losses[k])
    assert diverging.traj.diverged_at == 17
    m = one(loss_figure([diverging], 50), "step-marker")
    assert m.x[0] == 16  # clamped to the last finite step


def test_no_step_markers_without_a_step(bowl_series):
    for fig in (contour_figure(BOWL, bowl_series), viz.surface_figure(BOWL, bowl_series),
                loss_figure(bowl_series)):
        assert not by_meta(fig, "step-marker")
    assert not loss_figure(bowl_series).layout.shapes


# ------------------------------------------------------------------ layout, size, edge cases


def test_layout_is_readable_and_survives_reruns(bowl_series):
    for fig in (contour_figure(BOWL, bowl_series), viz.surface_figure(BOWL, bowl_series),
                loss_figure(bowl_series)):
        assert isinstance(fig, go.Figure)
        assert fig.layout.legend.orientation == "h"
        assert fig.layout.uirevision
        assert fig.layout.margin.r <= 20 and fig.layout.margin.t <= 40
        assert fig.layout.height == 460
        assert len(fig.layout.title.text) <= 30
    assert loss_figure(bowl_series, height=300).layout.height == 300
    # the same inputs give the same uirevision, so zoom survives a rerun
    a, b = contour_figure(BOWL, bowl_series), contour_figure(BOWL, bowl_series, step=9)
    assert a.layout.uirevision == b.layout.uirevision


def test_figures_serialize_small(bowl_series):
    rosen = [viz.Series(f"s{i}", c, run("adam", ROSEN, x0=[-1.5, 2.0], steps=1000, lr=lr))
             for i, (lr, c) in enumerate(zip([0.01, 0.05, 0.1], viz.palette(3), strict=True))]
    assert len(contour_figure(ROSEN, rosen, step=10).to_json()) < 450_000
    assert len(viz.surface_figure(ROSEN, rosen, step=10).to_json()) < 250_000
    assert len(loss_figure(rosen, step=10).to_json()) < 120_000
    json.loads(contour_figure(BOWL, bowl_series).to_json())  # plain JSON, no custom types


def test_long_runs_are_thinned_but_keep_both_ends():
    t = run("gd", steps=20_000, lr=0.001)
    s = viz.Series("long", "#0072b2", t)
    path = one(contour_figure(BOWL, [s]), "path")
    assert len(path.x) <= series.MAX_DRAWN_POINTS and path.mode == "lines"
    np.testing.assert_allclose(xy(path)[[0, -1]], t.xs[[0, -1]], rtol=1e-6, atol=1e-30)
    curve = one(loss_figure([s]), "loss")
    assert len(curve.x) <= series.MAX_DRAWN_POINTS and curve.x[-1] == 20_000


def test_a_run_of_zero_steps_draws_a_point():
    t = run("gd", steps=0, lr=0.1)
    s = viz.Series("none", "#0072b2", t)
    fig = contour_figure(BOWL, [s], step=3)
    assert xy(one(fig, "end")).tolist() == xy(one(fig, "start")).tolist() == [X0]
    assert xy(one(fig, "step-marker")).tolist() == [X0]
    assert one(loss_figure([s], step=3), "step-marker").x[0] == 0


def test_empty_series_lists_still_draw_the_function():
    for fig in (contour_figure(BOWL, []), viz.surface_figure(BOWL, []), loss_figure([], step=3)):
        assert isinstance(fig, go.Figure) and fig.layout.showlegend is False


def test_labels_with_markup_do_not_break_hover():
    s = viz.Series("lr<0.1 & <b>bold</b>", "#0072b2", run("gd", steps=5, lr=0.1))
    t = one(contour_figure(BOWL, [s]), "path")
    assert t.name == s.label and "lr&lt;0.1 &amp; &lt;b&gt;" in t.hovertemplate


def test_figures_do_not_warn(recwarn, diverging):
    """Overflow and NaN handling stays silent (pytest turns RuntimeWarnings into errors here)."""
    gp = optim.get_objective("goldstein_price")
    t = run("gd", gp, x0=[-1.0, 1.5], steps=200, lr=0.01)
    assert t.diverged_at > 0
    s = viz.Series("GD", "#0072b2", t)
    contour_figure(gp, [s], step=1000)
    viz.surface_figure(gp, [s], step=1000)
    loss_figure([s, diverging], step=1000, f_min=gp.f_min)
    small_multiples(gp, [s])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]

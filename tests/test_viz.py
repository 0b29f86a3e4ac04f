"""viz: the figures, tested on the traces they produce (colours, markers, levels, axes)."""

import doctest
import json
import pathlib
import re
from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest
from figure_helpers import as_figure
from hypothesis import given, settings
from hypothesis import strategies as st
from viz_runs import BOWL, ROSEN, X0, run

import optim
import viz
from viz import colors, domain, layout, levels, losses, multiples, series, surface, theme, traces
from viz import loss_figure as viz_loss_figure
from viz import small_multiples as viz_small_multiples


def loss_figure(*args, **kwargs):
    """``viz.loss_figure``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_loss_figure(*args, **kwargs))


def small_multiples(*args, **kwargs):
    """``viz.small_multiples``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_small_multiples(*args, **kwargs))





@pytest.fixture(scope="module")
def bowl_series():
    """GD and RMSprop on the bowl; neither diverges."""
    runs = [("GD · lr=0.1", run("gd", lr=0.1)),
            ("RMSprop · lr=0.1, decay=0.9", run("rmsprop", lr=0.1, decay=0.9))]
    return [viz.Series(label, color, t) for (label, t), color in zip(runs, viz.palette(2), strict=True)]


@pytest.fixture(scope="module")
def diverging():
    """GD with lr=0.2 on the bowl: y is multiplied by -3 each step and passes 1e8 at step 17."""
    t = run("gd", lr=0.2)
    assert t.diverged_at == 17
    return viz.Series("GD · lr=0.2", "#d55e00", t)


def by_meta(fig, meta, label=None):
    return [t for t in fig.data if t.meta == meta and (label is None or t.name == label)]


def one(fig, meta, label=None):
    found = by_meta(fig, meta, label)
    assert len(found) == 1, f"expected one {meta!r} trace for {label!r}, found {len(found)}"
    return found[0]


def xy(trace):
    return np.column_stack([np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)])


# ------------------------------------------------------------------ palette and Series


def test_palette_is_stable_distinct_hex_and_cycles():
    p = viz.palette(12)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in p)
    assert len(set(p)) == 12
    assert viz.palette(3) == p[:3]  # index i is always the same colour
    assert viz.palette(30)[12:24] == p
    assert viz.palette(0) == []
    with pytest.raises(ValueError):
        viz.palette(-1)


def test_series_rejects_a_batch_and_a_summary():
    batch = optim.run(optim.make_optimizer("gd", lr=[0.1, 0.2]), BOWL, x0=X0, steps=5)
    with pytest.raises(ValueError, match="single run"):
        viz.Series("batch", "#000000", batch)
    summary = optim.run(optim.make_optimizer("gd", lr=0.1), BOWL, x0=X0, steps=5, record="final")
    with pytest.raises(ValueError, match="record='path'"):
        viz.Series("summary", "#000000", summary)


# ------------------------------------------------------------------ one colour per series everywhere


def test_each_series_has_one_colour_and_name_on_all_three_charts(bowl_series):
    figs = {
        "contour": viz.contour_figure(BOWL, bowl_series, step=5),
        "surface": viz.surface_figure(BOWL, bowl_series, step=5),
        "loss": loss_figure(bowl_series, step=5),
    }
    for s in bowl_series:
        for kind, fig in figs.items():
            mine = [t for t in fig.data if t.legendgroup == s.label]
            assert mine, f"{kind} has no trace for {s.label}"
            assert {t.name for t in mine} == {s.label}
            for t in mine:
                line = getattr(t, "line", None)
                if t.mode and "lines" in t.mode:
                    assert line.color == s.color, (kind, t.meta)
                assert t.marker.color == s.color, (kind, t.meta)
            # exactly one legend entry per series, the path (or loss curve)
            shown = [t for t in mine if t.showlegend is not False]
            assert len(shown) == 1 and shown[0].meta in ("path", "loss")


def test_trace_counts_per_series(bowl_series, diverging):
    fig = viz.contour_figure(BOWL, [*bowl_series, diverging], domain=BOWL.domain)
    for s in bowl_series:
        assert sorted(t.meta for t in fig.data if t.legendgroup == s.label) == ["end", "path", "start"]
    # a diverged run: no end square but a diverged marker, and it leaves the map so an exit arrow
    assert sorted(t.meta for t in fig.data if t.legendgroup == diverging.label) == [
        "diverged", "exit", "path", "start"]
    with_step = viz.contour_figure(BOWL, bowl_series, step=3)
    for s in bowl_series:
        assert len([t for t in with_step.data if t.legendgroup == s.label]) == 4
    surf = viz.surface_figure(BOWL, bowl_series)
    for s in bowl_series:
        assert sorted(t.meta for t in surf.data if t.legendgroup == s.label) == ["end", "path", "start"]


# ------------------------------------------------------------------ contour map


def test_contour_start_and_end_markers_sit_on_the_path(bowl_series):
    fig = viz.contour_figure(BOWL, bowl_series)
    for s in bowl_series:
        xs = s.traj.xs
        np.testing.assert_array_equal(xy(one(fig, "start", s.label)), xs[:1])
        np.testing.assert_array_equal(xy(one(fig, "end", s.label)), xs[-1:])
        path = xy(one(fig, "path", s.label))
        np.testing.assert_allclose(path, xs, rtol=1e-6, atol=1e-30)  # drawn in float32
        assert one(fig, "path", s.label).line.color == s.color


def test_contour_uses_the_given_domain_and_equal_scale():
    fig = viz.contour_figure(BOWL, [], domain=((-2, 2), (-1, 1)))
    assert tuple(fig.layout.xaxis.range) == (-2, 2) and tuple(fig.layout.yaxis.range) == (-1, 1)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"
    contour = one(fig, "contour")
    assert contour.x[0] == -2 and contour.x[-1] == 2 and contour.y[0] == -1 and contour.y[-1] == 1
    elongated = viz.contour_figure(BOWL, [], domain=((-10, 10), (-1, 1)))
    assert elongated.layout.yaxis.scaleanchor is None  # 20:1 would squash the plot into a strip
    with pytest.raises(ValueError):
        viz.contour_figure(BOWL, [], domain=((1, -1), (0, 1)))


def test_step_markers_are_at_the_step_on_every_chart(bowl_series, diverging):
    everyone = [*bowl_series, diverging]
    for step in [0, 7, 40, 10_000, -3]:
        figs = [viz.contour_figure(BOWL, everyone, step, domain=BOWL.domain),
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
    for fig in (viz.contour_figure(BOWL, bowl_series), viz.surface_figure(BOWL, bowl_series),
                loss_figure(bowl_series)):
        assert not by_meta(fig, "step-marker")
    assert not loss_figure(bowl_series).layout.shapes


def test_minima_are_marked_global_bigger_than_local():
    camel = optim.get_objective("six_hump_camel")
    fig = viz.contour_figure(camel, [])
    glob, loc = one(fig, "minima-global"), one(fig, "minima-local")
    assert len(glob.x) == 2 and len(loc.x) == 4
    assert glob.marker.symbol == loc.marker.symbol == "star"
    assert glob.marker.size > loc.marker.size
    assert {(m.x, m.y) for m in camel.minima if m.is_global} == set(zip(glob.x, glob.y, strict=True))


def test_rastrigin_draws_only_its_global_minimum():
    rastrigin = optim.get_objective("rastrigin")
    assert len(rastrigin.minima) == 121
    fig = viz.contour_figure(rastrigin, [])
    assert (one(fig, "minima-global").x, one(fig, "minima-global").y) == ((0.0,), (0.0,))
    assert not by_meta(fig, "minima-local")


def test_saddle_has_no_minima_markers():
    fig = viz.contour_figure(optim.get_objective("saddle"), [])
    assert not by_meta(fig, "minima-global") and not by_meta(fig, "minima-local")


def test_diverged_run_ends_at_its_last_finite_point_with_a_marker(diverging):
    t = diverging.traj
    fig = viz.contour_figure(BOWL, [diverging], domain=BOWL.domain)
    marker = one(fig, "diverged")
    np.testing.assert_array_equal(xy(marker), t.xs[16:17])
    assert marker.marker.symbol == "x"
    assert "diverged at step 17" in marker.hovertemplate
    assert not by_meta(fig, "end")
    # The line stops where the path leaves the map for good; the exit segment ends on the edge.
    path, exit_ = xy(one(fig, "path")), one(fig, "exit")
    assert np.isfinite(path).all()
    assert (np.abs(path) <= 5).all()
    edge = xy(exit_)[-1]
    assert np.isclose(np.abs(edge).max(), 5.0)
    np.testing.assert_allclose(xy(exit_)[0], path[-1], rtol=1e-6)
    assert "diverged at step 17" in exit_.text[-1]
    # With room to show the whole path (a huge explicit domain) there is no exit arrow.
    big = viz.contour_figure(BOWL, [diverging], domain=((-1e8, 1e8), (-1e8, 1e8)))
    assert not by_meta(big, "exit")
    np.testing.assert_allclose(xy(one(big, "path")), t.xs[:17], rtol=1e-6)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau", "goldstein_price", "three_hump_camel"])
def test_wide_range_functions_get_log_levels_read_in_real_values(name):
    obj = optim.get_objective(name)
    fig = viz.contour_figure(obj, [])
    bar = one(fig, "contour").colorbar
    assert bar.tickmode == "array"
    values = [float(v) for v in bar.ticktext]
    assert values[0] == pytest.approx(obj.f_min)  # the bottom of the bar is the minimum value
    assert values == sorted(values) and len(values) >= 3
    assert np.all(np.diff(bar.tickvals) > 0)
    c = one(fig, "contour")
    assert c.contours.size <= 0.5  # a few levels per decade
    assert "customdata" in c.hovertemplate  # hover shows the real f, not its logarithm


@pytest.mark.parametrize("name", ["quadratic", "rastrigin", "ackley", "styblinski_tang", "saddle", "booth"])
def test_moderate_range_functions_get_linear_levels(name):
    obj = optim.get_objective(name)
    contour = one(viz.contour_figure(obj, []), "contour")
    assert contour.colorbar.tickmode != "array"
    g = levels.grid_values(obj, obj.domain, 120, supersample=1)
    np.testing.assert_allclose(np.asarray(contour.z, dtype=float), g.Z, rtol=1e-6)
    n_levels = (contour.contours.end - contour.contours.start) / contour.contours.size
    assert 8 <= n_levels <= 30


def test_log_levels_can_be_forced_either_way():
    assert one(viz.contour_figure(BOWL, [], log=True), "contour").colorbar.tickmode == "array"
    assert one(viz.contour_figure(ROSEN, [], log=False), "contour").colorbar.tickmode != "array"


def test_zooming_far_out_switches_a_bowl_to_log_levels():
    fig = viz.contour_figure(BOWL, [], domain=((-100, 100), (-100, 100)))
    assert one(fig, "contour").colorbar.tickmode == "array"


def test_log_transform_keeps_the_minimum_finite_and_order():
    lv = levels.map_levels(ROSEN, ROSEN.domain)
    t = lv.transform([0.0, 1e-12, 1.0, 100.0, 2000.0])
    assert np.isfinite(t).all() and np.all(np.diff(t) >= 0) and t[0] == lv.zmin


# ------------------------------------------------------------------ 3D surface


def test_surface_lifts_paths_just_above_the_surface(bowl_series):
    fig = viz.surface_figure(BOWL, bowl_series, grid=40)
    surf = one(fig, "surface")
    assert np.asarray(surf.z).shape == (40, 40)
    lv = levels.map_levels(BOWL, viz.fit_domain(BOWL, bowl_series, diverged_zoom_out=1.0))
    zspan = float(np.nanmax(surf.z) - np.nanmin(surf.z))
    for s in bowl_series:
        path = one(fig, "path", s.label)
        z_true = lv.transform(s.traj.losses)
        lift = np.asarray(path.z, dtype=float) - z_true
        assert (lift > 0.005 * zspan).all() and (lift < 0.05 * zspan).all()
        np.testing.assert_allclose(np.asarray(path.x, dtype=float), s.traj.xs[:, 0], rtol=1e-6, atol=1e-30)
        start = one(fig, "start", s.label)
        assert (start.x[0], start.y[0]) == tuple(s.traj.xs[0])
    assert fig.layout.scene.zaxis.title.text == "f"
    assert fig.layout.scene.camera.eye.z > 0


def test_surface_log_heights_say_so_and_read_in_real_values():
    t = run("adam", ROSEN, x0=[-1.5, 2.0], steps=200, lr=0.05)
    fig = viz.surface_figure(ROSEN, [viz.Series("Adam", "#0072b2", t)])
    z = fig.layout.scene.zaxis
    assert z.title.text == "f (log scale)"
    assert z.ticktext[0] == "0" and len(z.ticktext) <= 6
    assert np.asarray(one(fig, "surface").z).shape == (60, 60)


def test_surface_domain_ignores_a_diverged_tail(bowl_series, diverging):
    fig = viz.surface_figure(BOWL, [*bowl_series, diverging])
    assert tuple(fig.layout.scene.xaxis.range) == (-5, 5) and tuple(fig.layout.scene.yaxis.range) == (-5, 5)
    path = one(fig, "path", diverging.label)
    drawn = xy(path)
    assert np.isnan(drawn[-1]).all() and (np.abs(drawn[np.isfinite(drawn)]) <= 5).all()
    assert one(fig, "diverged").x[0] == diverging.traj.xs[16, 0]


# ------------------------------------------------------------------ loss curves


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


# ------------------------------------------------------------------ fit_domain


def test_fit_domain_keeps_the_objective_domain_when_paths_stay_inside(bowl_series):
    assert viz.fit_domain(BOWL, bowl_series) == BOWL.domain
    assert viz.fit_domain(BOWL, []) == BOWL.domain


def test_fit_domain_grows_to_take_in_every_point_with_a_margin():
    t = run("gd", x0=[40.0, -2.0], lr=0.05)
    (x0, x1), (y0, y1) = viz.fit_domain(BOWL, [viz.Series("far", "#0072b2", t)])
    assert (y0, y1) == (-5, 5) and x0 == -5
    assert x1 == pytest.approx(40 + 0.1 * 10)


def test_fit_domain_never_grows_past_twenty_times():
    t = run("gd", x0=[4000.0, 0.0], lr=0.05)
    (x0, x1), (y0, y1) = viz.fit_domain(BOWL, [viz.Series("very far", "#0072b2", t)])
    assert x1 - x0 == pytest.approx(200) and x0 == -5
    assert (y0, y1) == (-5, 5)


def test_a_diverging_path_does_not_shrink_the_bowl_to_a_dot(diverging):
    (x0, x1), (y0, y1) = viz.fit_domain(BOWL, [diverging])
    assert (x0, x1) == (-5, 5)
    assert y0 < -5 and y1 > 5 and y1 - y0 == pytest.approx(30)
    (x0, x1), (y0, y1) = viz.fit_domain(BOWL, [diverging], diverged_zoom_out=20)
    assert y1 - y0 == pytest.approx(200)


def _stub(points, diverged_at=-1):
    xs = np.asarray(points, dtype=float)
    return SimpleNamespace(xs=xs, losses=BOWL.f(xs), diverged_at=diverged_at, converged_at=-1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=1, max_size=20),
       st.floats(0.0, 0.5))
def test_fit_domain_properties(points, margin):
    s = viz.Series("s", "#000000", _stub(points))
    (x0, x1), (y0, y1) = viz.fit_domain(BOWL, [s], margin=margin)
    assert x0 <= -5 and x1 >= 5 and y0 <= -5 and y1 >= 5  # the objective's domain is always inside
    assert x1 - x0 <= 200 + 1e-6 and y1 - y0 <= 200 + 1e-6  # never more than 20 x its span
    pts = np.asarray(points)
    for axis, (lo, hi) in enumerate([(x0, x1), (y0, y1)]):
        if hi - lo < 200 - 1e-6:  # below the cap every point is inside, with a margin if outside
            v_lo, v_hi = pts[:, axis].min(), pts[:, axis].max()
            assert lo <= (v_lo - margin * 10 if v_lo < -5 else -5) + 1e-6
            assert hi >= (v_hi + margin * 10 if v_hi > 5 else 5) - 1e-6
        if pts[:, axis].min() >= -5:
            assert lo == -5  # no growth on a side no point reaches


# ------------------------------------------------------------------ small multiples


def test_small_multiples_one_panel_per_series_same_levels(bowl_series, diverging):
    four = [*bowl_series, diverging, viz.Series("Adam · lr=0.3", "#009e73", run("adam", lr=0.3))]
    fig = small_multiples(BOWL, four, cols=3)
    contours = by_meta(fig, "contour")
    assert len(contours) == 4
    assert {c.coloraxis for c in contours} == {"coloraxis"}  # one colour scale, one colourbar
    assert len({(c.contours.start, c.contours.end, c.contours.size) for c in contours}) == 1
    assert [a.text for a in fig.layout.annotations] == [s.label for s in four]
    for i, s in enumerate(four):
        path = one(fig, "path", s.label)
        assert path.xaxis == ("x" if i == 0 else f"x{i + 1}") and path.line.color == s.color
    assert fig.layout.height == 2 * 300 + 40  # 4 panels in rows of 3
    assert fig.layout.showlegend is False
    assert len(by_meta(small_multiples(BOWL, []), "contour")) == 1


def test_small_multiples_wrap_into_fewer_columns_on_a_narrow_chart(bowl_series, diverging):
    """Four panels in rows of 3: two columns below 3 panel widths, one below 2, each panel in its own cell with
    its title over it; the bottom panels name x, the first column names y."""
    four = [*bowl_series, diverging, viz.Series("Adam · lr=0.3", "#009e73", run("adam", lr=0.3))]
    narrow = viz.small_multiples(BOWL, four, cols=3)["narrow"]
    assert [a["below"] for a in narrow] == [2 * multiples.MIN_PANEL, 3 * multiples.MIN_PANEL]
    for fit, arrangement in zip((1, 2), narrow, strict=True):
        layout = arrangement["layout"]
        keys = ["", "2", "3", "4"]
        assert [a["text"] for a in layout["annotations"]] == [s.label for s in four]
        xs = [layout[f"xaxis{k}"]["domain"] for k in keys]
        ys = [layout[f"yaxis{k}"]["domain"] for k in keys]
        for i in range(4):
            for j in range(i + 1, 4):
                assert min(xs[i][1], xs[j][1]) <= max(xs[i][0], xs[j][0]) or \
                    min(ys[i][1], ys[j][1]) <= max(ys[i][0], ys[j][0])
        assert [layout[f"xaxis{k}"]["title"]["text"] for k in keys] == (
            ["", "", "", "x"] if fit == 1 else ["", "", "x", "x"])
        assert [layout[f"yaxis{k}"]["title"]["text"] for k in keys] == (
            ["y"] * 4 if fit == 1 else ["y", "", "y", ""])
        assert layout["height"] == 4 // fit * 300 + 40


def test_small_multiples_step_markers(bowl_series):
    fig = small_multiples(BOWL, bowl_series, step=4)
    for s in bowl_series:
        m = one(fig, "step-marker", s.label)
        assert (m.x[0], m.y[0]) == tuple(s.traj.xs[4])


# ------------------------------------------------------------------ layout, size, edge cases


def test_layout_is_readable_and_survives_reruns(bowl_series):
    for fig in (viz.contour_figure(BOWL, bowl_series), viz.surface_figure(BOWL, bowl_series),
                loss_figure(bowl_series)):
        assert isinstance(fig, go.Figure)
        assert fig.layout.legend.orientation == "h"
        assert fig.layout.uirevision
        assert fig.layout.margin.r <= 20 and fig.layout.margin.t <= 40
        assert fig.layout.height == 460
        assert len(fig.layout.title.text) <= 30
    assert loss_figure(bowl_series, height=300).layout.height == 300
    # the same inputs give the same uirevision, so zoom survives a rerun
    a, b = viz.contour_figure(BOWL, bowl_series), viz.contour_figure(BOWL, bowl_series, step=9)
    assert a.layout.uirevision == b.layout.uirevision


def test_figures_serialize_small(bowl_series):
    rosen = [viz.Series(f"s{i}", c, run("adam", ROSEN, x0=[-1.5, 2.0], steps=1000, lr=lr))
             for i, (lr, c) in enumerate(zip([0.01, 0.05, 0.1], viz.palette(3), strict=True))]
    assert len(viz.contour_figure(ROSEN, rosen, step=10).to_json()) < 450_000
    assert len(viz.surface_figure(ROSEN, rosen, step=10).to_json()) < 250_000
    assert len(loss_figure(rosen, step=10).to_json()) < 120_000
    json.loads(viz.contour_figure(BOWL, bowl_series).to_json())  # plain JSON, no custom types


def test_long_runs_are_thinned_but_keep_both_ends():
    t = run("gd", steps=20_000, lr=0.001)
    s = viz.Series("long", "#0072b2", t)
    path = one(viz.contour_figure(BOWL, [s]), "path")
    assert len(path.x) <= series.MAX_DRAWN_POINTS and path.mode == "lines"
    np.testing.assert_allclose(xy(path)[[0, -1]], t.xs[[0, -1]], rtol=1e-6, atol=1e-30)
    curve = one(loss_figure([s]), "loss")
    assert len(curve.x) <= series.MAX_DRAWN_POINTS and curve.x[-1] == 20_000


def test_a_run_of_zero_steps_draws_a_point():
    t = run("gd", steps=0, lr=0.1)
    s = viz.Series("none", "#0072b2", t)
    fig = viz.contour_figure(BOWL, [s], step=3)
    assert xy(one(fig, "end")).tolist() == xy(one(fig, "start")).tolist() == [X0]
    assert xy(one(fig, "step-marker")).tolist() == [X0]
    assert one(loss_figure([s], step=3), "step-marker").x[0] == 0


def test_empty_series_lists_still_draw_the_function():
    for fig in (viz.contour_figure(BOWL, []), viz.surface_figure(BOWL, []), loss_figure([], step=3)):
        assert isinstance(fig, go.Figure) and fig.layout.showlegend is False


def test_labels_with_markup_do_not_break_hover():
    s = viz.Series("lr<0.1 & <b>bold</b>", "#0072b2", run("gd", steps=5, lr=0.1))
    t = one(viz.contour_figure(BOWL, [s]), "path")
    assert t.name == s.label and "lr&lt;0.1 &amp; &lt;b&gt;" in t.hovertemplate


def test_figures_do_not_warn(recwarn, diverging):
    """Overflow and NaN handling stays silent (pytest turns RuntimeWarnings into errors here)."""
    gp = optim.get_objective("goldstein_price")
    t = run("gd", gp, x0=[-1.0, 1.5], steps=200, lr=0.01)
    assert t.diverged_at > 0
    s = viz.Series("GD", "#0072b2", t)
    viz.contour_figure(gp, [s], step=1000)
    viz.surface_figure(gp, [s], step=1000)
    loss_figure([s, diverging], step=1000, f_min=gp.f_min)
    small_multiples(gp, [s])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ------------------------------------------------------------------ the package itself


VIZ = pathlib.Path(viz.__file__).parent


def test_viz_never_imports_streamlit():
    for path in VIZ.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+streamlit", text, re.M), path
        assert "streamlit" not in text, path  # not even in prose, so a plain grep stays clean


def test_public_api():
    assert set(viz.__all__) >= {"Series", "palette", "fit_domain", "contour_figure", "surface_figure",
                                "loss_figure", "small_multiples"}
    for name in viz.__all__:
        assert getattr(viz, name).__doc__


@pytest.mark.parametrize("module", [viz, colors, domain, layout, levels, losses, multiples, series, theme,
                                    surface, traces, viz.contour], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    assert module.__doc__
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0

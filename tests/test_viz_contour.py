"""viz.contour_figure and viz.levels: the contour map, its markers and its levels.

Tested on the traces the map draws: start and end markers on the path, the domain and equal scale, the minima
(global bigger than local), a diverged run's last point and exit arrow, and the levels (logarithmic for
functions spanning decades, read in real values; linear otherwise).
"""

import numpy as np
import pytest
from figure_helpers import by_meta, contour_figure, one, xy
from viz_runs import BOWL, ROSEN

import optim
from viz import levels

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


def test_contour_start_and_end_markers_sit_on_the_path(bowl_series):
    fig = contour_figure(BOWL, bowl_series)
    for s in bowl_series:
        xs = s.traj.xs
        np.testing.assert_array_equal(xy(one(fig, "start", s.label)), xs[:1])
        np.testing.assert_array_equal(xy(one(fig, "end", s.label)), xs[-1:])
        path = xy(one(fig, "path", s.label))
        np.testing.assert_allclose(path, xs, rtol=1e-6, atol=1e-30)  # drawn in float32
        assert one(fig, "path", s.label).line.color == s.color


def test_contour_uses_the_given_domain_and_equal_scale():
    fig = contour_figure(BOWL, [], domain=((-2, 2), (-1, 1)))
    assert tuple(fig.layout.xaxis.range) == (-2, 2) and tuple(fig.layout.yaxis.range) == (-1, 1)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"
    contour = one(fig, "contour")
    assert contour.x[0] == -2 and contour.x[-1] == 2 and contour.y[0] == -1 and contour.y[-1] == 1
    elongated = contour_figure(BOWL, [], domain=((-10, 10), (-1, 1)))
    assert elongated.layout.yaxis.scaleanchor is None  # 20:1 would squash the plot into a strip
    with pytest.raises(ValueError):
        contour_figure(BOWL, [], domain=((1, -1), (0, 1)))


def test_minima_are_marked_global_bigger_than_local():
    camel = optim.get_objective("six_hump_camel")
    fig = contour_figure(camel, [])
    glob, loc = one(fig, "minima-global"), one(fig, "minima-local")
    assert len(glob.x) == 2 and len(loc.x) == 4
    assert glob.marker.symbol == loc.marker.symbol == "star"
    assert glob.marker.size > loc.marker.size
    assert {(m.x, m.y) for m in camel.minima if m.is_global} == set(zip(glob.x, glob.y, strict=True))


def test_rastrigin_draws_only_its_global_minimum():
    rastrigin = optim.get_objective("rastrigin")
    assert len(rastrigin.minima) == 121
    fig = contour_figure(rastrigin, [])
    assert (one(fig, "minima-global").x, one(fig, "minima-global").y) == ((0.0,), (0.0,))
    assert not by_meta(fig, "minima-local")


def test_saddle_has_no_minima_markers():
    fig = contour_figure(optim.get_objective("saddle"), [])
    assert not by_meta(fig, "minima-global") and not by_meta(fig, "minima-local")


def test_diverged_run_ends_at_its_last_finite_point_with_a_marker(diverging):
    t = diverging.traj
    fig = contour_figure(BOWL, [diverging], domain=BOWL.domain)
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
    big = contour_figure(BOWL, [diverging], domain=((-1e8, 1e8), (-1e8, 1e8)))
    assert not by_meta(big, "exit")
    np.testing.assert_allclose(xy(one(big, "path")), t.xs[:17], rtol=1e-6)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau", "goldstein_price", "three_hump_camel"])
def test_wide_range_functions_get_log_levels_read_in_real_values(name):
    obj = optim.get_objective(name)
    fig = contour_figure(obj, [])
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
    contour = one(contour_figure(obj, []), "contour")
    assert contour.colorbar.tickmode != "array"
    g = levels.grid_values(obj, obj.domain, 120, supersample=1)
    np.testing.assert_allclose(np.asarray(contour.z, dtype=float), g.Z, rtol=1e-6)
    n_levels = (contour.contours.end - contour.contours.start) / contour.contours.size
    assert 8 <= n_levels <= 30


def test_log_levels_can_be_forced_either_way():
    assert one(contour_figure(BOWL, [], log=True), "contour").colorbar.tickmode == "array"
    assert one(contour_figure(ROSEN, [], log=False), "contour").colorbar.tickmode != "array"


def test_zooming_far_out_switches_a_bowl_to_log_levels():
    fig = contour_figure(BOWL, [], domain=((-100, 100), (-100, 100)))
    assert one(fig, "contour").colorbar.tickmode == "array"


def test_log_transform_keeps_the_minimum_finite_and_order():
    lv = levels.map_levels(ROSEN, ROSEN.domain)
    t = lv.transform([0.0, 1e-12, 1.0, 100.0, 2000.0])
    assert np.isfinite(t).all() and np.all(np.diff(t) >= 0) and t[0] == lv.zmin

"""viz.fit_domain: the map's domain grows to take in every path, with a margin, but never past 20 times.

The objective's own domain always stays inside, a diverging path cannot shrink the function to a dot, and a
property test checks the bounds on arbitrary points.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viz_runs import BOWL, run

import viz

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


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

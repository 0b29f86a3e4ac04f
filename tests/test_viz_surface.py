"""viz.surface_figure: the 3D surface, with each path drawn just above it.

Tested on the traces: the paths are lifted a little over the surface (visible, but still on it), wide-range
heights go on a log scale that says so, and a diverged tail does not stretch the plotted domain.
"""

import numpy as np
from figure_helpers import one, xy
from viz_runs import BOWL, ROSEN, run

import viz
from viz import levels

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


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

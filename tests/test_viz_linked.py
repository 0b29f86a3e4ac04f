"""viz.linked: one figure with the contour map, 3D surface and loss curves, and a step slider in it.

Tested on what the browser will get: the traces of each panel, the slider's stops, and where every
stop puts each series' marker on all three panels.
"""

from __future__ import annotations

import doctest
import json

import numpy as np
import plotly.io as pio
import pytest

import optim
import viz
from viz import linked
from viz.levels import grid_values
from viz.linked import MAX_STOPS, clicked_start, linked_figure, panels, slider_steps
from viz.series import last_finite

BOWL = optim.get_objective("quadratic", a=1.0, b=10.0)
ROSEN = optim.get_objective("rosenbrock")
X0 = [1.5, 1.5]


def run(name, objective=BOWL, x0=X0, steps=100, **hp):
    return optim.run(optim.make_optimizer(name, **hp), objective, x0=x0, steps=steps)


@pytest.fixture(scope="module")
def four():
    """The benchmark's Playground: four optimizers x 500 steps on the bowl."""
    runs = [("Gradient descent", run("gd", steps=500, lr=0.05)),
            ("RMSprop", run("rmsprop", steps=500, lr=0.05)),
            ("Adam", run("adam", steps=500, lr=0.1)),
            ("SGD with momentum", run("sgd", steps=500, lr=0.01, momentum=0.9))]
    return [viz.Series(label, c, t) for (label, t), c in zip(runs, viz.palette(4), strict=True)]


@pytest.fixture(scope="module")
def mixed():
    """A steady run and one that diverges at step 17 (last finite step 16), 100 steps."""
    ok = viz.Series("RMSprop", "#0072b2", run("rmsprop", lr=0.1, decay=0.9))
    bad = viz.Series("GD · lr=0.2", "#d55e00", run("gd", lr=0.2))
    assert bad.traj.diverged_at == 17
    return [ok, bad]


@pytest.fixture(scope="module")
def fig4(four):
    return linked_figure(BOWL, four)


def metas(fig, idx):
    return [fig.data[i].meta for i in idx]


def stops(fig):
    """``[(step, data, traces)]`` for every stop of the figure's step slider."""
    return [(int(s.label), s.args[0], list(s.args[1])) for s in fig.layout.sliders[0].steps]


# ---------------------------------------------------------------- panels and traces


def test_panels_partition_the_traces_in_order(fig4, four):
    p = panels(fig4)
    assert p.contour[0] == 0 and sum(map(len, p)) == len(fig4.data)
    assert list(p.contour + p.surface + p.loss + p.animated) == list(range(len(fig4.data)))
    assert all(fig4.data[i].type in ("contour", "scatter") and fig4.data[i].xaxis in (None, "x")
               for i in p.contour)
    assert all(fig4.data[i].scene == "scene" for i in p.surface)
    assert all(fig4.data[i].xaxis == "x2" and fig4.data[i].yaxis == "y2" for i in p.loss)
    assert metas(fig4, p.contour)[:3] == ["contour", "click-grid", "minima-global"]
    assert metas(fig4, p.surface)[0] == "surface"
    assert metas(fig4, p.loss)[:4] == ["loss"] * 4
    n = len(four)
    assert metas(fig4, p.animated) == ["step-line"] + ["step-marker"] * 3 * n
    moving = [fig4.data[i] for i in p.animated]
    assert [t.type for t in moving] == ["scatter"] + ["scatter"] * n + ["scatter3d"] * n + ["scatter"] * n
    assert [t.name for t in moving[1:]] == [s.label for s in four] * 3
    assert all(t.xaxis == "x2" for t in moving[:1] + moving[1 + 2 * n:])


def test_one_legend_entry_and_one_colour_per_series_on_every_panel(fig4, four):
    shown = [t for t in fig4.data if t.showlegend is not False]
    assert [t.name for t in shown] == [s.label for s in four]
    assert all(t.meta == "path" for t in shown)
    for s in four:
        mine = [t for t in fig4.data if t.legendgroup == s.label]
        flat = [t for t in mine if t.type == "scatter"]
        assert len(flat) < len(mine) and {t.xaxis for t in flat} == {None, "x2"}  # 3D, contour and loss
        for t in mine:
            colour = t.line.color if t.meta in ("path", "loss") else t.marker.color
            assert colour == s.color, (t.meta, s.label)


def test_minima_divergence_and_convergence_are_marked(mixed):
    fig = linked_figure(BOWL, mixed)
    p = panels(fig)
    assert metas(fig, p.contour).count("minima-global") == 1
    assert metas(fig, p.contour).count("diverged") == 1 and metas(fig, p.surface).count("diverged") == 1
    assert metas(fig, p.loss).count("diverged") == 1
    note = [a for a in fig.layout.annotations if "diverged at step 17" in (a.text or "")]
    assert len(note) == 1 and (note[0].xref, note[0].yref) == ("x2", "y2")
    assert fig.layout.yaxis2.type == "log"
    titles = [a.text for a in fig.layout.annotations if a.xref == "paper"]
    assert titles == ["<b>Contour map</b>", "<b>Surface</b>", "<b>Loss</b>"]


def test_contour_keeps_equal_scale_and_the_click_grid(fig4):
    assert fig4.layout.yaxis.scaleanchor == "x" and fig4.layout.clickmode == "event+select"
    grid = fig4.data[panels(fig4).contour[1]]
    assert grid.meta == viz.CLICK_GRID == grid.legendgroup and 700 < len(grid.x) <= linked.CLICK_GRID_SIZE ** 2


def test_the_3d_panel_and_the_loss_axes():
    t = run("adam", ROSEN, x0=[-1.5, 2.0], steps=300, lr=0.05)
    fig = linked_figure(ROSEN, [viz.Series("Adam", "#0072b2", t)])
    assert fig.layout.scene.zaxis.title.text == "f" and fig.layout.scene.zaxis.ticktext[0] == "0"
    assert "<b>Surface (log scale)</b>" in [a.text for a in fig.layout.annotations]
    assert fig.layout.yaxis2.title.text == "f − f*" and fig.layout.xaxis2.title.text == "step"
    x0, x1 = fig.layout.scene.domain.x
    assert fig.layout.xaxis.domain[1] < x0 < x1 < fig.layout.xaxis2.domain[0]  # side by side, no overlap


# ---------------------------------------------------------------- the step slider


def test_slider_steps_are_evenly_spaced_with_both_ends():
    assert slider_steps(100) == list(range(101))
    s = slider_steps(500)
    assert len(s) == MAX_STOPS and s[0] == 0 and s[-1] == 500 and set(np.diff(s)) == {5}
    s = slider_steps(5000, extra=[1234, 99999, -5])
    assert len(s) == MAX_STOPS + 1 and 1234 in s and s[-1] == 5000 and s[0] == 0
    assert slider_steps(0) == [0]
    with pytest.raises(ValueError, match="max_stops"):
        slider_steps(10, 1)


def test_every_stop_moves_every_marker_on_all_three_panels(mixed):
    fig = linked_figure(BOWL, mixed)
    p = panels(fig)
    n = len(mixed)
    assert [k for k, _, _ in stops(fig)] == list(range(101))
    for step, data, traces in stops(fig):
        assert traces == list(p.animated)
        assert set(data) == {"x", "y", "z", "customdata"}
        assert all(len(v) == len(traces) for v in data.values())
        assert data["x"][0] == [step, step]  # the dashed step line on the loss panel
        for i, s in enumerate(mixed):
            k = min(step, last_finite(s.traj))  # a diverged run stops at its last finite point
            x, y = (float(v) for v in s.traj.xs[k])
            loss = float(s.traj.losses[k])
            contour, surface, curve = 1 + i, 1 + n + i, 1 + 2 * n + i
            for j in (contour, surface):  # positions to seven digits, as float32 paths are drawn
                assert data["x"][j] == [pytest.approx(x, rel=1e-6)] and data["y"][j] == [pytest.approx(y, rel=1e-6)]
            assert data["z"][contour] is None and data["z"][curve] is None and len(data["z"][surface]) == 1
            assert data["x"][curve] == [k] and data["y"][curve] == [pytest.approx(loss - BOWL.f_min, rel=1e-6)]
            for j in (contour, surface, curve):
                assert data["customdata"][j] == [[k, pytest.approx(loss, rel=1e-6)]]


def test_markers_on_the_surface_sit_just_above_it(four):
    fig = linked_figure(BOWL, four)
    surface = fig.data[panels(fig).surface[0]]
    top = float(np.nanmax(np.asarray(surface.z, dtype=float)))
    bottom = float(np.nanmin(np.asarray(surface.z, dtype=float)))
    for _, data, _ in stops(fig)[::10]:
        for z, x, y in zip(data["z"][5:9], data["x"][5:9], data["y"][5:9], strict=True):
            f = float(BOWL.f(np.array([x[0], y[0]])))
            assert f <= z[0] < f + 0.05 * (top - bottom)


def test_the_figure_opens_at_the_active_stop(four):
    for step in (None, 42, 500, 10_000):
        fig = linked_figure(BOWL, four, step)
        slider = fig.layout.sliders[0]
        want = 500 if step is None else min(step, 500)
        assert int(slider.steps[slider.active].label) == want
        data, traces = slider.steps[slider.active].args
        for j, i in enumerate(traces):
            t = fig.data[i]
            assert list(t.x) == data["x"][j] and list(t.y) == data["y"][j]
            if t.type == "scatter3d":
                assert list(t.z) == data["z"][j]
        assert slider.currentvalue.prefix == "Step " and slider.currentvalue.suffix == " of 500"


def test_the_slider_runs_to_the_given_steps(mixed):
    fig = linked_figure(BOWL, mixed, steps=100)
    assert int(fig.layout.sliders[0].steps[-1].label) == 100
    short = viz.Series("GD short", "#009e73", run("gd", lr=0.05, steps=30))
    fig = linked_figure(BOWL, [short, mixed[0]])
    assert int(fig.layout.sliders[0].steps[-1].label) == 100  # the longest run


def test_payload_stays_small():
    """The issue's budget is 1.5 MB per rerun, the figure being most of it; the slider's stops are
    capped, so long runs cost only their paths (drawn once per panel, as the separate charts do)."""
    rosen = [viz.Series(f"s{i}", c, run("adam", ROSEN, x0=[-1.5, 2.0], steps=2000, lr=lr))
             for i, (c, lr) in enumerate(zip(viz.palette(6), (0.001, 0.003, 0.01, 0.03, 0.1, 0.3), strict=True))]
    fig = linked_figure(ROSEN, rosen)
    size = len(pio.to_json(fig, validate=False))
    assert size < 1_500_000, size
    sliders = len(json.dumps(fig.layout.sliders[0].to_plotly_json()))
    assert sliders < 120_000, sliders  # 101 stops x 19 moving traces


def test_four_optimizers_times_500_steps_is_under_600_kb(fig4):
    assert len(pio.to_json(fig4, validate=False)) < 600_000


# ---------------------------------------------------------------- inputs and helpers


def test_stacked_puts_the_panels_one_above_the_other(four):
    fig = linked_figure(BOWL, four, stacked=True)
    top, middle, bottom = fig.layout.yaxis.domain, fig.layout.scene.domain.y, fig.layout.yaxis2.domain
    assert top[0] > middle[1] and middle[0] > bottom[1]
    assert fig.layout.height > 2 * linked_figure(BOWL, four).layout.height


def test_grids_come_from_the_given_function(four):
    calls = []

    def grids(domain, n):
        calls.append((domain, n))
        return grid_values(BOWL, domain, n)

    a = linked_figure(BOWL, four, grids=grids)
    b = linked_figure(BOWL, four)
    assert sorted({n for _, n in calls}) == [linked.SURFACE_GRID, linked.CONTOUR_GRID]
    assert np.array_equal(a.data[0].z, b.data[0].z, equal_nan=True)


def test_needs_a_series():
    with pytest.raises(ValueError, match="at least one series"):
        linked_figure(BOWL, [])


def test_clicked_start_reads_only_the_contour_panel(fig4):
    contour = panels(fig4).contour
    loss_curve = panels(fig4).loss[0]
    on_loss = {"x": 120, "y": 0.3, "curve_number": loss_curve, "legendgroup": "Adam"}
    on_grid = {"x": 1.25, "y": -0.5, "curve_number": 1, "legendgroup": viz.CLICK_GRID}
    on_path = {"x": 0.5, "y": 0.25, "curve_number": contour[-1], "legendgroup": "Adam"}
    assert clicked_start({"selection": {"points": [on_grid, on_loss]}}, contour) == (1.25, -0.5)
    assert clicked_start({"selection": {"points": [on_loss]}}, contour) is None
    assert clicked_start({"points": [on_path]}, contour) == (0.5, 0.25)
    assert clicked_start(None, contour) is None and clicked_start({"selection": {}}, contour) is None


def test_docstring_examples():
    result = doctest.testmod(linked, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0

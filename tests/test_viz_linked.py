"""viz.linked: one figure with the contour map, 3D surface and loss curves, and a step table for the step control.

Tested on what the browser will get: the traces of each panel (validated by plotly), the step table's
stops, and where every stop puts each series' marker on all three panels (the table applied as the
live chart applies it).
"""

from __future__ import annotations

import doctest

import numpy as np
import plotly.graph_objects as go
import pytest
from viz_runs import BOWL, ROSEN, run

import optim
import viz
from ui.live_chart import payload
from viz import linked
from viz.levels import grid_values, map_levels
from viz.linked import BREAKPOINTS, MAX_STOPS, linked_figure, panels, step_stops
from viz.losses import loss_values
from viz.series import last_finite
from viz.start_clicks import START_CELLS, clicked_start, start_clicks, tidy_digits


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


def figure(d: dict) -> go.Figure:
    """The figure dict as a validated ``go.Figure`` (plotly raises on anything it would not draw)."""
    return go.Figure(data=d["data"], layout=d["layout"])


@pytest.fixture(scope="module")
def raw4(four):
    return linked_figure(BOWL, four)


@pytest.fixture(scope="module")
def fig4(raw4):
    return figure(raw4)


def metas(fig, idx):
    return [fig.data[i].meta for i in idx]


def applied(cols: dict, name, j: int) -> list:
    """What a binding puts in a trace attribute at stop ``j``, as the live chart's ``valueAt`` does: a column's
    value, several columns' as one point, or fixed points followed by the moving one."""
    if isinstance(name, dict):
        return [*name["fixed"], *applied(cols, name["then"], j)]
    if isinstance(name, list):
        return [[float(cols[c][j]) for c in name]]
    return [float(cols[name][j])]


def stops(d: dict, *, whole: bool = False):
    """``[(step, {trace: {attr: value}})]``: every stop of the step table, applied as the browser applies it; the
    moving point's value (the last of each attribute), or with ``whole`` each attribute's every point."""
    table = d["step"]
    cols = table["columns"]
    out = []
    for j, step in enumerate(table["stops"]):
        placed = {}
        for b in table["bindings"]:
            values = {attr: applied(cols, name, j) for attr, name in b["attrs"].items()}
            placed[b["trace"]] = values if whole else {attr: v[-1] for attr, v in values.items()}
        out.append((int(step), placed))
    return out


# ---------------------------------------------------------------- panels and traces


def test_panels_partition_the_traces_in_order(fig4, four):
    p = panels(fig4)
    assert p.contour[0] == 0 and sum(map(len, p)) == len(fig4.data)
    assert list(p.contour + p.surface + p.loss + p.animated) == list(range(len(fig4.data)))
    assert all(fig4.data[i].type in ("contour", "scatter") and fig4.data[i].xaxis in (None, "x")
               for i in p.contour)
    assert all(fig4.data[i].scene == "scene" for i in p.surface)
    assert all(fig4.data[i].xaxis == "x2" and fig4.data[i].yaxis == "y2" for i in p.loss)
    assert metas(fig4, p.contour)[:2] == ["contour", "minima-global"]
    assert metas(fig4, p.surface)[0] == "surface"
    assert metas(fig4, p.loss)[:4] == ["loss"] * 4
    n = len(four)
    marked = ["markers" if s.traj.reached_at >= 0 or s.traj.diverged_at >= 0 else "step-marker" for s in four]
    assert metas(fig4, p.animated) == ["markers"] * 2 * n + marked  # the loss panel: with its events, if any
    moving = [fig4.data[i] for i in p.animated]
    assert [t.type for t in moving] == ["scatter"] * n + ["scatter3d"] * n + ["scatter"] * n
    assert [t.name for t in moving] == [s.label for s in four] * 3
    assert all(t.xaxis == "x2" for t in moving[2 * n:])
    assert [s.name for s in fig4.layout.shapes] == ["step-line"] and fig4.layout.shapes[0].xref == "x2"


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
    fig = figure(linked_figure(BOWL, mixed))
    p = panels(fig)
    assert metas(fig, p.contour).count("minima-global") == 1
    n = len(mixed)
    for panel in (p.animated[:n], p.animated[n:2 * n]):  # the contour's and the surface's markers
        starts, ends, steps = zip(*(fig.data[i].marker.symbol for i in panel), strict=True)
        assert starts == ("circle", "circle") and ends == ("square", "x") and steps == ("diamond", "diamond")
        assert "diverged at step 17" in fig.data[panel[1]].hovertemplate[1]
    assert list(fig.data[p.animated[1]].text) == ["", "diverged", ""]  # said on the map
    assert metas(fig, p.loss) == ["loss"] * n
    steady, bad = (fig.data[i] for i in p.animated[2 * n:])  # on the loss panel: no event, then diverged
    assert (steady.meta, steady.marker.symbol, bad.meta, bad.marker.symbol) == (
        "step-marker", "diamond", "markers", ("x", "diamond"))
    assert "diverged at step 17" in bad.hovertemplate[0] and bad.x[0] == 16
    note = [a for a in fig.layout.annotations if "diverged at step 17" in (a.text or "")]
    assert len(note) == 1 and (note[0].xref, note[0].yref, note[0].y) == ("x2", "y2 domain", 1)  # at the top edge
    assert fig.layout.yaxis2.type == "log"


def test_where_a_run_reached_the_tolerance_sits_with_its_step_marker_on_the_loss_panel():
    t = optim.run(optim.make_optimizer("gd", lr=0.04), BOWL, x0=[1.5, 1.5], steps=300, tol=1e-2)
    assert t.converged_at > 0
    d = linked_figure(BOWL, [viz.Series("GD", "#0072b2", t)], step=10)
    marks = figure(d).data[panels(d).animated[2]]
    assert marks.meta == "markers" and list(marks.marker.symbol)[-1] == "diamond"
    assert "circle-open" in marks.marker.symbol and f"converged at step {t.converged_at}" in "".join(
        marks.hovertemplate)
    assert list(marks.x)[:-1] == [t.converged_at] * list(marks.marker.symbol).count("circle-open")
    assert [list(c) if c is not None else None for c in marks.customdata][-1] == [10, pytest.approx(t.losses[10])]
    _, placed = stops(d, whole=True)[50]
    assert placed[panels(d).animated[2]]["x"] == [*list(marks.x)[:-1], 50]  # the events stay, the step moves


def test_a_diverged_run_leaves_the_frame_without_setting_the_axes(mixed):
    """The runs that stay set the map's view and the loss axis; the diverged one exits through the map's edge
    with an arrow saying when, and off the top of the loss chart with a note at the edge."""
    ok, bad = mixed
    fig = figure(linked_figure(BOWL, mixed))
    alone = figure(linked_figure(BOWL, [ok]))
    assert fig.layout.xaxis.range == alone.layout.xaxis.range and fig.layout.yaxis.range == alone.layout.yaxis.range
    lo, hi = fig.layout.yaxis2.range
    steady = loss_values(ok, BOWL.f_min)  # what the loss panel draws for the run that stays
    assert 10**hi < np.nanmax(bad.traj.losses) and 10**hi >= steady.max() and 10**lo <= steady.min()
    exit_ = [fig.data[i] for i in panels(fig).contour if fig.data[i].meta == "exit"]
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert len(exit_) == 1 and "diverged at step 17" in exit_[0].text[1]
    ex, ey = exit_[0].x[1], exit_[0].y[1]
    assert x0 <= ex <= x1 and y0 <= ey <= y1 and (ex in (x0, x1) or ey in (y0, y1))  # exactly on the edge
    titles = [a.text for a in fig.layout.annotations if a.xref == "paper"]
    assert titles == ["<b>Contour map</b>", "<b>Surface</b>", "<b>Loss</b>"]


def test_contour_keeps_equal_scale_and_says_a_click_starts_there(fig4):
    assert fig4.layout.yaxis.scaleanchor == "x" and fig4.layout.clickmode == "event"
    contour = fig4.data[panels(fig4).contour[0]]
    assert contour.meta == "contour" and contour.hovertemplate.startswith("click to start here (")


def test_the_3d_panel_and_the_loss_axes():
    t = run("adam", ROSEN, x0=[-1.5, 2.0], steps=300, lr=0.05)
    fig = figure(linked_figure(ROSEN, [viz.Series("Adam", "#0072b2", t)]))
    assert fig.layout.scene.zaxis.title.text == "f" and fig.layout.scene.zaxis.ticktext[0] == "0"
    assert "<b>Surface (log scale)</b>" in [a.text for a in fig.layout.annotations]
    assert fig.layout.yaxis2.title.text == "f − f*" and fig.layout.xaxis2.title.text == "step"
    x0, x1 = fig.layout.scene.domain.x
    assert fig.layout.xaxis.domain[1] < x0 < x1 < fig.layout.xaxis2.domain[0]  # side by side, no overlap
    assert len(fig.layout.scene.zaxis.tickvals) <= 4  # log heights: a few labels on the panel's short z-axis
    bowl = figure(linked_figure(BOWL, [viz.Series("GD", "#0072b2", run("gd", BOWL, x0=[1.5, 1.5], steps=50))]))
    assert bowl.layout.scene.zaxis.tickvals is None and bowl.layout.scene.zaxis.nticks == 4  # linear: as few


# ---------------------------------------------------------------- the step table


def test_every_step_is_a_stop_up_to_max_stops_then_evenly_spaced():
    assert step_stops(100) == list(range(101))
    assert step_stops(MAX_STOPS) == list(range(MAX_STOPS + 1))
    s = step_stops(5000)
    assert len(s) == MAX_STOPS and s[0] == 0 and s[-1] == 5000 and set(np.diff(s)) <= {5, 6}
    s = step_stops(5000, extra=[1234, 99999, -5])
    assert len(s) == MAX_STOPS + 1 and 1234 in s and s[-1] == 5000 and s[0] == 0
    assert step_stops(0) == [0]
    with pytest.raises(ValueError, match="max_stops"):
        step_stops(10, 1)


def test_every_stop_moves_every_marker_on_all_three_panels(mixed):
    d = linked_figure(BOWL, mixed)
    p = panels(d)
    n = len(mixed)
    table = stops(d)
    assert [k for k, _ in table] == list(range(101)) and d["step"]["line"] == {"shape": 0}
    for step, placed in table:
        assert sorted(placed) == list(p.animated)
        for i, s in enumerate(mixed):
            k = min(step, last_finite(s.traj))  # a diverged run stops at its last finite point
            x, y = (float(v) for v in s.traj.xs[k])
            loss = float(s.traj.losses[k])
            contour, surface, curve = (placed[p.animated[j]] for j in (i, n + i, 2 * n + i))
            for m in (contour, surface):  # positions to seven digits, as float32 paths are drawn
                assert m["x"] == pytest.approx(x, rel=1e-6) and m["y"] == pytest.approx(y, rel=1e-6)
            assert "z" not in contour and "z" not in curve and "z" in surface
            assert curve["x"] == k and curve["y"] == pytest.approx(loss - BOWL.f_min, rel=1e-6)
            for m in (contour, surface, curve):
                assert m["customdata"] == [k, pytest.approx(loss, rel=1e-6)]


def test_start_and_end_markers_stay_put_while_the_step_marker_moves(mixed):
    """On the contour and the surface a series' start, end and step markers are one trace: at every stop its
    first two points are the run's start and last finite point, and only the third moves."""
    d = linked_figure(BOWL, mixed)
    p = panels(d)
    n = len(mixed)
    for step, placed in stops(d, whole=True)[::7]:
        for i, s in enumerate(mixed):
            last = last_finite(s.traj)
            k = min(step, last)
            for m in (placed[p.animated[i]], placed[p.animated[n + i]]):
                assert np.allclose(list(zip(m["x"], m["y"], strict=True)), s.traj.xs[[0, last, k]], rtol=1e-6)
                assert [c[0] for c in m["customdata"]] == [0, last, k]


def test_markers_on_the_surface_sit_just_above_it(raw4, fig4):
    surface = fig4.data[panels(raw4).surface[0]]
    top = float(np.nanmax(np.asarray(surface.z, dtype=float)))
    bottom = float(np.nanmin(np.asarray(surface.z, dtype=float)))
    n = 4
    for _, placed in stops(raw4)[::10]:
        for j in panels(raw4).animated[n:2 * n]:
            m = placed[j]
            f = float(BOWL.f(np.array([m["x"], m["y"]])))
            assert f <= m["z"] < f + 0.05 * (top - bottom)


def test_the_figure_opens_at_the_asked_stop(four):
    for step in (None, 42, 500, 10_000):
        d = linked_figure(BOWL, four, step)
        want = 500 if step is None else min(step, 500)
        assert d["step"]["value"] == want and d["step"]["label"] == "Step"
        assert d["layout"]["shapes"][0]["x0"] == want
        j = list(d["step"]["stops"]).index(want)
        _, placed = stops(d, whole=True)[j]
        fig = figure(d)
        for i, attrs in placed.items():
            t = fig.data[i]
            assert list(t.x) == pytest.approx(attrs["x"]) and list(t.y) == pytest.approx(attrs["y"])
            got = [c for c in t.customdata if c is not None]  # a loss event has no customdata
            assert np.allclose(np.asarray(got, dtype=float), [c for c in attrs["customdata"] if c is not None],
                               rtol=1e-6, atol=1e-12)
            if t.type == "scatter3d":
                assert list(t.z) == pytest.approx(attrs["z"])


def test_the_stops_run_to_the_given_steps(mixed):
    d = linked_figure(BOWL, mixed, steps=100)
    assert int(d["step"]["stops"][-1]) == 100
    short = viz.Series("GD short", "#009e73", run("gd", lr=0.05, steps=30))
    d = linked_figure(BOWL, [short, mixed[0]])
    assert int(d["step"]["stops"][-1]) == 100  # the longest run
    assert stops(d)[-1][1][panels(d).animated[0]]["customdata"][0] == 30  # the short run waits at its end


def test_payload_stays_small():
    """What one rerun sends: six 2000-step runs cost only their paths and the step table."""
    rosen = [viz.Series(f"s{i}", c, run("adam", ROSEN, x0=[-1.5, 2.0], steps=2000, lr=lr))
             for i, (c, lr) in enumerate(zip(viz.palette(6), (0.001, 0.003, 0.01, 0.03, 0.1, 0.3), strict=True))]
    size = len(payload(linked_figure(ROSEN, rosen)))
    assert size < 1_500_000, size


def test_four_optimizers_times_500_steps_is_under_400_kb(raw4):
    assert len(payload(raw4)) < 400_000


# ---------------------------------------------------------------- inputs and helpers


def _panel_boxes(layout: dict) -> list[tuple]:
    """(x0, x1, y0, y1) of the contour map, the surface and the loss panel, in paper coordinates."""
    return [(*layout["xaxis"]["domain"], *layout["yaxis"]["domain"]),
            (*layout["scene"]["domain"]["x"], *layout["scene"]["domain"]["y"]),
            (*layout["xaxis2"]["domain"], *layout["yaxis2"]["domain"])]


def _overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def test_narrow_charts_rearrange_the_panels_so_they_never_overlap(raw4):
    wide = raw4["layout"]
    arrangements = [wide] + [linked.deep_merge(wide, n["layout"]) for n in raw4["narrow"]]
    assert [n["below"] for n in raw4["narrow"]] == [w for w, _ in BREAKPOINTS] == sorted([w for w, _ in BREAKPOINTS],
                                                                                         reverse=True)
    for layout in arrangements:
        boxes = _panel_boxes(layout)
        assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
        bar = layout["coloraxis"]["colorbar"]
        contour, surface = boxes[0], boxes[1]
        assert contour[1] <= bar["x"] and (bar["x"] < surface[0] or surface[3] <= contour[2] or bar["x"] > 1)
        figure({"data": [], "layout": layout})  # plotly accepts every arrangement
    narrowest = _panel_boxes(arrangements[-1])
    assert narrowest[0][2] > narrowest[1][3] and narrowest[1][2] > narrowest[2][3]  # one above the other
    heights = [a["height"] for a in arrangements]
    assert heights == sorted(heights) and heights[-1] > 2 * heights[0]
    titles = [[a["text"] for a in layout["annotations"] if a["xref"] == "paper"] for layout in arrangements]
    assert all(t == titles[0] for t in titles)


def test_grids_come_from_the_given_function(four):
    calls = []

    def grids(domain, n):
        calls.append((domain, n))
        return grid_values(BOWL, domain, n)

    a = linked_figure(BOWL, four, grids=grids)
    b = linked_figure(BOWL, four)
    assert sorted({n for _, n in calls}) == [linked.SURFACE_GRID, linked.CONTOUR_GRID]
    assert np.array_equal(a["data"][0]["z"], b["data"][0]["z"], equal_nan=True)


def test_levels_come_from_the_given_function(four):
    """A page's cached levels are the ones drawn: asked once for the shared domain, in place of picking them."""
    asked = []
    steep = map_levels(BOWL, ((-5.0, 5.0), (-5.0, 5.0)), log=True)  # not what the bowl's own domain picks

    def levels(domain, log):
        asked.append((domain, log))
        return steep

    fig = linked_figure(BOWL, four, levels=levels)
    assert len(asked) == 1 and asked[0][1] is None
    assert fig["layout"]["coloraxis"]["cmax"] == steep.zmax != linked_figure(BOWL, four)["layout"]["coloraxis"]["cmax"]


def test_needs_a_series():
    with pytest.raises(ValueError, match="at least one series"):
        linked_figure(BOWL, [])


def test_clicked_start_reads_only_the_contour_panel_and_rounds_to_tidy_values(raw4):
    target = start_clicks(raw4)
    contour = panels(raw4).contour
    assert target.traces == contour
    (x0, x1), (y0, y1) = raw4["layout"]["xaxis"]["range"], raw4["layout"]["yaxis"]["range"]
    assert target.digits == (tidy_digits((x1 - x0) / START_CELLS), tidy_digits((y1 - y0) / START_CELLS))
    dx, dy = target.digits
    loss_curve = panels(raw4).loss[0]
    surface = panels(raw4).surface[0]
    # A grid node of the map (x, y as plotly.js reports them) becomes a tidy start near it.
    node = {"x": 1.2519327731092435, "y": -0.4957983193277311, "curve": contour[0], "point": [40, 71]}
    assert clicked_start(node, target) == (round(node["x"], dx), round(node["y"], dy))
    assert abs(clicked_start(node, target)[0] - node["x"]) <= 0.5 * 10.0 ** -dx
    assert clicked_start({"x": 0.5, "y": 0.25, "curve": contour[-1]}, target) == (0.5, 0.25)  # a path point
    assert clicked_start({"x": 120, "y": 0.3, "curve": loss_curve}, target) is None
    assert clicked_start({"x": 0.1, "y": 0.2, "z": 3.0, "curve": surface}, target) is None
    assert clicked_start(None, target) is None and clicked_start({"curve": 0}, target) is None
    assert clicked_start({"x": "nan", "y": 0, "curve": 0}, target) is None
    assert clicked_start({"x": "left", "y": 0, "curve": 0}, target) is None


def test_a_rerun_keeps_the_view_key_and_a_new_objective_changes_it(four):
    a = linked_figure(BOWL, four, revision="pg:bowl")
    b = linked_figure(BOWL, four[:2], revision="pg:bowl")
    assert a["layout"]["uirevision"] == b["layout"]["uirevision"] == a["layout"]["scene"]["uirevision"]
    assert linked_figure(BOWL, four)["layout"]["uirevision"] != linked_figure(ROSEN, four)["layout"]["uirevision"]


def test_docstring_examples():
    result = doctest.testmod(linked, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0

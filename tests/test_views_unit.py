"""The many-runs views without a browser: URL state round trips and the figures' traces.

States: every Sweep, Basin maps and Tune state survives encode -> decode unchanged (a link reopens
the exact view), and bad values fall back with one sentence each. Figures: heatmaps colour losses
on a log scale with a real-valued colourbar, mark diverged cells with their own colour and legend
entry, and basin maps give each minimum its own colour.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from figure_helpers import as_figure, read_array
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from optim.edge import relative_width
from ui.basins.state import BasinState, basin_objectives, decode_basins, default_basins, encode_basins
from ui.live_chart import payload, read_payload
from ui.model import make_config
from ui.sweep.state import (
    OUTCOMES,
    SweepState,
    decode_sweep,
    default_second,
    default_sweep,
    encode_sweep,
    second_choices,
)
from ui.sweep.zoom import box_window
from ui.tune.state import TuneState, decode_tune, default_tune, encode_tune
from ui.urlstate import decode_playground, encode_playground
from viz import band_figure as viz_band_figure
from viz import sweep_figure as viz_sweep_figure
from viz.bands import Band, quantiles
from viz.basinmap import (
    BASIN_COLORS,
    DIVERGED_COLOR,
    MIN_PANEL,
    NOT_CONVERGED_COLOR,
    PANEL_HEIGHT,
    BasinPanel,
    basin_colors,
    basin_figure,
)
from viz.colors import MID_GREY
from viz.sweepmap import DIVERGED_COLOR as SWEEP_DIVERGED
from viz.sweepmap import EDGE_NAME, SELECTED_NAME, SweepGrid, selected_cell
from viz.tuning import TuningResult, tuning_figure


def sweep_figure(*args, **kwargs):
    """``viz.sweep_figure``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_sweep_figure(*args, **kwargs))


def band_figure(*args, **kwargs):
    """``viz.band_figure``'s figure dict as a validated ``go.Figure``."""
    return as_figure(viz_band_figure(*args, **kwargs))



# ---------------------------------------------------------------------------------------- state round trips

floats01 = st.floats(0.0, 0.9999, allow_nan=False)
lrs = st.floats(1e-6, 10.0, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(optim.OPTIMIZERS)), flavor=st.sampled_from(list(optim.FLAVORS)),
       lr=st.tuples(lrs, lrs), sec=st.tuples(floats01, floats01), rates=st.tuples(lrs, lrs),
       n=st.tuples(st.integers(1, 512), st.integers(1, 512)), which=st.integers(0, 9),
       outcome=st.sampled_from(list(OUTCOMES)), steps=st.integers(1, 2000),
       box=st.tuples(st.floats(0.0, 0.45), st.floats(0.55, 1.0), st.floats(0.0, 0.45), st.floats(0.55, 1.0)))
def test_sweep_state_round_trips(name, flavor, lr, sec, rates, n, which, outcome, steps, box):
    flavor = flavor if flavor in optim.OPTIMIZERS[name].flavors else optim.OPTIMIZERS[name].default_flavor
    choices = second_choices(name, flavor)
    options = ([None] if default_second(choices) is None else []) + choices
    second = options[which % len(options)] if options else None
    lo, hi = (min(rates), max(rates)) if second == "lr_y" else (min(sec), max(sec))
    state = SweepState(replace(default_sweep().setup, steps=steps), make_config(name, flavor),
                       second, min(lr), max(lr), n[0], lo, hi, n[1], outcome)
    if state.can_zoom:  # one zoom level inside the map, a box over the given fractions of it
        xs, ys = state.lr_values(), state.second_values()
        window = box_window(xs, ys, second, {"x": [box[0] * (len(xs) - 1), box[1] * (len(xs) - 1)],
                                             "y": [box[2] * (len(ys) - 1), box[3] * (len(ys) - 1)]})
        if window is not None and min(relative_width(*window[:2]), relative_width(*window[2:])) > 1e-9:
            state = replace(state, zoom=(window,))
    rows, cols = state.shape
    state = replace(state, cell=(rows - 1, cols // 2))
    decoded, messages = decode_sweep(encode_sweep(state))
    assert messages == []
    if state.second is None:  # the second range is not in the link; its defaults come back
        decoded = replace(decoded, second_min=state.second_min, second_max=state.second_max,
                          second_n=state.second_n)
    assert decoded == state


def test_sweep_cell_playground_state_round_trips_exactly():
    state = replace(default_sweep(), cell=(7, 41))
    pg = state.playground(*state.cell)
    cfg = pg.optimizers[0]
    assert cfg.get("lr") == state.lr_values()[41] and cfg.get("momentum") == state.second_values()[7]
    decoded, messages = decode_playground(encode_playground(pg))
    assert messages == [] and decoded == pg


def test_sweep_second_values_are_dense_towards_one():
    s = default_sweep()
    v = s.second_values()
    assert v[0] == 0.0 and v[-1] == pytest.approx(0.999) and len(v) == 60
    assert np.allclose(np.diff(np.log(1 - v)), np.log(1 - v[1]))  # 1 - value log-spaced


def test_sweep_grid_matches_the_core_default():
    s = default_sweep()
    core = optim.sweep("sgd", "rosenbrock", lr=s.lr_values(), steps=10)
    assert np.allclose(core.y_values, s.second_values(), rtol=1e-12, atol=1e-15)


def test_basin_state_round_trips():
    state = BasinState("rastrigin", (("A", 5.0),), (make_config("adam", "keras", lr=0.05), make_config("gd", lr=0.002),
                                                    make_config("sgd", "torch", lr=0.001, momentum=0.5)),
                       150, 250, 1e-4, "steps")
    assert decode_basins(encode_basins(state)) == (state, [])
    assert decode_basins(encode_basins(default_basins())) == (default_basins(), [])
    assert "rastrigin" in basin_objectives() and "rosenbrock" not in basin_objectives()


def test_tune_state_round_trips_and_races():
    state = TuneState(replace(default_tune().setup, steps=321, x0=0.5), "torch", ("adam", "adadelta"), 40, 7, 3,
                      1e-3, 0.5)
    assert decode_tune(encode_tune(state)) == (state, [])
    race = state.race({"adam": {"lr": 0.0123, "beta1": 0.8}, "adadelta": {"lr": 0.7, "decay": 0.5}})
    assert [(c.name, c.flavor, c.get("lr")) for c in race.configs] == [("adam", "torch", 0.0123),
                                                                          ("adadelta", "torch", 0.7)]
    assert race.setup.steps == 321 and race.setup.x0 == 0.5


@pytest.mark.parametrize(("decode", "query", "bits"), [
    (decode_sweep, {"lr.n": "600", "opt": "zz", "second": "beta2", "cell": "99,99", "zoom": "1,2,3"},
     ["lr.n=600", "opt=zz", "second=beta2", "cell=99,99", "zoom=1,2,3"]),
    (decode_basins, {"res": "1", "view": "3d", "c1": "adam", "c1.lr": "0"}, ["res=1", "view=3d", "c1.lr=0"]),
    (decode_tune, {"starts": "1000", "flavor": "jax", "opt": ["gd", "gd", "x"]},
     ["starts=1000", "flavor=jax", "opt=x"]),
])
def test_bad_links_fall_back_with_one_sentence_each(decode, query, bits):
    state, messages = decode(query)
    text = " ".join(messages)
    for bit in bits:
        assert bit in text, bit
    assert all(m.endswith(".") for m in messages)


# ---------------------------------------------------------------------------------------- sweep figure


def grid(**kw) -> SweepGrid:
    s = optim.sweep("sgd", "rosenbrock", lr=np.geomspace(1e-4, 1e-2, 12), second=[0.0, 0.5, 0.9, 0.99], steps=200,
                    tol=1e-3, criterion="loss_gap")
    args = dict(lr=s.x_values, second=s.y_values, second_name="momentum", final_loss=s.final_loss,
                best_loss=s.best_loss, converged_at=s.converged_at, diverged_at=s.diverged_at, steps=200, f_min=0.0,
                tol_text="f − f* ≤ 0.001")
    args.update(kw)
    return SweepGrid(**args)


def test_sweep_figure_log_colours_real_ticks_and_diverged_legend():
    g = grid()
    assert (g.diverged_at >= 0).any() and (g.diverged_at < 0).any()
    fig = sweep_figure(g, "final_loss")
    heat = next(t for t in fig.data if t.meta == "outcome")
    bar = heat.colorbar
    assert all(isinstance(v, int) for v in bar.tickvals)  # whole decades of f − f*
    assert all("e" in t or float(t) == 10.0 ** v for t, v in zip(bar.ticktext, bar.tickvals, strict=True))
    div = next(t for t in fig.data if t.meta == "diverged")
    assert div.colorscale[0][1] == SWEEP_DIVERGED
    assert np.array_equal(np.isfinite(np.asarray(div.z, dtype=float)), g.diverged_at >= 0)
    swatch = next(t for t in fig.data if t.meta == "legend" and t.name == "diverged")
    assert swatch.marker.color == SWEEP_DIVERGED and swatch.showlegend
    # Cells at whole positions on category axes named by the cells' values; ticks in real values between them.
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.type == "category"
    assert list(fig.layout.xaxis.ticktext) == ["1e-4", "0.001", "0.01"]
    assert list(fig.layout.xaxis.tickvals) == pytest.approx([0.0, 5.5, 11.0])
    assert fig.layout.yaxis.ticktext[0] == "0" and "momentum" in fig.layout.yaxis.title.text.lower()
    assert list(heat.x) == [f"lr = {v:.4g}" for v in g.lr] and len(heat.y) == 4
    assert heat.hoverongaps is False and "10<sup>" in heat.hovertemplate


def test_sweep_stability_edge_follows_the_first_diverging_column():
    g = grid()
    fig = sweep_figure(g, "steps")
    edge = next(s for s in fig.layout.shapes if s.name == EDGE_NAME)
    first = [np.flatnonzero(row)[0] for row in (g.diverged_at >= 0) if row.any()]
    xs = [float(p.split(",")[0]) for p in re.split("[ML]", edge.path) if p][::2]
    assert xs == [c - 0.5 for c in first]
    per_coordinate = grid(second_name="lr_y", second=np.geomspace(1e-4, 1e-2, 4))  # no staircase on a fractal edge
    # Named in the legend by a swatch with a grey outline (the shape's own entry vanished on the dark page).
    (swatch,) = [t for t in fig.data if t.name == EDGE_NAME]
    assert swatch.showlegend and swatch.marker.line.color == MID_GREY and not edge.showlegend
    flat = sweep_figure(per_coordinate)
    assert not any(s.name == EDGE_NAME for s in flat.layout.shapes) and not any(t.name == EDGE_NAME for t in flat.data)


def test_sweep_clicks_come_from_the_heatmap_cells():
    g = grid()
    fig = sweep_figure(g, "diverged", selected=(2, 5))
    assert not [t for t in fig.data if t.type in ("scatter", "scattergl") and t.x != (None,)]  # no per-cell points
    # What the live chart sends for a click on a heatmap: its categories and plotly's [row, column].
    click = dict(x=fig.data[0].x[5], y=fig.data[0].y[2], z=None, curve=0, point=[2, 5], customdata=None)
    assert selected_cell(click, g.shape) == (2, 5)
    assert selected_cell(dict(click, point=[4, 0]), g.shape) is None  # off the map
    assert selected_cell(dict(click, point=None), g.shape) is None and selected_cell(None, g.shape) is None
    ring = [s for s in fig.layout.shapes if s.name == SELECTED_NAME]
    assert len(ring) == 2 and all(s.x0 < 5 < s.x1 and s.y0 < 2 < s.y1 for s in ring)


def test_sweep_speed_view_colours_ranks_on_both_sides_of_the_edge():
    s = optim.sweep("sgd", "rosenbrock", lr=np.geomspace(1e-4, 1e-2, 12), second=[0.0, 0.5, 0.9, 0.99], steps=200)
    ranks = optim.speed_ranks(s)
    g = grid(speed=ranks)
    fig = sweep_figure(g, "speed")
    (layer,) = [t for t in fig.data if t.type == "heatmap"]  # one layer: the sign of each rank gives its side
    np.testing.assert_array_equal(np.asarray(layer.z, dtype=float), ranks.astype(np.float32))
    assert np.array_equal(np.asarray(layer.z) < 0, g.diverged_at >= 0)
    assert (layer.zmin, layer.zmax) == (-1, 1) and list(layer.colorbar.tickvals) == [-1, -0.25, 0.25, 1]
    assert "stayed bounded: 0.25" in layer.hovertemplate and "diverged: −0.25" in layer.hovertemplate
    with pytest.raises(ValueError, match="speed ranks"):
        viz_sweep_figure(grid(), "speed")


def test_a_512_map_travels_as_typed_arrays_of_its_heatmaps_only():
    """No per-cell scatter: the payload is the heatmaps' float32 grids (base64) and little else."""
    lr = np.geomspace(1e-4, 1.0, 512)
    s = optim.sweep("gd", "rosenbrock", lr=lr, second=lr, second_name="lr_y", steps=20)
    g = SweepGrid(s.x_values, s.y_values, "lr_y", s.final_loss, s.best_loss, s.converged_at, s.diverged_at, 20, 0.0,
                  speed=optim.speed_ranks(s))
    for outcome in OUTCOMES:
        fig = viz_sweep_figure(g, outcome)
        layers = [t for t in fig["data"] if t["type"] == "heatmap"]
        assert all(t["z"].dtype == np.float32 and t["z"].shape == (512, 512) for t in layers)
        size = len(payload(fig, ["click", "zoom"]))
        assert size < len(layers) * 512 * 512 * 4 * 4 / 3 + 100_000, (outcome, size)


def test_sweep_without_second_hyperparameter_is_one_row():
    s = optim.sweep("gd", "booth", lr=np.geomspace(1e-3, 1, 9), steps=50)
    g = SweepGrid(s.x_values, s.y_values, None, s.final_loss, s.best_loss, s.converged_at, s.diverged_at, 50, 0.0)
    fig = sweep_figure(g)
    assert fig.layout.yaxis.showticklabels is False and len(fig.data[0].y) == 1


# ---------------------------------------------------------------------------------------- basin figure


def test_basin_figure_colours_each_minimum_and_the_outcomes():
    obj = optim.get_objective("himmelblau")
    m = optim.basins(optim.make_optimizer("sgd", lr=0.01, momentum=0.9), obj, resolution=40, steps=200)
    panel = BasinPanel("SGD", m.labels, m.steps_to_converge)
    fig = basin_figure([panel, panel], m.xs, m.ys, obj.minima)
    z = read_array(next(t for t in fig["data"] if t["meta"] == "basins")["z"])
    fig = as_figure(fig)
    heat = next(t for t in fig.data if t.meta == "basins")
    assert z.dtype == np.int8 and set(np.unique(z)) <= {-1, 0, 1, 2, 3, 4}
    scale = [c for _, c in heat.colorscale]
    assert scale[0] == DIVERGED_COLOR and scale[2] == NOT_CONVERGED_COLOR and scale[4:] == [
        c for c in BASIN_COLORS[:4] for _ in range(2)]
    stars = [t for t in fig.data if t.meta == "minima"]
    assert len(stars) == 2 and len(stars[0].x) == 4
    steps_fig = as_figure(basin_figure([panel], m.xs, m.ys, obj.minima, view="steps", max_steps=200))
    heat = next(t for t in steps_fig.data if t.meta == "basins")
    assert heat.zmin == -2 and heat.colorscale[0][1] == DIVERGED_COLOR


def test_basin_maps_wrap_into_fewer_columns_on_a_narrow_chart():
    """Four maps: a 2 x 2 grid below 3 x MIN_PANEL px, one column below 2 x MIN_PANEL; in each grid every map
    has its own cell, its title right above it, and the first column names the y-axis."""
    obj = optim.get_objective("himmelblau")
    lab = np.zeros((3, 3), dtype=int)
    panels = [BasinPanel(f"map {k}", lab, lab) for k in range(4)]
    fig = basin_figure(panels, [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], obj.minima)
    assert [a["below"] for a in fig["narrow"]] == [2 * MIN_PANEL, 3 * MIN_PANEL]
    for cols, arrangement in zip((1, 2), fig["narrow"], strict=True):
        layout = arrangement["layout"]
        cells = [(layout[f"xaxis{s}"]["domain"], layout[f"yaxis{s}"]["domain"]) for s in ("", "2", "3", "4")]
        for i, (xa, ya) in enumerate(cells):
            for xb, yb in cells[i + 1:]:
                assert min(xa[1], xb[1]) <= max(xa[0], xb[0]) or min(ya[1], yb[1]) <= max(ya[0], yb[0])
        titles = layout["annotations"]
        assert [t["text"] for t in titles] == [p.title for p in panels]
        assert all(t["y"] == y[1] and x[0] < t["x"] < x[1] for t, (x, y) in zip(titles, cells, strict=True))
        named = [layout[f"yaxis{s}"]["title"]["text"] for s in ("", "2", "3", "4")]
        assert named == (["start y"] * 4 if cols == 1 else ["start y", "", "start y", ""])
        assert layout["height"] >= 4 // cols * PANEL_HEIGHT


def test_basin_colours_keep_neighbours_apart_on_rastrigin():
    obj = optim.get_objective("rastrigin")
    colours = basin_colors(obj.minima)
    pts = np.array([[m.x, m.y] for m in obj.minima])
    d = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    for i in range(len(pts)):
        for j in np.flatnonzero(d[i] < 1.5):
            assert colours[i] != colours[j]
    g = next(i for i, m in enumerate(obj.minima) if m.is_global)
    assert colours.count(colours[g]) == 1


# ---------------------------------------------------------------------------------------- bands and tuning


def test_bands_from_a_batched_noisy_run():
    k = 16
    t = optim.run(optim.make_optimizer("sgd", lr=0.05, momentum=0.9), "quadratic", np.tile([1.5, 1.5], (k, 1)), 80,
                  noise=0.5, seed=3)
    losses = np.asarray(t.losses)
    assert losses.shape == (81, k) and not np.allclose(losses[:, 0], losses[:, 1])  # independent noise
    q1, med, q3, div = quantiles(losses, 0.0)
    assert np.all(q1 <= med) and np.all(med <= q3) and div.sum() == 0
    fig = band_figure([Band("SGD", "#0072b2", losses)], f_min=0.0)
    median = next(tr for tr in fig.data if tr.meta == "median")
    assert np.allclose(median.y, np.maximum(np.median(losses, axis=1), 1e-16), rtol=1e-6)


def test_bands_count_diverged_seeds_as_infinite():
    losses = np.array([[1.0, 1.0, 1.0, 1.0], [0.5, 0.4, np.nan, np.nan], [0.1, np.nan, np.nan, np.nan]])
    q1, med, q3, div = quantiles(losses)
    assert div.tolist() == [0, 2, 3] and np.isinf(med[2]) and np.isinf(q3[1])
    fig = band_figure([Band("x", "#d55e00", losses)], log=False)
    assert any(t.meta == "median-diverged" for t in fig.data)
    assert "3 of 4 diverged" in next(t for t in fig.data if t.meta == "median").name


def test_tuning_figure_puts_diverged_candidates_in_a_strip():
    t = optim.tune("sgd", "rosenbrock", budget=12, n_starts=3, steps=100)
    r = TuningResult("SGD", "#0072b2", np.array([c["lr"] for c in t.candidates]),
                     np.array([c["momentum"] for c in t.candidates]), "momentum", t.scores, t.diverged_share,
                     t.best_index)
    fig = as_figure(tuning_figure([r]))
    assert np.isinf(t.scores).any()
    cand = next(tr for tr in fig.data if tr.meta == "candidates")
    strip = next(tr for tr in fig.data if tr.meta == "diverged")
    assert len(cand.x) + len(strip.x) == 12
    assert min(strip.y) > max(cand.y)
    chosen = next(tr for tr in fig.data if tr.meta == "chosen")
    assert chosen.x[0] == r.lr[t.best_index]


def test_a_log_score_axis_labels_the_scores_and_the_strip_alone():
    """No score tick in the strip of diverged candidates, where plotly's 10³ and its 2 and 5 read as their scores."""
    scores = np.array([0.02, 0.3, 4.0, 250.0, np.inf, np.inf])
    r = TuningResult("SGD", "#0072b2", np.geomspace(1e-4, 1, 6), None, None, scores, np.isinf(scores) * 1.0, 0)
    fig = as_figure(tuning_figure([r]))
    strip = next(tr for tr in fig.data if tr.meta == "diverged")
    assert fig.layout.yaxis.type == "log"
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert ticks.pop(strip.y[0]) == "∞" and max(ticks) <= 250.0 and len(ticks) == 5


def test_tuning_figure_sends_scores_below_float32s_range_exactly():
    """Scores on a bowl reach 1e-170: sent as float32 they would arrive as 0, which a log axis does not draw."""
    r = TuningResult("GD", "#0072b2", np.array([1e-3, 1e-2, 0.1]), None, None, np.array([1e-3, 1e-90, 1e-170]),
                     np.zeros(3), best=2)
    sent = read_payload(payload(tuning_figure([r])))["figure"]
    assert sent["layout"]["yaxis"]["type"] == "log"
    cand = next(tr for tr in sent["data"] if tr["meta"] == "candidates")
    assert read_array(cand["x"]).tolist() == [1e-3, 1e-2, 0.1]
    assert read_array(cand["y"]).tolist() == [1e-3, 1e-90, 1e-170]
    chosen = next(tr for tr in sent["data"] if tr["meta"] == "chosen")
    assert chosen["y"] == [1e-170] and "score = 1e-170<" in chosen["hovertemplate"]  # not float32's 0


def test_tuning_figure_says_a_chosen_configuration_that_diverged_scored_infinity():
    r = TuningResult("GD", "#0072b2", np.array([1.0, 2.0]), None, None, np.array([np.inf, np.inf]), np.ones(2),
                     best=0)
    chosen = next(tr for tr in tuning_figure([r])["data"] if tr["meta"] == "chosen")
    assert "score = ∞ (diverged)<" in chosen["hovertemplate"]

"""viz.Series and viz.palette: the colours, what a Series accepts, and that each series looks the same on every chart.

A series is one run as the figures see it: a label, a colour from the palette and a recorded path. These tests
pin what makes the three charts (contour, surface, loss) read as one picture: every series keeps its colour and
name on all of them, gets one legend entry, and the same set of traces.
"""

import re

import pytest
from figure_helpers import contour_figure, loss_figure
from viz_runs import BOWL, X0

import optim
import viz

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


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
        "contour": contour_figure(BOWL, bowl_series, step=5),
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
    fig = contour_figure(BOWL, [*bowl_series, diverging], domain=BOWL.domain)
    for s in bowl_series:
        assert sorted(t.meta for t in fig.data if t.legendgroup == s.label) == ["end", "path", "start"]
    # a diverged run: no end square but a diverged marker, and it leaves the map so an exit arrow
    assert sorted(t.meta for t in fig.data if t.legendgroup == diverging.label) == [
        "diverged", "exit", "path", "start"]
    with_step = contour_figure(BOWL, bowl_series, step=3)
    for s in bowl_series:
        assert len([t for t in with_step.data if t.legendgroup == s.label]) == 4
    surf = viz.surface_figure(BOWL, bowl_series)
    for s in bowl_series:
        assert sorted(t.meta for t in surf.data if t.legendgroup == s.label) == ["end", "path", "start"]

"""viz.small_multiples: one contour panel per series on shared levels, and how the panels wrap on a narrow chart.

Tested on the figure dict: one colour scale for all panels, a title over each, the size from the number of
rows, and the narrower arrangements (fewer columns, panels that never overlap, axis titles on the outer edge).
"""

from figure_helpers import by_meta, one, small_multiples
from viz_runs import BOWL, run

import viz
from viz import multiples
from viz.levels import grid_values, map_levels

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


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
        marks = one(fig, "markers", s.label)  # its start, and its end or the "x" where it diverged, in one trace
        last = int(viz.series.last_finite(s.traj))
        assert marks.xaxis == path.xaxis and [tuple(p) for p in zip(marks.x, marks.y, strict=True)] == [
            tuple(s.traj.xs[0]), tuple(s.traj.xs[last])]
        assert marks.marker.symbol == ("circle", "x" if s is diverging else "square")
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


def test_small_multiples_take_a_page_s_grids_and_levels(bowl_series):
    """The panels draw the grid and levels a page passes (cached ones), and ask for each once."""
    asked = []

    def grids(domain, n):
        asked.append(("grid", n))
        return grid_values(BOWL, domain, n)

    def levels(domain, log):
        asked.append(("levels", log))
        return map_levels(BOWL, domain, log=True)

    fig = small_multiples(BOWL, bowl_series, grids=grids, levels=levels)
    assert sorted(asked) == [("grid", multiples.PANEL_GRID), ("levels", None)]
    assert fig.layout.coloraxis.cmax == map_levels(BOWL, viz.fit_domain(BOWL, bowl_series, diverged_zoom_out=1.0),
                                                   log=True).zmax

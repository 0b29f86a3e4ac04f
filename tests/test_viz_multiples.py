"""viz.small_multiples: one contour panel per series, each a figure of its own, on shared levels and domain.

Tested on the figure dicts (validated by plotly): one colour scale and one domain for all panels, a title over
each, each run's path and markers on its own panel, and the grids and levels a page passes.
"""

from figure_helpers import by_meta, one, small_multiples
from viz_runs import BOWL, run

import viz
from viz import multiples
from viz.levels import grid_values, map_levels
from viz.series import last_finite

pytest_plugins = ["viz_fixtures"]  # the bowl_series and diverging fixtures


def test_small_multiples_one_panel_per_series_same_levels_and_domain(bowl_series, diverging):
    four = [*bowl_series, diverging, viz.Series("Adam · lr=0.3", "#009e73", run("adam", lr=0.3))]
    figs = small_multiples(BOWL, four)
    assert len(figs) == 4
    contours = [one(f, "contour") for f in figs]
    assert {c.coloraxis for c in contours} == {"coloraxis"}
    assert len({(f.layout.coloraxis.cmin, f.layout.coloraxis.cmax) for f in figs}) == 1  # one colour scale
    assert len({(c.contours.start, c.contours.end, c.contours.size) for c in contours}) == 1
    assert len({(tuple(f.layout.xaxis.range), tuple(f.layout.yaxis.range)) for f in figs}) == 1  # one domain
    assert [f.layout.title.text for f in figs] == [s.label for s in four]
    for fig, s in zip(figs, four, strict=True):
        assert [t.name for t in by_meta(fig, "path")] == [s.label]  # its own run only
        path = one(fig, "path", s.label)
        assert path.line.color == s.color and fig.layout.showlegend is False
        marks = one(fig, "markers", s.label)  # its start, and its end or the "x" where it diverged, in one trace
        last = int(last_finite(s.traj))
        assert [tuple(p) for p in zip(marks.x, marks.y, strict=True)] == [tuple(s.traj.xs[0]),
                                                                           tuple(s.traj.xs[last])]
        assert marks.marker.symbol == ("circle", "x" if s is diverging else "square")
        assert fig.layout.height == multiples.PANEL_HEIGHT
    assert len(by_meta(one_panel := small_multiples(BOWL, [])[0], "contour")) == 1
    assert one_panel.layout.title.text == BOWL.title and not by_meta(one_panel, "path")


def test_small_multiples_take_a_page_s_grids_and_levels(bowl_series):
    """The panels draw the grid and levels a page passes (cached ones), and ask for each once."""
    asked = []

    def grids(domain, n):
        asked.append(("grid", n))
        return grid_values(BOWL, domain, n)

    def levels(domain, log):
        asked.append(("levels", log))
        return map_levels(BOWL, domain, log=True)

    figs = small_multiples(BOWL, bowl_series, grids=grids, levels=levels)
    assert sorted(asked) == [("grid", multiples.PANEL_GRID), ("levels", None)]
    want = map_levels(BOWL, viz.fit_domain(BOWL, bowl_series, diverged_zoom_out=1.0), log=True).zmax
    assert [f.layout.coloraxis.cmax for f in figs] == [want] * len(bowl_series)


def test_a_long_label_wraps_onto_more_lines_of_the_panel_s_title(bowl_series):
    """A panel is narrow (350 px): a label longer than a line wraps at spaces, and the title gets the room."""
    s = bowl_series[0]
    long = viz.Series("1. SGD with momentum (textbook) cosine with warm restarts", s.color, s.traj)
    short, wrapped = (f.layout for f in small_multiples(BOWL, [s, long]))
    lines = wrapped.title.text.split("<br>")
    assert lines == ["1. SGD with momentum (textbook) cosine", "with warm restarts"]
    assert all(len(line) <= multiples.TITLE_CHARS for line in lines) and "<br>" not in short.title.text
    assert wrapped.margin.t > short.margin.t


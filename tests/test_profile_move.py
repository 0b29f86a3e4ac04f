"""benchmarks/profile_move.py's accounting: who a profiler sample counts for (its figures go in the README, so a
sample put in the wrong bucket would tell the next person the wrong thing to speed up)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def profile_move():
    """The benchmark script as a module (the benchmarks import each other by file name, as scripts do)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module("profile_move")


def frame(node: int, function: str, url: str = "", children=()) -> dict:
    return {"id": node, "callFrame": {"functionName": function, "url": url}, "children": list(children)}


def test_a_sample_counts_for_its_script_and_a_native_call_for_the_script_that_made_it():
    pm = profile_move()
    plotly, streamlit, live = ("http://h/app/static/plotly.min.js?v=7", "http://h/static/js/react-dom.D1.js",
                               "http://h/component/live_chart.js?v=2")
    nodes = [frame(1, "(root)", children=[2, 3, 4, 5, 6, 8]), frame(2, "(idle)"), frame(3, "(program)"),
             frame(4, "(garbage collector)"), frame(5, "draw", live, children=[7]), frame(6, "render", streamlit),
             frame(7, "react", plotly, children=[9]), frame(8, "setTimeout"), frame(9, "getBoundingClientRect")]
    samples = [2, 3, 4, 5, 6, 7, 8, 9]
    deltas = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]  # microseconds
    spent = pm.per_move({"nodes": nodes, "samples": samples, "timeDeltas": deltas}, moves=2)
    assert spent == {"plotly.js": (6 + 8) / 2, "live chart component": 2.0, "Streamlit frontend": 2.5,
                     "browser: style, layout, paint, WebGL": 1.0, "browser: garbage collection": 1.5}
    # idle time and a native call no script made (setTimeout at the root) count for nobody


def test_streamlit_s_own_plotly_counts_as_plotly():
    pm = profile_move()
    assert pm.bucket("http://h/static/js/PlotlyChart.D9Z0.js", "L") == "plotly.js"
    assert pm.bucket("http://h/static/js/index.Dorm.js", "handleMessage") == "Streamlit frontend"
    assert pm.bucket("", "(idle)") is None

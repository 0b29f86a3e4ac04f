"""Helpers the AppTest suites share: the figures a page sent to its live charts.

Every figure reaches the browser through the live chart component (``ui/live_chart``); AppTest keeps the
component as an element whose data is the JSON payload the browser parses. These helpers read it back.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.live_chart import read_payload


def live_charts(at: AppTest) -> list:
    """The page's live charts, in page order (not the app's empty element that preloads plotly.js)."""
    return [e for e in at.get("bidi_component")
            if e.proto.component_name == "descent_lab.live_chart" and e.proto.bytes]


def figures(at: AppTest) -> list[dict]:
    """Every live chart's figure (``{"data", "layout", ...}``) as the browser receives it."""
    return [read_payload(e.proto.bytes)["figure"] for e in live_charts(at)]


def charts(at: AppTest) -> int:
    """How many live charts the page drew."""
    return len(live_charts(at))

"""Helpers the AppTest suites share: the figures a page sent to its live charts.

Every figure reaches the browser through the live chart component (``ui/live_chart``); AppTest keeps the
component as an element whose data is the JSON payload the browser parses. These helpers read it back.
"""

from __future__ import annotations

import json

from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
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


def send_chart_event(at: AppTest, key: str, event: str, value) -> AppTest:
    """Run the page as if the live chart under ``key`` had sent ``event`` (``"click"``, ``"zoom"``) with ``value``.

    The browser sends a chart's events as one trigger widget per component, id ``<internal prefix>_<component
    id>__events``, holding a JSON list of ``{"event", "value"}``; AppTest has no way to send it, so this adds
    that widget state to the ones AppTest gathers from its widgets and runs the page with them (AppTest's
    ``_run``, which its public ``run`` calls the same way).
    """
    (chart,) = [e for e in live_charts(at) if e.proto.id.endswith(key) or key in e.proto.id]
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{chart.proto.id}{EVENT_DELIM}events"
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)

"""Helpers the AppTest suites share: the figures a page sent to its live charts.

Every figure reaches the browser through the live chart component (``ui/live_chart``); AppTest keeps the
component as an element whose data is the JSON payload the browser parses. These helpers read it back.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.testing.v1 import AppTest

from ui.live_chart import read_payload
from ui.setup.panel import RUN_OPEN
from ui.state import page_key

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120
"""Seconds an AppTest run may take before AppTest gives up (a busy 2-core machine runs the suite)."""


def open_app(page: str | None = None, query: dict | None = None, *, timeout: float = TIMEOUT) -> AppTest:
    """The app as a person opening a link: ``query`` (each value a string or a list) on ``page`` (a file such as
    ``pages/compare.py``; None: the first page, at the app's root), run once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    """``open_app`` with the query first, as the fault tests (``tests/test_faults_*.py``) open their links."""
    return open_app(page, query, timeout=120)


def open_settings(at: AppTest, *names: str) -> AppTest:
    """Open these optimizers' settings on the Playground, as a click on each one's expander does, and rerun: a
    closed expander draws no widgets (``pages/playground.py``)."""
    for name in names:
        at.session_state[page_key("pg", f"open.{name}")] = True
    return at.run()


def metas(fig: dict) -> list:
    """What each trace of a figure dict is (its ``meta``), in order."""
    return [t.get("meta") for t in fig["data"]]


def page_links(at: AppTest) -> list[dict[str, list[str]]]:
    """The page links on the page (``st.page_link``), each as the query it opens."""
    return [parse_qs(p.proto.query_string, keep_blank_values=True) for p in at.get("page_link")]


def open_run_settings(at: AppTest, prefix: str) -> AppTest:
    """Open the run settings (steps, noise, tolerance) of the page keyed ``prefix`` (``"pg"``), as a click on the
    panel does, and rerun: a folded panel draws no widgets (``ui.setup.panel.run_panel``)."""
    at.session_state[page_key(prefix, RUN_OPEN)] = True
    return at.run()


def open_cards(at: AppTest, *keys: str) -> AppTest:
    """Open these configuration cards (``ui.config_editor``, keyed as the page keys them: ``"cmp.2"``), as a click
    on each one does, and rerun: a closed card draws no widgets."""
    for key in keys:
        at.session_state[f"{key}.card"] = True
    return at.run()


def param(at: AppTest, key: str) -> list[str] | None:
    """A query parameter's values (AppTest gives a string for one value, a list for several); None if absent."""
    if key not in at.query_params:
        return None
    v = at.query_params[key]
    return list(v) if isinstance(v, (list, tuple)) else [v]


def link(at: AppTest) -> dict[str, list[str]]:
    """The page's address as a link: every query parameter with its values."""
    return {k: param(at, k) for k in at.query_params}


def no_exception(at: AppTest) -> None:
    """The run raised nothing."""
    assert not at.exception, [e.value for e in at.exception]


def ok(at: AppTest) -> None:
    """The run raised nothing and showed no error box."""
    no_exception(at)
    assert not at.error, [e.value for e in at.error]


def reopen(at: AppTest, page: str | None = None, *, timeout: float = TIMEOUT) -> AppTest:
    """``at``'s link opened afresh on ``page`` (None: the app's root), as by a person the link was sent to, and
    checked: the run raised nothing, showed no error box and had nothing to warn about."""
    again = open_app(page, link(at), timeout=timeout)
    ok(again)
    assert not again.warning, [w.value for w in again.warning]
    return again


def one_message(boxes, *words: str) -> str:
    """The text of the one box in ``boxes`` (``at.warning``, ``at.error``), which says every one of ``words``."""
    assert len(boxes) == 1, [b.value for b in boxes]
    text = boxes[0].value
    missing = [w for w in words if w not in text]
    assert not missing, (missing, text)
    return text


LINE_BREAK = "  \n"
"""Markdown's hard line break: one element shows several lines (a result card, its small print)."""


def result_cards(at: AppTest) -> list[list[str]]:
    """The Playground's result cards, each as its lines: name and flavor, final point, final loss, status."""
    return [m.value.split(LINE_BREAK) for m in at.markdown
            if m.value.startswith("**") and f"{LINE_BREAK}Final point" in m.value]


def caption_lines(at: AppTest) -> list[str]:
    """Every line of every caption on the page (a card's small print is one caption of several lines)."""
    return [line for c in at.caption for line in c.value.split(LINE_BREAK)]


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

"""Issue 7, security: what a hosted workshop relies on, checked in the source and the settings.

Where the other items are tested:

- formula text never reaches ``eval``/``exec``/``sympify``/``parse_expr``: tests/test_formula.py
  (an audit hook over a 150-input hostile corpus, plus patched entry points);
- a non-root container with error details hidden: tests/test_docker_recipe.py;
- hostile text in links rendered inert, XSRF enforced and oversized uploads refused by a live
  server: tests/browser/test_browser_security.py.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from optim.models import MAX_CSV_BYTES

ROOT = Path(__file__).resolve().parents[1]
# Streamlit calls that put raw HTML or JavaScript on the page.
RAW_HTML_CALLS = {"html", "iframe", "declare_component", "component"}
# The one module allowed to: the live chart (its JavaScript receives figures as data, never HTML).
LIVE_CHART = ROOT / "ui" / "live_chart" / "__init__.py"
LIVE_CHART_JS = ROOT / "ui" / "live_chart" / "assets" / "live_chart.js"
# What the chart's JavaScript must never do: turn text into markup or code.
JS_SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            "setTimeout(\"", "srcdoc")


def _sources() -> list[Path]:
    out = [ROOT / "app.py"]
    for d in ("pages", "ui", "viz"):
        out += sorted((ROOT / d).rglob("*.py"))
    return out


def _raw_html_uses(path: Path) -> list[str]:
    """Calls in ``path`` that would let text through as HTML: ``unsafe_allow_html`` or an HTML element."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg == "unsafe_allow_html" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                found.append(f"{path.name}:{node.lineno} unsafe_allow_html")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in RAW_HTML_CALLS:
            found.append(f"{path.name}:{node.lineno} {func.attr}()")
    return found


def test_no_text_reaches_the_page_as_raw_html():
    sources = _sources()
    assert len(sources) > 40, "the scan should see the whole app"
    uses = [u for p in sources if p != LIVE_CHART for u in _raw_html_uses(p)]
    assert uses == [], f"raw HTML on the page: {uses}"


def test_the_live_chart_is_the_only_javascript_and_it_takes_data_not_html():
    scripts = [p for d in ("pages", "ui", "viz") for p in (ROOT / d).rglob("*") if p.suffix in (".js", ".html")]
    assert scripts == [LIVE_CHART_JS]
    uses = _raw_html_uses(LIVE_CHART)
    assert sorted(u.split()[1] for u in uses) == ["component()", "declare_component()"], uses
    tree = ast.parse(LIVE_CHART.read_text())
    mounts = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "component"]
    assert [kw.arg for kw in mounts[0].keywords] == ["js", "isolate_styles"], "no html= or css= from Python"
    js = LIVE_CHART_JS.read_text()
    assert [sink for sink in JS_SINKS if sink in js] == []
    assert "textContent" in js  # the control's words are set as text


def test_the_scan_finds_raw_html(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nst.markdown(x, unsafe_allow_html=True)\nst.html(y)\n"
                   "st.markdown(z, unsafe_allow_html=False)\n")
    assert _raw_html_uses(bad) == ["bad.py:2 unsafe_allow_html", "bad.py:3 html()"]


def test_server_settings_protect_a_hosted_app():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] == 1  # megabytes: the CSV loader's own limit fits inside it
    assert MAX_CSV_BYTES <= server["maxUploadSize"] * 1024 * 1024
    assert server.get("runOnSave") is False

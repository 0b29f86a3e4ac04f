"""What every browser test does with a page: open it, wait for reruns, read the charts, save screenshots.

The charts are the live chart component's (``ui/live_chart``): a ``.dl-live`` block holding one plotly
graph (``.js-plotly-plot``) and, when the figure has a step table, the step control (``.dl-step``:
Play/Pause button, range input, label, speed).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

from .conftest import ARTIFACTS

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The step control's markers of a chart: the "step-marker" traces, and the last point of each "markers" trace (the
# Playground's contour and surface draw a series' start, end and step marker as one trace, the step's point last).
STEP_POINTS = """(g) => (g.data || []).filter(t => t.meta === 'step-marker' || t.meta === 'markers').map(t =>
    [t.type, ...[t.x, t.y, t.z].map(v => v === undefined ? null : Array.from(v).slice(-1))])"""
MARKERS_JS = f"""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    ({STEP_POINTS})(g).map(([type, ...xyz]) => xyz)))"""
PATHS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    (g.data || []).filter(t => t.meta === 'path').map(t => [t.x, t.y])))"""
# Each step marker of the Playground's figure (contour, surface and loss panel), one string each.
EACH_MARKER_JS = f"""() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g =>
    ({STEP_POINTS})(g).map(([type, ...xyz]) => type + ':' + JSON.stringify(xyz)))"""
STEP_LABEL = ".dl-step-label"
# The box of the 3D panel, in page pixels.
SCENE_BOX_JS = """() => { const g = document.querySelector('.js-plotly-plot'), L = g._fullLayout;
    const r = g.getBoundingClientRect(), d = L.scene.domain, sz = L._size;
    return {x: r.left + sz.l + d.x[0] * sz.w, y: r.top + sz.t + (1 - d.y[1]) * sz.h,
            width: (d.x[1] - d.x[0]) * sz.w, height: (d.y[1] - d.y[0]) * sz.h}; }"""


def open_app(page, url: str, charts: int) -> None:
    """Open ``url`` and wait until the script is idle and at least ``charts`` charts are drawn."""
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                           timeout=60_000)


def settle(page) -> None:
    """Wait for the rerun a change triggered to finish."""
    time.sleep(0.3)
    page.wait_for_selector(IDLE, timeout=60_000)


def wait_for(predicate, what: str = "the page to change", timeout: float = 60.0) -> None:
    """Poll ``predicate`` until it is true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def wait_change(page, js: str, before, timeout: float = 30.0):
    """Wait until ``js`` evaluates to something other than ``before``; return the new value once idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = page.evaluate(js)
        if now != before:
            settle(page)
            return page.evaluate(js)
        time.sleep(0.1)
    raise AssertionError("the charts did not change")


SIZES = [(800, 900, "light"), (1280, 800, "dark"), (1600, 1000, "light")]
"""The window sizes and themes the look-at-it tests open pages in: each width once, each theme at least once
(the narrowest and the widest light, the middle dark), which keeps the browser suite within its time."""
SIZE_IDS = [f"{w}-{s}" for w, _, s in SIZES]


def sized_page(browser):
    """A new page in its own context, at the first of :data:`SIZES` (close it with ``page.context.close()``)."""
    width, height, scheme = SIZES[0]
    return browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme).new_page()


def each_size(page):
    """Show an open ``page`` at each of :data:`SIZES` in turn, window and colour scheme, yielding
    ``(width, height, scheme)`` once its charts have settled there.

    One page load serves the three looks, as for a person who resizes the window or switches the system's
    theme: Streamlit and the charts follow both live (the layout tests check the theme's colours each time).
    """
    for width, height, scheme in SIZES:
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(1.5)  # the charts settle into their arrangement for this width
        yield width, height, scheme

CELL_XY_JS = """([col, row]) => {
    const gd = document.querySelector('.js-plotly-plot');
    const L = gd._fullLayout, r = gd.getBoundingClientRect();
    return [r.left + L.xaxis._offset + L.xaxis.c2p(col), r.top + L.yaxis._offset + L.yaxis.c2p(row)];
}"""
"""The page pixel (x, y) of a heatmap cell of the first chart, given as [column, row] data coordinates (the
browser tests and ``benchmarks/bench_views.py`` aim their clicks and boxes with it)."""

JS_ERRORS: dict[int, list[str]] = {}
"""The live chart's JavaScript errors, per page (``id(page)``), as :func:`watch_errors` collected them."""


def watch_errors(page) -> None:
    """Collect the live chart's errors on ``page``: an uncaught exception thrown from its module, or the
    ``live chart: ...`` line it logs when drawing a figure failed. The browser fixture calls this for every
    page of every context, and :func:`no_exception` fails on any."""
    errors = JS_ERRORS.setdefault(id(page), [])

    def on_error(e) -> None:
        if "live_chart" in f"{e.stack or ''}{e.message}":
            errors.append(f"{e.name}: {e.message}")

    page.on("pageerror", on_error)
    page.on("console", lambda m: m.type == "error" and m.text.startswith("live chart:") and errors.append(m.text))


def no_exception(page) -> None:
    """No exception box on the page, and no error from the live chart's JavaScript."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert not JS_ERRORS.get(id(page)), JS_ERRORS[id(page)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def layout_problems(page, where: str, width: int) -> list[str]:
    """What the layout checks find on ``page`` (``test_browser_layout``) at window ``width``: panels overlapping,
    text cut off, chart text past its chart's edge or into other text, and at 1280 px and wider a table wider
    than its box, each prefixed with ``where``."""
    from .test_browser_layout import BOXES_JS, CUT_JS, TABLES_JS, TEXT_JS, overlaps

    wide = [f"{where}: a table's columns run {px} px past its width" for px in page.evaluate(TABLES_JS)
            if px > 0 and width >= 1280]
    return ([f"{where}: {p}" for p in overlaps(page.evaluate(BOXES_JS))]
            + [f"{where}: cut off: {t!r}" for t in page.evaluate(CUT_JS)]
            + [f"{where}: {p}" for p in page.evaluate(TEXT_JS)] + wide)


def full_page_shot(page, path, width: int, height: int) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main section, so the window grows to the
    page's height for the shot and goes back to ``width`` x ``height`` after."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    time.sleep(0.5)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})


def open_run_settings(page, prefix: str = "pg") -> None:
    """Unfold the sidebar's run settings (steps, noise, tolerance) as a person would: a folded panel draws no
    widgets, so its boxes appear once the rerun that opening asks for has drawn them."""
    panel = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Run settings")
    if panel.locator("details").get_attribute("open") is None:
        panel.locator("summary").click()
    page.locator(f".st-key-{prefix}-steps input").wait_for()


def has_value(box, value: str) -> None:
    """Wait for the input ``box`` to hold ``value``: right after a page draws, Streamlit's number inputs show
    their minimum for a moment before their value (seen on a loaded machine: steps 1, x0 -100, momentum 0), and a
    text input can be empty (the formula box of a bad formula's link, once in a fresh-clone run)."""
    wait_for(lambda: box.input_value() == value, f"the box to show {value}")


def received_frames(page) -> list[bytes]:
    """A list that fills with every websocket frame ``page`` receives from now on (call it before the page opens
    its connection): what the server sent for a run, to tell a fragment's rerun from the whole page's."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
        f if isinstance(f, bytes) else f.encode())))
    return frames


def query(page) -> dict[str, list[str]]:
    """The address's query, read in the page (``page.url`` only updates while Playwright handles events)."""
    return parse_qs(page.evaluate("() => location.search.slice(1)"))


def slider(page, key: str):
    """A Streamlit slider's range input, by the widget's key."""
    return page.locator(f".st-key-{key} input[type='range']")


def step_label(page, chart: int = 0) -> str:
    """The step control's label of chart ``chart``, for example ``"Step 30 of 100"``."""
    return page.locator(STEP_LABEL).nth(chart).inner_text()

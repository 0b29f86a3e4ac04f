"""Links in headless Chromium: a shared link reopens the exact view (in another browser too, with plotly.js
from the cache), a bad link says what is wrong and the page works, each page keeps its settings between
visits, and a link is served right by a fresh server."""

from __future__ import annotations

import time

from .conftest import ARTIFACTS, ROOT, free_port, start_streamlit, stop, wait_healthy
from .helpers import (
    MARKERS_JS,
    has_value,
    no_exception,
    open_app,
    open_run_settings,
    query,
    settle,
    shot,
    step_label,
    wait_for,
)

PLOTLY_JS_FETCH = """() => {
  const e = performance.getEntriesByType("resource").find((r) => r.name.includes("plotly"));
  return e ? {name: e.name, transferSize: e.transferSize} : {name: "", transferSize: -1};
}"""
"""How the page got plotly.js: its address and the bytes it transferred (0 when taken from the cache)."""
BOXES_SEEN_JS = """() => { window.__boxesSeen = {};
  const look = () => {
    for (const key of ['pg-x0', 'pg-y0']) {
      const box = document.querySelector(`.st-key-${key} input`);
      if (box) (window.__boxesSeen[key] = window.__boxesSeen[key] || new Set()).add(box.value);
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}"""
"""Every value the start boxes show, frame by frame from the page's first (a script the page runs on load)."""


def test_shared_link_reopens_the_same_view(page, app_url, browser):
    link = (f"{app_url}/?objective=himmelblau&x0=-2&y0=1&flavor=torch&opt=gd&opt=adam"
            "&gd.lr=0.005&adam.lr=0.05&steps=200&step=10")
    page.add_init_script(f"({BOXES_SEEN_JS})()")
    open_app(page, link, 1)
    no_exception(page)
    assert page.locator(".st-key-pg-warning, [data-testid='stAlert']").count() == 0
    has_value(page.locator(".st-key-pg-x0 input"), "-2")
    # The start boxes show the link's values from their first frame, not their minimum first (-100, for a frame
    # or two, when a box was given no default and took its value from Session State).
    seen = page.evaluate("() => Object.fromEntries(Object.entries(window.__boxesSeen).map(([k, v]) => [k, [...v]]))")
    assert seen == {"pg-x0": ["-2"], "pg-y0": ["1"]}, seen
    open_run_settings(page)
    has_value(page.locator(".st-key-pg-steps input"), "200")
    assert step_label(page) == "Step 10 of 200"
    assert "Adam" in page.locator(".st-key-pg-optimizers").inner_text()
    assert "0.05" in page.locator(".st-key-pg-opt-adam-lr").inner_text()
    shared = page.url
    time.sleep(0.5)
    markers = page.evaluate(MARKERS_JS)
    # plotly.js comes from the app's own route (serve.py) with a year's lifetime: fetched on the first visit,
    # taken from the browser's cache (nothing transferred) when the link is opened again.
    first = page.evaluate(PLOTLY_JS_FETCH)
    open_app(page, shared, 1)
    again = page.evaluate(PLOTLY_JS_FETCH)
    assert "/vendor/plotly-" in first["name"] and first["transferSize"] > 1_000_000, first
    assert again["name"] == first["name"] and again["transferSize"] == 0, again

    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    open_app(other, shared, 1)
    has_value(other.locator(".st-key-pg-x0 input"), "-2")
    assert step_label(other) == "Step 10 of 200"
    time.sleep(0.5)
    assert other.evaluate(MARKERS_JS) == markers
    other.context.close()


def test_compare_link_reopens_the_exact_comparison(page, app_url, browser):
    open_app(page, f"{app_url}/compare?c1=sgd&c1.lr=0.02&c1.momentum=0.5&c2=adam&c2.flavor=keras&c2.lr=0.1", 2)
    no_exception(page)
    page.get_by_test_id("stDataFrame").wait_for()
    link = page.get_by_test_id("stCode").inner_text().strip()
    assert link.startswith(app_url + "/compare?")
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    open_app(other, link, 2)
    # the sidebar's inputs take their values a moment after the charts can draw, on a busy machine
    wait_for(lambda: other.locator(".st-key-cmp-0-sgd-momentum input").input_value() == "0.5", "momentum 0.5")
    assert other.locator(".st-key-cmp-1-flavor").count() == 0  # a folded card draws no widgets until opened
    other.locator(".st-key-cmp-1-card summary").click()
    wait_for(lambda: other.locator(".st-key-cmp-1-flavor input").input_value() == "Keras", "the Keras flavor")
    assert other.get_by_test_id("stCode").inner_text().strip() == link
    other.context.close()


def test_bad_link_gives_one_message_and_a_working_page(page, app_url):
    open_app(page, f"{app_url}/?gd.lr=0&steps=lots", 1)
    alerts = page.get_by_test_id("stAlert")
    assert alerts.count() == 1
    text = alerts.inner_text()
    assert "gd.lr=0" in text and "steps=lots" in text
    no_exception(page)
    assert "0.1" in page.locator(".st-key-pg-opt-gd-lr").inner_text()
    shot(page, "browser_bad_link")


def test_navigating_between_pages_keeps_each_pages_settings(page, app_url):
    open_app(page, f"{app_url}/?gd.lr=0.05", 1)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Compare").click()
    page.wait_for_url("**/compare**")
    page.get_by_test_id("stDataFrame").wait_for()
    settle(page)
    assert page.get_by_test_id("stAlert").count() == 0
    assert "c1" in query(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Playground").click()
    page.wait_for_function("() => !location.pathname.endsWith('compare')")
    page.locator(".st-key-pg-opt-gd-lr").wait_for()
    settle(page)
    assert "0.05" in page.locator(".st-key-pg-opt-gd-lr").inner_text()
    assert query(page)["gd.lr"] == ["0.05"]
    no_exception(page)


def test_a_compare_link_is_the_first_visit_to_a_fresh_server(browser):
    """Streamlit's folder mode must not hijack a shared link opened before anyone saw the home page."""
    port = free_port()
    proc = start_streamlit(ROOT / "serve.py", port, log=ARTIFACTS / "streamlit-fresh-server.log")
    url = f"http://127.0.0.1:{port}"
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    try:
        wait_healthy(url, proc)
        open_app(page, f"{url}/compare?c1=adam&c1.lr=0.05&c2=gd", 2)
        no_exception(page)
        nav = page.get_by_test_id("stSidebarNav").inner_text()
        assert "Playground" in nav and "Compare" in nav and "app" not in nav.lower().split()
        assert page.locator("h1").first.inner_text() == "Compare"
        assert query(page)["c1"] == ["adam"] and query(page)["c1.lr"] == ["0.05"]
        assert page.get_by_test_id("stAlert").count() == 0
    finally:
        page.context.close()
        stop(proc)

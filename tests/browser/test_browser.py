"""The app in headless Chromium: pages open, sliders and clicks change the charts, links reopen views.

Screenshots land in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from .conftest import ARTIFACTS, ROOT, free_port, start_streamlit, stop, wait_healthy

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MARKERS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    (g.data || []).filter(t => t.meta === 'step-marker').map(t => [t.x, t.y, t.z])))"""
PATHS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    (g.data || []).filter(t => t.meta === 'path').map(t => [t.x, t.y])))"""
# Each step-marker trace of the Playground's figure (contour, surface and loss panel), one string each.
EACH_MARKER_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g =>
    (g.data || []).filter(t => t.meta === 'step-marker').map(t => t.type + ':' + JSON.stringify([t.x, t.y, t.z])))"""
# The label of the active stop of the step slider inside the Playground's figure.
FIGURE_STEP_JS = """() => { const s = document.querySelector('.js-plotly-plot')._fullLayout.sliders[0];
    return s.steps[s.active].label; }"""
# Centre of the figure slider's tick ``i`` and the box of the 3D panel, in page pixels.
TICK_JS = """(i) => { const g = document.querySelector('.js-plotly-plot');
    const t = g.querySelectorAll('.slider-tick-rect')[i].getBoundingClientRect();
    const rail = g.querySelector('.slider-rail-rect').getBoundingClientRect();
    return [t.left + t.width / 2, rail.top + rail.height / 2]; }"""
SCENE_BOX_JS = """() => { const g = document.querySelector('.js-plotly-plot'), L = g._fullLayout;
    const r = g.getBoundingClientRect(), d = L.scene.domain, sz = L._size;
    return {x: r.left + sz.l + d.x[0] * sz.w, y: r.top + sz.t + (1 - d.y[1]) * sz.h,
            width: (d.x[1] - d.x[0]) * sz.w, height: (d.y[1] - d.y[0]) * sz.h}; }"""


def open_app(page, url: str, charts: int) -> None:
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                           timeout=60_000)
    assert page.get_by_test_id("stPlotlyChart").count() >= charts


def settle(page) -> None:
    """Wait for the rerun a change triggered to finish."""
    time.sleep(0.3)
    page.wait_for_selector(IDLE, timeout=60_000)


def wait_change(page, js: str, before, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = page.evaluate(js)
        if now != before:
            settle(page)
            return page.evaluate(js)
        time.sleep(0.1)
    raise AssertionError("the charts did not change")


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def slider(page, key: str):
    return page.locator(f".st-key-{key} input[type='range']")


def test_playground_opens_with_the_three_linked_views(page, app_url):
    open_app(page, app_url, 1)
    no_exception(page)
    assert page.get_by_test_id("stPlotlyChart").count() == 1
    panels = page.evaluate("""() => { const L = document.querySelector('.js-plotly-plot')._fullLayout;
        return [!!L.xaxis, !!L.scene, !!L.xaxis2, L.sliders.length]; }""")
    assert panels == [True, True, True, 1]  # contour map, 3D surface, loss curves, step slider
    assert page.evaluate(FIGURE_STEP_JS) == "100"
    assert page.get_by_text("Where each optimizer ended").is_visible()
    assert query(page)["opt"] == ["gd", "rmsprop"]
    shot(page, "browser_playground")


def test_compare_opens_with_small_multiples_and_leaderboard(page, app_url):
    open_app(page, f"{app_url}/compare", 2)
    no_exception(page)
    page.get_by_test_id("stDataFrame").wait_for()
    assert query(page)["c2.decay"] == ["0.99"]
    page.set_viewport_size({"width": 1600, "height": 2600})
    time.sleep(1)
    shot(page, "browser_compare")


def test_step_slider_moves_every_marker(page, app_url):
    """The step slider inside the figure moves every optimizer's marker on the contour map, the 3D
    surface and the loss chart, in the browser: no rerun, the address keeps its step."""
    open_app(page, app_url, 1)
    before = page.evaluate(EACH_MARKER_JS)
    assert len(before) == 3 * 2 and sum(m.startswith("scatter3d:") for m in before) == 2
    surface = page.screenshot(clip=page.evaluate(SCENE_BOX_JS))
    address = page.url
    page.mouse.click(*page.evaluate(TICK_JS, 40))
    deadline = time.monotonic() + 30
    while page.evaluate(EACH_MARKER_JS) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    after = page.evaluate(EACH_MARKER_JS)
    assert all(a != b for a, b in zip(after, before, strict=True)), "every marker on every panel moves"
    assert page.evaluate(FIGURE_STEP_JS) == "40"
    assert page.screenshot(clip=page.evaluate(SCENE_BOX_JS)) != surface, "the 3D panel redraws its markers"
    assert page.locator(IDLE).count() == 1 and page.url == address  # no rerun
    no_exception(page)
    shot(page, "browser_step_slider")


def test_learning_rate_slider_changes_the_paths(page, app_url):
    open_app(page, app_url, 1)
    before = page.evaluate(PATHS_JS)
    lr = slider(page, "pg-opt-gd-lr")
    lr.focus()
    page.keyboard.press("ArrowLeft")
    wait_change(page, PATHS_JS, before)
    assert query(page)["gd.lr"] == ["0.08"]
    no_exception(page)


def test_clicking_the_contour_map_sets_the_start(page, app_url):
    open_app(page, app_url, 1)
    x_input = page.locator(".st-key-pg-x0 input")
    y_input = page.locator(".st-key-pg-y0 input")
    assert (x_input.input_value(), y_input.input_value()) == ("1.5", "1.5")
    target = (-3.0, 3.0)
    xy = page.evaluate(
        """([x, y]) => {
            const gd = document.querySelectorAll('.js-plotly-plot')[0];
            const L = gd._fullLayout, r = gd.getBoundingClientRect();
            return [r.left + L.xaxis._offset + L.xaxis.l2p(x), r.top + L.yaxis._offset + L.yaxis.l2p(y)];
        }""", list(target))
    page.mouse.move(*xy)
    time.sleep(0.3)
    page.mouse.click(*xy)
    deadline = time.monotonic() + 30
    while x_input.input_value() == "1.5" and time.monotonic() < deadline:
        time.sleep(0.1)
    settle(page)
    x, y = float(x_input.input_value()), float(y_input.input_value())
    assert abs(x - target[0]) < 0.6 and abs(y - target[1]) < 0.6, (x, y)
    assert query(page)["x0"] == [x_input.input_value()]
    no_exception(page)
    shot(page, "browser_clicked_start")


def test_shared_link_reopens_the_same_view(page, app_url, browser):
    link = (f"{app_url}/?objective=himmelblau&x0=-2&y0=1&flavor=torch&opt=gd&opt=adam"
            "&gd.lr=0.005&adam.lr=0.05&steps=200&step=10")
    open_app(page, link, 1)
    no_exception(page)
    assert page.locator(".st-key-pg-warning, [data-testid='stAlert']").count() == 0
    assert page.locator(".st-key-pg-x0 input").input_value() == "-2"
    assert page.locator(".st-key-pg-steps input").input_value() == "200"
    assert page.evaluate(FIGURE_STEP_JS) == "10"
    assert "Adam" in page.locator(".st-key-pg-optimizers").inner_text()
    assert "0.05" in page.locator(".st-key-pg-opt-adam-lr").inner_text()
    shared = page.url
    markers = page.evaluate(MARKERS_JS)

    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    open_app(other, shared, 1)
    assert other.locator(".st-key-pg-x0 input").input_value() == "-2"
    assert other.evaluate(FIGURE_STEP_JS) == "10"
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
    assert other.locator(".st-key-cmp-0-sgd-momentum input").input_value() == "0.5"
    assert other.locator(".st-key-cmp-1-flavor input").input_value() == "Keras"
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
    proc = start_streamlit(ROOT / "app.py", port, log=ARTIFACTS / "streamlit-fresh-server.log")
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


def test_stacked_charts_for_a_narrow_window(page, app_url):
    page.set_viewport_size({"width": 760, "height": 1000})
    open_app(page, app_url, 1)
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("aria-expanded") == "true" or sidebar.get_attribute("data-collapsed") == "false":
        sidebar.hover()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()  # it covers a narrow page
    page.get_by_text("Stack the charts").click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.height > 1000",
                           timeout=60_000)
    settle(page)
    rows = page.evaluate("""() => { const L = document.querySelector('.js-plotly-plot')._fullLayout;
        return [L.yaxis.domain, L.scene.domain.y, L.yaxis2.domain]; }""")
    assert rows[0][0] > rows[1][1] and rows[1][0] > rows[2][1]  # contour above surface above loss
    no_exception(page)
    shot(page, "browser_stacked_narrow")

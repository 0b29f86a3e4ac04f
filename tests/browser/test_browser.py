"""The app in headless Chromium: the pages open, the live chart keeps the person's view through a change and
rearranges its panels on a narrow window, a click on the contour map sets the start, and a change on the
Playground or Compare reruns the page's fragment alone.

The step control and Play are in test_browser_step_control.py, links in test_browser_links.py.

Screenshots land in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import time

import pytest

from .helpers import (
    IDLE,
    JS_ERRORS,
    PATHS_JS,
    SCENE_BOX_JS,
    has_value,
    no_exception,
    open_app,
    query,
    received_frames,
    settle,
    shot,
    slider,
    step_label,
    wait_change,
    wait_for,
)

# Page pixels of contour-map coordinates (x, y).
MAP_XY_JS = """([x, y]) => { const gd = document.querySelector('.js-plotly-plot');
    const L = gd._fullLayout, r = gd.getBoundingClientRect();
    return [r.left + L.xaxis._offset + L.xaxis.l2p(x), r.top + L.yaxis._offset + L.yaxis.l2p(y)]; }"""
# What the person did to the view: the 3D camera, the map's x and y ranges, which series are hidden.
VIEW_JS = """() => { const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout;
    const hidden = gd.data.filter(t => t.visible === 'legendonly').map(t => t.legendgroup);
    return {eye: L.scene.camera.eye, x: L.xaxis.range, y: L.yaxis.range, hidden: [...new Set(hidden)]}; }"""
# Device pixels of the 3D scene's drawing buffer per CSS pixel of its canvas.
GL_SCALE_JS = """() => { const c = document.querySelector('.js-plotly-plot .gl-container canvas, #scene canvas');
    return c.width / c.getBoundingClientRect().width; }"""
PANELS_JS = """() => { const L = document.querySelector('.js-plotly-plot')._fullLayout;
    return [!!L.xaxis, !!L.scene, !!L.xaxis2, L.height]; }"""


def address_shows_step(page, step: int) -> None:
    """Wait for the step the control is on to reach the address. Once, in a CI run on a loaded machine, it had
    not after 60 s while the control showed it (the page had just rerun for a zoom and a legend click): then the
    person's next move, one step back and forth, sends it again, and that must reach the address."""
    try:
        wait_for(lambda: query(page).get("step") == [str(step)], "the step to reach the address", 45)
    except AssertionError:
        page.get_by_role("slider", name="Step").focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowRight")
        wait_for(lambda: query(page).get("step") == [str(step)], "the step to reach the address", 90)


def test_playground_opens_with_the_three_linked_views_and_the_step_control(page, app_url):
    open_app(page, app_url, 1)
    no_exception(page)
    assert page.locator(".js-plotly-plot").count() == 1
    panels = page.evaluate(PANELS_JS)
    assert panels[:3] == [True, True, True]  # contour map, 3D surface, loss curves
    assert step_label(page) == "Step 100 of 100"
    assert page.get_by_role("button", name="Play the descent").is_visible()
    assert page.get_by_role("slider", name="Step").is_visible()
    assert page.get_by_label("Playback speed").input_value() == "1"
    assert page.get_by_text("Where each optimizer ended").is_visible()
    assert query(page)["opt"] == ["gd", "rmsprop"]
    # The 3D scene renders at the screen's pixels (one device pixel a CSS pixel here), not plotly.js's default of
    # twice that: four times the pixels to shade on every redraw and every frame of Play.
    assert page.evaluate(GL_SCALE_JS) == pytest.approx(1.0, abs=0.01)
    shot(page, "browser_playground")
    # An optimizer's update rule is written when its popover opens (not on every rerun before that).
    assert page.locator("[data-testid=stPopoverBody] .katex").count() == 0
    page.get_by_role("button", name="Update rule").first.click()
    body = page.get_by_test_id("stPopoverBody")
    body.locator(".katex").first.wait_for(timeout=30_000)
    assert "∇" in body.inner_text()
    no_exception(page)


def test_a_live_chart_error_fails_the_page_check(page, app_url):
    """Every page is watched for the live chart's errors: one logged makes ``no_exception`` fail (what lets the
    other tests catch a chart that failed to draw)."""
    open_app(page, app_url, 1)
    no_exception(page)
    page.evaluate("() => console.error('live chart:', 'a figure it could not draw')")
    wait_for(lambda: bool(JS_ERRORS.get(id(page))), "the error collected")
    with pytest.raises(AssertionError, match="could not draw"):
        no_exception(page)
    JS_ERRORS[id(page)].clear()


STALE_CLEANUP_JS = """async () => {
    const url = performance.getEntriesByType('resource').map(e => e.name).find(n => n.includes('live_chart.js'));
    const mod = await import(url);
    const live = document.querySelector('.dl-live');
    mod.cleanup(live.parentElement, 1);  // a first render's cleanup, called after newer payloads (a quick rerun)
    await new Promise(r => setTimeout(r, 300));
    return [document.querySelectorAll('.dl-live').length, document.querySelectorAll('.dl-step:not([hidden])').length,
            document.querySelectorAll('.js-plotly-plot').length];
}"""


def test_a_stale_render_s_cleanup_leaves_the_chart_on_the_page(page, app_url):
    """Streamlit calls a render's cleanup also when a newer payload arrived while that render was starting (a
    quick second rerun, seen under ``make load``); that cleanup purged the chart the newer payload was drawn
    into, so the view was lost and a second step control appeared. The chart stays while it is on the page."""
    open_app(page, app_url, 1)
    lr = slider(page, "pg-opt-gd-lr")
    before = page.evaluate(PATHS_JS)
    lr.focus()
    page.keyboard.press("ArrowLeft")  # a second payload: the first render's cleanup is now stale
    wait_change(page, PATHS_JS, before)
    assert page.evaluate(STALE_CLEANUP_JS) == [1, 1, 1]
    before = page.evaluate(PATHS_JS)
    lr.focus()
    page.keyboard.press("ArrowLeft")  # the chart still takes new payloads
    wait_change(page, PATHS_JS, before)
    assert page.evaluate("() => document.querySelectorAll('.dl-step:not([hidden])').length") == 1
    no_exception(page)


def test_compare_opens_with_small_multiples_and_leaderboard(page, app_url):
    open_app(page, f"{app_url}/compare", 2)
    no_exception(page)
    page.get_by_test_id("stDataFrame").wait_for()
    assert query(page)["c2.decay"] == ["0.99"]
    page.set_viewport_size({"width": 1600, "height": 2600})
    time.sleep(1)
    shot(page, "browser_compare")


def test_a_learning_rate_change_keeps_the_camera_zoom_hidden_series_and_step(page, app_url):
    """The issue's check: rotate the 3D view, zoom the contour map, hide a series in the legend and stop
    the step at 30, then change a learning rate: the view is unchanged and the paths are new."""
    open_app(page, app_url, 1)
    opened = page.evaluate(VIEW_JS)
    box = page.evaluate(SCENE_BOX_JS)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 25, steps=8)
    page.mouse.up()
    (x0, y0), (x1, y1) = page.evaluate(MAP_XY_JS, [-2.0, 2.0]), page.evaluate(MAP_XY_JS, [2.0, -2.0])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()
    time.sleep(0.8)  # not a double click (which plotly reads as "show only this series")
    page.locator(".legend .traces").first.click()  # hide gradient descent on every panel
    page.get_by_role("slider", name="Step").focus()
    page.keyboard.press("Home")
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    assert step_label(page) == "Step 30 of 100"
    address_shows_step(page, 30)
    settle(page)
    view = page.evaluate(VIEW_JS)
    assert view["hidden"] == ["Gradient descent"]
    assert -2.3 < view["x"][0] < -1.7 and 1.7 < view["x"][1] < 2.3, view["x"]
    assert view["eye"] != opened["eye"], "the camera was rotated"
    paths = page.evaluate(PATHS_JS)
    shot(page, "browser_view_before_change")

    slider(page, "pg-opt-rmsprop-lr").focus()
    page.keyboard.press("ArrowLeft")
    wait_change(page, PATHS_JS, paths)
    time.sleep(0.5)
    after = page.evaluate(VIEW_JS)
    assert after["hidden"] == view["hidden"]
    assert after["x"] == pytest.approx(view["x"]) and after["y"] == pytest.approx(view["y"])
    assert after["eye"] == pytest.approx(view["eye"], rel=1e-6)
    assert step_label(page) == "Step 30 of 100"
    assert query(page)["step"] == ["30"] and query(page)["rmsprop.lr"] != ["0.01"]
    no_exception(page)
    shot(page, "browser_view_after_change")


def test_learning_rate_slider_changes_the_paths(page, app_url):
    """A learning-rate move reruns the Playground's fragment alone: the server sends the runs, the chart and the
    cards again, not the page's heading and the function's widgets (which only a whole page's run changes)."""
    frames = received_frames(page)
    open_app(page, app_url, 1)
    settle(page)
    assert any(b"Watch gradient-based optimizers" in f for f in frames), "a whole run sends the page's caption"
    before = page.evaluate(PATHS_JS)
    frames.clear()
    lr = slider(page, "pg-opt-gd-lr")
    lr.focus()
    page.keyboard.press("ArrowLeft")
    wait_change(page, PATHS_JS, before)
    settle(page)
    assert query(page)["gd.lr"] == ["0.08"]
    assert any(b"Where each optimizer ended" in f for f in frames), "the result cards are drawn again"
    assert not any(b"Watch gradient-based optimizers" in f for f in frames), "the move reran the whole page"
    no_exception(page)


def test_a_compare_change_reruns_its_fragment_and_configurations_come_and_go(page, app_url):
    """On Compare a card's learning-rate move reruns the page's fragment alone (the cards, charts, leaderboard and
    link, not the heading and the function's widgets); adding and removing a configuration, in the fragment too,
    brings its panel and its part of the address and takes them away."""
    frames = received_frames(page)
    caption = b"Put up to six optimizer configurations side by side"
    open_app(page, f"{app_url}/compare?c1=gd&c1.lr=0.05&c2=adam", 2)
    page.get_by_test_id("stDataFrame").wait_for()
    settle(page)
    assert any(caption in f for f in frames), "a whole run sends the page's caption"
    assert page.locator(".js-plotly-plot").count() == 3  # two panels and the loss curves
    before = page.evaluate(PATHS_JS)
    frames.clear()
    slider(page, "cmp-0-gd-lr").focus()
    page.keyboard.press("ArrowRight")
    wait_change(page, PATHS_JS, before)
    settle(page)
    assert query(page)["c1.lr"] != ["0.05"]
    assert any(b"Leaderboard" in f for f in frames), "the leaderboard is drawn again"
    assert not any(caption in f for f in frames), "the move reran the whole page"

    page.get_by_role("button", name="Add configuration").click()
    wait_for(lambda: query(page).get("c3") == ["adam"] and page.locator(".js-plotly-plot").count() == 4,
             "a third configuration, a copy of the last, with its panel")
    page.locator(".st-key-cmp-2-card summary").click()  # a new card opens folded
    page.locator(".st-key-cmp-2-remove button").click()
    wait_for(lambda: "c3" not in query(page) and page.locator(".js-plotly-plot").count() == 3,
             "the third configuration and its panel gone")
    no_exception(page)


def test_clicking_the_contour_map_sets_the_start(page, app_url):
    open_app(page, app_url, 1)
    x_input = page.locator(".st-key-pg-x0 input")
    y_input = page.locator(".st-key-pg-y0 input")
    has_value(x_input, "1.5")
    has_value(y_input, "1.5")
    target = (-3.0, 3.0)
    xy = page.evaluate(MAP_XY_JS, list(target))
    page.mouse.move(*xy)
    time.sleep(0.3)
    page.mouse.click(*xy)
    wait_for(lambda: x_input.input_value() != "1.5", "the start point to change")
    settle(page)
    x, y = float(x_input.input_value()), float(y_input.input_value())
    assert abs(x - target[0]) < 0.6 and abs(y - target[1]) < 0.6, (x, y)
    assert query(page)["x0"] == [x_input.input_value()]
    # the header, outside the chart's fragment, says where the runs start now
    assert f"every run starting at ({x:g}, {y:g})" in page.get_by_test_id("stMain").inner_text()
    no_exception(page)
    shot(page, "browser_clicked_start")


DOMAINS_JS = """() => { const L = document.querySelector('.js-plotly-plot')._fullLayout;
    return {map: [L.xaxis.domain, L.yaxis.domain], surface: [L.scene.domain.x, L.scene.domain.y],
            loss: [L.xaxis2.domain, L.yaxis2.domain], height: L.height}; }"""


def test_narrow_windows_rearrange_the_panels_by_themselves(page, app_url):
    """Side by side when there is room; map and surface above the loss below 1000 px; one above the other
    on a phone-sized window. No toggle, no rerun: the chart switches as the window changes."""
    open_app(page, app_url, 1)
    wide = page.evaluate(DOMAINS_JS)
    assert wide["map"][0][1] < wide["surface"][0][0] < wide["surface"][0][1] < wide["loss"][0][0]
    page.set_viewport_size({"width": 760, "height": 1000})
    time.sleep(1.0)  # below 768 px Streamlit may fold the sidebar itself: let its animation end before looking
    sidebar = page.get_by_test_id("stSidebar")
    expanded = sidebar.get_attribute("aria-expanded") == "true" or sidebar.get_attribute("data-collapsed") == "false"
    if expanded and sidebar.is_visible():
        sidebar.hover()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()  # it covers a narrow page
    wait_for(lambda: page.evaluate(DOMAINS_JS)["height"] > wide["height"], "the chart to rearrange")
    medium = page.evaluate(DOMAINS_JS)
    assert medium["loss"][1][1] < medium["map"][1][0] and medium["map"][0][1] < medium["surface"][0][0]
    shot(page, "browser_medium_760")
    page.set_viewport_size({"width": 560, "height": 1000})
    wait_for(lambda: page.evaluate(DOMAINS_JS)["height"] > 1000, "the chart to stack")
    rows = page.evaluate(DOMAINS_JS)
    assert rows["map"][1][0] > rows["surface"][1][1] and rows["surface"][1][0] > rows["loss"][1][1]
    shot(page, "browser_stacked_560")
    page.set_viewport_size({"width": 1600, "height": 1000})
    wait_for(lambda: page.evaluate(DOMAINS_JS)["height"] == wide["height"], "side by side again")
    assert page.locator(IDLE).count() == 1
    no_exception(page)

"""The step control in headless Chromium: the keyboard moves every marker, Play moves them and Pause stops them,
and where the person stops reaches the address, without undoing a page switch that follows at once."""

from __future__ import annotations

import time

from .helpers import EACH_MARKER_JS, SCENE_BOX_JS, no_exception, open_app, query, settle, shot, step_label, wait_for


def test_the_keyboard_moves_the_step_and_every_marker(page, app_url):
    """Tab reaches the step control; Home, End and the arrows move every optimizer's marker on the contour
    map, the 3D surface and the loss chart in the browser; where the person stops goes into the address."""
    open_app(page, app_url, 1)
    before = page.evaluate(EACH_MARKER_JS)
    assert len(before) == 3 * 2 and sum(m.startswith("scatter3d:") for m in before) == 2
    surface = page.screenshot(clip=page.evaluate(SCENE_BOX_JS))
    page.get_by_role("button", name="Play the descent").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('dl-range')")
    page.keyboard.press("Home")
    assert step_label(page) == "Step 0 of 100"
    page.keyboard.press("End")
    assert step_label(page) == "Step 100 of 100"
    page.keyboard.press("Home")
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):  # each key redraws the 3D panel
        page.keyboard.press(key)
    assert step_label(page) == "Step 2 of 100"
    wait_for(lambda: page.evaluate(EACH_MARKER_JS) != before, "the markers to move")
    time.sleep(0.5)
    after = page.evaluate(EACH_MARKER_JS)
    assert all(a != b for a, b in zip(after, before, strict=True)), "every marker on every panel moves"
    assert page.screenshot(clip=page.evaluate(SCENE_BOX_JS)) != surface, "the 3D panel redraws its markers"
    wait_for(lambda: query(page).get("step") == ["2"], "the step to reach the address")
    settle(page)
    assert step_label(page) == "Step 2 of 100" and page.evaluate(EACH_MARKER_JS) == after
    no_exception(page)
    shot(page, "browser_step_keyboard")


def test_a_page_link_clicked_right_after_a_step_move_sends_no_rerun_of_the_page_left(page, app_url):
    """The step control tells Python where the person stopped 0.4 s after the last move (one rerun). A page
    link followed within that time drops the report: sent after the link's rerun request, it named the page
    being left, and under make load Streamlit reran that page instead of opening the linked one. So after the
    click the browser sends exactly one message, the link's."""
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(time.monotonic())))
    open_app(page, app_url, 1)
    page.locator(".dl-range").focus()
    page.keyboard.press("Home")
    assert step_label(page) == "Step 0 of 100"
    clicked = time.monotonic()
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Compare").click()  # well within the 0.4 s
    page.wait_for_function("() => document.querySelector('h1')?.innerText.trim() === 'Compare'", timeout=60_000)
    time.sleep(1.5)  # the report would have gone 0.4 s after the key (0.6-0.9 s after the click, measured)
    settle(page)
    assert len([t for t in sent if t >= clicked]) == 1, "only the link's own rerun request after the click"
    no_exception(page)


def test_play_moves_the_markers_and_pause_stops_them(page, app_url):
    open_app(page, app_url + "/?steps=300", 1)
    page.get_by_label("Playback speed").select_option("0.5")
    before = page.evaluate(EACH_MARKER_JS)
    page.get_by_role("button", name="Play the descent").click()
    wait_for(lambda: step_label(page) not in ("Step 0 of 300", "Step 300 of 300"), "the descent to play")
    time.sleep(0.5)
    playing = step_label(page)
    time.sleep(0.5)
    assert step_label(page) != playing, "the step keeps moving while playing"
    assert page.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    shot(page, "browser_playing")
    page.get_by_role("button", name="Pause").click()
    paused = step_label(page)
    markers = page.evaluate(EACH_MARKER_JS)
    assert markers != before
    time.sleep(0.8)
    assert step_label(page) == paused and page.evaluate(EACH_MARKER_JS) == markers, "Pause stops the markers"
    shown = int(paused.split()[1])
    wait_for(lambda: query(page).get("step") == [str(shown)], "the paused step to reach the address")
    no_exception(page)

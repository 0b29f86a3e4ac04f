"""Inside RMSprop and Lessons in headless Chromium: every view draws, and one click loads a lesson exactly.

Screenshots land in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from ui.inside.state import encode_inside
from ui.lessons import LESSONS

from .conftest import ARTIFACTS
from .helpers import has_value, open_run_settings, received_frames, wait_for

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_idle(page) -> None:
    time.sleep(0.4)
    page.wait_for_selector(IDLE, timeout=90_000)


def wait_charts(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {n}", timeout=60_000)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def shot(page, name: str, height: int = 2400) -> None:
    """A full-height screenshot (the app scrolls inside its own container, so grow the viewport)."""
    page.set_viewport_size({"width": 1600, "height": height})
    time.sleep(1.0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1600, "height": 1000})


def traces_js(meta: str) -> str:
    return f"""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g =>
        (g.data || []).filter(t => t.meta === '{meta}').map(t => t.name))"""


ANATOMY_AXES_JS = """() => { const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(g => (g.data || []).some(t => t.meta === 'lr'));
    return g ? Object.keys(g._fullLayout).filter(k => k.startsWith('yaxis')).map(k => g._fullLayout[k].type) : []; }"""


def test_inside_page_draws_every_view(page, app_url):
    """Every view draws. On the step-by-step view, "Show" switches the chart between sizes on log axes and signed
    values, rerunning that chart's fragment alone (the server does not send the page's caption again)."""
    frames = received_frames(page)
    page.goto(f"{app_url}/inside")
    wait_idle(page)
    wait_charts(page, 3)
    no_exception(page)
    assert page.locator("h1").first.inner_text() == "Inside RMSprop"
    names = page.evaluate(traces_js("lr"))[0]
    assert set(names) == {"AdaGrad", "RMSprop", "Adam"}
    assert page.locator(".katex").count() >= 1 + 3  # the function, then one block of update rules per optimizer
    assert query(page)["view"] == ["anatomy"]
    shot(page, "browser_inside_anatomy", 3000)
    assert set(page.evaluate(ANATOMY_AXES_JS)) == {"log"}
    assert any(b"What an adaptive optimizer sees" in f for f in frames), "a whole run sends the page's caption"
    frames.clear()
    page.locator(".st-key-in-scale button").filter(has_text="signed values").click()
    wait_for(lambda: set(page.evaluate(ANATOMY_AXES_JS)) == {"linear"}, "the chart on linear axes")
    wait_idle(page)
    assert query(page)["scale"] == ["signed"] and query(page)["view"] == ["anatomy"]
    assert not any(b"What an adaptive optimizer sees" in f for f in frames), "the switch reran the whole page"
    no_exception(page)
    for label, view, charts in (("Zig-zag (seed 003)", "zigzag", 2), ("Where epsilon sits", "epsilon", 2),
                                ("Decay and bias correction", "decay", 4)):
        page.locator(".st-key-in-view button").filter(has_text=label).click()
        page.wait_for_function(f"() => location.search.includes('view={view}')", timeout=60_000)
        wait_idle(page)
        wait_charts(page, charts)
        no_exception(page)
        shot(page, f"browser_inside_{view}", 2600)


def test_lessons_page_shows_seed_001_numbers_and_loads_seed_000_in_one_click(page, app_url):
    page.goto(f"{app_url}/lessons")
    wait_idle(page)
    no_exception(page)
    table = page.get_by_test_id("stTable").inner_text()
    assert "-0.10352260359924752" in table and "0.0025296212056016548" in table and "0.05362944016394148" in table
    shot(page, "browser_lessons", 4200)
    page.locator(".st-key-lesson000-open a").first.click()
    page.wait_for_function("() => location.search.includes('opt=gd')", timeout=60_000)
    wait_idle(page)
    wait_charts(page, 1)
    no_exception(page)
    assert page.locator("h1").first.inner_text() == "Playground"
    assert query(page) == LESSONS["000"].query()
    assert page.get_by_test_id("stAlert").count() == 0
    assert not page.locator(".st-key-pg-opt-rmsprop-eps_in_sqrt input").is_checked()
    assert "0.1" in page.locator(".st-key-pg-opt-gd-lr").inner_text()
    open_run_settings(page)
    has_value(page.locator(".st-key-pg-steps input"), "100")
    shot(page, "browser_lesson_000_playground", 1600)
    page.go_back()  # the browser's Back returns to the Lessons page as it was, not to its address with new settings
    page.wait_for_function("() => location.pathname.endsWith('/lessons')", timeout=60_000)
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == "Lessons" and query(page) == {}


def test_seed_004_loads_compare_and_seed_003_looks_inside(page, app_url):
    page.goto(f"{app_url}/lessons")
    wait_idle(page)
    page.locator(".st-key-lesson004-open a").first.click()
    page.wait_for_function("() => location.pathname.endsWith('/compare')", timeout=60_000)
    wait_idle(page)
    page.get_by_test_id("stDataFrame").wait_for()
    no_exception(page)
    assert query(page) == LESSONS["004"].query()
    page.locator(".st-key-cmp-1-card summary").click()  # configuration 2's settings, folded in the sidebar
    assert "0.9" in page.locator(".st-key-cmp-1-adagrad-lr").inner_text().split()  # label, value, min, max
    shot(page, "browser_lesson_004_compare", 2400)

    page.goto(f"{app_url}/lessons")
    wait_idle(page)
    page.locator(".st-key-lesson003-inside a").first.click()
    page.wait_for_function("() => location.pathname.endsWith('/inside')", timeout=60_000)
    wait_idle(page)
    wait_charts(page, 2)
    no_exception(page)
    assert query(page) == encode_inside(LESSONS["003"].inside)
    assert set(page.evaluate(traces_js("step"))[1]) == {"Gradient descent", "RMSprop"}

"""The many-runs pages in headless Chromium: a clicked sweep cell opens in the Playground, basin maps
switch between views, tuned winners race on Compare, noisy runs draw bands, bad grids say the limit.

Screenshots land in tests/artifacts/ (views_*.png) for a person to look at.
"""

from __future__ import annotations

import time

from ui.sweep.state import default_sweep
from ui.urlstate import encode_playground
from viz.sweepmap import EDGE_NAME, SELECTED_NAME

from .helpers import CELL_XY_JS, IDLE, no_exception, open_app, query, settle, shot, wait_for

METAS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    g => (g.data || []).map(t => t.meta))"""
SHAPES_JS = "() => (document.querySelector('.js-plotly-plot').layout.shapes || []).map(s => s.name)"


def count_meta(page, meta: str) -> int:
    return sum(m.count(meta) for m in page.evaluate(METAS_JS))


def test_clicking_a_sweep_cell_opens_that_run_in_the_playground(page, app_url):
    open_app(page, f"{app_url}/sweep", 1)
    no_exception(page)
    assert count_meta(page, "diverged") == 1 and page.evaluate(SHAPES_JS).count(EDGE_NAME) == 1
    state = default_sweep()
    row, col = 30, 10
    xy = page.evaluate(CELL_XY_JS, [col, row])  # cells at whole positions: column k at x = k, row k at y = k
    page.mouse.move(*xy)  # the cell's hover label shows once Plotly is ready for the click
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", timeout=15_000)
    assert "lr = " in page.locator(".js-plotly-plot .hoverlayer .hovertext").first.text_content()
    # Aimed again: once, the page had moved the map 3 rows' height since the first aim, and the click took row 33.
    page.mouse.click(*page.evaluate(CELL_XY_JS, [col, row]))
    wait_for(lambda: "cell" in query(page), what="a cell in the address")
    assert query(page)["cell"] == [f"{row},{col}"], query(page)
    settle(page)
    assert page.evaluate(SHAPES_JS).count(SELECTED_NAME) == 2
    assert "momentum = " in page.get_by_test_id("stMarkdown").filter(has_text="lr = ").first.inner_text()
    shot(page, "views_sweep_cell")

    expected = encode_playground(state.playground(row, col))
    page.get_by_test_id("stPageLink").filter(has_text="Open this run in the Playground").click()
    page.wait_for_function("() => !location.pathname.endsWith('sweep')")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=60_000)
    settle(page)
    no_exception(page)
    assert page.get_by_test_id("stAlert").count() == 0
    got = query(page)
    assert got == expected, "the Playground opened exactly the clicked configuration"
    assert page.locator("h1").first.inner_text() == "Playground"
    shot(page, "views_sweep_to_playground")


def test_sweep_outcome_views_and_a_too_large_grid(page, app_url):
    open_app(page, f"{app_url}/sweep?outcome=steps", 1)
    assert count_meta(page, "never") == 1
    shot(page, "views_sweep_steps")
    open_app(page, f"{app_url}/sweep?lr.n=200&second.n=200&steps=1000", 0)
    alert = page.get_by_test_id("stAlert")
    alert.wait_for()
    text = alert.inner_text()
    assert "40,000,000 run-steps" in text and "the limit is 26,214,400" in text
    assert page.locator(".js-plotly-plot").count() == 0
    no_exception(page)
    shot(page, "views_sweep_too_large")
    steps = page.locator(".st-key-sw-steps input")
    steps.fill("500")
    steps.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=60_000)
    settle(page)
    assert page.get_by_test_id("stAlert").count() == 0
    assert query(page)["steps"] == ["500"]


def test_basin_maps_four_optimizers_and_steps_view(page, app_url):
    open_app(page, f"{app_url}/basins", 1)
    no_exception(page)
    assert count_meta(page, "basins") == 2
    page.get_by_test_id("stDataFrame").wait_for()
    shot(page, "views_basins_default")
    page.locator(".st-key-bs-maps button").filter(has_text="4").click()
    wait_for(lambda: count_meta(page, "basins") == 4, timeout=60, what="four maps")
    settle(page)
    assert query(page)["c4"] == ["adam"]
    page.set_viewport_size({"width": 1600, "height": 1500})
    time.sleep(0.5)
    shot(page, "views_basins_four")
    page.locator(".st-key-bs-view button").filter(has_text="Steps to converge").click()
    wait_for(lambda: query(page).get("view") == ["steps"], what="the steps view")
    settle(page)
    no_exception(page)
    shot(page, "views_basins_steps")


def test_basin_maps_of_rastrigin(page, app_url):
    open_app(page, f"{app_url}/basins?objective=rastrigin&res=200&steps=300&c1=gd&c1.lr=0.01&c2=sgd&c2.lr=0.005"
                   "&c2.momentum=0.9&c3=adam&c3.lr=0.3", 1)
    no_exception(page)
    assert count_meta(page, "basins") == 3
    page.set_viewport_size({"width": 1600, "height": 1400})
    time.sleep(0.5)
    shot(page, "views_basins_rastrigin")


def test_tuned_winners_race_on_compare(page, app_url):
    open_app(page, f"{app_url}/tune", 1)
    no_exception(page)
    page.get_by_test_id("stDataFrame").first.wait_for()
    assert count_meta(page, "chosen") == 3
    page.set_viewport_size({"width": 1600, "height": 1500})
    time.sleep(0.5)
    shot(page, "views_tune")
    page.get_by_test_id("stPageLink").filter(has_text="Race the tuned configurations").click()
    page.wait_for_function("() => location.pathname.endsWith('compare')")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_test_id("stDataFrame").first.wait_for()
    settle(page)
    no_exception(page)
    assert page.get_by_test_id("stAlert").count() == 0
    q = query(page)
    assert [q["c1"], q["c2"], q["c3"]] == [["sgd"], ["rmsprop"], ["adam"]] and q["steps"] == ["200"]
    shot(page, "views_tune_race")


def test_compare_with_noise_draws_median_and_iqr_bands(page, app_url):
    open_app(page, f"{app_url}/compare?noise=0.5&seeds=16", 2)
    no_exception(page)
    wait_for(lambda: count_meta(page, "median") == 4, what="four median lines")
    assert count_meta(page, "band-lower") == 4
    page.set_viewport_size({"width": 1600, "height": 2300})
    time.sleep(0.5)
    shot(page, "views_compare_bands")

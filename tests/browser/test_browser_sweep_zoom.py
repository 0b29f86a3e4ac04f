"""Zooming into a sweep's edge in headless Chromium: a 512 x 512 map draws, a dragged box recomputes the map
inside it, "Zoom toward the edge" goes ten times deeper, the trail goes back, a link reopens the zoom, a map
beyond the budget gets one sentence; hover and clicks come from the heatmap itself.

Screenshots land in tests/artifacts/ (sweep_zoom_*.png): each zoom level of the tiny network's map of
per-coordinate learning rates at 800, 1280 and 1600 px, light and dark, for a person to look at.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from ui.lessons import LESSONS
from ui.sweep.state import decode_sweep, encode_sweep
from ui.sweep.zoom import factor_text, zoom_factor
from ui.urlstate import fmt
from viz.sweepaxes import cell_labels

from .helpers import (
    CELL_XY_JS,
    IDLE,
    each_size,
    no_exception,
    open_app,
    query,
    settle,
    shot,
    sized_page,
    wait_for,
)

FRACTAL = LESSONS["fractal"].state  # 512 x 512 runs of 100 steps on the tiny network, zoomed three times
MAP_JS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    if (!gd || !gd.data || !gd._fullLayout) return null;
    const z = gd.calcdata[0][0].z;  // the grid as plotly drew it (gd.data holds the typed-array spec)
    return {x0: gd.data[0].x[0], x1: gd.data[0].x[gd.data[0].x.length - 1], y0: gd.data[0].y[0],
            rows: z.length, cols: z[0].length, scatter: gd.data.filter(t => t.type !== 'heatmap' && t.x[0] !== null
            && t.x[0] !== undefined).length, shapes: (gd.layout.shapes || []).map(s => s.name)};
}"""


def link(state) -> str:
    return urlencode(encode_sweep(state), doseq=True)


def wait_redrawn(page, before: dict) -> dict:
    """Wait until the map shows other cells than ``before``, and the page is idle."""
    wait_for(lambda: (page.evaluate(MAP_JS) or before)["x0"] != before["x0"], "the map to be recomputed")
    settle(page)
    return page.evaluate(MAP_JS)


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A box zoom: press, move in a few steps (plotly draws the box), release."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def test_a_512_map_zooms_by_box_toward_the_edge_back_along_the_trail_and_in_a_link(page, app_url):
    root = replace(FRACTAL, zoom=())
    open_app(page, f"{app_url}/sweep?{link(root)}", 1)
    no_exception(page)
    whole = page.evaluate(MAP_JS)
    assert (whole["rows"], whole["cols"]) == (512, 512) and whole["scatter"] == 0  # no point per cell
    assert whole["x0"] == "lr = 0.01" and whole["y0"] == "lr_y = 0.01"
    # Hover comes from the heatmap: the cell's settings, and how fast it went.
    xy = page.evaluate(CELL_XY_JS, [400, 450])
    page.mouse.move(*xy)
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", timeout=15_000)
    hover = page.locator(".js-plotly-plot .hoverlayer .hovertext").first.text_content()
    assert "lr = " in hover and "lr_y = " in hover and "speed rank" in hover
    shot(page, "sweep_zoom_0_whole_map")

    # A box dragged over cells 300-500 across and 350-500 up, across the edge: the map is recomputed inside it,
    # 512 x 512 again (a cell is about a pixel wide, so the box lands within a cell or two of where it was aimed).
    drag(page, page.evaluate(CELL_XY_JS, [300, 500]), page.evaluate(CELL_XY_JS, [500, 350]))
    boxed = wait_redrawn(page, whole)
    (window,) = decode_sweep(query(page))[0].zoom
    lr, lr_y = root.lr_values(), root.second_values()
    assert lr[298] < window[0] < lr[302] and lr[498] < window[1] < lr[502]
    assert lr_y[348] < window[2] < lr_y[352] and lr_y[498] < window[3] < lr_y[502]
    assert (boxed["rows"], boxed["cols"]) == (512, 512)
    assert boxed["x0"] == cell_labels(replace(root, zoom=(window,)).lr_values(), "lr")[0]
    shot(page, "sweep_zoom_1_box")

    # Toward the edge: ten times deeper, then back along the trail in one click.
    page.get_by_role("button", name="Zoom toward the edge").click()
    deeper = wait_redrawn(page, boxed)
    trail = decode_sweep(query(page))[0].zoom
    assert len(trail) == 2 and trail[0] == window
    shot(page, "sweep_zoom_2_toward_edge")
    address = query(page)
    level_1 = factor_text(zoom_factor(root.root, window, "lr_y"))
    page.get_by_role("button", name=level_1, exact=True).click()
    again = wait_redrawn(page, deeper)
    assert again == boxed and decode_sweep(query(page))[0].zoom == (window,)

    # The deeper level's link reopens it, trail and all.
    fresh = page.context.new_page()
    open_app(fresh, f"{app_url}/sweep?{urlencode(address, doseq=True)}", 1)
    wait_for(lambda: fresh.evaluate(MAP_JS) is not None, "the map")
    assert fresh.evaluate(MAP_JS) == deeper
    assert fresh.get_by_test_id("stAlert").count() == 0
    no_exception(fresh)
    fresh.close()


def test_a_click_on_a_zoomed_cell_opens_it_in_the_playground_with_its_own_learning_rates(page, app_url):
    open_app(page, f"{app_url}/sweep?{link(FRACTAL)}", 1)
    before = page.evaluate(MAP_JS)
    assert before["x0"] == cell_labels(FRACTAL.lr_values(), "lr")[0]
    page.mouse.click(*page.evaluate(CELL_XY_JS, [200, 300]))
    wait_for(lambda: "cell" in query(page), what="a cell in the address")
    assert query(page)["cell"] == ["300,200"]
    settle(page)
    assert page.evaluate(MAP_JS)["shapes"].count("selected cell") == 2
    page.get_by_test_id("stPageLink").filter(has_text="Open this run in the Playground").click()
    page.wait_for_function("() => !location.pathname.endsWith('sweep')")
    page.wait_for_selector(IDLE, timeout=60_000)
    settle(page)
    no_exception(page)
    cfg = FRACTAL.playground(300, 200).optimizers[0]
    got = query(page)
    assert got["gd.lr"] == [fmt(cfg.get("lr"))] and got["gd.lr_y"] == [fmt(cfg.get("lr_y"))]
    assert page.locator(".st-key-pg-opt-gd-lr_y_on input").is_checked()


def test_a_map_beyond_the_budget_gets_one_sentence(page, app_url):
    too_big = replace(FRACTAL, zoom=(), setup=replace(FRACTAL.setup, steps=101))
    open_app(page, f"{app_url}/sweep?{link(too_big)}", 0)
    alert = page.get_by_test_id("stAlert")
    alert.wait_for()
    assert alert.count() == 1
    assert "512 x 512 sweep of 101 steps is 26,476,544 run-steps; the limit is 26,214,400" in alert.inner_text()
    assert page.locator(".js-plotly-plot").count() == 0
    no_exception(page)
    shot(page, "sweep_zoom_too_large")


def test_every_zoom_level_reads_at_every_size_in_both_themes(browser, app_url):
    """The fractal lesson's trail, each level opened from its link: screenshots to look at."""
    page = sized_page(browser)
    try:
        for level in range(len(FRACTAL.zoom) + 1):
            state = replace(FRACTAL, zoom=FRACTAL.zoom[:level])
            open_app(page, f"{app_url}/sweep?{link(state)}", 1)
            for width, _, scheme in each_size(page):
                no_exception(page)
                shown = page.evaluate(MAP_JS)
                assert (shown["rows"], shown["cols"]) == (512, 512)
                font = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.font.color")
                assert font == ("#e8eaee" if scheme == "dark" else "#262730")
                page.locator(".js-plotly-plot").scroll_into_view_if_needed()
                shot(page, f"sweep_zoom_level{level}_{width}_{scheme}")
    finally:
        page.context.close()

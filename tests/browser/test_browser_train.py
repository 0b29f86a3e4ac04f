"""The Train a network page in a real browser: it draws, the step control and Play move the decision boundary,
a link reopens the exact view, and every view reads at 800, 1280 and 1600 px in light and dark (screenshots in
tests/artifacts/train/, looked at)."""

from __future__ import annotations

from .conftest import ARTIFACTS
from .helpers import (
    IDLE,
    each_size,
    full_page_shot,
    layout_problems,
    no_exception,
    open_app,
    query,
    received_frames,
    settle,
    sized_page,
    wait_for,
)

CHARTS = 4
CAPTION = b"On quadratic bowls the optimizers look alike"
SLICE_JS = """() => { const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(g => (g.data || []).some(t => t.meta === 'contour'));
    return g ? JSON.stringify(g.data.find(t => t.meta === 'contour').z) : null; }"""
BOUNDARY_JS = """() => { const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(g => (g.data || []).some(t => t.meta === 'boundary'));
    return g ? JSON.stringify(g.data.find(t => t.meta === 'boundary').z) : null; }"""


def boundary_label(page) -> str:
    """The step label of the decision boundary's chart (the only chart whose step control shows)."""
    return page.locator(".dl-step:not([hidden]) .dl-step-label").inner_text()


def test_train_page_draws_and_the_step_control_moves_the_boundary(page, app_url):
    open_app(page, f"{app_url}/train", CHARTS)
    no_exception(page)
    last = boundary_label(page)
    assert last == "Step 300 of 300"
    trained = page.evaluate(BOUNDARY_JS)
    page.get_by_role("button", name="Play the descent").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Home")
    assert boundary_label(page) == "Step 0 of 300"
    wait_for(lambda: page.evaluate(BOUNDARY_JS) != trained, "the boundary to go back to the untrained network")
    untrained = page.evaluate(BOUNDARY_JS)
    page.locator(".dl-step:not([hidden])").get_by_label("Playback speed").select_option("0.5")
    page.get_by_role("button", name="Play the descent").click()
    wait_for(lambda: boundary_label(page) not in ("Step 0 of 300", "Step 300 of 300"), "Play to move the step")
    wait_for(lambda: page.evaluate(BOUNDARY_JS) not in (untrained, trained), "Play to redraw the boundary")
    page.get_by_role("button", name="Pause").click()
    paused = boundary_label(page)
    shown = int(paused.split()[1])
    wait_for(lambda: query(page).get("step") == [str(shown)], "the paused step to reach the address")
    settle(page)
    assert boundary_label(page) == paused
    no_exception(page)


def test_a_link_reopens_the_exact_view_and_its_controls_rerun_the_view_alone(page, browser, app_url):
    """A link reopens the run, seed, slice and step it names. Choosing another slice then reruns the page's view
    fragment alone (the table, boundary, slice, norms and link; not the sidebar, the trainings and the curves): the
    server does not send the page's caption again, the slice is new, and the step and the address follow."""
    frames = received_frames(page)
    link = (f"{app_url}/train?data=spiral&noise=0.05&n=200&layers=1&width=8&c1=adam&c1.flavor=torch&c1.lr=0.02"
            "&c2=rmsprop&c2.flavor=torch&c2.lr=0.01&batch=20&epochs=10&seeds=2&run=2&run_seed=2&slice=random&step=40")
    open_app(page, link, CHARTS)
    no_exception(page)
    assert boundary_label(page) == "Step 40 of 80"
    shown = page.evaluate(BOUNDARY_JS)
    address = page.evaluate("() => location.href")
    assert query(page)["run"] == ["2"] and query(page)["slice"] == ["random"] and query(page)["step"] == ["40"]
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    try:
        open_app(other, address, CHARTS)
        assert boundary_label(other) == "Step 40 of 80"
        assert other.evaluate(BOUNDARY_JS) == shown
        assert query(other) == query(page)
        no_exception(other)
    finally:
        other.context.close()

    settle(page)
    assert any(CAPTION in f for f in frames), "a whole run sends the page's caption"
    random_slice = page.evaluate(SLICE_JS)
    frames.clear()
    page.locator(".st-key-tr-slice button", has_text="principal directions").click()
    wait_for(lambda: page.evaluate(SLICE_JS) != random_slice, "the slice along the principal directions")
    settle(page)
    assert query(page)["slice"] == ["pca"] and query(page)["step"] == ["40"] and query(page)["run"] == ["2"]
    assert boundary_label(page) == "Step 40 of 80" and page.evaluate(BOUNDARY_JS) == shown
    assert any(b"Loss landscape" in f for f in frames), "the view is drawn again"
    assert not any(CAPTION in f for f in frames), "the switch reran the whole page"
    no_exception(page)


def test_every_view_reads_at_every_size(browser, app_url):
    views = {"default": "", "random-slice": "?slice=random",
             "spiral-four": ("?data=spiral&c1=gd&c1.flavor=torch&c1.lr=0.5&c2=sgd&c2.flavor=torch&c2.lr=0.05"
                             "&c2.momentum=0.9&c3=rmsprop&c3.flavor=torch&c3.lr=0.01&c4=adam&c4.flavor=torch"
                             "&c4.lr=0.01&seeds=5&epochs=10&layers=3")}
    problems = []
    (ARTIFACTS / "train").mkdir(parents=True, exist_ok=True)
    page = sized_page(browser)
    try:
        for name, q in views.items():
            page.goto(f"{app_url}/train{q}")
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {CHARTS}",
                                   timeout=90_000)
            for width, height, scheme in each_size(page):
                no_exception(page)
                problems += layout_problems(page, f"{name} at {width} px ({scheme})", width)
                full_page_shot(page, ARTIFACTS / "train" / f"train_{name}_{width}_{scheme}.png", width, height)
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)

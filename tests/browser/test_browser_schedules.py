"""Learning-rate schedules in headless Chromium: picked in the sidebar, drawn by step under the picker, marked on
the loss panel, carried by the link; and how the Playground and Compare read with schedules at three window sizes
in both themes.

Screenshots land in tests/artifacts/ (schedules_*.png) for a person to look at.
"""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS
from .helpers import each_size, has_value, no_exception, open_app, query, settle, shot, sized_page, wait_for
from .test_browser_layout import BOXES_JS, CUT_JS, TEXT_JS, overlaps

# The small rate charts (their first trace is the rate) and what they draw, as numbers.
RATES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(g => g._fullData && g._fullData[0] && g._fullData[0].meta === 'lr')
    .map(g => g._fullData.map(t => Array.from(t.y)))"""
# Steps where the loss chart marks a sharp change of a learning rate, and its labels.
MARKS_JS = """() => { const g = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(g => (g._fullData || []).some(t => t.meta === 'loss'));
    const L = g._fullLayout;
    return {lines: (L.shapes || []).filter(s => s.name === 'rate-change').map(s => s.x0),
            labels: (L.annotations || []).filter(a => a.name === 'rate-change').map(a => a.text)}; }"""
LOSS_CHART_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .findIndex(g => (g._fullData || []).some(t => t.meta === 'loss'))"""
SHOWN_JS = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.checkVisibility())"
# Where each rate chart sits, against the sidebar that holds it.
INSIDE_SIDEBAR_JS = """() => { const side = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();
    return Array.from(document.querySelectorAll('.js-plotly-plot'))
        .filter(g => g._fullData && g._fullData[0] && g._fullData[0].meta === 'lr' && g.checkVisibility())
        .map(g => { const r = g.getBoundingClientRect();
                    return r.width > 150 && r.left >= side.left - 1 && r.right <= side.right + 1; }); }"""


def pick(page, key: str, option: str) -> None:
    """Choose ``option`` in the selectbox keyed ``key`` (dots as dashes): type it (the list shows only what
    matches), then click it."""
    box = page.locator(f".st-key-{key}").get_by_role("combobox")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_a_schedule_picked_in_the_sidebar_draws_its_rate_marks_the_loss_and_goes_in_the_link(page, app_url):
    open_app(page, f"{app_url}/?opt=gd&gd.lr=0.05&steps=60", 1)
    no_exception(page)
    assert page.evaluate(RATES_JS) == [] and page.evaluate(MARKS_JS)["lines"] == []

    pick(page, "pg-opt-gd-schedule", "Step decay")
    wait_for(lambda: len(page.evaluate(RATES_JS)) == 1, "the rate chart under the schedule")
    settle(page)
    no_exception(page)
    assert query(page)["gd.schedule"] == ["step"] and query(page)["gd.schedule.step_size"] == ["30"]
    (rate,) = page.evaluate(RATES_JS)[0]
    assert rate[:30] == pytest.approx([0.05] * 30) and rate[30:] == pytest.approx([0.005] * 30)
    assert page.evaluate(MARKS_JS) == {"lines": [30], "labels": ["lr ×0.1"]}

    box = page.locator(".st-key-pg-opt-gd-schedule-step-step_size input")
    box.fill("10")
    box.press("Enter")
    wait_for(lambda: page.evaluate(MARKS_JS)["lines"] == [10, 20, 30, 40, 50], "the marks to follow the new step size")
    settle(page)
    assert query(page)["gd.schedule.step_size"] == ["10"]
    (rate,) = page.evaluate(RATES_JS)[0]
    assert rate[10] == pytest.approx(0.005) and rate[20] == pytest.approx(0.0005)
    assert all(page.evaluate(INSIDE_SIDEBAR_JS))
    page.get_by_test_id("stSidebar").locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact("schedules_playground_sidebar")))

    link = page.url  # the link reopens the schedule, its chart and its marks
    other = page.context.new_page()
    open_app(other, link, 2)
    assert other.evaluate(MARKS_JS)["lines"] == [10, 20, 30, 40, 50]
    has_value(other.locator(".st-key-pg-opt-gd-schedule-step-step_size input"), "10")
    other.close()


def test_compare_gives_each_configuration_its_own_schedule(page, app_url):
    open_app(page, f"{app_url}/compare?c1=sgd&c1.lr=0.05&c2=sgd&c2.lr=0.05&steps=120", 2)
    pick(page, "cmp-0-schedule", "Cosine with warm restarts")
    wait_for(lambda: len(page.evaluate(RATES_JS)) == 1, "the first configuration's rate chart")
    settle(page)
    no_exception(page)
    assert query(page)["c1.schedule"] == ["cosine_restarts"] and "c2.schedule" not in query(page)
    assert page.evaluate(MARKS_JS)["lines"] == [25, 50, 75, 100]  # the restarts, in the first one's colour
    assert page.evaluate(MARKS_JS)["labels"][0] == "lr ↑"
    # The panels' titles, "1. SGD with momentum (textbook) cosine with warm restarts", wrap inside their charts.
    assert not page.evaluate(TEXT_JS)
    shot(page, "schedules_compare_restarts")


SCHEDULED_PLAYGROUND = ("/?objective=rosenbrock&x0=-1.5&y0=2&steps=300&flavor=torch&opt=sgd&opt=adam&opt=rmsprop"
                        "&sgd.lr=0.001&sgd.momentum=0.9&sgd.schedule=one_cycle&sgd.schedule.max_lr=0.003"
                        "&sgd.schedule.total_steps=300&adam.lr=0.1&adam.schedule=step&adam.schedule.step_size=60"
                        "&adam.schedule.gamma=0.3&rmsprop.lr=0.05&rmsprop.schedule=reduce_on_plateau"
                        "&rmsprop.schedule.patience=5")
SCHEDULED_COMPARE = ("/compare?objective=rosenbrock&x0=-1.5&y0=2&steps=300&c1=adam&c1.flavor=optax&c1.lr=0.1"
                     "&c1.schedule=cosine_restarts&c1.schedule.t_0=60&c2=adam&c2.flavor=keras&c2.lr=0.1"
                     "&c2.schedule=warmup_cosine&c2.schedule.warmup_steps=30&c2.schedule.t_max=270"
                     "&c3=adam&c3.flavor=torch&c3.lr=0.1&c3.schedule=step&c3.schedule.step_size=75"
                     "&c3.schedule.gamma=0.5&c4=adam&c4.flavor=torch&c4.lr=0.1")


# What starts folded and holds a rate chart, opened as a person would: the Playground's third optimizer's
# settings; Compare's second and third configuration cards (a folded card draws no widgets and no rate chart).
FOLDED = {"playground": ["RMSprop settings"], "compare": [".st-key-cmp-1-card summary", ".st-key-cmp-2-card summary"]}


@pytest.mark.parametrize(("name", "path", "charts", "rates"), [("playground", SCHEDULED_PLAYGROUND, 3, 3),
                                                               ("compare", SCHEDULED_COMPARE, 3, 3)])
def test_pages_with_schedules_read_at_every_size_in_both_themes(browser, app_url, name, path, charts, rates):
    """No error, every rate chart inside the sidebar at a readable width, the marks on the loss chart, and the
    layout checks of every page (test_browser_layout: no panels overlapping, no text cut, past a chart's edge or
    running into other text, such as the marks' labels); the screenshots (the page, its loss chart, and the
    sidebar at its first rate chart) are to look at."""
    page = sized_page(browser)
    try:
        open_app(page, app_url + path, charts)
        settle(page)
        folded = FOLDED[name]
        assert len(page.evaluate(RATES_JS)) == rates - len(folded)
        for what in folded:
            sidebar = page.get_by_test_id("stSidebar")
            (sidebar.locator(what) if what.startswith(".") else sidebar.get_by_text(what)).click()
            settle(page)
        wait_for(lambda: len(page.evaluate(RATES_JS)) == rates, "the opened settings' rate charts")
        settle(page)
        no_exception(page)
        assert page.get_by_test_id("stAlert").count() == 0
        assert len(page.evaluate(RATES_JS)) == rates
        assert page.evaluate(MARKS_JS)["lines"]
        for width, _, scheme in each_size(page):
            # charts in a collapsed expander (the later configurations' rate charts) are not on the page to read
            hidden = [f"chart {c}" for c, shown in enumerate(page.evaluate(SHOWN_JS)) if not shown]
            boxes = [b for b in page.evaluate(BOXES_JS) if not b["what"].startswith(tuple(f"{h} " for h in hidden))]
            texts = [t for t in page.evaluate(TEXT_JS) if not t.startswith(tuple(f"{h}:" for h in hidden))]
            problems = overlaps(boxes) + page.evaluate(CUT_JS) + texts
            assert not problems, f"at {width} px ({scheme}):\n" + "\n".join(problems)
            page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
            shot(page, f"schedules_{name}_{width}_{scheme}")
            # the loss curves with their marks: the bottom of the chart that holds them, in view
            page.locator(".js-plotly-plot").nth(page.evaluate(LOSS_CHART_JS)).evaluate(
                "g => g.scrollIntoView({block: 'end'})")
            page.screenshot(path=str(artifact(f"schedules_{name}_{width}_{scheme}_loss")))
            if page.get_by_test_id("stSidebar").get_attribute("aria-expanded") != "false":
                assert all(page.evaluate(INSIDE_SIDEBAR_JS))
                page.get_by_test_id("stSidebar").locator(".js-plotly-plot").first.scroll_into_view_if_needed()
                page.screenshot(path=str(artifact(f"schedules_{name}_{width}_{scheme}_sidebar")))
    finally:
        page.context.close()


def artifact(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"

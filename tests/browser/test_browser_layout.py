"""Every page reads at 800, 1280 and 1600 px, in the light and the dark theme: nothing overlaps, nothing is cut.

Each page is opened once, at 800 px, then shown at each size in turn (``helpers.each_size``): with its default
settings, and Compare, Train and Basin maps also with the longest labels the app makes (:data:`LONGEST`). (A long
formula of the person's own is checked without a browser: ``tests/test_app_formula.py``.)

For each page and window size the test measures, in the browser, every chart's panels (the plot area of each
2-D subplot, each 3D scene) and colour bars, and fails when two of them intersect; it also fails when a title,
a sidebar expander's name or a button's or link's label is cut off (its text wider than its box), when a
chart's text runs past the chart's edge, when two of a chart's titles or notes run into each other, when a tick
label sits on a plot area, or, at 1280 px and wider, when a table's columns run past its width (a person would
have to scroll the grid sideways to see the last ones; narrower, a data grid may scroll).
The charts' text must take the theme's colour. A screenshot of every page and size lands in
tests/artifacts/layout/ for a person to look at.
"""

from __future__ import annotations

import pytest

from ui.router import PAGES as REGISTRY

from .conftest import ARTIFACTS
from .helpers import IDLE, each_size, full_page_shot, layout_problems, no_exception, sized_page

PAGES = {("" if i == 0 else p.slug): p.charts for i, p in enumerate(REGISTRY)}
"""Page address (every registered page; the first at the app's root) -> how many charts it draws by default."""
LONGEST = {
    "compare_long_labels": (
        "compare?steps=300&c1=sgd&c1.lr=0.01&c1.momentum=0.8&c1.nesterov=true&c1.schedule=cosine_restarts"
        "&c1.schedule.t_0=60&c2=sgd&c2.flavor=keras&c2.lr=0.02&c2.momentum=0.85&c2.schedule=warmup_cosine"
        "&c2.schedule.warmup_steps=30&c2.schedule.t_max=270&c3=sgd&c3.flavor=torch&c3.lr=0.005&c3.momentum=0.95"
        "&c3.dampening=0.1&c3.schedule=reduce_on_plateau&c4=schedule_free_adamw&c4.lr=0.05&c4.schedule=cosine"
        "&c5=schedule_free_adamw&c5.lr=0.03&c5.weight_decay=0.01&c5.schedule=step&c5.schedule.step_size=60"
        "&c5.schedule.gamma=0.3&c6=schedule_free_adamw&c6.lr=0.01&c6.schedule=exponential", 7),
    "train_long_labels": (
        "train?data=spiral&noise=0.05&n=200&layers=1&width=8&batch=20&epochs=5&seeds=1"
        "&c1=sgd&c1.lr=0.01&c1.momentum=0.8&c1.nesterov=true&c1.schedule=cosine_restarts&c1.schedule.t_0=20"
        "&c2=sgd&c2.flavor=keras&c2.lr=0.02&c2.momentum=0.85&c2.schedule=warmup_cosine"
        "&c3=sgd&c3.flavor=torch&c3.lr=0.005&c3.momentum=0.95&c3.dampening=0.1&c3.schedule=reduce_on_plateau"
        "&c4=schedule_free_adamw&c4.lr=0.05&c4.schedule=cosine&c5=schedule_free_adamw&c5.lr=0.03"
        "&c5.weight_decay=0.01&c5.schedule=step&c6=schedule_free_adamw&c6.lr=0.01&c6.schedule=exponential", 4),
    "basins_long_labels": (
        "basins?objective=himmelblau&res=40&steps=100&c1=sgd&c1.lr=0.01&c1.momentum=0.8&c1.nesterov=true"
        "&c2=sgd&c2.flavor=keras&c2.lr=0.02&c2.momentum=0.85&c3=sgd&c3.flavor=torch&c3.lr=0.005&c3.momentum=0.95"
        "&c3.dampening=0.1&c4=schedule_free_adamw&c4.lr=0.05&c4.weight_decay=0.01", 1),
}
"""Views whose labels are as long as the app makes them, name -> (address, charts): on the pages that name each
configuration by every setting that tells it from another of the same optimizer (and its schedule), six or four
such configurations. The defaults' labels are short: these found legends running past their charts, panel titles
running into each other and tables wider than the page at 1280 px (and a crash, on Train)."""
TEXT = {"light": "#262730", "dark": "#e8eaee"}

# How far each table's columns run past its width, in px.
TABLES_JS = """() => Array.from(document.querySelectorAll("[data-testid=stDataFrame] .dvn-scroller"),
                                (s) => s.scrollWidth - s.clientWidth)"""

# Boxes (page pixels) of every panel and colour bar of every chart: 2-D plot areas, 3D scenes, colour bars.
BOXES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap((gd, c) => {
    const L = gd._fullLayout, r = gd.getBoundingClientRect(), out = [];
    for (const [name, p] of Object.entries(L._plots || {})) {
        out.push({what: `chart ${c} subplot ${name}`, x: r.left + p.xaxis._offset, y: r.top + p.yaxis._offset,
                  w: p.xaxis._length, h: p.yaxis._length});
    }
    for (const key of Object.keys(L).filter(k => /^scene\\d*$/.test(k))) {
        const d = L[key].domain, s = L._size;
        out.push({what: `chart ${c} ${key}`, x: r.left + s.l + d.x[0] * s.w, y: r.top + s.t + (1 - d.y[1]) * s.h,
                  w: (d.x[1] - d.x[0]) * s.w, h: (d.y[1] - d.y[0]) * s.h});
    }
    gd.querySelectorAll('g.colorbar').forEach((bar, i) => {
        const b = bar.getBoundingClientRect();
        if (b.width > 0) out.push({what: `chart ${c} colour bar ${i}`, x: b.left, y: b.top, w: b.width, h: b.height});
    });
    return out; })"""
# Titles and sidebar expander names whose text is wider than their box (cut off, not wrapped), the page's formulas
# wider than theirs by more than KaTeX's rounding (2 px in the update rules' aligned blocks; a long one scrolls
# sideways, most of it out of sight; the sidebar's gradient of a person's formula may scroll, its small type broken
# into lines but a single long term kept whole), and the labels of buttons, links and page links that their box
# clips (an ellipsis: "Race the tuned configurations o").
# Streamlit's skip link is hidden on purpose (a 1 px box until it has the focus).
CUT_JS = """() => [
    ...Array.from(document.querySelectorAll(
        'h1, h2, h3, h4, [data-testid=stExpander] summary p, [data-testid=stMarkdownContainer] strong'))
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1),
    ...Array.from(document.querySelectorAll('[data-testid=stMain] .katex-display'))
        .filter(e => e.scrollWidth > e.clientWidth + 4),
    ...Array.from(document.querySelectorAll('button *, a:not([data-testid=stSkipToContent]) *'))
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim()
                     && getComputedStyle(e).overflowX !== 'visible'),
    ].map(e => e.innerText.slice(0, 60))"""
# Chart text that runs past its chart's edge, tick labels that sit on a plot area (their own or a neighbour's),
# and titles or notes that run into each other.
TEXT_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap((gd, c) => {
    const r = gd.getBoundingClientRect(), L = gd._fullLayout, out = [];
    const areas = Object.entries(L._plots || {}).map(([name, p]) => ({name, x: r.left + p.xaxis._offset,
        y: r.top + p.yaxis._offset, w: p.xaxis._length, h: p.yaxis._length}));
    gd.querySelectorAll('text').forEach(t => {
        const b = t.getBoundingClientRect(), words = (t.textContent || '').slice(0, 50);
        if (b.width === 0 || !words.trim()) return;
        if (b.left < r.left - 2 || b.right > r.right + 2 || b.top < r.top - 2 || b.bottom > r.bottom + 2)
            out.push(`chart ${c}: text runs past the chart's edge: ${JSON.stringify(words)}`);
        if (t.closest('g.xtick, g.ytick')) for (const a of areas) {
            const dx = Math.min(b.right, a.x + a.w) - Math.max(b.left, a.x);
            const dy = Math.min(b.bottom, a.y + a.h) - Math.max(b.top, a.y);
            if (dx > 2 && dy > 2) out.push(`chart ${c}: tick label ${JSON.stringify(words)} sits on subplot ${a.name}`);
        }
    });
    const notes = Array.from(gd.querySelectorAll('g.annotation, g.g-gtitle text'))
        .map(n => [n, n.getBoundingClientRect()])
        .filter(([, b]) => b.width > 0);
    notes.forEach(([n, a], i) => notes.slice(i + 1).forEach(([m, b]) => {
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 2 && dy > 2) out.push(`chart ${c}: ${JSON.stringify(n.textContent.slice(0, 40))} runs into `
                                       + JSON.stringify(m.textContent.slice(0, 40)));
    }));
    return out; })"""
FONT_JS = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g._fullLayout.font.color)"
# Every chart's text annotation (row and column titles, labels on lines) and the colour it is drawn in.
ANNOTATIONS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g =>
    (g._fullLayout.annotations || []).filter(a => a.visible !== false && a.text).map(a => [a.text, a.font.color]))"""
MIN_CONTRAST = 3.0
"""WCAG's contrast for large text and graphics: an annotation's colour against the page's background."""


def rgb_of(color: str, background: tuple[float, float, float] = (255, 255, 255)) -> tuple[float, float, float]:
    """``"#333"``, ``"#e8eaee"``, ``"rgb(1, 2, 3)"`` or ``"rgba(1, 2, 3, 0.5)"`` as RGB, a translucent colour
    blended over ``background``."""
    if color.startswith("#"):
        h = color[1:]
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        return tuple(float(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    parts = [float(v) for v in color[color.index("(") + 1:-1].split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(parts[:3], background, strict=True))


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two RGB colours (1 to 21).

    Example:
        >>> round(contrast((0, 0, 0), (255, 255, 255)), 1)
        21.0
        >>> round(contrast(rgb_of("#333"), rgb_of("#0e1117")), 2)
        1.5
    """
    def luminance(rgb):
        lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def overlaps(boxes: list[dict], tolerance: float = 1.0) -> list[str]:
    """Pairs of boxes that intersect by more than ``tolerance`` pixels each way."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > tolerance and dy > tolerance:
                out.append(f"{a['what']} overlaps {b['what']} by {dx:.0f} x {dy:.0f} px")
    return out


def test_overlap_check_finds_an_overlap():
    assert overlaps([{"what": "a", "x": 0, "y": 0, "w": 10, "h": 10}, {"what": "b", "x": 5, "y": 5, "w": 10, "h": 10}])
    assert not overlaps([{"what": "a", "x": 0, "y": 0, "w": 10, "h": 10},
                         {"what": "b", "x": 10, "y": 0, "w": 10, "h": 10}])


@pytest.mark.parametrize(("name", "path", "charts"),
                         [(p or "playground", p, n) for p, n in PAGES.items()]
                         + [(name, p, n) for name, (p, n) in LONGEST.items()],
                         ids=[p or "playground" for p in PAGES] + list(LONGEST))
def test_every_page_reads_at_every_size(browser, app_url, name, path, charts):
    page = sized_page(browser)
    problems = []
    try:
        page.goto(f"{app_url}/{path}")
        page.wait_for_selector(IDLE, timeout=90_000)
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                               timeout=90_000)
        for width, height, scheme in each_size(page):
            where = f"{name} at {width} px ({scheme})"
            no_exception(page)
            background = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]'))"
                                       ".backgroundColor")
            rgb = [int(v) for v in background[background.index("(") + 1:-1].split(",")[:3]]
            if (sum(rgb) < 200) != (scheme == "dark"):
                problems.append(f"{where}: the page is not in the {scheme} theme ({background})")
            problems += layout_problems(page, where, width)
            problems += [f"{where}: chart text {c}" for c in page.evaluate(FONT_JS) if c != TEXT[scheme]]
            page_rgb = rgb_of(background)
            for text, color in page.evaluate(ANNOTATIONS_JS):
                ratio = contrast(rgb_of(color, page_rgb), page_rgb)
                if ratio < MIN_CONTRAST:
                    problems.append(f"{where}: chart annotation {text!r} in {color}, contrast {ratio:.2f}")
            full_page_shot(page, ARTIFACTS / "layout" / f"{name}_{width}_{scheme}.png", width, height)
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)

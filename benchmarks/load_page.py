"""The JavaScript the load test's sessions run inside the app's page: what they read and watch there.

``load_sessions.py`` drives the browser; these are the scripts it hands to ``page.evaluate`` and installs in
every document (``HELPERS``), and the selectors they use. Kept apart so a change to how the page is read
(a new Streamlit test id, another chart tag) touches only this file.
"""

from __future__ import annotations

STEP = ".dl-step:not([hidden]) .dl-range"
"""The step control's range input: the one whose bar shows (every live chart has one, hidden without steps)."""
# Helpers installed in every document the sessions open. ``sig(metas)``: the data of every trace tagged
# with one of ``metas`` in every chart; ``changed`` compares it with what ``mark`` saw before an action.
# Paths and loss curves: a path is drawn only inside the plotted domain, so two runs that both leave it at
# the first step have the same path and differ only in their loss curves.
HELPERS = """window.__lt = {
    plots: () => Array.from(document.querySelectorAll('.js-plotly-plot')),
    idle: () => document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state')
        === 'notRunning',
    sig: (metas) => JSON.stringify(window.__lt.plots().map(g =>
        (g.data || []).filter(t => metas.includes(t.meta)).map(t => [t.name, t.x, t.y, t.z]))),
    mark: (metas) => { window.__lt.before = window.__lt.sig(metas); },
    changed: (metas) => window.__lt.idle() && window.__lt.sig(metas) !== window.__lt.before,
    ready: ([charts, title]) => window.__lt.idle() && window.__lt.plots().length >= charts
        && document.querySelector('h1')?.innerText.trim() === title
        && window.__lt.plots().some(g => (g.data || []).some(t => t.meta === 'path')),
    stepMoved: (i) => +document.querySelector(STEP).value === i && window.__lt.changed(['step-marker', 'markers']),
};"""
# Keys (``st-key-…`` classes) of the visible learning-rate sliders of a page.
LR_SLIDERS = """(prefix) => Array.from(document.querySelectorAll(`[class*="st-key-${prefix}-"]`))
    .filter(e => e.checkVisibility()).flatMap(e => Array.from(e.classList))
    .filter(c => new RegExp(`^st-key-${prefix}-.+-lr$`).test(c))"""
COMPARE_UIDS = """() => Array.from(document.querySelectorAll('[class*="st-key-cmp-"]')).flatMap(e =>
    Array.from(e.classList)).map(c => c.match(/^st-key-cmp-(\\d+)-card$/)).filter(m => m).map(m => +m[1])"""
# The step control's range input: how many stops and the one on show.
STEP_RANGE = """() => { const r = document.querySelector(STEP); r.scrollIntoView({block: 'center'});
    return [+r.max + 1, +r.value]; }"""
HELPERS, STEP_RANGE = (js.replace("(STEP)", f"('{STEP}')") for js in (HELPERS, STEP_RANGE))  # STEP into the JS
# What happens on the page while a selectbox's list is open, for a pick that fails (the list closing under the
# pointer is an error of earlier runs whose cause is not established): focus leaving an element (and for
# where), the list or the selectbox itself leaving the page, the script starting or stopping, the connection
# changing, the window scrolling or resizing. ``LIST_WATCH`` (given the box's key) starts a fresh log;
# ``LIST_SEEN`` stops it and reads it.
LIST_WATCH = """(key) => {
    const t0 = performance.now(), log = [];
    const note = (what) => { if (log.length < 40) log.push(`${Math.round(performance.now() - t0)} ms ${what}`); };
    const name = (e) => !e ? 'nothing' : e.getAttribute?.('aria-label') || e.getAttribute?.('role')
        || String(e.className || e.nodeName).slice(0, 40);
    const box = document.querySelector(`.st-key-${key}`), app = document.querySelector("[data-testid='stApp']");
    if (window.__ltWatch) window.__ltWatch.stop();
    const onFocus = (e) => note(`focus left ${name(e.target)} for ${name(e.relatedTarget)}`);
    const onScroll = (e) => note(`scroll of ${name(e.target === document ? document.documentElement : e.target)}`);
    const onResize = () => note('window resized');
    const dom = new MutationObserver((ms) => { for (const m of ms) for (const n of m.removedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches('[role=listbox]') || n.querySelector('[role=listbox]')) note('the list left the page');
        if (box && (n === box || n.contains(box))) note('the selectbox left the page');
    } });
    const state = new MutationObserver(() => note(`script ${app.getAttribute('data-test-script-state')}, `
        + `connection ${app.getAttribute('data-test-connection-state')}`));
    document.addEventListener('focusout', onFocus, true);
    document.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onResize);
    dom.observe(document.body, {childList: true, subtree: true});
    if (app) state.observe(app, {attributes: true,
        attributeFilter: ['data-test-script-state', 'data-test-connection-state']});
    window.__ltWatch = { log, stop: () => { document.removeEventListener('focusout', onFocus, true);
        document.removeEventListener('scroll', onScroll, true); window.removeEventListener('resize', onResize);
        dom.disconnect(); state.disconnect(); } };
}"""
LIST_SEEN = "() => { const w = window.__ltWatch; if (!w) return []; w.stop(); return w.log; }"
TROUBLE = """() => [Array.from(document.querySelectorAll("[data-testid='stException']")).map(e => e.innerText),
    document.querySelector("[data-testid='stStatusWidget']")?.innerText || '',
    document.body.innerText.includes('Connection error') ? 'Connection error dialog' : '']"""

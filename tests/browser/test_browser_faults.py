"""Issue 7, faults in a real browser: the server restarting mid-session, and many sessions asking at once.

Each test starts its own server on a free port (the session's shared server stays untouched), so it can
stop it, start it again on the same port, or count what it computes.

Restart, as Streamlit 1.67's frontend handles it: it notices the closed websocket (code 1012, service restart),
keeps the page on screen while it pings ``/_stcore/health``, and reconnects to the new server by itself. It
does not rerun the script then (its ``handleConnectionStateChanged`` asks for a run on reconnecting only when
it never had a session or a run was in progress), so the new server's session would be empty until the person
acts, and a new session takes its view from the address: the person's first change would be dropped. The app's
live-chart preload element (``ui/live_chart``, on every page and outside every fragment) therefore asks for one
rerun of the whole page as soon as the connection is back; the new session holds the view before the person
touches anything, and their first change is kept. Reloading the address reopens the same view from the address
alone.

Computed once: the server runs with ``optim.run`` wrapped to log each call and to wait until the test
releases it, so several sessions opening the same link are all inside their script run at the same
moment; each configuration must still be computed once (Streamlit's per-key cache lock).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections import Counter

from .conftest import ARTIFACTS, ROOT, free_port, start_streamlit, stop, wait_healthy
from .helpers import IDLE, PATHS_JS, no_exception, open_app, query, settle, shot, slider, wait_change, wait_for

LINK = "/?objective=himmelblau&x0=-2&y0=1&opt=gd&opt=adam&gd.lr=0.005&adam.lr=0.05&steps=200"
COMPARE_LINK = "/compare?objective=himmelblau&x0=-2&y0=1&steps=200&c1=gd&c1.lr=0.005&c2=adam&c2.lr=0.05"
STATES_JS = "() => window.__scriptStates"
CONNECTION_JS = "() => document.querySelector(\"[data-testid='stApp']\").getAttribute('data-test-connection-state')"
# Record every script-run state the app shows from now on (running, notRunning, ...), even if the app remounts.
WATCH_STATES_JS = """() => { window.__scriptStates = [];
    new MutationObserver(records => records.forEach(r => window.__scriptStates.push(
        r.target.getAttribute('data-test-script-state'))))
        .observe(document.body, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']}); }"""


def view(page) -> dict:
    """What the Playground shows: the paths drawn, the start, Adam's learning rate, the address's query."""
    return {"paths": page.evaluate(PATHS_JS), "x0": page.locator(".st-key-pg-x0 input").input_value(),
            "adam lr": page.locator(".st-key-pg-opt-adam-lr").inner_text(), "query": query(page)}


def path_traces(paths: list[str]) -> list:
    """The 'path' traces of the Playground's one figure: gradient descent then Adam, on the map, then in 3D."""
    return json.loads(paths[0])


def press_right(page, key: str) -> None:
    """One ArrowRight on slider ``key``: one stop up, which reruns the page."""
    slider(page, key).focus()
    page.keyboard.press("ArrowRight")


def test_server_restart_mid_session_reconnects_and_keeps_the_view(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_streamlit(ROOT / "serve.py", port, log=ARTIFACTS / "streamlit-restart-1.log")
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        wait_healthy(url, proc)
        open_app(page, url + LINK, 1)
        # a new server's first page hands over to the router once (ui.router.ensure_routed): the widgets settle after
        wait_for(lambda: page.locator(".st-key-pg-x0 input").input_value() == "-2", "the link's start in its box")
        settle(page)
        before = view(page)  # not the default view (a quadratic bowl from (1.5, 1.5), gradient descent and RMSprop)
        assert before["x0"] == "-2" and "0.05" in before["adam lr"] and before["query"]["objective"] == ["himmelblau"]
        # Compare in a second tab: its configuration cards sit in a fragment of their own (pages/compare.py).
        compare = context.new_page()
        compare.set_default_timeout(30_000)
        open_app(compare, url + COMPARE_LINK, 3)
        settle(compare)
        compare_before = {"paths": compare.evaluate(PATHS_JS), "query": query(compare)}
        assert compare_before["query"]["c1.lr"] == ["0.005"]

        for tab in (page, compare):
            tab.evaluate(WATCH_STATES_JS)
        stop(proc)
        wait_for(lambda: page.evaluate(CONNECTION_JS) != "CONNECTED", "the page to notice the server is gone")
        shot(page, "faults_server_down")
        assert view(page) == before  # the page stays on screen while the server is away

        proc = start_streamlit(ROOT / "serve.py", port, log=ARTIFACTS / "streamlit-restart-2.log")
        wait_healthy(url, proc)
        for tab in (page, compare):
            wait_for(lambda tab=tab: tab.evaluate(CONNECTION_JS) == "CONNECTED", "the page to reconnect by itself", 90)
            wait_for(lambda tab=tab: "running" in tab.evaluate(STATES_JS), "the page to ask the new server for a run")
            tab.wait_for_selector(IDLE, timeout=60_000)
        page.bring_to_front()
        settle(page)
        no_exception(page)
        assert page.get_by_test_id("stAlert").count() == 0
        assert view(page) == before, "the reconnected page keeps the view it had"
        shot(page, "faults_server_restarted")

        # The first change after the restart is kept, and keeps every other setting.
        press_right(page, "pg-opt-gd-lr")
        changed = wait_change(page, PATHS_JS, before["paths"])
        no_exception(page)
        assert page.get_by_test_id("stAlert").count() == 0
        after = view(page)
        assert after["paths"] == changed and after["x0"] == "-2" and "0.05" in after["adam lr"]
        assert float(after["query"]["gd.lr"][0]) > 0.005
        assert {k: v for k, v in after["query"].items() if k != "gd.lr"} == {
            k: v for k, v in before["query"].items() if k != "gd.lr"}, "every other setting is kept"
        new, old = path_traces(changed), path_traces(before["paths"])
        assert new[0] != old[0] and new[1] == old[1], "gradient descent's path changes, Adam's does not"
        shot(page, "faults_after_restart_interaction")

        # Compare's first change after the restart is kept too: a card's learning rate, every other setting with it.
        compare.bring_to_front()
        settle(compare)
        assert {"paths": compare.evaluate(PATHS_JS), "query": query(compare)} == compare_before
        press_right(compare, "cmp-0-gd-lr")
        wait_change(compare, PATHS_JS, compare_before["paths"])
        no_exception(compare)
        moved = query(compare)
        assert float(moved["c1.lr"][0]) > 0.005
        assert {k: v for k, v in moved.items() if k != "c1.lr"} == {
            k: v for k, v in compare_before["query"].items() if k != "c1.lr"}, "every other setting is kept"
        page.bring_to_front()

        page.reload()
        page.wait_for_selector(IDLE, timeout=90_000)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=60_000)
        settle(page)
        assert view(page) == after, "reloading the address reopens the same view"
    finally:
        context.close()
        stop(proc)


def counting_server(port: int, calls, release, log) -> subprocess.Popen:
    """The app with ``optim.run`` logging each call (optimizer and learning rate) and held until ``release`` exists."""
    code = textwrap.dedent(f"""
        import os, runpy, sys, time
        import optim

        real = optim.run

        def counted(optimizer, *args, **kwargs):
            with open({str(calls)!r}, "a") as f:
                f.write(f"{{optimizer.name}} {{optimizer.hyperparameters['lr']!r}}\\n")
            deadline = time.monotonic() + 120
            while not os.path.exists({str(release)!r}) and time.monotonic() < deadline:
                time.sleep(0.05)
            return real(optimizer, *args, **kwargs)

        optim.run = counted
        sys.argv = ["streamlit", "run", "serve.py", "--server.headless", "true", "--server.port", "{port}",
                    "--browser.gatherUsageStats", "false"]
        runpy.run_module("streamlit", run_name="__main__")
    """)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def test_sessions_opening_the_same_link_at_once_compute_it_once(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    calls, release = tmp_path / "calls.txt", tmp_path / "release"
    sessions = 3
    with open(ARTIFACTS / "streamlit-computed-once.log", "w") as log:
        proc = counting_server(port, calls, release, log)
    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(sessions)]
    pages = [c.new_page() for c in contexts]
    try:
        wait_healthy(url, proc)
        for page in pages:
            page.goto(url + LINK, wait_until="commit")
        running = "() => document.querySelector(\"[data-testid='stApp'][data-test-script-state='running']\") !== null"
        wait_for(lambda: all(p.evaluate(running) for p in pages), "every session to be inside its script run", 90)
        wait_for(lambda: calls.exists(), "a session to reach the first run", 90)
        time.sleep(1.0)  # every session is now at the first cached run: one computing it, the others waiting
        assert calls.read_text().splitlines() == ["gd 0.005"], "one session computes; the others wait on its lock"
        release.touch()
        for page in pages:
            page.wait_for_selector(IDLE, timeout=90_000)
            page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=60_000)
            no_exception(page)
        counted = Counter(calls.read_text().splitlines())
        assert counted == Counter({"gd 0.005": 1, "adam 0.05": 1}), counted
        paths = [p.evaluate(PATHS_JS) for p in pages]
        assert paths[0] and all(p == paths[0] for p in paths)
        shot(pages[-1], "faults_computed_once")
    finally:
        release.touch()
        for c in contexts:
            c.close()
        stop(proc)

"""Load test: several real browser sessions use the Playground and Compare at once, against one server.

Why: in a workshop one server answers a room of people clicking at the same time. This starts the app
(``streamlit run app.py`` on loopback) and N sessions in one headless Chromium (Debian's, from PATH;
one browser context each, driven concurrently with Playwright's async API). For ``--duration`` seconds
each session does what a participant does, with a pause of 0.5-2 s between interactions: moves a
learning rate, types a start point or a step count, picks another function, on Compare picks another
optimizer or adds or removes a configuration, moves the Playground's step control with the keyboard,
switches pages, and opens shared links with random settings. Each interaction is timed from the
action until the script is idle again and the charts show the new data (the paths or loss curves,
or for the step slider the markers, differ from before). Learning rates, start points and step counts come from a
seeded RNG over wide ranges, so the number of distinct settings keeps growing and the server's
bounded caches keep evicting: memory should level off, not grow with the settings tried.

Errors: an exception element in a page, a JavaScript error, a console error from the app's origin,
a crashed page, an interaction that times out, the app's websocket closing outside a navigation, a
page showing "Connecting", a message about a generated link, and ERROR or Traceback lines in the
server log. Two harmless console errors are counted apart, not as errors: resources off the machine
(the page icon from fonts.gstatic.com, on an offline machine) and the 404s of Streamlit's base-path
probe when a page is opened at its own path (``/compare/_stcore/health``). Any error: exit code 1.

Memory: the server process's resident set (VmRSS from /proc) and Streamlit's own ``/_stcore/metrics``
(active sessions and sessions started; what st.cache_data holds, with the results it computed and
evicted so far; media files, which are the download buttons' CSVs) sampled every few seconds, and
shown at the start, a third and two thirds of the way, the end, and after every session has closed.
Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` seconds (120 by default)
in case it reconnects, so the last sample waits that long, plus ten seconds.

    .venv/bin/python benchmarks/load_test.py [--sessions 6] [--duration 180] [--seed 0]
    make load            # the same, with the defaults

Prints a table (sessions, interactions per page and kind, p50 / p95 / max latency, errors, memory)
and writes the same summary to tests/artifacts/load_test.json, with the server's log and a
screenshot of the first two sessions next to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import optim  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    ARTIFACTS,
    LAUNCH_ARGS,
    free_port,
    start_streamlit,
    stop,
    wait_healthy,
)

PAGES = {"playground": ("/", "Playground", 1), "compare": ("/compare", "Compare", 2)}  # path, title, charts
PREFIX = {"playground": "pg", "compare": "cmp"}
# Relative weights of what a participant does next, per page.
KINDS = {
    "playground": {"lr": 4, "start": 2, "steps": 1, "objective": 1, "step-slider": 4, "link": 1, "switch": 1},
    "compare": {"lr": 4, "start": 2, "steps": 1, "objective": 1, "optimizer": 1, "add-remove": 1, "link": 1,
                "switch": 1},
}
CHARTS = ["path", "loss"]  # the traces an interaction must change
LOG_ERROR = re.compile(r"Traceback|\bERROR\b")
BASE_PATH_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")
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
    stepMoved: (i) => +document.querySelector(STEP).value === i && window.__lt.changed(['step-marker']),
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
TROUBLE = """() => [Array.from(document.querySelectorAll("[data-testid='stException']")).map(e => e.innerText),
    document.querySelector("[data-testid='stStatusWidget']")?.innerText || '',
    document.body.innerText.includes('Connection error') ? 'Connection error dialog' : '']"""


# ---------------------------------------------------------------- random settings and links


def rand_lr(rng: random.Random) -> float:
    """A learning rate, log-uniform over 1e-4 to 1, with 4 significant digits (so nearly always new)."""
    return float(f"{10 ** rng.uniform(-4, 0):.4g}")


def rand_start(rng: random.Random, objective: str) -> tuple[float, float]:
    (x0, x1), (y0, y1) = optim.OBJECTIVES[objective].domain
    return round(rng.uniform(x0, x1), 3), round(rng.uniform(y0, y1), 3)


def rand_setup(rng: random.Random) -> dict:
    objective = rng.choice(list(optim.OBJECTIVES))
    x0, y0 = rand_start(rng, objective)
    return {"objective": objective, "x0": x0, "y0": y0, "steps": rng.randrange(50, 601, 10)}


def playground_link(rng: random.Random) -> str:
    names = rng.sample(list(optim.OPTIMIZERS), rng.randint(1, 3))
    query = [*rand_setup(rng).items(), *(("opt", n) for n in names), *((f"{n}.lr", rand_lr(rng)) for n in names)]
    return "/?" + urlencode(query)


def compare_link(rng: random.Random) -> str:
    query = list(rand_setup(rng).items())
    for i in range(1, rng.randint(2, 4) + 1):
        query += [(f"c{i}", rng.choice(list(optim.OPTIMIZERS))), (f"c{i}.lr", rand_lr(rng))]
    return "/compare?" + urlencode(query)


# ---------------------------------------------------------------- what the sessions record


@dataclass
class Record:
    """Everything the sessions saw, shared by all of them (one event loop: no locks needed)."""

    t0: float
    interactions: list[tuple[str, str, float, float]] = field(default_factory=list)  # page, kind, s, at
    errors: list[tuple[float, int, str]] = field(default_factory=list)  # at, session, message
    ignored: Counter = field(default_factory=Counter)
    settings: set[str] = field(default_factory=set)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def error(self, session: int, message: str) -> None:
        self.errors.append((round(self.now(), 1), session, " ".join(message.split())[:400]))


class Session:
    """One participant: one browser context and page, interacting until the deadline."""

    def __init__(self, index: int, context, base: str, rec: Record, seed: int, timeout: float):
        self.i, self.context, self.base, self.rec = index, context, base, rec
        self.rng = random.Random(seed * 1009 + index)
        self.timeout_ms = timeout * 1000
        self.where = "playground" if index % 2 == 0 else "compare"
        self.page = None
        self.ws = None
        self.navigating = self.closing = False

    async def start(self) -> None:
        self.page = await self.context.new_page()
        await self.page.add_init_script(HELPERS)
        self.page.on("pageerror", lambda e: self.rec.error(self.i, f"JavaScript error: {e}"))
        self.page.on("crash", lambda _: self.rec.error(self.i, "page crashed"))
        self.page.on("console", self._console)
        self.page.on("websocket", self._websocket)
        await self._goto(PAGES[self.where][0])

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "")
        if url and not url.startswith(self.base):
            self.rec.ignored["console: resource off the machine"] += 1
        elif "404" in msg.text and BASE_PATH_PROBE.search(url):
            self.rec.ignored["console: Streamlit's base-path probe (404)"] += 1
        else:
            self.rec.error(self.i, f"console error: {msg.text} {url}")

    def _websocket(self, ws) -> None:
        self.ws = ws
        ws.on("close", lambda _: self._ws_closed(ws))

    def _ws_closed(self, ws) -> None:
        if ws is self.ws and not (self.navigating or self.closing):
            self.rec.error(self.i, "the app's websocket closed")

    # ------------------------------------------------------------ the loop

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            kinds = KINDS[self.where]
            kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
            where = self.where
            try:
                seconds = await getattr(self, "do_" + kind.replace("-", "_"))()
                self.rec.interactions.append((where, kind, seconds, round(self.rec.now(), 1)))
                await self._check(f"{where} {kind}")
            except Exception as e:  # a timeout or a missing element: an error; reopen the page and go on
                self.rec.error(self.i, f"{where} {kind}: {type(e).__name__}: {str(e).splitlines()[0]} "
                                       f"at {await self._evidence()}")
                if not await self._recover():
                    return
                continue
            await asyncio.sleep(self.rng.uniform(0.5, 2.0))

    async def _evidence(self) -> str:
        """The page's address, and for the first few errors a screenshot; for the error message."""
        try:
            where = await self.page.evaluate("location.pathname + location.search")
            if len(self.rec.errors) < 5:
                shot = ARTIFACTS / f"load_test_error{len(self.rec.errors)}.png"
                await self.page.screenshot(path=str(shot), full_page=True)
                where = f"{shot.name}: {where}"
            return where
        except Exception as e:
            return f"? ({type(e).__name__})"

    async def _recover(self) -> bool:
        try:
            await self._goto(PAGES[self.where][0])
            return True
        except Exception as e:
            self.rec.error(self.i, f"could not reopen the page, session stopped: {type(e).__name__}")
            return False

    async def _check(self, what: str) -> None:
        exceptions, status, dialog = await self.page.evaluate(TROUBLE)
        for text in exceptions:
            self.rec.error(self.i, f"{what}: exception on the page: {text}")
        if "Connecting" in status or dialog:
            self.rec.error(self.i, f"{what}: {dialog or status}")
        self.rec.settings.add(await self.page.evaluate("location.pathname + location.search"))

    async def _wait(self, fn: str, arg) -> None:
        await self.page.wait_for_function(f"(a) => window.__lt.{fn}(a)", arg=arg, polling=50,
                                          timeout=self.timeout_ms)

    async def _goto(self, path: str) -> float:
        """Open ``path`` (a fresh page load and session); seconds until its charts are drawn."""
        self.where = "compare" if path.startswith("/compare") else "playground"
        _, title, charts = PAGES[self.where]
        self.navigating = True
        try:
            t0 = time.perf_counter()
            await self.page.goto(self.base + path, timeout=self.timeout_ms)
            await self._wait("ready", [charts, title])
            return time.perf_counter() - t0
        finally:
            self.navigating = False

    async def _changed(self, act) -> float:
        """Run ``act``; seconds until the script is idle and the paths or loss curves differ from before."""
        await self.page.evaluate("(m) => window.__lt.mark(m)", CHARTS)
        t0 = time.perf_counter()
        await act()
        await self._wait("changed", CHARTS)
        return time.perf_counter() - t0

    # ------------------------------------------------------------ interactions (both pages)

    async def do_link(self) -> float:
        link = playground_link(self.rng) if self.rng.random() < 0.5 else compare_link(self.rng)
        seconds = await self._goto(link)
        if await self.page.get_by_test_id("stAlert").count():
            self.rec.error(self.i, f"link {link}: {await self.page.get_by_test_id('stAlert').first.inner_text()}")
        return seconds

    async def do_switch(self) -> float:
        self.where = "compare" if self.where == "playground" else "playground"
        _, title, charts = PAGES[self.where]
        t0 = time.perf_counter()
        await self.page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
        await self._wait("ready", [charts, title])
        return time.perf_counter() - t0

    async def do_lr(self) -> float:
        keys = await self.page.evaluate(LR_SLIDERS, PREFIX[self.where])
        slider = self.page.locator(f".{self.rng.choice(keys)} input[type='range']")
        index, top, lr = await slider.evaluate("e => [+e.value, +e.max, +e.getAttribute('aria-valuetext')]")
        left = index > 0 and (lr >= 1 or index == top or (lr > 1e-4 and self.rng.random() < 0.5))
        await slider.focus()
        return await self._changed(lambda: self.page.keyboard.press("ArrowLeft" if left else "ArrowRight"))

    async def do_start(self) -> float:
        objective = await self._objective()
        box = self.page.locator(f".st-key-{PREFIX[self.where]}-{self.rng.choice('xy')}0 input")
        value = rand_start(self.rng, objective)[0]
        return await self._changed(lambda: self._type(box, value))

    async def do_steps(self) -> float:
        prefix = PREFIX[self.where]
        # the run settings draw their widgets once unfolded (the rerun that opening asks for)
        expander = self.page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Run settings")
        if await expander.locator("details").get_attribute("open") is None:
            await expander.locator("summary").click()
        box = self.page.locator(f".st-key-{prefix}-steps input")
        await box.wait_for()
        current = int(await box.input_value())
        value = self.rng.choice([s for s in range(20, 801, 10) if s != current])
        return await self._changed(lambda: self._type(box, value))

    async def do_objective(self) -> float:
        current = await self._objective()
        name = self.rng.choice([n for n in optim.OBJECTIVES if n != current])
        return await self._changed(lambda: self._choose(f"{PREFIX[self.where]}-objective",
                                                        optim.OBJECTIVES[name].title))

    # ------------------------------------------------------------ Playground only

    async def do_step_slider(self) -> float:
        """One key press on the step control (an arrow key after getting to a random stop with Home and arrows,
        untimed): the markers move in the browser, with no rerun. Timed is the one press a person makes."""
        stops, active = await self.page.evaluate(STEP_RANGE)
        i = self.rng.choice([k for k in range(1, min(stops, 40)) if k != active])
        await self.page.locator(STEP).focus()
        await self.page.keyboard.press("Home")
        for _ in range(i - 1):
            await self.page.keyboard.press("ArrowRight")
        await self.page.wait_for_function(f"(i) => +document.querySelector('{STEP}').value === i", arg=i - 1)
        await self.page.evaluate("() => window.__lt.mark(['step-marker'])")
        t0 = time.perf_counter()
        await self.page.keyboard.press("ArrowRight")
        await self._wait("stepMoved", i)
        return time.perf_counter() - t0

    # ------------------------------------------------------------ Compare only

    async def do_optimizer(self) -> float:
        uid = self.rng.choice(await self.page.evaluate(COMPARE_UIDS))
        await self._open_card(uid)
        current = await self.page.locator(f".st-key-cmp-{uid}-name input").input_value()
        title = self.rng.choice([s.title for s in optim.OPTIMIZERS.values() if s.title != current])
        return await self._changed(lambda: self._choose(f"cmp-{uid}-name", title))

    async def do_add_remove(self) -> float:
        uids = await self.page.evaluate(COMPARE_UIDS)
        if len(uids) <= 2 or (len(uids) < 5 and self.rng.random() < 0.5):
            button = self.page.get_by_role("button", name="Add configuration")
        else:
            uid = self.rng.choice(uids)
            await self._open_card(uid)
            button = self.page.locator(f".st-key-cmp-{uid}-remove button")
        return await self._changed(button.click)

    # ------------------------------------------------------------ widget helpers

    async def _open_card(self, uid) -> None:
        """Unfold configuration ``uid``'s card on Compare (only the first opens unfolded), as a person would; its
        widgets appear once the rerun that opening asks for has drawn them."""
        card = self.page.locator(f".st-key-cmp-{uid}-card")
        if await card.locator("details").get_attribute("open") is None:
            await card.locator("summary").click()
        await self.page.locator(f".st-key-cmp-{uid}-name").wait_for()

    async def _objective(self) -> str:
        title = await self.page.locator(f".st-key-{PREFIX[self.where]}-objective input").input_value()
        return next((n for n, o in optim.OBJECTIVES.items() if o.title == title), "quadratic")

    @staticmethod
    async def _type(box, value) -> None:
        await box.fill(str(value))
        await box.press("Enter")

    async def _choose(self, key: str, option: str) -> None:
        """Pick ``option`` in a selectbox: type it (the list shows only what matches), then click it."""
        box = self.page.locator(f".st-key-{key}").get_by_role("combobox")
        await box.click()
        await box.fill(option)
        await self.page.get_by_role("option", name=option, exact=True).click()

    async def close(self, shot: Path | None) -> None:
        self.closing = True
        if shot and self.page:
            await self.page.screenshot(path=str(shot), full_page=True)
        await self.context.close()


# ---------------------------------------------------------------- the server's memory


def rss_mb(pid: int) -> float:
    """Resident set size of process ``pid`` in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def metrics(url: str) -> dict:
    """Streamlit's /_stcore/metrics: active sessions, sessions started, st.cache_data misses (results
    computed) and evictions, and the MB held per kind of cache."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=30) as r:
        text = r.read().decode()
    out = {"active_sessions": 0, "connects": 0, "computed": 0, "evicted": 0, "cache_mb": {}}
    for line in text.splitlines():
        data = 'cache_type="st_cache_data"' in line
        if line.startswith("active_sessions "):
            out["active_sessions"] = int(float(line.split()[1]))
        elif line.startswith('session_events_total{type="connect"}'):
            out["connects"] = int(float(line.split()[1]))
        elif line.startswith("cache_lookups_total") and data and 'result="miss"' in line:
            out["computed"] += int(float(line.split()[-1]))
        elif line.startswith("cache_evictions_total") and data:
            out["evicted"] += int(float(line.split()[-1]))
        elif m := re.match(r'cache_memory_bytes\{cache_type="([^"]+)",cache="([^"]*)"\} (\S+)', line):
            kind = m[1].removeprefix("st_")
            out["cache_mb"][kind] = round(out["cache_mb"].get(kind, 0) + float(m[3]) / 1e6, 3)
    return out


def snapshot(pid: int, url: str, rec: Record) -> dict:
    return {"t": round(rec.now(), 1), "rss_mb": round(rss_mb(pid), 1), "settings": len(rec.settings),
            **metrics(url)}


async def sample_forever(pid: int, url: str, rec: Record, samples: list, every: float) -> None:
    while True:
        samples.append(await asyncio.to_thread(snapshot, pid, url, rec))
        await asyncio.sleep(every)


def nearest(samples: list[dict], t: float) -> dict:
    return min(samples, key=lambda s: abs(s["t"] - t))


# ---------------------------------------------------------------- the run


async def drive(args, base: str, pid: int) -> dict:
    from playwright.async_api import async_playwright

    created = time.monotonic()
    rec = Record(created)
    samples: list[dict] = []
    start = snapshot(pid, base, rec)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=args.chromium, headless=True, args=LAUNCH_ARGS)
        sessions = [Session(i, await browser.new_context(viewport={"width": 1400, "height": 900}), base, rec,
                            args.seed, args.timeout) for i in range(args.sessions)]
        await asyncio.gather(*(s.start() for s in sessions))
        rec.t0 = time.monotonic()  # the run starts once every session is open
        start["t"] = round(created - rec.t0, 1)
        sampler = asyncio.create_task(sample_forever(pid, base, rec, samples, args.sample_every))
        deadline = time.monotonic() + args.duration
        await asyncio.gather(*(s.run(deadline) for s in sessions))
        ran = rec.now()
        await asyncio.sleep(args.sample_every)  # one more sample with every session still open
        sampler.cancel()
        end = samples[-1]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await asyncio.gather(*(s.close(ARTIFACTS / f"load_test_session{s.i}.png" if s.i < 2 else None)
                               for s in sessions))
        await browser.close()
    await asyncio.sleep(5)
    closed = await asyncio.to_thread(snapshot, pid, base, rec)
    await asyncio.sleep(args.session_ttl + 5)
    released = await asyncio.to_thread(snapshot, pid, base, rec)
    third = args.duration / 3
    memory = {"start": start, "open": samples[0], "third": nearest(samples, third),
              "two_thirds": nearest(samples, 2 * third), "end": end, "closed": closed, "released": released,
              "max_rss_mb": max(s["rss_mb"] for s in samples), "samples": samples}
    return {"rec": rec, "ran": ran, "memory": memory}


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))] if values else float("nan")


def latency(values: list[float]) -> dict:
    return {"n": len(values), "p50_s": round(statistics.median(values), 3) if values else None,
            "p95_s": round(percentile(values, 95), 3) if values else None,
            "max_s": round(max(values), 3) if values else None}


def summarize(args, run: dict, log_errors: list[str]) -> dict:
    rec: Record = run["rec"]
    errors = [f"[{t:.0f} s, session {s}] {m}" for t, s, m in rec.errors] + [f"[server log] {e}" for e in log_errors]
    by_kind: dict[str, list[float]] = {}
    for page, kind, seconds, _ in rec.interactions:
        by_kind.setdefault(f"{page} {kind}", []).append(seconds)
    return {
        "sessions": args.sessions, "duration_s": args.duration, "seed": args.seed,
        "last_interaction_end_s": round(run["ran"], 1),
        "load_average_end": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "interactions": len(rec.interactions),
        "latency": latency([r[2] for r in rec.interactions]),
        "by_kind": {k: latency(v) for k, v in sorted(by_kind.items())},
        "errors": len(errors), "error_messages": errors[:50], "ignored": dict(rec.ignored),
        "distinct_settings": len(rec.settings), "memory": run["memory"],
    }


def memory_row(label: str, s: dict) -> str:
    mb = s["cache_mb"]
    return (f"  {label:<24} {s['rss_mb']:6.1f} MB  at {s['t']:4.0f} s  sessions {s['active_sessions']:2d} "
            f"(started {s['connects']:3d})  "
            f"settings {s['settings']:4d}  cache_data {mb.get('cache_data', 0):5.2f} MB "
            f"({s['computed']:4d} computed, {s['evicted']:4d} evicted)  "
            f"media {mb.get('memory_media_file_storage', 0):5.2f} MB")


def report(s: dict) -> str:
    lat, mem = s["latency"], s["memory"]
    lines = [f"Load test: {s['sessions']} sessions for {s['duration_s']:.0f} s (the last interaction ended at "
             f"{s['last_interaction_end_s']:.0f} s), seed {s['seed']}, one server on loopback; load average at the "
             f"end {s['load_average_end']} on {s['cpus']} CPUs",
             f"Interactions: {s['interactions']}   latency p50 {lat['p50_s']} s   p95 {lat['p95_s']} s   "
             f"max {lat['max_s']} s",
             f"  {'page / kind':<26} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"]
    lines += [f"  {k:<26} {v['n']:>4} {v['p50_s']:>7.2f} {v['p95_s']:>7.2f} {v['max_s']:>7.2f}"
              for k, v in s["by_kind"].items()]
    lines.append(f"Errors: {s['errors']}")
    lines += [f"  {m}" for m in s["error_messages"][:8]]
    if s["ignored"]:
        lines.append("Not counted: " + ", ".join(f"{n} x {k}" for k, n in s["ignored"].items()))
    lines.append(f"Distinct settings tried (page addresses): {s['distinct_settings']}")
    lines.append("Server memory: RSS; active sessions (and sessions started: every page load is one); distinct "
                 "settings so far;\n  what st.cache_data holds (results computed and evicted so far) and media "
                 "files (download CSVs), by Streamlit's count")
    for key, label in (("start", "start (no session)"), ("open", "sessions open"), ("third", "after 1/3"),
                       ("two_thirds", "after 2/3"), ("end", "end (sessions open)"), ("closed", "sessions closed, +5 s"),
                       ("released", f"+ session TTL {s['session_ttl_s']} s")):
        lines.append(memory_row(label, mem[key]))
    marks = [mem[k]["rss_mb"] for k in ("open", "third", "two_thirds", "end")]
    growth = ", ".join(f"{b - a:+.1f}" for a, b in zip(marks[:-1], marks[1:], strict=True))
    lines.append(f"  max {mem['max_rss_mb']:.1f} MB; growth per third {growth} MB while the distinct settings went "
                 f"{mem['open']['settings']} -> {mem['third']['settings']} -> {mem['two_thirds']['settings']} -> "
                 f"{mem['end']['settings']}")
    return "\n".join(lines)


def server_log_errors(log: Path) -> list[str]:
    return [line.strip()[:300] for line in log.read_text(errors="replace").splitlines() if LOG_ERROR.search(line)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=6, help="concurrent browser sessions (default 6)")
    ap.add_argument("--duration", type=float, default=180, help="seconds of interaction (default 180)")
    ap.add_argument("--seed", type=int, default=0, help="seed of every session's choices (default 0)")
    ap.add_argument("--timeout", type=float, default=90, help="seconds before an interaction is an error")
    ap.add_argument("--sample-every", type=float, default=5, help="seconds between memory samples (default 5)")
    ap.add_argument("--session-ttl", type=int, default=120,
                    help="server.disconnectedSessionTTL given to the server (Streamlit's default, 120 s)")
    args = ap.parse_args()
    args.chromium = shutil.which("chromium")
    if not args.chromium:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "load_test_server.log"
    port = free_port()
    proc = start_streamlit(ROOT / "app.py", port, "--server.disconnectedSessionTTL", str(args.session_ttl),
                           python=sys.executable, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        run = asyncio.run(drive(args, base, proc.pid))
    finally:
        stop(proc)
    summary = summarize(args, run, server_log_errors(log))
    summary["session_ttl_s"] = args.session_ttl
    (ARTIFACTS / "load_test.json").write_text(json.dumps(summary, indent=1))
    print(report(summary))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

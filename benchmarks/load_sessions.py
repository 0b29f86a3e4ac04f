"""The load test's simulated participants: what one session does on the Playground and Compare, and times.

``load_test.py`` runs N of these at once against one server. Here: the random settings and shared links the
sessions try, the ``Record`` they all write to (interactions with their seconds, errors, ignored console
messages, the page addresses seen), and the ``Session`` that drives one browser page (its interactions
``do_*`` and the waits and widget helpers behind them); the JavaScript those run in the page is in
``load_page.py``. Kept apart from the memory sampling and the report, so changing what a participant does
touches only these files.
"""

from __future__ import annotations

import asyncio
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from load_page import COMPARE_UIDS, HELPERS, LIST_SEEN, LIST_WATCH, LR_SLIDERS, STEP, STEP_RANGE, TROUBLE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import optim  # noqa: E402
from tests.browser.conftest import ARTIFACTS  # noqa: E402

PAGES = {"playground": ("/", "Playground", 1), "compare": ("/compare", "Compare", 2)}  # path, title, charts
PREFIX = {"playground": "pg", "compare": "cmp"}
# Relative weights of what a participant does next, per page.
KINDS = {
    "playground": {"lr": 4, "start": 2, "steps": 1, "objective": 1, "step-slider": 4, "link": 1, "switch": 1},
    "compare": {"lr": 4, "start": 2, "steps": 1, "objective": 1, "optimizer": 1, "add-remove": 1, "link": 1,
                "switch": 1},
}
CHARTS = ["path", "loss"]  # the traces an interaction must change
BASE_PATH_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")

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
        self.errors.append((round(self.now(), 1), session, " ".join(message.split())[:2000]))


def steps(error: Exception) -> str:
    """The last lines of a Playwright error's call log (what the locator was waiting for when it gave up: the
    element not found, not visible, not stable, covered by another), or nothing for another error."""
    log = [line.strip().lstrip("- ") for line in str(error).splitlines()[1:] if line.strip().startswith("-")]
    return f" [{'; '.join(log[-3:])}]" if log else ""


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
        self.previous = ("the page's first load", 0.0)  # the last interaction that went well, and when it ended

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
                started = self.rec.now()
                seconds = await getattr(self, "do_" + kind.replace("-", "_"))()
                self.rec.interactions.append((where, kind, seconds, round(self.rec.now(), 1)))
                await self._check(f"{where} {kind}")
                self.previous = (f"{where} {kind}", self.rec.now())
            except Exception as e:  # a timeout or a missing element: an error; reopen the page and go on
                notes = "".join(f" [{n}]" for n in getattr(e, "__notes__", ()))
                self.rec.error(self.i, f"{where} {kind}: {type(e).__name__}: {str(e).splitlines()[0]}{steps(e)}"
                                       f"{notes} ({await self._context(started)}) at {await self._evidence()}")
                if not await self._recover():
                    return
                continue
            await asyncio.sleep(self.rng.uniform(0.5, 2.0))

    async def _context(self, started: float) -> str:
        """What led up to an error, for its message: the interaction before it, how long before this one began,
        and whether the page's script is running now (a rerun still going when a list was picked from, say)."""
        what, ended = self.previous
        try:
            state = await self.page.evaluate(
                "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state')")
        except Exception as e:
            state = f"? ({type(e).__name__})"
        return f"after {what}, which ended {started - ended:.1f} s before it began; script now {state}"

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
        await self.page.evaluate("() => window.__lt.mark(['step-marker', 'markers'])")
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
        await self.page.evaluate(LIST_WATCH, key)
        try:
            await box.click()
            await box.fill(option)
            await self.page.get_by_role("option", name=option, exact=True).click()
        except Exception as e:  # say what happened on the page while the list was open (the error's message ends so)
            try:
                seen = "; ".join(await self.page.evaluate(LIST_SEEN)) or "nothing"
            except Exception as gone:  # the page itself went away
                seen = f"? ({type(gone).__name__})"
            e.add_note(f"on the page while the list was open: {seen}")
            raise
        await self.page.evaluate(LIST_SEEN)

    async def close(self, shot: Path | None) -> None:
        self.closing = True
        if shot and self.page:
            await self.page.screenshot(path=str(shot), full_page=True)
        await self.context.close()


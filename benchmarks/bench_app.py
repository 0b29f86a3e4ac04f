"""How fast does the Playground answer a person, next to the barest Streamlit page?

Starts two servers, the app and ``benchmarks/bare_page.py`` (one slider, two tiny Plotly
charts), opens both in one headless Chromium (Debian's, from PATH) and, interleaving them,
times what a person feels on the Playground (four optimizers x 500 steps):

- the step control: a click on the step slider inside the figure, until every step marker
  has moved on all three panels and the page has painted (no Streamlit rerun: the slider
  restyles the marker traces in the browser);
- a learning-rate move: an arrow key on a Streamlit slider in the sidebar, until the script
  reran, the paths changed and the page has painted (every press is a new value: no cache hits);

each against the bare page's rerun (an arrow key on its slider, until both charts show the new
step and the script is idle). Prints the medians, the ratios and the bytes the browser received
over the websocket per interaction.

    .venv/bin/python benchmarks/bench_app.py [--moves 15]

Targets (issue 3): Playground within 1.5x of the bare page, under 1.5 MB per rerun.
This prints numbers; no test asserts wall-clock times. On a shared machine, run it twice:
other work on the CPUs slows both pages, and the ratio is steadier than the times.

Reading the numbers: a step-slider stop redraws the whole figure in the browser (Plotly restyles
the marker traces, then replots every panel; about half of it is the 3D panel). A rerun is slower:
Streamlit 1.67 keys a Plotly chart by a hash of its figure, so new paths remount the chart and the
3D panel builds a new WebGL scene, about a second on its own in headless Chromium's software
renderer (--disable-gpu); a browser with a GPU does that far faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLAYGROUND = ("/?opt=gd&opt=rmsprop&opt=adam&opt=sgd&steps=500&gd.lr=0.05&rmsprop.lr=0.05"
              "&adam.lr=0.1&sgd.lr=0.01&sgd.momentum=0.9")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SIGNATURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    (g.data || []).filter(t => t.meta === %s).map(t => [t.x, t.y, t.z])))"""
STEP_MARKERS = SIGNATURE % "'step-marker'"
PATHS = SIGNATURE % "'path'"
# Every chart's markers changed (or, ``every`` false, some chart's), the script is idle; on the
# Playground's single figure "every chart" means every step-marker trace of the figure.
CHANGED = """([js, before, every]) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const now = (eval(js))();
    if (now.length !== before.length) return false;
    return every ? now.every((s, i) => s !== before[i]) : now.some((s, i) => s !== before[i]);
}"""
MARKER_TRACES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g =>
    (g.data || []).filter(t => t.meta === 'step-marker').map(t => JSON.stringify([t.x, t.y, t.z, t.customdata])))"""
ALL_MOVED = """([js, before]) => {
    const now = (eval(js))();
    return now.length === before.length && now.every((s, i) => s !== before[i]);
}"""
# Centre of the in-figure slider's tick for slider position ``i`` (page coordinates).
TICK = """(i) => {
    const ticks = document.querySelectorAll('.js-plotly-plot .slider-tick-rect');
    const rail = document.querySelector('.js-plotly-plot .slider-rail-rect').getBoundingClientRect();
    const r = ticks[i].getBoundingClientRect();
    return [r.left + r.width / 2, rail.top + rail.height / 2, ticks.length];
}"""
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port",
         str(port), "--browser.gatherUsageStats", "false", "--server.runOnSave", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit(f"{script} did not start")


class Probe:
    """One browser tab on one page, counting websocket bytes received."""

    def __init__(self, context, url: str, charts: int):
        self.page = context.new_page()
        self.received = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.page.goto(url)
        self.page.wait_for_selector(IDLE, timeout=120_000)
        self.page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}", timeout=120_000)

    def _count(self, payload) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def _finish(self, t0: float) -> tuple[float, int]:
        self.page.evaluate(PAINTED)
        elapsed = time.perf_counter() - t0
        time.sleep(0.25)  # let trailing frames (script-finished messages) arrive before counting
        return elapsed, self.received

    def key(self, slider: str, key: str, js: str = STEP_MARKERS, every: bool = True) -> tuple[float, int]:
        """Press ``key`` on a Streamlit slider; seconds until the charts changed, the app is idle and
        the page painted, and the bytes received.

        ``every``: wait for every chart to change (a step moves every marker), else for any.
        """
        self.page.bring_to_front()  # a hidden tab's animation frames are throttled
        before = self.page.evaluate(js)
        self.page.locator(slider).focus()
        self.received = 0
        t0 = time.perf_counter()
        self.page.keyboard.press(key)
        self.page.wait_for_function(CHANGED, arg=[js, before, every], polling="raf", timeout=60_000)
        return self._finish(t0)

    def click_step(self, i: int) -> tuple[float, int]:
        """Click position ``i`` of the step slider inside the figure; seconds until every step marker
        (contour, surface and loss panel) moved and the page painted, and the bytes received."""
        self.page.bring_to_front()
        before = self.page.evaluate(MARKER_TRACES)
        x, y, _ = self.page.evaluate(TICK, i)
        self.page.mouse.move(x, y)
        self.received = 0
        t0 = time.perf_counter()
        self.page.mouse.down()
        self.page.mouse.up()
        self.page.wait_for_function(ALL_MOVED, arg=[MARKER_TRACES, before], polling="raf", timeout=60_000)
        return self._finish(t0)

    def ticks(self) -> int:
        return self.page.evaluate(TICK, 0)[2]

    def state(self) -> str:
        return self.page.locator("[data-testid='stApp']").get_attribute("data-test-script-state") or "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=15, help="moves per interaction (default 15)")
    args = ap.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    servers = [serve("app.py"), serve("benchmarks/bare_page.py")]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
            bare = Probe(ctx, servers[1][1], 2)
            step = Probe(ctx, servers[0][1] + PLAYGROUND, 1)
            lr = Probe(ctx, servers[0][1] + PLAYGROUND, 1)
            n = step.ticks()
            # Slider positions to click: spread over the run, never the one on show (the last).
            stops = [(k * 37) % (n - 1) for k in range(1, args.moves + 3)]
            bare_slider, lr_slider = ".st-key-step input[type='range']", ".st-key-pg-opt-gd-lr input[type='range']"
            for i in stops[:2]:  # warm up
                bare.key(bare_slider, "ArrowLeft")
                step.click_step(i)
                lr.key(lr_slider, "ArrowLeft", PATHS, every=False)
            results = {"bare": [], "step": [], "lr": []}
            for i in stops[2:]:
                results["bare"].append(bare.key(bare_slider, "ArrowLeft"))
                results["step"].append(step.click_step(i))
                results["lr"].append(lr.key(lr_slider, "ArrowLeft", PATHS, every=False))
            reran = step.state()
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()

    def med(name, i):
        return statistics.median(r[i] for r in results[name])

    t_bare, t_step, t_lr = med("bare", 0), med("step", 0), med("lr", 0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Median of {args.moves} moves each, interleaved, headless Chromium 1600x1000; "
          f"load average at the end {load:.2f} on {os.cpu_count()} CPUs")
    print(f"  bare page rerun (1 slider, 2 tiny Plotly charts):  {t_bare * 1000:7.1f} ms  "
          f"{med('bare', 1) / 1e3:8.1f} kB")
    print(f"  Playground step slider (in the figure, no rerun):  {t_step * 1000:7.1f} ms  "
          f"{med('step', 1) / 1e3:8.1f} kB   {t_step / t_bare:5.2f}x bare   (target <= 1.5x)")
    print(f"  Playground learning-rate move (rerun, new paths):  {t_lr * 1000:7.1f} ms  "
          f"{med('lr', 1) / 1e3:8.1f} kB   {t_lr / t_bare:5.2f}x bare")
    print(f"  bytes per rerun: {med('lr', 1) / 1e6:.3f} MB   (target < 1.5 MB); script state after the "
          f"step clicks: {reran}")


if __name__ == "__main__":
    main()

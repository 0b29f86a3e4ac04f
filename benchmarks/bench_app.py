"""How fast does the Playground answer a slider, next to the barest Streamlit page?

Starts two servers, the app and ``benchmarks/bare_page.py`` (one slider, two tiny Plotly
charts), opens both in one headless Chromium (Debian's, from PATH) and, interleaving the
two, moves a slider with the keyboard and times until every chart on the page shows the
new step and the script is idle. Prints the medians, their ratio and the bytes the browser
received over the websocket per rerun. The Playground runs four optimizers for 500 steps.

    .venv/bin/python benchmarks/bench_app.py [--moves 15]

Targets (issue 3): Playground within 1.5x of the bare page, under 1.5 MB per rerun.
This prints numbers; no test asserts wall-clock times.

Reading the numbers: Streamlit 1.67 keys each Plotly chart in the browser by an element id
that hashes the figure, so any change (a moved step marker) remounts the chart; the 3D
surface then rebuilds its WebGL scene, which under headless Chromium's software renderer
(--disable-gpu) costs about a second on its own."""

from __future__ import annotations

import argparse
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
CHANGED = """([js, before, every]) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const now = (eval(js))();
    if (now.length !== before.length) return false;
    return every ? now.every((s, i) => s !== before[i]) : now.some((s, i) => s !== before[i]);
}"""


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

    def __init__(self, context, url: str, slider: str, charts: int):
        self.page = context.new_page()
        self.received = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.page.goto(url)
        self.page.wait_for_selector(IDLE, timeout=120_000)
        self.page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}", timeout=120_000)
        self.slider = self.page.locator(slider)

    def _count(self, payload) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def move(self, key: str, js: str = STEP_MARKERS, every: bool = True) -> tuple[float, int]:
        """Press ``key`` on the slider; seconds until the charts changed and the app is idle, bytes.

        ``every``: wait for every chart to change (a step moves every marker), else for any.
        """
        self.page.bring_to_front()  # a hidden tab's animation frames are throttled
        before = self.page.evaluate(js)
        self.slider.focus()
        self.received = 0
        t0 = time.perf_counter()
        self.page.keyboard.press(key)
        self.page.wait_for_function(CHANGED, arg=[js, before, every], polling="raf", timeout=60_000)
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        elapsed = time.perf_counter() - t0
        time.sleep(0.2)  # let trailing frames (script-finished messages) arrive before counting
        return elapsed, self.received


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=15, help="slider moves per page (default 15)")
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
            app = Probe(ctx, servers[0][1] + PLAYGROUND, ".st-key-pg-step input[type='range']", 3)
            bare = Probe(ctx, servers[1][1], ".st-key-step input[type='range']", 2)
            for probe in (app, bare):  # warm up
                for _ in range(2):
                    probe.move("ArrowLeft")
            results = {"app": [], "bare": []}
            for _ in range(args.moves):
                for name, probe in (("bare", bare), ("app", app)):
                    results[name].append(probe.move("ArrowLeft"))
            lr = Probe(ctx, servers[0][1] + PLAYGROUND, ".st-key-pg-opt-gd-lr input[type='range']", 3)
            full = [lr.move("ArrowLeft", PATHS, every=False) for _ in range(5)]  # new values: no cache hits
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    t_app, t_bare = med(results["app"], 0), med(results["bare"], 0)
    b_app, b_bare = med(results["app"], 1), med(results["bare"], 1)
    print(f"slider move -> redrawn page, median of {args.moves} moves each (Chromium headless)")
    print(f"  bare page (1 slider, 2 tiny Plotly charts): {t_bare * 1000:7.1f} ms   {b_bare / 1e3:8.1f} kB/rerun")
    print(f"  Playground step slider (4 optimizers x 500): {t_app * 1000:7.1f} ms   {b_app / 1e3:8.1f} kB/rerun")
    print(f"  ratio Playground / bare: {t_app / t_bare:.2f}x   (target <= 1.5x)")
    print(f"  bytes per rerun: {b_app / 1e6:.3f} MB   (target < 1.5 MB)")
    print(f"  for reference, a learning-rate move (full rerun, new paths): "
          f"{med(full, 0) * 1000:.1f} ms, {med(full, 1) / 1e3:.1f} kB")


if __name__ == "__main__":
    main()

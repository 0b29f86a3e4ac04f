"""How fast are the many-runs views? Core time of a 60 x 60 x 500 sweep, a 200 x 200 x 300 basin map
and the fractal-scale maps (issue 16), and each page's time from a setting change to the redrawn chart
in headless Chromium.

Core: the median of several calls of ``optim.sweep`` (SGD with momentum, the Sweep page's default,
and RMSprop) and of ``optim.basins`` (gradient descent and heavy-ball SGD on Himmelblau, the Basin
maps page's defaults), each timed alone; then gradient descent with one learning rate per coordinate
(``lr`` across, ``lr_y`` up, log-spaced): 512 x 512 x 100 on Rosenbrock, the largest map the run-step
budget admits, and 256 x 256 x 200 on ``tiny_network`` around its fractal edge.

Page: starts the app (``streamlit run app.py``) and opens the page in Debian's Chromium (from PATH),
then repeatedly types a new "Steps per run" value (so nothing comes from the cache) and times from
the Enter key until the chart shows new data, the script is idle and two animation frames have
passed. The Sweep page redraws one 60 x 60 heatmap; the Basin maps page computes and redraws two
200 x 200 maps (two core calls), in its steps view.

    .venv/bin/python benchmarks/bench_views.py [--repeats 7] [--core]

Targets (issue 5): sweep core about 0.1 s, basin map core about 0.5 s on a 2-core machine, each
page redrawn in about 1.5 s or less. Issue 16: the 512 x 512 x 100 map at most 0.5 s, the 256 x 256
x 200 tiny_network map at most 1.5 s. This prints numbers; no test asserts wall-clock times.
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
sys.path.insert(0, str(ROOT))

import optim  # noqa: E402

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MARK = "() => { window.__before = Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.data); }"
REDRAWN = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return plots.length > 0 && plots.every(g => g._fullLayout && g.data && !window.__before.includes(g.data));
}"""


def median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``fn``: on a busy machine the CPU time shows what the wait hides."""
    fn()  # warm up
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def core(repeats: int) -> list[tuple[str, tuple[float, float], float]]:
    """(what, (wall, cpu) seconds, target) for the core calls."""
    rows = []
    for name in ("sgd", "rmsprop"):
        t = median_time(lambda n=name: optim.sweep(n, "rosenbrock", steps=500, tol=1e-4, criterion="loss_gap"),
                        repeats)
        rows.append((f"sweep 60 x 60 x 500, {name} on Rosenbrock", t, 0.1))
    for label, opt in (("gd lr 0.01", optim.make_optimizer("gd", lr=0.01)),
                       ("sgd lr 0.01 momentum 0.9", optim.make_optimizer("sgd", lr=0.01, momentum=0.9))):
        t = median_time(lambda o=opt: optim.basins(o, "himmelblau", resolution=200, steps=300, tol=1e-3), repeats)
        rows.append((f"basin map 200 x 200 x 300, {label} on Himmelblau", t, 0.5))
    for objective, (lo, hi), n, steps, target in (("rosenbrock", (1e-4, 1.0), 512, 100, 0.5),
                                                  ("tiny_network", (1e-2, 10.0), 256, 200, 1.5)):
        lr = optim.Window((lo, hi), (lo, hi)).axes(n)[0]
        t = median_time(lambda o=objective, lr=lr, s=steps: optim.sweep("gd", o, lr=lr, second=lr, second_name="lr_y",
                                                                         steps=s), repeats)
        rows.append((f"lr x lr_y map {n} x {n} x {steps}, gd on {objective}", t, target))
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.runOnSave", "false"],
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
    raise SystemExit("the app did not start")


def page_times(context, url: str, steps_key: str, first_steps: int, repeats: int) -> list[float]:
    """Seconds from Enter in the steps box to the redrawn chart, for ``repeats`` new step counts."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=120_000)
    time.sleep(1.0)
    box = page.locator(f".st-key-{steps_key} input")
    times = []
    for i in range(repeats + 1):  # the first is a warm-up
        box.fill(str(first_steps + i + 1))
        page.evaluate(MARK)
        t0 = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(REDRAWN, polling="raf", timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        if i:
            times.append(time.perf_counter() - t0)
        time.sleep(0.3)
    page.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7, help="timed repeats per measurement (default 7)")
    ap.add_argument("--core", action="store_true", help="only the core timings, no browser")
    args = ap.parse_args()
    rows = core(args.repeats)
    print(f"core, median of {args.repeats} calls (NumPy, this machine; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs)")
    for what, (t, cpu), target in rows:
        print(f"  {what:<58} {t * 1000:7.1f} ms, CPU {cpu * 1000:6.1f} ms   (target ~{target * 1000:.0f} ms: "
              f"{t / target:.2f}x of it)")
    if args.core:
        return

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("no chromium on PATH (apt-get install chromium): page times skipped")
    from playwright.sync_api import sync_playwright

    proc, url = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
            ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
            sweep = page_times(ctx, f"{url}/sweep", "sw-steps", 500, args.repeats)
            # The steps view: its colour scale ends at the step count, so every new count redraws the chart
            # (on the basin view a figure identical to the last one is not sent again).
            basins = page_times(ctx, f"{url}/basins?view=steps", "bs-steps", 300, args.repeats)
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    print(f"page, setting change -> redrawn chart, median of {args.repeats} (Chromium headless, target ~1500 ms)")
    for what, times in (("Sweep page, 60 x 60 x ~500 (new steps each time)", sweep),
                        ("Basin maps page, 2 maps x 200 x 200 x ~300, steps view (new steps)", basins)):
        m = statistics.median(times)
        print(f"  {what:<66} {m * 1000:7.1f} ms   (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; "
              f"{m / 1.5:.2f}x of target)")


if __name__ == "__main__":
    main()

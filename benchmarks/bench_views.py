"""How fast are the many-runs views? Core time of a 60 x 60 x 500 sweep, a 200 x 200 x 300 basin map
and the fractal-scale maps (issue 16), and each page's time from a setting change to the redrawn chart
in headless Chromium.

Core: the median of several calls of ``optim.sweep`` (SGD with momentum, the Sweep page's default,
and RMSprop) and of ``optim.basins`` (gradient descent and heavy-ball SGD on Himmelblau, the Basin
maps page's defaults), each timed alone; then gradient descent with one learning rate per coordinate
(``lr`` across, ``lr_y`` up, log-spaced): 512 x 512 x 100 on Rosenbrock, the largest map the run-step
budget admits, and 256 x 256 x 200 on ``tiny_network`` around its fractal edge.

Page: starts the app (``streamlit run serve.py``) and opens the page in Debian's Chromium (from PATH),
then repeatedly types a new "Steps per run" value (so nothing comes from the cache) and times from
the Enter key until the chart shows new data, the script is idle and two animation frames have
passed. The Sweep page redraws one 60 x 60 heatmap; the Basin maps page computes and redraws two
200 x 200 maps (two core calls), in its steps view.

Zoom (issue 16): the Sweep page with a 512 x 512 map of gradient descent, ``lr`` across and ``lr_y`` up,
100 steps, on Rosenbrock and on ``tiny_network``. Each repeat drags a new box on the map (so nothing
comes from the cache) and times from the mouse's release to the redrawn 512 x 512 map (new cells, the
script idle, two animation frames); then clicks "Zoom toward the edge" on that map and times the same
way; then goes back to the whole map (cached, not timed). It prints the medians, the bytes the browser
received per zoom, and the server's share: the core call measured alone on the same window.

    .venv/bin/python benchmarks/bench_views.py [--repeats 7] [--core]

Targets (issue 5): sweep core about 0.1 s, basin map core about 0.5 s on a 2-core machine, each
page redrawn in about 1.5 s or less. Issue 16: the 512 x 512 x 100 map at most 0.5 s, the 256 x 256
x 200 tiny_network map at most 1.5 s, a zoom from click to a redrawn 512 x 512 map within 2 s on the
page. This prints numbers; no test asserts wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from browser_timing import PAINTED, ROOT, chromium, launch, open_page, serve

sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import optim  # noqa: E402
from tests.browser.helpers import CELL_XY_JS as CELL_XY  # noqa: E402 (where the browser tests click, too)

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


ZOOM_MAPS = {"rosenbrock": (1e-4, 1.0), "tiny_network": (1e-2, 10.0)}
"""The maps the zoom is timed on: gradient descent, lr x lr_y over these ranges, 512 x 512 x 100."""


def page_times(context, url: str, steps_key: str, first_steps: int, repeats: int) -> list[float]:
    """Seconds from Enter in the steps box to the redrawn chart, for ``repeats`` new step counts."""
    page = context.new_page()
    open_page(page, url, 1)
    box = page.locator(f".st-key-{steps_key} input")
    times = []
    for i in range(repeats + 1):  # the first is a warm-up
        box.fill(str(first_steps + i + 1))
        page.evaluate(MARK)
        t0 = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(REDRAWN, polling="raf", timeout=120_000)
        page.evaluate(PAINTED)
        if i:
            times.append(time.perf_counter() - t0)
        time.sleep(0.3)
    page.close()
    return times


MAP_CELLS = "() => { const g = document.querySelector('.js-plotly-plot'); return g && g.data ? g.data[0].x[0] : null; }"
ZOOM_REDRAWN = """(before) => {
    const app = document.querySelector("[data-testid='stApp']");
    const g = document.querySelector('.js-plotly-plot');
    return app && app.getAttribute('data-test-script-state') === 'notRunning' && g && g.data && g._fullLayout
        && g.data[0].x[0] !== before && g.calcdata && g.calcdata[0][0].z.length === 512;
}"""


def edge_cell(objective: str, lo: float, hi: float) -> tuple[int, int]:
    """(column, row) of the cell "Zoom toward the edge" would zoom toward on the whole map: the boxes go there."""
    xs = optim.Window((lo, hi), (lo, hi)).axes(512)[0]
    s = optim.sweep("gd", objective, lr=xs, second=xs, second_name="lr_y", steps=100)
    w = optim.zoom_toward_edge(s, factor=8)
    centre = [int(np.argmin(np.abs(np.log(xs) - np.log(np.sqrt(a * b))))) for a, b in (w.x, w.y)]
    return centre[0], centre[1]


def zoom_times(context, url: str, repeats: int, centre: tuple[int, int]) -> dict[str, list]:
    """Seconds and bytes from a released box (and a click on "Zoom toward the edge") to the redrawn map; the
    boxes are about 160 cells wide, around ``centre`` (a cell on the edge), each a little off the last."""
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.__setitem__(
        0, received[0] + len(p.encode() if isinstance(p, str) else p))))
    open_page(page, url, 1)
    out: dict[str, list] = {"box": [], "toward": [], "bytes": [], "windows": []}

    def timed(action) -> tuple[float, int]:
        before = page.evaluate(MAP_CELLS)
        received[0] = 0
        t0 = time.perf_counter()
        action()
        page.wait_for_function(ZOOM_REDRAWN, arg=before, polling="raf", timeout=120_000)
        page.evaluate(PAINTED)
        elapsed = time.perf_counter() - t0
        time.sleep(0.3)
        return elapsed, received[0]

    def drag(i: int) -> None:
        col, row = centre[0] - 80 + 3 * i, centre[1] - 80 + 2 * i  # a new box each time: nothing from the cache
        col, row = min(max(col, 0), 511 - 160), min(max(row, 0), 511 - 160)
        page.mouse.move(*page.evaluate(CELL_XY, [col, row + 160]))
        page.mouse.down()
        page.mouse.move(*page.evaluate(CELL_XY, [col + 160, row]), steps=8)
        page.mouse.up()

    for i in range(repeats + 1):  # the first is a warm-up
        box, size = timed(lambda i=i: drag(i))
        toward, _ = timed(lambda: page.get_by_role("button", name="Zoom toward the edge").click())
        out["windows"].append(page.evaluate("() => new URLSearchParams(location.search).getAll('zoom')"))
        if i:
            out["box"].append(box)
            out["toward"].append(toward)
            out["bytes"].append(size)
        page.get_by_role("button", name="Whole map").click()
        page.wait_for_function("() => document.querySelector(\"[data-testid='stApp']\")"
                               ".getAttribute('data-test-script-state') === 'notRunning'", timeout=120_000)
        time.sleep(0.5)
    page.close()
    return out


def zoom_core(objective: str, windows: list[list[str]]) -> float:
    """Median seconds of the core call behind each timed zoom: the map of the last window, computed alone."""
    times = []
    for trail in windows[1:]:
        x0, x1, y0, y1 = (float(v) for v in trail[-1].split(","))
        window = optim.Window((x0, x1), (y0, y1))
        xs, ys = window.axes(512)
        t0 = time.perf_counter()
        optim.sweep("gd", objective, lr=xs, second=ys, second_name="lr_y", steps=100)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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

    executable = chromium(": page times skipped")
    from playwright.sync_api import sync_playwright

    proc, url = serve()
    try:
        with sync_playwright() as p:
            browser, ctx = launch(p, executable)
            sweep = page_times(ctx, f"{url}/sweep", "sw-steps", 500, args.repeats)
            # The steps view: its colour scale ends at the step count, so every new count redraws the chart
            # (on the basin view a figure identical to the last one is not sent again).
            basins = page_times(ctx, f"{url}/basins?view=steps", "bs-steps", 300, args.repeats)
            zooms = {objective: zoom_times(ctx, f"{url}/sweep?objective={objective}&opt=gd&second=lr_y&lr.min={lo}"
                                                f"&lr.max={hi}&lr.n=512&second.n=512&steps=100&outcome=speed",
                                           args.repeats, edge_cell(objective, lo, hi))
                     for objective, (lo, hi) in ZOOM_MAPS.items()}
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
    print(f"page, a zoom from click to a redrawn 512 x 512 map, median of {args.repeats} (Chromium headless, "
          f"target ~2000 ms; load average {os.getloadavg()[0]:.1f})")
    for objective, z in zooms.items():
        core_s = zoom_core(objective, z["windows"])
        for kind, label in (("box", "box dragged on the map"), ("toward", '"Zoom toward the edge" clicked')):
            m = statistics.median(z[kind])
            print(f"  {objective}, gd lr x lr_y, 100 steps: {label:<32} {m * 1000:7.1f} ms   (min "
                  f"{min(z[kind]) * 1000:.0f}, max {max(z[kind]) * 1000:.0f}; {m / 2.0:.2f}x of target)")
        print(f"  {objective}: {statistics.median(z['bytes']) / 1e6:.2f} MB received per zoom; the core call alone "
              f"{core_s * 1000:.0f} ms of it")


if __name__ == "__main__":
    main()

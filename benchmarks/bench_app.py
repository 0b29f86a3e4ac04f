"""How fast does the app answer a hand on a control, next to the barest Streamlit page?

Starts two servers, the app and ``benchmarks/bare_page.py`` (one slider, two tiny Plotly charts), opens
them in one headless Chromium (Debian's, from PATH) and, interleaving every move with a move on the bare
page, times from the key press or click until the script is idle, the chart shows the new data and the
page has painted (two animation frames), and counts the bytes the browser received over the websocket:

- Playground, four optimizers x 500 steps: a learning-rate move (an arrow key on gradient descent's
  learning-rate slider) and a function-parameter move (the quadratic's ``a``);
- Compare, six configurations: a learning-rate move on the first configuration;
- Sweep: a colour-by switch (final loss, best loss, steps to tolerance, diverged in turn);
- the bare page's rerun: an arrow key on its slider, until both charts show the new step.

Every press is a new value, so no move is a cache hit. It also times the server's script for each move:
both servers run under ``timed_streamlit.py``, which writes down how long each run of the script took in
the real server, so a move's script time sits next to the bare page's in the same run. (AppTest would
compile the scripts and reset the page manager on every run, which costs a multipage app an extra
partial run a server never makes.)

    .venv/bin/python benchmarks/bench_app.py [--moves 15]

Targets (issue 11): every move within 1.5x of the bare page's rerun; the Playground's script time within
5x of the bare page's. This prints numbers; no test asserts wall-clock times. Other work on the CPUs
slows both pages, so the ratios are steadier than the times; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from browser_timing import PAINTED, chromium, launch, open_page, serve

PLAYGROUND = ("/?opt=gd&opt=rmsprop&opt=adam&opt=sgd&steps=500&gd.lr=0.05&rmsprop.lr=0.05"
              "&adam.lr=0.1&sgd.lr=0.01&sgd.momentum=0.9")
COMPARE = ("/compare?objective=rosenbrock&x0=-1.5&y0=2&steps=500&c1=gd&c1.lr=0.001&c2=sgd&c2.lr=0.001"
           "&c2.momentum=0.9&c3=rmsprop&c3.lr=0.01&c4=adam&c4.lr=0.05&c5=adagrad&c5.lr=0.5&c6=nadam&c6.lr=0.05")
SWEEP = "/sweep"
# What each chart shows, by trace role: a change of this string means new data reached the chart.
SIGNATURE = """(metas) => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot')).map(g =>
    (g.data || []).filter(t => metas.includes(t.meta)).map(t => [t.x, t.y, t.z])))"""
CHANGED = """([metas, before]) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    return (SIGNATURE)(metas) !== before;
}""".replace("SIGNATURE", SIGNATURE)
BARE_CHANGED = """(before) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const now = Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
        (g.data || []).filter(t => t.meta === 'step-marker').map(t => [t.x, t.y])));
    return now.length === before.length && now.every((s, i) => s !== before[i]);
}"""
BARE_MARKERS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => JSON.stringify(
    (g.data || []).filter(t => t.meta === 'step-marker').map(t => [t.x, t.y])))"""
OUTCOMES = ["Best loss", "Steps to tolerance", "Diverged", "Final loss"]


class Probe:
    """One browser tab on one page, counting websocket bytes received."""

    def __init__(self, context, url: str, charts: int, times: Path):
        self.page = context.new_page()
        self.times = times  # the server's script times, one line per run (timed_streamlit.py)
        self.received = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self.count))
        open_page(self.page, url, charts)

    def count(self, payload) -> None:
        """Add a received websocket frame's bytes."""
        self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def runs(self) -> int:
        """How many script runs the server has timed so far."""
        return len(self.times.read_text().split()) if self.times.exists() else 0

    def finish(self, t0: float, runs: int) -> tuple[float, int, float, int]:
        """Seconds since ``t0`` once the page has painted, the bytes received, and the seconds of script the
        server ran since it had run ``runs`` times, and in how many runs."""
        self.page.evaluate(PAINTED)
        elapsed = time.perf_counter() - t0
        time.sleep(0.25)  # let trailing frames (script-finished messages) arrive before counting
        script = [float(v) for v in self.times.read_text().split()[runs:]]
        return elapsed, self.received, sum(script), len(script)

    def act(self, action, metas: list[str]) -> tuple[float, int]:
        """Do ``action``; seconds until the charts' ``metas`` traces changed, the app is idle and the page
        painted, and the bytes received."""
        self.page.bring_to_front()  # a hidden tab's animation frames are throttled
        before = self.page.evaluate(SIGNATURE, metas)
        self.received, runs = 0, self.runs()
        t0 = time.perf_counter()
        action(self.page)
        self.page.wait_for_function(CHANGED, arg=[metas, before], polling="raf", timeout=60_000)
        return self.finish(t0, runs)

    def bare(self) -> tuple[float, int]:
        """An arrow key on the bare page's slider, until both charts show the new step."""
        self.page.bring_to_front()
        before = self.page.evaluate(BARE_MARKERS)
        self.page.locator(".st-key-step input[type='range']").focus()
        self.received, runs = 0, self.runs()
        t0 = time.perf_counter()
        self.page.keyboard.press("ArrowLeft")
        self.page.wait_for_function(BARE_CHANGED, arg=before, polling="raf", timeout=60_000)
        return self.finish(t0, runs)


def press(key: str, which: str):
    def action(page):
        page.locator(f".st-key-{key} input[type='range']").focus()
        page.keyboard.press(which)
    return action


def choose_outcome(i: int):
    def action(page):
        page.locator(".st-key-sw-outcome").get_by_role("radio", name=OUTCOMES[i % len(OUTCOMES)],
                                                       exact=True).click()
    return action


def browser_moves(moves: int, logs: Path) -> dict[str, list[tuple[float, int, float, int]]]:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    app_times, bare_times = logs / "app.times", logs / "bare.times"
    servers = [serve("serve.py", app_times), serve("benchmarks/bare_page.py", bare_times)]
    app, bare_url = servers[0][1], servers[1][1]
    results: dict[str, list[tuple[float, int, float, int]]] = {
        k: [] for k in ("bare", "lr", "param", "compare", "sweep")}
    try:
        with sync_playwright() as p:
            browser, ctx = launch(p, executable)
            bare = Probe(ctx, bare_url, 2, bare_times)
            probes = {
                "lr": (Probe(ctx, app + PLAYGROUND, 1, app_times), lambda i: press("pg-opt-gd-lr", "ArrowLeft"),
                       ["path"]),
                "param": (Probe(ctx, app + PLAYGROUND, 1, app_times),
                          lambda i: press("pg-objective-quadratic-a", "ArrowRight"), ["path"]),
                "compare": (Probe(ctx, app + COMPARE, 2, app_times), lambda i: press("cmp-0-gd-lr", "ArrowRight"),
                            ["path", "loss"]),
                "sweep": (Probe(ctx, app + SWEEP, 1, app_times), choose_outcome, ["outcome"]),
            }
            for i in range(moves + 2):
                for name, (probe, action, metas) in probes.items():
                    got_bare = bare.bare()
                    got = probe.act(action(i), metas)
                    if i >= 2:  # the first two are warm-up
                        results["bare"].append(got_bare)
                        results[name].append(got)
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=15, help="moves per interaction (default 15)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        results = browser_moves(args.moves, Path(logs))

    def med(name, i):
        return statistics.median(r[i] for r in results[name])

    t_bare, s_bare = med("bare", 0), med("bare", 2)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Median of {args.moves} moves each, interleaved with the bare page, headless Chromium 1600x1000; "
          f"load average at the end {load:.2f} on {os.cpu_count()} CPUs")
    print(f"  {'':<50} {'to painted':>10} {'received':>10}   {'':>9}   {'server script (runs)':>20}")
    print(f"  {'bare page rerun (1 slider, 2 tiny Plotly charts)':<50} {t_bare * 1000:7.1f} ms "
          f"{med('bare', 1) / 1e3:7.1f} kB   {'':>9}   {s_bare * 1000:7.1f} ms ({med('bare', 3):g})")
    rows = (("lr", "Playground learning-rate move (4 x 500 steps)"),
            ("param", "Playground function-parameter move (a)"),
            ("compare", "Compare learning-rate move (6 configurations)"),
            ("sweep", "Sweep colour-by switch (60 x 60 map)"))
    for name, text in rows:
        t, sc = med(name, 0), med(name, 2)
        print(f"  {text:<50} {t * 1000:7.1f} ms {med(name, 1) / 1e3:7.1f} kB   {t / t_bare:5.2f}x bare"
              f"   {sc * 1000:7.1f} ms ({med(name, 3):g}) {sc / s_bare:5.2f}x bare")
    print("Targets: a move within 1.5x of the bare page's to painted; the Playground learning-rate move's "
          "server script within 5x of the bare page's.")


if __name__ == "__main__":
    main()

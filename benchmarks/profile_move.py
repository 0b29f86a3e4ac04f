"""Where a move's time goes in the browser: the page's main-thread CPU per move, by who spends it.

``bench_app.py`` says how long a move takes to paint; this says what the browser's main thread did meanwhile.
It opens the bare page (``bare_page.py``) and the Playground (four optimizers x 500 steps, as ``bench_app.py``
does) in headless Chromium, records each under Chromium's sampling profiler (the DevTools protocol's
``Profiler`` domain) while it makes the same moves (an arrow key on a slider: the bare page's step, the
Playground's gradient-descent learning rate, one move every ``--pause`` seconds), and prints the CPU each move
cost, split by who spent it:

- plotly.js: the app's copy (``plotly.min.js``, driven by the live chart component) or the one inside
  Streamlit's own chart element (the bare page's ``st.plotly_chart``);
- the live chart component (``ui/live_chart/assets/live_chart.js``);
- Streamlit's frontend: React and the rest of Streamlit's bundles, drawing the page's elements;
- the browser itself: ``(program)``, native work the profiler cannot put on a script (style, layout, paint,
  and the WebGL calls of the 3D panel, which a machine without a GPU runs in software), and garbage collection.

A native function a script calls (``getBoundingClientRect``) counts for that script. Idle time is left out.

    .venv/bin/python benchmarks/profile_move.py [--moves 8] [--pause 1.5]

It prints numbers; nothing checks them. Other work on the CPUs inflates every row, so run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import collections
import time

from bench_app import PLAYGROUND, press
from browser_timing import chromium, launch, open_page, serve

BUCKETS = ["plotly.js", "live chart component", "Streamlit frontend", "browser: style, layout, paint, WebGL",
           "browser: garbage collection"]


def bucket(url: str, function: str) -> str | None:
    """Who spends a sample: a bucket of :data:`BUCKETS`, None for idle time or a frame without a script."""
    if function == "(idle)" or function == "(root)":
        return None
    if function == "(program)":
        return BUCKETS[3]
    if function == "(garbage collector)":
        return BUCKETS[4]
    name = url.rsplit("/", 1)[-1]
    if not name:
        return None
    if name.startswith(("plotly.min.js", "plotly-", "PlotlyChart.")):  # plotly-<version>.min.js: serve.py's route
        return BUCKETS[0]
    if name.startswith("live_chart.js"):
        return BUCKETS[1]
    return BUCKETS[2]


def per_move(profile: dict, moves: int) -> dict[str, float]:
    """Milliseconds per move by bucket, from a DevTools ``Profiler.stop`` profile.

    A sample in a frame without a script (a native function) goes to the nearest caller that has one."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", ())}
    spent: collections.Counter = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        node = sample
        frame = nodes[node]["callFrame"]
        who = bucket(frame["url"], frame["functionName"])
        while who is None and frame["functionName"] not in ("(idle)", "(root)") and node in parent:
            node = parent[node]
            frame = nodes[node]["callFrame"]
            who = bucket(frame["url"], frame["functionName"])
        if who is not None:
            spent[who] += delta
    return {b: spent[b] / 1000 / moves for b in BUCKETS}


def profile_moves(context, url: str, charts: int, slider: str, moves: int, pause: float) -> dict[str, float]:
    """Open ``url``, then profile ``moves`` arrow-key presses on ``slider`` (a widget key), ``pause`` s apart."""
    page = context.new_page()
    open_page(page, url, charts)
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})  # microseconds
    press(slider, "ArrowRight")(page)  # one untimed move: the first rerun warms caches on both sides
    time.sleep(pause)
    cdp.send("Profiler.start")
    for i in range(moves):
        press(slider, "ArrowLeft" if i % 2 else "ArrowRight")(page)
        time.sleep(pause)
    profile = cdp.send("Profiler.stop")["profile"]
    page.close()
    return per_move(profile, moves)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=8, help="moves per page (default 8)")
    ap.add_argument("--pause", type=float, default=1.5, help="seconds between moves, enough to finish one (1.5)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium()
    servers = [serve("benchmarks/bare_page.py"), serve("serve.py")]
    try:
        with sync_playwright() as p:
            browser, ctx = launch(p, executable)
            bare = profile_moves(ctx, servers[0][1], 2, "step", args.moves, args.pause)
            app = profile_moves(ctx, servers[1][1] + PLAYGROUND, 1, "pg-opt-gd-lr", args.moves, args.pause)
            browser.close()
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()
    print(f"Main-thread CPU per move, ms (the mean of {args.moves} moves profiled together; headless Chromium "
          "1600x1000)")
    print(f"  {'':40s} {'bare page':>10s} {'Playground lr':>14s}")
    for b in BUCKETS:
        print(f"  {b:40s} {bare[b]:10.1f} {app[b]:14.1f}")
    print(f"  {'total':40s} {sum(bare.values()):10.1f} {sum(app.values()):14.1f}")


if __name__ == "__main__":
    main()

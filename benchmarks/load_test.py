"""Load test: several real browser sessions use the Playground and Compare at once, against one server.

Why: in a workshop one server answers a room of people clicking at the same time. This starts the app
(``streamlit run serve.py`` on loopback) and N sessions in one headless Chromium (Debian's, from PATH;
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

The parts live next to this file: the sessions in ``load_sessions.py`` (the JavaScript they run in the page
in ``load_page.py``), the memory samples in ``load_memory.py``, the summary and table in ``load_report.py``;
this file starts the server and runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time

from load_memory import nearest, sample_forever, snapshot
from load_report import report, server_log_errors, summarize
from load_sessions import ROOT, Record, Session

from tests.browser.conftest import (  # importable once load_sessions has put ROOT on sys.path
    ARTIFACTS,
    LAUNCH_ARGS,
    free_port,
    start_streamlit,
    stop,
    wait_healthy,
)

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
    proc = start_streamlit(ROOT / "serve.py", port, "--server.disconnectedSessionTTL", str(args.session_ttl),
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

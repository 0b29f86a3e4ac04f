"""What the browser benchmarks share: a Streamlit server, headless Chromium, and the page states they wait for.

``bench_app.py`` and ``bench_views.py`` time a hand on a control until the chart shows new data; both start
``streamlit run`` on a free port (``serve``), launch Debian's Chromium from PATH (``launch``), open a page
until its script is idle and its charts are drawn (``open_page``) and wait for two animation frames so the
page has painted (``PAINTED``). Keeping one copy keeps their timings comparable: the same server flags,
browser flags and notion of "done".
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
"""Resolves after two animation frames: the page has painted what the last change drew."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: str = "serve.py", times: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run script`` (relative to the repository root) headless; (process, base URL) once
    it answers its health check. With ``times``, each run of the script appends its seconds to that file
    (``timed_streamlit.py``). Exits saying which script did not start within 90 s."""
    port = free_port()
    launcher = ["-m", "streamlit"] if times is None else [str(ROOT / "benchmarks" / "timed_streamlit.py"), str(times)]
    proc = subprocess.Popen(
        [sys.executable, *launcher, "run", script, "--server.headless", "true", "--server.port",
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


def chromium(why_needed: str = "") -> str:
    """The path of Debian's Chromium on PATH; exits saying how to install it (and ``why_needed``) if absent."""
    path = shutil.which("chromium")
    if not path:
        raise SystemExit(f"no chromium on PATH (apt-get install chromium){why_needed}")
    return path


def launch(playwright, executable: str):
    """A 1600 x 1000 browser context in headless Chromium; (browser, context)."""
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
    return browser, browser.new_context(viewport={"width": 1600, "height": 1000})


def open_page(page, url: str, charts: int) -> None:
    """Open ``url`` and wait until the script is idle, ``charts`` charts are drawn, and a second more."""
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                           timeout=120_000)
    time.sleep(1.0)

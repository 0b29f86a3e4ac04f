"""Real-browser fixtures: one Streamlit server and one headless Chromium per test session.

Chromium is Debian's (``apt-get install chromium``), found on PATH; Playwright's own
browser download is not used. Without it the browser tests skip and say why, unless the
``CI`` environment variable is set: then a missing Chromium is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NO_CHROMIUM = "browser tests skipped: no `chromium` on PATH (install it with: apt-get install chromium)"
SKIPPED: list[str] = []
"""Why browser tests were skipped, printed once in the terminal summary (this conftest and the scale-out test add)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout: float = 90.0) -> None:
    """Poll ``url``/_stcore/health until it answers "ok"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url}/_stcore/health did not answer 'ok' within {timeout:.0f} s")


def start_streamlit(script: str | Path, port: int, *extra: str, python: str | None = None,
                    log: Path | None = None) -> subprocess.Popen:
    """``python -m streamlit run script`` headless on ``port``; stdout and stderr go to ``log``."""
    cmd = [python or sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--browser.gatherUsageStats", "false", *extra]
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def chromium_or_skip() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI is set but there is no `chromium` on PATH; the browser tests must run in CI.")
    if not SKIPPED:
        print(f"\n{NO_CHROMIUM}", file=sys.stderr)
        SKIPPED.append(NO_CHROMIUM)
    pytest.skip(NO_CHROMIUM)


def pytest_terminal_summary(terminalreporter):
    for reason in SKIPPED:
        terminalreporter.write_line(reason, yellow=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="session")
def app_url(chromium_path) -> str:
    """The app, started once per session on a free port."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_streamlit(ROOT / "serve.py", port, log=ARTIFACTS / "streamlit-browser-tests.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield WatchedBrowser(b)
        b.close()


class WatchedBrowser:
    """The browser, with every page of every new context watched for the live chart's errors
    (:func:`helpers.watch_errors`); everything else is the Playwright browser's own."""

    def __init__(self, browser) -> None:
        self.browser = browser

    def new_context(self, **options):
        from .helpers import watch_errors  # helpers reads this module's paths: imported once both exist

        context = self.browser.new_context(**options)
        context.on("page", watch_errors)
        return context

    def __getattr__(self, name: str):
        return getattr(self.browser, name)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()

"""Scale-out (issue 7): two replicas behind Debian's nginx with ``ip_hash``, and one of them stopped mid-session.

The test runs ``docs/nginx-descent-lab.conf``, the file ``docs/deploy.md`` tells a host to install, with only
its ports and log path changed, on loopback in front of two app processes that share a cookie secret.
``ip_hash`` pins every loopback client to one replica (A), and nginx's access log names the replica behind
each request. The test stops A and shows that the open page reconnects to the other replica (B) and keeps its
view, that its widgets and an upload work there, and that a new browser opening a link gets the view the link
describes, also from B. Without ``nginx`` (``apt-get install nginx``) the test skips and says why, unless
``CI`` is set: then that is a failure, as for Chromium.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# SKIPPED: the skip reasons conftest prints in the terminal summary.
from . import helpers
from .conftest import ARTIFACTS, ROOT, SKIPPED, chromium_or_skip, free_port, start_streamlit, stop, wait_healthy
from .test_browser_formula_minibatch import upload_good_csv

CONF = ROOT / "docs" / "nginx-descent-lab.conf"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
NO_NGINX = "scale-out test skipped: no `nginx` on PATH or in /usr/sbin (install it with: apt-get install nginx)"
SECRET = "descent-lab-scale-out-test-secret"
LINK = "/?objective=himmelblau&x0=-2&y0=1&opt=gd&opt=adam&gd.lr=0.005&adam.lr=0.05&steps=200&step=10"
# One line of the docs' log_format: the request, its status and the replica(s) nginx tried, in order.
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \S+ upstream=(?P<upstream>.*)$')
# Counts the runs that start from now on: the app element's script state turning to "running".

@dataclass
class Cluster:
    url: str  # nginx
    replicas: dict[str, subprocess.Popen]  # by address, as nginx's $upstream_addr writes it
    tmp: Path  # nginx's prefix: its config, logs and temporary files

    def log(self) -> list[dict[str, str]]:
        """nginx's access log, oldest first; ``served_by`` is the last replica tried, the one that answered."""
        rows = []
        for line in (self.tmp / "access.log").read_text().splitlines():
            m = LOG_LINE.search(line)
            assert m, f"unexpected access-log line: {line}"
            rows.append(m.groupdict() | {"served_by": m["upstream"].split(",")[-1].strip()})
        return rows


def nginx_or_skip() -> str:
    """Debian's nginx binary: on PATH, or in /usr/sbin, which a non-root PATH often leaves out."""
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI is set but there is no `nginx` on PATH or in /usr/sbin; the scale-out test must run in CI.")
    if NO_NGINX not in SKIPPED:
        print(f"\n{NO_NGINX}", file=sys.stderr)
        SKIPPED.append(NO_NGINX)
    pytest.skip(NO_NGINX)


def fill_in(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each key replaced by its value; each key must occur once, so an edited config fails here."""
    for old, new in replacements.items():
        assert text.count(old) == 1, f"{CONF.name} should contain {old!r} exactly once"
        text = text.replace(old, new)
    return text


def nginx_conf(tmp: Path, port: int, replicas: list[int]) -> Path:
    """A main nginx.conf that runs without privileges from ``tmp`` and includes the docs' config."""
    site = fill_in(CONF.read_text(), {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8501 ": f"server 127.0.0.1:{replicas[0]} ",
        "server 127.0.0.1:8502 ": f"server 127.0.0.1:{replicas[1]} ",
        "/var/log/nginx/descent-lab.access.log": str(tmp / "access.log"),
    })
    (tmp / "descent-lab.conf").write_text(site)
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp / kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    # Workers run as this user (nginx ignores the line unless started as root), so they can use tmp.
    main.write_text(f"""daemon off;
user {getpass.getuser()};
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} notice;
events {{ worker_connections 256; }}
http {{
{temp_paths}
    include {tmp / "descent-lab.conf"};
}}
""")
    return main


@pytest.fixture
def cluster(tmp_path, monkeypatch):
    """Two app processes with one cookie secret, behind nginx on a free loopback port."""
    chromium_or_skip()
    nginx = nginx_or_skip()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ports = [free_port(), free_port()]
    # Streamlit refuses a cookie secret on the command line; it reads one from the environment or a file.
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", SECRET)
    replicas = {f"127.0.0.1:{port}": start_streamlit(ROOT / "serve.py", port, "--server.address", "127.0.0.1",
                                                      log=ARTIFACTS / f"scale-out-replica-{i}.log")
                for i, port in enumerate(ports, 1)}
    port = free_port()
    proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(nginx_conf(tmp_path, port, ports))],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for address, proc in replicas.items():
            wait_healthy(f"http://{address}", proc)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proxy, timeout=20)
        yield Cluster(url, replicas, tmp_path)
    finally:
        stop(proxy)
        for proc in replicas.values():
            if proc.poll() is None:
                stop(proc)
        for name in ("access.log", "error.log"):
            if (tmp_path / name).exists():
                shutil.copy(tmp_path / name, ARTIFACTS / f"scale-out-nginx-{name}")


COUNT_RUNS_JS = """() => { window.__runs = 0; const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver((records) => { window.__runs += records.filter(r => r.oldValue === 'running').length; })
        .observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']}); }"""
"""From now on, count the page's finished script runs in ``window.__runs`` (the app element stays across a
reconnect)."""


def press_left(page, key: str) -> None:
    """One ArrowLeft on slider ``key``: one stop down, which reruns the page."""
    helpers.slider(page, key).focus()
    page.keyboard.press("ArrowLeft")


def test_the_deploy_doc_shows_the_tested_nginx_config():
    """docs/deploy.md prints, word for word, the config file the scale-out test runs."""
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY_DOC.read_text(), flags=re.S)
    assert blocks[0] == CONF.read_text()


def test_a_stopped_replica_hands_old_and_new_sessions_to_the_other(cluster, browser, tmp_path):
    """Stop the replica that serves an open page: the page, its widgets, an upload and a new link go on on B."""
    t0 = time.monotonic()
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)

    # 1. A session through nginx: the page opens and a learning-rate change redraws it, all on one replica (A).
    helpers.open_app(page, f"{cluster.url}/", 1)
    before = page.evaluate(helpers.PATHS_JS)
    press_left(page, "pg-opt-gd-lr")
    paths = helpers.wait_change(page, helpers.PATHS_JS, before, timeout=90)
    assert helpers.query(page)["gd.lr"] == ["0.08"]
    served = {row["served_by"] for row in cluster.log()}
    assert len(served) == 1, f"ip_hash should send one client to one replica, but these served it: {served}"
    (a,) = served
    (b,) = set(cluster.replicas) - served
    helpers.shot(page, "scale_out_1_on_a")

    # 2. Stop A. The page loses its websocket and reconnects through nginx, which skips A for B.
    page.evaluate(COUNT_RUNS_JS)
    stop(cluster.replicas[a])
    stopped = time.monotonic()
    helpers.wait_for(lambda: any(row["path"] == "/_stcore/stream" and row["served_by"] == a for row in cluster.log()))
    # The page asks B for its host config just before it opens its new websocket; until that is open its
    # widgets are disabled and a key press on them is lost, so wait for both.
    helpers.wait_for(lambda: any(row["path"] == "/_stcore/host-config" and row["served_by"] == b
                                 for row in cluster.log()), "the page to reach B", timeout=60)
    helpers.wait_for(lambda: page.get_by_test_id("stStatusWidget").count() == 0
                     and page.locator(helpers.IDLE).count() == 1
                     and helpers.slider(page, "pg-opt-gd-lr").is_enabled(), "the page to reconnect", timeout=60)
    # ... and for the run the page asks B for on reconnecting (the live chart's preload element; a change made
    # while that first run is still going can be lost: see docs/deploy.md, "What people see when a replica stops").
    helpers.wait_for(lambda: page.evaluate("() => window.__runs") > 0 and page.locator(helpers.IDLE).count() == 1,
                     "the page's first run on B", timeout=90)
    reconnected = time.monotonic() - stopped
    assert page.evaluate(helpers.PATHS_JS) == paths, "the reconnected page still shows its view"

    # 3. The page asked B for a run as soon as it reconnected, so the session on B holds the
    #    view, and the person's first change there is kept.
    press_left(page, "pg-opt-gd-lr")
    helpers.wait_change(page, helpers.PATHS_JS, paths, timeout=90)
    assert helpers.query(page)["gd.lr"] == ["0.06"]
    helpers.no_exception(page)
    helpers.shot(page, "scale_out_2_reconnected_to_b")

    # 4. An upload from the same page: B accepts the XSRF cookie A set, and nginx sends the file to B, which holds
    #    this session (an upload to a replica without the session is refused).
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Mini-batch").click()
    page.wait_for_url("**/minibatch**")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
    helpers.settle(page)
    upload_good_csv(page, tmp_path)
    helpers.no_exception(page)
    helpers.shot(page, "scale_out_3_upload_on_b")

    # 5. A new browser opens a shared link: B serves it, and the page shows the view the link describes.
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    other.set_default_timeout(30_000)
    helpers.open_app(other, cluster.url + LINK, 1)
    helpers.no_exception(other)
    helpers.has_value(other.locator(".st-key-pg-x0 input"), "-2")
    helpers.open_run_settings(other)
    helpers.has_value(other.locator(".st-key-pg-steps input"), "200")
    assert helpers.step_label(other) == "Step 10 of 200"
    assert "Adam" in other.locator(".st-key-pg-optimizers").inner_text()
    assert "0.05" in other.locator(".st-key-pg-opt-adam-lr").inner_text()
    helpers.shot(other, "scale_out_4_link_on_b")

    # 6. nginx logs a websocket when it closes: A's first, then B's (the reconnected page, the new one).
    #    Everything after A's websocket closed was served by B, the upload included.
    other.context.close()
    context.close()
    helpers.wait_for(lambda: sum(row["path"] == "/_stcore/stream" for row in cluster.log()) >= 3)
    rows = cluster.log()
    streams = [i for i, row in enumerate(rows) if row["path"] == "/_stcore/stream"]
    assert rows[streams[0]]["served_by"] == a
    after = rows[streams[0] + 1:]
    assert {row["served_by"] for row in after} == {b}
    assert sum(row["path"] == "/_stcore/stream" and row["status"] == "101" for row in after) == 2
    uploads = [row for row in after if row["method"] == "PUT"]
    assert [(row["path"].split("/")[2], row["status"]) for row in uploads] == [("upload_file", "204")]
    print(f"\nscale-out: stopped A ({a}); the page was back on B ({b}) {reconnected:.1f} s later; "
          f"{len(after)} requests since, all served by B; {time.monotonic() - t0:.0f} s")

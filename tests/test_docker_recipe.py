"""The Dockerfile's recipe, followed without a Docker engine.

Parses the Dockerfile, checks the rules a public image must keep (slim 3.11 base, pinned
requirements, non-root user, health check, headless, no error details, port 8501, only the
app's files copied), then does what the image would do: a clean venv, the RUN pip install,
the COPY'd files in a fresh directory, the CMD on a free port, and the HEALTHCHECK command.

Slow-ish (a pip install, about half a minute with a warm pip cache); set
SKIP_DOCKER_RECIPE=1 to skip it while iterating.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from browser.conftest import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
APP_FILES = {"app.py", "serve.py", "optim", "viz", "ui", "pages", ".streamlit"}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def one(name: str) -> str:
    found = [a for w, a in instructions() if w == name]
    assert len(found) == 1, f"expected one {name}, found {len(found)}"
    return found[0]


def cmd_list() -> list[str]:
    return json.loads(one("CMD"))


def healthcheck_cmd() -> list[str]:
    args = one("HEALTHCHECK")
    return json.loads(args[args.index("CMD") + 3:].strip())


def pip_install_args() -> list[str]:
    runs = [shlex.split(a) for w, a in instructions() if w == "RUN" and "pip" in a and "install" in a]
    assert len(runs) == 1, "one RUN pip install"
    words = runs[0]
    return words[words.index("install") + 1:]


def copied() -> set[str]:
    sources = set()
    for w, a in instructions():
        if w == "COPY":
            *srcs, _dest = shlex.split(a)
            sources.update(s.rstrip("/") for s in srcs if not s.startswith("--"))
    return sources


def test_dockerfile_follows_the_hosting_rules():
    base = one("FROM")
    assert re.fullmatch(r"python:3\.11[\w.-]*-slim[\w.-]*", base), base
    assert pip_install_args() == ["--no-cache-dir", "-r", "requirements.txt"]
    user = one("USER")
    assert user.split(":")[0] not in {"root", "0"}
    assert one("EXPOSE") == "8501"
    cmd = cmd_list()
    assert cmd[:3] == ["streamlit", "run", "serve.py"]
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert flags["--server.headless"] == "true" and flags["--server.port"] == "8501"
    assert flags["--client.showErrorDetails"] == "none"
    assert "/_stcore/health" in one("HEALTHCHECK") and healthcheck_cmd()[0] == "python"
    assert copied() == APP_FILES | {"requirements.txt"}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"unpinned requirement: {line}"


def test_dockerignore_keeps_the_context_to_the_app():
    text = (ROOT / ".dockerignore").read_text()
    lines = [x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#")]
    assert lines[0] == "*"
    allowed = {x[1:].rstrip("/") for x in lines if x.startswith("!")}
    assert allowed == APP_FILES | {"requirements.txt"}


@pytest.mark.skipif(bool(os.environ.get("SKIP_DOCKER_RECIPE")), reason="SKIP_DOCKER_RECIPE is set")
def test_recipe_installs_starts_and_answers_health(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # The image installs with --no-cache-dir; here the local pip cache is welcome. Nor is every installed module
    # byte-compiled ahead (--no-compile): that is most of the install's time (34 s -> 13 s) and checks nothing
    # the recipe needs; what the app imports compiles as it loads.
    args = [a for a in pip_install_args() if a != "--no-cache-dir"]
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-compile", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    app = tmp_path / "app"  # only what the image copies
    app.mkdir()
    for name in copied() - {"requirements.txt"}:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, app / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, app / name)

    render = ("from streamlit.testing.v1 import AppTest\n"
              "for page in (None, 'pages/compare.py'):\n"
              "    at = AppTest.from_file('app.py', default_timeout=120)\n"
              "    if page: at.switch_page(page)\n"
              "    at.run()\n"
              "    assert not at.exception and not at.error, (page, at.exception, at.error)\n")
    subprocess.run([str(py), "-c", render], cwd=app, check=True, capture_output=True, timeout=300)

    port = free_port()
    cmd = cmd_list()
    cmd[0] = str(venv / "bin" / cmd[0])
    cmd[cmd.index("--server.port") + 1] = str(port)
    log = tmp_path / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=app, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "HOME": str(tmp_path)})
    try:
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc)
        except (TimeoutError, RuntimeError) as e:
            pytest.fail(f"{e}\n{log.read_text()[-2000:]}")
        check = healthcheck_cmd()
        check[0] = str(py)
        check[-1] = check[-1].replace(":8501/", f":{port}/")
        assert subprocess.run(check, timeout=30).returncode == 0
        # serve.py's own route: plotly.js, from the package the image installs, with a year's lifetime
        version = subprocess.run([str(py), "-c", "import plotly; print(plotly.__version__)"], check=True,
                                 capture_output=True, text=True).stdout.strip()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/vendor/plotly-{version}.min.js", timeout=30) as r:
            assert "immutable" in r.headers["Cache-Control"] and r.read().startswith(b"/**\n* plotly.js v")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

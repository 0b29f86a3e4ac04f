"""The import-time heap is frozen once, so Streamlit's collection after each run walks only what runs made."""

from __future__ import annotations

import gc
import pkgutil
import subprocess
import sys
import weakref
from pathlib import Path

from browser.conftest import free_port, start_streamlit, stop, wait_healthy

from ui.router import PACKAGES, freeze_imports

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_of_the_app_is_imported_before_the_freeze():
    frozen = freeze_imports()
    assert frozen > 10_000, "the modules' own objects are in the permanent generation"
    for name in PACKAGES:
        for module in pkgutil.walk_packages(sys.modules[name].__path__, f"{name}."):
            assert module.name in sys.modules, f"{module.name} was imported before the freeze"


def test_freezing_happens_once_and_a_runs_garbage_is_still_collected():
    freeze_imports()
    fresh = [[] for _ in range(100)]
    freeze_imports()
    walked = {id(o) for o in gc.get_objects()}  # every generation but the permanent one
    assert all(id(o) in walked for o in fresh), "a second call freezes nothing more"

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    alive = weakref.ref(a)
    del a, b
    gc.collect(2)
    assert alive() is None, "garbage made after the freeze is collected"


def test_the_server_imports_the_app_before_its_first_run():
    """``serve.py``'s start-up (its ``lifespan``, which Streamlit runs as the server starts) imports and freezes
    the app's modules and does the first run's one-time work (the favicon, inspect's map of module files), so a
    new server's first page does not wait for them (nor a page reconnecting after a restart)."""
    code = ("import asyncio, runpy, sys\n"
            "serve = runpy.run_path('serve.py')\n"
            "from ui.router import freeze_imports\n"
            "assert freeze_imports.cache_info().currsize == 0, 'importing serve.py leaves it to the start-up'\n"
            "async def start():\n"
            "    async with serve['lifespan'](serve['app']):\n"
            "        pass\n"
            "asyncio.run(start())\n"
            "assert freeze_imports.cache_info().currsize == 1, 'the start-up froze the imports'\n"
            "assert 'optim.schedules.formulas' in sys.modules and 'ui.minibatch.state' in sys.modules\n"
            "import inspect\n"
            "from ui.router import favicon\n"
            "assert favicon.cache_info().currsize == 1, 'the favicon is drawn before the first run'\n"
            "assert {'optim.run', 'ui.router'} <= set(inspect.modulesbyfile.values()), 'inspect knows the files'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_starting_server_logs_no_warning(tmp_path):
    """A deploy's log starts clean: the app's cached functions are decorated once Streamlit's runtime exists
    (each decorated before it logged "No runtime found, using MemoryCacheStorageManager", a dozen lines at
    every start), and the server answers once it has started."""
    port, log = free_port(), tmp_path / "server.log"
    proc = start_streamlit(ROOT / "serve.py", port, log=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=120)
    finally:
        stop(proc)
    text = log.read_text()
    assert "You can now view your Streamlit app" in text
    assert "WARNING" not in text and "No runtime found" not in text, text

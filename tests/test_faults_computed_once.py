"""Issue 7, faults: many identical requests at once, computed once.

``st.cache_data`` and ``st.cache_resource`` hold a lock per cache key while they
compute (``streamlit/runtime/caching/cache_utils.py``: ``_handle_cache_miss`` takes
``compute_value_lock(value_key)`` and looks the key up again once it holds it), so sessions asking
for the same run at the same time wait for one computation. The tests call each cached entry point
from many threads at once, with the core function counting its calls.

The other fault between sessions and the server, the server restarting during a session, needs a real
browser and a real server: ``tests/browser/test_browser_faults.py``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from unittest import mock

import numpy as np
import pytest

import optim
from ui import compute
from ui.basins.state import BasinState
from ui.inside import panels as inside_panels
from ui.minibatch import state as mb
from ui.minibatch import training
from ui.model import Setup, make_config
from ui.sweep.state import default_sweep
from ui.tune.state import TuneState


class Counting:
    """Stands in for a core function: counts its calls and holds the first until every caller has arrived.

    Holding the first call until all ``n`` threads are at the cached entry point (and a little longer,
    for them to reach the cache's lock) makes the calls really concurrent, without timing anything.
    """

    def __init__(self, real, n: int):
        self.real, self.n = real, n
        self.calls = 0
        self.arrived = 0
        self.lock = threading.Lock()
        self.everyone = threading.Event()

    def arrive(self) -> None:
        with self.lock:
            self.arrived += 1
            if self.arrived == self.n:
                self.everyone.set()

    def __call__(self, *args, **kwargs):
        with self.lock:
            self.calls += 1
        self.everyone.wait(timeout=60)
        time.sleep(0.2)
        return self.real(*args, **kwargs)


def at_once(core: str, calls: list, clear) -> tuple[Counting, list]:
    """Run ``calls`` (one per thread) at the same moment with ``optim.<core>`` counted; returns (counter, results)."""
    clear()
    counting = Counting(getattr(optim, core), len(calls))
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(i):
        start.wait()
        counting.arrive()
        results[i] = calls[i]()

    with mock.patch.object(optim, core, counting):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(r is not None for r in results), "a thread failed"
    clear()
    return counting, results


N = 8
SETUP = replace(Setup(), steps=200)
ADAM = make_config("adam", lr=0.05)
SMALL_SWEEP = replace(default_sweep(), lr_n=20, second_n=20, setup=replace(default_sweep().setup, steps=100))
SMALL_BASINS = BasinState(resolution=40, steps=50)
SMALL_TUNE = replace(TuneState(), budget=10, starts=3, setup=replace(TuneState().setup, steps=50))
DATA = mb.generated_source(mb.MiniBatchState())

# entry point: (core function it calls, the identical call, the caches to clear)
CACHED = {
    "trajectory": ("run", lambda: compute.trajectory(ADAM, SETUP), compute.clear_caches),
    "sweep": ("sweep", lambda: compute.sweep_arrays(SMALL_SWEEP), compute.clear_caches),
    "basin map": ("basins", lambda: compute.basin_map(SMALL_BASINS, SMALL_BASINS.configs[0]), compute.clear_caches),
    "tuning": ("tune", lambda: compute.tuning(SMALL_TUNE, "adam", "textbook"), compute.clear_caches),
    "noise band": ("run", lambda: compute.band_losses(ADAM, replace(SETUP, noise=0.5), 20), compute.clear_caches),
    "mini-batch": ("run", lambda: training.trajectory(DATA, 20, 5, 0, "rmsprop", 0.05), training.clear_caches),
    "inside (resource)": ("run", lambda: inside_panels.plateau_trajectory("rmsprop", "textbook",
                                                                          make_config("rmsprop").hp, 300),
                          inside_panels.plateau_trajectory.clear),
}


def same(a, b) -> bool:
    """Two results of a cached call hold the same numbers (cache_data hands each caller its own copy)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, optim.Trajectory):
        return same(a.xs, b.xs) and same(a.losses, b.losses)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    return a == b


@pytest.mark.parametrize("entry", CACHED)
def test_identical_requests_at_once_are_computed_once(entry):
    core, call, clear = CACHED[entry]
    counting, results = at_once(core, [call] * N, clear)
    assert counting.calls == 1, f"{entry}: {N} identical requests ran the core {counting.calls} times"
    assert all(same(r, results[0]) for r in results[1:])


def test_different_requests_at_once_are_each_computed():
    """The same harness counts every distinct request: what makes the test above able to fail."""
    calls = [lambda lr=lr: compute.trajectory(make_config("adam", lr=lr), SETUP) for lr in np.geomspace(1e-3, 1, N)]
    counting, results = at_once("run", calls, compute.clear_caches)
    assert counting.calls == N
    assert len({r.final_loss for r in results}) == N

"""The Train page's computations: the points, one training per configuration, boundaries and slices, cached.

Each configuration trains its K networks (seeds 1..K: initialisation and shuffling) in one batched
:func:`optim.train` call, cached on its own, so changing one configuration retrains only that one.
The trainings sit in a small bounded cache of this module rather than ``st.cache_data``: a cached
function's Streamlit calls are recorded and replayed, and the progress bar a training drives is an
element drawn outside it, which the replay cannot address. The points, boundaries and slices, which
need no progress bar, use ``st.cache_data``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

import optim

from ..model import OptConfig
from ..query import shorten
from ..schedule.model import build_optimizer
from ..setup.formula import plain
from .state import TEST_FRACTION, TrainState, steps_for

BOUNDARY_GRID = 48
"""Boundary grid points per axis: every recorded step's grid travels to the browser for the step control."""
SLICE_RESOLUTION = 41
MAX_RECORD_BYTES = 16 * 2**20
"""Most memory one configuration's recorded parameters may take; a larger network is recorded less often."""
RUNS_KEPT = 24


class _Bounded:
    """A small least-recently-used cache shared by the sessions of this server."""

    def __init__(self, size: int):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key, make: Callable[[], object]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items


_RUNS = _Bounded(RUNS_KEPT)


def generated_source(s: TrainState) -> tuple:
    """The key of the state's generated points: ``("generated", name, noise, n, seed)``."""
    return ("generated", s.data if s.data in optim.DATASETS else "moons", s.noise, s.n, s.data_seed)


def upload_source(name: str, content: bytes) -> tuple:
    """The key of an uploaded file's points: ``("upload", name, content)``."""
    return ("upload", name, bytes(content))


@st.cache_data(max_entries=16, show_spinner=False)
def points(source: tuple) -> optim.Points:
    """The points a source key names; ValueError with one sentence for an unusable file.

    Example:
        >>> len(points(("generated", "moons", 0.1, 400, 0)))
        320
    """
    if source[0] == "generated":
        _, name, noise, n, seed = source
        return optim.make_dataset(name, n=n, noise=noise, seed=seed, test_fraction=TEST_FRACTION)
    _, name, content = source
    label = shorten(name or "the file", 60)
    try:
        return optim.load_points(content, label, seed=0, test_fraction=TEST_FRACTION)
    except ValueError as e:
        raise ValueError(f"{label}: {plain(str(e))}") from None


def record_every(steps: int, seeds: int, n_params: int) -> int:
    """Record every this many steps: at most about 100 records, and at most :data:`MAX_RECORD_BYTES` of them.

    Example:
        >>> record_every(300, 3, 337), record_every(300, 10, 12737)
        (3, 20)
    """
    per_record = seeds * n_params * 8
    most = max(2, MAX_RECORD_BYTES // per_record)
    return max(1, -(-steps // 100), -(-steps // (most - 1)))


@dataclass(frozen=True)
class Plan:
    """What every configuration trains on: the points, the network, the batches and the seeds."""

    source: tuple
    sizes: tuple[int, ...]
    activation: str
    batch: int
    epochs: int
    seeds: int

    @property
    def steps(self) -> int:
        return steps_for(len(points(self.source)), self.batch, self.epochs)


def plan_for(s: TrainState, source: tuple) -> Plan:
    """The training plan of state ``s`` on the points of ``source`` (their classes set the output width)."""
    classes = points(source).classes or 2
    return Plan(source, s.sizes(classes), s.activation, s.batch, s.epochs, s.seeds)


def trained(plan: Plan, cfg: OptConfig) -> bool:
    """Whether configuration ``cfg`` has trained on ``plan`` already (its result is cached)."""
    return (plan, cfg) in _RUNS


def train(plan: Plan, cfg: OptConfig, progress: Callable[[int, int], None] | None = None) -> optim.Training:
    """Configuration ``cfg``'s K networks trained on ``plan`` (cached); ValueError with one sentence if refused.

    Network j (0-based) starts from ``net.init(j + 1)`` and shuffles with seed ``j + 1``.
    """
    return _RUNS.get((plan, cfg), lambda: _train(plan, cfg, progress))


def _train(plan: Plan, cfg: OptConfig, progress) -> optim.Training:
    data = points(plan.source)
    net = optim.MLP(plan.sizes, plan.activation)
    seeds = list(range(1, plan.seeds + 1))
    every = record_every(plan.steps, plan.seeds, net.n_params)
    batch = min(plan.batch, len(data))
    return optim.train(build_optimizer(cfg), net, data.X, data.y, params=net.init(seeds), batch_size=batch,
                       epochs=plan.epochs, shuffle_seed=seeds, test=(data.X_test, data.y_test), every=every,
                       progress=progress)


@st.cache_data(max_entries=32, show_spinner=False)
def boundary_frames(plan: Plan, cfg: OptConfig, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chosen network's output over a grid of the input plane at every recorded step.

    Returns ``(x1, x2, frames, steps)``: ``frames`` ``(R, n, n)`` uint8 holds P(class 1) in percent for two
    classes, the predicted class for more; NaN-free (a diverged step repeats the last finite frame).
    """
    run = train(plan, cfg)
    b = optim.decision_boundary(run, network=seed, resolution=BOUNDARY_GRID)
    G1, G2 = np.meshgrid(b.x1, b.x2)
    grid = np.column_stack((G1.ravel(), G2.ravel()))
    path = run.params[:, seed]
    alive = np.flatnonzero(np.isfinite(path).all(axis=1))
    last = alive[-1] if len(alive) else 0
    out = run.net.predict(path[np.minimum(np.arange(len(path)), last)], grid)  # (R, n^2) or (R, n^2, k)
    values = np.round(100 * out) if out.ndim == 2 else out.argmax(axis=-1)
    values = np.nan_to_num(values, nan=50.0)
    frames = values.reshape(len(path), BOUNDARY_GRID, BOUNDARY_GRID).astype(np.uint8)
    return b.x1, b.x2, frames, run.steps_recorded


@st.cache_data(max_entries=16, show_spinner=False)
def landscape_slice(plan: Plan, cfg: OptConfig, seed: int, directions: str) -> optim.Landscape:
    """The loss on a slice through the chosen network's final parameters; ValueError if it diverged."""
    return optim.landscape(train(plan, cfg), network=seed, directions=directions, resolution=SLICE_RESOLUTION,
                           seed=seed)

"""Cached optimizer runs: every trajectory a page draws comes from here.

Two levels, both bounded. ``optim.run`` is keyed on plain hashable arguments and cached with
Streamlit's cache, which computes a value once even when several sessions ask for it at the same
moment (a per-key lock). A Trajectory holds the optimizer's update functions, which cannot be
pickled, so that cache keeps the arrays and :func:`trajectory` rebuilds the (cheap) optimizer and
objective around them. In front of it sits a small process-wide LRU keyed on the frozen
configuration and set-up: a rerun that does not change a configuration then costs one dictionary
lookup, not Streamlit's argument hashing (a few milliseconds per call, most of a rerun's budget).
Values from it are shared between sessions and never mutated.

The batched views (sweeps, basin maps, tunings, noise bands) are one core call each, cached the same way
on plain hashable arguments. Their caches keep only arrays (an ``optim.Objective`` holds functions and is
rebuilt cheaply), in compact dtypes: a 200 x 200 basin map is 120 kB. A setting the core refuses (a grid
beyond ``optim.MAX_RUN_STEPS``, an empty grid) raises ValueError with one sentence for the page to show.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import streamlit as st

import optim
from optim.sweep import check_budget, work
from viz.sweepaxes import LOG, axis_kind, spaced

from .basins.state import BasinState
from .model import OptConfig, Setup, build_objective, effective_flavor
from .schedule.model import ScheduleConfig, build_optimizer
from .setup.formula import DEFAULT_DOMAIN
from .sweep.state import SweepState
from .sweep.zoom import toward_edge
from .tune.state import TuneState

_ARRAYS = ("xs", "losses", "grads", "effective_lr", "lr")
_DICTS = ("state", "scheduled", "records")
"""What is kept of a run: its arrays, and the dictionaries of arrays (buffers, scheduled hyperparameters,
per-step records such as L-BFGS's function evaluations)."""


@st.cache_data(max_entries=64, show_spinner=False)
def _run(name: str, flavor: str, hp: tuple, schedule: tuple, objective: str, objective_params: tuple,
         x0: tuple[float, float], steps: int, noise: float, seed: int, tol: float,
         criterion: str, formula: str = "", domain: tuple = DEFAULT_DOMAIN) -> dict:
    opt = build_optimizer(OptConfig(name, flavor, hp, ScheduleConfig(*schedule)))
    obj = build_objective(objective, objective_params, formula, domain)
    t = optim.run(opt, obj, x0=list(x0), steps=steps, tol=tol, criterion=criterion, noise=noise,
                  seed=seed, record="path")
    out = {k: getattr(t, k) for k in _ARRAYS}
    out.update({k: dict(getattr(t, k)) for k in _DICTS})
    out.update(final_x=t.final_x, final_loss=t.final_loss, best_loss=t.best_loss,
               converged_at=t.converged_at, diverged_at=t.diverged_at, reached_at=t.reached_at, left_at=t.left_at)
    return out


@st.cache_resource(max_entries=32, show_spinner=False)
def objective(name: str, params: tuple, formula: str = "", domain: tuple = DEFAULT_DOMAIN) -> optim.Objective:
    """The objective ``name`` with ``params`` (shared: objectives are immutable).

    For ``name == "custom"`` it is the person's ``formula`` on ``domain``; raises ValueError with one
    sentence when that cannot be used.
    """
    return build_objective(name, params, formula, domain)


def objective_for(setup: Setup) -> optim.Objective:
    """The objective a set-up runs on, built-in or the person's own formula (cached)."""
    return _objective_memo(setup.objective_key)


@lru_cache(maxsize=32)
def _objective_memo(key: tuple) -> optim.Objective:
    return objective(*key)


def trajectory(cfg: OptConfig, setup: Setup) -> optim.Trajectory:
    """The path of configuration ``cfg`` on ``setup``; raises ValueError on a rejected setting."""
    return _trajectory_memo(cfg, setup)


@lru_cache(maxsize=128)
def _trajectory_memo(cfg: OptConfig, setup: Setup) -> optim.Trajectory:
    obj = objective_for(setup)
    criterion = setup.criterion_for(obj)
    name, params, formula, domain = setup.objective_key
    # By keyword: Streamlit's cache looks up each positional argument's name with ``inspect.signature`` before
    # hashing it (0.49 -> 0.19 ms a call, on every slider move that changes a run; the cache key is the same).
    d = _run(name=cfg.name, flavor=cfg.flavor, hp=cfg.hp, schedule=(cfg.schedule.name, cfg.schedule.params),
             objective=name, objective_params=params, x0=setup.start, steps=setup.steps, noise=setup.noise,
             seed=setup.seed, tol=setup.tol, criterion=criterion, formula=formula, domain=domain)
    return optim.Trajectory(
        build_optimizer(cfg), obj, setup.steps, d["final_x"], d["final_loss"], d["best_loss"], d["converged_at"],
        d["diverged_at"], reached_at=d["reached_at"], left_at=d["left_at"],
        **{k: d[k] for k in (*_ARRAYS, *_DICTS)},
    )


def nearest_minimum_distance(obj: optim.Objective, point) -> float:
    """Distance from ``point`` to the nearest known minimum; NaN when unknown or diverged."""
    point = np.asarray(point, dtype=float)
    if not obj.minima or not np.isfinite(point).all():
        return float("nan")
    return float(obj.nearest_minimum(point)[1])


@st.cache_data(max_entries=24, show_spinner=False)
def _grid(objective_key: tuple, domain: tuple, n: int):
    from viz.levels import grid_values

    return grid_values(objective(*objective_key), domain, n)


def objective_grids(setup: Setup):
    """The set-up's objective evaluated on grids, cached: ``grids(domain, n) -> viz.levels.Grid``.

    For :func:`viz.linked_figure`: the contour and surface grids depend only on the objective and
    the drawn domain, so a rerun that changes only the paths (a learning rate) skips evaluating
    them. Bounded like every cache here (24 grids, a few hundred kB each).
    """
    key = setup.objective_key

    def grids(domain, n: int):
        return _grid_memo(key, _domain_key(domain), int(n))

    return grids


def _domain_key(domain) -> tuple:
    """``((x0, x1), (y0, y1))`` as plain floats: one cache entry however the numbers came (int, NumPy)."""
    (x0, x1), (y0, y1) = domain
    return (float(x0), float(x1)), (float(y0), float(y1))


@lru_cache(maxsize=24)
def _grid_memo(key: tuple, domain: tuple, n: int):
    return _grid(key, domain, n)


def objective_levels(setup: Setup):
    """The levels a map of the set-up's objective uses, cached: ``levels(domain, log) -> viz.levels.Levels``.

    Picked on the cached level grid (:func:`objective_grids`), as :func:`viz.levels.map_levels` picks them;
    a rerun that changes only the paths skips the few milliseconds of percentiles over that grid.
    """
    key = setup.objective_key

    def levels(domain, log: bool | None):
        return _levels_memo(key, _domain_key(domain), log)

    return levels


@lru_cache(maxsize=24)
def _levels_memo(key: tuple, domain: tuple, log: bool | None):
    from viz.levels import LEVEL_GRID, choose_levels

    g = _grid_memo(key, domain, LEVEL_GRID)
    return choose_levels(objective(*key), g.low, domain, log=log, gx=g.gx, gy=g.gy)


# ---------------------------------------------------------------------------------------- sweeps


@st.cache_data(max_entries=12, show_spinner=False)
def _sweep(name: str, flavor: str, fixed: tuple, objective_key: tuple, x0: tuple, steps: int, tol: float,
           criterion: str, second: str | None, lr: tuple, sec: tuple | None) -> dict:
    obj = objective(*objective_key)
    kw = dict(second_name="")  # the page sweeps lr alone when no setting can be its second axis
    if second is not None:
        kw = dict(second=spaced(*sec, axis_kind(second)), second_name=second)
    s = optim.sweep(name, obj, flavor=flavor, lr=spaced(*lr, LOG), x0=list(x0), steps=steps, tol=tol,
                    criterion=criterion, **kw, **dict(fixed))
    try:
        toward = toward_edge(s)
    except ValueError as e:  # no edge, a one-row map, or float64's limit
        toward = str(e)
    # Steps fit int16 (at most 2,000) and ranks float32: a 512 x 512 map keeps 5.5 MB here, not 9.
    return dict(lr=s.x_values, second=s.y_values, final_loss=s.final_loss.astype(np.float64),
                best_loss=s.best_loss.astype(np.float64), converged_at=s.converged_at.astype(np.int16),
                diverged_at=s.diverged_at.astype(np.int16), speed=optim.speed_ranks(s).astype(np.float32),
                toward=toward)


def sweep_arrays(state: SweepState) -> dict:
    """The sweep's outcome arrays (see :class:`viz.sweepmap.SweepGrid`), its speed ranks, and ``toward``: the
    window "Zoom toward the edge" opens, or the sentence saying why there is none. ValueError on refused grids."""
    setup = state.setup
    obj = objective(*setup.objective_key)
    criterion = setup.criterion_for(obj)
    x0, x1, y0, y1 = state.window
    lr = (x0, x1, len(state.lr_values()))
    sv = state.second_values()
    sec = None if sv is None else (y0, y1, len(sv))
    # Checked here too, so a refused grid costs nothing and says what it would have been.
    rows = 1 if sv is None else len(sv)
    opt = optim.make_optimizer(state.config.name, state.config.flavor, **state.config.hyperparameters)
    check_budget(rows * lr[2], setup.steps, f"a {rows} x {lr[2]} sweep", *work(obj, opt))
    return _sweep(state.config.name, state.config.flavor, tuple(state.fixed().items()), setup.objective_key,
                  setup.start, setup.steps, setup.tol, criterion, state.second, lr, sec)


# ---------------------------------------------------------------------------------------- basins


@st.cache_data(max_entries=16, show_spinner=False)
def _basin(name: str, flavor: str, hp: tuple, objective_name: str, objective_params: tuple, resolution: int,
           steps: int, tol: float) -> dict:
    opt = optim.make_optimizer(name, flavor, **dict(hp))
    obj = optim.get_objective(objective_name, **dict(objective_params))
    m = optim.basins(opt, obj, resolution=resolution, steps=steps, tol=tol)
    return dict(xs=m.xs, ys=m.ys, labels=m.labels.astype(np.int16), steps=m.steps_to_converge.astype(np.int32),
                share=m.share())


def check_basins(state: BasinState) -> None:
    """Refuse a map beyond the run-step budget before running any of it (ValueError, one sentence)."""
    res = state.resolution
    dearest = max((optim.make_optimizer(c.name, c.flavor, **c.hyperparameters) for c in state.configs),
                  key=lambda o: o.cost)
    obj = optim.get_objective(state.objective, **dict(state.objective_params))
    check_budget(res * res, state.steps, f"a {res} x {res} basin map", *work(obj, dearest))


def basin_map(state: BasinState, cfg: OptConfig) -> dict:
    """One optimizer's basin map as arrays: xs, ys, labels, steps, share."""
    return _basin(cfg.name, cfg.flavor, cfg.hp, state.objective, state.objective_params, state.resolution,
                  state.steps, state.tol)


# ---------------------------------------------------------------------------------------- tuning


@st.cache_data(max_entries=24, show_spinner=False)
def _tune(name: str, flavor: str, objective_key: tuple, budget: int, starts: int, steps: int, lr: tuple,
          seed: int) -> dict:
    obj = objective(*objective_key)
    t = optim.tune(name, obj, flavor=flavor, budget=budget, n_starts=starts, steps=steps, lr_range=lr, seed=seed)
    # The untuned default on the very same starts: what tuning bought.
    d = optim.run(optim.make_optimizer(name, flavor), obj, t.starts, steps, record="final")
    f_min = obj.f_min if obj.f_min is not None else 0.0
    gaps = np.where(np.asarray(d.diverged_at) >= 0, np.inf, np.asarray(d.final_loss) - f_min)
    return dict(candidates=t.candidates, scores=np.asarray(t.scores, dtype=float),
                diverged_share=np.asarray(t.diverged_share, dtype=float), best=t.best_index, rows=t.rows(),
                starts=t.starts, default_lr=float(optim.make_optimizer(name, flavor).hyperparameters["lr"]),
                default_score=float(np.median(gaps)), second=optim.OPTIMIZERS[name].second)


def tuning(state: TuneState, name: str, flavor: str) -> dict:
    """One optimizer's tuning: candidates, scores, the chosen index, and the untuned default's score."""
    return _tune(name, flavor, state.setup.objective_key, state.budget, state.starts, state.setup.steps,
                 (state.lr_min, state.lr_max), state.seed)


def check_tuning(state: TuneState) -> None:
    """Refuse a tuning beyond the run-step budget before running any of it (ValueError, one sentence).

    The budget covers the whole page, every chosen optimizer together: checked per optimizer, six of
    them at the largest settings were six times the budget (about 18 s of CPU on Ackley).
    """
    n = max(len(state.names), 1)
    obj = objective(*state.setup.objective_key)
    costs = [work(obj, optim.make_optimizer(name, effective_flavor(name, state.flavor))) for name in state.names]
    cost, dear = max(costs, default=(obj.cost, "this function"))
    check_budget(state.budget * state.starts * n, state.setup.steps,
                 f"tuning {n} optimizer{'s' if n > 1 else ''} x {state.budget} configurations x {state.starts} starts",
                 cost, dear)


# ---------------------------------------------------------------------------------------- noise bands


@st.cache_data(max_entries=32, show_spinner=False)
def _band(name: str, flavor: str, hp: tuple, schedule: tuple, objective_key: tuple, x0: tuple, steps: int,
          noise: float, seed: int, k: int) -> np.ndarray:
    obj = objective(*objective_key)
    opt = build_optimizer(OptConfig(name, flavor, hp, ScheduleConfig(*schedule)))
    starts = np.tile(np.asarray(x0, dtype=float), (k, 1))
    t = optim.run(opt, obj, starts, steps, noise=noise, seed=seed, record="path")
    return np.asarray(t.losses, dtype=np.float64)


def band_losses(cfg: OptConfig, setup: Setup, k: int) -> np.ndarray:
    """Losses of ``cfg`` (with its schedule) over ``k`` independent noise seeds: shape ``(steps + 1, k)``."""
    return _band(cfg.name, cfg.flavor, cfg.hp, (cfg.schedule.name, cfg.schedule.params), setup.objective_key,
                 setup.start, setup.steps, setup.noise, setup.seed, k)


def clear_caches() -> None:
    """Forget every cached run and view (the process-wide memos and Streamlit's caches): the next call
    computes again. For tests that count the core's calls."""
    for cached in (_run, _grid, _sweep, _basin, _tune, _band):
        cached.clear()
    for memo in (_objective_memo, _trajectory_memo, _grid_memo, _levels_memo):
        memo.cache_clear()

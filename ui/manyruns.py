"""Cached views built on thousands of runs: sweeps, basin maps, tunings and noise bands.

Each view is one batched core call (``optim.sweep``, ``optim.basins``, ``optim.tune``, or
``optim.run`` with K copies of the start), cached on plain hashable arguments in a bounded cache.
The cache keeps only arrays (an ``optim.Objective`` holds functions and is rebuilt cheaply), in
compact dtypes: a 200 x 200 basin map is 120 kB. A setting the core refuses (a grid beyond
``optim.MAX_RUN_STEPS``, an empty grid) raises ValueError with one sentence for the page to show.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import optim
from optim.sweep import check_budget, work
from viz.sweepaxes import LOG, axis_kind, spaced

from .basinstate import BasinState
from .compute import objective
from .model import CRITERIA, OptConfig, Setup, effective_flavor
from .sweepstate import SweepState
from .sweepzoom import toward_edge
from .tunestate import TuneState
from .widgets import label


def _setup_objective(key: tuple) -> optim.Objective:
    return objective(*key)


# ---------------------------------------------------------------------------------------- sweeps


@st.cache_data(max_entries=12, show_spinner=False)
def _sweep(name: str, flavor: str, fixed: tuple, objective_key: tuple, x0: tuple, steps: int, tol: float,
           criterion: str, second: str | None, lr: tuple, sec: tuple | None) -> dict:
    obj = _setup_objective(objective_key)
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
    obj = _setup_objective(setup.objective_key)
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


def tolerance_text(setup: Setup, obj: optim.Objective) -> str:
    """What "reached the tolerance" means here, for hovers: ``f − f* ≤ 1e-06``."""
    crit = setup.criterion_for(obj)
    return f"{'f − f*' if crit == 'loss_gap' else '|∇f|'} ≤ {setup.tol:g}" if crit in CRITERIA else "tolerance"


def second_label(name: str | None) -> str | None:
    return None if name is None else label(name)


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
    obj = _setup_objective(objective_key)
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
    obj = _setup_objective(state.setup.objective_key)
    costs = [work(obj, optim.make_optimizer(name, effective_flavor(name, state.flavor))) for name in state.names]
    cost, dear = max(costs, default=(obj.cost, "this function"))
    check_budget(state.budget * state.starts * n, state.setup.steps,
                 f"tuning {n} optimizer{'s' if n > 1 else ''} x {state.budget} configurations x {state.starts} starts",
                 cost, dear)


# ---------------------------------------------------------------------------------------- noise bands


@st.cache_data(max_entries=32, show_spinner=False)
def _band(name: str, flavor: str, hp: tuple, objective_key: tuple, x0: tuple, steps: int, noise: float, seed: int,
          k: int) -> np.ndarray:
    obj = _setup_objective(objective_key)
    opt = optim.make_optimizer(name, flavor, **dict(hp))
    starts = np.tile(np.asarray(x0, dtype=float), (k, 1))
    t = optim.run(opt, obj, starts, steps, noise=noise, seed=seed, record="path")
    return np.asarray(t.losses, dtype=np.float64)


def band_losses(cfg: OptConfig, setup: Setup, k: int) -> np.ndarray:
    """Losses of ``cfg`` over ``k`` independent noise seeds: shape ``(steps + 1, k)``."""
    return _band(cfg.name, cfg.flavor, cfg.hp, setup.objective_key, setup.start, setup.steps, setup.noise,
                 setup.seed, k)

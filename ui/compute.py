"""Cached optimizer runs: every trajectory a page draws comes from here.

Two levels, both bounded. ``optim.run`` is keyed on plain hashable arguments and cached with
Streamlit's cache, which computes a value once even when several sessions ask for it at the same
moment (a per-key lock). A Trajectory holds the optimizer's update functions, which cannot be
pickled, so that cache keeps the arrays and :func:`trajectory` rebuilds the (cheap) optimizer and
objective around them. In front of it sits a small process-wide LRU keyed on the frozen
configuration and set-up: a rerun that does not change a configuration then costs one dictionary
lookup, not Streamlit's argument hashing (a few milliseconds per call, most of a rerun's budget).
Values from it are shared between sessions and never mutated.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import streamlit as st

import optim

from .formula import DEFAULT_DOMAIN
from .model import OptConfig, Setup, build_objective
from .schedule import ScheduleConfig, build_optimizer

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
    d = _run(cfg.name, cfg.flavor, cfg.hp, (cfg.schedule.name, cfg.schedule.params), name, params, setup.start,
             setup.steps, setup.noise, setup.seed, setup.tol, criterion, formula, domain)
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
        (x0, x1), (y0, y1) = domain
        return _grid_memo(key, ((float(x0), float(x1)), (float(y0), float(y1))), int(n))

    return grids


@lru_cache(maxsize=24)
def _grid_memo(key: tuple, domain: tuple, n: int):
    return _grid(key, domain, n)

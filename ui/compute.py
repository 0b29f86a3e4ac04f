"""Cached optimizer runs: every trajectory a page draws comes from here.

``optim.run`` is keyed on plain hashable arguments and cached with a bounded cache, so a
rerun that does not change a configuration costs a dictionary lookup. A Trajectory holds
the optimizer's update functions, which cannot be pickled, so the cache keeps the arrays
and :func:`trajectory` rebuilds the (cheap) optimizer and objective around them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import optim

from .model import OptConfig, Setup

_ARRAYS = ("xs", "losses", "grads", "effective_lr")


@st.cache_data(max_entries=64, show_spinner=False)
def _run(name: str, flavor: str, hp: tuple, objective: str, objective_params: tuple,
         x0: tuple[float, float], steps: int, noise: float, seed: int, tol: float,
         criterion: str) -> dict:
    opt = optim.make_optimizer(name, flavor, **dict(hp))
    obj = optim.get_objective(objective, **dict(objective_params))
    t = optim.run(opt, obj, x0=list(x0), steps=steps, tol=tol, criterion=criterion, noise=noise,
                  seed=seed, record="path")
    out = {k: getattr(t, k) for k in _ARRAYS}
    out.update(state=dict(t.state), final_x=t.final_x, final_loss=t.final_loss, best_loss=t.best_loss,
               converged_at=t.converged_at, diverged_at=t.diverged_at)
    return out


@st.cache_resource(max_entries=32, show_spinner=False)
def objective(name: str, params: tuple) -> optim.Objective:
    """The objective ``name`` with ``params`` (shared: objectives are immutable)."""
    return optim.get_objective(name, **dict(params))


def trajectory(cfg: OptConfig, setup: Setup) -> optim.Trajectory:
    """The path of configuration ``cfg`` on ``setup``; raises ValueError on a rejected setting."""
    obj = objective(setup.objective, setup.objective_params)
    criterion = setup.criterion_for(obj)
    d = _run(cfg.name, cfg.flavor, cfg.hp, setup.objective, setup.objective_params, setup.start,
             setup.steps, setup.noise, setup.seed, setup.tol, criterion)
    opt = optim.make_optimizer(cfg.name, cfg.flavor, **cfg.hyperparameters)
    return optim.Trajectory(
        opt, obj, setup.steps, d["final_x"], d["final_loss"], d["best_loss"], d["converged_at"],
        d["diverged_at"], xs=d["xs"], losses=d["losses"], grads=d["grads"], state=d["state"],
        effective_lr=d["effective_lr"],
    )


def nearest_minimum_distance(obj: optim.Objective, point) -> float:
    """Distance from ``point`` to the nearest known minimum; NaN when unknown or diverged."""
    point = np.asarray(point, dtype=float)
    if not obj.minima or not np.isfinite(point).all():
        return float("nan")
    return float(obj.nearest_minimum(point)[1])

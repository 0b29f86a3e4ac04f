"""The Sweep page's widgets and words: optimizer and grid in the sidebar, the picked cell, the CSV.

Widgets are generated from the optimizer's parameter specs (``ui.widgets``), so the ranges offered
are the ones the core accepts; each is keyed under the page prefix and seeded from the page's
state (``ui.state``) so a link restores them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import optim
from viz.sweepmap import SweepGrid

from .model import RUN_PARAMS, Setup, effective_flavor, make_config, with_flavor
from .panels import tolerance_widgets
from .state import seed
from .sweepstate import AXIS_MAX, OUTCOMES, SECOND_OPTIONS, SweepState, second_choices
from .widgets import (
    FLAVOR_HELP,
    FLAVOR_TITLES,
    fmt_number,
    help_text,
    label,
    log_options,
    optimizer_title,
    param_widget,
)

GRID_HELP = (f"How many values along this axis (1 to {AXIS_MAX}). The whole grid runs as one batched "
             f"computation; it may hold at most {optim.MAX_RUN_STEPS:,} run-steps (cells x steps).")


def optimizer_panel(prefix: str, current: SweepState) -> SweepState:
    """Optimizer, flavor, the swept axes and the settings held fixed; returns the edited state."""
    seed(f"{prefix}.opt", current.config.name)
    name = st.selectbox("Optimizer", list(optim.OPTIMIZERS), key=f"{prefix}.opt", format_func=optimizer_title,
                        help="The optimizer whose settings are swept.")
    spec = optim.OPTIMIZERS[name]
    seed(f"{prefix}.flavor", current.config.flavor)
    if st.session_state[f"{prefix}.flavor"] not in spec.flavors:
        st.session_state[f"{prefix}.flavor"] = spec.default_flavor
    flavor = effective_flavor(name, st.selectbox("Flavor", list(spec.flavors), key=f"{prefix}.flavor",
                                                 format_func=FLAVOR_TITLES.get, help=FLAVOR_HELP))
    base = with_flavor(current.config, flavor) if current.config.name == name else make_config(name, flavor)
    params = spec.params(flavor)

    st.markdown("**Learning rate** (x-axis, log-spaced)")
    lr_p = params["lr"]
    lo = min(max(current.lr_min, lr_p.low), lr_p.high)
    hi = min(max(current.lr_max, lr_p.low), lr_p.high)
    options = sorted(set(log_options(lr_p.low, lr_p.high)) | {lo, hi})
    # Range sliders get their value passed in (not seeded): a seeded tuple would not make them ranges.
    lr_min, lr_max = st.select_slider("Learning-rate range", options=options, value=(lo, hi), key=f"{prefix}.lr",
                                      format_func=fmt_number, help=help_text(lr_p))
    seed(f"{prefix}.lr_n", current.lr_n)
    lr_n = int(st.number_input("Learning rates", 1, AXIS_MAX, step=10, key=f"{prefix}.lr_n", help=GRID_HELP))

    choices = second_choices(name, flavor)
    second, s_min, s_max, s_n = None, current.second_min, current.second_max, current.second_n
    if choices:
        st.markdown("**Second hyperparameter** (y-axis, dense towards 1)")
        seed(f"{prefix}.second", current.second if current.second in choices else choices[0])
        if st.session_state[f"{prefix}.second"] not in choices:
            st.session_state[f"{prefix}.second"] = choices[0]
        second = st.selectbox("Swept against the learning rate", choices, key=f"{prefix}.second", format_func=label,
                              help="Its values are spaced so that 1 − value is log-spaced: 0, 0.9, 0.99 and 0.999 "
                                   "are equally far apart, which is where these settings matter.")
        p = params[second]
        key = f"{prefix}.srange.{second}"
        start = (current.second_min, current.second_max) if current.second == second else (0.0, min(0.999, p.high))
        start = tuple(min(max(v, p.low), p.high) for v in start)
        options = sorted({v for v in SECOND_OPTIONS if p.low <= v <= p.high} | set(start))
        s_min, s_max = st.select_slider(f"{label(second)} range", options=options, value=start, key=key,
                                        format_func=fmt_number, help=help_text(p))
        seed(f"{prefix}.second_n", current.second_n)
        s_n = int(st.number_input(f"{label(second)} values", 1, AXIS_MAX, step=10, key=f"{prefix}.second_n",
                                  help=GRID_HELP))
    else:
        st.caption(f"{spec.title} has no momentum, decay or β₁ to sweep, so the map is one row of learning rates.")

    fixed = {}
    others = [n for n in params if n not in ("lr", second)]
    if others:
        with st.expander("Settings held fixed"):
            for n in others:
                fixed[n] = param_widget(params[n], f"{prefix}.hp.{name}.{n}", base.get(n, params[n].default))
    hp = {n: (base.get(n) if n in ("lr", second) else fixed[n]) for n in params}
    config = replace(base, hp=tuple(hp.items()))
    return replace(current, config=config, second=second, lr_min=float(lr_min), lr_max=float(lr_max), lr_n=lr_n,
                   second_min=float(s_min), second_max=float(s_max), second_n=s_n)


def run_settings(prefix: str, setup: Setup, objective: optim.Objective) -> Setup:
    """Steps per run, the tolerance and its criterion (the Sweep has no gradient noise)."""
    with st.expander("Run settings: steps, tolerance", expanded=True):
        p = RUN_PARAMS["steps"]
        seed(f"{prefix}.steps", int(setup.steps))
        steps = int(st.number_input("Steps per run", int(p.low), int(p.high), step=50, key=f"{prefix}.steps",
                                    help=help_text(p)))
        tol, criterion = tolerance_widgets(prefix, setup, objective,
                                           label="Converged (for the steps view) when this is below the tolerance")
    return replace(setup, steps=steps, tol=tol, criterion=criterion)


def outcome_picker(prefix: str, current: SweepState) -> str:
    seed(f"{prefix}.outcome", current.outcome)
    names = {"final_loss": "Final loss", "best_loss": "Best loss", "steps": "Steps to tolerance",
             "diverged": "Diverged"}
    return st.segmented_control("Colour by", list(OUTCOMES), key=f"{prefix}.outcome", required=True,
                                format_func=names.get,
                                help="Final loss: f − f* after the last step (log colours). Best loss: the lowest "
                                     "along the way. Steps to tolerance: the first step within the tolerance. "
                                     "Diverged: where, and how soon, runs blew up.") or "final_loss"


def cell_lines(grid: SweepGrid, state: SweepState, row: int, col: int) -> list[str]:
    """Plain sentences about one cell: its settings and how its run went."""
    cfg = state.cell_config(row, col)
    settings = f"lr = {cfg.get('lr'):.4g}" + (f", {state.second} = {cfg.get(state.second):.6g}" if state.second else "")
    what = "f − f*" if grid.f_min is not None else "f"
    final = grid.gap("final_loss")[row, col]
    best = grid.gap("best_loss")[row, col]
    if grid.diverged_at[row, col] >= 0:
        outcome = f":red[Diverged at step {int(grid.diverged_at[row, col])}.]"
    elif grid.converged_at[row, col] >= 0:
        outcome = (f":green[Reached {grid.tol_text} at step {int(grid.converged_at[row, col])}.] "
                   f"Final {what} = {final:.3g}, best {best:.3g}.")
    else:
        outcome = f":orange[Never reached {grid.tol_text}.] Final {what} = {final:.3g}, best {best:.3g}."
    return [f"**{settings}**", outcome]


def best_cell(grid: SweepGrid) -> tuple[int, int] | None:
    """The cell with the lowest final loss (ties: the earliest to reach the tolerance), or None if all diverged."""
    final = grid.gap("final_loss")
    ok = np.isfinite(final) & (grid.diverged_at < 0)
    if not ok.any():
        return None
    conv = np.where(grid.converged_at >= 0, grid.converged_at, np.iinfo(np.int32).max)
    order = np.lexsort((conv[ok], final[ok]))
    rows, cols = np.nonzero(ok)
    return int(rows[order[0]]), int(cols[order[0]])


def sweep_csv(grid: SweepGrid, state: SweepState) -> bytes:
    """Every cell as CSV: lr, the second hyperparameter, final and best loss, steps to tolerance, divergence."""
    rows, cols = np.meshgrid(np.arange(grid.shape[0]), np.arange(grid.shape[1]), indexing="ij")
    df = pd.DataFrame({
        "optimizer": state.config.name, "flavor": state.config.flavor,
        "lr": grid.lr[cols.ravel()],
        **({state.second: grid.second[rows.ravel()]} if state.second else {}),
        "final_loss": grid.final_loss.ravel(), "best_loss": grid.best_loss.ravel(),
        "steps_to_tolerance": grid.converged_at.ravel(), "diverged_at_step": grid.diverged_at.ravel(),
    })
    return df.to_csv(index=False, float_format="%.17g").encode()

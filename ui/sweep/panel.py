"""The Sweep page's widgets and words: optimizer and grid in the sidebar, the picked cell, the CSV.

Widgets are generated from the optimizer's parameter specs (``ui.widgets``), so the ranges offered
are the ones the core accepts; each is keyed under the page prefix and seeded from the page's
state (``ui.state``) so a link restores them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import optim
from optim.edge import relative_width
from viz.sweepaxes import cell_labels
from viz.sweepmap import SweepGrid

from ..compute import trajectory
from ..model import CRITERIA, RUN_PARAMS, Setup, effective_flavor, make_config, with_flavor
from ..report import status_markdown
from ..setup.panel import tolerance_widgets
from ..state import page_key, seed
from ..widgets import (
    FLAVOR_HELP,
    FLAVOR_TITLES,
    fmt_number,
    help_text,
    label,
    log_options,
    number_box,
    optimizer_title,
    param_widget,
)
from .state import (
    AXIS_MAX,
    OUTCOMES,
    PER_COORDINATE,
    SECOND_OPTIONS,
    SweepState,
    default_second,
    second_choices,
    second_param,
)
from .zoom import FACTOR, factor_text, zoom_factor

GRID_HELP = (f"How many values along this axis (1 to {AXIS_MAX}). The whole grid runs as one batched "
             f"computation; it may hold at most {optim.MAX_RUN_STEPS:,} run-steps (cells x steps): 512 x 512 "
             "cells of 100 steps.")


def second_title(name: str | None) -> str:
    """The second axis's name in the picker: ``Momentum``, ``y's learning rate (lr_y)``, or none."""
    if name is None:
        return "Nothing: one row of learning rates"
    return "y's learning rate (lr_y)" if name == PER_COORDINATE else label(name)


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
    lr_n = int(number_box("Learning rates", 1, AXIS_MAX, step=10, key=f"{prefix}.lr_n", help=GRID_HELP))

    choices = second_choices(name, flavor)
    first = default_second(choices)
    second, s_min, s_max, s_n = None, current.second_min, current.second_max, current.second_n
    options = ([None] if first is None else []) + choices
    if options != [None]:
        st.markdown("**Second axis** (up)")
        seed(f"{prefix}.second", current.second if current.second in options else first)
        if st.session_state[f"{prefix}.second"] not in options:
            st.session_state[f"{prefix}.second"] = first
        second = st.selectbox("Swept against the learning rate", options, key=f"{prefix}.second",
                              format_func=second_title,
                              help="Momentum, decay or β: values spaced so that 1 − value is log-spaced (0, 0.9, 0.99 "
                                   "and 0.999 equally far apart), which is where these settings matter. y's learning "
                                   "rate: per-coordinate learning rates, x's across and y's up, both log-spaced: the "
                                   "map of Sohl-Dickstein (2024), whose edge between training and divergence is "
                                   "fractal.")
    if second == PER_COORDINATE:
        p = second_param(name, flavor, second)
        start = (current.second_min, current.second_max) if current.second == second else (lr_min, lr_max)
        start = tuple(min(max(v, p.low), p.high) for v in start)
        options = sorted(set(log_options(p.low, p.high)) | set(start))
        s_min, s_max = st.select_slider("y's learning-rate range", options=options, value=start,
                                        key=f"{prefix}.srange.{second}", format_func=fmt_number, help=help_text(p))
    elif second is not None:
        p = params[second]
        key = f"{prefix}.srange.{second}"
        start = (current.second_min, current.second_max) if current.second == second else (0.0, min(0.999, p.high))
        start = tuple(min(max(v, p.low), p.high) for v in start)
        options = sorted({v for v in SECOND_OPTIONS if p.low <= v <= p.high} | set(start))
        s_min, s_max = st.select_slider(f"{label(second)} range", options=options, value=start, key=key,
                                        format_func=fmt_number, help=help_text(p))
    if second is not None:
        seed(f"{prefix}.second_n", current.second_n)
        s_n = int(number_box(f"{second_title(second)} values", 1, AXIS_MAX, step=10, key=f"{prefix}.second_n",
                             help=GRID_HELP))
    else:
        more = " Choose y's learning rate above for a map of per-coordinate learning rates." if choices else ""
        st.caption(f"{spec.title} has no momentum, decay or β₁ to sweep, so the map is one row of learning "
                   f"rates.{more}")

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
        steps = int(number_box("Steps per run", int(p.low), int(p.high), step=50, key=f"{prefix}.steps",
                               help=help_text(p)))
        tol, criterion = tolerance_widgets(prefix, setup, objective,
                                           label="Converged (for the steps view) when this is below the tolerance")
    return replace(setup, steps=steps, tol=tol, criterion=criterion)


def outcome_picker(prefix: str, current: SweepState) -> str:
    seed(f"{prefix}.outcome", current.outcome)
    names = {"final_loss": "Final loss", "best_loss": "Best loss", "steps": "Steps to tolerance",
             "diverged": "Diverged", "speed": "Speed"}
    return st.segmented_control("Colour by", list(OUTCOMES), key=f"{prefix}.outcome", required=True,
                                format_func=names.get,
                                help="Final loss: f − f* after the last step (log colours). Best loss: the lowest "
                                     "along the way. Steps to tolerance: the step from which the run stayed within the "
                                     "tolerance to its last step (grey: it never stayed within it). "
                                     "Diverged: where, and how soon, runs blew up. Speed: how fast each run came "
                                     "down or blew up, ranked on each side of the edge (blue: stayed bounded, red: "
                                     "diverged; dark: slow, next to the edge), as in Sohl-Dickstein (2024), so the "
                                     "edge's structure shows.") or "final_loss"


def zoom_bar(state: SweepState, toward, on_back: Callable[[int], None], on_toward: Callable[[tuple], None]) -> None:
    """The zoom trail, one button back to each level, and "Zoom toward the edge" (``toward``: its window, or the
    sentence saying why there is none)."""
    if not state.can_zoom:
        return
    trail = st.container(horizontal=True, wrap=True, gap="small", vertical_alignment="center")
    levels = ["Whole map"] + [factor_text(zoom_factor(state.root, w, state.second)) for w in state.zoom]
    for level, text in enumerate(levels):
        here = level == len(state.zoom)
        trail.button(text, key=page_key("sw", f"zoom.{level}"), on_click=on_back, args=(level,), disabled=here,
                     type="secondary", icon=":material/zoom_out_map:" if level == 0 else ":material/zoom_in:",
                     help="The map shown." if here else "Back to this zoom level.")
    ready = isinstance(toward, tuple)
    trail.button(f"Zoom toward the edge ({factor_text(FACTOR)})", key=page_key("sw", "zoom.edge"), on_click=on_toward,
                 args=(toward,), disabled=not ready, icon=":material/center_focus_strong:",
                 type="primary", help="Picks a point on the edge between runs that stay bounded and runs that diverge, "
                                      "near the middle of the map where the edge has the most structure, and zooms "
                                      f"{FACTOR:g} times toward it along each axis." if ready else toward)
    x0, x1, y0, y1 = state.window
    width = min(relative_width(x0, x1), relative_width(y0, y1))
    note = (f"Drag a box on the map to zoom into it: the map is recomputed inside the box at full resolution. "
            f"Shown: lr {ends_text(x0, x1)}, {state.second} {ends_text(y0, y1)}; relative width {width:.2g} "
            f"(float64 stops resolving near {optim.FLOAT64_LIMIT:g}).")
    if not ready:
        note += f" No zoom toward the edge: {toward}"
    st.caption(note)


def ends_text(lo: float, hi: float) -> str:
    """``lo to hi`` with the digits that tell them apart, and three more.

    Example:
        >>> ends_text(1e-5, 0.01), ends_text(1.542459647456498, 1.7722798085608837), ends_text(0.5, 0.50000012345)
        ('1e-05 to 0.01', '1.542 to 1.772', '0.5 to 0.5000001235')
    """
    width = relative_width(lo, hi) if hi != lo else 1.0
    digits = min(17, max(4, math.ceil(-math.log10(width)) + 3))
    return f"{lo:.{digits}g} to {hi:.{digits}g}"


def cell_run(state: SweepState, row: int, col: int) -> optim.Trajectory:
    """One cell's run, replayed on its own: the run its card describes and its Playground link opens.

    The page's sweep arrays (:func:`ui.compute.sweep_arrays`) keep each run's final and best loss and when it
    stayed within the tolerance, not when it first reached it or left it; the card says all of that, so it reads
    them off the run itself, replayed alone (its losses may differ from the batched run's in the last digit).
    """
    replay = state.playground(row, col)
    return trajectory(replay.optimizers[0], replay.setup)


def gap_text(value: float) -> str:
    """A run's own ``f − f*`` to three digits; at or below zero, which only round-off gives (f* is the lowest
    value), "0 to float64 precision" rather than a negative gap.

    Example:
        >>> gap_text(5.316073222710149e-17), gap_text(-1.4210854715202004e-14)
        ('5.32e-17', '0 to float64 precision')
    """
    return f"{value:.3g}" if value > 0 else "0 to float64 precision"


def loss_text(traj: optim.Trajectory) -> str:
    """``Final f − f* = …, best ….``: the run's own values, not the map's (whose colours floor them at 1e-16);
    ``f`` itself when the minimum is unknown."""
    f_min = traj.objective.f_min
    if f_min is None:
        return f"Final f = {traj.final_loss:.3g}, best {traj.best_loss:.3g}."
    return f"Final f − f* = {gap_text(traj.final_loss - f_min)}, best {gap_text(traj.best_loss - f_min)}."


def cell_lines(state: SweepState, row: int, col: int, traj: optim.Trajectory) -> list[str]:
    """Plain sentences about one cell: its settings, as the map's hover names them (the fewest digits that tell
    the cells apart; a link carries every digit), and how its run ``traj`` (:func:`cell_run`) went."""
    second = state.second_values()
    settings = cell_labels(state.lr_values(), "lr")[col] + (
        f", {cell_labels(second, state.second)[row]}" if second is not None else "")
    outcome = status_markdown(traj, state.setup)  # as the Playground's card says it: this cell's run opens there
    if traj.diverged_at < 0:
        outcome += f". {loss_text(traj)}"
    return [f"**{settings}**", outcome]


def cell_card(state: SweepState, row: int, col: int) -> None:
    """One cell's sentences (:func:`cell_lines`) on the page, a paragraph each (the picked cell, the best one)."""
    for line in cell_lines(state, row, col, cell_run(state, row, col)):
        st.markdown(line)


def diverged_text(diverged: np.ndarray) -> str:
    """How many of the runs diverged, in one sentence: a share that rounds to 0% or 100% without being it is
    given as a count.

    Example:
        >>> import numpy as np
        >>> diverged_text(np.arange(300) == 299), diverged_text(np.arange(300) < 150), diverged_text(np.ones(3) > 0)
        ('1 of the 300 runs diverged.', '50% of the 300 runs diverged.', '100% of the 3 runs diverged.')
        >>> diverged_text(np.array([False]))
        'The run did not diverge.'
    """
    n, total = int(np.count_nonzero(diverged)), int(np.size(diverged))
    if total == 1:
        return "The run diverged." if n else "The run did not diverge."
    share = f"{n / total:.0%}"
    if share in ("0%", "100%") and 0 < n < total:
        share = f"{n:,}"
    return f"{share} of the {total:,} runs diverged."


def best_cell(grid: SweepGrid) -> tuple[int, int] | None:
    """The cell with the lowest final loss (ties: the earliest to stay within the tolerance), or None if all
    diverged."""
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


def tolerance_text(setup: Setup, obj: optim.Objective) -> str:
    """What "reached the tolerance" means here, for hovers: ``f − f* ≤ 1e-06``."""
    crit = setup.criterion_for(obj)
    return f"{'f − f*' if crit == 'loss_gap' else '|∇f|'} ≤ {setup.tol:g}" if crit in CRITERIA else "tolerance"


def second_label(name: str | None) -> str | None:
    """The y-axis setting's label, or None when the sweep varies the learning rate alone."""
    return None if name is None else label(name)

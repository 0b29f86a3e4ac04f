"""The Basin maps page's widgets and table: objective and grid in the sidebar, one column per optimizer.

Keys sit under the page prefix and are seeded from the page's state (``ui.state``), so a link
restores every widget; optimizer columns are keyed by position (1 to 4).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import optim
from optim.basins import default_radius, label_outcomes

from ..config_editor import config_editor
from ..model import OptConfig
from ..state import seed
from ..widgets import (
    help_text,
    log_options,
    number_box,
    objective_param_widgets,
    objective_title,
)
from .state import (
    BASIN_PARAMS,
    MAX_MAPS,
    MIN_MAPS,
    RESOLUTIONS,
    VIEWS,
    BasinState,
    basin_objectives,
    default_configs,
)


def settings_panel(prefix: str, current: BasinState) -> BasinState:
    """Objective (with several minima), start grid, steps and tolerance; returns the edited state."""
    names = basin_objectives()
    seed(f"{prefix}.objective", current.objective)
    name = st.selectbox("Function to map", names, key=f"{prefix}.objective", format_func=objective_title,
                        help="Functions with several known minima. Each start point of the grid is coloured by "
                             "the minimum its run reaches.")
    given = dict(current.objective_params) if name == current.objective else {}
    params = objective_param_widgets(name, given, f"{prefix}.objective")
    seed(f"{prefix}.maps", len(current.configs))
    maps = st.segmented_control("Optimizers side by side", list(range(MIN_MAPS, MAX_MAPS + 1)), key=f"{prefix}.maps",
                                required=True, help="How many basin maps to draw, each for its own optimizer.")
    with st.expander("Grid and run settings", expanded=True):
        p = BASIN_PARAMS["res"]
        seed(f"{prefix}.res", current.resolution)
        options = sorted(set(RESOLUTIONS) | {int(st.session_state[f"{prefix}.res"])})
        res = int(st.select_slider("Start points per axis", options=options, key=f"{prefix}.res",
                                   help=help_text(p) + f" Each map may hold at most {optim.MAX_RUN_STEPS:,} "
                                                       "run-steps (points x steps)."))
        p = BASIN_PARAMS["steps"]
        seed(f"{prefix}.steps", current.steps)
        steps = int(number_box("Steps per run", int(p.low), int(p.high), step=50, key=f"{prefix}.steps",
                               help=help_text(p)))
        p = BASIN_PARAMS["tol"]
        seed(f"{prefix}.tol", current.tol)
        tol = float(st.select_slider("Tolerance (gradient norm)",
                                     options=log_options(p.low, p.high, st.session_state[f"{prefix}.tol"]),
                                     key=f"{prefix}.tol", format_func=lambda v: f"{v:g}", help=help_text(p)))
    configs = list(current.configs)[: int(maps or MIN_MAPS)]
    spare = [c for c in default_configs() if c not in configs]
    while len(configs) < int(maps or MIN_MAPS):
        configs.append(spare.pop(0))
    return replace(current, objective=name, objective_params=tuple(params.items()), configs=tuple(configs),
                   resolution=res, steps=steps, tol=tol)


def config_editors(prefix: str, configs: tuple[OptConfig, ...]) -> tuple[OptConfig, ...]:
    """One editor per map's optimizer (name, flavor, settings), in the sidebar; returns the edited ones."""
    st.subheader("Optimizers")
    return tuple(config_editor(f"{prefix}.{i}", i + 1, base, expanded=i == 0,
                               help_text="The optimizer run from every start point.")
                 for i, base in enumerate(configs))


def view_picker(prefix: str, current: BasinState) -> str:
    seed(f"{prefix}.view", current.view)
    return st.segmented_control("Colour by", list(VIEWS), key=f"{prefix}.view", required=True,
                                format_func=lambda v: VIEWS[v].capitalize(),
                                help="Which minimum: one colour per minimum, grey for runs that ended nowhere "
                                     "near one, black for runs that diverged. Steps to converge: how many steps "
                                     "until the gradient norm fell to the tolerance.") or "basin"


def share_table(labels: list[str], maps: list[dict], minima) -> pd.DataFrame:
    """Per optimizer: the share of start points reaching each minimum, not converging and diverging."""
    rows = []
    many = len(minima) > 6
    for lab, m in zip(labels, maps, strict=True):
        share = m["share"]
        row = {"optimizer": lab}
        if many:
            g = [k for k, mm in enumerate(minima) if mm.is_global]
            row["global minimum"] = sum(share.get(k, 0.0) for k in g)
            row["a local minimum"] = sum(v for k, v in share.items() if k >= 0 and k not in g)
        else:
            for k, mm in enumerate(minima):
                row[f"{k + 1} · ({mm.x:.3g}, {mm.y:.3g})"] = share.get(k, 0.0)
        row["not converged"] = share.get(-1, 0.0)
        row["diverged"] = share.get(-2, 0.0)
        steps = np.asarray(m["steps"])
        done = steps[steps >= 0]
        row["median steps to converge"] = float(np.median(done)) if done.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def pick_lines(labels: list[str], runs: list[optim.Trajectory], obj: optim.Objective) -> list[str]:
    """Where each optimizer went from the picked start point: ``runs`` are its runs from that very point, one per
    map, labelled by the maps' rule (so the sentences hold for the point picked, also after the grid changed)."""
    lines = []
    for lab, t in zip(labels, runs, strict=True):
        k = int(label_outcomes(obj, t, default_radius(obj.domain)))  # the maps' own rule (over the whole domain)
        if k == optim.DIVERGED:
            where = ":red[diverged]"
        elif k < 0:
            where = "ended near no minimum"
        else:
            mm = obj.minima[k]
            where = f"reached minimum {k + 1} at ({mm.x:.3g}, {mm.y:.3g})"
            where += f" in {t.converged_at} steps" if t.converged_at >= 0 else ", but not within the tolerance"
        lines.append(f"**{lab}**: {where}.")
    return lines


SHARE_HEADERS = {"median steps to converge": {"label": "steps",
                                              "help": "Median steps to converge, over the runs that converged."}}
"""``st.dataframe``'s ``column_config`` for :func:`share_display`: a short header, its tooltip saying the rest, so
every column shows at 1280 px (the long name ran the table 98 px past its width)."""


def share_display(df: pd.DataFrame) -> pd.DataFrame:
    """The share table as text for people: percentages, and "never" for a missing median."""
    out = df.copy()
    for c in out.columns:
        if c == "optimizer":
            continue
        if c == "median steps to converge":
            out[c] = ["never" if pd.isna(v) else f"{v:.0f}" for v in out[c]]
        else:
            out[c] = [f"{v:.1%}" for v in out[c]]
    return out

"""Compare: up to six optimizer configurations on one function, with a leaderboard and a link."""

from __future__ import annotations

from functools import partial

import streamlit as st

import optim
from ui import state
from ui.compute import band_losses, objective_for, objective_grids, objective_levels, trajectory
from ui.config_editor import config_editor
from ui.live_chart import live_chart
from ui.model import MAX_CONFIGS, SEEDS, CompareState, OptConfig, Setup, describe, make_config
from ui.report import (
    LEADERBOARD_HEADERS,
    board_label,
    board_table,
    leaderboard,
    leaderboard_display,
    same_paths_sentence,
    trajectories_csv,
)
from ui.router import link_box, start_page
from ui.schedule.panel import draw_schedule, draw_used_rate, follows_losses
from ui.setup.panel import cells, objective_header, objective_panel, run_panel
from ui.state import page_key
from ui.urlstate import encode_compare
from ui.widgets import number_box
from viz import Series, loss_figure, palette, small_multiples
from viz.bands import Band, band_figure
from viz.multiples import PANEL_WIDTH
from viz.rates import rate_marks

current: CompareState
PAGE, current, message_slot = start_page(
    "compare",
    "Put up to six optimizer configurations side by side on one function: different "
    "optimizers, or the same one with other settings or another library's flavor. Set them up in the "
    "sidebar. The page address always holds the whole comparison, so the link below reopens it exactly."
)
UIDS = page_key(PAGE, "uids")
ss = st.session_state
if ss.get(page_key(PAGE, "uids_for")) is not state.loaded(PAGE):  # a new link: its configurations, numbered afresh
    ss[UIDS] = list(range(len(current.configs)))
    ss[page_key(PAGE, "uids_for")] = state.loaded(PAGE)


def _add() -> None:
    """Callback: a new configuration, copied from the last one so one setting can be changed."""
    latest: CompareState = state.current(PAGE)
    uids = ss[UIDS]
    if len(uids) >= MAX_CONFIGS:
        return
    copy = latest.configs[-1] if latest.configs else make_config("gd")
    state.update(PAGE, configs=latest.configs + (copy,))
    ss[UIDS] = uids + [max(uids, default=-1) + 1]


def _remove(uid: int) -> None:
    latest: CompareState = state.current(PAGE)
    uids = ss[UIDS]
    if uid not in uids or len(uids) <= 1:
        return
    i = uids.index(uid)
    state.update(PAGE, configs=latest.configs[:i] + latest.configs[i + 1:])
    ss[UIDS] = uids[:i] + uids[i + 1:]


# ---------------------------------------------------------------- sidebar: the set-up and the configurations
# The configurations sit in the sidebar, as the Playground's optimizers do, so the charts are the page: a change
# there redraws them in view (ui/config_editor.py).
with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = objective_for(setup)
    st.subheader("Configurations")
    config_area = st.container()  # the fragment below draws the configuration cards here
    setup = run_panel(PAGE, setup, obj)
    seeds = current.seeds
    if setup.noise > 0:  # noisy runs: K seeds per configuration, drawn as median and IQR bands
        state.seed(f"{PAGE}.seeds", current.seeds)
        seeds = int(number_box("Noise seeds (K) per configuration", int(SEEDS.low), int(SEEDS.high), step=5,
                               key=f"{PAGE}.seeds", help=SEEDS.help))

objective_header(obj, setup)


@st.fragment
def results(setup: Setup, obj: optim.Objective, seeds: int) -> None:
    """Everything a change of a configuration redraws: the configuration cards (in the sidebar, under their
    heading), their runs, the charts, the leaderboard, the link, the address and the link's messages.

    A fragment: a move in a card, adding or removing a configuration rerun this alone, not the heading, the
    function's and run settings' widgets and the header, which only the whole page's run changes (as the
    Playground's ``results``)."""
    colors = palette(MAX_CONFIGS)
    configs: list[OptConfig] = []
    rate_slots: list = []  # under each configuration's schedule: its learning rate by step
    uids = ss[UIDS]
    now: CompareState = state.current(PAGE)
    with config_area:
        for i, uid in enumerate(uids):
            base = now.configs[i] if i < len(now.configs) else make_config("gd")
            key = f"{PAGE}.{uid}"
            configs.append(config_editor(key, i + 1, base, expanded=i == 0,
                                         remove=partial(_remove, uid) if len(uids) > 1 else None,
                                         rate_slots=rate_slots, steps=now.setup.steps))
        st.button("Add configuration", on_click=_add, disabled=len(uids) >= MAX_CONFIGS, icon=":material/add:",
                  help=f"Adds a copy of the last configuration (at most {MAX_CONFIGS}).")
    for i, (cfg, slot, uid) in enumerate(zip(configs, rate_slots, uids, strict=True)):
        draw_schedule(slot, cfg, setup.steps, colors[i], f"{PAGE}.rate.{uid}")

    new_state = CompareState(setup, tuple(configs), seeds)
    state.commit(PAGE, new_state, encode_compare)

    # ---------------------------------------------------------------- results
    labels = [f"{i + 1}. {describe(c, tuple(configs))}" for i, c in enumerate(configs)]
    try:
        series = [Series(lab, colors[i], trajectory(c, setup))
                  for i, (lab, c) in enumerate(zip(labels, configs, strict=True))]
    except ValueError as e:
        st.error(f"Could not run this comparison: {e}")
        st.stop()
    for s, cfg, slot, uid in zip(series, configs, rate_slots, uids, strict=True):
        if follows_losses(cfg):
            draw_used_rate(slot, s.traj, s.color, f"{PAGE}.rate.{uid}")

    st.subheader("Paths")
    # One chart per configuration, each under its card's id: a change to one configuration redraws only its panel.
    panels = small_multiples(obj, series, grids=objective_grids(setup), levels=objective_levels(setup))
    for cell, fig, uid in zip(cells(len(panels), PANEL_WIDTH), panels, uids, strict=True):
        with cell:
            live_chart(fig, key=f"{PAGE}.paths.{uid}")
    st.subheader("Loss curves")
    if setup.noise > 0:
        bands = [Band(s.label, s.color, band_losses(c, setup, seeds)) for s, c in zip(series, configs, strict=True)]
        live_chart(band_figure(bands, f_min=obj.f_min, height=380, marks=rate_marks(series)), key=f"{PAGE}.losses")
        st.caption(f"Gradient noise {setup.noise:g}: each line is the median over {seeds} noise seeds, the shaded band "
                   "the 25th to 75th percentile. The paths and the leaderboard show one seed.")
    else:
        live_chart(loss_figure(series, f_min=obj.f_min, height=380), key=f"{PAGE}.losses")
    if same := same_paths_sentence([s.traj for s in series]):
        st.caption(same)
    st.subheader("Leaderboard")
    board = leaderboard(labels, [s.traj for s in series], setup)
    crit = "loss above the minimum" if setup.criterion_for(obj) == "loss_gap" else "gradient norm"
    heads = [f"{i + 1}. {describe(c)}" for i, c in enumerate(configs)]  # number, optimizer and flavor
    st.caption(f"Best final loss first. Converged: the step from which the {crit} stayed at most {setup.tol:g} to "
               "the end; within tolerance: when it first got there (earlier when it left again). Diverged runs are "
               "listed last with the step they blew up."
               + (" A long configuration name ends in “…” here; its panel's title has it whole."
                  if any(board_label(lab, head) != lab for lab, head in zip(labels, heads, strict=True)) else ""))
    st.dataframe(board_table(leaderboard_display(board, heads), board["config"], colors, "configuration"),
                 hide_index=True, width="stretch", column_config=LEADERBOARD_HEADERS)
    csv = partial(trajectories_csv, labels, [s.traj for s in series])
    st.download_button("Download the trajectories (CSV)", csv, file_name="descent-lab-comparison.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:")

    link_box("compare", new_state, "Link to this comparison",
             "Copy it with the button at its right; opening it shows exactly this comparison.")

    with message_slot:
        state.show_messages(PAGE)


results(setup, obj, seeds)

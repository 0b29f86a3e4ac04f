"""Tune: the same search budget for every optimizer, scored the same way, then a race on Compare."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from optim import OPTIMIZERS
from ui import state
from ui.compute import check_tuning, objective_for, tuning
from ui.live_chart import live_chart
from ui.model import effective_flavor
from ui.report import board_table
from ui.router import start_page
from ui.setup.panel import function_header, objective_panel
from ui.tune.panel import (
    LEADERBOARD_HEADERS,
    budget_panel,
    candidates_csv,
    candidates_table,
    chosen_settings,
    leaderboard,
    leaderboard_display,
    left_out_sentence,
)
from ui.tune.state import TuneState, encode_tune
from ui.urlstate import encode_compare
from ui.widgets import optimizer_title
from viz.tuning import TuningResult, tuning_figure

current: TuneState
PAGE, current, message_slot = start_page(
    "tune",
    "A fair comparison tunes every optimizer with the same budget: the same number of configurations "
    "over its learning rate and its second hyperparameter, run from the same random starts for the same "
    "number of steps, and scored the same way. The winners then race on the Compare page."
)

with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = objective_for(setup)
    new_state = budget_panel(PAGE, current, setup)
state.commit(PAGE, new_state, encode_tune)

setup = new_state.setup
gap = "f − f*" if obj.f_min is not None else "f"
function_header(f"**{obj.title}**. Each optimizer: {new_state.budget} configurations x {new_state.starts} random "
                f"starts x {setup.steps} steps. Score: the median final {gap} over the starts (lower is better); "
                "a configuration that diverges from half the starts or more scores ∞.", obj.latex)

if not new_state.names:
    st.info("Pick at least one optimizer in the sidebar.")
    st.stop()

colors = [OPTIMIZERS[n].color for n in new_state.names]  # each optimizer in its own colour, as elsewhere
results: dict[str, dict] = {}
try:
    check_tuning(new_state)
    for name in new_state.names:
        fl = effective_flavor(name, new_state.flavor)
        results[name] = dict(tuning(new_state, name, fl), flavor=fl)
except ValueError as e:
    st.error(f"Cannot run this tuning: {e} Use fewer optimizers, configurations, starts or steps.",
             icon=":material/error:")
    results = {}

if results:
    st.subheader("Tuned, side by side")
    board = leaderboard(new_state, results)
    st.caption("Best score first. Untuned: the score of the same optimizer with its library's default settings, "
               "on the same starts and steps: what tuning bought.")
    st.dataframe(board_table(leaderboard_display(board), board["config"], colors, "optimizer"), hide_index=True,
                 width="stretch", column_config=LEADERBOARD_HEADERS)
    left_out = left_out_sentence(new_state, results)
    if left_out:
        st.caption(left_out)
    race = new_state.race(chosen_settings(results))
    # One row that wraps: in two fixed columns both labels were cut short at 800 px.
    actions = st.container(horizontal=True, vertical_alignment="center")
    if race.configs:  # no empty race: the sentence above says why none is chosen
        actions.page_link("pages/compare.py", label="Race the tuned configurations on Compare",
                          icon=":material/sports_score:", query_params=encode_compare(race),
                          help=f"Opens Compare with each optimizer's chosen settings, from ({setup.x0:g}, "
                               f"{setup.y0:g}) for {setup.steps} steps.")
    actions.download_button("Download every candidate and its score (CSV)", partial(candidates_csv, new_state, results),
                            file_name="descent-lab-tuning.csv", mime="text/csv", on_click="ignore",
                            icon=":material/download:")
    views = []
    for i, name in enumerate(new_state.names):
        r = results[name]
        second = r["second"]
        views.append(TuningResult(
            optimizer_title(name), colors[i], np.array([c["lr"] for c in r["candidates"]]),
            np.array([c[second] for c in r["candidates"]]) if second else None, second, r["scores"],
            r["diverged_share"], r["best"], default=(r["default_lr"], r["default_score"])))
    live_chart(tuning_figure(views, score_label=f"median final {gap}"), key=f"{PAGE}.chart")
    st.caption("Stars: the chosen configurations. Open diamonds: each optimizer at its default settings. "
               "Crosses in the top strip diverged.")
    with st.expander(f"Every candidate ({len(new_state.names) * new_state.budget})"):
        st.dataframe(candidates_table(new_state, results), hide_index=True, width="stretch")
    st.caption(f"Every optimizer ran from the same {new_state.starts} random starts: " + ", ".join(
                   f"({x:.3g}, {y:.3g})" for x, y in results[new_state.names[0]]["starts"]) + ".")

with message_slot:
    state.show_messages(PAGE)

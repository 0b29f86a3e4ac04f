"""Sweep: one optimizer's outcome over a grid of learning rate x a second hyperparameter."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from ui import state
from ui.compute import objective_for
from ui.live_chart import chart_state, live_chart
from ui.manyruns import second_label, sweep_arrays, tolerance_text
from ui.panels import objective_header, objective_panel
from ui.router import ensure_routed
from ui.sweeppanel import best_cell, cell_lines, optimizer_panel, outcome_picker, run_settings, sweep_csv
from ui.sweepstate import SweepState, decode_sweep, default_sweep, encode_sweep
from ui.urlstate import encode_playground
from viz.sweepmap import SweepGrid, selected_cell, sweep_figure

PAGE = "sw"
CELL = f"{PAGE}.cell"
CHART = f"{PAGE}.heatmap"

ensure_routed()
st.title("Sweep")
st.caption("How does one optimizer behave across its settings? Every cell below is a full run with one "
           "learning rate (across) and one value of a second hyperparameter (up), all computed at once. "
           "Red cells diverged; the black staircase is the stability edge. Click a cell to open it in the "
           "Playground.")
message_slot = st.empty()

current: SweepState = state.load(PAGE, decode_sweep, default_sweep)
state.reset_button(PAGE, default_sweep)
ss = st.session_state


def _on_pick() -> None:
    """A click on the heatmap picks that cell."""
    cell = selected_cell(chart_state(CHART).get("click"))
    if cell is not None:
        ss[CELL] = cell


def _pick(cell) -> None:
    ss[CELL] = cell


with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = objective_for(setup)
    edited = optimizer_panel(PAGE, current)
    setup = run_settings(PAGE, setup, obj)

objective_header(obj, setup)
outcome = outcome_picker(PAGE, current)
new_state = replace(edited, setup=setup, outcome=outcome, cell=None)

# The picked cell belongs to one grid: a new grid (any setting but the colouring) forgets it.
grid_key = replace(new_state, outcome="final_loss")
if ss.get(f"{PAGE}.grid") not in (None, grid_key):
    ss[CELL] = None
ss[f"{PAGE}.grid"] = grid_key
state.seed(CELL, current.cell)
rows, cols = new_state.shape
cell = ss[CELL] if ss[CELL] is not None and ss[CELL][0] < rows and ss[CELL][1] < cols else None
new_state = replace(new_state, cell=cell)
state.commit(PAGE, new_state, encode_sweep)

try:
    arrays = sweep_arrays(new_state)
except ValueError as e:
    st.error(f"Cannot run this sweep: {e} Use fewer values per axis or fewer steps.", icon=":material/error:")
    arrays = None

if arrays is not None:
    grid = SweepGrid(arrays["lr"], arrays["second"], new_state.second, arrays["final_loss"], arrays["best_loss"],
                     arrays["converged_at"], arrays["diverged_at"], setup.steps, obj.f_min,
                     second_label(new_state.second), tolerance_text(setup, obj))
    # The map takes the full width; the cells' details sit under it, side by side where they fit.
    live_chart(sweep_figure(grid, outcome, selected=cell), key=CHART, events=["click"], on_click=_on_pick)
    details = st.container(horizontal=True, wrap=True, gap="large")
    picked, best_box = details.container(width=420), details.container(width=420)
    with picked:
        st.subheader("Picked cell")
        if cell is None:
            st.caption("Click a cell of the map to see how that run went and open it in the Playground.")
        else:
            for line in cell_lines(grid, new_state, *cell):
                st.markdown(line)
            st.page_link("pages/playground.py", label="Open this run in the Playground", icon=":material/explore:",
                         query_params=encode_playground(new_state.playground(*cell)))
    with best_box:
        best = best_cell(grid)
        st.subheader("Best cell")
        if best is None:
            st.markdown(":red[Every run diverged.] Try smaller learning rates.")
        else:
            for line in cell_lines(grid, new_state, *best):
                st.markdown(line)
            st.button("Pick the best cell", on_click=_pick, args=(best,), icon=":material/my_location:",
                      disabled=best == cell)
        diverged = float((grid.diverged_at >= 0).mean())
        st.caption(f"{diverged:.0%} of the {grid.shape[0] * grid.shape[1]:,} runs diverged.")
        st.download_button("Download the grid (CSV)", partial(sweep_csv, grid, new_state),
                           file_name="descent-lab-sweep.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:")

with message_slot:
    state.show_messages(PAGE)

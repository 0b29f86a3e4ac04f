"""Sweep: one optimizer's outcome over a grid of learning rate x a second hyperparameter, and zooms into its edge."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from ui import state
from ui.compute import objective_for, sweep_arrays
from ui.live_chart import chart_state, live_chart
from ui.router import start_page
from ui.setup.panel import objective_header, objective_panel
from ui.state import page_key
from ui.sweep.panel import (
    best_cell,
    cell_card,
    diverged_text,
    optimizer_panel,
    outcome_picker,
    run_settings,
    second_label,
    sweep_csv,
    tolerance_text,
    zoom_bar,
)
from ui.sweep.state import SweepState, encode_sweep
from ui.sweep.zoom import box_window, check_window
from ui.urlstate import encode_playground
from viz.sweepmap import SweepGrid, selected_cell, sweep_figure

current: SweepState
PAGE, current, message_slot = start_page(
    "sweep",
    "How does one optimizer behave across its settings? Every cell below is a full run with one "
    "learning rate (across) and one value of a second hyperparameter (up), all computed at once, up to "
    "512 x 512 runs. Red cells diverged. Drag a box on the map to zoom into it, or let the page zoom "
    "toward the edge; click a cell to open it in the Playground. With y's learning rate as the second axis "
    "(per-coordinate learning rates), the edge between training and divergence is fractal."
)
CELL = f"{PAGE}.cell"
CHART = f"{PAGE}.heatmap"
ZOOMS = page_key(PAGE, "zooms")  # box zooms answered so far: each resets the chart's view to the map it drew
ZOOM_NOTE = page_key(PAGE, "zoom_note")
ss = st.session_state


def _on_pick() -> None:
    """A click on the heatmap picks that cell."""
    shown = state.current(PAGE)
    cell = selected_cell(chart_state(CHART).get("click"), shown.shape)
    if cell is not None:
        ss[CELL] = cell


def _on_zoom() -> None:
    """A box dragged on the map: the map is recomputed inside it (or the page says why not)."""
    shown = state.current(PAGE)
    if not shown.can_zoom:
        return
    ss[ZOOMS] = ss.get(ZOOMS, 0) + 1
    window = box_window(shown.lr_values(), shown.second_values(), shown.second, chart_state(CHART).get("zoom"))
    if window is None:
        return
    try:
        check_window(window, shown.window, shown.second)
    except ValueError as e:
        ss[ZOOM_NOTE] = f"Cannot zoom into that box: {e}"
        return
    state.update(PAGE, zoom=(*shown.zoom, window), cell=None)


def _back(level: int) -> None:
    state.update(PAGE, zoom=state.current(PAGE).zoom[:level], cell=None)


def _toward(window: tuple) -> None:
    state.update(PAGE, zoom=(*state.current(PAGE).zoom, window), cell=None)


def _pick(cell) -> None:
    ss[CELL] = cell


with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = objective_for(setup)
    edited = optimizer_panel(PAGE, current)
    setup = run_settings(PAGE, setup, obj)

objective_header(obj, setup)
outcome = outcome_picker(PAGE, current)
# A zoom belongs to its root map: another second axis or other ranges start from the whole map again.
same_root = (edited.second, edited.root) == (current.second, current.root)
new_state = replace(edited, setup=setup, outcome=outcome, cell=None, zoom=current.zoom if same_root else ())
if not new_state.can_zoom:
    new_state = replace(new_state, zoom=())

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
                     second_label(new_state.second), tolerance_text(setup, obj), arrays["speed"])
    zoom_bar(new_state, arrays["toward"], _back, _toward)
    note = ss.pop(ZOOM_NOTE, None)
    if note:
        st.warning(note, icon=":material/zoom_in:")
    # The map takes the full width; the cells' details sit under it, side by side where they fit.
    live_chart(sweep_figure(grid, outcome, selected=cell, revision=str(ss.get(ZOOMS, 0))), key=CHART,
               events=["click", "zoom"] if new_state.can_zoom else ["click"], on_click=_on_pick, on_zoom=_on_zoom,
               config={"showTips": False})  # plotly's "double-click to zoom back out": the trail does that here
    details = st.container(horizontal=True, wrap=True, gap="large")
    picked, best_box = details.container(width=420), details.container(width=420)
    with picked:
        st.subheader("Picked cell")
        if cell is None:
            st.caption("Click a cell of the map to see how that run went and open it in the Playground.")
        else:
            cell_card(new_state, *cell)
            st.page_link("pages/playground.py", label="Open this run in the Playground", icon=":material/explore:",
                         query_params=encode_playground(new_state.playground(*cell)))
    with best_box:
        best = best_cell(grid)
        st.subheader("Best cell")
        if best is None:
            st.markdown(":red[Every run diverged.] Try smaller learning rates.")
        else:
            cell_card(new_state, *best)
            st.button("Pick the best cell", on_click=_pick, args=(best,), icon=":material/my_location:",
                      disabled=best == cell)
        st.caption(diverged_text(grid.diverged_at >= 0))
        st.download_button("Download the grid (CSV)", partial(sweep_csv, grid, new_state),
                           file_name="descent-lab-sweep.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:")

with message_slot:
    state.show_messages(PAGE)

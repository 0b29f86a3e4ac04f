"""Basin maps: from every start point of a grid, which minimum does each optimizer reach?"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ui import state
from ui.basins.panel import (
    SHARE_HEADERS,
    config_editors,
    pick_lines,
    settings_panel,
    share_display,
    share_table,
    view_picker,
)
from ui.basins.state import BasinState, encode_basins
from ui.compute import basin_map, check_basins, trajectory
from ui.live_chart import chart_state, live_chart
from ui.model import CompareState, describe
from ui.report import board_label
from ui.router import start_page
from ui.setup.panel import function_header
from ui.urlstate import encode_compare
from viz.basinmap import BasinPanel, basin_figure

current: BasinState
PAGE, current, message_slot = start_page(
    "basins",
    "On a function with several minima, where a run ends depends on where it starts, and each "
    "optimizer carves up the plane its own way. Every pixel below is one run from that start point, "
    "coloured by the minimum it reached (stars mark the minima); grey runs ended nowhere near one, "
    "black ones diverged. Click a pixel to see where each optimizer went from that start."
)
CHART = f"{PAGE}.chart"


def _on_pick() -> None:
    """A click on a map picks that start point (on every map)."""
    click = chart_state(CHART).get("click")
    try:
        x, y = float(click["x"]), float(click["y"])
    except (KeyError, TypeError, ValueError):
        return
    state.update(PAGE, pick=(x, y))


with st.sidebar:
    edited = settings_panel(PAGE, current)
    configs = config_editors(PAGE, edited.configs)

obj = edited.build_objective()
n = edited.resolution
function_header(f"**{obj.title}**: {len(obj.minima)} known minima. Each map is {n} x {n} = {n * n:,} runs of "
                f"{edited.steps} steps over x in [{obj.domain[0][0]:g}, {obj.domain[0][1]:g}], "
                f"y in [{obj.domain[1][0]:g}, {obj.domain[1][1]:g}].", obj.latex)
view = view_picker(PAGE, current)
new_state = replace(edited, configs=configs, view=view, pick=current.pick if edited.objective == current.objective
                    else None)
state.commit(PAGE, new_state, encode_basins)

labels = [f"{i + 1}. {describe(c, configs)}" for i, c in enumerate(configs)]
try:
    check_basins(new_state)
    maps = [basin_map(new_state, c) for c in configs]
except ValueError as e:
    st.error(f"Cannot draw these maps: {e} Use fewer start points per axis or fewer steps.", icon=":material/error:")
    maps = None

if maps is not None:
    panels = [BasinPanel(lab, m["labels"], m["steps"]) for lab, m in zip(labels, maps, strict=True)]
    fig = basin_figure(panels, maps[0]["xs"], maps[0]["ys"], obj.minima, view=view, max_steps=new_state.steps,
                       height=560 if len(panels) <= 2 else 440, pick=new_state.pick)
    live_chart(fig, key=CHART, events=["click"], on_click=_on_pick)
    if new_state.pick is not None:
        setup = new_state.pick_setup()
        st.subheader(f"From the start point ({setup.x0:.3g}, {setup.y0:.3g})")
        for line in pick_lines(labels, [trajectory(c, setup) for c in configs], obj):
            st.markdown(line)
        st.page_link("pages/compare.py", label="Open these runs on Compare", icon=":material/compare_arrows:",
                     query_params=encode_compare(CompareState(setup, tuple(configs))))
    st.subheader("Where the runs ended")
    names = [board_label(lab, f"{i + 1}. {describe(c)}")
             for i, (lab, c) in enumerate(zip(labels, configs, strict=True))]
    st.caption("Share of start points reaching each minimum; steps: the median steps to converge, over the runs "
               f"that converged (gradient norm ≤ {new_state.tol:g})."
               + (" A long optimizer name ends in “…” here; its map's title has it whole." if names != labels else ""))
    st.dataframe(share_display(share_table(names, maps, obj.minima)), hide_index=True, width="stretch",
                 column_config=SHARE_HEADERS)

with message_slot:
    state.show_messages(PAGE)

"""Playground: a few optimizers on one function, drawn three ways, with one step control."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import optim
from ui import state
from ui.compute import trajectory
from ui.model import (
    MAX_CONFIGS,
    RUN_PARAMS,
    OptConfig,
    PlaygroundState,
    default_playground,
    effective_flavor,
    make_config,
)
from ui.model import with_flavor as in_flavor
from ui.panels import objective_header, objective_panel, run_panel
from ui.report import fmt_loss, fmt_point, status, trajectories_csv
from ui.router import ensure_routed
from ui.urlstate import decode_playground, encode_playground
from ui.widgets import FLAVOR_HELP, FLAVOR_TITLES, hyperparameter_widgets, optimizer_title
from viz import Series, clicked_point, contour_figure, loss_figure, palette, surface_figure

PAGE = "pg"
COLORS = dict(zip(optim.OPTIMIZERS, palette(len(optim.OPTIMIZERS)), strict=True))
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

ensure_routed()
st.title("Playground")
st.caption("Watch gradient-based optimizers walk downhill on a 2-D function. Choose the function, "
           "start point and optimizers in the sidebar, drag **Step** to move every marker at once, "
           "and click the contour map to start from another point.")
message_slot = st.empty()

current: PlaygroundState = state.load(PAGE, decode_playground, default_playground)

# ---------------------------------------------------------------- sidebar: what to run
with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = optim.get_objective(setup.objective, **dict(setup.objective_params))
    state.seed(f"{PAGE}.flavor", current.flavor)
    flavor = st.segmented_control("Flavor", list(optim.FLAVORS), key=f"{PAGE}.flavor", required=True,
                                  format_func=FLAVOR_TITLES.get, help=FLAVOR_HELP) or "textbook"
    state.seed(f"{PAGE}.optimizers", [c.name for c in current.optimizers])
    names = st.multiselect("Optimizers", list(optim.OPTIMIZERS), key=f"{PAGE}.optimizers",
                           format_func=optimizer_title, max_selections=MAX_CONFIGS,
                           help=f"Up to {MAX_CONFIGS}, each drawn in its own colour. Their settings "
                                "are in the boxes below.")
    known = {c.name: c for c in current.optimizers}
    configs: list[OptConfig] = []
    for i, name in enumerate(names):
        fl = effective_flavor(name, flavor)
        base = in_flavor(known[name], fl) if name in known else make_config(name, fl)
        spec = optim.OPTIMIZERS[name]
        with st.expander(f"{spec.title} settings", expanded=i < 2):
            st.caption(spec.summary)
            if fl != flavor:
                st.caption(f"{spec.title} has no {FLAVOR_TITLES[flavor]} flavor here; using textbook.")
            configs.append(hyperparameter_widgets(base, f"{PAGE}.opt.{name}"))
    setup = run_panel(PAGE, setup, obj)

objective_header(obj, setup)

# ---------------------------------------------------------------- compute
series: list[Series] = []
try:
    for cfg in configs:
        series.append(Series(optimizer_title(cfg.name), COLORS[cfg.name], trajectory(cfg, setup)))
except ValueError as e:
    st.error(f"Could not run this configuration: {e}")
    st.stop()


def _on_contour_click() -> None:
    """A click on the contour map moves the start point there (then the whole page reruns)."""
    point = clicked_point(st.session_state.get(f"{PAGE}.contour"), grid_only=False)
    if point is None:
        return
    lo, hi = RUN_PARAMS["x0"].low, RUN_PARAMS["x0"].high
    x, y = (min(max(round(v, 4), lo), hi) for v in point)
    st.session_state[f"{PAGE}.x0"], st.session_state[f"{PAGE}.y0"] = x, y
    st.session_state[f"_{PAGE}.clicked"] = True


@st.fragment
def charts(objective: optim.Objective, series: list[Series], steps: int) -> None:
    """Step slider and the three linked charts; moving the slider reruns only this part."""
    ss = st.session_state
    if ss.pop(f"_{PAGE}.clicked", False):
        st.rerun()  # the start point changed: recompute every path
    key, last = f"{PAGE}.step", ss.get(f"_{PAGE}.step_max")
    if key not in ss:
        shown = ss[f"_{PAGE}.state"].step
        ss[key] = steps if shown is None else shown
    elif last is not None and last != steps and ss[key] == last:
        ss[key] = steps  # it showed the last step: keep showing the last step
    ss[key] = min(int(ss[key]), steps)
    ss[f"_{PAGE}.step_max"] = steps
    step = st.slider("Step", 0, steps, key=key,
                     help="Moves the marker of every optimizer, on every chart, to this step.")
    left, middle, right = st.columns(3)
    with left:
        st.plotly_chart(contour_figure(objective, series, step), key=f"{PAGE}.contour",
                        on_select=_on_contour_click, selection_mode="points", config=CHART_CONFIG)
    with middle:
        st.plotly_chart(surface_figure(objective, series, step), config=CHART_CONFIG)
    with right:
        st.plotly_chart(loss_figure(series, step, f_min=objective.f_min), config=CHART_CONFIG)
    latest = ss.get(f"_{PAGE}.state")
    if latest is not None:
        state.commit(PAGE, replace(latest, step=None if step == steps else step), encode_playground)


if series:
    charts(obj, series, setup.steps)
else:
    st.info("Pick at least one optimizer in the sidebar.")

step_value = st.session_state.get(f"{PAGE}.step")
new_state = PlaygroundState(setup, flavor, tuple(configs),
                            None if step_value is None or step_value == setup.steps else int(step_value))
state.commit(PAGE, new_state, encode_playground)

# ---------------------------------------------------------------- results
if series:
    st.subheader("Where each optimizer ended")
    for col, s in zip(st.columns(len(series)), series, strict=True):
        t = s.traj
        with col.container(border=True):
            st.markdown(f"**{s.label}** · {t.optimizer.flavor}")
            st.markdown(f"Final point {fmt_point(t.final_x)}  \nFinal loss {fmt_loss(t.final_loss)}")
            text = status(t, setup)
            color = "red" if t.diverged_at >= 0 else "green" if text.startswith("Converged") else "orange"
            st.markdown(f":{color}[{text}]")
    labels = [s.label for s in series]
    st.download_button("Download the trajectories (CSV)", trajectories_csv(labels, [s.traj for s in series]),
                       file_name="descent-lab-trajectories.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:")

with message_slot:
    state.show_messages(PAGE)

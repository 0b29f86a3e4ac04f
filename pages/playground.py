"""Playground: a few optimizers on one function, drawn three ways, with one step control."""

from __future__ import annotations

from functools import partial

import streamlit as st

import optim
from ui import state
from ui.compute import objective_for, objective_grids, objective_levels, trajectory
from ui.live_chart import chart_state, live_chart
from ui.model import (
    MAX_CONFIGS,
    RUN_PARAMS,
    OptConfig,
    PlaygroundState,
    Setup,
    effective_flavor,
    make_config,
)
from ui.model import with_flavor as in_flavor
from ui.playground.outcome import barely_moved, why_it_left
from ui.report import (
    evaluations_note,
    fmt_loss,
    fmt_point,
    schedule_note,
    settings_note,
    status_markdown,
    trajectories_csv,
)
from ui.router import start_page
from ui.schedule.panel import draw_schedule, draw_used_rate, follows_losses, schedule_editor
from ui.setup.panel import CARD_WIDTH, cells, objective_header, objective_panel, run_panel
from ui.state import page_key
from ui.update_rules import update_rules_popover
from ui.urlstate import encode_playground
from ui.widgets import (
    FLAVOR_HELP,
    FLAVOR_TITLES,
    hyperparameter_widgets,
    optimizer_title,
    set_hyperparameter_widgets,
    tidy_selection,
)
from viz import Series
from viz.linked import linked_figure
from viz.start_clicks import clicked_start, start_clicks

current: PlaygroundState
PAGE, current, message_slot = start_page(
    "playground",
    "Watch gradient-based optimizers walk downhill on a 2-D function. Choose the function, "
    "start point and optimizers in the sidebar, press **Play** or drag the **Step** slider above the "
    "charts to move every marker at once, and click the contour map to start from another point."
)
CHART = f"{PAGE}.charts"
WHOLE_PAGE = page_key(PAGE, "whole_page")  # set by a contour click: the start point is drawn outside the fragment
st.session_state.pop(WHOLE_PAGE, None)  # this is the whole page's run

def _on_flavor() -> None:
    """A new flavor brings each library's defaults for every setting the person has not changed on purpose."""
    new = st.session_state[f"{PAGE}.flavor"] or "textbook"
    for cfg in state.current(PAGE).optimizers:
        set_hyperparameter_widgets(in_flavor(cfg, effective_flavor(cfg.name, new)), f"{PAGE}.opt.{cfg.name}")


# ---------------------------------------------------------------- sidebar: what to run
with st.sidebar:
    setup = objective_panel(PAGE, current.setup)
    obj = objective_for(setup)
    state.seed(f"{PAGE}.flavor", current.flavor)
    flavor = st.segmented_control("Flavor", list(optim.FLAVORS), key=f"{PAGE}.flavor", required=True,
                                  format_func=FLAVOR_TITLES.get, help=FLAVOR_HELP, on_change=_on_flavor) or "textbook"
    state.seed(f"{PAGE}.optimizers", [c.name for c in current.optimizers])
    names = st.multiselect("Optimizers", list(optim.OPTIMIZERS), key=f"{PAGE}.optimizers",
                           format_func=optimizer_title, max_selections=MAX_CONFIGS,
                           on_change=tidy_selection, args=(f"{PAGE}.optimizers", MAX_CONFIGS),
                           help=f"Up to {MAX_CONFIGS}, each drawn in its own colour. Their settings "
                                "are in the boxes below.")
    optimizer_area = st.container()  # the fragment below draws each optimizer's settings here
    setup = run_panel(PAGE, setup, obj)

objective_header(obj, setup)


def _on_contour_click() -> None:
    """A click on the contour map moves the start point there (then the whole page reruns: the start's boxes and
    the header are outside the fragment the chart is in)."""
    ss = st.session_state
    target = ss.get(page_key(PAGE, "start_clicks"))
    point = None if target is None else clicked_start(chart_state(CHART).get("click"), target)
    if point is None:
        return
    lo, hi = RUN_PARAMS["x0"].low, RUN_PARAMS["x0"].high
    x, y = (min(max(v, lo), hi) for v in point)
    ss[f"{PAGE}.x0"], ss[f"{PAGE}.y0"] = x, y
    ss[WHOLE_PAGE] = True


def _set_lr(name: str, lr: float) -> None:
    """Callback: a learning rate that moves a run that barely moved; the optimizer's settings open to show it."""
    st.session_state[f"{PAGE}.opt.{name}.lr"] = lr
    st.session_state[page_key(PAGE, f"open.{name}")] = True


def _on_step() -> None:
    """The person left the step control at a step: keep it (and so the link) until they move it again."""
    state.update(PAGE, step=chart_state(CHART).get("step"))


@st.fragment
def results(setup: Setup, obj: optim.Objective, flavor: str, names: list[str]) -> None:
    """Everything a change of an optimizer's settings redraws: the optimizers' settings (in the sidebar, under
    the optimizer list), their runs, the figure, the result cards, the address and the link's messages.

    A fragment: a learning-rate move, the step control and the cards' buttons rerun this alone, not the title,
    the function's and run settings' widgets and the header, which only the whole page's run changes (the
    function, the flavor, the list of optimizers, the run settings). A run of this alone takes about an eighth
    less of the server's time than the whole page's for a learning-rate move (measured: README, Performance).
    """
    if st.session_state.pop(WHOLE_PAGE, False):
        st.rerun()  # a contour click moved the start point: the whole page shows it
    now: PlaygroundState = state.current(PAGE)
    known = {c.name: c for c in now.optimizers}
    with optimizer_area:
        configs: list[OptConfig] = []
        rate_slots = []  # under each optimizer's schedule: its learning rate by step, drawn once the steps are known
        for i, name in enumerate(names):
            fl = effective_flavor(name, flavor)
            base = in_flavor(known[name], fl) if name in known else make_config(name, fl)
            spec = optim.OPTIMIZERS[name]
            # A closed expander draws no widgets (opening it reruns this): the optimizer runs as the page
            # last ran it, and a slider move does not pay for the settings nobody is looking at. Its title never
            # changes, so unlike a configuration card (``ui.setup.panel.settings_expander``) it needs no help to
            # stay as the person left it.
            with st.expander(f"{spec.title} settings", expanded=i < 2, key=page_key(PAGE, f"open.{name}"),
                             on_change="rerun") as settings:
                cfg, slot = base, None
                if settings.open:
                    st.caption(spec.summary)
                    if fl != flavor:
                        st.caption(f"{spec.title} has no {FLAVOR_TITLES[flavor]} flavor here; "
                                   f"using {FLAVOR_TITLES[fl]}.")
                    cfg, slot = schedule_editor(hyperparameter_widgets(base, f"{PAGE}.opt.{name}"),
                                                f"{PAGE}.opt.{name}", now.setup.steps)
                    update_rules_popover(cfg, key=page_key(PAGE, f"rule.{name}"))
                configs.append(cfg)
                rate_slots.append(slot)
    for cfg, slot in zip(configs, rate_slots, strict=True):
        draw_schedule(slot, cfg, setup.steps, optim.OPTIMIZERS[cfg.name].color, f"{PAGE}.rate.{cfg.name}")

    # ---------------------------------------------------------------- compute
    series: list[Series] = []
    try:
        for cfg in configs:
            series.append(Series(optimizer_title(cfg.name), optim.OPTIMIZERS[cfg.name].color, trajectory(cfg, setup)))
    except ValueError as e:
        st.error(f"Could not run this configuration: {e}")
        st.stop()
    for s, cfg, slot in zip(series, configs, rate_slots, strict=True):
        if follows_losses(cfg):
            draw_used_rate(slot, s.traj, s.color, f"{PAGE}.rate.{cfg.name}")

    # The step on show: a link's ``step=`` opens the figure there; the step control above the figure then
    # moves the markers in the browser, and tells the page where it stopped (``step=`` in the address).
    step = now.step if now.step is not None and now.step < setup.steps else None
    if series:
        fig = linked_figure(obj, series, step, steps=setup.steps, grids=objective_grids(setup),
                            levels=objective_levels(setup), revision=f"pg:{setup.objective_key}")
        st.session_state[page_key(PAGE, "start_clicks")] = start_clicks(fig)
        live_chart(fig, key=CHART, events=["click"], on_click=_on_contour_click, on_step=_on_step)
    else:
        st.info("Pick at least one optimizer in the sidebar.")

    state.commit(PAGE, PlaygroundState(setup, flavor, tuple(configs), step), encode_playground)

    # ---------------------------------------------------------------- results
    if series:
        st.subheader("Where each optimizer ended")
        # Two elements a card (Streamlit's cost is per element, on the server and in the browser): what the run
        # did, then its small print (the settings it ran with, notes, why it left, a hint when it barely moved).
        for card, s, cfg in zip(cells(len(series), CARD_WIDTH, border=True), series, configs, strict=True):
            t = s.traj
            slow = barely_moved(t)
            small = (settings_note(cfg), schedule_note(cfg), evaluations_note(t), *optim.notes(t),
                     why_it_left(t, setup), slow[0] if slow else None)
            with card:
                st.markdown(f"**{s.label}** · {t.optimizer.flavor}  \nFinal point {fmt_point(t.final_x)}  \n"
                            f"Final loss {fmt_loss(t.final_loss)}  \n{status_markdown(t, setup)}")
                st.caption("  \n".join(filter(None, small)))
                if slow and slow[1] is not None:
                    st.button(f"Try lr = {slow[1]:g}", key=page_key(PAGE, f"faster.{cfg.name}"), on_click=_set_lr,
                              args=(cfg.name, slow[1]), icon=":material/speed:",
                              help="Sets this optimizer's learning rate; the library's default stays in its help "
                                   "text.")
        csv = partial(trajectories_csv, [s.label for s in series], [s.traj for s in series])
        st.download_button("Download the trajectories (CSV)", csv, file_name="descent-lab-trajectories.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")

    with message_slot:
        state.show_messages(PAGE)


results(setup, obj, flavor, names)

"""A configuration's learning-rate schedule in the sidebar: a picker, its parameters, and its rate by step.

The picker lists every schedule in ``optim.SCHEDULES``; the parameters are widgets generated from the
schedule's spec for the configuration's optimizer and flavor, with their ranges (:func:`ui.widgets.param_widget`).
Where the flavor's library has no such schedule the spec's sentence says so and the configuration runs at
a constant rate. Under the widgets sits a small chart of the learning rate at every step: worked out
ahead for the schedules that depend on the step alone (:func:`ui.schedule.model.schedule_curve`), and, for
reduce-on-plateau, which follows the losses, the rate the run actually used (``Trajectory.lr``), drawn
once the run is computed. Widget keys: ``{key}.schedule`` and ``{key}.schedule.{schedule}.{param}``, so
each schedule keeps its own values while the person tries another.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import optim
from viz.rates import rate_figure

from ..live_chart import live_chart
from ..model import OptConfig
from ..state import seed
from ..widgets import param_widget
from .model import CONSTANT, ScheduleConfig, make_schedule_config, schedule_curve, schedule_missing, schedule_params

SCHEDULE_HELP = ("How the learning rate changes from step to step, as the flavor's library schedules it (PyTorch's "
                 "lr_scheduler stepped after every step, Keras's and Optax's schedules). Constant keeps the "
                 "learning rate above.")
MOMENTA = ("momentum", "beta1")
"""What a one-cycle schedule may cycle against the rate; its chart draws it too."""
MULTIPLY = frozenset({"step", "exponential", "reduce_on_plateau"})
"""Schedules that multiply the rate by a factor: their chart has a log axis, where each drop is as tall as the last.
The others (cosines, warm-up, one cycle, straight lines) keep a linear axis and the shape people know them by."""


def schedule_title(name: str) -> str:
    return optim.SCHEDULES[name].title


def schedule_editor(cfg: OptConfig, key: str, steps: int | None = None) -> tuple[OptConfig, DeltaGenerator]:
    """The schedule picker and its parameters, keyed under ``key``; returns the edited configuration and an
    empty slot under the widgets for its rate chart (:func:`draw_schedule`).

    ``steps``, the run's length as the page last ran it, is where a newly picked one-cycle schedule ends
    (``total_steps``): torch's refuses to run past it.
    """
    ss = st.session_state
    picker = f"{key}.schedule"
    seed(picker, cfg.schedule.name)
    if ss[picker] not in optim.SCHEDULES:  # a forged value names nothing
        ss[picker] = "constant"
    name = st.selectbox("Learning-rate schedule", list(optim.SCHEDULES), key=picker, format_func=schedule_title,
                        help=SCHEDULE_HELP)
    if name == "constant":
        return replace(cfg, schedule=CONSTANT), st.empty()
    missing = schedule_missing(name, cfg.flavor)
    if missing:
        st.caption(f":orange[{missing}] This configuration runs at a constant learning rate.")
        return replace(cfg, schedule=CONSTANT), st.empty()
    st.caption(optim.SCHEDULES[name].summary)
    fit = {"total_steps": steps} if steps else {}
    given = cfg.schedule if cfg.schedule.name == name else make_schedule_config(name, cfg.name, cfg.flavor, **fit)
    values = {pname: param_widget(p, f"{picker}.{name}.{pname}", given.get(pname, p.default))
              for pname, p in schedule_params(name, cfg.name, cfg.flavor).items()}
    return replace(cfg, schedule=ScheduleConfig(name, tuple(values.items()))), st.empty()


def follows_losses(cfg: OptConfig) -> bool:
    """Whether ``cfg``'s schedule depends on the run's losses (reduce on plateau): its chart needs the run."""
    return not cfg.schedule.constant and optim.SCHEDULES[cfg.schedule.name].uses_loss


def draw_schedule(slot: DeltaGenerator | None, cfg: OptConfig, steps: int, color: str, key: str) -> None:
    """Into ``slot``: ``cfg``'s learning rate at each of ``steps`` steps, worked out ahead, and the momentum or
    beta1 a one-cycle schedule cycles. Nothing for a constant rate or a schedule that follows the losses
    (:func:`draw_used_rate` draws that one), nor for settings the run refuses (the page says why), nor without
    a slot (the configuration's settings are closed)."""
    if slot is None:
        return
    try:
        curve = schedule_curve(cfg, steps)
    except ValueError:
        return
    if curve is None:
        return
    cycled = next(((n, curve[n]) for n in MOMENTA if n in curve), None)
    with slot:
        live_chart(_figure(curve["lr"], color, cycled, cfg.schedule.title,
                           cfg.schedule.name in MULTIPLY), key=key)


def draw_used_rate(slot: DeltaGenerator | None, traj: optim.Trajectory, color: str, key: str) -> None:
    """Into ``slot``: the learning rate a run actually used at each step (reduce on plateau's reductions);
    nothing without a slot (the configuration's settings are closed)."""
    if slot is None:
        return
    with slot:
        live_chart(_figure(traj.lr, color, None, "The rate the run used", True), key=key)


def _figure(lr, color, cycled, title, log):
    return rate_figure(lr, color, cycled=cycled, title=title, uirevision=title, log=log)

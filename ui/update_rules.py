"""An optimizer's update equations on the page, rendered from the core's own definitions.

``optim.latex`` writes each optimizer, flavor and setting as LaTeX from the same equations the
core's tests run numerically against its update rules (tests/test_equations.py), so the formula
a person reads is the one that was computed. Used by the Inside RMSprop page (a block per
optimizer) and the Playground (a small popover in each optimizer's settings).
"""

from __future__ import annotations

import streamlit as st

import optim

from .model import OptConfig
from .schedule.model import ScheduleConfig, build_optimizer


def _fmt(v) -> str:
    return ("on" if v else "off") if isinstance(v, bool) else f"{v:g}"


@st.cache_data(max_entries=256, show_spinner=False)
def _equations(name: str, flavor: str, hp: tuple) -> tuple[list[str], list[str]] | str:
    """LaTeX lines and notes for one configuration (cached: a rerun redraws them without rebuilding),
    or the sentence saying why there are none."""
    try:
        opt = optim.make_optimizer(name, flavor, **dict(hp))
        return list(optim.latex(opt)), list(optim.equations(opt).notes)
    except ValueError as e:
        return str(e)


@st.cache_data(max_entries=256, show_spinner=False)
def _schedule(name: str, flavor: str, hp: tuple, schedule: tuple) -> tuple[list[str], str] | None:
    """The schedule's LaTeX lines (``optim.schedule_formula``) and the library code it follows; None without one."""
    try:
        opt = build_optimizer(OptConfig(name, flavor, hp, ScheduleConfig(*schedule)))
    except ValueError:
        return None
    if opt.schedule is None:
        return None
    lines = optim.schedule_formula(opt.schedule).latex().split(r",\quad ")
    return lines, opt.schedule.spec.flavors[flavor].follows


def _align(line: str) -> str:
    """One equation aligned on its first equals sign (one LaTeX block for all lines: one element, not many)."""
    return line.replace(" = ", " &= ", 1)


def update_rules(cfg: OptConfig, *, title: str | None = None, settings: bool = True) -> None:
    """The configuration's update equations, aligned in one ``st.latex`` block, then its initial values, and
    under a schedule the learning rate's formula at step k (``optim.schedule_formula``) and the library code
    it follows.

    A setting the core refuses gets one sentence instead of equations.
    """
    found = _equations(cfg.name, cfg.flavor, cfg.hp)
    if isinstance(found, str):
        st.warning(f"No equations for this setting: {found}")
        return
    lines, notes = found
    if title:
        st.markdown(f"**{title}**")
    st.latex("\\begin{aligned}\n" + " \\\\\n".join(_align(line) for line in lines) + "\n\\end{aligned}")
    text = " ".join(notes)
    if settings:
        text += " Settings: " + ", ".join(f"{n} = {_fmt(v)}" for n, v in cfg.hp) + "."
    st.caption(text)
    schedule = _schedule(cfg.name, cfg.flavor, cfg.hp, (cfg.schedule.name, cfg.schedule.params))
    if schedule is not None:
        lines, follows = schedule
        st.latex("\\begin{aligned}\n" + " \\\\\n".join(_align(line) for line in lines) + "\n\\end{aligned}")
        st.caption(f"The learning rate η at step k: {cfg.schedule.title.lower()}, as {follows}.")


def update_rules_popover(cfg: OptConfig, key: str) -> None:
    """A small "Update rule" button opening ``cfg``'s equations (fits inside a settings expander).

    The equations are written only while the popover is open (opening it reruns the page): a page with
    several optimizers would otherwise build and send every one's LaTeX on each slider move.
    """
    popover = st.popover("Update rule", icon=":material/function:", key=key, on_change="rerun",
                         help="The update equations for these settings, written from the same definitions the "
                              "computation uses.")
    with popover:
        if popover.open:
            update_rules(cfg, settings=False)

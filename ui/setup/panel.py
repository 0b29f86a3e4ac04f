"""The set-up in the sidebar, and the page layout pieces every page shares.

The objective (with the formula box when a person writes their own), the start point and the run
settings (steps, noise, tolerance), for the Playground, Compare, Sweep, Tune and Inside pages; the
function header over a page; rows of fixed-width cells for charts and cards. Keys are prefixed per page
(``pg.``, ``cmp.``, ...: ``ui.router.PAGES``) so each page keeps its own choices.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import optim

from ..model import CRITERIA, INT_PARAMS, RUN_PARAMS, Setup
from ..state import page_key, seed
from ..widgets import help_text, log_options, number_box, objective_param_widgets, objective_title
from .formula import CUSTOM, CUSTOM_TITLE, broken_formula, plain
from .formula_panel import formula_panel, start_for

OBJECTIVE_HELP = ("The 2-D function the optimizers minimize. Its formula is shown below the list. "
                  f"Choose “{CUSTOM_TITLE}” (last in the list) to type your own.")
OBJECTIVE_NAMES = [*optim.OBJECTIVES, CUSTOM]
START_HELP = "Where every optimizer starts. Tip: click the contour map to start from there."


def _title(name: str) -> str:
    return CUSTOM_TITLE if name == CUSTOM else objective_title(name)


def _reset_start(prefix: str, setup: Setup) -> None:
    """Callback: a new objective starts from its own default point.

    Callbacks run before the selectbox checks its value, so a crafted message naming no function
    reaches this one; the selectbox then puts back its first function and the start point stays.
    """
    name = st.session_state[f"{prefix}.objective"]
    if name not in OBJECTIVE_NAMES:
        return
    x0, y0 = start_for(prefix, setup) if name == CUSTOM else optim.OBJECTIVES[name].start
    st.session_state[f"{prefix}.x0"] = float(x0)
    st.session_state[f"{prefix}.y0"] = float(y0)


def objective_panel(prefix: str, setup: Setup) -> Setup:
    """Objective picker, its parameters and the start point; returns the edited set-up."""
    seed(f"{prefix}.objective", CUSTOM if setup.draft is not None else setup.objective)
    name = st.selectbox("Function to minimize", OBJECTIVE_NAMES, key=f"{prefix}.objective",
                        format_func=_title, help=OBJECTIVE_HELP,
                        on_change=_reset_start, args=(prefix, setup))
    if name == CUSTOM:  # the person's own formula (or, while it cannot be used, the last function that worked)
        setup = formula_panel(prefix, setup)
        params, (x0, y0) = dict(setup.objective_params), setup.start
    else:
        given = dict(setup.objective_params) if name == setup.objective else {}
        params = objective_param_widgets(name, given, f"{prefix}.objective")
        obj = optim.get_objective(name, **params)
        if name == setup.objective:
            x0, y0 = setup.x0, setup.y0
        else:
            x0, y0 = obj.start
        formula, domain = setup.draft or (setup.formula, setup.domain)  # the box's text, kept for later
        setup = replace(setup, objective=name, formula=formula, domain=domain, draft=None)
    seed(f"{prefix}.x0", float(x0))
    seed(f"{prefix}.y0", float(y0))
    cx, cy = st.columns(2)
    lo, hi = RUN_PARAMS["x0"].low, RUN_PARAMS["x0"].high
    x0 = number_box("Start x", lo, hi, step=0.1, format="%g", key=f"{prefix}.x0", help=START_HELP, where=cx)
    y0 = number_box("Start y", lo, hi, step=0.1, format="%g", key=f"{prefix}.y0", help=START_HELP, where=cy)
    return replace(setup, objective_params=tuple(params.items()), x0=float(x0), y0=float(y0))


def settings_expander(label: str, key: str, *, expanded: bool = False):
    """An expander of settings whose widgets the caller draws only while it is open (``.open``); opening or
    folding it reruns the page. Closed, the page runs with its state as it last ran, so a rerun pays only for
    the widgets on show. Streamlit tells expanders apart by title and default as well as key, so a new title
    (another optimizer in a card) or default (a card moved up) would make a new expander, folded again: it
    opens as the person left it (``key``'s value), ``expanded`` only the first time."""
    return st.expander(label, expanded=bool(st.session_state.get(key, expanded)), key=key, on_change="rerun")


RUN_OPEN = "open.run"
"""The run settings panel's open state, a page's own entry: ``page_key(prefix, RUN_OPEN)``."""


def run_panel(prefix: str, setup: Setup, objective: optim.Objective, *, expanded: bool = False) -> Setup:
    """Steps, gradient noise, its seed and the convergence test; returns the edited set-up.

    A folded panel draws no widgets (opening it reruns the page): the runs keep the set-up as the page last ran
    them, and a slider move elsewhere does not pay for five widgets nobody is looking at."""
    values = {}
    with settings_expander("Run settings: steps, noise, tolerance", page_key(prefix, RUN_OPEN),
                           expanded=expanded) as panel:
        if not panel.open:
            return replace(setup, criterion=setup.criterion_for(objective))
        for name, text, step in (("steps", "Steps", 10), ("noise", "Gradient noise (std)", 0.01),
                                 ("seed", "Noise seed", 1)):
            p = RUN_PARAMS[name]
            key = f"{prefix}.{name}"
            if name in INT_PARAMS:
                seed(key, int(getattr(setup, name)))
                values[name] = int(number_box(text, int(p.low), int(p.high), step=int(step), key=key,
                                              help=help_text(p)))
            else:
                seed(key, float(getattr(setup, name)))
                values[name] = float(number_box(text, float(p.low), float(p.high), step=step, format="%g",
                                                key=key, help=help_text(p)))
        values["tol"], values["criterion"] = tolerance_widgets(prefix, setup, objective)
    return replace(setup, **values)


def tolerance_widgets(prefix: str, setup: Setup, objective: optim.Objective,
                      label: str = "Converged when this is below the tolerance") -> tuple[float, str]:
    """The tolerance and its criterion; returns ``(tol, criterion)``.

    A function with no known minimum can only be judged by the gradient norm: the choice is then shown
    fixed at that, so the box, the runs and the link say the same.
    """
    p = RUN_PARAMS["tol"]
    seed(f"{prefix}.tol", float(setup.tol))
    tol = float(st.select_slider(
        "Tolerance", options=log_options(p.low, p.high, st.session_state[f"{prefix}.tol"]),
        key=f"{prefix}.tol", format_func=lambda v: f"{v:g}", help=help_text(p)))
    has_min = objective.f_min is not None
    key = f"{prefix}.criterion"
    seed(key, setup.criterion_for(objective))
    if not has_min:
        st.session_state[key] = "grad_norm"
    criterion = st.radio(label, list(CRITERIA), key=key, format_func=CRITERIA.get, horizontal=True,
                         disabled=not has_min,
                         help="Loss above the minimum: f(x) − f(min), for functions with a known minimum. "
                              "Gradient norm: |∇f(x)|, which works everywhere.")
    if not has_min:
        st.caption("This function has no known minimum, so convergence is judged by the gradient norm.")
    return tol, criterion


def objective_header(objective: optim.Objective, setup: Setup) -> None:
    """The function being minimized, its formula and where the runs start: side by side when they fit, the
    formula under the words in a narrow window (never squeezed and cut off)."""
    minima = objective.global_minima
    if minima:
        where = ", ".join(f"({m.x:.4g}, {m.y:.4g})" for m in minima[:4]) + (" …" if len(minima) > 4 else "")
        known = f"Lowest value {objective.f_min:.4g} at {where}."
    elif objective.name == CUSTOM:
        known = "Its minima are not known in advance, so convergence is judged by the gradient norm."
    else:
        known = "No minimum: it falls away forever."
    function_header(f"**{plain(objective.title)}**, every run starting at ({setup.x0:g}, {setup.y0:g}). {known}",
                    objective.latex)


CHART_CELL_WIDTH = 370
"""A chart's width in a row of charts: two fit side by side from about 1280 px windows, one below."""

CARD_WIDTH = 250
"""A card's width in a row of cards (an optimizer's result, its update rule)."""


def cells(n: int, width: int = CHART_CELL_WIDTH, *, border: bool = False) -> list:
    """``n`` containers side by side where the window has room, wrapping to the next line where not: a row
    of fixed-width cells, so charts and cards are never squeezed below a readable width."""
    row = st.container(horizontal=True, wrap=True, gap="medium")
    return [row.container(width=width, border=border) for _ in range(n)]


def chart_cells(n: int) -> list:
    """``n`` containers for charts (see :func:`cells`)."""
    return cells(n, CHART_CELL_WIDTH)


def function_header(words: str, latex: str) -> None:
    """Words about the function and its formula: side by side when they fit, else the formula below; a long
    formula on several lines (:func:`ui.setup.formula.broken_formula`)."""
    row = st.container(horizontal=True, wrap=True, vertical_alignment="center", gap="medium")
    row.markdown(words, width=420)
    row.latex(broken_formula(latex), width="content")

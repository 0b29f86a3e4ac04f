"""The sidebar's formula box: a person's own function, its domain, examples and its gradient.

Shown by :func:`ui.setup.panel.objective_panel` when "Your own formula…" is chosen, so every page
built on that panel offers it. A formula or domain that cannot be used gets one sentence under
the box; the box keeps the text (as the set-up's ``draft``) and the charts keep the last function
that worked, so nothing typed is lost and the page never breaks.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ..model import Setup
from ..state import loaded, messages, seed
from ..widgets import number_box
from .formula import (
    CUSTOM,
    DOMAIN_BOUND,
    EXAMPLES,
    FORMULA_HELP,
    check_domain,
    custom_objective,
    domain_start,
    gradient_latex,
    plain,
)

_BOUNDS = (("xmin", "x min"), ("xmax", "x max"), ("ymin", "y min"), ("ymax", "y max"))
DOMAIN_HELP = (f"The part of the plane drawn, where the function must be finite. Bounds within "
               f"±{DOMAIN_BOUND:g}; changing them moves the start point inside.")


def _keys(prefix: str) -> tuple[str, list[str]]:
    return f"{prefix}.formula", [f"{prefix}.domain.{k}" for k, _ in _BOUNDS]


def current_domain(prefix: str, fallback) -> tuple[float, ...]:
    """The domain the boxes hold now (``fallback`` for boxes not drawn yet)."""
    _, keys = _keys(prefix)
    return tuple(float(st.session_state.get(k, v)) for k, v in zip(keys, fallback, strict=True))


def initial(setup: Setup) -> tuple[str, tuple[float, ...]]:
    """What the box and domain start with: the draft, else the set-up's formula, else the first example."""
    if setup.draft is not None:
        return setup.draft
    if setup.formula:
        return setup.formula, tuple(setup.domain)
    return EXAMPLES[0].formula, EXAMPLES[0].domain


def start_for(prefix: str, setup: Setup) -> tuple[float, float]:
    """Where runs start on switching to the own formula: inside the domain the boxes will show."""
    return domain_start(current_domain(prefix, initial(setup)[1]))


def _move_start(prefix: str, domain) -> None:
    x0, y0 = domain_start(domain)
    st.session_state[f"{prefix}.x0"], st.session_state[f"{prefix}.y0"] = x0, y0


def _on_domain(prefix: str) -> None:
    """Callback: a new domain moves the start point into it (a formula may be undefined outside)."""
    _, keys = _keys(prefix)
    try:
        _move_start(prefix, check_domain([st.session_state[k] for k in keys]))
    except ValueError:
        pass  # the panel says what is wrong


def _use_example(prefix: str) -> None:
    """Callback: copy the chosen example into the box and the domain, then clear the choice."""
    chosen = st.session_state.get(f"{prefix}.example")
    example = next((e for e in EXAMPLES if e.formula == chosen), None)
    if example is None:
        return
    text_key, keys = _keys(prefix)
    st.session_state[text_key] = example.formula
    for k, v in zip(keys, example.domain, strict=True):
        st.session_state[k] = v
    _move_start(prefix, example.domain)
    st.session_state[f"{prefix}.example"] = None


def _from_link(prefix: str, draft) -> bool:
    """Whether ``draft`` is the unusable formula a link brought, while the link's messages still show."""
    setup = getattr(loaded(prefix), "setup", None)
    return bool(setup is not None and setup.draft == draft and messages(prefix))


def formula_panel(prefix: str, setup: Setup) -> Setup:
    """The formula box, its domain and gradient; returns the set-up on that function.

    When the text or domain cannot be used, shows why and returns ``setup``'s own function
    with the text kept as its draft.
    """
    text_key, keys = _keys(prefix)
    text0, domain0 = initial(setup)
    seed(text_key, text0)
    for k, v in zip(keys, domain0, strict=True):
        seed(k, float(v))
    st.pills("Examples", [e.formula for e in EXAMPLES], key=f"{prefix}.example", on_change=_use_example,
             args=(prefix,), format_func=plain,  # labels are Markdown: x*y*z must not turn italic
             help="Click one to copy it into the box, with a domain that shows it well: "
                  + "; ".join(f"{plain(e.formula)} is {e.note}" for e in EXAMPLES) + ".")
    text = st.text_input("f(x, y) =", key=text_key, help=FORMULA_HELP, placeholder="for example x^2 + 10*y^2")
    message = st.empty()  # right under the box: a refusal is read where the text is, not below the domain
    st.caption("Domain")
    cols = st.columns(2) + st.columns(2)
    values = [number_box(lab, -DOMAIN_BOUND, DOMAIN_BOUND, step=0.5, format="%g", key=k, help=DOMAIN_HELP,
                         on_change=_on_domain, args=(prefix,), where=col)
              for col, (_, lab), k in zip(cols, _BOUNDS, keys, strict=True)]
    domain = tuple(float(v) for v in values)
    what = "domain"
    try:
        check_domain(domain)
        what = "formula"
        obj = custom_objective(text.strip(), domain)
    except ValueError as e:
        with message.container():
            if _from_link(prefix, (text, domain)):  # the page's link message already says why: say it once
                st.caption("This formula from the link cannot be used (see the message on the page); fix it here.")
            else:
                st.error(f"Cannot use this {what}: {plain(str(e))}", icon=":material/error:")
            st.caption("The charts keep showing the last function that worked.")
        return replace(setup, draft=(text, domain))
    grad = gradient_latex(text.strip())
    st.caption("Its gradient, which the optimizers follow:")
    if grad is None:
        st.caption("(too long to show here)")
    else:
        st.latex(r"\footnotesize " + grad)  # the sidebar is narrow: broken into lines, a single long term scrolls
    same = setup.objective == CUSTOM and (setup.formula, tuple(setup.domain)) == (obj.params["formula"], domain)
    return setup if same and setup.draft is None else replace(
        setup, objective=CUSTOM, objective_params=(), formula=obj.params["formula"], domain=domain, draft=None)

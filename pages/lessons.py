"""Lessons: every seed article's experiment, loaded into the Playground or Compare with one click."""

from __future__ import annotations

import streamlit as st

from ui.inside import encode_inside
from ui.lessons import LESSONS, PAGES, computed_numbers, describe_config, describe_setup
from ui.router import ensure_routed

GO = "_lessons.go"


def _go(page: str, query: dict) -> None:
    """Button callback: remember where to go; the page body switches there (pages are known by then)."""
    st.session_state[GO] = (page, query)


ensure_routed()
pending = st.session_state.pop(GO, None)
if pending is not None:
    st.switch_page(PAGES[pending[0]], query_params=pending[1])
st.title("Lessons")
st.caption("The experiments of the articles Descent Lab grew from, one card each. A button opens the "
           "exact objective, start, optimizers, settings and steps the article used; the card says which "
           "chart to look at. Change anything once it is open: the lesson is only the starting point.")

TARGETS = {"playground": ("Open in the Playground", ":material/explore:"),
           "compare": ("Open in Compare", ":material/compare_arrows:")}

for lesson in LESSONS.values():
    setup = lesson.state.setup
    with st.container(border=True, key=lesson.key):
        st.markdown(f"#### Seed {lesson.seed} · {lesson.title}")
        st.caption(f"From the article: {lesson.article}.")
        st.markdown(lesson.explanation)
        try:
            formula = setup.build_objective().latex
        except ValueError:  # pragma: no cover - lessons use built-in objectives
            formula = setup.objective
        items = [f"${formula}$ {describe_setup(setup)}"] + [describe_config(c) for c in lesson.configs]
        st.markdown("\n".join(f"- {item}" for item in items))
        st.markdown(f":material/visibility: {lesson.look}")
        if lesson.printed:
            nums = computed_numbers(lesson)
            st.markdown("**The article's printed numbers and the app's, computed just now:**")
            st.table([{"quantity": text, "article printed": repr(value), "app computed": repr(nums[name]),
                       "difference": f"{abs(nums[name] - value):.1e}"} for name, text, value in lesson.printed])
        label, icon = TARGETS[lesson.page]
        cols = st.columns([1, 1, 2]) if lesson.inside is not None else st.columns([1, 3])
        cols[0].button(label, key=f"{lesson.key}.open", icon=icon, type="primary", width="stretch",
                       on_click=_go, args=(lesson.page, lesson.query()))
        if lesson.inside is not None:
            cols[1].button("Look inside", key=f"{lesson.key}.inside", icon=":material/biotech:", width="stretch",
                           help="Open the Inside RMSprop page on this experiment.",
                           on_click=_go, args=("inside", encode_inside(lesson.inside)))
            cols[2].caption(lesson.inside_look)

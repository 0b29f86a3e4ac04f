"""Lessons: every seed article's experiment, loaded into the Playground or Compare with one click."""

from __future__ import annotations

import streamlit as st

from ui.inside.state import encode_inside
from ui.lessons import LESSONS, card_items, computed_numbers
from ui.router import BY_SLUG, ensure_routed

ensure_routed()
st.title("Lessons")
st.caption("The experiments of the articles Descent Lab grew from, one card each, and a paper's map. A button "
           "opens the exact objective, start, optimizers, settings and steps the article used; the card says which "
           "chart to look at. Change anything once it is open: the lesson is only the starting point.")

TARGETS = {"playground": ("Open in the Playground", ":material/explore:"),
           "compare": ("Open in Compare", ":material/compare_arrows:"),
           "sweep": ("Open in Sweep", ":material/grid_on:"),
           "train": ("Open in Train a network", ":material/neurology:")}

for lesson in LESSONS.values():
    with st.container(border=True, key=lesson.key):
        st.markdown(f"#### {lesson.heading}")
        st.caption(f"From the article: {lesson.article}.")
        st.markdown(lesson.explanation)
        run, *configs = card_items(lesson)
        if lesson.page == "train":  # a network on points: no formula to show
            items = [run, *configs]
        else:
            formula = lesson.state.setup.build_objective().latex
            items = [f"${formula}$ {run}", *configs]
        st.markdown("\n".join(f"- {item}" for item in items))
        st.markdown(f":material/visibility: {lesson.look}")
        if lesson.printed:
            nums = computed_numbers(lesson)
            st.markdown("**The article's printed numbers and the app's, computed just now:**")
            st.table([{"quantity": text, "article printed": repr(value), "app computed": repr(nums[name]),
                       "difference": f"{abs(nums[name] - value):.1e}"} for name, text, value in lesson.printed])
        # Links, not buttons that switch page: the browser's Back then returns to this page, as it was.
        label, icon = TARGETS[lesson.page]
        links = st.container(horizontal=True, wrap=True, vertical_alignment="center")
        links.container(key=f"{lesson.key}-open", width="content").page_link(
            BY_SLUG[lesson.page].file, label=label, icon=icon, query_params=lesson.query())
        if lesson.inside is not None:
            links.container(key=f"{lesson.key}-inside", width="content").page_link(
                BY_SLUG["inside"].file, label="Look inside", icon=":material/biotech:",
                query_params=encode_inside(lesson.inside), help="Open the Inside RMSprop page on this experiment.")
            links.caption(lesson.inside_look)

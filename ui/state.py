"""One canonical state per page and session, kept in step with the widgets and the URL.

Why this exists: Streamlit forgets a widget's value when the widget is not drawn (for
example while the person is on another page), and a shared link must win over whatever
the widgets held. So each page keeps its state object in ``st.session_state``; on every
run :func:`load` decides where the truth is (a new link, or the session's state), the
widgets are seeded from it with :func:`seed` (only when they have no value yet), and
:func:`commit` stores what the widgets now say and writes it back to the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from .query import read_query_params

RECENT = 8
"""How many of the addresses a page wrote it remembers. A rerun can arrive with one the page wrote a moment
before (the person moved a control before the browser had taken the newer address); that is not a link, and
taking it for one would put its older settings back over the person's change."""


def page_key(page: str, what: str) -> str:
    """The session key of page ``page``'s own entry ``what`` (its state, its reset button, ...): prefixed with
    ``_`` so it never meets a widget key, which pages build as ``<page>.<setting>``."""
    return f"_{page}.{what}"


def load(page: str, decode: Callable[[dict], tuple[Any, list[str]]], default: Callable[[], Any]):
    """The page's state for this run, and the messages about the link it came from.

    A link (query parameters the app did not write itself; on a rerun of the same page, not one of the
    :data:`RECENT` addresses it wrote last) is decoded and replaces the session's state and every widget value
    on the page; otherwise the session's state stays. A link followed from another page (a lesson, a Sweep
    cell) always counts, even when this page wrote the same address before.
    """
    ss = st.session_state
    query = read_query_params()
    by, last = ss.get("_written", (None, None))
    if query and by != page and query == last:
        query = {}  # the address still holds the page we came from: not a link to this page
    fresh = page_key(page, "state") not in ss
    stale = by == page and query in ss.get(page_key(page, "recent"), ())  # an address of ours, a rerun behind
    if (query and not stale) or fresh:
        state, messages = decode(query) if query else (default(), [])
        for key in [k for k in ss if isinstance(k, str) and k.startswith(page + ".")]:
            del ss[key]
        ss[page_key(page, "state")] = state
        ss[page_key(page, "loaded")] = state
        ss[page_key(page, "messages")] = messages
    return ss[page_key(page, "state")]


def current(page: str):
    """The page's state as the last run left it (None before its first run), for callbacks."""
    return st.session_state.get(page_key(page, "state"))


def loaded(page: str):
    """The state the page last loaded from a link (or its defaults): a new object after every new link."""
    return st.session_state.get(page_key(page, "loaded"))


def update(page: str, **changes) -> None:
    """Change fields of the page's state from a callback (a chart event), before the page reruns."""
    ss = st.session_state
    if page_key(page, "state") in ss:
        ss[page_key(page, "state")] = replace(ss[page_key(page, "state")], **changes)


def messages(page: str) -> list[str]:
    """Messages about the link, shown until the person changes something."""
    ss = st.session_state
    if ss.get(page_key(page, "state")) != ss.get(page_key(page, "loaded")):
        ss[page_key(page, "messages")] = []
    return ss.get(page_key(page, "messages"), [])


def seed(key: str, value) -> None:
    """Give widget ``key`` a starting value unless it already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


def commit(page: str, state, encode: Callable[[Any], dict[str, list[str]]]) -> None:
    """Keep ``state`` as the page's state and make the URL say the same.

    A parameter with no values (no optimizer chosen) cannot be in a URL, so it is left out here too:
    what is remembered as written must be what :func:`load` reads back, or the next run would take
    the address for a new link and put the defaults back over what the person chose.
    """
    ss = st.session_state
    ss[page_key(page, "state")] = state
    query = {k: v for k, v in encode(state).items() if v}
    if query != read_query_params():
        st.query_params.from_dict(query)
    recent = [q for q in ss.get(page_key(page, "recent"), ()) if q != query]
    ss[page_key(page, "recent")] = (*recent[-(RECENT - 1):], query)
    ss["_written"] = (page, query)


def reset_button(page: str, default: Callable[[], Any]) -> None:
    """A "Reset to defaults" button (in the sidebar): the page's default view, widgets and address."""
    st.sidebar.button("Reset to defaults", key=page_key(page, "reset"), on_click=_reset, args=(page, default),
                      icon=":material/restart_alt:", type="tertiary",
                      help="Back to this page's default view; every setting and the address follow.")


def _reset(page: str, default: Callable[[], Any]) -> None:
    """Callback: forget every widget of the page and make its defaults the state, as a fresh link would."""
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and k.startswith(page + ".")]:
        del ss[key]
    fresh = default()
    ss[page_key(page, "state")] = fresh
    ss[page_key(page, "loaded")] = fresh
    ss[page_key(page, "messages")] = []


def show_messages(page: str) -> None:
    """At most one warning box listing what was wrong with the link."""
    msgs = messages(page)
    if not msgs:
        return
    if len(msgs) == 1:
        st.warning(f"This link had a value the app cannot use, so it opened with a default instead. "
                   f"{msgs[0]}", icon=":material/link_off:")
    else:
        items = "\n".join(f"- {m}" for m in msgs)
        st.warning("This link had values the app cannot use, so it opened with defaults for them:\n\n"
                   + items, icon=":material/link_off:")

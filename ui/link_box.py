"""The "link to this view" box at the foot of a page: the page's address with its view's query parameters.

The address bar holds the same link, but a page whose view takes many settings (Compare, Train) shows it
again in full, with a copy button, under a heading that says what opening it gives back.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st


def link_box(title: str, slug: str, query: dict[str, list[str]], caption: str) -> None:
    """A heading ``title``, the ``caption`` and the link to page ``slug`` with ``query``, on the host and path
    the app is served from (the page's own address, also when the person opened the app at its root)."""
    st.subheader(title)
    base_url = urlsplit(st.context.url or "")
    path = base_url.path.rstrip("/")
    if not path.endswith(f"/{slug}"):
        path += f"/{slug}"
    origin = f"{base_url.scheme}://{base_url.netloc}" if base_url.netloc else ""
    st.caption(caption)
    st.code(f"{origin}{path}?{urlencode(query, doseq=True)}", language=None, wrap_lines=True)

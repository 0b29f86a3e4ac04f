"""The app's pages, in one list shared by the router (``app.py``) and the pages' guard.

Why the guard: with a ``pages/`` folder next to ``app.py``, a freshly started Streamlit
server runs a page file *directly* (its old folder-based mode, skipping ``app.py``) until
some session has called ``st.navigation``. A shared link to ``/compare`` opened first on a
new server would then get the wrong layout and navigation. :func:`ensure_routed` notices
that the router did not run and hands over to it, once per server.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
_ROUTED = "_routed"


def pages() -> list:
    return [
        st.Page(ROOT / "pages" / "playground.py", title="Playground", icon=":material/explore:",
                url_path="playground", default=True),
        st.Page(ROOT / "pages" / "compare.py", title="Compare", icon=":material/compare_arrows:",
                url_path="compare"),
        st.Page(ROOT / "pages" / "sweep.py", title="Sweep", icon=":material/grid_on:", url_path="sweep"),
        st.Page(ROOT / "pages" / "tune.py", title="Tune", icon=":material/tune:", url_path="tune"),
        st.Page(ROOT / "pages" / "basins.py", title="Basin maps", icon=":material/map:", url_path="basins"),
        st.Page(ROOT / "pages" / "minibatch.py", title="Mini-batch", icon=":material/scatter_plot:",
                url_path="minibatch"),
        st.Page(ROOT / "pages" / "inside.py", title="Inside RMSprop", icon=":material/biotech:", url_path="inside"),
        st.Page(ROOT / "pages" / "lessons.py", title="Lessons", icon=":material/school:", url_path="lessons"),
    ]


def mark_routed() -> None:
    """Called by ``app.py`` just before it runs the chosen page."""
    st.session_state[_ROUTED] = True


def _folder_mode() -> bool:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a future Streamlit without the old mode
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


def ensure_routed() -> None:
    """Pages call this first: if Streamlit ran this page without the router, switch to the router."""
    routed = st.session_state.pop(_ROUTED, False)
    if not routed and _folder_mode():
        st.navigation(pages(), position="hidden")  # turns the folder mode off for every session
        st.rerun()

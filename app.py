"""Descent Lab: the router. Page config, navigation between the pages, and the shared sidebar.

Run with ``make run`` (``streamlit run serve.py``: this app plus one route, see ``serve.py``; ``streamlit run
app.py`` also works). The pages live in ``pages/``; what they share (state, URL encoding, widgets, cached runs)
lives in ``ui/``, the figures in ``viz/`` and the numerical core in ``optim/``.
"""

import streamlit as st

from ui.live_chart import preload
from ui.router import freeze_imports, mark_routed, page_config, pages

freeze_imports()  # once per process: Streamlit's collection after every run then skips the imports' objects

page_config()

page = st.navigation(pages())
st.sidebar.caption("**Descent Lab** · see how gradient-based optimizers move. Every setting is "
                   "kept in the page address, so a copied link reopens the same view.")
with st.sidebar:
    preload()
mark_routed()
page.run()

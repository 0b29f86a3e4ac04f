"""Descent Lab's server: the app (``app.py``) plus one route of its own, plotly.js with a year's lifetime.

Start it with ``streamlit run serve.py`` (``make run``, the Docker image, the browser tests and the benchmarks
do): Streamlit finds the ``st.App`` below and serves ``app.py`` as usual, with the route in front. Why the route:
see ``ui/live_chart`` (a browser keeps plotly.js across page loads instead of fetching, and the server
compressing, 4.8 MB each time). ``streamlit run app.py`` works too, without it.
"""

import streamlit as st

from ui.live_chart import plotly_route

app = st.App("app.py", routes=[plotly_route()])

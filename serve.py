"""Descent Lab's server: the app (``app.py``) plus one route of its own, plotly.js with a year's lifetime.

Start it with ``streamlit run serve.py`` (``make run``, the Docker image, the browser tests and the benchmarks
do): Streamlit finds the ``st.App`` below and serves ``app.py`` as usual, with the route in front. Why the route:
see ``ui/live_chart`` (a browser keeps plotly.js across page loads instead of fetching, and the server
compressing, 4.8 MB each time). ``streamlit run app.py`` works too, without it.

Streamlit imports this file once, as the server starts, before it serves anyone; the app's modules are imported
(and frozen, see ``ui.router.freeze_imports``) here rather than in the first page's run. Imported there (SymPy
and pandas among them), they took about 1.3 s of that run: the first person to open a new server's page waited
for them (6.6 s to a drawn page against 4.6 s on a warm server, in headless Chromium), and so did everyone whose
page reconnected after a restart or a failover: a control moved in the second that reconnect run took was put
back by the run (the new session builds the view from the address; it cannot see what the browser's widgets
hold until they are drawn). Measured with the reconnect test's steps: a move 0.3-0.6 s after the page
reconnected was lost before and is kept now; one within about 0.1 s still is. ``freeze_imports`` also does the
first run's other one-time work (the favicon, inspect's map of module files: 0.47 -> 0.24 s for a new server's
first run, in a profile).

It does so in the server's start-up (``lifespan``), once Streamlit's runtime exists and before the server takes
a connection: the app's ``st.cache_data`` functions are decorated as their modules are imported, and decorated
before the runtime exists, each logged "No runtime found, using MemoryCacheStorageManager" at every start (their
caches then used the runtime's storage all the same, chosen at each call).
"""

from contextlib import asynccontextmanager

import streamlit as st

from ui.live_chart import plotly_route
from ui.router import freeze_imports


@asynccontextmanager
async def lifespan(_app):
    """The server's start-up and shut-down: import and freeze the app's modules before the first run (see
    above); nothing to do at shut-down."""
    freeze_imports()
    yield


app = st.App("app.py", routes=[plotly_route()], lifespan=lifespan)

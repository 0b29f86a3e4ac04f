"""The live chart: every figure that changes with settings reaches the browser through this component.

Why: Streamlit 1.67 derives a ``st.plotly_chart``'s element id from its figure, so any new figure
unmounts the chart and plots a fresh one. The 3D scene is rebuilt (a second or more in a software
renderer), and the camera a person rotated, the zoom and the hidden legend entries snap back. This
component is mounted once per key and applies each new figure with ``Plotly.react`` in the browser,
so a rerun changes the data and keeps the view. When Streamlit ships in-place updates for
``st.plotly_chart``, :func:`live_chart` is the one place to change back.

How it is built: a custom component v2 whose inline JavaScript is a three-line loader; the module
(``ui/live_chart/assets/live_chart.js``) and plotly.js itself (from the installed ``plotly`` package) are served by the
app itself, so the page needs no CDN and works offline, in the Docker image and behind a proxy at a sub-path
(``server.baseUrlPath``). The browser receives figures as JSON data, never HTML.

Where plotly.js comes from: the app's server (``serve.py``, an ``st.App``) mounts :func:`plotly_route`, which
serves it at an address naming plotly's version with a year's lifetime, compressed once. Streamlit's component
route sends ``Cache-Control: public`` with no lifetime or validator, so a browser fetched plotly.js (4.8 MB,
1.5 MB compressed) again on every page load, and Streamlit's gzip middleware compressed it again for each
request (about 0.1 s of the event loop every session shares; twenty loads at once held it 1.2 s). A browser
still parses and runs plotly.js on every page load, cached or not (1.7-1.9 s on the 2-core machine). Started
as ``streamlit run app.py`` (no route), the chart loads plotly.js from the component route, as before.

The payload, in one JSON document (bytes, so Streamlit does not re-serialise it):

- ``figure``: ``{"data": [...], "layout": {...}}`` and optionally ``"step"`` (a step table, see
  :mod:`viz.linked`) and ``"narrow"`` (``[{"below": px, "layout": {...}}, ...]``: layouts merged in when
  the chart is narrower than ``below``; the narrowest that applies wins). NumPy arrays travel as plotly
  typed-array specs.
- ``config``: plotly.js config (mode bar buttons).
- ``templates``: the light and dark layout templates; the chart picks the one matching the app's theme.
- ``events``: which events go back to Python: ``"click"`` (a point: x, y, z, curve, point, customdata) and
  ``"zoom"`` (a box zoom on the first x/y axes: ``{"x": [x0, x1], "y": [y0, y1]}``, an axis the box left
  alone ``None``).

Back in Python the component's result has ``click`` and ``zoom`` (one rerun each) and ``step`` (the
step the person left the step control at, kept across reruns). ``reconnect``: when the page reconnects
to a new server session (a restart, a failover), the app's empty preload element (:func:`preload`) asks
for one rerun of the whole page at once, so the new session holds the view before the person's next change
arrives (otherwise that change would be lost).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import plotly
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components_v1
from plotly.basedatatypes import BaseFigure
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit import config as st_config
from streamlit.runtime import Runtime

from viz.theme import CHART_CONFIG, TEMPLATES

_ASSETS_DIR = Path(__file__).resolve().parent / "assets"
_MODULE = _ASSETS_DIR / "live_chart.js"
_PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
EVENTS = ("click", "zoom")

# Two static routes on Streamlit's component server: the module, and plotly.js from the installed plotly
# package. Declared by :func:`_register_static_routes`, inside a run (a declaration only registers with the
# running server there); Streamlit names each after the declaring module: ``ui.live_chart.assets``.
_STATIC = {"assets": _ASSETS_DIR, "plotly": _PLOTLY_DIR}


def _base_path() -> str:
    base = (st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _component_url(name: str, filename: str) -> str:
    return f"{_base_path()}/component/{name}/{filename}"


def _version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


MOUNTED_PLOTLY_ROUTE: list[str] = []
"""The path :func:`plotly_route` serves plotly.js at, once the server has asked for it (empty before)."""


def plotly_route() -> Route:
    """plotly.js on the app's own address (``/vendor/plotly-<version>.min.js`` under ``server.baseUrlPath``),
    ``Cache-Control: public, max-age=31536000, immutable``, gzip-compressed once here rather than per request;
    for ``serve.py``'s ``st.App(routes=...)``. Once it is mounted, every live chart loads plotly.js from there
    (see the module docstring)."""
    path = f"{_base_path()}/vendor/plotly-{plotly.__version__}.min.js"
    body = (_PLOTLY_DIR / "plotly.min.js").read_bytes()
    packed = gzip.compress(body, compresslevel=6)
    cache_for_a_year = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}

    async def plotly_js(request: Request) -> Response:
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(packed, media_type="text/javascript",
                            headers={**cache_for_a_year, "Content-Encoding": "gzip"})
        return Response(body, media_type="text/javascript", headers=cache_for_a_year)

    MOUNTED_PLOTLY_ROUTE[:] = [path]
    return Route(path, plotly_js, methods=["GET"])


def plotly_url() -> str:
    """Where the live charts load plotly.js from: the app's own route once the server mounted
    :func:`plotly_route` (``serve.py``), Streamlit's component route otherwise (``streamlit run app.py``)."""
    if MOUNTED_PLOTLY_ROUTE:
        return MOUNTED_PLOTLY_ROUTE[0]
    return _component_url(f"{__name__}.plotly", f"plotly.min.js?v={plotly.__version__}")


def _loader() -> str:
    """The component's inline JavaScript: import the module from the app's own route and render."""
    module = _component_url(f"{__name__}.assets", f"live_chart.js?v={_version(_MODULE)}")
    plotly_js = plotly_url()
    return (
        f'const m = import(new URL("{module}", document.baseURI).href);\n'
        "export default function (component) {\n"
        f'  const rendered = m.then((mod) => mod.render(component, "{plotly_js}"));\n'
        "  return () => Promise.all([m, rendered]).then(([mod, n]) => mod.cleanup(component.parentElement, n));\n"
        "}\n"
    )


@cache
def _mount():
    """The component, declared at its first use: by then the server has mounted :func:`plotly_route` or not."""
    return st.components.v2.component("descent_lab.live_chart", js=_loader(), isolate_styles=False)


_registered_with: list[int] = []


def _register_static_routes() -> None:
    """Serve the module and plotly.js from this app: once per running server (a declaration only
    registers inside a script run, and costs a path lookup each time)."""
    runtime = id(Runtime.instance()) if Runtime.exists() else None
    if runtime is not None and runtime in _registered_with:
        return
    for name, path in _STATIC.items():
        components_v1.declare_component(name, path=str(path))
    if runtime is not None:
        _registered_with[:] = [runtime]


def _encode_array(a: np.ndarray) -> dict:
    """A NumPy array as plotly.js's typed-array spec: base64 bytes plus dtype (and shape for 2-D)."""
    if a.dtype == np.float64:  # what is drawn needs no more than float32; half the bytes
        big = float(np.finfo(np.float32).max)
        a = np.clip(a, -big, big).astype(np.float32)  # NaN stays NaN; huge values stay huge, not inf
    elif a.dtype.kind == "b":
        a = a.astype(np.uint8)
    elif a.dtype == np.int64:
        a = a.astype(np.int32)
    a = np.ascontiguousarray(a)
    out = {"dtype": a.dtype.str[1:], "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ", ".join(str(n) for n in a.shape)
    return out


def _default(obj: Any):
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiub":
            return _encode_array(obj)
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (tuple, set)):
        return list(obj)
    raise TypeError(f"cannot send {type(obj).__name__} to the chart")


def figure_dict(figure: go.Figure | dict) -> dict:
    """``figure`` as a plain dict: a ``go.Figure`` through ``to_plotly_json``, a dict as it is.

    A ``go.Figure`` carries plotly.py's default template; it is dropped, since the chart puts the app
    theme's template under every figure.
    """
    if isinstance(figure, BaseFigure):
        out = figure.to_plotly_json()
        out["layout"].pop("template", None)
        return out
    return figure


def payload(figure: go.Figure | dict, events: Iterable[str] = (), config: dict | None = None) -> bytes:
    """The JSON bytes the component receives for ``figure`` (see the module docstring); ``config`` is merged
    over the app's plotly.js config."""
    events = list(events)
    unknown = set(events) - set(EVENTS)
    if unknown:
        raise ValueError(f"unknown chart events {sorted(unknown)}; allowed: {', '.join(EVENTS)}.")
    doc = {"figure": figure_dict(figure), "config": {**CHART_CONFIG, **(config or {})}, "templates": TEMPLATES,
           "events": events}
    return orjson.dumps(doc, default=_default, option=orjson.OPT_NON_STR_KEYS)


def read_payload(data: bytes) -> dict:
    """The payload back as Python data (what the browser parses): for tests and tools."""
    return orjson.loads(data)


def live_chart(figure: go.Figure | dict, *, key: str, events: Iterable[str] = (),
               on_click: Callable[[], None] | None = None, on_zoom: Callable[[], None] | None = None,
               on_step: Callable[[], None] | None = None, config: dict | None = None):
    """Draw ``figure`` in the live chart mounted under ``key``; return the chart's events.

    Args:
        figure: a ``go.Figure`` or a plain figure dict (see the module docstring), with a fixed
            ``layout.height``; the width follows the page.
        key: the chart's stable key: the same key across reruns keeps the browser's chart (and its view).
        events: which of :data:`EVENTS` to send back.
        on_click, on_zoom, on_step: callbacks run before the rerun that carries that event.
        config: plotly.js config for this chart, over the app's (``viz.theme.CHART_CONFIG``).

    Returns:
        The component's result: ``.click``, ``.zoom`` (this rerun's event or None) and ``.step``.
    """
    _register_static_routes()
    callbacks = {"on_click_change": on_click or _ignore, "on_zoom_change": on_zoom or _ignore,
                 "on_step_change": on_step or _ignore}
    return _mount()(key=key, data=payload(figure, events, config), height="content", **callbacks)


def preload() -> None:
    """Mount an empty chart at once, so the browser fetches and parses plotly.js (a second or more on a first
    visit) while the page's script is still computing, not after it has finished. ``app.py`` calls this
    before it runs a page; the element is empty and takes no room. It also asks for the run a reconnected page
    needs (see ``reconnect`` above): it is on every page and outside every fragment, where a chart in a
    fragment would ask for a rerun of that fragment alone, which Streamlit drops for a session that has never
    run it."""
    _register_static_routes()
    _mount()(key="_live_chart.preload", data=b"", height="content", on_reconnect_change=_ignore)


def _ignore() -> None:
    """Registers an event with Streamlit so its value comes back, for charts without a callback."""


def chart_state(key: str) -> dict:
    """What the chart under ``key`` last sent (``click``, ``zoom``, ``step``), read in a callback."""
    value = st.session_state.get(key)
    if value is None:
        return {}
    return {k: value.get(k) for k in ("click", "zoom", "step")}

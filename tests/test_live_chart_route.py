"""plotly.js on the app's own route: compressed once, kept by browsers for a year, the one every chart loads."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import plotly
from starlette.requests import Request

import ui.live_chart as live_chart

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def get(route, accept_encoding: str):
    """The route's response to a GET whose ``Accept-Encoding`` is ``accept_encoding``."""
    headers = [(b"accept-encoding", accept_encoding.encode())] if accept_encoding else []
    request = Request({"type": "http", "method": "GET", "path": route.path, "headers": headers, "query_string": b""})
    return asyncio.run(route.endpoint(request))


def test_the_route_serves_plotly_js_compressed_once_with_a_years_lifetime(monkeypatch):
    monkeypatch.setattr(live_chart, "MOUNTED_PLOTLY_ROUTE", [])
    route = live_chart.plotly_route()
    assert route.path == f"/vendor/plotly-{plotly.__version__}.min.js", "the address names the version"
    packed, plain = get(route, "gzip, deflate, br"), get(route, "")
    for response in (packed, plain):
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.media_type == "text/javascript"
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert gzip.decompress(packed.body) == plain.body == PLOTLY_JS.read_bytes()


def test_charts_load_plotly_js_from_the_route_once_the_server_mounts_it(monkeypatch):
    monkeypatch.setattr(live_chart, "MOUNTED_PLOTLY_ROUTE", [])
    assert live_chart.plotly_url() == f"/component/ui.live_chart.plotly/plotly.min.js?v={plotly.__version__}"
    route = live_chart.plotly_route()
    assert live_chart.plotly_url() == route.path


def test_the_route_follows_the_servers_base_path(monkeypatch):
    monkeypatch.setattr(live_chart, "MOUNTED_PLOTLY_ROUTE", [])
    monkeypatch.setattr(live_chart.st_config, "get_option",
                        lambda name: "/labs/descent/" if name == "server.baseUrlPath" else None)
    assert live_chart.plotly_route().path == f"/labs/descent/vendor/plotly-{plotly.__version__}.min.js"
    assert live_chart.plotly_url().startswith("/labs/descent/vendor/")

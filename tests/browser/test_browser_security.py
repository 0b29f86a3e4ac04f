"""Issue 7, security, against the live server: hostile text stays text, XSRF is enforced, big uploads are refused,
and a page asks nothing of any other host (no chart offers to upload itself).

A link is the easiest thing to hand fifty people, so each page is opened with HTML and script
in the places a link can carry text (a formula, a setting, an optimizer name, a parameter's
name); the page must show it as inert text and run none of it.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from .conftest import ARTIFACTS, ROOT, free_port, start_streamlit, stop, wait_healthy
from .helpers import IDLE, no_exception, open_app, shot, wait_for

PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>",
            "[x](javascript:window.__xss=1)"]
# page address -> link parameters that carry a payload (by position in PAYLOADS, cycling); the
# Playground is the default page, served at the root.
LINKS = {
    "": ["objective=custom&formula={p}", "{p}=1"],
    "compare": ["c1=gd&c1.lr={p}"],
    "sweep": ["opt={p}"],
    "tune": ["budget={p}"],
    "basins": ["objective={p}"],
    "minibatch": ["model={p}"],
    "inside": ["flavor={p}"],
    "train": ["data={p}", "c1={p}"],
}
TRAPS_JS = """() => ({xss: window.__xss === undefined ? null : window.__xss,
    imgs: document.querySelectorAll('img[src="x"]').length,
    scripts: Array.from(document.querySelectorAll('script')).filter(s => s.textContent.includes('__xss')).length,
    links: document.querySelectorAll('a[href^="javascript"]').length})"""


def test_hostile_text_in_links_stays_text(page, app_url):
    alerts_seen = 0
    for k, (name, templates) in enumerate(LINKS.items()):
        for j, template in enumerate(templates):
            payload = PAYLOADS[(k + j) % len(PAYLOADS)]
            url = f"{app_url}/{name}?" + template.replace("{p}", quote(payload, safe=""))
            page.goto(url)
            page.wait_for_selector(IDLE, timeout=90_000)
            traps = page.evaluate(TRAPS_JS)
            assert traps == {"xss": None, "imgs": 0, "scripts": 0, "links": 0}, (url, traps)
            no_exception(page)
            alerts_seen += page.get_by_test_id("stAlert").count() > 0
    shot(page, "browser_security_hostile_link")
    assert alerts_seen == sum(map(len, LINKS.values()))  # every payload is refused with a message


def test_hostile_formula_typed_into_the_box_stays_text(page, app_url):
    page.goto(f"{app_url}/?objective=custom&formula=x%5E2%2By%5E2")
    page.wait_for_selector(IDLE, timeout=90_000)
    box = page.locator(".st-key-pg-formula input")
    for payload in PAYLOADS:
        box.fill(payload)
        box.press("Enter")
        time.sleep(0.3)
        page.wait_for_selector(IDLE, timeout=60_000)
        assert page.evaluate(TRAPS_JS) == {"xss": None, "imgs": 0, "scripts": 0, "links": 0}
        assert box.input_value() == payload  # what the person typed is kept, to fix
        no_exception(page)


CHART_BUTTONS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => ({
    sendToCloud: g._context.showSendToCloud,
    buttons: Array.from(g.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))}))"""


def test_a_page_asks_nothing_of_other_hosts_and_offers_no_upload(browser):
    """A hosted workshop's pages fetch from the app alone, and no chart offers to send its data anywhere.

    The link opened is the first a freshly started server gets, on a page other than the first: Streamlit then runs
    the page file before the router, and a navigation sent before the app's page config made the browser fetch
    the page's Material icon from Google's font servers as the tab's icon. And plotly.js 3 puts a "Share
    chart..." button on every chart's mode bar by default, which uploads the figure (a person's formula, paths
    and settings) to Plotly's cloud after one confirmation."""
    port = free_port()
    proc = start_streamlit(ROOT / "serve.py", port, log=ARTIFACTS / "streamlit-security-fresh.log")
    url = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        wait_healthy(url, proc)
        page = context.new_page()
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        open_app(page, f"{url}/compare?c1=adam&c2=rmsprop", 3)
        time.sleep(1.0)  # the tab's icon is set once the page's run has ended
        hosts = {urlsplit(u).netloc for u in requested if not u.startswith(("data:", "blob:"))}
        assert hosts == {f"127.0.0.1:{port}"}, [u for u in requested if urlsplit(u).netloc != f"127.0.0.1:{port}"]
        charts = page.evaluate(CHART_BUTTONS_JS)
        assert len(charts) >= 3 and all(c["buttons"] for c in charts), charts
        for chart in charts:
            assert chart["sendToCloud"] is False, chart
            assert not any("share" in t.lower() or "cloud" in t.lower() for t in chart["buttons"]), chart["buttons"]
        no_exception(page)
    finally:
        context.close()
        stop(proc)


def _xsrf_cookie(app_url: str) -> str:
    with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=10) as r:
        cookie = next(c for c in r.headers.get_all("Set-Cookie") if c.startswith("_streamlit_xsrf="))
    return cookie.split(";")[0].split("=", 1)[1]


def _put_upload(app_url: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(f"{app_url}/_stcore/upload_file/no-such-session/f1", data=b"x",
                                 method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_uploads_need_the_xsrf_token(app_url):
    assert _put_upload(app_url, {}) == 403
    token = _xsrf_cookie(app_url)
    assert _put_upload(app_url, {"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": "2|00|00|1"}) == 403
    # With the token the request gets past the XSRF check, and only then fails on the made-up session.
    assert _put_upload(app_url, {"Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": token}) == 400


def test_an_upload_over_the_limit_is_refused_and_the_page_keeps_working(page, app_url, tmp_path):
    page.goto(f"{app_url}/minibatch?data=upload")
    page.wait_for_selector(IDLE, timeout=90_000)
    big = tmp_path / "big.csv"
    big.write_text("x,y\n" + "1.000000,2.000000\n" * 60_000)  # 1.08 MB
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(big))
    uploader = page.get_by_test_id("stFileUploader")
    wait_for(lambda: "File must be 1.0MB or smaller" in uploader.inner_text(), timeout=30)
    time.sleep(0.5)
    page.wait_for_selector(IDLE, timeout=60_000)
    no_exception(page)
    # still training, on the generated data (charts mount a moment after the script is idle)
    wait_for(lambda: page.locator(".js-plotly-plot").count() == 3, "the three charts of the generated data")
    shot(page, "browser_security_big_upload")

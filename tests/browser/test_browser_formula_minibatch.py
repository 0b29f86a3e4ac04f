"""Issue 6 in headless Chromium: the formula box (good, bad, from a link) and the Mini-batch page with an upload.

Screenshots land in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from .conftest import ARTIFACTS
from .helpers import has_value, no_exception, open_app, query, settle, shot, wait_for

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
GOOD_CSV = "x,y\n" + "".join(f"{i / 4},{3 * i / 4 - 2 + (i % 5 - 2) / 5}\n" for i in range(60))
BAD_CSV = "x,y\n1,2\n3,four\n5,6\n"


def upload_good_csv(page, folder) -> None:
    """On the Mini-batch page: switch the data to an uploaded CSV and upload GOOD_CSV (written into ``folder``),
    then wait until the page trains on its 60 samples."""
    page.locator(".st-key-mb-source").get_by_text("Uploaded CSV").click()
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    uploader.wait_for(state="attached")
    settle(page)
    good = folder / "line.csv"
    good.write_text(GOOD_CSV)
    uploader.set_input_files(str(good))
    wait_for(lambda: page.get_by_text("on 60 samples").count() == 1, timeout=60)
    settle(page)


def type_formula(page, text: str) -> None:
    box = page.locator(".st-key-pg-formula input")
    box.fill(text)
    box.press("Enter")
    time.sleep(0.3)
    settle(page)


def test_formula_box_good_bad_and_example(page, app_url):
    link = f"{app_url}/?" + urlencode({"objective": "custom", "formula": ROSENBROCK, "domain": "-2,2,-1,3",
                                       "x0": "-1.5", "y0": "2"})
    page.set_viewport_size({"width": 1600, "height": 1300})  # tall enough to show the sidebar's message
    open_app(page, link, 1)
    no_exception(page)
    assert page.get_by_test_id("stAlert").count() == 0
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.locator(".katex").count() >= 1, "the gradient is typeset"
    assert "∂f" in sidebar.inner_text() or "∂" in sidebar.inner_text()
    wait_for(lambda: page.locator(".st-key-pg-formula input").input_value() == ROSENBROCK, "the formula in its box")
    shot(page, "browser_formula_rosenbrock")

    type_formula(page, "x^2 + 10*z")
    alert = sidebar.get_by_test_id("stAlert")
    wait_for(lambda: alert.count() == 1)
    assert "unknown name 'z' at column 10" in alert.inner_text()
    assert page.locator(".st-key-pg-formula input").input_value() == "x^2 + 10*z"
    assert query(page)["formula"] == [ROSENBROCK]  # the link keeps the last function that worked
    assert page.locator(".js-plotly-plot").count() >= 1
    no_exception(page)
    shot(page, "browser_formula_bad")

    page.locator(".st-key-pg-example").get_by_text("sin(x)*cos(y) + 0.1*(x^2 + y^2)").click()
    wait_for(lambda: query(page).get("formula") == ["sin(x)*cos(y) + 0.1*(x^2 + y^2)"])
    settle(page)
    assert sidebar.get_by_test_id("stAlert").count() == 0
    assert query(page)["domain"] == ["-5,5,-5,5"]
    no_exception(page)
    shot(page, "browser_formula_example")


def test_bad_formula_link_opens_with_one_message(page, app_url):
    page.set_viewport_size({"width": 1600, "height": 1300})
    open_app(page, f"{app_url}/?" + urlencode({"objective": "custom", "formula": "x^2 + y^^2"}), 1)
    alerts = page.get_by_test_id("stAlert")
    assert alerts.count() == 1
    assert "formula=x^2 + y^^2" in alerts.inner_text()
    has_value(page.locator(".st-key-pg-formula input"), "x^2 + y^^2")
    no_exception(page)
    shot(page, "browser_formula_bad_link")


def test_minibatch_page_upload_and_bad_file(page, app_url, tmp_path):
    open_app(page, f"{app_url}/minibatch", 3)
    no_exception(page)
    page.get_by_test_id("stDataFrame").wait_for()
    assert page.get_by_text("b is the steep direction").count() == 1
    page.set_viewport_size({"width": 1600, "height": 1900})
    time.sleep(1)
    shot(page, "browser_minibatch")

    upload_good_csv(page, tmp_path)
    assert query(page)["data"] == ["upload"]
    no_exception(page)
    shot(page, "browser_minibatch_upload")

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    alert = page.get_by_test_id("stSidebar").get_by_test_id("stAlert")
    wait_for(lambda: alert.count() == 1, timeout=60)
    settle(page)
    assert "row 3, column 2: 'four' is not a number" in alert.inner_text()
    assert page.locator(".js-plotly-plot").count() == 3  # still training, on the generated data
    no_exception(page)
    shot(page, "browser_minibatch_bad_csv")
    assert (ARTIFACTS / "browser_minibatch_bad_csv.png").exists()

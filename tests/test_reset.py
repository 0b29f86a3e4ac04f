"""Every page's "Reset to defaults" button: after any change, one click brings the default view, widgets and address."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.router import PAGES
from ui.state import page_key

ROOT = Path(__file__).resolve().parents[1]
CHANGES = {
    "playground": {"steps": "37", "opt": ["adam"]},
    "compare": {"steps": "37", "c1": "gd"},
    "sweep": {"steps": "37", "opt": "gd"},
    "tune": {"steps": "37"},
    "basins": {"steps": "37", "res": "50"},
    "minibatch": {"epochs": "7"},
    "inside": {"steps": "37", "view": "zigzag"},
    "train": {"epochs": "7", "width": "8"},
}
"""Registered page with a link -> a link that changes its view."""
LINKED = [p for p in PAGES if p.linked]


def query(at: AppTest) -> dict[str, list[str]]:
    return {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in at.query_params.items()}


@pytest.mark.parametrize("page", LINKED, ids=[p.slug for p in LINKED])
def test_reset_brings_the_default_view_back(page):
    link = CHANGES[page.slug]  # a KeyError here: a new page needs a link that changes its view
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in link.items():
        at.query_params[k] = v
    at.switch_page(page.file)
    at.run()
    assert not at.exception
    want = {k: v for k, v in page.encode(page.default()).items() if v}
    assert query(at) != want, "the link changed the view"
    at.button(key=page_key(page.prefix, "reset")).click().run()
    assert not at.exception and not at.error and not at.warning
    assert query(at) == want
    at.run()  # and it stays so
    assert query(at) == want

"""Every page's "Reset to defaults" button: after any change, one click brings the default view, widgets and address."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.basinstate import default_basins, encode_basins
from ui.inside import default_inside, encode_inside
from ui.minibatch import MiniBatchState, encode_minibatch
from ui.model import default_compare, default_playground
from ui.sweepstate import default_sweep, encode_sweep
from ui.tunestate import default_tune, encode_tune
from ui.urlstate import encode_compare, encode_playground

ROOT = Path(__file__).resolve().parents[1]
# page: (its file, its default state and encoder, a link that changes its view)
PAGES = {
    "pg": ("pages/playground.py", default_playground, encode_playground, {"steps": "37", "opt": ["adam"]}),
    "cmp": ("pages/compare.py", default_compare, encode_compare, {"steps": "37", "c1": "gd"}),
    "sw": ("pages/sweep.py", default_sweep, encode_sweep, {"steps": "37", "opt": "gd"}),
    "tn": ("pages/tune.py", default_tune, encode_tune, {"steps": "37"}),
    "bs": ("pages/basins.py", default_basins, encode_basins, {"steps": "37", "res": "50"}),
    "mb": ("pages/minibatch.py", MiniBatchState, encode_minibatch, {"epochs": "7"}),
    "in": ("pages/inside.py", default_inside, encode_inside, {"steps": "37", "view": "zigzag"}),
}


def query(at: AppTest) -> dict[str, list[str]]:
    return {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in at.query_params.items()}


@pytest.mark.parametrize("prefix", list(PAGES))
def test_reset_brings_the_default_view_back(prefix):
    path, default, encode, link = PAGES[prefix]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in link.items():
        at.query_params[k] = v
    at.switch_page(path)
    at.run()
    assert not at.exception
    want = {k: v for k, v in encode(default()).items() if v}
    assert query(at) != want, "the link changed the view"
    at.button(key=f"_{prefix}.reset").click().run()
    assert not at.exception and not at.error and not at.warning
    assert query(at) == want
    at.run()  # and it stays so
    assert query(at) == want

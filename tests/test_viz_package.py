"""The viz package itself: it never mentions Streamlit, its public API is documented, its doctests pass.

viz builds plain figure dicts so it can be tested (and reused) without the app; these tests keep it that way.
"""

import doctest
import pathlib
import re

import pytest

import viz
from viz import colors, domain, layout, levels, losses, multiples, series, surface, theme, traces

VIZ = pathlib.Path(viz.__file__).parent


def test_viz_never_imports_streamlit():
    for path in VIZ.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+streamlit", text, re.M), path
        assert "streamlit" not in text, path  # not even in prose, so a plain grep stays clean


def test_public_api():
    assert set(viz.__all__) >= {"Series", "palette", "fit_domain", "contour_figure", "surface_figure",
                                "loss_figure", "small_multiples"}
    for name in viz.__all__:
        assert getattr(viz, name).__doc__


@pytest.mark.parametrize("module", [viz, colors, domain, layout, levels, losses, multiples, series, theme,
                                    surface, traces, viz.contour], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    assert module.__doc__
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0

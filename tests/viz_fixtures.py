"""The series the viz figure tests share, as pytest fixtures: ``bowl_series`` (two steady runs) and ``diverging``.

A test module loads this file as a plugin, ``pytest_plugins = ["viz_fixtures"]``, rather than importing the
fixtures: an imported fixture reads as an unused import that the test's argument then shadows (ruff F401, F811),
and a module imported before pytest loads it as a plugin loses assertion rewriting.
"""

from __future__ import annotations

import pytest
from viz_runs import run

import viz


@pytest.fixture(scope="module")
def bowl_series():
    """GD and RMSprop on the bowl; neither diverges."""
    runs = [("GD · lr=0.1", run("gd", lr=0.1)),
            ("RMSprop · lr=0.1, decay=0.9", run("rmsprop", lr=0.1, decay=0.9))]
    return [viz.Series(label, color, t) for (label, t), color in zip(runs, viz.palette(2), strict=True)]


@pytest.fixture(scope="module")
def diverging():
    """GD with lr=0.2 on the bowl: y is multiplied by -3 each step and passes 1e8 at step 17."""
    t = run("gd", lr=0.2)
    assert t.diverged_at == 17
    return viz.Series("GD · lr=0.2", "#d55e00", t)

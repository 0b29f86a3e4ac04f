"""One spec per optimizer says everything about it: every spec is complete, and one more spec is all a new
optimizer needs to appear in every picker, in the equations and on the Inside page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optim
import viz
from optim.spec import UNSET, Flavor, OptimizerSpec, Rule, View

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
def test_every_spec_is_complete(name):
    assert optim.problems(optim.OPTIMIZERS[name]) == []


def test_colours_are_the_optimizers_own_and_leave_the_variant_free():
    colors = [spec.color.lower() for spec in optim.OPTIMIZERS.values()]
    assert len(set(colors)) == len(colors)
    assert viz.VARIANT_COLOR.lower() not in colors
    # The eleven classic optimizers keep the colours they always wore.
    assert colors[:11] == [c.lower() for c in viz.palette(11)]


def test_every_series_colour_reads_on_the_dark_page():
    """Loss curves and legends are drawn on the page itself: black AdamW, Rprop's brown, Adamax's indigo and Adam's
    wine were 1.1 to 2.2:1 on the dark theme's page, all but gone (3:1 is the least for a graphic to read)."""
    colors = [spec.color for spec in optim.OPTIMIZERS.values()] + list(viz.colors.SERIES_COLORS)
    faint = {c: round(viz.colors.contrast(c, viz.colors.DARK_PAGE), 2) for c in colors
             if viz.colors.contrast(c, viz.colors.DARK_PAGE) < 3}
    assert not faint


class SignumState(NamedTuple):
    t: int
    m: np.ndarray


def signum(lr, momentum) -> Rule:
    """Sign of the momentum: a throwaway optimizer for these tests."""

    def step(p, g, s):
        m = momentum * s.m + (1 - momentum) * g
        return p - lr * np.sign(m), SignumState(s.t + 1, m)

    return Rule(lambda p: SignumState(0, np.zeros_like(p)), step)


THROWAWAY = OptimizerSpec(
    "throwaway_signum", "Throwaway signum", "Steps by the sign of the momentum (a test's own optimizer).",
    {"textbook": Flavor(signum, ("lr", "momentum"), {"lr": 0.05, "momentum": 0.9})},
    second="momentum",
    equations=lambda flavor, hp: ([("m", "momentum*m + (1 - momentum)*g"), ("x", "x - lr*sign(m)")], ["m_0 = 0."]),
    state_fields={"m": "m"}, buffers={"m": "m: the momentum."}, average=View("m", "m"), squares=None,
    family="momentum", color="#123456",
)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (dict(color=UNSET), "throwaway_signum: color is not set."),
        (dict(equations=UNSET), "throwaway_signum: equations is not set."),
        (dict(buffers={}), "buffers does not say what state field 'm' means"),
        (dict(state_fields={"m": "velocity"}), "state_fields maps 'm' to 'velocity'"),
        (dict(average=View("velocity", "v")), "average reads state field 'velocity'"),
        (dict(family="mystery"), "family must be one of"),
        (dict(color="blue"), "color must be '#rrggbb'"),
        (dict(equations=lambda f, hp: ([("x", "x - lr*q")], [])), "equations do not render"),
    ],
)
def test_a_spec_that_leaves_something_out_is_told_what(change, named):
    assert optim.problems(THROWAWAY) == []
    assert any(named in p for p in optim.problems(replace(THROWAWAY, **change))), optim.problems(
        replace(THROWAWAY, **change))


@pytest.fixture
def registered(monkeypatch):
    """THROWAWAY in the registry for one test, as a file under optim/rules/ would put it."""
    monkeypatch.setitem(optim.OPTIMIZERS, THROWAWAY.name, THROWAWAY)
    return THROWAWAY


def test_a_registered_spec_runs_and_has_equations(registered):
    opt = optim.make_optimizer(registered.name)
    traj = optim.run(opt, "quadratic", x0=[1.0, 1.0], steps=20)
    assert traj.losses[-1] < traj.losses[0]
    assert optim.latex(opt)[-1] == r"x_t = x_{t-1} - \eta \operatorname{sign}{\left(m_t \right)}"


def app(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


PICKER_PAGES = ["pages/playground.py", "pages/compare.py", "pages/sweep.py", "pages/basins.py", "pages/tune.py",
                "pages/inside.py", "pages/train.py"]


@pytest.mark.parametrize("page", PICKER_PAGES)
def test_a_registered_spec_appears_in_every_optimizer_picker(registered, page):
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    pickers = [w for w in [*at.selectbox, *at.multiselect] if "Gradient descent" in w.options]
    assert pickers, f"{page} has no optimizer picker"
    for w in pickers:
        assert registered.title in w.options, (page, w.label)


def test_a_registered_spec_is_looked_inside(registered):
    at = app("pages/inside.py", {"view": "anatomy", "opt": [registered.name]})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    tex = [m.value for m in at.latex]
    assert any(r"\operatorname{sign}" in t for t in tex), tex
    assert registered.summary in [c.value for c in at.caption]

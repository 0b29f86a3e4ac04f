"""The optimizers of issue 14 open on every page that runs optimizers, and a page that cannot afford one says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import ok, open_app
from streamlit.testing.v1 import AppTest

import optim

ROOT = Path(__file__).resolve().parents[1]


def app(page: str, query: dict | None = None) -> AppTest:
    return open_app(page, query)


NEW = ["adabelief", "yogi", "lamb", "adafactor", "lion", "muon", "schedule_free_adamw", "rprop", "asgd", "lbfgs",
       "newton"]


@pytest.mark.parametrize("name", NEW)
def test_sweep_runs_each_new_optimizer(name):
    """Optimizers whose settings are not decays (history size, damping, ...) sweep the learning rate alone."""
    at = app("pages/sweep.py", {"opt": name, "flavor": optim.OPTIMIZERS[name].default_flavor, "lr.n": "8",
                                "steps": "50"})
    ok(at)


@pytest.mark.parametrize("chunk", [NEW[:4], NEW[4:8], NEW[8:]], ids=["first", "middle", "last"])
def test_compare_and_basins_run_the_new_optimizers(chunk):
    query = {"steps": "30"}
    for i, name in enumerate(chunk, 1):
        query.update({f"c{i}": name, f"c{i}.flavor": optim.OPTIMIZERS[name].default_flavor})
    ok(app("pages/compare.py", query))
    ok(app("pages/basins.py", dict(query, res="20")))


def test_a_basin_map_of_lbfgs_with_its_line_search_says_what_it_costs():
    at = app("pages/basins.py", {"c1": "lbfgs", "c1.flavor": "torch", "c1.line_search": "true", "c2": "gd",
                                 "res": "100", "steps": "300"})
    assert not at.exception
    assert any("L-BFGS costs 8e+03 times a built-in one per step" in e.value for e in at.error), \
        [e.value for e in at.error]


@pytest.mark.parametrize("chunk", [NEW[:3], NEW[3:6], NEW[6:9], NEW[9:]])
def test_inside_looks_inside_the_new_optimizers(chunk):
    at = app("pages/inside.py", {"view": "anatomy", "opt": chunk})
    ok(at)
    assert len(at.latex) > len(chunk)  # each one's update equations

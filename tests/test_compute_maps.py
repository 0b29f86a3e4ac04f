"""The objective's grids and levels that pages pass to the figures (``ui.compute.objective_grids`` and
``objective_levels``): the same as the figures would compute themselves, computed once per objective and
domain so a rerun that moves only the paths skips them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import optim
from ui.compute import objective_for, objective_grids, objective_levels
from ui.model import Setup
from viz.levels import LEVEL_GRID, grid_values, map_levels

ROSENBROCK = Setup(objective="rosenbrock", objective_params=())
DOMAIN = ((-2.0, 2.0), (-1.0, 3.0))


def test_the_levels_are_the_ones_a_figure_picks_and_are_picked_once():
    levels = objective_levels(ROSENBROCK)
    first = levels(DOMAIN, None)
    assert first == map_levels(optim.get_objective("rosenbrock"), DOMAIN) and first.log
    assert objective_levels(ROSENBROCK)(((-2, 2), (-1, 3)), None) is first  # integers name the same domain
    linear = levels(DOMAIN, False)
    assert linear == map_levels(objective_for(ROSENBROCK), DOMAIN, log=False) and not linear.log
    wider = levels(((-3.0, 3.0), (-1.0, 3.0)), None)
    assert wider is not first and wider == map_levels(objective_for(ROSENBROCK), ((-3.0, 3.0), (-1.0, 3.0)))


def test_the_levels_follow_the_objective_s_parameters():
    steep = replace(Setup(), objective_params=(("a", 1.0), ("b", 100.0)))
    flat, tall = objective_levels(Setup())(DOMAIN, None), objective_levels(steep)(DOMAIN, None)
    assert tall != flat and tall == map_levels(objective_for(steep), DOMAIN)
    assert flat == map_levels(objective_for(Setup()), DOMAIN)


def test_the_grids_are_the_objective_s_values_and_are_evaluated_once():
    grids = objective_grids(ROSENBROCK)
    g = grids(DOMAIN, LEVEL_GRID)
    expected = grid_values(optim.get_objective("rosenbrock"), DOMAIN, LEVEL_GRID)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(g, expected, strict=True))
    assert grids(DOMAIN, LEVEL_GRID) is g

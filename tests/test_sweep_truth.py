"""The Sweep page says what each run did: when it reached the tolerance, left it and stayed within it, the run's
own losses (not the map's colour floor, in the cell's card or the map's hover), and a share of diverged runs that
is never rounded to 0% or 100%.
"""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import figures, ok, open_app
from figure_helpers import read_array

import optim
from ui.sweep.panel import diverged_text, gap_text
from viz.sweepmap import SweepGrid, sweep_figure

TOL = "loss above the minimum ≤ 0.0001"
"""The tolerance as the cards name it (``ui.report.status``, the Playground's words)."""
ONE_CELL = {"objective": "quadratic", "x0": "1.5", "y0": "1.5", "steps": "100", "tol": "0.0001",
            "criterion": "loss_gap", "opt": "rmsprop", "second": "decay", "lr.min": "0.1", "lr.max": "0.1",
            "lr.n": "1", "second.n": "1", "cell": "0,0"}
"""One RMSprop run on the quadratic bowl (lr 0.1), its decay set by the test."""
ROW_OF_GD = {"objective": "quadratic", "x0": "1.5", "y0": "1.5", "steps": "100", "opt": "gd", "second": "none",
             "lr.min": "0.0001", "lr.max": "0.1101", "lr.n": "300"}
"""300 learning rates of gradient descent: only the largest diverges, and the best run ends below 1e-16."""


def rmsprop(decay: float) -> optim.Trajectory:
    """The run ``ONE_CELL`` shows, computed here on its own."""
    return optim.run(optim.make_optimizer("rmsprop", lr=0.1, decay=decay), "quadratic", x0=[1.5, 1.5], steps=100,
                     tol=1e-4, criterion="loss_gap")


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def sweep(query: dict):
    at = open_app("pages/sweep.py", query, timeout=90)
    ok(at)
    return at


def test_a_run_that_reached_the_tolerance_and_left_it_is_not_told_it_never_reached_it():
    t = rmsprop(0.5)
    assert (t.reached_at, t.left_at, t.converged_at) == (19, 23, -1)  # the case: in at 19, out at 23, not back
    at = sweep({**ONE_CELL, "second.min": "0.5", "second.max": "0.5"})
    lines = markdown(at)
    assert not any("Never reached" in line for line in lines)
    said = f":orange[Not converged: reached {TOL} at step 19 but left it at step 23 and ended outside it]"
    assert f"{said}. Final f − f* = 0.0275, best 3.35e-06." in lines


def test_a_run_that_came_back_gives_the_first_step_within_and_the_step_it_stayed_from():
    t = rmsprop(0.9)
    assert (t.reached_at, t.left_at, t.converged_at) == (25, 90, 98)
    lines = markdown(sweep({**ONE_CELL, "second.min": "0.9", "second.max": "0.9"}))
    assert any(line.startswith(f":green[Converged at step 98 ({TOL} from then on); it first got there at step 25, "
                               "left at step 90 and came back]") for line in lines)
    assert not any("got there at step 98" in line for line in lines)  # 98 is not when it first got there


def test_the_steps_view_names_its_grey_cells_for_what_they_mean():
    at = sweep({**ONE_CELL, "second.min": "0.5", "second.max": "0.5", "outcome": "steps"})
    (fig,) = figures(at)
    names = [t.get("name") for t in fig["data"]]
    assert "never stayed within f − f* ≤ 0.0001" in names and "never stayed within" in names
    assert not any("never reached" in str(n) for n in names)  # this run did reach it, at step 19
    assert "stayed within the tolerance to its last step" in at.segmented_control(key="sw.outcome").help


def test_one_diverged_run_of_300_is_not_zero_percent_and_the_best_run_its_own_loss():
    lrs = np.geomspace(1e-4, 0.1101, 300)
    s = optim.run(optim.make_optimizer("gd", lr=lrs), "quadratic", x0=[1.5, 1.5], steps=100, record="final")
    assert int((s.diverged_at >= 0).sum()) == 1
    best = optim.run(optim.make_optimizer("gd", lr=float(lrs[np.argmin(np.abs(lrs - 0.08711))])), "quadratic",
                     x0=[1.5, 1.5], steps=100)
    assert 0 < best.final_loss < 1e-16  # below the map's colour floor
    at = sweep(ROW_OF_GD)
    assert "1 of the 300 runs diverged." in [c.value for c in at.caption]
    assert not any("% of the 300" in c.value for c in at.caption)
    own = f"Final f − f* = {best.final_loss:.3g}, best {best.best_loss:.3g}."
    assert own == "Final f − f* = 5.32e-17, best 5.32e-17."
    assert any(line.endswith(own) for line in markdown(at))
    assert not any("1e-16" in line for line in markdown(at))


@pytest.mark.parametrize(("runs", "said"), [
    (np.arange(300) == 0, "1 of the 300 runs diverged."),
    (np.arange(300) > 0, "299 of the 300 runs diverged."),
    (np.arange(1000) < 4, "4 of the 1,000 runs diverged."),
    (np.arange(300) < 3, "1% of the 300 runs diverged."),
    (np.zeros(300, bool), "0% of the 300 runs diverged."),
    (np.ones(3600, bool), "100% of the 3,600 runs diverged."),
    (np.array([True]), "The run diverged."),
])
def test_the_diverged_share_rounds_to_zero_or_all_only_when_it_is(runs, said):
    assert diverged_text(runs) == said


def test_a_gap_below_zero_is_round_off_not_a_negative_value():
    assert gap_text(5.316073222710149e-17) == "5.32e-17"
    assert gap_text(0.0) == gap_text(-1.4e-14) == "0 to float64 precision"


def test_the_loss_map_hover_gives_each_runs_own_value_not_the_colour_floor():
    grid = SweepGrid(np.array([0.01, 0.1, 1.0]), np.array([np.nan]), None,
                     final_loss=np.array([[5.3e-17, 0.0, 1.0]]), best_loss=np.array([[5.3e-17, 0.0, 1.0]]),
                     converged_at=np.array([[10, 5, -1]]), diverged_at=np.array([[-1, -1, -1]]), steps=100, f_min=0.0)
    fig = sweep_figure(grid, "final_loss")
    (shown,) = [t for t in fig["data"] if t["meta"] == "outcome"]
    z = read_array(shown["z"]).reshape(1, 3)
    assert z[0, 0] == pytest.approx(np.log10(5.3e-17), abs=1e-5)  # 10^-16.28 in the hover, not the floor 10^-16
    assert shown["zmin"] == pytest.approx(-16.0) and np.isnan(z[0, 1])  # colours still stop at 1e-16
    (zero,) = [t for t in fig["data"] if t["meta"] == "round-off"]
    assert read_array(zero["z"]).reshape(1, 3)[0, 1] == 1.0
    assert "f − f* = 0 to float64 precision" in zero["hovertemplate"]

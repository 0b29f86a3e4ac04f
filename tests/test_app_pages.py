"""AppTest for the Playground and what every page shares: a bad link gives one message naming each value, and
each page keeps its own settings when the person switches between pages (Compare: ``test_app_compare.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_helpers import (
    caption_lines,
    charts,
    figures,
    link,
    ok,
    one_message,
    open_app,
    open_run_settings,
    open_settings,
    param,
    reopen,
    result_cards,
    send_chart_event,
)
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

import optim
from ui.model import default_playground
from ui.urlstate import encode_playground

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query, timeout=60)


def results(at: AppTest) -> list[str]:
    """The Playground's per-optimizer result lines."""
    return [m.value for m in at.markdown
            if "Final" in m.value or m.value.startswith(":") or m.value.startswith("**")]


def figure(at: AppTest, i: int = 0) -> dict:
    """The ``i``-th figure on the page, as the browser receives it."""
    return figures(at)[i]


def shown_step(at: AppTest) -> int:
    """The step the Playground's figure opens at: the step control's value, one of its stops."""
    table = figure(at)["step"]
    assert table["value"] in list(read_array(table["stops"]))
    return int(table["value"])


@pytest.mark.parametrize(("page", "query", "words", "drawn"), [
    ("inside", {"view": "sideways", "rmsprop.lr": "0", "zz.steps": "lots"},
     ("view=sideways", "rmsprop.lr=0", "zz.steps=lots"), 3),
    ("sweep", {"lr.min": "0.5", "lr.max": "0.01", "second.n": "0"},  # an empty range, an out-of-range count
     ("range is empty", "second.n=0", "from 1 to 512"), 1),
    ("minibatch", {"batch": "0", "model": "deep", "gd.lr": "x"}, ("batch=0", "model=deep", "gd.lr=x"), 3),
])
def test_a_bad_link_gives_one_message_naming_each_value_and_the_page_still_draws(page, query, words, drawn):
    at = open_app(f"pages/{page}.py", query, timeout=90)
    ok(at)
    one_message(at.warning, *words)
    assert charts(at) == drawn


# ---------------------------------------------------------------- Playground


def test_playground_default_view_is_seed_000():
    at = app()
    ok(at)
    assert not at.warning
    assert charts(at) == 1  # contour map, 3D surface and loss curves in one figure, with the step control
    assert shown_step(at) == 100
    metas = [t.get("meta") for t in figure(at)["data"]]
    assert {"contour", "surface", "loss"} <= set(metas)
    # Each run's markers on the contour, the surface and the loss panel: RMSprop's with where it converged.
    assert metas.count("markers") == 2 * 2 + 1 and metas.count("step-marker") == 1
    lines = results(at)
    text = "\n".join(lines)
    assert "**Gradient descent**" in text and "**RMSprop**" in text
    # GD with lr 0.1 on x^2 + 10 y^2 bounces between y = +-1.5 forever; RMSprop settles.
    assert "Final loss 22.5" in text
    assert "Converged at step" in text and "Not converged in 100 steps" in text
    assert param(at, "opt") == ["gd", "rmsprop"]
    assert param(at, "rmsprop.eps_in_sqrt") == ["false"] and param(at, "gd.lr") == ["0.1"]
    assert at.get("download_button")


def test_the_default_cards_say_only_what_the_runs_did():
    """Every step a card names is checked against the core's losses: RMSprop got within 1e-4 of the minimum
    at step 25, left at 90 and stayed from 98 on (it is not "converged at step 25"); the card says why."""
    at = app()
    ok(at)
    bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
    cards = {m.value.split("**")[1]: None for m in at.markdown if m.value.startswith("**")}
    statuses = [lines[-1] for lines in result_cards(at)]
    for (name, key), text in zip((("Gradient descent", "gd"), ("RMSprop", "rmsprop")), statuses, strict=True):
        assert name in cards
        opt = optim.make_optimizer(key, **({"lr": 0.1} if key == "gd" else {"lr": 0.1, "decay": 0.9,
                                                                            "eps_in_sqrt": False}))
        gap = optim.run(opt, bowl, x0=[1.5, 1.5], steps=100).losses - bowl.f_min
        within = gap <= 1e-4
        steps = [int(n) for n in re.findall(r"step (\d+)", text)]
        if "Converged at step" in text:
            k = steps[0]
            assert within[k:].all() and not within[k - 1], (name, text)
            if "first got there" in text:
                reached, left = steps[1:3]
                assert within[reached] and not within[:reached].any()
                assert not within[left] and within[reached:left].all()
        else:
            assert "Not converged" in text and not within[-1]
    assert "Converged at step 98" in statuses[1] and "first got there at step 25, left at step 90" in statuses[1]
    assert any("effective learning rate grew" in c.value for c in at.caption)


def test_a_run_that_barely_moved_says_why_and_offers_a_learning_rate_that_moves():
    """Adam at its library default lr 0.001 moves 0.14 in 100 steps on the default bowl, 2.1 from the minimum."""
    at = app({"opt": ["gd", "rmsprop", "adam"], "adam.lr": "0.001"})
    ok(at)
    assert any(line.startswith("Barely moved: 0.14 in 100 steps") for line in caption_lines(at))
    (button,) = [b for b in at.button if b.label.startswith("Try lr = ")]
    button.click().run()
    ok(at)
    assert param(at, "adam.lr") == ["0.03"]
    assert at.select_slider(key="pg.opt.adam.lr").value == 0.03  # its settings, closed until now, open to show it
    assert not any(line.startswith("Barely moved") for line in caption_lines(at))


def test_under_a_one_cycle_schedule_a_slow_run_is_told_to_raise_max_lr_not_lr():
    """One-cycle's max_lr replaces the optimizer's learning rate: a "Try lr" button would change nothing."""
    at = app({"opt": ["adam"], "adam.lr": "0.001", "adam.schedule": "one_cycle", "adam.schedule.max_lr": "0.0001",
              "adam.schedule.total_steps": "100"})
    ok(at)
    (line,) = [line for line in caption_lines(at) if line.startswith("Barely moved")]
    assert "peaks at max_lr = 0.0001, which replaces the optimizer's learning rate" in line
    assert not [b for b in at.button if b.label.startswith("Try lr = ")]


def test_a_run_resting_in_a_local_minimum_is_not_called_slow():
    """Ackley lists only its global minimum; a run stuck in a local one is at rest, and a larger rate is no cure."""
    at = app({"objective": "ackley", "opt": ["gd"], "gd.lr": "0.01", "x0": "2.9", "y0": "2.0"})
    ok(at)
    (line,) = [line for line in caption_lines(at) if line.startswith("Barely moved")]
    assert "It came to rest where the gradient vanishes: a local minimum or a saddle point" in line
    assert "takes steps too small" not in line
    assert not [b for b in at.button if b.label.startswith("Try lr = ")]


def test_playground_changing_an_optimizer_changes_results():
    at = app()
    before = results(at)
    at.multiselect(key="pg.optimizers").set_value(["gd", "adam"]).run()
    ok(at)
    after = results(at)
    assert after != before
    assert any("**Adam**" in line for line in after)
    assert param(at, "opt") == ["gd", "adam"]


def test_playground_learning_rate_too_large_diverges_honestly():
    at = app()
    at.select_slider(key="pg.opt.gd.lr").set_value(0.2).run()
    ok(at)
    assert any("Diverged at step" in line and "learning rate too large?" in line for line in results(at))
    assert param(at, "gd.lr") == ["0.2"]


def test_playground_changing_the_objective_moves_start_and_results():
    at = app()
    before = results(at)
    at.selectbox(key="pg.objective").set_value("himmelblau").run()
    ok(at)
    assert results(at) != before
    assert at.number_input(key="pg.x0").value == -0.5  # Himmelblau's own start point
    assert param(at, "objective") == ["himmelblau"]


def test_playground_flavor_and_objective_parameter_change_results():
    at = app()
    before = results(at)
    at.select_slider(key="pg.objective.quadratic.b").set_value(2.0).run()
    ok(at)
    mid = results(at)
    assert mid != before
    at.segmented_control(key="pg.flavor").set_value("torch").run()
    ok(at)
    assert results(at) != mid
    assert param(at, "flavor") == ["torch"]


def test_playground_link_step_opens_the_figure_at_that_step():
    """The step slider lives in the figure (it moves the markers without a rerun); a link's step
    is where it opens, and stays in the address."""
    at = app({"step": "10"})
    ok(at)
    assert shown_step(at) == 10
    assert param(at, "step") == ["10"]
    open_run_settings(at, "pg")
    assert shown_step(at) == 10 and param(at, "step") == ["10"]  # opening the run settings changes nothing
    at.number_input(key="pg.steps").set_value(10).run()  # the step is now the last one: no step= needed
    ok(at)
    assert shown_step(at) == 10 and "step" not in at.query_params


def test_playground_zero_learning_rate_in_link_gives_one_message_and_defaults():
    at = app({"gd.lr": "0"})
    ok(at)
    one_message(at.warning, "gd.lr=0", "out of range")
    assert at.select_slider(key="pg.opt.gd.lr").value == 0.1
    assert "Final loss 22.5" in "\n".join(results(at))
    # The page still works: change something and the message goes away.
    at.select_slider(key="pg.opt.gd.lr").set_value(0.05).run()
    ok(at)
    assert not at.warning


def test_playground_garbage_link_opens_with_defaults():
    at = app({"objective": "nope", "steps": "abc", "x0": "1e9", "opt": ["gd", "zzz"], "flavor": "jax",
              "rmsprop.lr": "-1", "foo": "bar"})
    ok(at)
    one_message(at.warning, "objective=nope", "steps=abc", "x0=1e9", "opt=zzz", "flavor=jax", "foo")
    assert at.selectbox(key="pg.objective").value == "quadratic"
    assert open_run_settings(at, "pg").number_input(key="pg.steps").value == 100
    assert at.multiselect(key="pg.optimizers").value == ["gd"]


def test_a_rerun_that_brings_an_address_the_page_wrote_before_keeps_the_change():
    """A person moves a second control before the browser has taken the address of their first move: the rerun
    comes with the page's own older address, which must not be taken for a link (it would undo both moves)."""
    at = app()
    at.select_slider(key="pg.opt.gd.lr").set_value(0.05).run()
    behind = link(at)  # the address after the first move
    at.select_slider(key="pg.opt.gd.lr").set_value(0.02).run()
    for k, v in behind.items():
        at.query_params[k] = v
    at.select_slider(key="pg.opt.rmsprop.lr").set_value(0.05).run()
    ok(at)
    assert at.select_slider(key="pg.opt.gd.lr").value == 0.02 and param(at, "gd.lr") == ["0.02"]
    assert at.select_slider(key="pg.opt.rmsprop.lr").value == 0.05 and param(at, "rmsprop.lr") == ["0.05"]


def test_playground_link_reopens_the_same_view():
    state = default_playground()
    at = app()
    at.multiselect(key="pg.optimizers").set_value(["gd", "rmsprop", "adam"]).run()
    assert not any(w.key == "pg.opt.adam.lr" for w in at.select_slider)  # the third one's settings start closed
    open_settings(at, "adam")
    at.select_slider(key="pg.opt.adam.lr").set_value(0.05).run()
    at.number_input(key="pg.x0").set_value(-2.0).run()
    at = app({**link(at), "step": "42"})
    again = reopen(at, timeout=60)
    assert again.multiselect(key="pg.optimizers").value == ["gd", "rmsprop", "adam"]
    assert open_settings(again, "adam").select_slider(key="pg.opt.adam.lr").value == 0.05
    assert again.number_input(key="pg.x0").value == -2.0
    assert shown_step(again) == 42 and param(again, "step") == ["42"]
    assert results(again) == results(at)
    assert encode_playground(state)["opt"] == ["gd", "rmsprop"]


def test_a_playground_flavor_switch_brings_each_librarys_defaults():
    at = app()
    at.segmented_control(key="pg.flavor").set_value("torch").run()
    ok(at)
    assert param(at, "rmsprop.decay") == ["0.99"] and param(at, "rmsprop.lr") == ["0.1"]  # lr 0.1 was chosen
    assert any(line.startswith("PyTorch's defaults except lr = 0.1") for line in caption_lines(at))


def test_a_click_on_the_playground_s_contour_map_starts_the_runs_at_a_tidy_point_near_it():
    at = app({"opt": "gd", "steps": "50"})
    fig = figures(at)[0]
    contour = fig["data"][0]
    assert contour["meta"] == "contour"
    gx, gy = read_array(contour["x"]), read_array(contour["y"])
    x, y = float(gx[30]), float(gy[90])  # a grid node of the map, as plotly.js reports a click on it
    at = send_chart_event(at, "pg.charts", "click", {"x": x, "y": y, "z": None, "curve": 0, "point": [90, 30],
                                                     "customdata": None})
    ok(at)
    x0, y0 = at.number_input(key="pg.x0").value, at.number_input(key="pg.y0").value
    assert (x0, y0) != (x, y) and abs(x0 - x) < 0.01 and abs(y0 - y) < 0.01  # 10 / 30 apart: two decimals
    assert x0 == round(x0, 2) and y0 == round(y0, 2)
    assert link(at)["x0"] == [f"{x0:g}"] and link(at)["y0"] == [f"{y0:g}"]
    markers = [t for t in figures(at)[0]["data"] if t.get("meta") == "markers"][0]  # the contour's: start first
    assert [float(markers["x"][0]), float(markers["y"][0])] == [x0, y0]


# ---------------------------------------------------------------- Between pages


@pytest.mark.parametrize("page", [None, "pages/compare.py"])
def test_switching_pages_keeps_each_pages_state(page):
    at = app()
    at.select_slider(key="pg.opt.gd.lr").set_value(0.05).run()
    at.switch_page("pages/compare.py").run()
    ok(at)
    assert not at.warning  # the Playground's address is not a bad link to Compare
    at.switch_page("pages/playground.py").run()
    ok(at)
    assert at.select_slider(key="pg.opt.gd.lr").value == 0.05

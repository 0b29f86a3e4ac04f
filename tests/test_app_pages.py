"""AppTest for every page: renders cleanly, widgets change results, bad links give one message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_helpers import (
    charts,
    figures,
    link,
    ok,
    one_message,
    open_app,
    open_cards,
    open_run_settings,
    open_settings,
    param,
    reopen,
)
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

import optim
from ui.model import default_compare, default_playground
from ui.urlstate import encode_compare, encode_playground

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query, timeout=60)


def compare(query: dict | None = None) -> AppTest:
    return app(query, "pages/compare.py")


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
    assert {"contour", "surface", "loss"} <= set(metas) and metas.count("step-marker") == 3 * 2
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
    statuses = [m.value for m in at.markdown if m.value.startswith(":")]
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
    assert any(c.value.startswith("Barely moved: 0.14 in 100 steps") for c in at.caption)
    (button,) = [b for b in at.button if b.label.startswith("Try lr = ")]
    button.click().run()
    ok(at)
    assert param(at, "adam.lr") == ["0.03"]
    assert at.select_slider(key="pg.opt.adam.lr").value == 0.03  # its settings, closed until now, open to show it
    assert not any(c.value.startswith("Barely moved") for c in at.caption)


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


# ---------------------------------------------------------------- Compare


def board(at: AppTest):
    return at.dataframe[0].value


def test_compare_default_renders_leaderboard_and_link():
    at = compare()
    ok(at)
    assert not at.warning
    df = board(at)
    assert len(df) == 4
    assert list(df.columns[:7]) == ["rank", "configuration", "final loss", "distance to nearest minimum",
                                    "converged at step", "first within tolerance", "diverged at step"]
    assert list(df["rank"]) == [1, 2, 3, 4] and df["configuration"].str.match(r"\d\. ").all()
    assert charts(at) == 2
    link = at.code[0].value
    assert "/compare?" in link and "c2.decay=0.99" in link
    assert param(at, "c3.flavor") == ["torch"]


def test_compare_changing_a_setting_changes_the_leaderboard():
    at = compare()
    before = board(at)
    at.number_input(key="cmp.0.rmsprop.decay").set_value(0.5).run()
    ok(at)
    after = board(at)
    assert not after.equals(before)
    assert param(at, "c1.decay") == ["0.5"]


def test_compare_changing_optimizer_and_flavor():
    at = compare()
    before = board(at)
    open_cards(at, "cmp.1", "cmp.2")
    assert board(at).equals(before)  # opening a card runs nothing new
    at.selectbox(key="cmp.1.name").set_value("adam").run()
    ok(at)
    mid = board(at)
    assert not mid.equals(before)
    assert param(at, "c2") == ["adam"]
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert not board(at).equals(mid)
    assert param(at, "c3.flavor") == ["keras"]


def test_a_flavor_switch_brings_that_librarys_defaults_and_keeps_what_the_person_chose():
    """Configuration 3 is PyTorch's RMSprop (decay 0.99, eps 1e-8, lr chosen: 0.1). Switched to Keras it runs
    with Keras's decay 0.9 and eps 1e-7, keeps lr 0.1, and no longer draws the same curve as PyTorch's."""
    at = open_cards(compare(), "cmp.2")
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert param(at, "c3.flavor") == ["keras"] and param(at, "c3.decay") == ["0.9"] and param(at, "c3.eps") == ["1e-07"]
    assert param(at, "c3.lr") == ["0.1"]
    assert any(c.value == "Keras's defaults except lr = 0.1" for c in at.caption)
    at.selectbox(key="cmp.2.flavor").set_value("torch").run()
    ok(at)
    assert param(at, "c3.decay") == ["0.99"] and param(at, "c3.eps") == ["1e-08"] and param(at, "c3.lr") == ["0.1"]
    # a setting changed on purpose survives the switch
    at.number_input(key="cmp.2.rmsprop.decay").set_value(0.95).run()
    at.selectbox(key="cmp.2.flavor").set_value("keras").run()
    ok(at)
    assert param(at, "c3.decay") == ["0.95"] and param(at, "c3.eps") == ["1e-07"]
    assert any(c.value == "Keras's defaults except lr = 0.1, decay = 0.95" for c in at.caption)


def test_a_playground_flavor_switch_brings_each_librarys_defaults():
    at = app()
    at.segmented_control(key="pg.flavor").set_value("torch").run()
    ok(at)
    assert param(at, "rmsprop.decay") == ["0.99"] and param(at, "rmsprop.lr") == ["0.1"]  # lr 0.1 was chosen
    assert any(c.value.startswith("PyTorch's defaults except lr = 0.1") for c in at.caption)


def test_compare_objective_change_changes_results():
    at = compare()
    before = board(at)
    at.selectbox(key="cmp.objective").set_value("beale").run()
    ok(at)
    assert not board(at).equals(before)


def test_compare_add_and_remove_configurations():
    at = compare()
    add = next(b for b in at.button if b.label == "Add configuration")
    add.click().run()
    ok(at)
    assert len(board(at)) == 5
    assert param(at, "c5") == ["rmsprop"]
    add = next(b for b in at.button if b.label == "Add configuration")
    add.click().run()
    assert len(board(at)) == 6
    add = next(b for b in at.button if b.label == "Add configuration")
    assert add.disabled
    at.button(key="cmp.0.remove").click().run()
    ok(at)
    assert len(board(at)) == 5
    assert param(at, "c1.decay") == ["0.99"]  # the old second configuration moved up


def test_compare_zero_learning_rate_in_link_gives_one_message():
    at = compare({"c1": "rmsprop", "c1.lr": "0", "c2": "gd"})
    ok(at)
    one_message(at.warning, "c1.lr=0")
    assert len(board(at)) == 2
    assert at.select_slider(key="cmp.0.rmsprop.lr").value == 0.01  # the flavor's default


def test_compare_garbage_link_opens_default_comparison():
    at = compare({"c1": "nope", "c9": "descent", "tol": "-3", "objective": "rotated_quadratic",
                  "objective.condition": "1e12"})
    ok(at)
    one_message(at.warning, "c1=nope", "c9=descent", "tol=-3", "objective.condition=1e12")
    assert len(board(at)) == 4


def test_compare_link_reopens_the_exact_comparison():
    at = compare()
    at.number_input(key="cmp.0.rmsprop.decay").set_value(0.5).run()
    open_cards(at, "cmp.3")
    at.selectbox(key="cmp.3.flavor").set_value("optax").run()
    again = open_cards(reopen(at, "pages/compare.py", timeout=60), "cmp.3")
    assert again.number_input(key="cmp.0.rmsprop.decay").value == 0.5
    assert again.selectbox(key="cmp.3.flavor").value == "optax"
    assert board(again).equals(board(at))
    assert encode_compare(default_compare())["c2.decay"] == ["0.99"]


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

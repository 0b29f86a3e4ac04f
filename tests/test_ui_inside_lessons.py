"""ui.inside.state and ui.lessons: URL round trips, the experiments show what they claim, lessons are exact."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import optim
from ui.inside.state import (
    DECAY_PARAMS,
    EPSILON_PARAMS,
    MAX_INSIDE,
    ZIGZAG_PARAMS,
    InsideState,
    decay_configs,
    decode_inside,
    default_inside,
    encode_inside,
    epsilon_configs,
    plateau,
    zigzag_configs,
    zigzag_setup,
)
from ui.lessons import LESSONS, computed_numbers, describe_config
from ui.model import CompareState, PlaygroundState, make_config
from ui.sweep.state import decode_sweep
from ui.sweep.zoom import toward_edge
from ui.train.runs import generated_source, plan_for, train
from ui.train.state import decode_train
from ui.urlstate import decode_compare, decode_playground


def run(cfg, setup=None, objective=None, x0=None, steps=None):
    opt = optim.make_optimizer(cfg.name, cfg.flavor, **cfg.hyperparameters)
    return optim.run(opt, objective or setup.build_objective(), x0=list(x0 or setup.start),
                     steps=steps or setup.steps)


# ---------------------------------------------------------------- the page's URL


def test_default_state_round_trips_through_the_url():
    state = default_inside()
    again, messages = decode_inside(encode_inside(state))
    assert again == state and messages == []
    assert [c.name for c in state.optimizers] == ["adagrad", "rmsprop", "adam"]


def test_every_knob_round_trips():
    state = InsideState(
        view="epsilon", flavor="torch",
        optimizers=(make_config("rmsprop", "torch", lr=0.05), make_config("adam", "torch", beta2=0.99)),
        scale="signed",
        zigzag=(("lr", 0.002), ("decay", 0.95), ("steep", 500.0), ("steps", 300)),
        epsilon=(("eps", 1e-6), ("lr", 0.05), ("steps", 40)), eps_form="outside",
        decay=(("decay", 0.999), ("steps", 200)), bias="off",
    )
    again, messages = decode_inside(encode_inside(state))
    assert messages == []
    assert again == state


def test_a_garbled_link_gives_one_sentence_per_problem_and_defaults():
    state, messages = decode_inside({
        "view": ["nope"], "zz.lr": ["5"], "eps.eps": ["abc"], "dk.bias": ["maybe"], "scale": ["huge"],
        "opt": ["adam", "zzz", "gd", "rmsprop", "sgd"], "foo": ["1"],
    })
    default = default_inside()
    assert state.view == "anatomy" and state.scale == "log" and state.bias == "both"
    assert state.knobs("zigzag")["lr"] == 0.001 and state.knobs("epsilon")["eps"] == 1e-8
    assert [c.name for c in state.optimizers] == ["adam", "gd", "rmsprop"]
    assert len(state.optimizers) == MAX_INSIDE
    text = "\n".join(messages)
    for bit in ("view=nope", "zz.lr=5", "eps.eps=abc", "dk.bias=maybe", "scale=huge", "opt=zzz",
                f"at most {MAX_INSIDE}", "foo"):
        assert bit in text, bit
    assert all(m.count(".") >= 1 for m in messages)
    assert state.setup == default.setup


def test_knob_ranges_cover_the_brief():
    assert DECAY_PARAMS["decay"].low == 0.5 and DECAY_PARAMS["decay"].high == 0.999
    assert ZIGZAG_PARAMS["lr"].default == 0.001 and ZIGZAG_PARAMS["decay"].default == 0.9
    assert EPSILON_PARAMS["eps"].default == 1e-8


# ---------------------------------------------------------------- the experiments show what they say


def test_zigzag_gradient_descent_flips_b_every_step_and_rmsprop_does_not():
    knobs = default_inside().knobs("zigzag")
    setup = zigzag_setup(knobs["steep"], knobs["steps"])
    gd, rms = (run(c, setup) for c in zigzag_configs(knobs["lr"], knobs["decay"]))
    db_gd, db_rms = gd.updates[:100, 1], rms.updates[:100, 1]
    assert (np.sign(db_gd[1:]) != np.sign(db_gd[:-1])).all()  # zig-zag across the valley
    assert (db_rms < 0).all()  # RMSprop walks down the wall
    assert np.abs(gd.updates[:, 1]).sum() > 20 * np.abs(rms.updates[:, 1]).sum()
    assert rms.losses[-1] < gd.losses[-1] / 100  # and gets further along the valley


def test_epsilon_inside_stays_on_the_plain_and_outside_walks_off():
    cfgs = epsilon_configs(1e-8, 0.1)
    obj = plateau()
    assert np.abs(obj.grad(list(obj.start))).max() < 1e-6
    inside = run(cfgs["inside"], objective=obj, x0=obj.start, steps=100)
    outside = run(cfgs["outside"], objective=obj, x0=obj.start, steps=100)
    assert inside.losses[-1] > 0.99
    assert outside.losses[-1] < 0.01
    assert obj.f_min == 0.0


def test_decay_experiment_configurations():
    cfgs = decay_configs(0.99)
    assert cfgs["rmsprop"].get("decay") == 0.99
    assert cfgs["on"].get("momentum") == 0.99 and cfgs["on"].get("bias_correction") is True
    assert cfgs["off"].get("bias_correction") is False


# ---------------------------------------------------------------- lessons


def decode(lesson):
    return {"playground": decode_playground, "compare": decode_compare, "sweep": decode_sweep,
            "train": decode_train}[lesson.page](
        lesson.query())


def test_the_fractal_lesson_is_the_page_s_zoom_toward_the_edge_three_times():
    """Each zoom level of the lesson is what "Zoom toward the edge" opens on the map before it, and the edge fills
    more than a tenth of the deepest map (a smooth edge: about 2 / 512 of the cells)."""
    state = LESSONS["fractal"].state
    assert (state.config.name, state.second, state.shape, state.setup.objective) == ("gd", "lr_y", (512, 512),
                                                                                      "tiny_network")
    for level, window in enumerate(state.zoom):
        shown = replace(state, zoom=state.zoom[:level])
        s = optim.sweep("gd", shown.setup.build_objective(), lr=shown.lr_values(), second=shown.second_values(),
                        second_name="lr_y", x0=list(shown.setup.start), steps=shown.setup.steps)
        assert toward_edge(s) == window, level
    deepest = optim.sweep("gd", state.setup.build_objective(), lr=state.lr_values(), second=state.second_values(),
                          second_name="lr_y", x0=list(state.setup.start), steps=state.setup.steps)
    assert optim.edge_share(deepest.diverged_at >= 0) > 0.1
    assert "Sohl-Dickstein" in LESSONS["fractal"].article and "2024" in LESSONS["fractal"].article
    assert "nonlinear map" in LESSONS["fractal"].explanation and "hundreds of times" in LESSONS["fractal"].explanation


@pytest.mark.parametrize("seed", list(LESSONS))
def test_every_lesson_link_decodes_to_exactly_its_state(seed):
    lesson = LESSONS[seed]
    state, messages = decode(lesson)
    assert messages == []
    assert state == lesson.state
    if lesson.inside is not None:
        inside_state, messages = decode_inside(encode_inside(lesson.inside))
        assert messages == [] and inside_state == lesson.inside


def test_lesson_settings_are_the_articles():
    s000 = LESSONS["000"].state
    assert isinstance(s000, PlaygroundState)
    assert dict(s000.setup.objective_params) == {"a": 1.0, "b": 10.0} and s000.setup.start == (1.5, 1.5)
    assert s000.setup.steps == 100
    gd, rms = s000.optimizers
    assert gd.hyperparameters == {"lr": 0.1}
    assert rms.get("lr") == 0.1 and rms.get("decay") == 0.9 and rms.get("eps") == 1e-8
    assert rms.get("eps_in_sqrt") is False  # seed 000 adds epsilon outside the root

    s001 = LESSONS["001"].state
    assert dict(s001.setup.objective_params) == {"a": 5.0, "b": 7.0} and s001.setup.start == (-4.0, 3.0)
    assert s001.setup.steps == 50 and s001.optimizers[0].get("eps_in_sqrt") is True

    s004 = LESSONS["004"].state
    assert isinstance(s004, CompareState)
    assert dict(s004.setup.objective_params) == {"a": 0.1, "b": 5.0} and s004.setup.start == (9.0, -3.0)
    assert s004.setup.steps == 100
    ewma, ada, rms = s004.configs
    assert (ewma.name, ewma.get("momentum"), ewma.get("lr"), ewma.get("bias_correction")) == (
        "ewma_momentum", 0.9, 0.1, True)
    assert (ada.name, ada.get("lr"), ada.get("eps")) == ("adagrad", 0.9, 1e-8)
    assert (rms.name, rms.get("lr"), rms.get("decay"), rms.get("eps")) == ("rmsprop", 0.1, 0.9, 1e-8)

    s003 = LESSONS["003"].state
    assert all(c.get("lr") == 0.001 for c in s003.optimizers)
    assert s003.optimizers[1].get("decay") == 0.9


def test_seed_001_numbers_equal_the_articles_to_1e_12():
    lesson = LESSONS["001"]
    nums = computed_numbers(lesson)
    for name, _, value in lesson.printed:
        assert nums[name] == pytest.approx(value, abs=1e-12)


def test_lesson_claims_hold():
    def final(seed):
        lesson = LESSONS[seed]
        return [run(c, lesson.state.setup) for c in lesson.configs]

    gd, rms = final("000")
    assert gd.losses[-1] == pytest.approx(22.5) and rms.losses[-1] < 1e-3
    ada, rms = final("002")
    assert ada.xs[-1, 0] > 5 and ada.losses[-1] > 100 * rms.losses[-1]
    gd, rms = final("003")
    assert rms.losses[-1] < gd.losses[-1] / 100
    ewma, ada, rms = final("004")
    assert ewma.xs[:, 1].max() > 1.5  # momentum swings past the valley floor in x2


def test_describe_config_names_the_settings():
    assert describe_config(LESSONS["000"].state.optimizers[1]) == (
        "RMSprop: lr 0.1, decay 0.9, ε 1e-08 outside the root")
    assert describe_config(make_config("adam", "keras", lr=0.01)) == (
        "Adam (keras): lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-07")


def test_seed_000_look_inside_claim_holds():
    lesson = LESSONS["000"]
    gd, rms = (run(c, lesson.state.setup) for c in lesson.configs)
    assert np.allclose(np.abs(gd.grads[:, 1]), 30) and np.allclose(np.abs(gd.updates[:, 1]), 3)
    assert abs(rms.updates[0, 1]) > 0.3 and abs(rms.updates[29, 1]) < 1e-3


def test_the_network_lesson_says_what_its_runs_show():
    """The numbers 'Where the distinctions emerge' quotes are the ones its four trainings give."""
    lesson = LESSONS["network"]
    s = lesson.state
    plan = plan_for(s, generated_source(s))
    gd, sgd, rms, adam = (train(plan, c) for c in s.configs)
    assert plan.steps == 2000 and all((r.diverged_at == -1).all() for r in (gd, sgd, rms, adam))
    accuracy = [float(np.median(r.test_accuracy[-1])) for r in (adam, rms, sgd, gd)]
    assert [round(100 * a) for a in accuracy] == [95, 88, 66, 52]
    at_500 = [float(np.median(r.losses[r.index(500)])) for r in (gd, sgd, rms, adam)]
    assert 0.57 <= min(at_500) and max(at_500) <= 0.65 and "between 0.57 and 0.65" in lesson.look
    first, last = slice(0, 10), slice(-100, None)
    sgd_first = np.median(sgd.step_norms[first, :, 0])
    assert np.median(gd.step_norms[first, :, 0]) == pytest.approx(0.003, rel=0.5) and sgd_first == pytest.approx(
        0.003, rel=0.2)
    assert np.median(sgd.step_norms[first, :, 1]) > 3 * sgd_first  # several times less than the later layers'
    assert 8 < np.median(adam.step_norms[first, :, 0]) / sgd_first < 15  # about ten times SGD's
    for layer, weights in enumerate((32, 256, 16)):  # the first step moves every weight by lr
        np.testing.assert_allclose(adam.step_norms[0, :, layer], 0.01 * np.sqrt(weights), rtol=1e-3)
    assert np.median(sgd.step_norms[last, :, 0]) > np.median(sgd.step_norms[first, :, 0])
    assert np.median(adam.step_norms[last, :, 0]) < np.median(adam.step_norms[first, :, 0])
    assert "95% for Adam, 88% for RMSprop, 66% for SGD with momentum and 52% for gradient" in lesson.look

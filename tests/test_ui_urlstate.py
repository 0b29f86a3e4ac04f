"""URL state: every shareable value round-trips, and no link, however garbled, raises."""

from __future__ import annotations

import doctest
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import optim
import ui.model
import ui.playground.outcome
import ui.query
import ui.report
import ui.schedule.model
import ui.urlstate
import ui.widgets
from ui.model import MAX_CONFIGS, RUN_PARAMS, CompareState, OptConfig, PlaygroundState, Setup, make_config
from ui.schedule.model import CONSTANT, ScheduleConfig, check_run, make_schedule_config, schedule_params
from ui.urlstate import decode_compare, decode_playground, encode_compare, encode_playground, fmt


@pytest.mark.parametrize("module", [ui.model, ui.query, ui.schedule.model, ui.urlstate, ui.widgets, ui.report,
                                    ui.playground.outcome])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def values(p: optim.Param):
    if p.is_bool:
        return st.booleans()
    if p.scale == "choice":
        return st.sampled_from(p.choices)
    if p.scale == "log":
        lo, hi = math.log10(p.low), math.log10(p.high)
        return st.floats(lo, hi).map(lambda e: min(max(10**e, p.low), p.high))
    if p.scale == "int":
        return st.integers(int(p.low), int(p.high))
    return st.floats(p.low, p.high)


@st.composite
def schedules(draw, name: str, flavor: str, steps: int) -> ScheduleConfig:
    """A schedule the flavor has (or the constant rate), with settings that fit together for ``steps`` steps."""
    offered = [s for s in optim.SCHEDULES if flavor in optim.SCHEDULES[s].flavors]
    schedule = draw(st.sampled_from(offered))
    sc = make_schedule_config(schedule, name, flavor, **{
        n: draw(values(p)) for n, p in schedule_params(schedule, name, flavor).items()})
    try:
        check_run(make_config(name, flavor, schedule=sc), steps)
    except ValueError:
        assume(False)  # settings the core refuses together (one-cycle's phases, a cycle shorter than the run)
    return sc


@st.composite
def configs(draw, flavor=None, steps=None):
    name = draw(st.sampled_from(list(optim.OPTIMIZERS)))
    spec = optim.OPTIMIZERS[name]
    fl = flavor if flavor in spec.flavors else (
        spec.default_flavor if flavor else draw(st.sampled_from(list(spec.flavors))))
    hp = {n: draw(values(p)) for n, p in spec.params(fl).items()}
    schedule = draw(schedules(name, fl, steps)) if steps is not None else CONSTANT
    return make_config(name, fl, schedule=schedule, **hp)


@st.composite
def setups(draw):
    name = draw(st.sampled_from(list(optim.OBJECTIVES)))
    params = tuple((n, draw(values(p))) for n, p in optim.OBJECTIVES[name].param_specs.items())
    obj = optim.get_objective(name)
    (x0, x1), (y0, y1) = obj.domain
    return Setup(
        objective=name, objective_params=params,
        x0=draw(st.floats(x0, x1)), y0=draw(st.floats(y0, y1)),
        steps=draw(st.integers(1, RUN_PARAMS["steps"].high)),
        noise=draw(values(RUN_PARAMS["noise"])), seed=draw(st.integers(0, 2**31 - 1)),
        tol=draw(values(RUN_PARAMS["tol"])),
        # a function with no known minimum is always judged by the gradient norm (the state says what runs use)
        criterion=draw(st.sampled_from(["loss_gap", "grad_norm"])) if obj.f_min is not None else "grad_norm",
    )


@st.composite
def playgrounds(draw):
    setup = draw(setups())
    flavor = draw(st.sampled_from(optim.FLAVORS))
    names = draw(st.lists(st.sampled_from(list(optim.OPTIMIZERS)), min_size=1, max_size=MAX_CONFIGS,
                          unique=True))
    opts = []
    for name in names:
        spec = optim.OPTIMIZERS[name]
        fl = flavor if flavor in spec.flavors else spec.default_flavor
        opts.append(make_config(name, fl, schedule=draw(schedules(name, fl, setup.steps)),
                                **{n: draw(values(p)) for n, p in spec.params(fl).items()}))
    step = draw(st.none() | st.integers(0, setup.steps))
    return PlaygroundState(setup, flavor, tuple(opts), step)


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_exactly(x):
    assert float(fmt(x)) == x


@settings(max_examples=120, deadline=None)
@given(playgrounds())
def test_playground_state_round_trips(state):
    query = encode_playground(state)
    back, messages = decode_playground(query)
    assert messages == []
    assert back == state


@st.composite
def comparisons(draw):
    setup = draw(setups())
    return CompareState(setup, tuple(draw(st.lists(configs(steps=setup.steps), min_size=1, max_size=MAX_CONFIGS))))


@settings(max_examples=120, deadline=None)
@given(comparisons())
def test_compare_state_round_trips(state):
    back, messages = decode_compare(encode_compare(state))
    assert messages == []
    assert back == state


KEYS = st.sampled_from(["objective", "objective.a", "objective.b", "objective.A", "x0", "y0", "steps", "noise",
                        "seed", "tol", "criterion", "flavor", "opt", "gd.lr", "rmsprop.decay", "adam.eps",
                        "sgd.nesterov", "step", "c1", "c1.flavor", "c1.lr", "c2", "c2.momentum", "c7",
                        "gd.schedule", "gd.schedule.step_size", "gd.schedule.total_steps", "c1.schedule",
                        "c1.schedule.total_steps", "c1.schedule.pct_start", "c1.schedule.anneal_strategy",
                        "c1.schedule.cycle_momentum", "c2.schedule", "c2.schedule.threshold"]) | st.text(max_size=12)
VALUES = st.sampled_from(["0", "-1", "1e9", "nan", "inf", "true", "maybe", "", "rmsprop", "gd", "keras", "jax",
                          "rosenbrock", "saddle", "0.5", "1e-300", "100000", "step", "one_cycle", "cosine",
                          "reduce_on_plateau", "cos", "linear", "2", "30"]) | st.text(max_size=20)
QUERIES = st.dictionaries(KEYS, st.lists(VALUES, min_size=1, max_size=3), max_size=12)


def usable(setup: Setup, cfgs: tuple[OptConfig, ...]) -> None:
    obj = setup.build_objective()
    assert math.isfinite(float(obj.f([setup.x0, setup.y0])))
    assert 1 <= setup.steps <= RUN_PARAMS["steps"].high
    assert cfgs
    for c in cfgs:
        optim.make_optimizer(c.name, c.flavor, **c.hyperparameters)
        check_run(c, setup.steps)  # the schedule too, for as many steps as the page runs


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_any_link_opens_a_usable_playground(query):
    state, messages = decode_playground(query)
    usable(state.setup, state.optimizers)
    assert all(isinstance(m, str) and m for m in messages)
    assert len({c.name for c in state.optimizers}) == len(state.optimizers) <= MAX_CONFIGS


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_any_link_opens_a_usable_comparison(query):
    state, messages = decode_compare(query)
    usable(state.setup, state.configs)
    assert len(state.configs) <= MAX_CONFIGS


def test_one_message_per_bad_parameter():
    state, messages = decode_playground({"gd.lr": ["0"], "steps": ["abc"], "opt": ["gd", "zzz"]})
    assert len(messages) == 3
    assert [c.name for c in state.optimizers] == ["gd"]
    assert state.optimizers[0].get("lr") == 0.1 and state.setup.steps == 100
    assert any("gd.lr=0" in m and "out of range" in m for m in messages)


def test_a_parameter_the_flavor_lacks_is_named():
    _, messages = decode_compare({"c1": ["rmsprop"], "c1.flavor": ["torch"], "c1.eps_in_sqrt": ["false"]})
    assert len(messages) == 1 and "c1.eps_in_sqrt" in messages[0] and "PyTorch" not in messages[0]


def test_messages_do_not_echo_markdown_or_long_text():
    _, messages = decode_playground({"objective": ["`**x**`" + "a" * 200]})
    assert len(messages) == 1
    assert "`**x**" not in messages[0] and len(messages[0]) < 300


def test_an_objective_without_a_minimum_falls_back_to_the_gradient_norm():
    setup = Setup(objective="saddle", objective_params=(), x0=-1.8, y0=0.01)
    assert setup.criterion_for(setup.build_objective()) == "grad_norm"
    t = optim.run(optim.make_optimizer("gd", lr=0.1), setup.build_objective(), x0=[-1.8, 0.01], steps=5)
    assert "gradient norm" in ui.report.status(t, setup)


def test_configurations_past_the_limit_are_named_as_left_out():
    query = {f"c{i}": ["gd"] for i in range(1, 9)} | {"c8.lr": ["0.1"]}
    state, messages = decode_compare(query)
    assert len(state.configs) == 6
    assert messages == ["The link names 8 optimizers; Compare shows at most 6. Left out `c7`, `c8`."]


def test_configurations_may_have_any_numbers():
    """c1, c7 and c9 are three configurations, in that order; nothing is left out and nothing is said."""
    state, messages = decode_compare({"c1": ["gd"], "c7": ["adam"], "c7.lr": ["0.05"], "c9": ["sgd"]})
    assert [c.name for c in state.configs] == ["gd", "adam", "sgd"] and messages == []
    assert state.configs[1].get("lr") == 0.05
    state, messages = decode_compare({f"c{i}": ["gd"] for i in (2, 30, 4, 100, 5, 6, 7)})
    assert len(state.configs) == 6 and messages == [
        "The link names 7 optimizers; Compare shows at most 6. Left out `c100`."]


def test_a_page_without_y_s_own_learning_rate_says_the_link_s_lr_y_is_ignored():
    """Train (a network has no x and y), Inside and Sweep (where lr_y is only ever an axis) offer no lr_y setting:
    a link's ``lr_y`` is named as ignored, not dropped unsaid (the page would run without it and lose it from
    the address). Compare has the setting and keeps it."""
    from ui.inside.state import decode_inside
    from ui.sweep.state import decode_sweep
    from ui.train.state import decode_train

    ignored = "this page has no separate learning rate for y; ignored."
    train, messages = decode_train({"c1": ["adam"], "c1.lr_y": ["0.1"]})
    assert messages == [f"`c1.lr_y`: {ignored}"] and "lr_y" not in train.configs[0].hyperparameters
    inside, messages = decode_inside({"opt": ["rmsprop"], "rmsprop.lr_y": ["0.1"]})
    assert messages == [f"`rmsprop.lr_y`: {ignored}"]
    assert all("lr_y" not in c.hyperparameters for c in inside.optimizers)
    sweep, messages = decode_sweep({"opt": ["gd"], "gd.lr_y": ["0.1"]})
    assert messages == [f"`gd.lr_y`: {ignored}"] and "lr_y" not in sweep.config.hyperparameters
    _, messages = decode_sweep({"opt": ["gd"], "second": ["lr_y"], "gd.lr_y": ["0.1"]})
    assert messages == []  # swept: an axis, whose settings are not in a link
    compare, messages = decode_compare({"c1": ["adam"], "c1.lr_y": ["0.1"]})
    assert messages == [] and compare.configs[0].hyperparameters["lr_y"] == 0.1

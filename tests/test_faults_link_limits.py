"""Issue 7, faults: links at every limit a page's address admits, and one past each.

A link with every parameter exactly at its limit (the most configurations, steps, seeds, grid points,
tuning budget, samples) decodes with no message; each parameter one past its limit gets exactly one
message naming it. Compare is also opened at all its limits at once (six configurations, 2,000 steps,
200 noise seeds): it must draw; the time and memory it takes are measured by hand and reported, never
asserted.
"""

from __future__ import annotations

import pytest
from app_helpers import app, ok

from ui.basins.state import MAX_RES, decode_basins
from ui.minibatch import state as mb
from ui.model import MAX_CONFIGS, MAX_STEPS, SEEDS
from ui.sweep.state import AXIS_MAX, decode_sweep
from ui.tune.state import MAX_BUDGET, TUNE_PARAMS, decode_tune
from ui.urlstate import decode_compare


def compare_link(n: int, steps: int, seeds: int) -> dict:
    names = ["gd", "sgd", "rmsprop", "adam", "nadam", "radam", "adagrad"]
    link = {f"c{i + 1}": [names[i]] for i in range(n)}
    return dict(link, steps=[str(steps)], noise=["0.5"], seeds=[str(seeds)])


# page: (decoder, link at every limit, {parameter: (the link with it one past its limit, what the message says)})
AT_THE_LIMITS = {
    "compare": (decode_compare, compare_link(MAX_CONFIGS, MAX_STEPS, int(SEEDS.high)),
                {"c7": (compare_link(MAX_CONFIGS + 1, MAX_STEPS, int(SEEDS.high)), "`c7`"),
                 "steps": (compare_link(MAX_CONFIGS, MAX_STEPS + 1, int(SEEDS.high)), "`steps=2001`: 2001 is out of"),
                 "seeds": (compare_link(MAX_CONFIGS, MAX_STEPS, int(SEEDS.high) + 1), "`seeds=201`: 201 is out of")}),
    "sweep": (decode_sweep, {"lr.n": [str(AXIS_MAX)], "second.n": [str(AXIS_MAX)], "steps": ["100"]},
              {"lr.n": ({"lr.n": ["513"]}, "`lr.n=513`: 513 is out of"),
               "second.n": ({"second.n": ["513"]}, "`second.n=513`: 513 is out of")}),
    "basins": (decode_basins, {"res": [str(MAX_RES)], "c1": ["gd"], "c2": ["sgd"], "c3": ["rmsprop"], "c4": ["adam"]},
               {"res": ({"res": [str(MAX_RES + 1)]}, "`res=401`: 401 is out of"),
                "c5": ({"c1": ["gd"], "c2": ["sgd"], "c3": ["rmsprop"], "c4": ["adam"], "c5": ["nadam"]},
                       "at most 4. Left out `c5`")}),
    "tune": (decode_tune, {"budget": [str(MAX_BUDGET)], "starts": [str(int(TUNE_PARAMS["starts"].high))],
                           "opt": ["gd", "sgd", "rmsprop", "adam", "nadam", "radam"]},
             {"budget": ({"budget": [str(MAX_BUDGET + 1)]}, "`budget=201`: 201 is out of"),
              "starts": ({"starts": ["101"]}, "`starts=101`: 101 is out of"),
              "opt": ({"opt": ["gd", "sgd", "rmsprop", "adam", "nadam", "radam", "adamax"]}, "at most 6")}),
    "minibatch": (mb.decode_minibatch, {"n": ["10000"], "batch": ["10000"], "epochs": ["500"]},
                  {"n": ({"n": ["10001"]}, "`n=10001`: 10001 is out of"),
                   "batch": ({"batch": ["10001"]}, "`batch=10001`: 10001 is out of"),
                   "epochs": ({"epochs": ["501"]}, "`epochs=501`: 501 is out of")}),
}


@pytest.mark.parametrize("page", AT_THE_LIMITS)
def test_links_at_every_limit_are_taken_and_one_past_gets_one_message(page):
    decode, at_limit, past = AT_THE_LIMITS[page]
    state, messages = decode(at_limit)
    assert messages == []
    if page == "compare":
        assert len(state.configs) == MAX_CONFIGS and state.setup.steps == MAX_STEPS and state.seeds == SEEDS.high
    for name, (link, says) in past.items():
        _, messages = decode(link)
        assert len(messages) == 1 and says in messages[0], (name, messages)


def test_compare_at_its_limits_six_configurations_2000_steps_200_noise_seeds():
    """Measured by hand: about 2 s of CPU; the process peaks near 360 MB against 220 MB for a small page,
    as each configuration's 200 full noisy paths live until they are cut to losses (3 MB each in the cache)."""
    at = app(compare_link(MAX_CONFIGS, MAX_STEPS, int(SEEDS.high)), "pages/compare.py")
    ok(at)
    assert not at.warning
    assert len(at.dataframe[0].value) == MAX_CONFIGS
    assert any(f"over {int(SEEDS.high)} noise seeds" in c.value for c in at.caption)

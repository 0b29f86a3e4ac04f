"""Learning-rate schedules against the libraries, from fixtures those libraries produced.

``tools/golden_schedules.py`` ran torch, Keras 3 and optax optimizers under
their own schedules in float64 for 200 steps and wrote
``tests/golden/schedules/*.json``: the learning rate each step used and the
path. Here the core replays every case in the matching flavor; the rates and
the path must agree to round-off.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from golden_helpers import assert_same_path

import optim

GOLDEN = Path(__file__).parent / "golden" / "schedules"
CASES = [
    pytest.param(case, id=case["id"])
    for path in sorted(GOLDEN.glob("*.json"))
    for case in json.loads(path.read_text())["cases"]
]


def replay(case):
    schedule = optim.make_schedule(case["schedule"], **case["schedule_params"])
    opt = optim.make_optimizer(case["optimizer"], case["flavor"], schedule=schedule, **case["hyperparameters"])
    obj = optim.get_objective(case["objective"], **case["objective_params"])
    return opt, optim.run(opt, obj, x0=case["x0"], steps=len(case["xs"]) - 1)


def test_fixtures_cover_every_schedule_with_two_optimizers_in_every_flavor_that_has_it():
    covered: dict[tuple[str, str], set[str]] = {}
    for c in CASES:
        covered.setdefault((c.values[0]["schedule"], c.values[0]["flavor"]), set()).add(c.values[0]["optimizer"])
    expected = {(name, flavor) for name, spec in optim.SCHEDULES.items() for flavor in spec.flavors
                if flavor != "textbook"}
    thin = sorted(k for k in expected if len(covered.get(k, ())) < 2)
    assert not thin, f"fewer than two optimizers under {thin}"


@pytest.mark.parametrize("case", CASES)
def test_core_matches_the_library(case):
    opt, traj = replay(case)
    lrs = np.array(case["lrs"])
    worst = int(np.argmax(np.abs(traj.lr - lrs) / np.abs(lrs).clip(1e-300)))
    np.testing.assert_allclose(traj.lr, lrs, rtol=1e-12, atol=0, err_msg=f"{case['native']}: rate at step {worst}")
    if "momenta" in case:
        np.testing.assert_allclose(traj.scheduled[opt.schedule.cycles], case["momenta"], rtol=1e-12, atol=0)
    assert_same_path(case["native"], traj.xs, np.array(case["xs"]))

"""Issue 7, faults: overflow on every optimizer, the largest requests the limits allow, and many
identical requests at once, computed once.

The fourth fault, the server restarting during a session, needs a real browser and a real server:
``tests/browser/test_browser_faults.py``.

Overflow. At (26.6, 1) the own formula ``exp(x^2) + y^2`` is about 2e307, still finite, but its
gradient 2x exp(x^2) is beyond float64 and evaluates to infinity. Every update rule turns an
infinite gradient into a point that is not finite (x - lr inf, inf / inf, 0 inf), whatever the
learning rate, so every optimizer in every flavor must report divergence at step 1, mask the path
from there and print no warning (pytest turns RuntimeWarning into an error). A gradient that is
finite but whose square overflows is the subtler case: the adaptive methods divide by an
accumulator that becomes infinite, so they stop moving instead of diverging; the test below pins
that down as what float64 does (and what the libraries they follow do), with a path that stays finite.

Limits. Each limit is tried exactly at its value (it must work) and one past it (one sentence
refuses it), in the core and through the heaviest pages. The time and memory these take are
measured by hand and reported, never asserted.

Computed once. ``st.cache_data`` and ``st.cache_resource`` hold a lock per cache key while they
compute (``streamlit/runtime/caching/cache_utils.py``: ``_handle_cache_miss`` takes
``compute_value_lock(value_key)`` and looks the key up again once it holds it), so sessions asking
for the same run at the same time wait for one computation. The tests call each cached entry point
from many threads at once, with the core function counting its calls.
"""

from __future__ import annotations

import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from app_helpers import charts, ok, open_app, result_cards
from streamlit.testing.v1 import AppTest

import optim
from optim import models
from optim.sweep import MAX_RUN_STEPS, check_budget
from ui import compute
from ui.basins.state import MAX_RES, BasinState, decode_basins
from ui.inside import panels as inside_panels
from ui.minibatch import state as mb
from ui.minibatch import training
from ui.model import MAX_CONFIGS, MAX_STEPS, SEEDS, Setup, make_config
from ui.setup.formula import CUSTOM
from ui.sweep.state import AXIS_MAX, decode_sweep, default_sweep
from ui.tune.state import MAX_BUDGET, TUNE_PARAMS, TuneState, decode_tune
from ui.urlstate import decode_compare

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query, timeout=120)


ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]
"""Every optimizer in every flavor it has."""
SIGN_ONLY = {("lion", "keras"), ("lion", "optax"), ("rprop", "optax")}
"""Steps using only the gradient's sign, which an infinite gradient still has: they step on, as their libraries do."""
SCALED = [c for c in ALL if c not in SIGN_ONLY]

OVERFLOW_FORMULA = "exp(x^2) + y^2"
OVERFLOW_START = (26.6, 1.0)
"""Where the formula is finite (about 2e307) and its gradient overflows to infinity."""
SQUARE_OVERFLOW_START = (20.0, 1.0)
"""Where the gradient is finite (about 2e175) but its square overflows."""


def overflow_objective() -> optim.Objective:
    return optim.parse_objective(OVERFLOW_FORMULA)


# ---------------------------------------------------------------------------------------- overflow


def test_the_overflow_setting_overflows_the_gradient_not_the_loss():
    obj = overflow_objective()
    with np.errstate(over="ignore"):
        gx, gy = obj.gradient(np.array(OVERFLOW_START[0]), np.array(OVERFLOW_START[1]))
        sx, _ = obj.gradient(np.array(SQUARE_OVERFLOW_START[0]), np.array(1.0))
        square = np.square(sx)
    assert np.isfinite(obj.f(OVERFLOW_START)) and obj.f(OVERFLOW_START) > 1e307
    assert np.isposinf(gx) and gy == 2.0
    assert np.isfinite(sx) and np.isposinf(square)


@pytest.mark.parametrize(("name", "flavor"), sorted(SIGN_ONLY))
def test_an_overflowing_gradient_leaves_sign_only_steps_finite(name, flavor):
    """Lion and optax's Rprop move by lr (or a step size) whatever the gradient's size: no divergence, no warning."""
    obj = overflow_objective()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = optim.run(optim.make_optimizer(name, flavor, lr=0.01), obj, x0=OVERFLOW_START, steps=30)
    assert t.diverged_at == -1 and np.isfinite(t.xs).all()
    assert t.xs[-1, 0] < OVERFLOW_START[0]


@pytest.mark.parametrize(("name", "flavor"), SCALED)
def test_an_overflowing_gradient_diverges_every_optimizer_at_step_1(name, flavor):
    """Smallest, default and largest learning rate, one run and a batch: diverged at step 1, masked, no warning."""
    obj = overflow_objective()
    lr_range = optim.OPTIMIZERS[name].params(flavor)["lr"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        single = optim.run(optim.make_optimizer(name, flavor, lr=lr_range.low), obj, x0=OVERFLOW_START, steps=30)
        batch = optim.make_optimizer(name, flavor, lr=np.array([lr_range.low, lr_range.default, lr_range.high]))
        path = optim.run(batch, obj, x0=OVERFLOW_START, steps=30)
        final = optim.run(batch, obj, x0=OVERFLOW_START, steps=30, record="final")
    assert single.diverged_at == 1 and single.converged_at == -1
    assert path.diverged_at.tolist() == final.diverged_at.tolist() == [1, 1, 1]
    assert np.array_equal(single.xs[0], OVERFLOW_START) and np.isnan(single.xs[1:]).all()
    assert single.losses[0] == obj.f(OVERFLOW_START) and np.isnan(single.losses[1:]).all()
    assert single.best_loss == single.losses[0]
    assert np.isnan(single.final_x).all() and np.isnan(single.final_loss)
    # Everything the step received or kept is masked too: no inf leaks out of a diverged run.
    assert np.isnan(single.grads).all() and np.isnan(single.effective_lr).all()
    assert all(np.isnan(buffer).all() for buffer in single.state.values())
    assert np.isfinite(path.xs[0]).all() and np.isnan(path.xs[1:]).all()
    assert np.isnan(final.final_loss).all() and (final.best_loss == single.losses[0]).all()


def test_a_gradient_whose_square_overflows_freezes_adaptive_methods_honestly():
    """g finite, g² infinite: the adaptive accumulators become inf and the step along x becomes 0.

    That is float64 arithmetic (torch or optax in float64 do the same), not a divergence: the
    point never leaves the bound and its loss stays finite, so the run is reported as not diverged,
    and its path holds no NaN. Every run is one of the two: diverged and masked, or finite throughout.
    """
    obj = overflow_objective()
    outcome = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, flavor in ALL:
            t = optim.run(optim.make_optimizer(name, flavor), obj, x0=SQUARE_OVERFLOW_START, steps=20)
            if t.diverged_at >= 0:
                assert np.isfinite(t.xs[: t.diverged_at]).all() and np.isnan(t.xs[t.diverged_at:]).all()
                outcome[name, flavor] = "diverged"
            else:
                assert np.isfinite(t.xs).all() and np.isfinite(t.losses).all()
                outcome[name, flavor] = "frozen" if (t.xs[:, 0] == SQUARE_OVERFLOW_START[0]).all() else "moved"
    adam = optim.run(optim.make_optimizer("adam"), obj, x0=SQUARE_OVERFLOW_START, steps=20)
    assert np.isposinf(adam.state["v"][:, 0]).all() and (adam.effective_lr[:, 0] == 0).all()
    assert {outcome["gd", "textbook"], outcome["sgd", "torch"], outcome["radam", "torch"]} == {"diverged"}
    for name in ("adagrad", "rmsprop", "adadelta", "adam", "nadam"):
        assert outcome[name, "textbook"] == "frozen", name
    assert outcome["adamax", "textbook"] == "moved"  # Adamax keeps max |g|, not g², which stays finite


def overflow_link(**extra) -> dict:
    return {"objective": CUSTOM, "formula": OVERFLOW_FORMULA, "x0": str(OVERFLOW_START[0]),
            "y0": str(OVERFLOW_START[1]), "steps": "50", **extra}


SCALED_NAMES = [n for n in optim.OPTIMIZERS if (n, optim.OPTIMIZERS[n].default_flavor) not in SIGN_ONLY]
HALVES = [SCALED_NAMES[i:i + MAX_CONFIGS] for i in range(0, len(SCALED_NAMES), MAX_CONFIGS)]
"""Every optimizer whose step scales with the gradient, six to a page (the most it compares)."""
HALF_IDS = [f"{h[0]} to {h[-1]}" for h in HALVES]


@pytest.mark.parametrize("names", HALVES, ids=HALF_IDS)
def test_playground_says_every_optimizer_diverged_at_step_1(names):
    at = app(overflow_link(opt=names))
    ok(at)
    assert not at.warning
    status = [lines[3] for lines in result_cards(at)]
    assert status == [":red[Diverged at step 1: the gradient at the start point is not finite, so no learning rate "
                      "helps; start elsewhere]"] * len(names)
    finals = [lines[1:3] for lines in result_cards(at)]
    assert finals == [["Final point —", "Final loss —"]] * len(names)


@pytest.mark.parametrize("names", HALVES, ids=HALF_IDS)
def test_compare_lists_every_configuration_as_diverged_at_step_1(names):
    """Each configuration in a flavor other than textbook where it has one, so flavors are covered too."""
    query = overflow_link()
    for i, name in enumerate(names, 1):
        flavors = [f for f in optim.OPTIMIZERS[name].flavors if (name, f) not in SIGN_ONLY]
        query.update({f"c{i}": name, f"c{i}.flavor": flavors[i % len(flavors)]})
    at = app(query, "pages/compare.py")
    ok(at)
    assert not at.warning
    board = at.dataframe[0].value
    assert len(board) == len(names)
    assert board["diverged at step"].tolist() == ["1"] * len(names)
    assert board["final loss"].tolist() == ["diverged"] * len(names)


def test_sweep_says_every_cell_diverged():
    at = app(overflow_link(opt="adam"), "pages/sweep.py")
    ok(at)
    assert any(m.value.startswith(":red[Every run diverged.]") for m in at.markdown)
    assert any(c.value == "100% of the 3,600 runs diverged." for c in at.caption)


# ---------------------------------------------------------------------------------------- limits


def test_the_run_step_budget_admits_exactly_its_limit():
    check_budget(MAX_RUN_STEPS, 1, "one long row")
    check_budget(200 * 200, MAX_RUN_STEPS // (200 * 200), "a 200 x 200 sweep")
    with pytest.raises(ValueError, match=r"^one long row of 1 steps is 26,214,401 run-steps; the limit is 26,214,400"):
        check_budget(MAX_RUN_STEPS + 1, 1, "one long row")


LARGEST = {
    # what: (the call at the limit, the same call one step further, the sentence's start)
    "sweep": (lambda steps: optim.sweep("sgd", "rosenbrock", lr=np.geomspace(1e-5, 1e-2, AXIS_MAX),
                                        second=np.linspace(0.0, 0.99, AXIS_MAX), steps=steps, tol=1e-4),
              MAX_RUN_STEPS // AXIS_MAX**2, "a 512 x 512 sweep of 101 steps is 26,476,544 run-steps"),
    "basins": (lambda steps: optim.basins(optim.make_optimizer("gd", lr=0.01), "himmelblau", resolution=MAX_RES,
                                          steps=steps),
               MAX_RUN_STEPS // MAX_RES**2, "a 400 x 400 basin map of 164 steps is 26,240,000 run-steps"),
    "tune": (lambda steps: optim.tune("sgd", "rosenbrock", budget=MAX_BUDGET, n_starts=100, steps=steps),
             MAX_RUN_STEPS // (MAX_BUDGET * 100),
             "tuning 200 configurations x 100 starts of 1,311 steps is 26,220,000 run-steps"),
}


@pytest.mark.parametrize("what", LARGEST)
def test_the_largest_grid_runs_and_one_step_more_is_refused(what):
    """A 512 x 512 sweep of 100 steps, a 400 x 400 basin map of 163 steps, 200 x 100 tuning runs of 1,310 steps.

    Measured by hand on the shared 2-core machine: about 0.5 s, 1 s and 1 s of CPU; at most 50 MB (the basin map).
    """
    call, steps, refusal = LARGEST[what]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = call(steps)
    if what == "sweep":
        assert result.final_loss.shape == (AXIS_MAX, AXIS_MAX) and np.isfinite(result.final_loss).any()
    elif what == "basins":
        assert result.labels.shape == (MAX_RES, MAX_RES) and (result.labels >= 0).any()
    else:
        assert len(result.candidates) == MAX_BUDGET and np.isfinite(result.scores).any()
    with pytest.raises(ValueError, match="^" + refusal + "; the limit is 26,214,400"):
        call(steps + 1)


def csv_of(rows: int, size: int) -> bytes:
    """A two-column CSV of ``rows`` rows, padded with zeros after the decimal point to exactly ``size`` bytes."""
    lines = [f"{i},{2 * i + 1}\n" for i in range(rows)]
    spare = size - sum(len(line) for line in lines)
    per, extra = divmod(spare, rows)
    assert per >= 1, "too small a size for that many rows"
    out = [f"{i}.{'0' * (per - 1 + (i < extra))},{2 * i + 1}\n" for i in range(rows)]
    return "".join(out).encode()


def test_an_upload_of_exactly_1_mb_and_10000_rows_loads_and_one_byte_more_is_refused():
    largest = csv_of(models.MAX_ROWS, models.MAX_CSV_BYTES)
    assert len(largest) == models.MAX_CSV_BYTES == 1_000_000
    data = mb.read_upload(largest, "largest.csv", "linear")
    assert len(data) == models.MAX_ROWS and data.x[-1] == models.MAX_ROWS - 1 and data.y[-1] == 2 * data.x[-1] + 1
    with pytest.raises(ValueError, match=r"^big\.csv: the file is 1,000,001 bytes; the limit is 1,000,000\.$"):
        mb.read_upload(largest + b"\n", "big.csv", "linear")


def test_the_largest_mini_batch_runs_pass_and_one_more_step_is_refused():
    mb.check_work("linear", models.MAX_ROWS, 1, mb.MAX_TRAIN_STEPS // models.MAX_ROWS)  # 10,000 steps
    mb.check_work("logistic", models.MAX_ROWS, 10, 1)  # 1,000 steps x 10,000 samples = the work limit
    with pytest.raises(ValueError, match=r"^1 epochs of 10,001 batches is 10,001 steps; the limit is 10,000"):
        mb.check_work("linear", models.MAX_ROWS + 1, 1, 1)
    with pytest.raises(ValueError, match=r"^1,112 steps over 10,000 samples is too much work"):
        mb.check_work("logistic", models.MAX_ROWS, 9, 1)


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


def basins_link(steps: int) -> dict:
    return {"objective": "himmelblau", "res": str(MAX_RES), "steps": str(steps),
            "c1": "gd", "c2": "sgd", "c3": "rmsprop", "c4": "adam"}


def test_basin_maps_at_the_limit_draw_four_maps_and_one_step_more_is_refused():
    """The heaviest page: four 400 x 400 maps of 163 steps, 4 x 26,080,000 run-steps.

    Measured by hand: about 4 s of CPU on Himmelblau (7 s on Goldstein-Price); the process peaks near 275 MB.
    """
    at = app(basins_link(MAX_RUN_STEPS // MAX_RES**2), "pages/basins.py")
    ok(at)
    assert not at.warning
    assert charts(at) >= 1
    over = app(basins_link(MAX_RUN_STEPS // MAX_RES**2 + 1), "pages/basins.py")
    assert not over.exception
    assert [e.value for e in over.error] == [
        "Cannot draw these maps: a 400 x 400 basin map of 164 steps is 26,240,000 run-steps; the limit is "
        "26,214,400 (for example 512 x 512 x 100 steps on a built-in function). Use fewer start points per axis "
        "or fewer steps."]


def tune_link(steps: int) -> dict:
    return {"opt": ["sgd", "rmsprop", "adam", "nadam", "radam", "adamax"], "budget": str(MAX_BUDGET),
            "starts": "100", "steps": str(steps)}


def test_tune_counts_every_optimizer_against_the_budget():
    """Six optimizers x 200 configurations x 100 starts may run 218 steps (26,160,000 run-steps in all).

    Checked per optimizer, the page took six times the budget: 1,250 steps each, about 18 s of CPU on Ackley
    (3.4 s at the limit now).
    """
    steps = MAX_RUN_STEPS // (6 * MAX_BUDGET * 100)
    state = replace(TuneState(), names=tuple(tune_link(0)["opt"]), budget=MAX_BUDGET, starts=100,
                    setup=replace(TuneState().setup, steps=steps))
    compute.check_tuning(state)
    with pytest.raises(ValueError, match=r"^tuning 6 optimizers x 200 configurations x 100 starts of 219 steps is "
                                         r"26,280,000 run-steps; the limit is 26,214,400"):
        compute.check_tuning(replace(state, setup=replace(state.setup, steps=steps + 1)))
    at = app(tune_link(steps), "pages/tune.py")
    ok(at)
    assert len(at.dataframe[0].value) == 6
    over = app(tune_link(steps + 1), "pages/tune.py")
    assert not over.exception and len(over.error) == 1 and "the limit is 26,214,400" in over.error[0].value


def test_minibatch_trains_on_an_upload_of_exactly_1_mb():
    """10,000 rows in 1,000,000 bytes, 100 batches of 100 for 100 epochs: 10,000 steps, the step limit."""
    at = app({"batch": "100", "epochs": "100"}, "pages/minibatch.py")
    at.segmented_control(key="mb.source").set_value("upload").run()
    at.file_uploader(key="mb.upload").set_value(
        ("largest.csv", csv_of(models.MAX_ROWS, models.MAX_CSV_BYTES), "text/csv")).run(timeout=TIMEOUT)
    ok(at)
    assert charts(at) >= 3
    assert at.query_params["data"] in ("upload", ["upload"])


# ---------------------------------------------------------------------------------------- computed once


class Counting:
    """Stands in for a core function: counts its calls and holds the first until every caller has arrived.

    Holding the first call until all ``n`` threads are at the cached entry point (and a little longer,
    for them to reach the cache's lock) makes the calls really concurrent, without timing anything.
    """

    def __init__(self, real, n: int):
        self.real, self.n = real, n
        self.calls = 0
        self.arrived = 0
        self.lock = threading.Lock()
        self.everyone = threading.Event()

    def arrive(self) -> None:
        with self.lock:
            self.arrived += 1
            if self.arrived == self.n:
                self.everyone.set()

    def __call__(self, *args, **kwargs):
        with self.lock:
            self.calls += 1
        self.everyone.wait(timeout=60)
        time.sleep(0.2)
        return self.real(*args, **kwargs)


def at_once(core: str, calls: list, clear) -> tuple[Counting, list]:
    """Run ``calls`` (one per thread) at the same moment with ``optim.<core>`` counted; returns (counter, results)."""
    clear()
    counting = Counting(getattr(optim, core), len(calls))
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(i):
        start.wait()
        counting.arrive()
        results[i] = calls[i]()

    with mock.patch.object(optim, core, counting):
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(r is not None for r in results), "a thread failed"
    clear()
    return counting, results


N = 8
SETUP = replace(Setup(), steps=200)
ADAM = make_config("adam", lr=0.05)
SMALL_SWEEP = replace(default_sweep(), lr_n=20, second_n=20, setup=replace(default_sweep().setup, steps=100))
SMALL_BASINS = BasinState(resolution=40, steps=50)
SMALL_TUNE = replace(TuneState(), budget=10, starts=3, setup=replace(TuneState().setup, steps=50))
DATA = mb.generated_source(mb.MiniBatchState())

# entry point: (core function it calls, the identical call, the caches to clear)
CACHED = {
    "trajectory": ("run", lambda: compute.trajectory(ADAM, SETUP), compute.clear_caches),
    "sweep": ("sweep", lambda: compute.sweep_arrays(SMALL_SWEEP), compute.clear_caches),
    "basin map": ("basins", lambda: compute.basin_map(SMALL_BASINS, SMALL_BASINS.configs[0]), compute.clear_caches),
    "tuning": ("tune", lambda: compute.tuning(SMALL_TUNE, "adam", "textbook"), compute.clear_caches),
    "noise band": ("run", lambda: compute.band_losses(ADAM, replace(SETUP, noise=0.5), 20), compute.clear_caches),
    "mini-batch": ("run", lambda: training.trajectory(DATA, 20, 5, 0, "rmsprop", 0.05), training.clear_caches),
    "inside (resource)": ("run", lambda: inside_panels.plateau_trajectory("rmsprop", "textbook",
                                                                          make_config("rmsprop").hp, 300),
                          inside_panels.plateau_trajectory.clear),
}


def same(a, b) -> bool:
    """Two results of a cached call hold the same numbers (cache_data hands each caller its own copy)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, optim.Trajectory):
        return same(a.xs, b.xs) and same(a.losses, b.losses)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    return a == b


@pytest.mark.parametrize("entry", CACHED)
def test_identical_requests_at_once_are_computed_once(entry):
    core, call, clear = CACHED[entry]
    counting, results = at_once(core, [call] * N, clear)
    assert counting.calls == 1, f"{entry}: {N} identical requests ran the core {counting.calls} times"
    assert all(same(r, results[0]) for r in results[1:])


def test_different_requests_at_once_are_each_computed():
    """The same harness counts every distinct request: what makes the test above able to fail."""
    calls = [lambda lr=lr: compute.trajectory(make_config("adam", lr=lr), SETUP) for lr in np.geomspace(1e-3, 1, N)]
    counting, results = at_once("run", calls, compute.clear_caches)
    assert counting.calls == N
    assert len({r.final_loss for r in results}) == N

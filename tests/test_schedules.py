"""Learning-rate schedules: closed forms, batching, the stepping helper, errors and formulas."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import optim
from optim.run import BLOCK
from optim.schedules.float32 import cosf, powf

FLAVORS = ("torch", "keras", "optax")
STEPS = 120
# optax evaluates these in float32 (its step count is int32): the code matches optax's float32 bits
# (tests/test_golden_schedules.py), so the exact formula holds to float32 round-off only; gamma is
# rounded to float32 too, and its error grows with the power it is raised to.
OPTAX_FLOAT32 = {"step", "exponential", "linear", "polynomial", "warmup_cosine", "one_cycle"}
FLOAT32_EPS = 6e-8
ALL = [(name, flavor) for name, spec in optim.SCHEDULES.items() for flavor in spec.flavors]


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


PARAMS = {
    "constant": {},
    "step": {"step_size": st.integers(1, 60), "gamma": floats(0.05, 1.0)},
    "exponential": {"gamma": floats(0.9, 1.0)},
    "cosine": {"t_max": st.integers(1, 150), "eta_min": floats(0.0, 0.05)},
    "cosine_restarts": {"t_0": st.integers(1, 60), "t_mult": st.integers(1, 2), "eta_min": floats(0.0, 0.05)},
    "linear": {"start_factor": floats(0.01, 1.0), "end_factor": floats(0.0, 1.0), "total_iters": st.integers(1, 150)},
    "polynomial": {"total_iters": st.integers(1, 150), "power": st.one_of(st.just(0.0), floats(0.01, 4.0))},
    "warmup_cosine": {"warmup_steps": st.integers(1, 40), "t_max": st.integers(1, 150), "eta_min": floats(0.0, 0.05)},
    "one_cycle": {"max_lr": floats(1e-3, 1.0), "total_steps": st.integers(STEPS, 400),
                  # binary fractions: optax's int(pct_start * total_steps) rounds the product first
                  "pct_start": st.integers(3, 28).map(lambda i: i / 64),
                  "anneal_strategy": st.sampled_from(["cos", "linear"]), "three_phase": st.booleans(),
                  "div_factor": floats(1.0, 100.0),
                  "final_div_factor": floats(1.0, 1e4), "base_momentum": floats(0.5, 0.9),
                  "max_momentum": floats(0.9, 0.99)},
}


def scheduled(name, flavor, lr=0.1, optimizer="sgd", steps=STEPS, **params):
    """The optimizer and the values its schedule sets at steps 0 .. steps - 1."""
    hp = {"lr": lr, "momentum": 0.9} if optimizer == "sgd" else {"lr": lr}
    opt = optim.make_optimizer(optimizer, flavor, schedule=optim.make_schedule(name, **params), **hp)
    stepper = optim.Stepper(opt, steps)
    for k in range(steps):
        stepper.hyperparameters(k)
    return opt, stepper.used


@pytest.mark.parametrize(("name", "flavor"), [(n, f) for n, f in ALL if n in PARAMS and f != "textbook"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_step_equals_the_closed_form(name, flavor, data):
    params = {p: data.draw(s, label=p) for p, s in PARAMS[name].items()
              if p in optim.SCHEDULES[name].params(flavor)}
    lr = data.draw(floats(1e-3, 1.0), label="lr")
    try:
        opt, used = scheduled(name, flavor, lr, **params)
    except ValueError:
        assume(False)  # parameters that do not fit together (e.g. one-cycle phases) are refused
    formula = optim.schedule_formula(opt.schedule)
    scale = max(lr, params.get("max_lr", 0.0))
    for k in data.draw(st.lists(st.integers(0, STEPS - 1), min_size=1, max_size=20, unique=True), label="steps"):
        rtol = FLOAT32_EPS * (4 + k) if flavor == "optax" and name in OPTAX_FLOAT32 else 1e-12
        expected = formula.value(k, opt.hyperparameters)
        for what, value in expected.items():
            got = used[what][k] if what in used else opt.hyperparameters[what]
            assert got == pytest.approx(value, rel=rtol, abs=rtol * scale), f"{what} at step {k}"


@pytest.mark.parametrize("name", optim.SCHEDULES)
def test_textbook_schedules_are_torch_schedules(name):
    if name == "reduce_on_plateau":
        losses = np.r_[np.linspace(5, 1, 20), np.ones(60)]
        a, b = (plateau_rates("sgd", flavor, losses, patience=3) for flavor in ("textbook", "torch"))
    else:
        params = {"step": {"step_size": 7}, "cosine": {"t_max": 30}, "cosine_restarts": {"t_0": 9, "t_mult": 2},
                  "warmup_cosine": {"t_max": 40}, "one_cycle": {"total_steps": STEPS}}.get(name, {})
        a, b = (scheduled(name, flavor, **params)[1] for flavor in ("textbook", "torch"))
    np.testing.assert_equal(a, b)


@pytest.mark.parametrize(("name", "flavor"), [(n, f) for n, f in ALL if n != "reduce_on_plateau"])
def test_batched_schedules_equal_single_runs(name, flavor):
    grid = {"step": {"step_size": [3, 10, 25], "gamma": [0.5, 0.9, 0.2]}, "exponential": {"gamma": [0.9, 0.99, 1.0]},
            "cosine": {"t_max": [5, 30, 80], "eta_min": [0.0, 1e-3, 0.05]},
            "cosine_restarts": {"t_0": [3, 10, 20], "t_mult": [1, 2, 3], "eta_min": [0.0, 1e-3, 0.01]},
            "linear": {"start_factor": [0.1, 0.5, 1.0], "end_factor": [1.0, 0.2, 0.0], "total_iters": [5, 50, 90]},
            "polynomial": {"total_iters": [5, 50, 90], "power": [0.5, 1.0, 3.0]},
            "warmup_cosine": {"warmup_steps": [1, 5, 20], "t_max": [10, 40, 100], "eta_min": [0.0, 1e-3, 0.01]},
            "one_cycle": {"max_lr": [0.01, 0.1, 0.5], "total_steps": [60, 80, 100], "pct_start": [0.2, 0.3, 0.45],
                          "div_factor": [10.0, 25.0, 5.0]}}.get(name, {})
    if name == "one_cycle" and flavor != "optax":
        grid.update(anneal_strategy=["cos", "linear", "cos"], three_phase=[False, True, True],
                    cycle_momentum=[True, True, False])
    if name == "one_cycle" and flavor == "optax":
        grid.update(anneal_strategy=["cos", "linear", "cos"], three_phase=[False, True, False])
    lrs = [0.1, 0.02, 0.3]
    batch = optim.make_optimizer("sgd", flavor, lr=np.array(lrs), momentum=0.9,
                                 schedule=optim.make_schedule(name, **{k: np.array(v) for k, v in grid.items()}))
    starts = np.array([[-1.5, 2.0], [0.5, -0.5], [1.2, 1.0]])
    traj = optim.run(batch, "quadratic", x0=starts, steps=60)
    for i in range(3):
        single = optim.make_optimizer("sgd", flavor, lr=lrs[i], momentum=0.9,
                                      schedule=optim.make_schedule(name, **{k: v[i] for k, v in grid.items()}))
        one = optim.run(single, "quadratic", x0=starts[i], steps=60)
        np.testing.assert_array_equal(traj.lr[:, i], one.lr)
        for what, v in one.scheduled.items():
            np.testing.assert_array_equal(traj.scheduled[what][:, i], v)
        np.testing.assert_array_equal(traj.xs[:, i], one.xs)


def plateau_rates(optimizer, flavor, losses, lr=1.0, **params):
    opt = optim.make_optimizer(optimizer, flavor, lr=lr,
                               schedule=optim.make_schedule("reduce_on_plateau", **params))
    stepper = optim.Stepper(opt, len(losses))
    return np.array([float(stepper.hyperparameters(k, loss)["lr"]) for k, loss in enumerate(losses)])


def test_reduce_on_plateau_counts_as_each_library_does():
    # The loss at the point each step starts from: better for 3 steps, then flat.
    losses = [9.0, 8.0, 7.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0]
    kw = {"factor": 0.5, "patience": 2, "threshold": 0.1, "threshold_mode": "abs"}
    # torch ignores the start point's loss; 6.0 at step 3 is a new best; steps 4, 5, 6 are bad and
    # the third is more than patience: the rate halves for step 6, and again three bad steps later.
    np.testing.assert_array_equal(plateau_rates("gd", "torch", losses, **kw),
                                  [1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])
    # Keras reduces once the count reaches patience: after steps 4 and 5 are bad.
    np.testing.assert_array_equal(plateau_rates("gd", "keras", losses, **{k: v for k, v in kw.items()
                                                                          if k != "threshold_mode"}),
                                  [1, 1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125])
    # optax sees the start point too, and reduces when the count equals patience, for that very step.
    np.testing.assert_array_equal(plateau_rates("gd", "optax", losses, **kw),
                                  [1, 1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125])


def test_reduce_on_plateau_cooldown_min_lr_and_relative_threshold():
    flat = [1.0] * 12
    rates = plateau_rates("gd", "torch", flat, factor=0.25, patience=0, cooldown=2, min_lr=0.02)
    np.testing.assert_array_equal(rates, [1, 1, 0.25, 0.25, 0.25, 0.0625, 0.0625, 0.0625, 0.02, 0.02, 0.02, 0.02])
    slow = 10.0 * 0.99999 ** np.arange(30)  # improves, but by less than 1e-4 relative
    assert plateau_rates("gd", "torch", slow, patience=3)[-1] < 1.0
    assert plateau_rates("gd", "torch", slow, patience=3, threshold=1e-6)[-1] == 1.0


def test_each_run_of_a_batch_has_its_own_plateau():
    losses = np.array([[3.0, 3.0], [2.0, 3.0], [1.0, 3.0], [0.5, 3.0], [0.25, 3.0]])
    opt = optim.make_optimizer("gd", "torch", lr=np.array([1.0, 1.0]),
                               schedule=optim.make_schedule("reduce_on_plateau", patience=1, factor=0.5))
    stepper = optim.Stepper(opt, len(losses))
    rates = np.array([stepper.hyperparameters(k, loss)["lr"] for k, loss in enumerate(losses)])
    np.testing.assert_array_equal(rates[:, 0], 1.0)
    np.testing.assert_array_equal(rates[:, 1], [1, 1, 1, 0.5, 0.5])


def test_one_rate_for_several_runs_parts_on_their_plateaus_and_is_kept_per_run():
    """One starting rate, several runs (the networks of ``optim.train``, one per seed): the rate is one number
    until the runs' losses part it, then one per run; what was used is kept per run at every step. (Keeping it
    failed: the first steps' rates were kept as one number, the later ones per run, and they could not be
    joined, so training several networks under reduce on plateau raised a NumPy error.)"""
    losses = np.array([[3.0, 3.0], [2.0, 3.0], [1.0, 3.0], [0.5, 3.0], [0.25, 3.0]])
    opt = optim.make_optimizer("gd", "torch", lr=1.0,
                               schedule=optim.make_schedule("reduce_on_plateau", patience=1, factor=0.5))
    stepper = optim.Stepper(opt, len(losses))
    for k, loss in enumerate(losses):
        stepper.rule(k, loss)
    used = stepper.used["lr"]
    assert used.shape == (5, 2)
    np.testing.assert_array_equal(used[:, 0], 1.0)
    np.testing.assert_array_equal(used[:, 1], [1, 1, 1, 0.5, 0.5])
    assert stepper.lr_by_step().shape == (5, 1, 2)


def test_several_networks_train_under_reduce_on_plateau():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(96, 2))
    y = (X[:, 0] > 0).astype(float)
    net = optim.MLP([2, 6, 1], "tanh")
    opt = optim.make_optimizer("sgd", "torch", lr=0.5, momentum=0.9,
                               schedule=optim.make_schedule("reduce_on_plateau", patience=0, factor=0.5))
    run = optim.train(opt, net, X, y, params=net.init([0, 1]), batch_size=24, epochs=4)
    assert run.losses.shape == (17, 2) and np.isfinite(run.losses).all()
    assert run.lr.shape == (16, 2) and (run.lr <= 0.5).all() and (run.lr < 0.5).any()
    for i, seed in enumerate([0, 1]):  # each network as if trained alone
        alone = optim.train(opt, net, X, y, params=net.init([seed]), batch_size=24, epochs=4)
        np.testing.assert_array_equal(run.lr[:, i], alone.lr[:, 0])


def test_run_gives_reduce_on_plateau_the_loss_at_each_new_point():
    opt = optim.make_optimizer("adam", "torch", lr=0.5,
                               schedule=optim.make_schedule("reduce_on_plateau", factor=0.5, patience=3))
    traj = optim.run(opt, optim.get_objective("quadratic", a=1.0, b=10.0), x0=[1.5, 1.5], steps=80)
    expected = plateau_rates("adam", "torch", traj.losses[:-1], lr=0.5, factor=0.5, patience=3)
    np.testing.assert_array_equal(traj.lr, expected)
    assert len(np.unique(traj.lr)) > 3  # it did reduce, several times
    summary = optim.run(opt, optim.get_objective("quadratic", a=1.0, b=10.0), x0=[1.5, 1.5], steps=80,
                        record="final")
    np.testing.assert_array_equal(summary.final_x, traj.xs[-1])


def test_one_cycle_cycles_beta1_of_adam_and_momentum_of_sgd():
    sched = optim.make_schedule("one_cycle", max_lr=0.05, total_steps=100)
    adam = optim.make_optimizer("adam", "torch", schedule=sched)
    sgd = optim.make_optimizer("sgd", "torch", momentum=0.9, schedule=sched)
    assert (adam.schedule.cycles, sgd.schedule.cycles) == ("beta1", "momentum")
    traj = optim.run(adam, "rosenbrock", steps=100)
    assert traj.scheduled["beta1"][0] == 0.95 and traj.scheduled["beta1"].min() == pytest.approx(0.85)
    still = optim.make_optimizer("adam", "torch", schedule=optim.make_schedule(
        "one_cycle", max_lr=0.05, total_steps=100, cycle_momentum=False))
    assert set(optim.run(still, "rosenbrock", steps=100).scheduled) == {"lr"}


def test_trajectories_carry_the_rate_used_and_the_effective_rate_includes_it():
    opt = optim.make_optimizer("gd", lr=0.01, schedule=optim.make_schedule("step", step_size=10, gamma=0.5))
    traj = optim.run(opt, "quadratic", steps=30)
    np.testing.assert_array_equal(traj.lr, 0.01 * 0.5 ** (np.arange(30) // 10))
    np.testing.assert_array_equal(traj.effective_lr, np.repeat(traj.lr[:, None], 2, axis=1))
    np.testing.assert_allclose(traj.updates, -traj.lr[:, None] * traj.grads, rtol=1e-12)
    adam = optim.make_optimizer("adam", "torch", lr=0.01, schedule=optim.make_schedule("cosine", t_max=20))
    with_schedule = optim.run(adam, "rosenbrock", steps=20)
    constant = optim.run(optim.make_optimizer("adam", "torch", lr=0.01), "rosenbrock", steps=1)
    assert with_schedule.effective_lr[0] == pytest.approx(constant.effective_lr[0])
    ratio = with_schedule.effective_lr[:, 0] / with_schedule.lr
    assert np.all(np.isfinite(ratio)) and not np.allclose(with_schedule.lr, 0.01)
    plain = optim.run(optim.make_optimizer("adam", lr=0.01), "rosenbrock", x0=np.zeros((3, 2)), steps=5)
    assert plain.lr.shape == (5, 3) and np.all(plain.lr == 0.01) and plain.scheduled == {}


def test_a_diverged_run_shows_no_rate_after_it_diverged():
    opt = optim.make_optimizer("gd", lr=0.2, schedule=optim.make_schedule("exponential", gamma=0.999))
    traj = optim.run(opt, "quadratic", x0=[1.0, 1.0], steps=30)
    assert traj.diverged_at > 0
    assert np.isnan(traj.lr[traj.diverged_at - 1:]).all() and np.isfinite(traj.lr[: traj.diverged_at - 1]).all()


def test_stepper_without_a_schedule_gives_the_optimizers_rule():
    opt = optim.make_optimizer("rmsprop", lr=0.01)
    stepper = optim.Stepper(opt, 3)
    assert stepper.rule(0) is opt.rule and not stepper.needs_loss and stepper.used == {}


@pytest.mark.parametrize(("call", "message"), [
    (lambda: optim.make_schedule("warmup"), "unknown schedule 'warmup'; allowed: constant, step,"),
    (lambda: optim.make_schedule("step", size=3), "step: unknown parameter 'size'; allowed: step_size, gamma."),
    (lambda: optim.make_schedule("step", step_size=2.5), "step: step_size = 2.5 is not a whole number; allowed:"),
    (lambda: optim.make_schedule("one_cycle", anneal_strategy="cosine"),
     "one_cycle: anneal_strategy = 'cosine' is not allowed; allowed: one of 'cos', 'linear'."),
    (lambda: optim.make_schedule("cosine", t_max=[10, 20], eta_min=[0.0, 0.1, 0.2]),
     "cosine: array-valued parameters must all have the same length, got lengths [2, 3]."),
    (lambda: optim.make_optimizer("adam", "keras", schedule="one_cycle"),
     "one_cycle (keras): Keras has no one-cycle learning-rate schedule."),
    (lambda: optim.make_optimizer("adam", "optax", schedule=optim.make_schedule("one_cycle", cycle_momentum=True)),
     "one_cycle (optax): cycle_momentum is not available: optax's one-cycle schedules set only the learning rate"),
    (lambda: optim.make_optimizer("adam", "keras", schedule=optim.make_schedule(
        "reduce_on_plateau", threshold_mode="rel")), "reduce_on_plateau (keras): threshold_mode is not available"),
    (lambda: optim.make_optimizer("adagrad", "torch", schedule="one_cycle"),
     "one_cycle (torch): cycle_momentum needs momentum or beta1 and adagrad (torch) has neither; set "),
    (lambda: optim.make_optimizer("sgd", "torch", schedule=optim.make_schedule("one_cycle", total_steps=3)),
     "one_cycle (torch): pct_start * total_steps must be more than 1"),
    (lambda: optim.make_optimizer("sgd", "optax", schedule=optim.make_schedule("one_cycle", three_phase=True)),
     "one_cycle (optax): optax has cosine_onecycle_schedule (anneal_strategy 'cos', two phases) and"),
    (lambda: optim.make_optimizer("sgd", "torch", schedule=optim.make_schedule("reduce_on_plateau", threshold=2)),
     "reduce_on_plateau (torch): threshold must be at most 1 in 'rel' mode"),
    (lambda: optim.make_optimizer("sgd", lr=[0.1, 0.2], schedule=optim.make_schedule("step", gamma=[0.1, 0.2, 0.3])),
     "sgd (textbook): array-valued hyperparameters must all have the same length, got lengths [2, 3]."),
    (lambda: optim.make_optimizer("sgd", schedule=3), "schedule must be a name or optim.make_schedule(...), got 3."),
    (lambda: optim.run(optim.make_optimizer("sgd", "torch", schedule=optim.make_schedule(
        "one_cycle", total_steps=50)), "rosenbrock", steps=51),
     "one_cycle (torch): the run has 51 steps but total_steps is 50; torch's OneCycleLR refuses"),
    (lambda: optim.Stepper(optim.make_optimizer("sgd", schedule="reduce_on_plateau")).rule(0),
     "reduce_on_plateau needs the loss at each step: pass it to Stepper.rule(k, loss)."),
    (lambda: optim.Stepper(optim.make_optimizer("sgd", schedule="step")).rule(1),
     "steps must be asked for in order: expected step 0, got 1."),
    (lambda: optim.schedule_formula(optim.make_optimizer("sgd", schedule="reduce_on_plateau").schedule).value(
        3, {"lr": 0.1}), "reduce_on_plateau depends on the losses; it has no closed form."),
])
def test_bad_schedules_are_refused_with_one_sentence(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value).startswith(message), str(err.value)


def test_optax_one_cycle_holds_its_last_rate_and_torch_stops_at_total_steps():
    optax = scheduled("one_cycle", "optax", steps=80, max_lr=0.1, total_steps=50)[1]["lr"]
    assert np.all(optax[50:] == optax[50]) and optax[50] == pytest.approx(0.1 / 25 / 1e4)
    torch = scheduled("one_cycle", "torch", steps=50, max_lr=0.1, total_steps=50)[1]["lr"]
    assert torch[-1] == pytest.approx(0.1 / 25 / 1e4)


def test_torch_cosine_climbs_back_after_t_max_where_keras_and_optax_hold():
    torch = scheduled("cosine", "torch", steps=40, t_max=20)[1]["lr"]
    assert torch[20] == pytest.approx(0.0, abs=1e-15)
    assert torch[39] == pytest.approx(0.1 * (1 + np.cos(np.pi * 39 / 20)) / 2)
    for flavor in ("keras", "optax"):
        held = scheduled("cosine", flavor, steps=40, t_max=20)[1]["lr"]
        np.testing.assert_array_equal(held[20:], 0.0)


def test_keras_restarts_reproduce_its_logarithm_landing_a_restart_late():
    # Keras finds the cycle as floor(log(1 + k (t_mul - 1) / t_0) / log(t_mul)); with t_mul 3 the
    # fifth restart, at step 121 for t_0 = 1, comes out as 4.999...: Keras (and the keras flavor) stay
    # at the end of the fourth cycle (eta_min) where the exact form restarts at the full rate.
    keras = scheduled("cosine_restarts", "keras", steps=125, t_0=1, t_mult=3)[1]["lr"]
    torch = scheduled("cosine_restarts", "torch", steps=125, t_0=1, t_mult=3)[1]["lr"]
    assert torch[121] == 0.1 and keras[121] == pytest.approx(0.0, abs=1e-17)
    np.testing.assert_allclose(np.delete(keras, 121), np.delete(torch, 121), rtol=1e-12, atol=1e-15)


def test_float32_functions_are_the_c_librarys():
    x = np.float32([0.0, 0.5, 1.0, np.pi / 3, 2.5])
    np.testing.assert_allclose(cosf(x), np.cos(x.astype(np.float64)), rtol=1e-7)
    assert cosf(x).dtype == np.float32 and powf(np.float32(0.97), np.float32([0, 1, 2]))[0] == 1.0
    np.testing.assert_allclose(powf(np.float32(0.97), np.arange(5)), 0.97 ** np.arange(5), rtol=1e-7)


@pytest.mark.parametrize(("name", "flavor"), ALL)
def test_every_schedule_has_a_formula_in_every_flavor(name, flavor):
    opt = optim.make_optimizer("sgd", flavor, momentum=0.9, schedule=name)
    text = optim.schedule_formula(opt.schedule).latex()
    assert text.startswith(r"\eta_k = ") and "\n" not in text
    assert ("\\mu_k" in text) == (name == "one_cycle" and flavor in ("torch", "textbook"))


def test_formulas_read_differently_where_flavors_differ():
    def tex(name, flavor, **params):
        opt = optim.make_optimizer("adam", flavor, schedule=optim.make_schedule(name, **params))
        return optim.schedule_formula(opt.schedule).latex()

    assert r"\min\left(" not in tex("cosine", "torch") and r"\min\left(k, T_{\max}\right)" in tex("cosine", "keras")
    assert tex("cosine", "keras") == tex("cosine", "optax")
    assert "e_1" in tex("one_cycle", "torch") and "b_1" in tex("one_cycle", "optax")
    assert r"\beta_{1,k}" in tex("one_cycle", "torch")
    assert r"k \bmod T_0" in tex("cosine_restarts", "torch") and r"\log" in tex("cosine_restarts", "torch", t_mult=2)


def test_specs_name_their_parameters_and_every_flavor():
    for name, spec in optim.SCHEDULES.items():
        assert spec.name == name and spec.summary.endswith(".")
        for flavor in optim.FLAVORS:
            assert (flavor in spec.flavors) != (flavor in spec.missing), (name, flavor)
            if flavor in spec.missing:
                assert spec.missing[flavor].endswith(".") and spec.missing[flavor].count(". ") == 0
        for flavor, fl in spec.flavors.items():
            assert fl.follows
            params = spec.params(flavor)
            assert set(params) <= set(spec.names) and (fl.lacks != "") == (set(params) != set(spec.names))
            for p in params.values():
                assert p.help and optim.params.validate(p, p.default, name) == p.default


@pytest.mark.parametrize("name", optim.SCHEDULES)
def test_a_spec_says_whether_its_schedule_reads_the_loss(name):
    for flavor in optim.SCHEDULES[name].flavors:
        opt = optim.make_optimizer("sgd", flavor, momentum=0.9, schedule=name)
        assert optim.Stepper(opt).needs_loss == optim.SCHEDULES[name].uses_loss


def test_a_sweep_runs_under_a_schedule():
    cosine = optim.make_schedule("cosine", t_max=60, eta_min=1e-4)
    s = optim.sweep("adam", "rosenbrock", lr=[0.01, 0.05], second=[0.8, 0.9], steps=60, flavor="torch",
                    schedule=cosine)
    one = optim.run(optim.make_optimizer("adam", "torch", lr=0.05, beta1=0.9, schedule=cosine), "rosenbrock",
                    steps=60)
    assert s.final_loss[1, 1] == one.final_loss


def test_a_step_refused_for_want_of_the_loss_can_be_asked_again():
    stepper = optim.Stepper(optim.make_optimizer("sgd", lr=0.05, schedule="reduce_on_plateau"), 3)
    with pytest.raises(ValueError, match="needs the loss"):
        stepper.rule(0)
    assert stepper.hyperparameters(0, 1.0)["lr"] == 0.05


def test_lr_y_follows_the_schedule_from_its_own_base_rate():
    cosine = optim.make_schedule("cosine", t_max=20, eta_min=0.001)
    both = optim.run(optim.make_optimizer("gd", lr=0.01, lr_y=0.004, schedule=cosine), "quadratic", steps=20)
    x_alone = optim.run(optim.make_optimizer("gd", lr=0.01, schedule=cosine), "quadratic", steps=20)
    y_alone = optim.run(optim.make_optimizer("gd", lr=0.004, schedule=cosine), "quadratic", steps=20)
    np.testing.assert_array_equal(both.lr, x_alone.lr)
    np.testing.assert_array_equal(both.scheduled["lr_y"], y_alone.lr)
    np.testing.assert_array_equal(both.effective_lr, np.stack([x_alone.lr, y_alone.lr], axis=1))
    np.testing.assert_array_equal(both.xs[:, 0], x_alone.xs[:, 0])  # gd on a separable bowl: x and y apart
    np.testing.assert_array_equal(both.xs[:, 1], y_alone.xs[:, 1])


def test_large_batches_run_block_by_block_under_their_own_schedules():
    n = 2 * BLOCK + 7  # enough runs for the summary loop to go block by block
    t_max = np.arange(n) % 40 + 1
    opt = optim.make_optimizer("adam", "torch", lr=0.05, schedule=optim.make_schedule("cosine", t_max=t_max))
    starts = np.tile([[-1.5, 2.0]], (n, 1))
    summary = optim.run(opt, "rosenbrock", x0=starts, steps=30, record="final")
    for i in (0, 17, n - 1):
        one = optim.make_optimizer("adam", "torch", lr=0.05, schedule=optim.make_schedule("cosine", t_max=t_max[i]))
        np.testing.assert_array_equal(summary.final_x[i], optim.run(one, "rosenbrock", x0=starts[i], steps=30).xs[-1])

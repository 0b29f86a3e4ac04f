#!/usr/bin/env python3
"""Record float64 trajectories under learning-rate schedules from torch, Keras and optax as golden fixtures.

The companion of ``tools/make_golden.py`` (same objectives, start points, 200
steps, versions, gradient hand-off and path checks; read its docstring). Each
case runs a real optimizer with a real schedule of its library and writes

    tests/golden/schedules/torch.json   (torch.optim + torch.optim.lr_scheduler)
    tests/golden/schedules/keras.json   (Keras 3 on torch, keras.optimizers.schedules / ReduceLROnPlateau)
    tests/golden/schedules/optax.json   (optax with its schedules / contrib.reduce_on_plateau, x64)

The cases are in ``tools/golden_schedule_cases.py``. A case records the
canonical optimizer, its hyperparameters as passed, the
canonical schedule name and ONLY the schedule parameters passed explicitly
(torch gets exactly those, so its defaults are pinned; Keras and optax get
our parameters mapped onto theirs, the core's defaults filled in, as the
flavor's ``follows`` text in ``optim.SCHEDULES`` describes), the native calls,
``lrs`` (the learning rate each step used, as the library holds it; for optax,
the schedule evaluated at the optimizer's int32 count), ``momenta`` when a
one-cycle schedule cycles momentum or beta1, and ``xs``.

The schedules run as a training loop would: torch's ``scheduler.step()`` after
every ``optimizer.step()``; ``ReduceLROnPlateau`` stepped (torch) or its
``on_epoch_end`` called (Keras) after every step with the loss at the new
point; optax's ``reduce_on_plateau`` chained after the optimizer and given
``value=`` the loss at the point each update starts from.

Run from the repository root, with the fixture virtualenv of make_golden.py:

    PYTHONPATH=. /work/golden-venv/bin/python tools/golden_schedules.py          # all three
    PYTHONPATH=. /work/golden-venv/bin/python tools/golden_schedules.py optax    # one library
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from golden_cases import OBJECTIVES
from golden_libraries import setup  # sets KERAS_BACKEND, JAX_PLATFORMS (keras, jax load later)
from golden_native import call, keras_native, optax_native, torch_native
from golden_record import record
from golden_runners import STEPS
from golden_schedule_cases import Case, cases

import optim

OUT_DIR = Path("tests/golden/schedules")
LIBRARIES = ("torch", "keras", "optax")


# --------------------------------------------------------------------------
# Canonical schedule -> native schedule
# --------------------------------------------------------------------------

def resolved(case: Case, flavor: str) -> dict:
    """Every schedule parameter of ``flavor``: the case's, and the core's defaults for the rest."""
    return {n: case.sp.get(n, p.default) for n, p in optim.SCHEDULES[case.schedule].params(flavor).items()}


TORCH_SCHEDULER = {"step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR",
                   "cosine_restarts": "CosineAnnealingWarmRestarts", "linear": "LinearLR",
                   "polynomial": "PolynomialLR", "one_cycle": "OneCycleLR", "reduce_on_plateau": "ReduceLROnPlateau"}
TORCH_RENAME = {"t_max": "T_max", "t_0": "T_0", "t_mult": "T_mult"}


def torch_scheduler(case: Case, opt):
    """(scheduler or None, native call) for torch.optim.lr_scheduler, given only the case's parameters."""
    from torch.optim import lr_scheduler as ls

    if case.schedule == "constant":
        return None, "no scheduler"
    if case.schedule == "warmup_cosine":
        p = resolved(case, "torch")
        w, cos_kw = p["warmup_steps"], {"T_max": p["t_max"], "eta_min": p["eta_min"]}
        scheds = [ls.LambdaLR(opt, lambda k: k / w), ls.CosineAnnealingLR(opt, **cos_kw)]
        return ls.SequentialLR(opt, scheds, milestones=[w]), (
            f"SequentialLR([LambdaLR(lambda k: k / {w}), {call('CosineAnnealingLR', cos_kw)}], milestones=[{w}])")
    kw = {TORCH_RENAME.get(k, k): v for k, v in case.sp.items()}
    if case.schedule == "reduce_on_plateau":
        kw = {"mode": "min", **kw}
    cls = TORCH_SCHEDULER[case.schedule]
    return getattr(ls, cls)(opt, **kw), call(cls, kw)


def optax_one_cycle(p: dict, lr: float) -> tuple[str, dict]:
    """optax's one-cycle schedule for the core's parameters: cosine, or linear in two phases."""
    kw = {"transition_steps": p["total_steps"], "peak_value": p["max_lr"], "pct_start": p["pct_start"]}
    if p["anneal_strategy"] == "cos":
        fn = "cosine_onecycle_schedule"
    else:
        fn, kw["pct_final"] = "linear_onecycle_schedule", 2 * p["pct_start"]
    kw.update(div_factor=p["div_factor"], final_div_factor=p["final_div_factor"])
    return fn, kw


SCHEDULE_CALLS = {
    "step": {
        "keras": lambda p, lr: ("ExponentialDecay", {"initial_learning_rate": lr, "decay_steps": p["step_size"],
                                                     "decay_rate": p["gamma"], "staircase": True}),
        "optax": lambda p, lr: ("exponential_decay", {"init_value": lr, "transition_steps": p["step_size"],
                                                      "decay_rate": p["gamma"], "staircase": True}),
    },
    "exponential": {
        "keras": lambda p, lr: ("ExponentialDecay", {"initial_learning_rate": lr, "decay_steps": 1,
                                                     "decay_rate": p["gamma"], "staircase": False}),
        "optax": lambda p, lr: ("exponential_decay", {"init_value": lr, "transition_steps": 1,
                                                      "decay_rate": p["gamma"], "staircase": False}),
    },
    "cosine": {
        "keras": lambda p, lr: ("CosineDecay", {"initial_learning_rate": lr, "decay_steps": p["t_max"],
                                                "alpha": p["eta_min"] / lr}),
        "optax": lambda p, lr: ("cosine_decay_schedule", {"init_value": lr, "decay_steps": p["t_max"],
                                                          "alpha": p["eta_min"] / lr}),
    },
    "cosine_restarts": {
        "keras": lambda p, lr: ("CosineDecayRestarts", {"initial_learning_rate": lr, "first_decay_steps": p["t_0"],
                                                        "t_mul": float(p["t_mult"]), "m_mul": 1.0,
                                                        "alpha": p["eta_min"] / lr}),
        # optax: sgdr_schedule, in optax_schedule
    },
    "linear": {
        "keras": lambda p, lr: ("PolynomialDecay", {"initial_learning_rate": lr * p["start_factor"],
                                                    "decay_steps": p["total_iters"],
                                                    "end_learning_rate": lr * p["end_factor"], "power": 1.0}),
        "optax": lambda p, lr: ("linear_schedule", {"init_value": lr * p["start_factor"],
                                                    "end_value": lr * p["end_factor"],
                                                    "transition_steps": p["total_iters"]}),
    },
    "polynomial": {
        "keras": lambda p, lr: ("PolynomialDecay", {"initial_learning_rate": lr, "decay_steps": p["total_iters"],
                                                    "end_learning_rate": 0.0, "power": p["power"]}),
        "optax": lambda p, lr: ("polynomial_schedule", {"init_value": lr, "end_value": 0.0, "power": p["power"],
                                                        "transition_steps": p["total_iters"]}),
    },
    "warmup_cosine": {
        "keras": lambda p, lr: ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": p["t_max"],
                                                "alpha": p["eta_min"] / lr, "warmup_target": lr,
                                                "warmup_steps": p["warmup_steps"]}),
        "optax": lambda p, lr: ("warmup_cosine_decay_schedule", {"init_value": 0.0, "peak_value": lr,
                                                                 "warmup_steps": p["warmup_steps"],
                                                                 "decay_steps": p["warmup_steps"] + p["t_max"],
                                                                 "end_value": p["eta_min"]}),
    },
    "one_cycle": {"optax": optax_one_cycle},  # Keras has none
}
"""Schedule -> library -> ``(p, lr) -> (function name, keyword arguments)``: the schedule function of Keras
(``keras.optimizers.schedules``) or optax that follows the core's schedule with parameters ``p`` (the
case's, the core's defaults filled in) from learning rate ``lr``, side by side. The schedules that are
not a learning-rate function (constant, reduce-on-plateau, optax's restarts) are in ``keras_schedule``
and ``optax_schedule``."""


def keras_schedule(case: Case, lr: float):
    """(learning_rate argument, callback or None, native text) for Keras."""
    import keras

    p = resolved(case, "keras")
    if case.schedule == "constant":
        return lr, None, repr(lr)
    if case.schedule == "reduce_on_plateau":
        kw = {"monitor": "loss", "factor": p["factor"], "patience": p["patience"], "min_delta": p["threshold"],
              "cooldown": p["cooldown"], "min_lr": p["min_lr"]}
        return lr, keras.callbacks.ReduceLROnPlateau(**kw), call("keras.callbacks.ReduceLROnPlateau", kw)
    cls, kw = SCHEDULE_CALLS[case.schedule]["keras"](p, lr)
    return getattr(keras.optimizers.schedules, cls)(**kw), None, call(f"keras.optimizers.schedules.{cls}", kw)


def optax_schedule(case: Case, lr: float):
    """(learning_rate argument, reduce_on_plateau transformation or None, native text) for optax."""
    import optax

    p = resolved(case, "optax")
    if case.schedule == "constant":
        return optax.constant_schedule(lr), None, f"optax.constant_schedule({lr!r})"
    if case.schedule == "reduce_on_plateau":
        rel = p["threshold_mode"] == "rel"
        kw = {"factor": p["factor"], "patience": p["patience"], "rtol": p["threshold"] if rel else 0.0,
              "atol": 0.0 if rel else p["threshold"], "cooldown": p["cooldown"], "min_scale": p["min_lr"] / lr}
        return lr, optax.contrib.reduce_on_plateau(**kw), call("optax.contrib.reduce_on_plateau", kw)
    if case.schedule == "cosine_restarts":
        cycles, start, i = [], 0, 0
        while start < STEPS:
            cycles.append({"init_value": lr, "peak_value": lr, "warmup_steps": 0,
                           "decay_steps": p["t_0"] * p["t_mult"] ** i, "end_value": p["eta_min"]})
            start, i = start + cycles[-1]["decay_steps"], i + 1
        return optax.sgdr_schedule(cycles), None, f"optax.sgdr_schedule({cycles!r})"
    fn, kw = SCHEDULE_CALLS[case.schedule]["optax"](p, lr)
    return getattr(optax, fn)(**kw), None, call(f"optax.{fn}", kw)


# --------------------------------------------------------------------------
# Runners: one per library.  Each returns (xs, lrs, momenta or None, extra case fields).
# --------------------------------------------------------------------------

def objective(case: Case):
    """The case's objective, with its parameters from ``golden_cases.OBJECTIVES``."""
    params, _ = OBJECTIVES[case.objective]
    return optim.get_objective(case.objective, **params)


def run_torch(case: Case, x0):
    import torch

    obj = objective(case)
    cls, kw = torch_native(case.optimizer, case.hp)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kw)
    sched, native = torch_scheduler(case, opt)
    group = opt.param_groups[0]
    xs, lrs, momenta = [p.detach().numpy().copy()], [], []
    for _ in range(STEPS):
        lrs.append(float(group["lr"]))
        momenta.append(group["betas"][0] if "betas" in group else group.get("momentum"))
        p.grad = torch.from_numpy(obj.grad(xs[-1]))
        opt.step()
        xs.append(p.detach().numpy().copy())
        if case.schedule == "reduce_on_plateau":
            sched.step(float(obj.f(xs[-1])))
        elif sched is not None:
            sched.step()
    cycled = case.schedule == "one_cycle" and case.sp.get("cycle_momentum", True)
    return xs, lrs, momenta if cycled else None, {"native": f"{call(f'torch.optim.{cls}', kw)}; {native}"}


def run_keras(case: Case, x0):
    import keras

    obj = objective(case)
    cls, kw = keras_native(case.optimizer, case.hp)
    lr, callback, native = keras_schedule(case, kw.pop("learning_rate"))
    v = keras.Variable(np.array(x0, dtype=np.float64), dtype="float64")
    opt = getattr(keras.optimizers, cls)(learning_rate=lr, **kw)
    if callback is not None:
        callback.set_model(type("Model", (), {"optimizer": opt})())
        callback.on_train_begin()
    xs, lrs = [keras.ops.convert_to_numpy(v).copy()], []
    for k in range(STEPS):
        lrs.append(float(keras.ops.convert_to_numpy(opt.learning_rate)))
        opt.apply_gradients([(keras.ops.convert_to_tensor(obj.grad(xs[-1]), dtype="float64"), v)])
        xs.append(keras.ops.convert_to_numpy(v).copy())
        if callback is not None:
            callback.on_epoch_end(k, {"loss": float(obj.f(xs[-1]))})
    return xs, lrs, None, {"native": f"{call(f'keras.optimizers.{cls}', kw)} with learning_rate={native}"}


def run_optax(case: Case, x0):
    import jax.numpy as jnp
    import optax

    obj = objective(case)
    hp = dict(case.hp)
    lr = hp.pop("lr")
    schedule, plateau, native = optax_schedule(case, lr)
    tx, opt_native = optax_native(case.optimizer, {"lr": schedule, **hp})
    opt_native = opt_native.replace(repr(schedule), "schedule")
    if plateau is not None:
        tx = optax.chain(tx, plateau)
    params = jnp.asarray(x0, dtype=jnp.float64)
    state = tx.init(params)
    xs, lrs = [np.asarray(params).copy()], []
    for k in range(STEPS):
        g = jnp.asarray(obj.grad(xs[-1]))
        if plateau is None:
            lrs.append(float(schedule(jnp.asarray(k, dtype=jnp.int32))))
            updates, state = tx.update(g, state, params)
        else:
            updates, state = tx.update(g, state, params, value=float(obj.f(xs[-1])))
            lrs.append(lr * float(state[1].scale))
        params = optax.apply_updates(params, updates)
        xs.append(np.asarray(params).copy())
    return xs, lrs, None, {"native": f"{opt_native} with {'learning_rate=' if plateau is None else ''}{native}"}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

RUNNERS = {"torch": run_torch, "keras": run_keras, "optax": run_optax}


def generate(library: str, any_version: bool = False) -> None:
    """Write ``tests/golden/schedules/<library>.json``: each case's path, learning rates and momenta."""
    version = setup(library, any_version)

    def describe(case: Case, cid: str, result, xs: np.ndarray, gain: float) -> tuple[dict, str]:
        params, x0 = OBJECTIVES[case.objective]
        _, lrs, momenta, extra = result
        rec = {"id": cid, "optimizer": case.optimizer, "flavor": library, "hyperparameters": dict(case.hp),
               "schedule": case.schedule, "schedule_params": dict(case.sp), **extra,
               "sensitivity": float(f"{gain:.2g}"), "objective": case.objective, "objective_params": dict(params),
               "x0": [float(v) for v in x0], "lrs": [float(v) for v in lrs]}
        if momenta is not None:
            rec["momenta"] = [float(v) for v in momenta]
        rec["xs"] = xs.tolist()
        changes = int(np.sum(np.diff(lrs) != 0))
        return rec, (f"{cid:70s} -> ({xs[-1, 0]: .6f}, {xs[-1, 1]: .6f})  gain {gain:.2g}  "
                     f"lr {lrs[0]:.3g}..{lrs[-1]:.3g} ({changes} changes)")

    def document(records: list[dict]) -> dict:
        return {"library": library, "version": version, "generated_by": "tools/golden_schedules.py",
                "steps": STEPS, "dtype": "float64", "cases": records}

    record(OUT_DIR / f"{library}.json", library, cases(library),
           lambda case: f"{library}/{case.schedule}/{case.optimizer}/{case.label}/{case.objective}",
           RUNNERS[library], describe, document)


def main(argv=None) -> None:
    """Regenerate the schedule fixtures of the libraries named on the command line (all by default)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("libraries", nargs="*", metavar="LIBRARY",
                    help=f"which fixture files to (re)generate: {', '.join(LIBRARIES)} (default: all)")
    ap.add_argument("--any-version", action="store_true", help="allow library versions other than the pinned ones")
    args = ap.parse_args(argv)
    if not Path("optim").is_dir():
        raise SystemExit("run from the repository root with PYTHONPATH=.")
    unknown = set(args.libraries) - set(LIBRARIES)
    if unknown:
        ap.error(f"unknown library: {', '.join(sorted(unknown))}")
    for lib in args.libraries or list(LIBRARIES):
        generate(lib, args.any_version)


if __name__ == "__main__":
    main()

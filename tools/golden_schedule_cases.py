"""The cases ``tools/golden_schedules.py`` records, as data: every schedule a library has, with two or more optimizers.

Each case names the libraries that run it, a canonical schedule and optimizer, a short label (part of the
case id), an objective from ``golden_cases.OBJECTIVES``, the schedule parameters passed explicitly (torch
gets only these, so its defaults are pinned) and the optimizer's hyperparameters. Settings are mostly not
the defaults: warm-ups, cycles that end inside the run, cosines that run past t_max, plateaus that reduce
the rate several times. A case the libraries share is one row; a library's cases are the rows naming it,
in table order (the order of its fixture file).

>>> [(c.schedule, c.optimizer) for c in cases("torch")][:2]
[('constant', 'adam'), ('constant', 'sgd')]
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL = "torch keras optax"


@dataclass(frozen=True)
class Case:
    """One trajectory to record: ``optimizer`` with ``hp`` under ``schedule`` with ``sp``, by each of ``libraries``."""

    libraries: tuple[str, ...]
    schedule: str
    optimizer: str
    label: str            # short description, part of the case id
    objective: str
    sp: dict = field(default_factory=dict)   # canonical schedule parameters, as passed
    hp: dict = field(default_factory=dict)   # canonical hyperparameters, as passed


def case(libraries: str, schedule: str, optimizer: str, label: str, objective: str = "rosenbrock",
         sp: dict | None = None, **hp) -> Case:
    """A table row: ``libraries`` is a space-separated list of library names."""
    return Case(tuple(libraries.split()), schedule, optimizer, label, objective, dict(sp or {}), hp)


CASES = [
    case(ALL, "constant", "adam", "lr", lr=0.02),
    case(ALL, "constant", "sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),

    case(ALL, "step", "adam", "size40-gamma0.5", "quadratic", {"step_size": 40, "gamma": 0.5}, lr=0.05),
    case(ALL, "step", "sgd", "size50-default-gamma", sp={"step_size": 50}, lr=2e-4, momentum=0.9),
    case("torch", "step", "rmsprop", "size30-gamma0.7", "himmelblau", {"step_size": 30, "gamma": 0.7}, lr=0.05),

    case("torch keras", "exponential", "adam", "gamma0.98", sp={"gamma": 0.98}, lr=0.05),
    case("torch keras", "exponential", "sgd", "gamma0.99", "quadratic", {"gamma": 0.99}, lr=0.02, momentum=0.8,
         nesterov=True),

    case("torch", "cosine", "adam", "tmax80-past-end", sp={"t_max": 80, "eta_min": 0.001}, lr=0.05),

    case("optax", "exponential", "adam", "gamma0.97", sp={"gamma": 0.97}, lr=0.05),
    case("optax", "exponential", "sgd", "gamma0.999", "quadratic", {"gamma": 0.999}, lr=0.02, momentum=0.8,
         nesterov=True),

    case("keras optax", "cosine", "adam", "tmax80-held", sp={"t_max": 80, "eta_min": 0.001}, lr=0.05),
    case(ALL, "cosine", "sgd", "tmax150", "quadratic", {"t_max": 150}, lr=0.02, momentum=0.8),
    case("torch", "cosine", "rmsprop", "tmax60", "beale", {"t_max": 60, "eta_min": 1e-4}, lr=0.01),
    case("keras", "cosine", "rmsprop", "tmax60", "beale", {"t_max": 60, "eta_min": 1e-4}, lr=0.003),

    case(ALL, "cosine_restarts", "adam", "t30-mult2", sp={"t_0": 30, "t_mult": 2, "eta_min": 1e-3}, lr=0.05),
    case(ALL, "cosine_restarts", "sgd", "t25", "quadratic", {"t_0": 25}, lr=0.02, momentum=0.8),
    case("keras", "cosine_restarts", "rmsprop", "t20-mult3", "himmelblau", {"t_0": 20, "t_mult": 3}, lr=0.05),

    case(ALL, "linear", "adam", "up", sp={"start_factor": 0.25, "end_factor": 1.0, "total_iters": 120}, lr=0.05),
    case(ALL, "linear", "sgd", "down", "quadratic", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 100},
         lr=0.02, momentum=0.8),
    case("torch", "linear", "adam", "defaults", "himmelblau", lr=0.05),

    case(ALL, "polynomial", "adam", "square", sp={"total_iters": 150, "power": 2.0}, lr=0.05),
    case(ALL, "polynomial", "sgd", "root-longer-than-run", "quadratic", {"total_iters": 250, "power": 0.5}, lr=0.02,
         momentum=0.8),

    case(ALL, "warmup_cosine", "adam", "w20-t150", sp={"warmup_steps": 20, "t_max": 150, "eta_min": 1e-3}, lr=0.05),
    case("keras optax", "warmup_cosine", "sgd", "w10-t100-held", "quadratic", {"warmup_steps": 10, "t_max": 100},
         lr=0.02, momentum=0.8),
    case("torch", "warmup_cosine", "sgd", "w10-t100-past-end", "quadratic", {"warmup_steps": 10, "t_max": 100},
         lr=0.02, momentum=0.8),

    case("torch optax", "one_cycle", "sgd", "cos", "quadratic", {"max_lr": 0.03, "total_steps": 200}, lr=0.01,
         momentum=0.9),
    case("torch optax", "one_cycle", "adam", "linear-three-phase", sp={"max_lr": 0.05, "total_steps": 250,
         "pct_start": 0.25, "anneal_strategy": "linear", "three_phase": True}, lr=0.01),
    case("torch", "one_cycle", "nadam", "cos-beta1", "himmelblau", {"max_lr": 0.1, "total_steps": 200,
         "base_momentum": 0.8, "max_momentum": 0.9, "div_factor": 10.0}, lr=0.01),
    case("torch", "one_cycle", "adamw", "no-cycle_momentum", sp={"max_lr": 0.05, "total_steps": 220,
         "cycle_momentum": False, "final_div_factor": 100.0}, lr=0.01),
    case("torch", "one_cycle", "rmsprop", "momentum", "quadratic", {"max_lr": 0.02, "total_steps": 200,
         "pct_start": 0.4}, lr=0.01),

    case("keras", "reduce_on_plateau", "adam", "min_delta", "quadratic", {"factor": 0.5, "patience": 3,
         "threshold": 1e-3}, lr=0.5),
    case("keras", "reduce_on_plateau", "sgd", "cooldown", "quadratic", {"factor": 0.5, "patience": 2,
         "threshold": 1e-3, "cooldown": 5, "min_lr": 0.01}, lr=0.095, momentum=0.5),

    case("optax", "one_cycle", "nadam", "cos-past-end", "himmelblau", {"max_lr": 0.1, "total_steps": 150,
         "div_factor": 10.0}, lr=0.01),

    case("torch optax", "reduce_on_plateau", "adam", "rel", "quadratic", {"factor": 0.5, "patience": 3}, lr=0.5),
    case("torch optax", "reduce_on_plateau", "sgd", "abs-cooldown", "quadratic", {"factor": 0.5, "patience": 2,
         "threshold": 1e-3, "threshold_mode": "abs", "cooldown": 5, "min_lr": 0.01}, lr=0.095, momentum=0.5),
]


def cases(library: str) -> list[Case]:
    """The cases of ``tests/golden/schedules/<library>.json``, in the file's order."""
    return [c for c in CASES if library in c.libraries]

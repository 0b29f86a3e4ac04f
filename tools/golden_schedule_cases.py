"""The cases ``tools/golden_schedules.py`` records: every schedule a library has, with two or more optimizers.

Each case names a canonical schedule and optimizer, a short label (part of the
case id), an objective from ``make_golden.OBJECTIVES``, the schedule parameters
passed explicitly (torch gets only these, so its defaults are pinned) and the
optimizer's hyperparameters. Settings are mostly not the defaults: warm-ups,
cycles that end inside the run, cosines that run past t_max, plateaus that
reduce the rate several times.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    schedule: str
    optimizer: str
    label: str            # short description, part of the case id
    objective: str
    sp: dict = field(default_factory=dict)   # canonical schedule parameters, as passed
    hp: dict = field(default_factory=dict)   # canonical hyperparameters, as passed


def S(schedule, optimizer, label, objective="rosenbrock", sp=None, **hp):
    return Case(schedule, optimizer, label, objective, dict(sp or {}), hp)


# --------------------------------------------------------------------------
# Case tables: every schedule a library has, with at least two optimizers.
# --------------------------------------------------------------------------

TORCH_CASES = [
    S("constant", "adam", "lr", lr=0.02),
    S("constant", "sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),

    S("step", "adam", "size40-gamma0.5", "quadratic", {"step_size": 40, "gamma": 0.5}, lr=0.05),
    S("step", "sgd", "size50-default-gamma", sp={"step_size": 50}, lr=2e-4, momentum=0.9),
    S("step", "rmsprop", "size30-gamma0.7", "himmelblau", {"step_size": 30, "gamma": 0.7}, lr=0.05),

    S("exponential", "adam", "gamma0.98", sp={"gamma": 0.98}, lr=0.05),
    S("exponential", "sgd", "gamma0.99", "quadratic", {"gamma": 0.99}, lr=0.02, momentum=0.8, nesterov=True),

    S("cosine", "adam", "tmax80-past-end", sp={"t_max": 80, "eta_min": 0.001}, lr=0.05),
    S("cosine", "sgd", "tmax150", "quadratic", {"t_max": 150}, lr=0.02, momentum=0.8),
    S("cosine", "rmsprop", "tmax60", "beale", {"t_max": 60, "eta_min": 1e-4}, lr=0.01),

    S("cosine_restarts", "adam", "t30-mult2", sp={"t_0": 30, "t_mult": 2, "eta_min": 1e-3}, lr=0.05),
    S("cosine_restarts", "sgd", "t25", "quadratic", {"t_0": 25}, lr=0.02, momentum=0.8),

    S("linear", "adam", "up", sp={"start_factor": 0.25, "end_factor": 1.0, "total_iters": 120}, lr=0.05),
    S("linear", "sgd", "down", "quadratic", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 100},
      lr=0.02, momentum=0.8),
    S("linear", "adam", "defaults", "himmelblau", lr=0.05),

    S("polynomial", "adam", "square", sp={"total_iters": 150, "power": 2.0}, lr=0.05),
    S("polynomial", "sgd", "root-longer-than-run", "quadratic", {"total_iters": 250, "power": 0.5},
      lr=0.02, momentum=0.8),

    S("warmup_cosine", "adam", "w20-t150", sp={"warmup_steps": 20, "t_max": 150, "eta_min": 1e-3}, lr=0.05),
    S("warmup_cosine", "sgd", "w10-t100-past-end", "quadratic", {"warmup_steps": 10, "t_max": 100},
      lr=0.02, momentum=0.8),

    S("one_cycle", "sgd", "cos", "quadratic", {"max_lr": 0.03, "total_steps": 200}, lr=0.01, momentum=0.9),
    S("one_cycle", "adam", "linear-three-phase", sp={"max_lr": 0.05, "total_steps": 250, "pct_start": 0.25,
                                                     "anneal_strategy": "linear", "three_phase": True}, lr=0.01),
    S("one_cycle", "nadam", "cos-beta1", "himmelblau", {"max_lr": 0.1, "total_steps": 200, "base_momentum": 0.8,
                                                         "max_momentum": 0.9, "div_factor": 10.0}, lr=0.01),
    S("one_cycle", "adamw", "no-cycle_momentum", sp={"max_lr": 0.05, "total_steps": 220, "cycle_momentum": False,
                                                     "final_div_factor": 100.0}, lr=0.01),
    S("one_cycle", "rmsprop", "momentum", "quadratic", {"max_lr": 0.02, "total_steps": 200, "pct_start": 0.4},
      lr=0.01),

    S("reduce_on_plateau", "adam", "rel", "quadratic", {"factor": 0.5, "patience": 3}, lr=0.5),
    S("reduce_on_plateau", "sgd", "abs-cooldown", "quadratic",
      {"factor": 0.5, "patience": 2, "threshold": 1e-3, "threshold_mode": "abs", "cooldown": 5, "min_lr": 0.01},
      lr=0.095, momentum=0.5),
]

KERAS_CASES = [
    S("constant", "adam", "lr", lr=0.02),
    S("constant", "sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),

    S("step", "adam", "size40-gamma0.5", "quadratic", {"step_size": 40, "gamma": 0.5}, lr=0.05),
    S("step", "sgd", "size50-default-gamma", sp={"step_size": 50}, lr=2e-4, momentum=0.9),

    S("exponential", "adam", "gamma0.98", sp={"gamma": 0.98}, lr=0.05),
    S("exponential", "sgd", "gamma0.99", "quadratic", {"gamma": 0.99}, lr=0.02, momentum=0.8, nesterov=True),

    S("cosine", "adam", "tmax80-held", sp={"t_max": 80, "eta_min": 0.001}, lr=0.05),
    S("cosine", "sgd", "tmax150", "quadratic", {"t_max": 150}, lr=0.02, momentum=0.8),
    S("cosine", "rmsprop", "tmax60", "beale", {"t_max": 60, "eta_min": 1e-4}, lr=0.003),

    S("cosine_restarts", "adam", "t30-mult2", sp={"t_0": 30, "t_mult": 2, "eta_min": 1e-3}, lr=0.05),
    S("cosine_restarts", "sgd", "t25", "quadratic", {"t_0": 25}, lr=0.02, momentum=0.8),
    S("cosine_restarts", "rmsprop", "t20-mult3", "himmelblau", {"t_0": 20, "t_mult": 3}, lr=0.05),

    S("linear", "adam", "up", sp={"start_factor": 0.25, "end_factor": 1.0, "total_iters": 120}, lr=0.05),
    S("linear", "sgd", "down", "quadratic", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 100},
      lr=0.02, momentum=0.8),

    S("polynomial", "adam", "square", sp={"total_iters": 150, "power": 2.0}, lr=0.05),
    S("polynomial", "sgd", "root-longer-than-run", "quadratic", {"total_iters": 250, "power": 0.5},
      lr=0.02, momentum=0.8),

    S("warmup_cosine", "adam", "w20-t150", sp={"warmup_steps": 20, "t_max": 150, "eta_min": 1e-3}, lr=0.05),
    S("warmup_cosine", "sgd", "w10-t100-held", "quadratic", {"warmup_steps": 10, "t_max": 100},
      lr=0.02, momentum=0.8),

    S("reduce_on_plateau", "adam", "min_delta", "quadratic", {"factor": 0.5, "patience": 3, "threshold": 1e-3},
      lr=0.5),
    S("reduce_on_plateau", "sgd", "cooldown", "quadratic",
      {"factor": 0.5, "patience": 2, "threshold": 1e-3, "cooldown": 5, "min_lr": 0.01}, lr=0.095, momentum=0.5),
]

OPTAX_CASES = [
    S("constant", "adam", "lr", lr=0.02),
    S("constant", "sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),

    S("step", "adam", "size40-gamma0.5", "quadratic", {"step_size": 40, "gamma": 0.5}, lr=0.05),
    S("step", "sgd", "size50-default-gamma", sp={"step_size": 50}, lr=2e-4, momentum=0.9),

    S("exponential", "adam", "gamma0.97", sp={"gamma": 0.97}, lr=0.05),
    S("exponential", "sgd", "gamma0.999", "quadratic", {"gamma": 0.999}, lr=0.02, momentum=0.8, nesterov=True),

    S("cosine", "adam", "tmax80-held", sp={"t_max": 80, "eta_min": 0.001}, lr=0.05),
    S("cosine", "sgd", "tmax150", "quadratic", {"t_max": 150}, lr=0.02, momentum=0.8),

    S("cosine_restarts", "adam", "t30-mult2", sp={"t_0": 30, "t_mult": 2, "eta_min": 1e-3}, lr=0.05),
    S("cosine_restarts", "sgd", "t25", "quadratic", {"t_0": 25}, lr=0.02, momentum=0.8),

    S("linear", "adam", "up", sp={"start_factor": 0.25, "end_factor": 1.0, "total_iters": 120}, lr=0.05),
    S("linear", "sgd", "down", "quadratic", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 100},
      lr=0.02, momentum=0.8),

    S("polynomial", "adam", "square", sp={"total_iters": 150, "power": 2.0}, lr=0.05),
    S("polynomial", "sgd", "root-longer-than-run", "quadratic", {"total_iters": 250, "power": 0.5},
      lr=0.02, momentum=0.8),

    S("warmup_cosine", "adam", "w20-t150", sp={"warmup_steps": 20, "t_max": 150, "eta_min": 1e-3}, lr=0.05),
    S("warmup_cosine", "sgd", "w10-t100-held", "quadratic", {"warmup_steps": 10, "t_max": 100},
      lr=0.02, momentum=0.8),

    S("one_cycle", "sgd", "cos", "quadratic", {"max_lr": 0.03, "total_steps": 200}, lr=0.01, momentum=0.9),
    S("one_cycle", "adam", "linear-three-phase", sp={"max_lr": 0.05, "total_steps": 250, "pct_start": 0.25,
                                                     "anneal_strategy": "linear", "three_phase": True}, lr=0.01),
    S("one_cycle", "nadam", "cos-past-end", "himmelblau", {"max_lr": 0.1, "total_steps": 150, "div_factor": 10.0},
      lr=0.01),

    S("reduce_on_plateau", "adam", "rel", "quadratic", {"factor": 0.5, "patience": 3}, lr=0.5),
    S("reduce_on_plateau", "sgd", "abs-cooldown", "quadratic",
      {"factor": 0.5, "patience": 2, "threshold": 1e-3, "threshold_mode": "abs", "cooldown": 5, "min_lr": 0.01},
      lr=0.095, momentum=0.5),
]

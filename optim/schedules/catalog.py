"""Every learning-rate schedule: its parameters, and per flavor the library code it follows.

Names and parameters are torch.optim.lr_scheduler's, in snake case. The
``follows`` text of each flavor is the mapping from our parameters to that
library's; ``lr`` is the optimizer's learning rate.
"""

from __future__ import annotations

import numpy as np

from . import keras_lr, optax_lr, plateau, torch_lr
from .spec import Program, ScheduleFlavor, ScheduleSpec, closed_form

TORCH_PATH = "torch.optim.lr_scheduler."


def _constant(p, hp, cycled) -> Program:
    return closed_form(lambda k: {})


def _torch_and_textbook(follows: str, program, **kw) -> dict[str, ScheduleFlavor]:
    return {
        "textbook": ScheduleFlavor(f"torch's {follows}", program, **kw),
        "torch": ScheduleFlavor(TORCH_PATH + follows, program, **kw),
    }


def _one_cycle_phases_torch(p) -> str | None:
    """torch divides by each phase's length: every phase needs a step."""
    ends, total = p["pct_start"] * p["total_steps"], p["total_steps"]
    ok = (ends > 1) & np.where(p["three_phase"], 2 * ends < total + 1, ends < total)
    if np.all(ok):
        return None
    return ("pct_start * total_steps must be more than 1 and less than total_steps (less than half of "
            "total_steps + 1 with three_phase), so that every phase has a step")


def _one_cycle_optax(p) -> str | None:
    cos, three = np.asarray(p["anneal_strategy"]) == "cos", np.asarray(p["three_phase"])
    if np.any(cos == three):
        return ("optax has cosine_onecycle_schedule (anneal_strategy 'cos', two phases) and "
                "linear_onecycle_schedule ('linear', three phases) only")
    up = np.floor(p["pct_start"] * p["total_steps"])
    back = np.floor(2 * p["pct_start"] * p["total_steps"])
    ok = np.where(three, (up >= 1) & (back > up) & (back < p["total_steps"]), up < p["total_steps"])
    if np.all(ok):
        return None
    return ("the phase boundaries int(pct_start * total_steps) (and, with three phases, "
            "int(2 * pct_start * total_steps)) must be distinct steps inside the cycle")


def _plateau_threshold(p) -> str | None:
    if np.all((np.asarray(p["threshold_mode"]) == "abs") | (np.asarray(p["threshold"]) <= 1)):
        return None
    return "threshold must be at most 1 in 'rel' mode (the loss must beat best * (1 - threshold))"


SCHEDULES: dict[str, ScheduleSpec] = {spec.name: spec for spec in [
    ScheduleSpec(
        "constant", "Constant", "The optimizer's learning rate at every step.", (),
        {**_torch_and_textbook("(no scheduler)", _constant),
         "keras": ScheduleFlavor("a float learning_rate", _constant),
         "optax": ScheduleFlavor("optax.constant_schedule(lr)", _constant)},
    ),
    ScheduleSpec(
        "step", "Step decay", "Multiply the learning rate by gamma every step_size steps.", ("step_size", "gamma"),
        {**_torch_and_textbook("StepLR(step_size, gamma)", torch_lr.step),
         "keras": ScheduleFlavor("keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=step_size, "
                                 "decay_rate=gamma, staircase=True)", keras_lr.step),
         "optax": ScheduleFlavor("optax.exponential_decay(lr, transition_steps=step_size, decay_rate=gamma, "
                                 "staircase=True), in float32 as optax evaluates it", optax_lr.step)},
    ),
    ScheduleSpec(
        "exponential", "Exponential decay", "Multiply the learning rate by gamma every step.", ("gamma",),
        {**_torch_and_textbook("ExponentialLR(gamma)", torch_lr.exponential),
         "keras": ScheduleFlavor("keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=1, decay_rate=gamma)",
                                 keras_lr.exponential),
         "optax": ScheduleFlavor("optax.exponential_decay(lr, transition_steps=1, decay_rate=gamma), in float32 "
                                 "as optax evaluates it", optax_lr.exponential)},
        defaults={"gamma": 0.97},
    ),
    ScheduleSpec(
        "cosine", "Cosine annealing", "Half a cosine from the learning rate down to eta_min over t_max steps.",
        ("t_max", "eta_min"),
        {**_torch_and_textbook("CosineAnnealingLR(T_max=t_max, eta_min), with its recursion; after t_max the "
                               "cosine climbs back up", torch_lr.cosine),
         "keras": ScheduleFlavor("keras.optimizers.schedules.CosineDecay(lr, decay_steps=t_max, alpha=eta_min / lr), "
                                 "held at eta_min after t_max", keras_lr.cosine),
         "optax": ScheduleFlavor("optax.cosine_decay_schedule(lr, decay_steps=t_max, alpha=eta_min / lr), held at "
                                 "eta_min after t_max", optax_lr.cosine)},
    ),
    ScheduleSpec(
        "cosine_restarts", "Cosine with warm restarts",
        "Cosine annealing that restarts from the learning rate; each cycle t_mult times longer (SGDR).",
        ("t_0", "t_mult", "eta_min"),
        {**_torch_and_textbook("CosineAnnealingWarmRestarts(T_0=t_0, T_mult=t_mult, eta_min)",
                               torch_lr.cosine_restarts),
         "keras": ScheduleFlavor("keras.optimizers.schedules.CosineDecayRestarts(lr, first_decay_steps=t_0, "
                                 "t_mul=t_mult, m_mul=1.0, alpha=eta_min / lr)", keras_lr.cosine_restarts),
         "optax": ScheduleFlavor("optax.sgdr_schedule with cycles dict(init_value=lr, peak_value=lr, warmup_steps=0, "
                                 "decay_steps=t_0 * t_mult**i, end_value=eta_min), as many as the run needs",
                                 optax_lr.cosine_restarts)},
    ),
    ScheduleSpec(
        "linear", "Linear", "Scale the learning rate by a factor moving in a straight line over total_iters steps.",
        ("start_factor", "end_factor", "total_iters"),
        {**_torch_and_textbook("LinearLR(start_factor, end_factor, total_iters), with its recursion",
                               torch_lr.linear),
         "keras": ScheduleFlavor("keras.optimizers.schedules.PolynomialDecay(lr * start_factor, "
                                 "decay_steps=total_iters, end_learning_rate=lr * end_factor, power=1.0)",
                                 keras_lr.linear),
         "optax": ScheduleFlavor("optax.linear_schedule(lr * start_factor, lr * end_factor, "
                                 "transition_steps=total_iters), in float32 as optax evaluates it", optax_lr.linear)},
    ),
    ScheduleSpec(
        "polynomial", "Polynomial decay", "Decay the learning rate to 0 over total_iters steps as (1 - k/T)^power.",
        ("total_iters", "power"),
        {**_torch_and_textbook("PolynomialLR(total_iters, power), with its recursion", torch_lr.polynomial),
         "keras": ScheduleFlavor("keras.optimizers.schedules.PolynomialDecay(lr, decay_steps=total_iters, "
                                 "end_learning_rate=0.0, power=power)", keras_lr.polynomial),
         "optax": ScheduleFlavor("optax.polynomial_schedule(lr, end_value=0.0, power=power, "
                                 "transition_steps=total_iters), in float32 as optax evaluates it",
                                 optax_lr.polynomial)},
    ),
    ScheduleSpec(
        "warmup_cosine", "Warm-up, then cosine",
        "Rise in a straight line from 0 to the learning rate over warmup_steps, then cosine down to eta_min "
        "over t_max steps.", ("warmup_steps", "t_max", "eta_min"),
        {**_torch_and_textbook("SequentialLR([LambdaLR(lambda k: k / warmup_steps), CosineAnnealingLR(T_max=t_max, "
                               "eta_min)], milestones=[warmup_steps]); after t_max the cosine climbs back up",
                               torch_lr.warmup_cosine),
         "keras": ScheduleFlavor("keras.optimizers.schedules.CosineDecay(0.0, decay_steps=t_max, alpha=eta_min / lr, "
                                 "warmup_target=lr, warmup_steps=warmup_steps)", keras_lr.warmup_cosine),
         "optax": ScheduleFlavor("optax.warmup_cosine_decay_schedule(0.0, lr, warmup_steps, "
                                 "decay_steps=warmup_steps + t_max, end_value=eta_min); the warm-up in float32 as "
                                 "optax evaluates it", optax_lr.warmup_cosine)},
    ),
    ScheduleSpec(
        "one_cycle", "One cycle",
        "Up from max_lr / div_factor to max_lr, then far below the start (Smith's 1cycle); the optimizer's lr "
        "is not used.",
        ("max_lr", "total_steps", "pct_start", "anneal_strategy", "cycle_momentum", "base_momentum",
         "max_momentum", "div_factor", "final_div_factor", "three_phase"),
        {**_torch_and_textbook(
            "OneCycleLR(max_lr, total_steps, pct_start, anneal_strategy, cycle_momentum, base_momentum, "
            "max_momentum, div_factor, final_div_factor, three_phase); it cycles beta1 when the optimizer has "
            "betas, else momentum, and refuses to run past total_steps", torch_lr.one_cycle),
         "optax": ScheduleFlavor(
             "optax.cosine_onecycle_schedule(total_steps, max_lr, pct_start, div_factor, final_div_factor) for "
             "anneal_strategy 'cos' with two phases; optax.linear_onecycle_schedule(total_steps, max_lr, pct_start, "
             "pct_final=2 * pct_start, div_factor, final_div_factor) for 'linear' with three phases",
             optax_lr.one_cycle,
             params=("max_lr", "total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor",
                     "three_phase"),
             lacks="optax's one-cycle schedules set only the learning rate, so there is no momentum to cycle")},
        {"keras": "Keras has no one-cycle learning-rate schedule."},
    ),
    ScheduleSpec(
        "reduce_on_plateau", "Reduce on plateau",
        "Multiply the learning rate by factor when the loss has not improved for patience steps.",
        ("factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"),
        {**_torch_and_textbook("ReduceLROnPlateau(mode='min', factor, patience, threshold, threshold_mode, "
                               "cooldown, min_lr), stepped after every step with the loss at the new point",
                               plateau.torch),
         "keras": ScheduleFlavor(
             "keras.callbacks.ReduceLROnPlateau(monitor='loss', factor, patience, min_delta=threshold, cooldown, "
             "min_lr), its on_epoch_end called after every step with the loss at the new point", plateau.keras,
             params=("factor", "patience", "threshold", "cooldown", "min_lr"),
             lacks="Keras's min_delta is an absolute threshold, so there is no threshold_mode"),
         "optax": ScheduleFlavor(
             "optax.chain(optimizer, optax.contrib.reduce_on_plateau(factor, patience, rtol, atol, cooldown, "
             "min_scale=min_lr / lr)) with rtol=threshold, atol=0 in 'rel' mode and rtol=0, atol=threshold in "
             "'abs' mode, given value=the loss at each update's point", plateau.optax)},
        uses_loss=True,
    ),
]}
"""Every learning-rate schedule: name -> :class:`~optim.schedules.spec.ScheduleSpec`."""

CHECKS = {
    ("one_cycle", "torch"): _one_cycle_phases_torch,
    ("one_cycle", "textbook"): _one_cycle_phases_torch,
    ("one_cycle", "optax"): _one_cycle_optax,
    ("reduce_on_plateau", "torch"): _plateau_threshold,
    ("reduce_on_plateau", "textbook"): _plateau_threshold,
    ("reduce_on_plateau", "optax"): _plateau_threshold,
}
"""Conditions on several parameters at once, per schedule and flavor: None or what is wrong."""

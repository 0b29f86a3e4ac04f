"""Schedule-free AdamW (Defazio et al. 2024): no learning-rate schedule, averaging instead of momentum.

Three sequences: z takes plain (RMS-scaled) gradient steps; x is the running average of z (the
answer); the gradient is evaluated at y, an interpolation between them (y = beta1 x + (1 - beta1) z),
and y is what the optimizer's parameters hold, so the path drawn is y's. optax weights the average
by lr^weight_lr_power; Keras averages uniformly (weight 1/t) and can warm the rate up linearly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, is_zero
from .adam import V_HAT


class ScheduleFreeState(NamedTuple):
    t: int
    z: np.ndarray  # (P, B) the sequence the steps accumulate in
    v: np.ndarray  # (P, B) the decaying average of squared gradients
    x: np.ndarray  # (P, B) the average of z: the point offered as the answer
    weight_sum: np.ndarray  # (1, B) optax's sum of lr^weight_lr_power


def init(p):
    return ScheduleFreeState(0, p.copy(), np.zeros_like(p), p.copy(), np.zeros((1, p.shape[1])))


def optax(lr, beta1, beta2, eps, weight_decay, weight_lr_power) -> Rule:
    """optax.contrib.schedule_free_adamw (without warm-up): scale_by_rms, decay, -lr, then schedule_free."""

    def step(y, g, s):
        t = s.t + 1
        v = (1 - beta2) * (g * g) + beta2 * s.v
        u = (1 / (np.sqrt(v / (1 - beta2**t)) + eps)) * g
        if not is_zero(weight_decay):
            u = u + weight_decay * y
        u = u * -lr
        weight = np.asarray(lr, dtype=float) ** weight_lr_power
        total = s.weight_sum + weight
        ck = weight / total
        z = s.z + u
        x = (1.0 - ck) * ((y - (1.0 - beta1) * s.z) / beta1) + ck * z
        y_new = beta1 * x + (1.0 - beta1) * z
        return y + (y_new - y), ScheduleFreeState(t, z, v, x, total)

    return Rule(init, step)


def keras(lr, beta1, beta2, eps, weight_decay, warmup_steps) -> Rule:
    """keras.optimizers.ScheduleFreeAdamW: Keras's decoupled weight decay on y first; uniform averaging.

    On the torch backend (Keras 3.15.1) ``momentum.value`` aliases the z buffer, so the "old z" the
    average starts from is already the updated one: x_t = (1 - 1/t) (y - (1 - beta1) z_t) / beta1 + z_t / t.
    """

    def step(y, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            y = y - y * weight_decay * lr
        # Keras's ops.minimum returns float32 on the torch backend.
        rate = np.where(np.asarray(warmup_steps) > 0,
                        lr * np.float32(np.minimum(t / np.maximum(warmup_steps, 1), 1.0)).astype(np.float64), lr)
        v = s.v + (g * g - s.v) * (1 - beta2)
        z = s.z - (rate * g) / (np.sqrt(v / (1 - beta2**t)) + eps)
        w = 1.0 / t
        # momentum.value aliases the buffer on the torch backend, so Keras's "old z" is already the new one.
        x = (1 - w) * ((y - (1 - beta1) * z) / beta1) + w * z
        return (1 - beta1) * z + beta1 * x, ScheduleFreeState(t, z, v, x, s.weight_sum)

    return Rule(init, step)


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    if flavor == "keras":
        pre, Y = ([("xd", "x - x*weight_decay*lr")], "xd") if hp.get("weight_decay") else ([], "x")
        rate = "lr*f32(min(t/warmup_steps, 1))" if hp.get("warmup_steps") else "lr"
        return pre + [("v", "v + (g^2 - v)*(1 - beta2)"),
                      ("z", f"z - {rate}*g/(sqrt(v/(1 - beta2^t)) + eps)"),
                      ("xa", f"(1 - 1/t)*(({Y} - (1 - beta1)*z)/beta1) + z/t"),
                      ("x", "(1 - beta1)*z + beta1*xa")], NOTES
    decay = " + weight_decay*x" if hp.get("weight_decay") else ""
    return [("v", "beta2*v + (1 - beta2)*g^2"), ("c", "lr^weight_lr_power/(W + lr^weight_lr_power)"),
            ("W", "W + lr^weight_lr_power"), ("zp", "z"), ("z", f"z - lr*(g/(sqrt(v/(1 - beta2^t)) + eps){decay})"),
            ("xa", "(1 - c)*((x - (1 - beta1)*zp)/beta1) + c*z"),
            ("x", "x + ((beta1*xa + (1 - beta1)*z) - x)")], NOTES


NOTES = ["z_0 = x_0, v_0 = 0: x in the equations is y, the point the gradient is taken at (the path drawn); "
         "the average of z is the answer the method offers."]

SCHEDULE_FREE_ADAMW = OptimizerSpec(
    "schedule_free_adamw", "Schedule-free AdamW",
    "No schedule and no momentum: RMS-scaled steps accumulate in z, their average is the answer, and gradients are "
    "taken between the two.",
    {
        "keras": Flavor(keras, ("lr", "beta1", "beta2", "eps", "weight_decay", "warmup_steps"), {"lr": 0.0025},
                        "keras.optimizers.ScheduleFreeAdamW on the torch backend (its old z is the new one); "
                        "weight decay decoupled"),
        "optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "weight_decay", "weight_lr_power"), {"lr": 0.0025},
                        "optax.contrib.schedule_free_adamw without warmup_steps (a schedule)"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"z": "z", "v": "v", "W": "weight_sum"},
    buffers={"z": "z: the sequence the RMS-scaled gradient steps accumulate in.",
             "v": "v: the decaying average of squared gradients.",
             "x": "The running average of z: the point schedule-free AdamW offers as its answer."},
    average=None, squares=V_HAT, family="adaptive", color="#997700",
    tex={"z": "z", "zp": "z_{t-1}", "xa": r"\bar{x}_t", "c": "c_t", "W": "W", "weight_lr_power": "r",
         "warmup_steps": "T_w"},
)

"""Lion (Chen et al. 2023): step by the sign of an interpolation of momentum and gradient.

Every coordinate moves by exactly lr (plus weight decay) each step, whatever the gradient's size;
the momentum only decides the direction. Keras and optax interpolate with beta1 for the step and
keep the momentum with beta2.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero


class LionState(NamedTuple):
    t: int
    m: np.ndarray


def init(p):
    return LionState(0, np.zeros_like(p))


def keras(lr, beta1, beta2, weight_decay) -> Rule:
    """keras.optimizers.Lion: decoupled weight decay first (x - x wd lr), then x - lr sign(m b1 + g (1 - b1))."""

    def step(p, g, s):
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        p = p - lr * np.sign(s.m * beta1 + g * (1.0 - beta1))
        return p, LionState(s.t + 1, s.m * beta2 + g * (1.0 - beta2))

    return Rule(init, step)


def optax(lr, beta1, beta2, weight_decay) -> Rule:
    """optax.lion: scale_by_lion, add_decayed_weights, scale_by_learning_rate."""

    def step(p, g, s):
        u = np.sign((1.0 - beta1) * g + beta1 * s.m)
        if not is_zero(weight_decay):
            u = u + weight_decay * p
        return p + u * -lr, LionState(s.t + 1, (1 - beta2) * g + beta2 * s.m)

    return Rule(init, step)


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    if flavor == "keras":
        pre, X = ([("xd", "x - x*weight_decay*lr")], "xd") if hp.get("weight_decay") else ([], "x")
        return pre + [("c", "beta1*m + (1 - beta1)*g"), ("m", "beta2*m + (1 - beta2)*g"),
                      ("x", f"{X} - lr*sign(c)")], ["m_0 = 0."]
    step = "x - lr*(sign(c) + weight_decay*x)" if hp.get("weight_decay") else "x - lr*sign(c)"
    return [("c", "beta1*m + (1 - beta1)*g"), ("m", "beta2*m + (1 - beta2)*g"), ("x", step)], ["m_0 = 0."]


_PARAMS = ("lr", "beta1", "beta2", "weight_decay")

LION = OptimizerSpec(
    "lion", "Lion",
    "The sign of an average of momentum and gradient: every coordinate moves by exactly lr each step.",
    {
        "keras": Flavor(keras, _PARAMS, {"lr": 0.001, "beta2": 0.99}, "keras.optimizers.Lion; weight decay decoupled"),
        "optax": Flavor(optax, _PARAMS, {"lr": 0.001, "beta2": 0.99, "weight_decay": 1e-3},
                        "optax.lion (no default lr); weight decay added before the learning rate"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m"},
    buffers={"m": "m: the momentum, a decaying average of gradients with beta2."},
    average=View("m", "m"), squares=None, family="momentum", color="#88ccee",
    tex={"c": "c_t"},
)

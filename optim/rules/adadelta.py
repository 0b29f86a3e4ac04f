"""Adadelta: RMSprop whose step is scaled by the root of a decaying average of past steps."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero
from .lines import coupled, decoupled


class AdadeltaState(NamedTuple):
    t: int
    sq_avg: np.ndarray
    delta_avg: np.ndarray
    rate: np.ndarray  # the factor the last step multiplied the gradient by, for teaching


def _init(p):
    z = np.zeros_like(p)
    return AdadeltaState(0, z, z, z)


def torch(lr, decay, eps, weight_decay) -> Rule:
    """torch.optim.Adadelta (also the textbook form, Zeiler 2012, with lr = 1)."""

    def step(p, g, s):
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        v = s.sq_avg * decay + (1 - decay) * g * g
        rate = np.sqrt(s.delta_avg + eps) / np.sqrt(v + eps)
        delta = rate * g
        u = s.delta_avg * decay + (1 - decay) * delta * delta
        return p - lr * delta, AdadeltaState(s.t + 1, v, u, rate)

    return Rule(_init, step, lambda s: lr * s.rate)


def keras(lr, decay, eps, weight_decay) -> Rule:
    """keras.optimizers.Adadelta."""

    def step(p, g, s):
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        v = decay * s.sq_avg + (1 - decay) * g**2
        rate = np.sqrt(s.delta_avg + eps) / np.sqrt(v + eps)
        delta = -(np.sqrt(s.delta_avg + eps) * g / np.sqrt(v + eps))
        u = decay * s.delta_avg + (1 - decay) * delta**2
        return p + lr * delta, AdadeltaState(s.t + 1, v, u, rate)

    return Rule(_init, step, lambda s: lr * s.rate)

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    lines, X, G = [], "x", "g"
    if flavor == "keras":
        lines, X = decoupled(hp)
    else:
        lines, G = coupled(hp)
    return lines + [
        ("v", f"decay*v + (1 - decay)*{G}^2"),
        ("d", f"sqrt(u + eps)/sqrt(v + eps)*{G}"),
        ("u", "decay*u + (1 - decay)*d^2"),
        ("x", f"{X} - lr*d"),
    ], ["v_0 = u_0 = 0."]



def optax(lr, decay, eps, weight_decay) -> Rule:
    """optax.adadelta: add_decayed_weights (coupled), scale_by_adadelta, scale by -lr."""

    def step(p, g, s):
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        v = (1 - decay) * g**2 + decay * s.sq_avg
        rate = np.sqrt(s.delta_avg + eps) / np.sqrt(v + eps)
        delta = rate * g
        u = (1 - decay) * delta**2 + decay * s.delta_avg
        return p + delta * -lr, AdadeltaState(s.t + 1, v, u, rate)

    return Rule(_init, step, lambda s: lr * s.rate)


ADADELTA = OptimizerSpec(
    "adadelta", "Adadelta",
    "RMSprop with units fixed: the step is sqrt(avg of past squared steps) / sqrt(avg of squared gradients).",
    {
        "textbook": Flavor(lambda lr, decay, eps: torch(lr, decay, eps, 0.0), ("lr", "decay", "eps"),
                           {"lr": 1.0, "decay": 0.95, "eps": 1e-6},
                           "Zeiler (2012): rho 0.95, eps 1e-6, no learning rate (lr = 1)"),
        "torch": Flavor(torch, ("lr", "decay", "eps", "weight_decay"),
                        {"lr": 1.0, "decay": 0.9, "eps": 1e-6},
                        "torch.optim.Adadelta (rho is decay); weight decay coupled"),
        "keras": Flavor(keras, ("lr", "decay", "eps", "weight_decay"),
                        {"lr": 0.001, "decay": 0.95, "eps": 1e-7},
                        "keras.optimizers.Adadelta (rho is decay); weight decay decoupled"),
        "optax": Flavor(optax, ("lr", "decay", "eps", "weight_decay"),
                        {"lr": 1.0, "decay": 0.9, "eps": 1e-6},
                        "optax.adadelta (no default lr; rho is decay); weight decay coupled"),
    },
    second="decay",
    coordinatewise=True,
    equations=equations, state_fields={"v": "sq_avg", "u": "delta_avg"},
    buffers={"sq_avg": "v: the decaying average of squared gradients.",
             "delta_avg": "u: the decaying average of squared steps.",
             "rate": "The factor the last step multiplied the gradient by, sqrt(u + eps) / sqrt(v + eps)."},
    average=None, squares=View("sq_avg", "v"), family="adaptive", color="#56b4e9",
)

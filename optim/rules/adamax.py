"""Adamax: Adam with the infinity norm in place of the root mean square."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, lerp
from .adam import FIRST_MOMENT, M_HAT
from .lines import coupled, decoupled


class AdamaxState(NamedTuple):
    t: int
    m: np.ndarray
    u: np.ndarray


def _init(p):
    z = np.zeros_like(p)
    return AdamaxState(0, z, z)


def textbook(lr, beta1, beta2, eps) -> Rule:
    """Kingma and Ba (2015): u <- max(beta2 u, |g|); x <- x - lr / (1 - beta1^t) m / (u + eps)."""

    def step(p, g, s):
        t = s.t + 1
        m = beta1 * s.m + (1 - beta1) * g
        u = np.maximum(beta2 * s.u, np.abs(g))
        return p - lr / (1 - beta1**t) * m / (u + eps), AdamaxState(t, m, u)

    return Rule(_init, step, lambda s: lr / (s.u + eps))


def torch(lr, beta1, beta2, eps, weight_decay) -> Rule:
    """torch.optim.Adamax: u <- max(beta2 u, |g| + eps), eps inside the max."""

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        m = lerp(s.m, g, 1 - beta1)
        u = np.maximum(s.u * beta2, np.abs(g) + eps)
        return p + -(lr / (1 - beta1**t)) * m / u, AdamaxState(t, m, u)

    return Rule(_init, step, lambda s: lr / s.u)


def keras(lr, beta1, beta2, eps, weight_decay) -> Rule:
    """keras.optimizers.Adamax: u <- max(beta2 u, |g|); eps added to u."""

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        m = s.m + (g - s.m) * (1 - beta1)
        u = np.maximum(beta2 * s.u, np.abs(g))
        return p - lr * m / ((1 - beta1**t) * (u + eps)), AdamaxState(t, m, u)

    return Rule(_init, step, lambda s: lr / (s.u + eps))


def optax(lr, beta1, beta2, eps, weight_decay) -> Rule:
    """optax.adamax: u <- max(|g| + eps, beta2 u); x <- x - lr m_hat / u; optax.adamaxw adds wd x."""

    def step(p, g, s):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        u = np.maximum(np.abs(g) + eps, beta2 * s.u)
        d = m / (1 - beta1**t) / u
        if not is_zero(weight_decay):
            d = d + weight_decay * p
        return p + d * -lr, AdamaxState(t, m, u)

    return Rule(_init, step, lambda s: lr / s.u)

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    notes = ["m_0 = u_0 = 0."]
    if flavor == "torch":
        pre, G = coupled(hp)
        return pre + [("m", f"beta1*m + (1 - beta1)*{G}"), ("u", f"max(beta2*u, abs({G}) + eps)"),
                      ("x", "x - lr/(1 - beta1^t)*m/u")], notes
    if flavor == "keras":
        pre, X = decoupled(hp)
        return pre + [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(beta2*u, abs(g))"),
                      ("x", f"{X} - lr*m/((1 - beta1^t)*(u + eps))")], notes
    if flavor == "optax":
        step = ("x - lr*(m/((1 - beta1^t)*u) + weight_decay*x)" if hp.get("weight_decay")
                else "x - lr*m/((1 - beta1^t)*u)")
        return [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(abs(g) + eps, beta2*u)"), ("x", step)], notes
    return [("m", "beta1*m + (1 - beta1)*g"), ("u", "max(beta2*u, abs(g))"),
            ("x", "x - lr/(1 - beta1^t)*m/(u + eps)")], notes



_PARAMS = ("lr", "beta1", "beta2", "eps")

ADAMAX = OptimizerSpec(
    "adamax", "Adamax",
    "Adam with the largest recent gradient magnitude (infinity norm) as the denominator.",
    {
        "textbook": Flavor(textbook, _PARAMS, {"lr": 0.002}),
        "torch": Flavor(torch, _PARAMS + ("weight_decay",), {"lr": 0.002},
                        "torch.optim.Adamax; weight decay coupled"),
        "keras": Flavor(keras, _PARAMS + ("weight_decay",), {"lr": 0.001, "eps": 1e-7},
                        "keras.optimizers.Adamax; weight decay decoupled"),
        "optax": Flavor(optax, _PARAMS + ("weight_decay",), {"lr": 0.002},
                        "optax.adamax, or optax.adamaxw with weight decay (no default lr)"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m", "u": "u"},
    buffers={"m": FIRST_MOMENT,
             "u": "u: the largest recent gradient magnitude, decayed by beta2 each step (infinity norm)."},
    average=M_HAT, squares=View("u", "u²", lambda v, hp, t: v**2), family="adaptive",
    color="#6655cc",
)

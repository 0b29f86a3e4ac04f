"""NAdam: Adam with Nesterov momentum, in the three forms the libraries ship."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero
from .adam import FIRST_MOMENT, SECOND_MOMENT, V_HAT, torch_moments
from .lines import coupled, decoupled


class NadamState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    mu_product: np.ndarray | float


def _init(p):
    z = np.zeros_like(p)
    return NadamState(0, z, z, 1.0)


def torch(lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay=False) -> Rule:
    """torch.optim.NAdam and Dozat (2016): mu_t = beta1 (1 - 0.96^(t psi) / 2)."""

    def mu(t):
        return beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))

    def denom(s):
        return np.sqrt(s.v / (1 - beta2**s.t)) + eps

    def step(p, g, s):
        t = s.t + 1
        p, g, m, v = torch_moments(p, g, s, lr, beta1, beta2, weight_decay, decoupled_weight_decay)
        mu_t, mu_next = mu(t), mu(t + 1)
        mu_product = s.mu_product * mu_t
        new = NadamState(t, m, v, mu_product)
        d = denom(new)
        p = p + (-lr * (1.0 - mu_t) / (1.0 - mu_product)) * g / d
        p = p + (-lr * mu_next / (1.0 - mu_product * mu_next)) * m / d
        return p, new

    return Rule(_init, step, lambda s: lr / denom(s))


def keras(lr, beta1, beta2, eps, weight_decay) -> Rule:
    """keras.optimizers.Nadam: mu_t = beta1 (1 - 0.96^t / 2), no psi; epsilon-hat."""

    def mu(t):
        return beta1 * (1.0 - 0.5 * 0.96**t)

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        u_t, u_next = mu(t), mu(t + 1)
        u_product = s.mu_product * u_t
        m = s.m + (g - s.m) * (1 - beta1)
        v = s.v + (g**2 - s.v) * (1 - beta2)
        m_hat = u_next * m / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta2**t)
        return p - m_hat * lr / (np.sqrt(v_hat) + eps), NadamState(t, m, v, u_product)

    return Rule(_init, step, lambda s: lr / (np.sqrt(s.v / (1 - beta2**s.t)) + eps))

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    lines, X, G = [], "x", "g"
    notes = ["m_0 = v_0 = 0, Pi_0 = 1."]
    if flavor == "optax":
        return [("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"),
                ("mhat", "beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)"),
                ("vhat", "v/(1 - beta2^t)"), ("x", "x - lr*mhat/(sqrt(vhat) + eps)")], ["m_0 = v_0 = 0."]
    if flavor == "keras":
        lines, X = decoupled(hp)
        return lines + [
            ("mu", "beta1*(1 - 0.5*0.96^t)"), ("mun", "beta1*(1 - 0.5*0.96^(t + 1))"), ("P", "P*mu"),
            ("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"),
            ("mhat", "mun*m/(1 - P*mun) + (1 - mu)*g/(1 - P)"), ("vhat", "v/(1 - beta2^t)"),
            ("x", f"{X} - lr*mhat/(sqrt(vhat) + eps)"),
        ], notes
    if hp.get("decoupled_weight_decay"):
        lines, X = decoupled(hp, "x*(1 - lr*weight_decay)")
    else:
        lines, G = coupled(hp)
    return lines + [
        ("mu", "beta1*(1 - 0.5*0.96^(t*momentum_decay))"),
        ("mun", "beta1*(1 - 0.5*0.96^((t + 1)*momentum_decay))"), ("P", "P*mu"),
        ("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2"),
        ("den", "sqrt(v/(1 - beta2^t)) + eps"),
        ("x", f"{X} - lr*(1 - mu)*{G}/((1 - P)*den) - lr*mun*m/((1 - P*mun)*den)"),
    ], notes



def optax(lr, beta1, beta2, eps) -> Rule:
    """optax.nadam: Adam with m_hat = beta1 m / (1 - beta1^(t+1)) + (1 - beta1) g / (1 - beta1^t)."""

    def step(p, g, s):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        v = (1 - beta2) * g**2 + beta2 * s.v
        m_hat = beta1 * (m / (1 - beta1 ** (t + 1))) + (1 - beta1) * (g / (1 - beta1**t))
        v_hat = v / (1 - beta2**t)
        return p + m_hat / (np.sqrt(v_hat) + eps) * -lr, NadamState(t, m, v, 1.0)

    return Rule(_init, step, lambda s: lr / (np.sqrt(s.v / (1 - beta2**s.t)) + eps))


NADAM = OptimizerSpec(
    "nadam", "NAdam",
    "Adam with Nesterov momentum: the step looks ahead along the first moment.",
    {
        "textbook": Flavor(lambda lr, beta1, beta2, eps, momentum_decay: torch(
                               lr, beta1, beta2, eps, 0.0, momentum_decay),
                           ("lr", "beta1", "beta2", "eps", "momentum_decay"), {"lr": 0.002},
                           "Dozat (2016) with the momentum schedule, as torch implements it"),
        "torch": Flavor(torch, ("lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay",
                                "decoupled_weight_decay"),
                        {"lr": 0.002}, "torch.optim.NAdam; weight decay coupled unless decoupled"),
        "keras": Flavor(keras, ("lr", "beta1", "beta2", "eps", "weight_decay"),
                        {"lr": 0.001, "eps": 1e-7},
                        "keras.optimizers.Nadam: schedule 0.96^t; epsilon-hat; weight decay decoupled"),
        "optax": Flavor(optax, ("lr", "beta1", "beta2", "eps"), {"lr": 0.002},
                        "optax.nadam: no momentum schedule"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m", "v": "v", "P": "mu_product"},
    buffers={"m": FIRST_MOMENT, "v": SECOND_MOMENT,
             "mu_product": "Pi: the product of the momentum schedule's values so far."},
    average=View("m", "m"), squares=V_HAT, family="adaptive", color="#999933",
)

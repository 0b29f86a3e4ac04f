"""LAMB (You et al. 2020): Adam's direction rescaled per tensor by a trust ratio ||x|| / ||update||.

Each tensor's step is as long as lr times its own norm, whatever the gradient's scale: layers
with small weights take small steps. Per tensor through ``layout``; a 2-D objective's point is one
tensor, so there the step is lr ||x|| along Adam's direction (the ratio is 1 where either norm is 0).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, is_zero
from .adam import FIRST_MOMENT, M_HAT, SECOND_MOMENT, V_HAT
from .tensors import norm, pieces, tensor


class LambState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    trust: np.ndarray  # (P, B) each tensor's last trust ratio, for teaching


def init(p, layout):
    z = np.zeros_like(p)
    return LambState(0, z, z, z)


def _trust(x, u, layout, B):
    """Per-tensor ||x|| / ||u|| (1 where either is 0), one value per coordinate."""
    out = np.empty((sum(int(np.prod(s)) for _, s in pieces(layout)), B))
    for rows, shape in pieces(layout):
        xn, un = norm(tensor(x, rows, shape), shape), norm(tensor(u, rows, shape), shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where((xn > 0) & (un > 0), xn / un, 1.0)
        out[rows] = np.broadcast_to(ratio, shape + (B,)).reshape(-1, B)
    return out


def keras(lr, beta1, beta2, eps, weight_decay) -> Rule:
    """keras.optimizers.Lamb: Keras's decoupled weight decay first, then Adam's direction times the trust ratio."""

    def step(p, g, s, layout):
        t = s.t + 1
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        m = s.m + (g - s.m) * (1 - beta1)
        v = s.v + (g * g - s.v) * (1 - beta2)
        u = (m / (1.0 - beta1**t)) / (np.sqrt(v / (1.0 - beta2**t)) + eps)
        trust = _trust(p, u, layout, p.shape[1])
        return p - trust * lr * u, LambState(t, m, v, trust)

    return Rule(init, step, needs=frozenset({"layout"}))


def optax(lr, beta1, beta2, eps, eps_root, weight_decay) -> Rule:
    """optax.lamb: scale_by_adam, add_decayed_weights, scale_by_trust_ratio, scale by -lr."""

    def step(p, g, s, layout):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        v = (1 - beta2) * (g * g) + beta2 * s.v
        u = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t) + eps_root) + eps)
        if not is_zero(weight_decay):
            u = u + weight_decay * p
        trust = _trust(p, u, layout, p.shape[1])
        return p + (u * trust) * -lr, LambState(t, m, v, trust)

    return Rule(init, step, needs=frozenset({"layout"}))


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    ratio = [("1", ("-pn", ">=", "0")), ("1", ("-un", ">=", "0")), ("pn/un", None)]
    if flavor == "keras":
        pre, X = ([("xd", "x - x*weight_decay*lr")], "xd") if hp.get("weight_decay") else ([], "x")
        return pre + [("m", "m + (g - m)*(1 - beta1)"), ("v", "v + (g^2 - v)*(1 - beta2)"),
                      ("dir", "m/(1 - beta1^t)/(sqrt(v/(1 - beta2^t)) + eps)"), ("pn", f"sqrt(sum({X}^2))"),
                      ("un", "sqrt(sum(dir^2))"), ("tr", ratio), ("x", f"{X} - tr*lr*dir")], NOTES
    decay = " + weight_decay*x" if hp.get("weight_decay") else ""
    return [("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"),
            ("dir", f"m/(1 - beta1^t)/(sqrt(v/(1 - beta2^t) + eps_root) + eps){decay}"), ("pn", "sqrt(sum(x^2))"),
            ("un", "sqrt(sum(dir^2))"), ("tr", ratio), ("x", "x - lr*dir*tr")], NOTES


NOTES = ["m_0 = v_0 = 0. The sums run over the one tensor a 2-D point is; on a network, over each layer's tensor."]

LAMB = OptimizerSpec(
    "lamb", "LAMB",
    "Adam's direction rescaled per tensor so each step is lr times the parameters' own norm (a trust ratio).",
    {
        "keras": Flavor(keras, ("lr", "beta1", "beta2", "eps", "weight_decay"), {"lr": 0.001, "eps": 1e-7},
                        "keras.optimizers.Lamb; weight decay decoupled"),
        "optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "eps_root", "weight_decay"), {"lr": 0.001, "eps": 1e-6},
                        "optax.lamb (no default lr); weight decay added to Adam's direction"),
    },
    second="beta1",
    equations=equations, state_fields={"m": "m", "v": "v"},
    buffers={"m": FIRST_MOMENT, "v": SECOND_MOMENT,
             "trust": "Each tensor's last trust ratio ||x|| / ||update||."},
    average=M_HAT, squares=V_HAT, family="adaptive", color="#33bbee",
    tex={"dir": "u_{t}", "pn": r"\|x\|_t", "un": r"\|u\|_t", "tr": r"\tau_t", "eps_root": r"\epsilon_{root}"},
)

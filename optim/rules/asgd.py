"""Averaged SGD (torch.optim.ASGD): SGD with a decaying rate, and a running average of the iterates.

The path is SGD's with eta_t = lr / (1 + lambd lr t)^power and a shrink by (1 - lambd eta); from
step t0 on, the state also keeps the average of the iterates (Polyak-Ruppert averaging), which is
what ASGD offers as its answer. torch's default t0 = 10^6 means the average is the last iterate.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, is_zero

_POW = np.frompyfunc(math.pow, 2, 1)


def python_pow(base, exponent):
    """``base ** exponent`` as Python floats compute it, element by element.

    torch works eta out in Python floats; NumPy's array power may differ from that in the last bit,
    so a batch (or a per-coordinate lr) would drift from its single runs.

    Example:
        >>> python_pow(np.array([2.0, 9.0]), 0.5).tolist()
        [1.4142135623730951, 3.0]
    """
    if np.ndim(base) == 0 and np.ndim(exponent) == 0:
        return float(base) ** float(exponent)
    return _POW(base, exponent).astype(np.float64)


class ASGDState(NamedTuple):
    t: int
    ax: np.ndarray
    eta: np.ndarray  # (1, B): the rate of the next step
    mu: np.ndarray  # (1, B): the averaging weight of the next step


def torch(lr, lambd, power, t0, weight_decay) -> Rule:
    """torch.optim.ASGD, single-tensor arithmetic."""

    def init(p):
        ones = np.ones((1, p.shape[1]))
        return ASGDState(0, np.zeros_like(p), ones * lr, ones)

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        p = p * (1 - lambd * s.eta) + -s.eta * g
        ax = np.where(s.mu >= 1, p, s.ax + (p - s.ax) * s.mu)  # mu is at most 1; torch copies x where it is 1
        eta = np.zeros_like(s.eta) + lr / python_pow(1 + lambd * lr * t, power)
        mu = np.zeros_like(s.mu) + 1 / np.maximum(1, t - t0)
        return p, ASGDState(t, ax, eta, mu)

    return Rule(init, step, lambda s: s.eta)


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    pre, G = ([("gw", "g + weight_decay*x")], "gw") if hp.get("weight_decay") else ([], "g")
    return pre + [("xn", f"x*(1 - lambd*eta) - eta*{G}"),
                  ("ax", [("xn", ("mu", ">=", "1")), ("ax + (xn - ax)*mu", None)]),
                  ("eta", "lr/(1 + lambd*lr*t)^power"), ("mu", "1/max(1, t - t0)"), ("x", "xn")], [
        "eta_0 = lr, mu_0 = 1: the average is the iterate itself until step t0."]


ASGD = OptimizerSpec(
    "asgd", "Averaged SGD",
    "SGD with a slowly decaying rate that also keeps the running average of its iterates (from step t0).",
    {"torch": Flavor(torch, ("lr", "lambd", "power", "t0", "weight_decay"), {"lr": 0.01},
                     "torch.optim.ASGD (alpha is power)")},
    second="lambd",
    coordinatewise=True,
    equations=equations, state_fields={"ax": "ax", "eta": "eta", "mu": "mu"},
    buffers={"ax": "The running average of the iterates (from step t0; before it, the iterate itself)."},
    average=None, squares=None, family="momentum", color="#ee7733",
    tex={"xn": r"x^{\prime}_t", "ax": r"\bar{x}", "eta": r"\gamma", "mu": r"\omega", "lambd": r"\theta",
         "power": r"\alpha", "t0": "t_0"},
)

"""AdaBelief (Zhuang et al. 2020): Adam dividing by how far gradients stray from their average.

Adam divides the momentum by the root of the average squared gradient; AdaBelief by the root of
the average squared *surprise* (g - m)^2, so steady gradients, however large, get large steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, debiased, pick
from .adam import FIRST_MOMENT, M_HAT


class BeliefState(NamedTuple):
    t: int
    m: np.ndarray
    s: np.ndarray


def init(p):
    z = np.zeros_like(p)
    return BeliefState(0, z, z)


def optax(lr, beta1, beta2, eps, eps_root, nesterov) -> Rule:
    """optax.adabelief: scale_by_belief, then scale by -lr."""

    def denom(st):
        return np.sqrt(st.s / (1 - beta2**st.t)) + eps

    def step(p, g, st):
        t = st.t + 1
        m = (1 - beta1) * g + beta1 * st.m
        e = g - m
        s = (1 - beta2) * (e * e) + beta2 * st.s + eps_root
        new = BeliefState(t, m, s)
        m_hat = pick(nesterov, lambda: beta1 * (m / (1 - beta1 ** (t + 1))) + (1 - beta1) * (g / (1 - beta1**t)),
                     lambda: m / (1 - beta1**t))
        return p + m_hat / denom(new) * -lr, new

    return Rule(init, step, lambda st: lr / denom(st))


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    mhat = ("beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)" if hp.get("nesterov")
            else "m/(1 - beta1^t)")
    return [("m", "beta1*m + (1 - beta1)*g"), ("s", "beta2*s + (1 - beta2)*(g - m)^2 + eps_root"),
            ("mhat", mhat), ("shat", "s/(1 - beta2^t)"), ("x", "x - lr*mhat/(sqrt(shat) + eps)")], ["m_0 = s_0 = 0."]


ADABELIEF = OptimizerSpec(
    "adabelief", "AdaBelief",
    "Adam dividing by the spread of gradients around their average, not their size: steady slopes get long steps.",
    {"optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "eps_root", "nesterov"),
                     {"lr": 0.01, "eps": 1e-16, "eps_root": 1e-16}, "optax.adabelief (no default lr)")},
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m", "s": "s"},
    buffers={"m": FIRST_MOMENT,
             "s": "s: the decaying average of (g - m)², how far gradients stray from their average."},
    average=M_HAT, squares=debiased("s", "beta2", "ŝ"), family="adaptive",
    color="#cc6677", tex={"eps_root": r"\epsilon_{root}", "s": "s", "shat": r"\hat{s}_t"},
)

"""Yogi (Zaheer et al. 2018): Adam whose second moment moves by a fixed fraction of g^2 toward g^2.

Adam's v forgets a large gradient at rate beta2 whatever happens next; Yogi's
v <- v - (1 - beta2) sign(v - g^2) g^2 grows and shrinks additively, so a burst of large
gradients does not shrink the learning rate for long. optax starts both moments at 1e-6.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule
from .adam import FIRST_MOMENT, M_HAT, V_HAT


class YogiState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray


def optax(lr, beta1, beta2, eps, initial_accumulator_value) -> Rule:
    """optax.yogi: scale_by_yogi (eps_root 0), then scale by -lr."""

    def init(p):
        z = np.zeros_like(p) + initial_accumulator_value
        return YogiState(0, z, z)

    def denom(s):
        return np.sqrt(s.v / (1 - beta2**s.t)) + eps

    def step(p, g, s):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        g2 = g * g
        v = s.v - (1 - beta2) * np.sign(s.v - g2) * g2
        new = YogiState(t, m, v)
        return p + (m / (1 - beta1**t)) / denom(new) * -lr, new

    return Rule(init, step, lambda s: lr / denom(s))


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    return [("m", "beta1*m + (1 - beta1)*g"), ("v", "v - (1 - beta2)*sign(v - g^2)*g^2"),
            ("mhat", "m/(1 - beta1^t)"), ("vhat", "v/(1 - beta2^t)"),
            ("x", "x - lr*mhat/(sqrt(vhat) + eps)")], [
        f"m_0 = v_0 = {hp.get('initial_accumulator_value', 1e-6):g}."]


YOGI = OptimizerSpec(
    "yogi", "Yogi",
    "Adam whose second moment moves additively toward g²: a burst of large gradients is forgotten quickly.",
    {"optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "initial_accumulator_value"), {"lr": 0.01, "eps": 1e-3},
                     "optax.yogi (no default lr)")},
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m", "v": "v"},
    buffers={"m": FIRST_MOMENT,
             "v": "v: the second moment, moved additively toward g² by (1 - beta2) g² each step."},
    average=M_HAT, squares=V_HAT, family="adaptive",
    color="#ddcc77",
)

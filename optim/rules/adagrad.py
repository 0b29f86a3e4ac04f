"""AdaGrad: divide by the root of the running sum of squared gradients (seed 002, 004)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, pick
from .lines import coupled, decoupled


class SumOfSquares(NamedTuple):
    t: int
    sum_sq: np.ndarray


def _init(initial_accumulator):
    return lambda p: SumOfSquares(0, np.zeros_like(p) + initial_accumulator)


def textbook(lr, eps, eps_in_sqrt, initial_accumulator) -> Rule:
    """v <- v + g^2; x <- x - lr g / sqrt(v + eps) (seed 004), or / (sqrt(v) + eps)."""

    def denom(v):
        return pick(eps_in_sqrt, lambda: np.sqrt(v + eps), lambda: np.sqrt(v) + eps)

    def step(p, g, s):
        v = s.sum_sq + g**2
        return p - lr * g / denom(v), SumOfSquares(s.t + 1, v)

    return Rule(_init(initial_accumulator), step, lambda s: lr / denom(s.sum_sq))


def torch(lr, lr_decay, weight_decay, initial_accumulator, eps) -> Rule:
    """torch.optim.Adagrad: clr = lr / (1 + (t - 1) lr_decay); eps outside the root."""

    def clr(t):
        return lr / (1 + (t - 1) * lr_decay)

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        v = s.sum_sq + g * g
        std = np.sqrt(v) + eps
        return p + -clr(t) * g / std, SumOfSquares(t, v)

    return Rule(_init(initial_accumulator), step, lambda s: clr(s.t) / (np.sqrt(s.sum_sq) + eps))


def keras(lr, initial_accumulator, eps, weight_decay) -> Rule:
    """keras.optimizers.Adagrad: x <- x - lr g / sqrt(v + eps), accumulator starts at 0.1."""

    def step(p, g, s):
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        v = s.sum_sq + g**2
        return p - lr * g / np.sqrt(v + eps), SumOfSquares(s.t + 1, v)

    return Rule(_init(initial_accumulator), step, lambda s: lr / np.sqrt(s.sum_sq + eps))

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    note = [f"v_0 = {hp.get('initial_accumulator', 0):g}."]
    if flavor == "torch":
        pre, G = coupled(hp)
        return pre + [("clr", "lr/(1 + (t - 1)*lr_decay)"), ("v", f"v + {G}^2"),
                      ("x", f"x - clr*{G}/(sqrt(v) + eps)")], note
    if flavor == "keras":
        pre, X = decoupled(hp)
        return pre + [("v", "v + g^2"), ("x", f"{X} - lr*g/sqrt(v + eps)")], note
    inside = flavor == "optax" or hp.get("eps_in_sqrt", True)
    return [("v", "v + g^2"), ("x", "x - lr*g/sqrt(v + eps)" if inside else "x - lr*g/(sqrt(v) + eps)")], note



def optax(lr, initial_accumulator, eps) -> Rule:
    """optax.adagrad: scale_by_rss (rsqrt(v + eps), 0 where v = 0) then scale by -lr."""

    def scaling(v):
        with np.errstate(divide="ignore"):
            return np.where(v > 0, 1 / np.sqrt(v + eps), 0.0)

    def step(p, g, s):
        v = g * g + s.sum_sq
        return p + scaling(v) * g * -lr, SumOfSquares(s.t + 1, v)

    return Rule(_init(initial_accumulator), step, lambda s: lr * scaling(s.sum_sq))


ADAGRAD = OptimizerSpec(
    "adagrad", "AdaGrad",
    "Per-coordinate step lr / sqrt(sum of all past squared gradients): it only ever shrinks.",
    {
        "textbook": Flavor(textbook, ("lr", "eps", "eps_in_sqrt", "initial_accumulator"),
                           {"lr": 0.1}),
        "torch": Flavor(torch, ("lr", "lr_decay", "weight_decay", "initial_accumulator", "eps"),
                        {"lr": 0.01, "eps": 1e-10},
                        "torch.optim.Adagrad; eps outside the root; weight decay coupled"),
        "keras": Flavor(keras, ("lr", "initial_accumulator", "eps", "weight_decay"),
                        {"lr": 0.001, "initial_accumulator": 0.1, "eps": 1e-7},
                        "keras.optimizers.Adagrad; eps inside the root; weight decay decoupled"),
        "optax": Flavor(optax, ("lr", "initial_accumulator", "eps"),
                        {"lr": 0.1, "initial_accumulator": 0.1, "eps": 1e-7},
                        "optax.adagrad (no default lr); eps inside the root"),
    },
    coordinatewise=True,
    equations=equations, state_fields={"v": "sum_sq"},
    buffers={"sum_sq": "v: the running sum of squared gradients (from the initial accumulator)."},
    average=None, squares=View("sum_sq", "Σg²"), family="adaptive", color="#cc79a7",
)

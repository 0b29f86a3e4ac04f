"""Rprop (Riedmiller and Braun 1993): per-coordinate step sizes that grow while the gradient keeps its sign.

Only the gradient's sign is used. Each coordinate's step size is multiplied by eta_plus when the
gradient kept its sign since the last step and by eta_minus when it flipped, within
[step_min, step_max]; lr is the first step size. torch skips the step where the sign flipped;
optax (0.2.8) applies each step one step late: the update at step t is the one decided at t - 1.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View


class RpropState(NamedTuple):
    t: int
    prev: np.ndarray
    step_size: np.ndarray


def _init(lr):
    def init(p):
        return RpropState(0, np.zeros_like(p), np.zeros_like(p) + lr)

    return init


def torch(lr, eta_minus, eta_plus, step_min, step_max) -> Rule:
    """torch.optim.Rprop: the step size always clamped; the gradient zeroed where its sign flipped."""

    def step(p, g, s):
        q = g * s.prev
        # torch replaces sign(q)'s 1, -1 and 0; a NaN (an infinite gradient times 0) stays NaN.
        factor = np.where(q > 0, eta_plus, np.where(q < 0, eta_minus, np.where(q == 0, 1.0, q)))
        size = np.minimum(np.maximum(s.step_size * factor, step_min), step_max)
        g = np.where(q < 0, 0.0, g)
        return p - np.sign(g) * size, RpropState(s.t + 1, g, size)

    return Rule(_init(lr), step, lambda s: s.step_size)


def optax(lr, eta_minus, eta_plus, step_min, step_max) -> Rule:
    """optax.rprop: ``prev`` holds the signed step; each step applies the previous one (none where the sign flipped)."""

    def step(p, g, s):
        q = g * s.prev
        grown = np.minimum(np.maximum(s.step_size * np.where(q > 0, eta_plus, eta_minus), step_min), step_max)
        size = np.where(q == 0, s.step_size, grown)
        new_prev = np.where(q < 0, 0.0, size * np.sign(g))
        return p + np.where(q < 0, 0.0, s.prev) * -1.0, RpropState(s.t + 1, new_prev, size)

    return Rule(_init(lr), step, lambda s: s.step_size)


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    def clip(v):
        return f"min(max({v}, step_min), step_max)"

    if flavor == "torch":
        return [("q", "g*prev"),
                ("ss", [(clip("ss*eta_plus"), ("q", ">", "0")), (clip("ss*eta_minus"), ("-q", ">", "0")),
                        (clip("ss"), None)]),
                ("gp", [("0", ("-q", ">", "0")), ("g", None)]),
                ("prev", "gp"), ("x", "x - sign(gp)*ss")], [
            "s_0 = lr (the first step size), g^prev_0 = 0; a step whose gradient flipped sign is skipped."]
    return [("q", "g*prev"),
            ("ss", [(clip("ss*eta_plus"), ("q", ">", "0")), (clip("ss*eta_minus"), ("-q", ">", "0")), ("ss", None)]),
            ("dx", [("0", ("-q", ">", "0")), ("prev", None)]),
            ("prev", [("0", ("-q", ">", "0")), ("ss*sign(g)", None)]), ("x", "x - dx")], [
        "s_0 = lr, u_0 = 0: optax applies the step it decided one step earlier (u_{t-1}), none where the sign flipped."]


_PARAMS = ("lr", "eta_minus", "eta_plus", "step_min", "step_max")

RPROP = OptimizerSpec(
    "rprop", "Rprop",
    "Only the gradient's sign counts: each coordinate's step grows while the sign holds and shrinks when it flips.",
    {
        "torch": Flavor(torch, _PARAMS, {"lr": 0.01}, "torch.optim.Rprop (etas and step_sizes as pairs)"),
        "optax": Flavor(optax, _PARAMS, {"lr": 0.01}, "optax.rprop (no default lr); steps one step late"),
    },
    second="eta_plus",
    coordinatewise=True,
    equations=equations, state_fields={"prev": "prev", "ss": "step_size"},
    buffers={"prev": "The previous gradient (torch; zero where its sign flipped) or signed step (optax).",
             "step_size": "s: each coordinate's current step size."},
    average=None, squares=View("step_size", "s"), family="adaptive", color="#9c4a1a",
    tex={"dx": r"\Delta_t", "q": "q_t", "ss": "s", "gp": r"\tilde{g}_t", "prev": r"u", "eta_minus": r"\eta_-",
         "eta_plus": r"\eta_+",
         "step_min": r"s_{\min}", "step_max": r"s_{\max}"},
)

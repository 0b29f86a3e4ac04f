"""Gradient descent, SGD with momentum (heavy-ball and Nesterov) and EWMA momentum."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, pick, zeros
from .lines import coupled, decoupled


class Stateless(NamedTuple):
    t: int


class Velocity(NamedTuple):
    t: int
    velocity: np.ndarray


def gd(lr) -> Rule:
    """x <- x - lr g."""

    def step(p, g, s):
        return p - lr * g, Stateless(s.t + 1)

    return Rule(lambda p: Stateless(0), step)


def sgd_torch(lr, momentum, dampening, nesterov, weight_decay) -> Rule:
    """torch.optim.SGD: buffer = g on the first step, then mu buf + (1 - dampening) g."""

    def init(p):
        return Velocity(0, zeros(p))

    def step(p, g, s):
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        if is_zero(momentum):
            return p - lr * g, Velocity(s.t + 1, s.velocity)
        buf = g if s.t == 0 else s.velocity * momentum + (1 - dampening) * g
        d = pick(nesterov, lambda: g + momentum * buf, lambda: buf)
        return p - lr * d, Velocity(s.t + 1, buf)

    return Rule(init, step)


def sgd_keras(lr, momentum, nesterov, weight_decay) -> Rule:
    """keras.optimizers.SGD: the velocity holds the learning rate, m <- mu m - lr g."""

    def init(p):
        return Velocity(0, zeros(p))

    def step(p, g, s):
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        if is_zero(momentum):
            return p - g * lr, Velocity(s.t + 1, s.velocity)
        m = s.velocity * momentum - g * lr
        d = pick(nesterov, lambda: m * momentum - g * lr, lambda: m)
        return p + d, Velocity(s.t + 1, m)

    return Rule(init, step)


def sgd_optax(lr, momentum, nesterov) -> Rule:
    """optax.sgd: trace t <- g + mu t (no dampening), then scale by -lr."""

    def init(p):
        return Velocity(0, zeros(p))

    def step(p, g, s):
        if is_zero(momentum):
            return p + g * -lr, Velocity(s.t + 1, s.velocity)
        tr = g + momentum * s.velocity
        d = pick(nesterov, lambda: g + momentum * tr, lambda: tr)
        return p + d * -lr, Velocity(s.t + 1, tr)

    return Rule(init, step)


def ewma_momentum(lr, momentum, bias_correction) -> Rule:
    """Seed 004: v <- beta v + (1 - beta) g; x <- x - lr v / (1 - beta^t)."""

    def init(p):
        return Velocity(0, zeros(p))

    def step(p, g, s):
        t = s.t + 1
        v = momentum * s.velocity + (1 - momentum) * g
        v_hat = pick(bias_correction, lambda: v / (1 - momentum**t), lambda: v)
        return p - lr * v_hat, Velocity(t, v)

    return Rule(init, step)

def gd_equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    return [("x", "x - lr*g")], []


def sgd_equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    mom, nest = hp.get("momentum", 0), hp.get("nesterov", False)
    if flavor == "keras":
        pre, X = decoupled(hp)
        if not mom:
            return pre + [("x", f"{X} - lr*g")], []
        step = f"{X} + momentum*b - lr*g" if nest else f"{X} + b"
        return pre + [("b", "momentum*b - lr*g"), ("x", step)], ["b_0 = 0: the velocity holds the learning rate."]
    if flavor == "optax":
        if not mom:
            return [("x", "x - lr*g")], []
        step = "x - lr*(g + momentum*b)" if nest else "x - lr*b"
        return [("b", "g + momentum*b"), ("x", step)], ["b_0 = 0."]
    pre, G = coupled(hp)
    if not mom:
        return pre + [("x", f"x - lr*{G}")], []
    step = f"x - lr*({G} + momentum*b)" if nest else "x - lr*b"
    return pre + [("b", f"momentum*b + (1 - dampening)*{G}"), ("x", step)], [
        "b_1 = g_1: the first step fills the buffer with the gradient, without dampening."]


def ewma_equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    lines = [("m", "momentum*m + (1 - momentum)*g")]
    if hp["bias_correction"]:
        return lines + [("mhat", "m/(1 - momentum^t)"), ("x", "x - lr*mhat")], ["m_0 = 0."]
    return lines + [("x", "x - lr*m")], ["m_0 = 0."]



def ewma_momentum_optax(lr, momentum, bias_correction) -> Rule:
    """optax.chain(optax.ema(beta, debias), optax.scale(-lr))."""

    def init(p):
        return Velocity(0, zeros(p))

    def step(p, g, s):
        t = s.t + 1
        v = (1 - momentum) * g + momentum * s.velocity
        v_hat = pick(bias_correction, lambda: v / (1 - momentum**t), lambda: v)
        return p + v_hat * -lr, Velocity(t, v)

    return Rule(init, step)


GD = OptimizerSpec(
    "gd", "Gradient descent", "Full-batch gradient descent: x <- x - lr * grad.",
    {
        "textbook": Flavor(gd, ("lr",), {"lr": 0.1}),
        "torch": Flavor(gd, ("lr",), {"lr": 0.001}, "torch.optim.SGD without momentum"),
        "keras": Flavor(gd, ("lr",), {"lr": 0.01}, "keras.optimizers.SGD without momentum"),
        "optax": Flavor(gd, ("lr",), {"lr": 0.1}, "optax.sgd without momentum (no default lr)"),
    },
    coordinatewise=True,
    equations=gd_equations, state_fields={}, buffers={}, average=None, squares=None,
    family="gradient", color="#0072b2",
)

SGD = OptimizerSpec(
    "sgd", "SGD with momentum",
    "Heavy-ball or Nesterov momentum: a velocity accumulates past gradients.",
    {
        "textbook": Flavor(sgd_torch, ("lr", "momentum", "dampening", "nesterov", "weight_decay"),
                           {"lr": 0.01, "momentum": 0.9}),
        "torch": Flavor(sgd_torch, ("lr", "momentum", "dampening", "nesterov", "weight_decay"),
                        {"lr": 0.001}, "torch.optim.SGD; weight decay is coupled (added to the gradient)"),
        "keras": Flavor(sgd_keras, ("lr", "momentum", "nesterov", "weight_decay"), {"lr": 0.01},
                        "keras.optimizers.SGD; the velocity holds lr; weight decay is decoupled"),
        "optax": Flavor(sgd_optax, ("lr", "momentum", "nesterov"), {"lr": 0.01},
                        "optax.sgd (no default lr)"),
    },
    second="momentum",
    coordinatewise=True,
    equations=sgd_equations, state_fields={"b": "velocity"},
    buffers={"velocity": "b: the momentum buffer, a running sum of past gradients (Keras: of past steps)."},
    average=View("velocity", "b"), squares=None, family="momentum", color="#d55e00",
)

EWMA_MOMENTUM = OptimizerSpec(
    "ewma_momentum", "EWMA momentum",
    "Seed 004's momentum: an exponentially weighted average of gradients, bias-corrected.",
    {
        "textbook": Flavor(ewma_momentum, ("lr", "momentum", "bias_correction"),
                           {"lr": 0.1, "momentum": 0.9}),
        "optax": Flavor(ewma_momentum_optax, ("lr", "momentum", "bias_correction"),
                        {"lr": 0.1, "momentum": 0.9}, "optax.ema(debias) then optax.scale(-lr)"),
    },
    second="momentum",
    coordinatewise=True,
    equations=ewma_equations, state_fields={"m": "velocity"},
    buffers={"velocity": "m: the exponentially weighted average of gradients."},
    average=View("velocity", lambda hp: "m̂" if hp.get("bias_correction") else "m",
                 lambda v, hp, t: v / (1 - float(hp["momentum"]) ** t) if hp.get("bias_correction") else v),
    squares=None, family="momentum", color="#009e73",
)

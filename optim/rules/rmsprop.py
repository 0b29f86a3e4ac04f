"""RMSprop: divide by the root of a decaying average of squared gradients (seeds 000-004)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, lerp, pick
from .lines import coupled, decoupled


class RMSState(NamedTuple):
    t: int
    sq_avg: np.ndarray
    grad_avg: np.ndarray
    momentum_buf: np.ndarray


def _init(initial_accumulator=0.0):
    def init(p):
        z = np.zeros_like(p)
        return RMSState(0, z + initial_accumulator, z, z)

    return init


def textbook(lr, decay, eps, eps_in_sqrt, centered, momentum) -> Rule:
    """v <- d v + (1 - d) g^2; x <- x - lr g / sqrt(v + eps) (seed 001), or / (sqrt(v) + eps) (seed 000)."""

    def denom(s):
        var = pick(centered, lambda: s.sq_avg - s.grad_avg**2, lambda: s.sq_avg)
        return pick(eps_in_sqrt, lambda: np.sqrt(var + eps), lambda: np.sqrt(var) + eps)

    def step(p, g, s):
        v = decay * s.sq_avg + (1 - decay) * g**2
        m = pick(centered, lambda: decay * s.grad_avg + (1 - decay) * g, lambda: s.grad_avg)
        new = RMSState(s.t + 1, v, m, s.momentum_buf)
        if is_zero(momentum):
            return p - lr * g / denom(new), new
        buf = momentum * s.momentum_buf + g / denom(new)
        return p - lr * buf, new._replace(momentum_buf=buf)

    return Rule(_init(), step, lambda s: lr / denom(s))


def torch(lr, decay, eps, weight_decay, momentum, centered) -> Rule:
    """torch.optim.RMSprop: eps outside the root; the momentum buffer excludes lr."""

    def denom(s):
        var = pick(centered, lambda: s.sq_avg - s.grad_avg * s.grad_avg, lambda: s.sq_avg)
        return np.sqrt(var) + eps

    def step(p, g, s):
        if not is_zero(weight_decay):
            g = g + weight_decay * p
        v = s.sq_avg * decay + (1 - decay) * g * g
        m = pick(centered, lambda: lerp(s.grad_avg, g, 1 - decay), lambda: s.grad_avg)
        new = RMSState(s.t + 1, v, m, s.momentum_buf)
        if is_zero(momentum):
            return p + -lr * g / denom(new), new
        buf = s.momentum_buf * momentum + g / denom(new)
        return p - lr * buf, new._replace(momentum_buf=buf)

    return Rule(_init(), step, lambda s: lr / denom(s))


def keras(lr, decay, eps, momentum, centered, weight_decay) -> Rule:
    """keras.optimizers.RMSprop: eps inside the root; the momentum buffer holds lr."""

    def denom(s):
        var = pick(centered, lambda: s.sq_avg - s.grad_avg**2, lambda: s.sq_avg)
        return np.sqrt(var + eps)

    def step(p, g, s):
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        v = decay * s.sq_avg + (1 - decay) * g**2
        m = pick(centered, lambda: decay * s.grad_avg + (1 - decay) * g, lambda: s.grad_avg)
        new = RMSState(s.t + 1, v, m, s.momentum_buf)
        increment = lr * g / denom(new)
        if is_zero(momentum):
            return p - increment, new
        buf = momentum * s.momentum_buf + increment
        return p - buf, new._replace(momentum_buf=buf)

    return Rule(_init(), step, lambda s: lr / denom(s))

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    lines, X, G = [], "x", "g"
    if flavor == "torch":
        lines, G = coupled(hp)
    elif flavor == "keras":
        lines, X = decoupled(hp)
    lines.append(("v", f"decay*v + (1 - decay)*{G}^2"))
    V, A = "v", "a"
    if hp.get("centered"):
        lines.append(("a", f"decay*a + (1 - decay)*{G}"))
    if flavor == "optax" and hp.get("bias_correction"):
        lines.append(("vhat", "v/(1 - decay^t)"))
        V = "vhat"
        if hp.get("centered"):
            lines.append(("ahat", "a/(1 - decay^t)"))
            A = "ahat"
    var = f"({V} - {A}^2)" if hp.get("centered") else V
    inside = {"torch": False, "keras": True}.get(flavor, hp.get("eps_in_sqrt", True))
    den = f"sqrt({var} + eps)" if inside else f"(sqrt({var}) + eps)"
    notes = [f"v_0 = {hp.get('initial_accumulator', 0):g}."]
    mom = hp.get("momentum", 0)
    if not mom:
        return lines + [("x", f"{X} - lr*{G}/{den}")], notes
    if flavor == "keras":
        return lines + [("b", f"momentum*b + lr*{G}/{den}"), ("x", f"{X} - b")], notes
    if flavor == "optax":
        step = f"x - lr*{G}/{den} + momentum*b" if hp.get("nesterov") else "x + b"
        return lines + [("b", f"momentum*b - lr*{G}/{den}"), ("x", step)], notes
    return lines + [("b", f"momentum*b + {G}/{den}"), ("x", f"{X} - lr*b")], notes



def optax(lr, decay, eps, initial_accumulator, eps_in_sqrt, centered, momentum, nesterov,
          bias_correction) -> Rule:
    """optax.rmsprop: scale_by_rms or scale_by_stddev, scale by -lr, then trace(momentum)."""

    def scaling(s):
        correct = pick(bias_correction, lambda: 1 - decay**s.t, lambda: 1.0)
        nu, mu = s.sq_avg / correct, s.grad_avg / correct
        var = pick(centered, lambda: nu - mu**2, lambda: nu)
        return pick(eps_in_sqrt, lambda: 1 / np.sqrt(var + eps), lambda: 1 / (np.sqrt(var) + eps))

    def step(p, g, s):
        v = (1 - decay) * g**2 + decay * s.sq_avg
        m = pick(centered, lambda: (1 - decay) * g + decay * s.grad_avg, lambda: s.grad_avg)
        new = RMSState(s.t + 1, v, m, s.momentum_buf)
        u = scaling(new) * g * -lr
        if is_zero(momentum):
            return p + u, new
        tr = u + momentum * s.momentum_buf
        u = pick(nesterov, lambda: u + momentum * tr, lambda: tr)
        return p + u, new._replace(momentum_buf=tr)

    return Rule(_init(initial_accumulator), step, lambda s: lr * scaling(s))


RMSPROP = OptimizerSpec(
    "rmsprop", "RMSprop",
    "Per-coordinate step lr / sqrt(decaying average of squared gradients).",
    {
        "textbook": Flavor(textbook, ("lr", "decay", "eps", "eps_in_sqrt", "centered", "momentum"),
                           {"lr": 0.01, "decay": 0.9}),
        "torch": Flavor(torch, ("lr", "decay", "eps", "weight_decay", "momentum", "centered"),
                        {"lr": 0.01, "decay": 0.99},
                        "torch.optim.RMSprop (alpha is decay); eps outside the root"),
        "keras": Flavor(keras, ("lr", "decay", "eps", "momentum", "centered", "weight_decay"),
                        {"lr": 0.001, "decay": 0.9, "eps": 1e-7},
                        "keras.optimizers.RMSprop (rho is decay); eps inside the root; momentum holds lr"),
        "optax": Flavor(optax, ("lr", "decay", "eps", "initial_accumulator", "eps_in_sqrt", "centered",
                                "momentum", "nesterov", "bias_correction"),
                        {"lr": 0.01, "decay": 0.9, "bias_correction": False},
                        "optax.rmsprop (no default lr; initial_scale is initial_accumulator)"),
    },
    second="decay",
    coordinatewise=True,
    equations=equations, state_fields={"v": "sq_avg", "a": "grad_avg", "b": "momentum_buf"},
    buffers={"sq_avg": "v: the decaying average of squared gradients.",
             "grad_avg": "a: the decaying average of gradients (centered only).",
             "momentum_buf": "b: the momentum buffer of scaled gradients (momentum only)."},
    average=View("grad_avg", "ḡ"), squares=View("sq_avg", "v"), family="adaptive", color="#e69f00",
)

"""Adam, AMSGrad and AdamW: momentum on the gradient, RMSprop on its square, both bias-corrected."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, debiased, is_zero, lerp, pick
from .lines import coupled, decoupled


class AdamState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray


def init(p):
    z = np.zeros_like(p)
    return AdamState(0, z, z, z)


def textbook(lr, beta1, beta2, eps, amsgrad, weight_decay=0.0) -> Rule:
    """Kingma and Ba (2015): x <- x - lr m_hat / (sqrt(v_hat) + eps); AdamW decays x by lr wd."""

    def v_used(s):
        return pick(amsgrad, lambda: s.v_max, lambda: s.v)

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            p = p - lr * weight_decay * p
        m = beta1 * s.m + (1 - beta1) * g
        v = beta2 * s.v + (1 - beta2) * g**2
        new = AdamState(t, m, v, s.v_max if amsgrad is False else np.maximum(s.v_max, v))
        m_hat = m / (1 - beta1**t)
        v_hat = v_used(new) / (1 - beta2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps), new

    return Rule(init, step, lambda s: lr / (np.sqrt(v_used(s) / (1 - beta2**s.t)) + eps))


def torch(lr, beta1, beta2, eps, amsgrad, weight_decay, decoupled_weight_decay=False) -> Rule:
    """torch.optim.Adam (weight decay coupled unless decoupled) and AdamW (x <- x (1 - lr wd) first)."""

    def denom(v, t):
        return np.sqrt(v) / np.sqrt(1 - beta2**t) + eps

    def step(p, g, s):
        t = s.t + 1
        p, _, m, v = torch_moments(p, g, s, lr, beta1, beta2, weight_decay, decoupled_weight_decay)
        new = AdamState(t, m, v, s.v_max if amsgrad is False else np.maximum(s.v_max, v))
        d = denom(pick(amsgrad, lambda: new.v_max, lambda: v), t)
        return p + -(lr / (1 - beta1**t)) * m / d, new

    def effective_lr(s):
        return lr / denom(pick(amsgrad, lambda: s.v_max, lambda: s.v), s.t)

    return Rule(init, step, effective_lr)


def decay_weights_torch(p, g, lr, weight_decay, decoupled):
    """torch's two weight decays: shrink the parameters (decoupled) or add wd p to the gradient."""
    if decoupled is True or decoupled is False:
        return (p * (1 - lr * weight_decay), g) if decoupled else (p, g + weight_decay * p)
    return np.where(decoupled, p * (1 - lr * weight_decay), p), np.where(decoupled, g, g + weight_decay * p)


def torch_moments(p, g, s, lr, beta1, beta2, weight_decay, decoupled):
    """The start of a torch Adam-family step (Adam, RAdam, NAdam): weight decay, then both moments.

    Returns ``(p, g, m, v)``: the parameters and gradient after weight decay, and the new first and second moments.
    """
    if not is_zero(weight_decay):
        p, g = decay_weights_torch(p, g, lr, weight_decay, decoupled)
    m = lerp(s.m, g, 1 - beta1)
    v = s.v * beta2 + (1 - beta2) * g * g
    return p, g, m, v


def torch_adamw(lr, beta1, beta2, eps, amsgrad, weight_decay) -> Rule:
    return torch(lr, beta1, beta2, eps, amsgrad, weight_decay, decoupled_weight_decay=True)


def optax_m_hat(m, g, beta1, t, nesterov):
    """optax's bias-corrected first moment; with nesterov, its look-ahead form (optax.nadam)."""
    return pick(
        nesterov,
        lambda: beta1 * (m / (1 - beta1 ** (t + 1))) + (1 - beta1) * (g / (1 - beta1**t)),
        lambda: m / (1 - beta1**t),
    )


def keras(lr, beta1, beta2, eps, amsgrad, weight_decay) -> Rule:
    """keras.optimizers.Adam/AdamW: epsilon-hat (eps added to sqrt(v), not sqrt(v_hat)).

    Keras applies weight decay, always decoupled, before the step: x <- x - x wd lr.
    """

    def v_used(s):
        return pick(amsgrad, lambda: s.v_max, lambda: s.v)

    def alpha(t):
        return lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)

    def step(p, g, s):
        t = s.t + 1
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        m = s.m + (g - s.m) * (1 - beta1)
        v = s.v + (g**2 - s.v) * (1 - beta2)
        new = AdamState(t, m, v, s.v_max if amsgrad is False else np.maximum(s.v_max, v))
        return p - m * alpha(t) / (np.sqrt(v_used(new)) + eps), new

    return Rule(init, step, lambda s: alpha(s.t) * (1 - beta1**s.t) / (np.sqrt(v_used(s)) + eps))


def optax(lr, beta1, beta2, eps, amsgrad=False, weight_decay=0.0, nesterov=False, eps_root=0.0) -> Rule:
    """optax.adam / optax.amsgrad (max over bias-corrected v_hat) / optax.adamw; nesterov: optax.nadam(w).

    optax.adamw adds wd x to the Adam direction before scaling by -lr; eps_root goes inside the root.
    """

    def v_hat_used(s):
        return pick(amsgrad, lambda: s.v_max, lambda: s.v / (1 - beta2**s.t))

    def step(p, g, s):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        v = (1 - beta2) * g**2 + beta2 * s.v
        m_hat = optax_m_hat(m, g, beta1, t, nesterov)
        v_hat = v / (1 - beta2**t)
        new = AdamState(t, m, v, s.v_max if amsgrad is False else np.maximum(s.v_max, v_hat))
        u = m_hat / (np.sqrt(pick(amsgrad, lambda: new.v_max, lambda: v_hat) + eps_root) + eps)
        if not is_zero(weight_decay):
            u = u + weight_decay * p
        return p + u * -lr, new

    return Rule(init, step, lambda s: lr / (np.sqrt(v_hat_used(s) + eps_root) + eps))

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    ams = hp.get("amsgrad", False)
    lines, X, G = [], "x", "g"
    if flavor == "torch":
        if hp.get("decoupled_weight_decay") or "decoupled_weight_decay" not in hp:
            lines, X = decoupled(hp, "x*(1 - lr*weight_decay)")
        else:
            lines, G = coupled(hp)
    elif flavor in ("keras",):
        lines, X = decoupled(hp)
    elif flavor == "textbook":
        lines, X = decoupled(hp, "x - lr*weight_decay*x")
    lines += [("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2")]
    notes = ["m_0 = v_0 = 0."]
    if flavor == "optax":
        mhat = ("beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)" if hp.get("nesterov")
                else "m/(1 - beta1^t)")
        lines += [("mhat", mhat), ("vhat", "v/(1 - beta2^t)")]
        V = "vhat"
        if ams:
            lines.append(("vmax", "max(vmax, vhat)"))
            V = "vmax"
        direction = f"mhat/(sqrt({V} + eps_root) + eps)" if hp.get("eps_root") else f"mhat/(sqrt({V}) + eps)"
        if hp.get("weight_decay"):
            return lines + [("x", f"x - lr*({direction} + weight_decay*x)")], notes
        return lines + [("x", f"x - lr*{direction}")], notes
    V = "v"
    if ams:
        lines.append(("vmax", "max(vmax, v)"))
        V = "vmax"
    if flavor == "keras":
        return lines + [("alpha", "lr*sqrt(1 - beta2^t)/(1 - beta1^t)"),
                        ("x", f"{X} - alpha*m/(sqrt({V}) + eps)")], notes + [
            "Epsilon-hat: eps is added to sqrt(v), not to the bias-corrected sqrt(v-hat)."]
    if flavor == "torch":
        return lines + [("x", f"{X} - lr/(1 - beta1^t)*m/(sqrt({V})/sqrt(1 - beta2^t) + eps)")], notes
    return lines + [("mhat", "m/(1 - beta1^t)"), ("vhat", f"{V}/(1 - beta2^t)"),
                    ("x", f"{X} - lr*mhat/(sqrt(vhat) + eps)")], notes



_ADAM_PARAMS = ("lr", "beta1", "beta2", "eps", "amsgrad")
ADAM_FIELDS = {"m": "m", "v": "v", "vmax": "v_max"}
FIRST_MOMENT = "m: the decaying average of gradients (first moment)."
SECOND_MOMENT = "v: the decaying average of squared gradients (second moment)."
"""What Adam's two buffers mean, as every optimizer built on them says it."""
M_HAT = debiased("m", "beta1", "m̂")
V_HAT = debiased("v", "beta2", "v̂")
"""The teaching views of Adam's m and v: bias-corrected, as the update uses them."""
ADAM_BUFFERS = {
    "m": FIRST_MOMENT,
    "v": SECOND_MOMENT,
    "v_max": "v_max: the largest second moment so far (AMSGrad only).",
}

ADAM = OptimizerSpec(
    "adam", "Adam",
    "Momentum (first moment) divided by the root of the second moment, both bias-corrected.",
    {
        "textbook": Flavor(textbook, _ADAM_PARAMS, {"lr": 0.001}),
        "torch": Flavor(torch, _ADAM_PARAMS + ("weight_decay", "decoupled_weight_decay"), {"lr": 0.001},
                        "torch.optim.Adam; weight decay coupled (added to the gradient) unless decoupled"),
        "keras": Flavor(keras, _ADAM_PARAMS + ("weight_decay",), {"lr": 0.001, "eps": 1e-7},
                        "keras.optimizers.Adam; epsilon-hat; weight decay decoupled"),
        "optax": Flavor(optax, _ADAM_PARAMS + ("nesterov", "eps_root"), {"lr": 0.001},
                        "optax.adam, or optax.amsgrad when amsgrad is on; nesterov is optax.nadam"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields=ADAM_FIELDS, buffers=ADAM_BUFFERS,
    average=M_HAT, squares=V_HAT, family="adaptive",
    color="#c0306e", tex={"eps_root": r"\epsilon_{root}"},
)

ADAMW = OptimizerSpec(
    "adamw", "AdamW",
    "Adam with decoupled weight decay: the parameters shrink by lr * weight_decay each step.",
    {
        "textbook": Flavor(textbook, _ADAM_PARAMS + ("weight_decay",),
                           {"lr": 0.001, "weight_decay": 0.01}),
        "torch": Flavor(torch_adamw, _ADAM_PARAMS + ("weight_decay",),
                        {"lr": 0.001, "weight_decay": 0.01}, "torch.optim.AdamW"),
        "keras": Flavor(keras, _ADAM_PARAMS + ("weight_decay",),
                        {"lr": 0.001, "eps": 1e-7, "weight_decay": 0.004},
                        "keras.optimizers.AdamW; epsilon-hat"),
        "optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "weight_decay", "nesterov", "eps_root"),
                        {"lr": 0.001, "weight_decay": 1e-4}, "optax.adamw; nesterov is optax.nadamw"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields=ADAM_FIELDS, buffers=ADAM_BUFFERS,
    average=M_HAT, squares=V_HAT, family="adaptive",
    color="#6b6b6b", tex={"eps_root": r"\epsilon_{root}"},
)

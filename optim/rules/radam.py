"""RAdam: Adam whose adaptive step is switched on, and rectified, once its variance is tractable."""

from __future__ import annotations

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule
from .adam import ADAM_BUFFERS, M_HAT, V_HAT, AdamState, init, optax_m_hat, torch_moments
from .lines import coupled, decoupled


def _rho(beta2, t):
    rho_inf = np.float64(2 / (1 - beta2) - 1)
    return rho_inf, rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def _rect(rho_inf, rho_t):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def torch(lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay=False) -> Rule:
    """torch.optim.RAdam (and Liu et al. 2020): rectify when rho_t > 5, else plain momentum."""

    def factor(s):
        rho_inf, rho_t = _rho(beta2, s.t)
        adaptive = np.sqrt(1 - beta2**s.t) / (np.sqrt(s.v) + eps)
        return np.where(rho_t > 5.0, adaptive * _rect(rho_inf, rho_t), 1.0)

    def step(p, g, s):
        t = s.t + 1
        p, _, m, v = torch_moments(p, g, s, lr, beta1, beta2, weight_decay, decoupled_weight_decay)
        new = AdamState(t, m, v, s.v_max)
        m_hat = m / (1 - beta1**t)
        return p - m_hat * lr * factor(new), new

    return Rule(init, step, lambda s: lr * factor(s))

def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    lines, X, G = [], "x", "g"
    rho = [("rinf", "2/(1 - beta2) - 1"), ("rho", "rinf - 2*t*beta2^t/(1 - beta2^t)"),
           ("r", "sqrt((rho - 4)*(rho - 2)*rinf/((rinf - 4)*(rinf - 2)*rho))")]
    notes = ["m_0 = v_0 = 0."]
    if flavor == "optax":
        mhat = ("beta1*m/(1 - beta1^(t + 1)) + (1 - beta1)*g/(1 - beta1^t)" if hp.get("nesterov")
                else "m/(1 - beta1^t)")
        return [("m", "beta1*m + (1 - beta1)*g"), ("v", "beta2*v + (1 - beta2)*g^2"), ("mhat", mhat),
                ("vhat", "v/(1 - beta2^t)"), *rho,
                ("x", [("x - lr*r*mhat/(sqrt(vhat) + eps)", ("rho", ">=", "5")), ("x - lr*mhat", None)])], notes
    if hp.get("decoupled_weight_decay"):
        lines, X = decoupled(hp, "x*(1 - lr*weight_decay)")
    else:
        lines, G = coupled(hp)
    return lines + [("m", f"beta1*m + (1 - beta1)*{G}"), ("v", f"beta2*v + (1 - beta2)*{G}^2"),
                    ("mhat", "m/(1 - beta1^t)"), *rho,
                    ("x", [(f"{X} - lr*mhat*r*sqrt(1 - beta2^t)/(sqrt(v) + eps)", ("rho", ">", "5")),
                           (f"{X} - lr*mhat", None)])], notes



def optax(lr, beta1, beta2, eps, nesterov) -> Rule:
    """optax.radam: rectify when rho_t >= 5; eps added to sqrt(v_hat)."""

    def factor(s):
        rho_inf, rho_t = _rho(beta2, s.t)
        v_hat = s.v / (1 - beta2**s.t)
        return np.where(rho_t >= 5.0, _rect(rho_inf, rho_t) / (np.sqrt(v_hat) + eps), 1.0)

    def step(p, g, s):
        t = s.t + 1
        m = (1 - beta1) * g + beta1 * s.m
        v = (1 - beta2) * g**2 + beta2 * s.v
        new = AdamState(t, m, v, s.v_max)
        return p + factor(new) * optax_m_hat(m, g, beta1, t, nesterov) * -lr, new

    return Rule(init, step, lambda s: lr * factor(s))


RADAM = OptimizerSpec(
    "radam", "RAdam",
    "Rectified Adam: plain momentum for the first steps, then Adam scaled by a variance rectifier.",
    {
        "textbook": Flavor(lambda lr, beta1, beta2, eps: torch(lr, beta1, beta2, eps, 0.0),
                           ("lr", "beta1", "beta2", "eps"), {"lr": 0.001},
                           "Liu et al. (2020), as torch implements it"),
        "torch": Flavor(torch, ("lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay"),
                        {"lr": 0.001}, "torch.optim.RAdam; weight decay coupled unless decoupled"),
        "optax": Flavor(optax, ("lr", "beta1", "beta2", "eps", "nesterov"), {"lr": 0.001},
                        "optax.radam: threshold rho_t >= 5, eps added to sqrt(v_hat)"),
    },
    second="beta1",
    coordinatewise=True,
    equations=equations, state_fields={"m": "m", "v": "v"}, buffers=ADAM_BUFFERS,
    average=M_HAT, squares=V_HAT, family="adaptive",
    color="#44aa99",
)

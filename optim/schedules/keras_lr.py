"""Keras 3's learning-rate schedules (keras.optimizers.schedules), evaluated as Keras does.

A Keras optimizer evaluates its schedule at ``iterations``, the number of steps
already taken, in the variable's float64; these are the same closed forms with
the same order of operations. Our parameters map onto Keras's as each
function's docstring says.
"""

from __future__ import annotations

import numpy as np

from .spec import Program, closed_form


def step(p, hp, cycled) -> Program:
    """ExponentialDecay(lr, decay_steps=step_size, decay_rate=gamma, staircase=True)."""
    lr0, s, gamma = hp["lr"], p["step_size"], p["gamma"]
    return closed_form(lambda k: {"lr": lr0 * np.power(gamma, np.floor(k / s))})


def exponential(p, hp, cycled) -> Program:
    """ExponentialDecay(lr, decay_steps=1, decay_rate=gamma)."""
    lr0, gamma = hp["lr"], p["gamma"]
    return closed_form(lambda k: {"lr": lr0 * np.power(gamma, k / 1.0)})


def cosine_decay(frac, alpha):
    """Keras's cosine factor: (1 - alpha) (1 + cos(pi frac)) / 2 + alpha."""
    return (1 - alpha) * (0.5 * (1.0 + np.cos(np.pi * frac))) + alpha


def cosine(p, hp, cycled) -> Program:
    """CosineDecay(lr, decay_steps=t_max, alpha=eta_min / lr): held at eta_min after t_max."""
    lr0, t_max = hp["lr"], p["t_max"]
    alpha = p["eta_min"] / lr0
    return closed_form(lambda k: {"lr": lr0 * cosine_decay(np.minimum(k, t_max) / t_max, alpha)})


def cosine_restarts(p, hp, cycled) -> Program:
    """CosineDecayRestarts(lr, first_decay_steps=t_0, t_mul=t_mult, m_mul=1, alpha=eta_min / lr).

    Keras finds the cycle with a logarithm when t_mul is not 1.
    """
    lr0, t0, mult = hp["lr"], p["t_0"], np.asarray(p["t_mult"], dtype=np.float64)
    alpha = p["eta_min"] / lr0

    def values(k):
        done = k / t0
        with np.errstate(divide="ignore", invalid="ignore"):
            i = np.floor(np.log(1.0 - done * (1.0 - mult)) / np.log(mult))
            geometric = (done - (1.0 - mult**i) / (1.0 - mult)) / mult**i
        frac = np.where(mult == 1.0, done - np.floor(done), geometric)
        return {"lr": lr0 * cosine_decay(frac, alpha)}

    return closed_form(values)


def polynomial_decay(lr_start, lr_end, total, power):
    """PolynomialDecay(lr_start, decay_steps=total, end_learning_rate=lr_end, power), as values(k)."""

    def values(k):
        frac = np.minimum(k, total) / total
        return {"lr": (lr_start - lr_end) * np.power(1 - frac, power) + lr_end}

    return values


def linear(p, hp, cycled) -> Program:
    """PolynomialDecay(lr start_factor, decay_steps=total_iters, end_learning_rate=lr end_factor, power=1)."""
    lr0 = hp["lr"]
    return closed_form(polynomial_decay(lr0 * p["start_factor"], lr0 * p["end_factor"], p["total_iters"], 1.0))


def polynomial(p, hp, cycled) -> Program:
    """PolynomialDecay(lr, decay_steps=total_iters, end_learning_rate=0, power=power)."""
    return closed_form(polynomial_decay(hp["lr"], 0.0, p["total_iters"], p["power"]))


def warmup_cosine(p, hp, cycled) -> Program:
    """CosineDecay(0, decay_steps=t_max, alpha=eta_min / lr, warmup_target=lr, warmup_steps=warmup_steps)."""
    lr0, w, t_max = hp["lr"], p["warmup_steps"], p["t_max"]
    alpha = p["eta_min"] / lr0

    def values(k):
        k = np.minimum(k, t_max + w)
        warm = (lr0 - 0.0) * (k / w) + 0.0
        return {"lr": np.where(k < w, warm, lr0 * cosine_decay((k - w) / t_max, alpha))}

    return closed_form(values)

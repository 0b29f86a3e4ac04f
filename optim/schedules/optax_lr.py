"""optax's schedules, evaluated as optax evaluates them inside an optimizer.

optax calls a schedule with its step count, an int32 array, and JAX divides an
int32 by an int in float32. So ``exponential_decay``, ``polynomial_schedule``
and ``linear_schedule`` return float32 rates even in a float64 program (the
optimizer then scales its float64 updates by them); ``warmup_cosine_decay_schedule``
joins a float32 warm-up to its cosine and so rounds the cosine to float32 too;
and the one-cycle schedules interpolate with a float32 fraction of the phase
(a float32 cosine for ``cosine_onecycle_schedule``). These programs repeat that
float32 arithmetic (:mod:`optim.schedules.float32`). ``cosine_decay_schedule``
and ``sgdr_schedule`` work in float64.
"""

from __future__ import annotations

import numpy as np

from .float32 import F32, cosf, powf
from .spec import Program, closed_form, cycle_position


def f32(x) -> np.ndarray:
    return np.asarray(x).astype(F32)


def exponential_decay(lr0, transition_steps, rate, staircase: bool):
    """optax.exponential_decay(lr, transition_steps, rate, staircase) at count k, in float32."""

    def values(k):
        p = f32(k) / f32(transition_steps)
        if staircase:
            p = np.floor(p)
        return {"lr": np.where(k <= 0, f32(lr0), f32(lr0) * powf(rate, p)).astype(np.float64)}

    return values


def polynomial_schedule(init, end, transition_steps, power=None):
    """optax.polynomial_schedule at count k, in float32; power None is linear_schedule's integer 1."""

    def values(k):
        frac = F32(1) - f32(np.clip(k, 0, transition_steps)) / f32(transition_steps)
        if power is not None:
            frac = powf(frac, power)
        return f32(init - end) * frac + f32(end)

    return values


def cosine_decay(lr0, count, decay_steps, alpha):
    """optax.cosine_decay_schedule(lr, decay_steps, alpha) at ``count``, in float64."""
    count = np.minimum(count, decay_steps)
    return lr0 * ((1 - alpha) * (0.5 * (1 + np.cos(np.pi * count / decay_steps))) + alpha)


def step(p, hp, cycled) -> Program:
    """exponential_decay(lr, transition_steps=step_size, decay_rate=gamma, staircase=True)."""
    return closed_form(exponential_decay(hp["lr"], p["step_size"], p["gamma"], True))


def exponential(p, hp, cycled) -> Program:
    """exponential_decay(lr, transition_steps=1, decay_rate=gamma)."""
    return closed_form(exponential_decay(hp["lr"], 1, p["gamma"], False))


def cosine(p, hp, cycled) -> Program:
    """cosine_decay_schedule(lr, decay_steps=t_max, alpha=eta_min / lr): held at eta_min after t_max."""
    lr0, t_max = hp["lr"], p["t_max"]
    alpha = p["eta_min"] / lr0
    return closed_form(lambda k: {"lr": cosine_decay(lr0, k, t_max, alpha)})


def cosine_restarts(p, hp, cycled) -> Program:
    """sgdr_schedule with cycles of t_0, t_0 t_mult, ... steps, each cosine_decay_schedule(lr, T_i, eta_min / lr).

    optax takes a finite list of cycles; the core has as many as the run needs.
    """
    lr0 = hp["lr"]
    alpha = p["eta_min"] / lr0

    def values(k):
        count, length = cycle_position(k, p["t_0"], p["t_mult"])
        return {"lr": cosine_decay(lr0, count, length, alpha)}

    return closed_form(values)


def linear(p, hp, cycled) -> Program:
    """linear_schedule(lr start_factor, lr end_factor, transition_steps=total_iters), in float32."""
    lr0 = hp["lr"]
    line = polynomial_schedule(lr0 * p["start_factor"], lr0 * p["end_factor"], p["total_iters"])
    return closed_form(lambda k: {"lr": line(k).astype(np.float64)})


def polynomial(p, hp, cycled) -> Program:
    """polynomial_schedule(lr, end_value=0, power=power, transition_steps=total_iters), in float32."""
    curve = polynomial_schedule(hp["lr"], 0.0, p["total_iters"], p["power"])
    return closed_form(lambda k: {"lr": curve(k).astype(np.float64)})


def warmup_cosine(p, hp, cycled) -> Program:
    """warmup_cosine_decay_schedule(0, lr, warmup_steps, warmup_steps + t_max, end_value=eta_min).

    The warm-up is a float32 linear_schedule from 0; the float64 cosine is rounded to float32 where they join.
    """
    lr0, w, t_max = hp["lr"], p["warmup_steps"], p["t_max"]
    alpha = p["eta_min"] / lr0
    warm = polynomial_schedule(0.0, lr0, w)

    def values(k):
        return {"lr": np.where(k < w, warm(k), f32(cosine_decay(lr0, k - w, t_max, alpha))).astype(np.float64)}

    return closed_form(values)


def one_cycle(p, hp, cycled) -> Program:
    """cosine_onecycle_schedule (anneal_strategy "cos", two phases) or linear_onecycle_schedule
    ("linear", three phases, pct_final = 2 pct_start): optax's piecewise interpolation, whose
    fraction of the phase is float32.
    """
    total, pct = p["total_steps"], p["pct_start"]
    div, final = p["div_factor"], p["final_div_factor"]
    cos = np.asarray(p["anneal_strategy"]) == "cos"
    first = p["max_lr"] / div
    up = np.floor(pct * total).astype(np.int64)
    back = np.floor(2 * pct * total).astype(np.int64)

    def interpolate(bounds, scales, curve, k):
        values = [first]
        for s in scales:
            values.append(values[-1] * s)
        out = (bounds[-1] <= k) * values[-1]
        for lo, hi, a, b in zip(bounds[:-1], bounds[1:], values[:-1], values[1:], strict=True):
            frac = f32(k - lo) / f32(np.maximum(hi - lo, 1))
            out = out + ((lo <= k) & (k < hi)) * curve(a, b, frac)
        return out

    def cosine_curve(a, b, frac):
        return b + (a - b) / 2.0 * (cosf(F32(np.pi) * frac) + F32(1)).astype(np.float64)

    def linear_curve(a, b, frac):
        return (b - a) * frac.astype(np.float64) + a

    def values(k):
        two = interpolate((0, up, total), (div, 1.0 / (div * final)), cosine_curve, k)
        three = interpolate((0, up, back, total), (div, 1.0 / div, 1.0 / final), linear_curve, k)
        return {"lr": np.where(cos, two, three)}

    return closed_form(values)

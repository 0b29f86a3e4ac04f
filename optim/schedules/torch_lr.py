"""torch.optim.lr_scheduler, stepped once after every optimizer step, with torch's own arithmetic.

torch updates most learning rates recursively from the previous one (StepLR,
ExponentialLR, LinearLR, PolynomialLR, CosineAnnealingLR); these programs
repeat the same operations in the same order, so the round-off is torch's.
The textbook flavor uses them too. Step k's rate is the one torch's
scheduler has set after k calls of ``scheduler.step()``.
"""

from __future__ import annotations

import numpy as np

from .spec import Program, closed_form, cycle_position, products, steps


def step(p, hp, cycled) -> Program:
    """StepLR: lr_k = lr_{k-1} * gamma when k is a positive multiple of step_size."""
    s, gamma = p["step_size"], p["gamma"]
    return products(hp["lr"], lambda k: np.where((k > 0) & (k % s == 0), gamma, 1.0))


def exponential(p, hp, cycled) -> Program:
    """ExponentialLR: lr_k = lr_{k-1} * gamma."""
    gamma = p["gamma"]
    return products(hp["lr"], lambda k: np.where(k > 0, gamma, 1.0))


def linear(p, hp, cycled) -> Program:
    """LinearLR: lr_0 = lr start_factor, then a ratio of consecutive factors up to total_iters."""
    a, b, total = p["start_factor"], p["end_factor"], p["total_iters"]

    def factor(k):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = 1.0 + (b - a) / (total * a + (k - 1) * (b - a))
        return np.where(k == 0, a, np.where(k > total, 1.0, ratio))

    return products(hp["lr"], factor)


def polynomial(p, hp, cycled) -> Program:
    """PolynomialLR: lr_k = lr_{k-1} ((1 - k/T) / (1 - (k-1)/T))^power until k = total_iters."""
    total, power = p["total_iters"], p["power"]

    def factor(k):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = ((1.0 - k / total) / (1.0 - (k - 1) / total)) ** power
        return np.where((k == 0) | (k > total), 1.0, ratio)

    return products(hp["lr"], factor)


def cosine_recursion(lr0, t_max, eta_min, first, at_first, before) -> Program:
    """CosineAnnealingLR's recursion from step ``first`` on, with ``before(k)`` earlier.

    At step ``first`` the rate is ``at_first``; after it, with j = k - first,
    lr_k = eta + (lr_{k-1} - eta) (1 + cos(pi j/T)) / (1 + cos(pi (j-1)/T)), or
    torch's special step where that denominator is zero.
    """
    width = np.broadcast(*map(np.atleast_1d, (lr0, t_max, eta_min, first))).shape
    top = (lr0 - eta_min) * (1 - np.cos(np.pi / t_max)) / 2

    def advance(carry, k0, n, loss=None):
        k = steps(k0, n)
        j = k - first
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (1 + np.cos(np.pi * j / t_max)) / (1 + np.cos(np.pi * (j - 1) / t_max))
            early = before(k)
        special = (j - 1 - t_max) % (2 * t_max) == 0
        j, ratio, special, early = (np.broadcast_to(a, (n,) + width) for a in (j, ratio, special, early))
        lr, out = carry, np.empty((n,) + width)
        with np.errstate(invalid="ignore"):  # the ratio is inf where torch takes its special step
            for i in range(n):
                later = np.where(special[i], lr + top, ratio[i] * (lr - eta_min) + eta_min)
                lr = out[i] = np.where(j[i] > 0, later, np.where(j[i] == 0, at_first, early[i]))
        return {"lr": out}, lr

    return Program(advance, np.zeros(width))


def cosine(p, hp, cycled) -> Program:
    """CosineAnnealingLR: lr_0 = lr, then the cosine recursion (periodic after t_max, as torch's is)."""
    return cosine_recursion(hp["lr"], p["t_max"], p["eta_min"], 0, hp["lr"], lambda k: 0.0)


def cosine_restarts(p, hp, cycled) -> Program:
    """CosineAnnealingWarmRestarts: the closed form at T_cur steps into a cycle of T_i steps."""
    t0, mult, eta = p["t_0"], p["t_mult"], p["eta_min"]
    lr0 = hp["lr"]

    def values(k):
        t_cur, t_i = cycle_position(k, t0, mult)
        return {"lr": eta + (lr0 - eta) * (1 + np.cos(np.pi * t_cur / t_i)) / 2}

    return closed_form(values)


def warmup_cosine(p, hp, cycled) -> Program:
    """SequentialLR([LambdaLR(k / warmup_steps), CosineAnnealingLR(t_max, eta_min)], [warmup_steps]).

    At the milestone torch sets the cosine's closed form at its step 0; the
    cosine's recursion follows.
    """
    lr0, w, t_max, eta = hp["lr"], p["warmup_steps"], p["t_max"], p["eta_min"]
    at_first = eta + (lr0 - eta) * (1 + np.cos(np.pi * 0 / t_max)) / 2
    return cosine_recursion(lr0, t_max, eta, w, at_first, lambda k: lr0 * (k / w))


def one_cycle(p, hp, cycled) -> Program:
    """OneCycleLR: phases of cosine or linear annealing; with cycle_momentum, momentum or beta1 too.

    Each step finds its phase (start and end step, the values at both ends), then
    anneals from one end to the other as torch does. Refuses a step past
    total_steps, as torch does.
    """
    total, pct, three = p["total_steps"], p["pct_start"], p["three_phase"]
    cos = np.asarray(p["anneal_strategy"]) == "cos"
    top = p["max_lr"]
    initial = top / p["div_factor"]
    low = initial / p["final_div_factor"]
    m_hi, m_lo = p["max_momentum"], p["base_momentum"]
    e1 = pct * total - 1.0
    e2 = 2 * pct * total - 2.0

    def values(k):
        first = k <= e1
        second = ~first & three & (k <= e2)
        start = np.where(first, 0.0, np.where(second | ~np.asarray(three), e1, e2))
        end = np.where(first, e1, np.where(second, e2, total - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = (k - start) / (end - start)
            cos_out = np.cos(np.pi * frac) + 1 if np.any(cos) else None

        def phase(v):
            return np.where(first, v[0], np.where(second, v[1], v[2]))

        def anneal(a, b):
            a, b = phase(a), phase(b)
            if cos_out is None:
                return (b - a) * frac + a
            curve = b + (a - b) / 2.0 * cos_out
            return curve if np.all(cos) else np.where(cos, curve, (b - a) * frac + a)

        out = {"lr": anneal((initial, top, np.where(three, initial, top)), (top, initial, low))}
        if cycled is not None:
            mom = anneal((m_hi, m_lo, np.where(three, m_hi, m_lo)), (m_lo, m_hi, m_hi))
            out[cycled] = np.where(p["cycle_momentum"], mom, hp[cycled])
        return out

    return closed_form(values, limit=int(np.min(total)))

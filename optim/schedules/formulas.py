"""Schedules as formulas: one line of LaTeX per schedule, from SymPy expressions the tests evaluate.

:func:`schedule_formula` writes a bound schedule's learning rate at step k
(and, under a one-cycle schedule, its momentum or beta1) as SymPy
expressions in its parameters, with the flavor's differences (torch's cosine
runs on past t_max, Keras's and optax's hold at eta_min; optax's one-cycle
phases end at whole steps). :meth:`ScheduleFormula.latex` renders them for a
page; :meth:`ScheduleFormula.value` evaluates them exactly, and the tests hold
every schedule's code to its formula, so the text and the numbers cannot
disagree. ``reduce_on_plateau`` depends on the losses and has no closed form;
its formula is a rule in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy
from sympy import Piecewise, cos, floor, log, pi

from .configure import Schedule

k = sympy.Symbol("k", integer=True, nonnegative=True)
SYMBOLS = {name: sympy.Symbol(name, positive=True) for name in (
    "lr", "gamma", "step_size", "t_max", "eta_min", "t_0", "t_mult", "start_factor", "end_factor", "total_iters",
    "power", "warmup_steps", "max_lr", "total_steps", "pct_start", "div_factor", "final_div_factor",
    "base_momentum", "max_momentum", "factor", "patience", "min_lr")}
TEX = {
    "lr": r"\eta", "gamma": r"\gamma", "step_size": "s", "t_max": r"T_{\max}", "eta_min": r"\eta_{\min}",
    "t_0": "T_0", "t_mult": r"T_{\mathrm{mult}}", "start_factor": r"f_{\mathrm{start}}",
    "end_factor": r"f_{\mathrm{end}}", "total_iters": "N", "power": "p", "warmup_steps": "W",
    "max_lr": r"\eta_{\max}", "total_steps": "N", "pct_start": r"\mathrm{pct}", "div_factor": "d",
    "final_div_factor": r"d_{\mathrm{final}}", "base_momentum": r"\mu_{\mathrm{base}}",
    "max_momentum": r"\mu_{\max}", "factor": r"\gamma", "patience": "P", "min_lr": r"\eta_{\min}",
}
AUX = {name: sympy.Symbol(name, real=True) for name in ("i", "k_i", "T_i", "e_1", "e_2", "eta_0", "eta_end", "b_1",
                                                          "b_2")}
AUX_TEX = {"i": "i", "k_i": "k_i", "T_i": "T_i", "e_1": "e_1", "e_2": "e_2", "eta_0": r"\eta_0",
           "eta_end": r"\eta_{\mathrm{end}}", "b_1": "b_1", "b_2": "b_2"}
CYCLED_TEX = {"momentum": r"\mu_k", "beta1": r"\beta_{1,k}"}
S = SYMBOLS


@dataclass(frozen=True)
class ScheduleFormula:
    """A schedule's closed form: ``lr`` (and ``cycled``, the momentum or beta1 it sets) at step ``k``.

    ``where`` defines helper symbols in order (each may use the ones before).
    ``rule`` replaces the formula where there is none (``reduce_on_plateau``).
    """

    schedule: Schedule
    lr: sympy.Expr | None
    cycled: sympy.Expr | None = None
    where: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    rule: str = ""

    def latex(self) -> str:
        r"""One line of LaTeX: ``\eta_k = ...``, then any definitions, then the momentum's line.

        Example:
            >>> import optim
            >>> opt = optim.make_optimizer("sgd", "torch", lr=0.1, schedule=optim.make_schedule("step", step_size=30))
            >>> optim.schedule_formula(opt.schedule).latex()
            '\\eta_k = \\eta \\gamma^{\\left\\lfloor{\\frac{k}{s}}\\right\\rfloor}'
        """
        if self.lr is None:
            return self.rule
        names = {**{s: TEX[n] for n, s in SYMBOLS.items()}, **{s: AUX_TEX[n] for n, s in AUX.items()}}

        def tex(e):
            return sympy.latex(e, symbol_names=names, order="none")

        parts = [rf"\eta_k = {tex(self.lr)}"]
        parts += [f"{tex(sym)} = {tex(e)}" for sym, e in self.where]
        if self.cycled is not None:
            parts.append(f"{CYCLED_TEX[self.schedule.cycles]} = {tex(self.cycled)}")
        return r",\quad ".join(parts)

    def value(self, step: int, hyperparameters: dict) -> dict[str, float]:
        """The formula at ``step`` for one configuration, evaluated exactly by SymPy, as floats."""
        if self.lr is None:
            raise ValueError(f"{self.schedule.name} depends on the losses; it has no closed form.")
        values = {**self.schedule.params, **hyperparameters}
        subs = {s: _exact(values[n]) for n, s in SYMBOLS.items() if n in values}
        subs[k] = sympy.Integer(step)
        for sym, e in self.where:
            subs[sym] = e.xreplace(subs)
        out = {"lr": float(self.lr.xreplace(subs).evalf(30))}
        if self.cycled is not None:
            out[self.schedule.cycles] = float(self.cycled.xreplace(subs).evalf(30))
        return out


def _exact(v):
    return sympy.Integer(int(v)) if float(v).is_integer() and abs(v) >= 1 else sympy.Float(float(v), 30)


def _cosine(a, b, frac):
    """From a to b along half a cosine, as frac goes from 0 to 1."""
    return b + (a - b) * (1 + cos(pi * frac)) / 2


def _line(a, b, frac):
    return a + (b - a) * frac


def schedule_formula(schedule: Schedule) -> ScheduleFormula:
    """The closed form of a schedule bound to a flavor (``optimizer.schedule``).

    Example:
        >>> import optim
        >>> opt = optim.make_optimizer("adam", "keras", lr=0.01,
        ...                            schedule=optim.make_schedule("cosine", t_max=100, eta_min=1e-4))
        >>> f = optim.schedule_formula(opt.schedule)
        >>> round(f.value(50, opt.hyperparameters)["lr"], 12)
        0.00505
    """
    if schedule.flavor is None:
        raise ValueError(f"schedule {schedule.name!r} is not bound to a flavor; pass it to optim.make_optimizer.")
    with sympy.evaluate(False):  # keep the terms in the order they are written
        return _BUILDERS[schedule.name](schedule, schedule.flavor in ("torch", "textbook"))


def _constant(sch, torch):
    return ScheduleFormula(sch, S["lr"])


def _step(sch, torch):
    return ScheduleFormula(sch, S["lr"] * S["gamma"] ** floor(k / S["step_size"]))


def _exponential(sch, torch):
    return ScheduleFormula(sch, S["lr"] * S["gamma"] ** k)


def _cosine_decay(sch, torch):
    t = k if torch else sympy.Min(k, S["t_max"])
    return ScheduleFormula(sch, _cosine(S["lr"], S["eta_min"], t / S["t_max"]))


def _cosine_restarts(sch, torch):
    i, k_i, t_i = AUX["i"], AUX["k_i"], AUX["T_i"]
    m, t0 = S["t_mult"], S["t_0"]
    if np.all(np.asarray(sch.params["t_mult"]) == 1):
        where = ((k_i, sympy.Mod(k, t0)), (t_i, t0))
    else:
        where = ((i, floor(log(1 + k * (m - 1) / t0) / log(m))), (k_i, k - t0 * (m**i - 1) / (m - 1)),
                 (t_i, t0 * m**i))
    return ScheduleFormula(sch, _cosine(S["lr"], S["eta_min"], k_i / t_i), where=where)


def _linear(sch, torch):
    a, b, n = S["start_factor"], S["end_factor"], S["total_iters"]
    return ScheduleFormula(sch, S["lr"] * _line(a, b, sympy.Min(k, n) / n))


def _polynomial(sch, torch):
    n = S["total_iters"]
    return ScheduleFormula(sch, S["lr"] * (1 - sympy.Min(k, n) / n) ** S["power"])


def _warmup_cosine(sch, torch):
    w = S["warmup_steps"]
    t = k - w if torch else sympy.Min(k - w, S["t_max"])
    cosine = _cosine(S["lr"], S["eta_min"], t / S["t_max"])
    return ScheduleFormula(sch, Piecewise((S["lr"] * k / w, k < w), (cosine, True)))


def _one_cycle(sch, torch):
    p = sch.params
    n, top, mu_hi, mu_lo = S["total_steps"], S["max_lr"], S["max_momentum"], S["base_momentum"]
    first, end = AUX["eta_0"], AUX["eta_end"]
    curve = _cosine if p["anneal_strategy"] == "cos" else _line
    three = bool(p["three_phase"])
    if torch:
        e1, e2 = AUX["e_1"], AUX["e_2"]
        where = [(e1, S["pct_start"] * n - 1)] + ([(e2, 2 * S["pct_start"] * n - 2)] if three else [])
        f1, last = k / e1, (e2 if three else e1)
        phases = [(f1, k <= e1)] + ([((k - e1) / (e2 - e1), k <= e2)] if three else [])
        phases.append(((k - last) / (n - 1 - last), True))
    else:
        b1, b2 = AUX["b_1"], AUX["b_2"]
        where = [(b1, floor(S["pct_start"] * n))] + ([(b2, floor(2 * S["pct_start"] * n))] if three else [])
        last = b2 if three else b1
        phases = [(k / b1, k < b1)] + ([((k - b1) / (b2 - b1), k < b2)] if three else [])
        phases.append((sympy.Min(k - last, n - last) / (n - last), True))
    where += [(first, top / S["div_factor"]), (end, first / S["final_div_factor"])]
    ends = [(first, top), (top, first), (first, end)] if three else [(first, top), (top, end)]
    lr = Piecewise(*((curve(a, b, f), cond) for (a, b), (f, cond) in zip(ends, phases, strict=True)))
    cycled = None
    if sch.cycles is not None and p["cycle_momentum"]:
        moms = [(mu_hi, mu_lo), (mu_lo, mu_hi), (mu_hi, mu_hi)] if three else [(mu_hi, mu_lo), (mu_lo, mu_hi)]
        cycled = Piecewise(*((curve(a, b, f), cond) for (a, b), (f, cond) in zip(moms, phases, strict=True)))
    return ScheduleFormula(sch, lr, cycled, tuple(where))


_PLATEAU = {
    "torch": r"more than } P \text{ steps", "textbook": r"more than } P \text{ steps",
    "keras": r"} P \text{ steps", "optax": r"} P \text{ steps (the start point's loss included)",
}


def _plateau(sch, torch):
    rule = (r"\eta_k = \begin{cases} \max(\gamma\,\eta_{k-1},\ \eta_{\min}) & \text{after "
            + _PLATEAU[sch.flavor] + r" without a new best loss} \\ \eta_{k-1} & \text{otherwise} \end{cases}")
    return ScheduleFormula(sch, None, rule=rule)


_BUILDERS = {
    "constant": _constant, "step": _step, "exponential": _exponential, "cosine": _cosine_decay,
    "cosine_restarts": _cosine_restarts, "linear": _linear, "polynomial": _polynomial,
    "warmup_cosine": _warmup_cosine, "one_cycle": _one_cycle, "reduce_on_plateau": _plateau,
}

"""Update rules as equations: the same text is rendered as LaTeX and checked against the code.

Each optimizer's spec (``OptimizerSpec.equations``) writes its update, per flavor, as a
short list of assignments in the formula language of :mod:`optim.formula` plus
``max(a, b)``, ``min(a, b)``, ``sign(a)``, ``sum(a)`` and ``mean(a)`` (the last two
over the coordinates), ``f32(a)`` and ``bf16(a)`` (rounded to float32 or bfloat16, where a
library does so) and ``norm32(a)`` (torch's float32 norm over the coordinates), chosen by the
configured hyperparameters. :func:`latex` renders them with time indices (``v_{t-1}`` on the right of ``v_t``);
:func:`evaluate` runs them with NumPy, and the tests hold every flavor's equations
to its update rule step for step, so the page's text and the core's code cannot
disagree. A line's cases may hold a condition per coordinate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from .compile import compile_expr
from .formula import parse_expression
from .optimizers import OPTIMIZERS, Optimizer
from .rules.muon import bf16, norm32

PARAMS = {
    "lr": r"\eta", "decay": r"\beta", "momentum": r"\mu", "dampening": r"\tau", "eps": r"\epsilon",
    "beta1": r"\beta_1", "beta2": r"\beta_2", "weight_decay": r"\lambda", "lr_decay": r"\delta",
    "momentum_decay": r"\psi", "t": "t",
}
STATE = {"x": "x", "v": "v", "m": "m", "a": r"\bar{g}", "b": "b", "u": "u", "vmax": r"v^{\max}", "P": r"\Pi"}
LOCAL = {
    "g": "g_t", "gw": r"\tilde{g}_t", "xd": r"\tilde{x}_{t-1}", "mhat": r"\hat{m}_t", "vhat": r"\hat{v}_t",
    "ahat": r"\hat{\bar{g}}_t", "d": r"\Delta_t", "r": "r_t", "rho": r"\rho_t", "rinf": r"\rho_\infty",
    "mu": r"\mu_t", "mun": r"\mu_{t+1}", "clr": r"\eta_t", "alpha": r"\alpha_t", "den": "D_t", "step": "s_t",
}
SUM = sympy.Function("sum")
MEAN = sympy.Function("mean")
F32 = sympy.Function("f32")
BF16 = sympy.Function("bf16")
NORM32 = sympy.Function("norm32")
FUNCTIONS = {"max": sympy.Max, "min": sympy.Min, "sign": sympy.sign, "sum": SUM, "mean": MEAN, "f32": F32,
             "bf16": BF16, "norm32": NORM32}
"""Functions the equations may use beyond the formula language's."""


@dataclass(frozen=True)
class Line:
    """``lhs = rhs``, or ``lhs = cases`` where each case is ``(rhs, condition)`` and the last has None."""

    lhs: str
    rhs: str | None = None
    cases: tuple = ()


@dataclass(frozen=True)
class Equations:
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def equations(opt: Optimizer) -> Equations:
    """The update equations of a configured (single-run) optimizer.

    Example:
        >>> import optim
        >>> eq = optim.equations(optim.make_optimizer("rmsprop", lr=0.1))
        >>> [(line.lhs, line.rhs) for line in eq.lines]
        [('v', 'decay*v + (1 - decay)*g^2'), ('x', 'x - lr*g/sqrt(v + eps)')]
    """
    hp = opt.hyperparameters
    if any(np.ndim(v) for v in hp.values()):
        raise ValueError("equations are written for one configuration; this optimizer holds a batch.")
    return spec_equations(OPTIMIZERS[opt.name], opt.flavor, hp)


def spec_equations(spec, flavor: str, hp: dict) -> Equations:
    """What ``spec``'s equation builder writes for ``flavor`` under hyperparameters ``hp``."""
    lines, notes = spec.equations(flavor, dict(hp))
    if "lr_y" in hp:
        notes = [*notes, f"lr is {hp['lr']:g} for x and {hp['lr_y']:g} for y: each coordinate has its own rate."]
    return Equations(tuple(Line(*ln) if isinstance(ln[1], str) else Line(ln[0], None, tuple(ln[1]))
                           for ln in lines), tuple(notes))


def latex(opt: Optimizer) -> list[str]:
    """One LaTeX string per equation, the gradient first, with time indices.

    Example:
        >>> import optim
        >>> optim.latex(optim.make_optimizer("gd", lr=0.1))
        ['g_t = \\\\nabla f(x_{t-1})', 'x_t = x_{t-1} - \\\\eta g_t']
    """
    return render(OPTIMIZERS[opt.name], equations(opt))


def render(spec, eq: Equations) -> list[str]:
    """``eq`` (written by ``spec``) as LaTeX lines, the gradient first; ``ValueError`` for a name it lacks."""
    symbols = _symbols(spec)
    updated: set[str] = set()
    kept = {*STATE, *spec.state_fields}
    out = [r"g_t = \nabla f(x_{t-1})"]
    for line in eq.lines:
        def render(text):
            with sympy.evaluate(False):  # keep the terms in the order they are written
                expr = parse_expression(text, symbols, FUNCTIONS)
            tex = {s: _tex(n, updated, kept, spec.tex) for n, s in symbols.items()}
            return sympy.latex(expr, symbol_names=tex, order="none")

        if line.rhs is not None:
            rhs = render(line.rhs)
        else:
            rows = []
            for text, cond in line.cases:
                when = r"\text{otherwise}" if cond is None else f"{render(cond[0])} {_OPS_TEX[cond[1]]} {cond[2]}"
                rows.append(f"{render(text)} & {when}")
            rhs = r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"
        if line.lhs in kept:
            updated.add(line.lhs)
        out.append(f"{_tex(line.lhs, updated, kept, spec.tex)} = {rhs}")
    return out


def evaluate(opt: Optimizer, x, g, state: dict, t: int) -> dict:
    """Run the equations once from ``state`` (equation variable -> value) at step ``t``; return every variable.

    ``state`` may also carry inputs that are not kept between steps (Newton's Hessian entries).
    """
    eq = equations(opt)
    symbols = _symbols(OPTIMIZERS[opt.name])
    env = {k: float(v) for k, v in opt.hyperparameters.items() if not isinstance(v, bool)}
    if "lr_y" in env:
        env["lr"] = opt.lr  # (lr, lr_y) down the coordinate axis
    env.update(state, x=np.asarray(x, dtype=float), g=np.asarray(g, dtype=float), t=float(t))

    def run(text):
        return compile_expr(parse_expression(text, symbols, FUNCTIONS), REDUCTIONS)(env)

    with np.errstate(all="ignore"):
        for line in eq.lines:
            if line.rhs is not None:
                env[line.lhs] = run(line.rhs)
                continue
            *cases, (last, _) = line.cases
            value = run(last)
            for text, cond in reversed(cases):  # the first case that holds wins, coordinate by coordinate
                value = np.where(_OPS[cond[1]](run(cond[0]), float(cond[2])), run(text), value)
            env[line.lhs] = value
    return env


REDUCTIONS = {
    "sum": lambda a: np.sum(a, axis=0, keepdims=True),
    "mean": lambda a: np.mean(a, axis=0, keepdims=True),
    "f32": lambda a: np.asarray(a, dtype=np.float32).astype(np.float64),
    "bf16": lambda a: bf16(a).astype(np.float64),
    "norm32": lambda a: norm32(a).astype(np.float64),
}
"""How :func:`evaluate` computes ``sum`` and ``mean`` (over the coordinates, axis 0), ``f32`` and ``bf16``."""


_OPS = {">": np.greater, ">=": np.greater_equal}
_OPS_TEX = {">": ">", ">=": r"\geq"}


def _symbols(spec) -> dict[str, sympy.Symbol]:
    return {n: sympy.Symbol(n, real=True) for n in (*PARAMS, *STATE, *LOCAL, *spec.tex)}


def _tex(name: str, updated: set[str], kept: set[str], own: dict[str, str]) -> str:
    base = own.get(name) or PARAMS.get(name) or STATE.get(name) or LOCAL.get(name)
    if base is None:
        raise ValueError(f"the equations use {name!r}, which has no LaTeX; give it one in the spec's tex.")
    if name in kept and name not in PARAMS:
        return base + ("_t" if name in updated else "_{t-1}")
    return base

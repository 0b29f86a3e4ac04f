"""Turn SymPy expressions into NumPy functions, by walking their trees.

SymPy's ``lambdify`` generates Python source and runs it with ``exec``; walking
the tree into closures needs neither, so nothing a person typed is ever
executed as code. Only the node types the formula parser and ``sympy.diff`` can
produce are supported; anything else raises ``ValueError``.

Several expressions compile together into one program over their distinct
subexpressions, each computed once per call. Derivatives repeat their function's
parts many times over (the gradient of ``sin(cos(sin(x*y)))`` contains
``cos(sin(x*y))`` in several places), so sharing turns a cost that grows with the
square of a formula's nesting into one that grows with its size. :func:`relative_cost`
prices programs in units of a built-in objective, for the run-step budget
(:func:`optim.sweep.check_budget`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

Env = dict[str, np.ndarray]
Fn = Callable[[Env], np.ndarray]
Op = Callable[[list, Env], np.ndarray]

_UNARY = {
    sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan,
    sympy.asin: np.arcsin, sympy.acos: np.arccos, sympy.atan: np.arctan,
    sympy.sinh: np.sinh, sympy.cosh: np.cosh, sympy.tanh: np.tanh,
    sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs, sympy.sign: np.sign,
}
_CHEAP = (sympy.Abs, sympy.sign)
# Relative price of one array operation: transcendental functions and general powers cost about
# ten additions or multiplications. A built-in objective's hand-written gradient is worth
# REFERENCE_WORK of these units (Rosenbrock's is about 20; Ackley's, the dearest, about 60).
_ARITHMETIC, _TRANSCENDENTAL = 1.0, 10.0
REFERENCE_WORK = 120.0


@dataclass(frozen=True)
class Program:
    """Straight-line code over the distinct subexpressions of some expressions."""

    ops: tuple[Op, ...]
    outputs: tuple[int, ...]
    work: float
    """Array operations per call, transcendental ones counted ten times."""

    def __call__(self, env: Env) -> list[np.ndarray]:
        slots: list[np.ndarray] = []
        for op in self.ops:
            slots.append(op(slots, env))
        return [slots[i] for i in self.outputs]


def compile_exprs(exprs: list[sympy.Expr], functions: dict[str, Callable] | None = None) -> Program:
    """One program evaluating every expression in ``exprs``, sharing their common parts.

    ``functions`` maps the names of undefined SymPy functions of one argument (``sympy.Function("sum")``)
    to the NumPy functions that evaluate them; a formula a person typed never has any.

    Example:
        >>> x, y = sympy.symbols("x y", real=True)
        >>> f = sympy.sin(x * y) ** 2
        >>> program = compile_exprs([sympy.diff(f, x), sympy.diff(f, y)])
        >>> [float(v) for v in program({"x": np.array(1.0), "y": np.array(0.0)})]
        [0.0, 0.0]
        >>> len(program.ops)  # x, y, x*y, sin, cos, 2, and the two partial derivatives' products
        8
    """
    builder = _Builder(functions or {})
    outputs = tuple(builder.index(e) for e in exprs)
    return Program(tuple(builder.ops), outputs, builder.work)


def relative_cost(*programs: Program) -> float:
    """What one call of every program costs next to a built-in objective's value and gradient (at least 1)."""
    return max(1.0, sum(p.work for p in programs) / REFERENCE_WORK)


def compile_expr(expr: sympy.Expr, functions: dict[str, Callable] | None = None) -> Fn:
    """A function of an environment (symbol name -> value) that evaluates ``expr``."""
    program = compile_exprs([expr], functions)
    return lambda env: program(env)[0]


def as_array(value, like: np.ndarray) -> np.ndarray:
    """``value`` as a float64 array shaped like ``like`` (constants broadcast)."""
    return np.asarray(value + np.zeros_like(like, dtype=np.float64))


class _Builder:
    """Assigns each distinct subexpression a slot, children before parents."""

    def __init__(self, functions: dict[str, Callable]):
        self.functions = functions
        self.ops: list[Op] = []
        self.work = 0.0
        self._slots: dict[sympy.Expr, int] = {}

    def index(self, expr: sympy.Expr) -> int:
        if expr not in self._slots:
            self.ops.append(self._op(expr))
            self._slots[expr] = len(self.ops) - 1
        return self._slots[expr]

    def _add(self, op: Op, work: float) -> Op:
        self.work += work
        return op

    def _op(self, expr: sympy.Expr) -> Op:
        if expr.is_Symbol:
            name = expr.name
            return lambda s, env: env[name]
        if expr.is_number:
            value = complex(expr.evalf())
            if value.imag:
                raise ValueError("the formula has a complex constant.")
            c = value.real
            return lambda s, env: c
        if expr.is_Add:
            ix = [self.index(a) for a in expr.args]
            return self._add(lambda s, env: sum(s[i] for i in ix), _ARITHMETIC * len(ix))
        if expr.is_Mul:
            ix = [self.index(a) for a in expr.args]
            return self._add(lambda s, env: _fold(np.multiply, s, ix), _ARITHMETIC * (len(ix) - 1))
        if expr.is_Pow:
            return self._power(*expr.args)
        if isinstance(expr, sympy.Max | sympy.Min):
            ix = [self.index(a) for a in expr.args]
            np_fn = np.maximum if isinstance(expr, sympy.Max) else np.minimum
            return self._add(lambda s, env: _fold(np_fn, s, ix), _ARITHMETIC * (len(ix) - 1))
        if isinstance(expr, sympy.DiracDelta):  # abs's second derivative: 0 everywhere but at its kink
            return lambda s, env: 0.0
        name = getattr(expr.func, "__name__", "")
        if isinstance(expr, sympy.core.function.AppliedUndef) and name in self.functions and len(expr.args) == 1:
            i = self.index(expr.args[0])
            return self._add(lambda s, env, f=self.functions[name], i=i: f(s[i]), _ARITHMETIC)
        for fn, np_fn in _UNARY.items():
            if isinstance(expr, fn):
                i = self.index(expr.args[0])
                work = _ARITHMETIC if isinstance(expr, _CHEAP) else _TRANSCENDENTAL
                return self._add(lambda s, env, f=np_fn, i=i: f(s[i]), work)
        raise ValueError(f"cannot evaluate {type(expr).__name__} numerically.")

    def _power(self, base: sympy.Expr, exponent: sympy.Expr) -> Op:
        b = self.index(base)
        if exponent == 2:
            return self._add(lambda s, env: np.square(s[b]), _ARITHMETIC)
        if exponent == -1:
            return self._add(lambda s, env: 1.0 / s[b], _ARITHMETIC)
        if exponent == sympy.Rational(1, 2):
            return self._add(lambda s, env: np.sqrt(s[b]), _ARITHMETIC)
        if exponent == sympy.Rational(-1, 2):
            return self._add(lambda s, env: 1.0 / np.sqrt(s[b]), 2 * _ARITHMETIC)
        e = self.index(exponent)
        return self._add(lambda s, env: np.power(s[b], s[e]), _TRANSCENDENTAL)


def _fold(np_fn, slots: list, ix: list[int]) -> np.ndarray:
    out = slots[ix[0]]
    for i in ix[1:]:
        out = np_fn(out, slots[i])
    return out

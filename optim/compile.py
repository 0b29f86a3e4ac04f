"""Turn a SymPy expression into a NumPy function, by walking its tree.

SymPy's ``lambdify`` generates Python source and runs it with ``exec``; walking
the tree into closures needs neither, so nothing a person typed is ever
executed as code. Only the node types the formula parser and ``sympy.diff`` can
produce are supported; anything else raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

Env = dict[str, np.ndarray]
Fn = Callable[[Env], np.ndarray]

_UNARY = {
    sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan,
    sympy.asin: np.arcsin, sympy.acos: np.arccos, sympy.atan: np.arctan,
    sympy.sinh: np.sinh, sympy.cosh: np.cosh, sympy.tanh: np.tanh,
    sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs, sympy.sign: np.sign,
}


def to_numpy(expr: sympy.Expr) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A vectorized ``f(x, y)`` for ``expr`` (a constant broadcasts to the shape of x).

    Example:
        >>> import sympy
        >>> x, y = sympy.symbols("x y", real=True)
        >>> f = to_numpy(3 * x**2 + sympy.sin(y))
        >>> float(f(np.array(1.0), np.array(0.0)))
        3.0
    """
    fn = compile_expr(expr)
    return lambda x, y: np.asarray(fn({"x": x, "y": y}) + np.zeros_like(x, dtype=np.float64))


def compile_expr(expr: sympy.Expr) -> Fn:
    """A function of an environment (symbol name -> value) that evaluates ``expr``."""
    if expr.is_Symbol:
        name = expr.name
        return lambda env: env[name]
    if expr.is_number:
        value = complex(expr.evalf())
        if value.imag:
            raise ValueError("the formula has a complex constant.")
        c = value.real
        return lambda env: c
    if expr.is_Add:
        parts = [compile_expr(a) for a in expr.args]
        return lambda env: sum(p(env) for p in parts)
    if expr.is_Mul:
        parts = [compile_expr(a) for a in expr.args]

        def product(env):
            out = parts[0](env)
            for p in parts[1:]:
                out = out * p(env)
            return out

        return product
    if expr.is_Pow:
        return _power(*expr.args)
    if isinstance(expr, sympy.Max | sympy.Min):
        parts = [compile_expr(a) for a in expr.args]
        np_fn = np.maximum if isinstance(expr, sympy.Max) else np.minimum

        def extreme(env):
            out = parts[0](env)
            for p in parts[1:]:
                out = np_fn(out, p(env))
            return out

        return extreme
    for fn, np_fn in _UNARY.items():
        if isinstance(expr, fn):
            inner = compile_expr(expr.args[0])
            return lambda env: np_fn(inner(env))
    raise ValueError(f"cannot evaluate {type(expr).__name__} numerically.")


def _power(base: sympy.Expr, exponent: sympy.Expr) -> Fn:
    b = compile_expr(base)
    if exponent == 2:
        return lambda env: np.square(b(env))
    if exponent == -1:
        return lambda env: 1.0 / b(env)
    if exponent == sympy.Rational(1, 2):
        return lambda env: np.sqrt(b(env))
    if exponent == sympy.Rational(-1, 2):
        return lambda env: 1.0 / np.sqrt(b(env))
    e = compile_expr(exponent)
    return lambda env: np.power(b(env), e(env))

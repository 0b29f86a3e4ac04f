"""Turn a SymPy expression in x and y into a NumPy function, by walking its tree.

SymPy's ``lambdify`` generates Python source and runs it with ``exec``; walking
the tree into closures needs neither, so nothing a person typed is ever
executed as code. Only the node types the formula parser and ``sympy.diff`` can
produce are supported; anything else raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

Fn = Callable[[np.ndarray, np.ndarray], np.ndarray]

_UNARY = {
    sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan,
    sympy.asin: np.arcsin, sympy.acos: np.arccos, sympy.atan: np.arctan,
    sympy.sinh: np.sinh, sympy.cosh: np.cosh, sympy.tanh: np.tanh,
    sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs, sympy.sign: np.sign,
}


def to_numpy(expr: sympy.Expr) -> Fn:
    """A vectorized ``f(x, y)`` for ``expr`` (a constant broadcasts to the shape of x).

    Example:
        >>> import sympy
        >>> x, y = sympy.symbols("x y", real=True)
        >>> f = to_numpy(3 * x**2 + sympy.sin(y))
        >>> float(f(np.array(1.0), np.array(0.0)))
        3.0
    """
    fn = _compile(expr)
    return lambda x, y: np.asarray(fn(x, y) + np.zeros_like(x, dtype=np.float64))


def _compile(expr: sympy.Expr) -> Fn:
    if expr.is_Symbol:
        if expr.name == "x":
            return lambda x, y: x
        if expr.name == "y":
            return lambda x, y: y
        raise ValueError(f"unknown symbol {expr.name!r}.")
    if expr.is_number:
        value = complex(expr.evalf())
        if value.imag:
            raise ValueError("the formula has a complex constant.")
        c = value.real
        return lambda x, y: c
    if expr.is_Add:
        parts = [_compile(a) for a in expr.args]
        return lambda x, y: sum(p(x, y) for p in parts)
    if expr.is_Mul:
        parts = [_compile(a) for a in expr.args]

        def product(x, y):
            out = parts[0](x, y)
            for p in parts[1:]:
                out = out * p(x, y)
            return out

        return product
    if expr.is_Pow:
        return _power(*expr.args)
    for fn, np_fn in _UNARY.items():
        if isinstance(expr, fn):
            inner = _compile(expr.args[0])
            return lambda x, y: np_fn(inner(x, y))
    raise ValueError(f"cannot evaluate {type(expr).__name__} numerically.")


def _power(base: sympy.Expr, exponent: sympy.Expr) -> Fn:
    b = _compile(base)
    if exponent.is_Integer and abs(int(exponent)) <= 4:
        n = int(exponent)
        if n == 2:
            return lambda x, y: np.square(b(x, y))
        if n == -1:
            return lambda x, y: 1.0 / b(x, y)
        return lambda x, y: np.power(b(x, y), float(n))
    if exponent == sympy.Rational(1, 2):
        return lambda x, y: np.sqrt(b(x, y))
    if exponent == sympy.Rational(-1, 2):
        return lambda x, y: 1.0 / np.sqrt(b(x, y))
    e = _compile(exponent)
    return lambda x, y: np.power(b(x, y), e(x, y))

"""Objectives from a formula a person types, parsed safely, with an exact gradient.

The text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``. It is
parsed by Python's ``ast`` and every node is checked against an allowlist:
numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * /``, ``**`` or ``^`` for powers,
unary signs, parentheses and a few functions of one argument. The SymPy
expression is built from that tree by this module; SymPy differentiates it,
and :mod:`optim.compile` turns both into NumPy closures (no generated code).
Length, node count, nesting depth, constant exponents and the size of constant
values are bounded before any arithmetic is done, so a hostile formula is
refused quickly with one sentence saying what and where.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import replace

import numpy as np
import sympy

from .compile import as_array, compile_exprs, relative_cost
from .objective import Domain, Objective, with_domain

MAX_LENGTH = 300
MAX_NODES = 150
MAX_DEPTH = 20
MAX_EXPONENT = 64
MAX_CONSTANT = 1e12

X, Y = sympy.symbols("x y", real=True)
NAMES = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}
FUNCTIONS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "exp": sympy.exp, "log": sympy.log, "log10": lambda a: sympy.log(a, 10),
    "sqrt": sympy.sqrt, "abs": sympy.Abs,
}
ALLOWED = (
    "numbers, x, y, pi, e, + - * / ^ (or **), parentheses and the functions "
    + ", ".join(FUNCTIONS)
)
_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t+-*/^().,")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
DEFAULT_DOMAIN: Domain = ((-5.0, 5.0), (-5.0, 5.0))


def parse_objective(text: str, domain: Domain | None = None) -> Objective:
    """An :class:`Objective` for the formula ``text`` in ``x`` and ``y``, with its exact gradient.

    Raises ``ValueError`` with one sentence for anything refused, and when the
    function or its gradient is not finite somewhere on ``domain`` (default
    [-5, 5] x [-5, 5]).

    Example:
        >>> import optim
        >>> obj = optim.parse_objective("x^2 + 10*y^2")
        >>> obj.grad([1.0, 1.0]).tolist()
        [2.0, 20.0]
        >>> obj.latex
        'x^{2} + 10 y^{2}'
        >>> optim.parse_objective("x + z")
        Traceback (most recent call last):
        ...
        ValueError: unknown name 'z' at column 5; allowed: x, y, pi, e.
        >>> optim.parse_objective("9**9**9")
        Traceback (most recent call last):
        ...
        ValueError: the exponent 387420489 at column 4 is too large; constant exponents must be within +-64.
    """
    expr = parse_expression(text)
    value = compile_exprs([expr])
    dx, dy = sympy.diff(expr, X), sympy.diff(expr, Y)
    gradient = compile_exprs([dx, dy])
    second: list = []  # the Hessian is differentiated and compiled the first time Newton asks for it

    def hessian(x, y):
        if not second:
            second.append(compile_exprs([sympy.diff(dx, X), sympy.diff(dx, Y), sympy.diff(dy, Y)]))
        return tuple(as_array(h, x) for h in second[0]({"x": x, "y": y}))

    obj = Objective(
        name="custom",
        title=text.strip(),
        latex=sympy.latex(expr),
        value=lambda x, y: as_array(value({"x": x, "y": y})[0], x),
        gradient=lambda x, y: tuple(as_array(g, x) for g in gradient({"x": x, "y": y})),
        hessian=hessian,
        domain=DEFAULT_DOMAIN,
        start=(0.0, 0.0),
        params={"formula": text.strip()},
        cost=relative_cost(value, gradient),
    )
    if domain is not None:
        obj = with_domain(obj, domain)
    (x0, x1), (y0, y1) = obj.domain
    obj = replace(obj, start=(x0 + 0.2 * (x1 - x0), y1 - 0.2 * (y1 - y0)))
    _check_finite(obj)
    return obj


def parse_expression(text: str, names: dict[str, sympy.Expr] | None = None, binary: dict | None = None) -> sympy.Expr:
    """The SymPy expression for ``text``, built node by node from its checked syntax tree.

    ``names`` replaces the allowed names (default: x, y, pi, e); ``binary`` allows
    extra functions, called with the arguments given (the update-rule equations use ``max``,
    ``sign``, ``sum``, ...).
    """
    if not isinstance(text, str):
        raise ValueError("the formula must be text.")
    if not text.strip():
        raise ValueError(f"the formula is empty; write a function of x and y using {ALLOWED}.")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the formula is {len(text):,} characters long; the limit is {MAX_LENGTH}.")
    for i, ch in enumerate(text):
        if not ch.isascii():
            raise ValueError(
                f"character {ch!r} at column {i + 1} is not allowed; use plain ASCII letters, digits and operators."
            )
        if ch not in _CHARACTERS:
            raise ValueError(
                f"character {ch!r} at column {i + 1} is not allowed; allowed: letters, digits, spaces, "
                "the operators + - * / ^ and parentheses."
            )
    depth = _paren_depth(text)
    if depth > MAX_DEPTH:
        raise ValueError(f"the formula nests parentheses {depth} deep; the limit is {MAX_DEPTH}.")
    source, columns = _caret_to_power(text)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        col = columns[min(max((err.offset or 1) - 1, 0), len(columns) - 1)]
        raise ValueError(syntax_message(text, col, err.msg)) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ValueError(f"the formula has {nodes} parts; the limit is {MAX_NODES}.")
    return _Builder(columns, NAMES if names is None else names, binary).build(tree.body, 0)[0]


_OPERATORS = "+-*/^"


def syntax_message(text: str, col: int, python_says: str) -> str:
    """What is wrong with a formula Python cannot read, in words a person uses, pointing at the place.

    Example:
        >>> syntax_message("x^^2", 3, "invalid syntax")
        "the formula has two operators in a row at column 2 ('^^'); keep one of them."
        >>> syntax_message("x + ", 1, "invalid syntax")
        "the formula ends with '+' at column 3: it needs something after it, for example x + 1."
        >>> syntax_message("3 sin(x)", 1, "invalid syntax")
        "the formula puts '3' and 'sin' side by side at column 1; write the multiplication out: 3*sin."
        >>> syntax_message("sin(x", 4, "'(' was never closed")
        "the formula opens a parenthesis at column 4 that is never closed; add ')'."
    """
    stripped = text.rstrip()
    tail = re.search(r"[-+*/^]+$", stripped)
    if tail:
        op = tail.group()
        return (f"the formula ends with '{op}' at column {tail.start() + 1}: it needs something after it, for "
                f"example x {op} 1.")
    pair = re.search(r"[-+*/^]{2,}", text)
    if pair and pair.group() not in ("**", "*-", "/-", "^-", "**-", "+-", "--"):
        return (f"the formula has two operators in a row at column {pair.start() + 1} ('{pair.group()}'); keep one "
                "of them.")
    tokens = list(re.finditer(r"\d+(?:\.\d*)?(?:e[-+]?\d+)?|[A-Za-z_]\w*|[()]|\S", text))
    for a, b in zip(tokens, tokens[1:], strict=False):
        left, right = a.group(), b.group()
        value = left[0].isalnum() or left[0] == "_" or left == ")"
        starts = right[0].isalnum() or right[0] == "_" or right == "("
        call = right == "(" and left[0].isalpha() and a.end() == b.start()
        if value and starts and not call:
            return (f"the formula puts '{left}' and '{right}' side by side at column {a.start() + 1}; write the "
                    f"multiplication out: {left}*{right}.")
    if "never closed" in python_says:
        return f"the formula opens a parenthesis at column {col} that is never closed; add ')'."
    if "unmatched" in python_says:
        return f"the formula closes a parenthesis at column {col} that was never opened."
    return (f"the formula cannot be read at column {col} (near '{text[max(col - 3, 0):col + 2].strip()}'); write a "
            f"function of x and y using {ALLOWED}.")


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    return deepest


def _caret_to_power(text: str) -> tuple[str, list[int]]:
    """Replace ``^`` by ``**``, keeping each character's 1-based column in the original text."""
    out, columns = [], []
    for i, ch in enumerate(text):
        if ch == "^":
            out.append("**")
            columns += [i + 1, i + 1]
        else:
            out.append(ch)
            columns.append(i + 1)
    columns.append(len(text) + 1)
    return "".join(out), columns


class _Builder:
    """Builds SymPy from checked AST nodes, tracking each subtree's value when it is a constant."""

    def __init__(self, columns: list[int], names: dict[str, sympy.Expr], binary: dict | None = None):
        self.columns = columns
        self.names = names
        self.binary = binary or {}

    def col(self, node: ast.AST) -> int:
        return self.columns[min(getattr(node, "col_offset", 0), len(self.columns) - 1)]

    def refuse(self, node: ast.AST, what: str) -> ValueError:
        return ValueError(f"{what} at column {self.col(node)} is not allowed; allowed: {ALLOWED}.")

    def build(self, node: ast.AST, depth: int) -> tuple[sympy.Expr, float | None]:
        if depth > MAX_DEPTH * 2:
            raise ValueError(f"the formula nests {depth} operations deep; the limit is {MAX_DEPTH * 2}.")
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            if node.id not in self.names:
                hint = "; it is a function, call it like sin(x)" if node.id in FUNCTIONS else ""
                raise ValueError(
                    f"unknown name {node.id!r} at column {self.col(node)}; allowed: {', '.join(self.names)}{hint}."
                )
            sym = self.names[node.id]
            return sym, (float(sym) if sym.is_number else None)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            expr, const = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return -expr, (-const if const is not None else None)
            return expr, const
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return self.binop(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.refuse(node, _describe(node))

    def number(self, node: ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.refuse(node, f"the value {v!r}")
        if not math.isfinite(v) or abs(v) > MAX_CONSTANT:
            raise ValueError(
                f"the number at column {self.col(node)} is too large; numbers must be within +-{MAX_CONSTANT:g}."
            )
        return (sympy.Integer(v) if isinstance(v, int) else sympy.Float(v)), float(v)

    def binop(self, node: ast.BinOp, depth: int):
        left, lc = self.build(node.left, depth + 1)
        right, rc = self.build(node.right, depth + 1)
        if isinstance(node.op, ast.Pow) and rc is not None and abs(rc) > MAX_EXPONENT:
            shown = int(rc) if float(rc).is_integer() else rc
            raise ValueError(
                f"the exponent {shown} at column {self.col(node.right)} is too large; "
                f"constant exponents must be within +-{MAX_EXPONENT}."
            )
        if isinstance(node.op, ast.Div) and rc == 0:
            raise ValueError(f"division by zero at column {self.col(node.right)}.")
        const = None
        if lc is not None and rc is not None:
            const = _fold(node.op, lc, rc)
            if const is None:
                raise ValueError(
                    f"the constant at column {self.col(node)} is undefined "
                    "(a negative number to a fractional power, or too large to compute)."
                )
            if abs(const) > MAX_CONSTANT**2:
                raise ValueError(
                    f"the constant at column {self.col(node)} is too large; "
                    f"constants must stay within +-{MAX_CONSTANT**2:g}."
                )
        expr = {
            ast.Add: lambda: left + right, ast.Sub: lambda: left - right, ast.Mult: lambda: left * right,
            ast.Div: lambda: left / right, ast.Pow: lambda: left ** right,
        }[type(node.op)]()
        return expr, const

    def call(self, node: ast.Call, depth: int):
        if isinstance(node.func, ast.Name) and node.func.id in self.binary and not node.keywords:
            args = [self.build(a, depth + 1)[0] for a in node.args]
            return self.binary[node.func.id](*args), None
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else None
            what = f"the function {name!r}" if name else "calling " + _describe(node.func)
            raise self.refuse(node, what)
        if node.keywords or len(node.args) != 1:
            raise ValueError(
                f"{node.func.id} at column {self.col(node)} takes exactly one argument, like {node.func.id}(x)."
            )
        arg, ac = self.build(node.args[0], depth + 1)
        expr = FUNCTIONS[node.func.id](arg)
        const = None
        if ac is not None:
            try:
                const = float(expr.evalf())
            except (TypeError, ValueError):
                const = math.nan
            if not math.isfinite(const) or abs(const) > MAX_CONSTANT**2:
                raise ValueError(
                    f"{node.func.id} at column {self.col(node)} is undefined or too large for that constant."
                )
        return expr, const


def _fold(op: ast.operator, a: float, b: float) -> float | None:
    """A constant subexpression's float value, or None when it is undefined or overflows."""
    try:
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, ast.Div):
            return a / b
        r = a**b
        return r if isinstance(r, float | int) else None  # a negative base to a fraction is complex
    except (ZeroDivisionError, OverflowError):
        return None


def _describe(node: ast.AST) -> str:
    kind = type(node).__name__
    words = {
        "Attribute": "an attribute (a dot)", "Lambda": "a lambda", "Subscript": "indexing with []",
        "Compare": "a comparison", "BoolOp": "and/or", "ListComp": "a list comprehension",
        "GeneratorExp": "a generator", "List": "a list", "Tuple": "a tuple or a comma",
        "Dict": "a dictionary", "Set": "a set", "IfExp": "if/else", "NamedExpr": "the := operator",
        "Starred": "a star", "JoinedStr": "an f-string", "Await": "await", "Yield": "yield",
        "SetComp": "a set comprehension", "DictComp": "a dictionary comprehension", "Slice": "a slice",
    }
    if kind == "BinOp":
        return "the operator " + {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitOr: "|",
                                  ast.BitAnd: "&", ast.LShift: "<<", ast.RShift: ">>"}.get(
            type(node.op), type(node.op).__name__)
    if kind == "UnaryOp":
        return "the operator " + {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?")
    return words.get(kind, kind)


def _check_finite(obj: Objective, n: int = 41) -> None:
    (x0, x1), (y0, y1) = obj.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        f = np.broadcast_to(obj.value(X, Y), X.shape)
        gx, gy = obj.gradient(X, Y)
        bad = ~(np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        what = "the function" if not np.isfinite(f[i, j]) else "its gradient"
        raise ValueError(
            f"{what} is not finite at (x, y) = ({X[i, j]:.3g}, {Y[i, j]:.3g}), inside the domain "
            f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]; choose a domain where it is defined."
        )

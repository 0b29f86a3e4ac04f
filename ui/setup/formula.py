"""A person's own formula as an objective: building it (cached), its domain, examples and gradient.

Plain Python (no Streamlit) so the URL decoder and the tests can use it. The text goes only
through :func:`optim.parse_objective` and :func:`optim.formula.parse_expression`, which read it
with ``ast`` against an allowlist; nothing here evaluates it. Building costs milliseconds of
SymPy work, and every rerun asks again, so results are kept in small bounded caches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import sympy

import optim
from optim import formula as core

CUSTOM = "custom"
"""The objective name of a formula typed by the person (``objective=custom`` in a link)."""

CUSTOM_TITLE = "Your own formula…"

Box = tuple[float, float, float, float]
"""A domain as (x min, x max, y min, y max): the part of the plane drawn and checked."""

DEFAULT_DOMAIN: Box = (-5.0, 5.0, -5.0, 5.0)
DOMAIN_BOUND = 100.0
"""Domain bounds must lie within +-this (the start point's own range)."""

MAX_GRADIENT_LATEX = 1500
"""Longer gradient LaTeX is not drawn (it would not fit the sidebar and would not be read)."""


@dataclass(frozen=True)
class Example:
    """A formula to start from, with a domain that shows its interesting part."""

    formula: str
    domain: Box
    note: str


EXAMPLES = (
    Example("x^2 + 10*y^2", (-2.0, 2.0, -2.0, 2.0), "seed 000's bowl, ten times steeper along y"),
    Example("(1 - x)^2 + 100*(y - x^2)^2", (-2.0, 2.0, -1.0, 3.0), "Rosenbrock's curved valley"),
    Example("sin(x)*cos(y) + 0.1*(x^2 + y^2)", (-5.0, 5.0, -5.0, 5.0), "an egg crate in a bowl: many local minima"),
)

FORMULA_HELP = (
    f"A function of x and y. Allowed: {core.ALLOWED}. Write powers as x^2 (or x**2) and products "
    "with *, as in 3*x*y. Press Enter to apply."
)


def check_domain(domain) -> Box:
    """``domain`` as four floats, or ValueError with one sentence.

    Example:
        >>> check_domain((-1, 1, 0, 2))
        (-1.0, 1.0, 0.0, 2.0)
        >>> check_domain((1, -1, 0, 2))
        Traceback (most recent call last):
        ...
        ValueError: the domain needs x min below x max (got 1 and -1).
    """
    try:
        x0, x1, y0, y1 = (float(v) for v in domain)
    except (TypeError, ValueError):
        raise ValueError("the domain needs four numbers: x min, x max, y min, y max.") from None
    if not all(math.isfinite(v) and abs(v) <= DOMAIN_BOUND for v in (x0, x1, y0, y1)):
        raise ValueError(f"every domain bound must be a number within +-{DOMAIN_BOUND:g}.")
    for axis, lo, hi in (("x", x0, x1), ("y", y0, y1)):
        if not lo < hi:
            raise ValueError(f"the domain needs {axis} min below {axis} max (got {lo:g} and {hi:g}).")
    return (x0, x1, y0, y1)


def parse_domain(text: str) -> Box:
    """A domain from its link form ``xmin,xmax,ymin,ymax``; ValueError with one sentence otherwise.

    Example:
        >>> parse_domain("-2,2,-1,3")
        (-2.0, 2.0, -1.0, 3.0)
    """
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError("the domain needs four numbers separated by commas: x min, x max, y min, y max.")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError("the domain needs four numbers separated by commas: x min, x max, y min, y max.") from None
    return check_domain(values)


def domain_start(domain: Box) -> tuple[float, float]:
    """Where runs on a new formula start: 20% in from the left, 20% down from the top (as the core does).

    Example:
        >>> domain_start((-5.0, 5.0, -5.0, 5.0))
        (-3.0, 3.0)
    """
    x0, x1, y0, y1 = domain
    return (round(x0 + 0.2 * (x1 - x0), 10), round(y1 - 0.2 * (y1 - y0), 10))


@lru_cache(maxsize=32)
def custom_objective(text: str, domain: Box = DEFAULT_DOMAIN) -> optim.Objective:
    """The objective for formula ``text`` on ``domain``; ValueError with one sentence if refused.

    Objectives are immutable, so one cached object serves every session.

    Example:
        >>> obj = custom_objective("x^2 + 10*y^2", (-2.0, 2.0, -2.0, 2.0))
        >>> obj.name, obj.domain, obj.grad([1.0, 1.0]).tolist()
        ('custom', ((-2.0, 2.0), (-2.0, 2.0)), [2.0, 20.0])
    """
    x0, x1, y0, y1 = check_domain(domain)
    return optim.parse_objective(text, ((x0, x1), (y0, y1)))


@lru_cache(maxsize=32)
def gradient_latex(text: str) -> str | None:
    """The gradient of formula ``text`` as LaTeX (two aligned lines), or None when it is too long to show.

    Raises ValueError (one sentence) for a formula the parser refuses.

    Example:
        >>> latex = gradient_latex("x^2 + 10*y^2")
        >>> "&= 2 x" in latex, "&= 20 y" in latex
        (True, True)
    """
    expr = core.parse_expression(text)
    gx, gy = (sympy.latex(sympy.diff(expr, v)) for v in (core.X, core.Y))
    body = (r"\begin{aligned}\frac{\partial f}{\partial x} &= " + gx
            + r" \\[6pt] \frac{\partial f}{\partial y} &= " + gy + r"\end{aligned}")
    return body if len(body) <= MAX_GRADIENT_LATEX else None


_MARKDOWN = set("\\`*_[]{}<>#|~$")


def plain(text: str) -> str:
    """``text`` with Markdown's active characters escaped, for messages that quote what a person typed.

    Example:
        >>> plain("unknown name '__x__' at column 1")
        "unknown name '\\\\_\\\\_x\\\\_\\\\_' at column 1"
    """
    return "".join("\\" + c if c in _MARKDOWN else c for c in text if c.isprintable())

"""A person's own formula as an objective: building it (cached), its domain, examples and gradient.

Plain Python (no Streamlit) so the URL decoder and the tests can use it. The text goes only
through :func:`optim.parse_objective` and :func:`optim.formula.parse_expression`, which read it
with ``ast`` against an allowlist; nothing here evaluates it. Building costs milliseconds of
SymPy work, and every rerun asks again, so results are kept in small bounded caches.
"""

from __future__ import annotations

import math
import re
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
    rows = []
    for v in (core.X, core.Y):
        first, *more = formula_lines(sympy.latex(sympy.diff(expr, v)), GRADIENT_LINE)  # the sidebar is narrow
        rows.append(rf"\frac{{\partial f}}{{\partial {v}}} &= {first}" + "".join(rf" \\ &{m}" for m in more))
    body = r"\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"
    return body if len(body) <= MAX_GRADIENT_LATEX else None


FORMULA_LINE = 30
"""Most characters a line of a displayed formula shows (:func:`formula_lines`, counting what is drawn, not the
LaTeX commands): a displayed formula draws about 14 px a character, and the header's formula has 468 px at 800 px."""
GRADIENT_LINE = 20
"""The same for the gradient under the formula box, in the sidebar's 240 px (in small type, about 11 px a
character)."""


def shown_length(latex: str) -> int:
    r"""About how many characters ``latex`` draws: commands count one, braces, scripts' carets and spaces none.

    Example:
        >>> shown_length(r"\left(y - 1\right)^{2}")
        6
    """
    drawn = re.sub(r"\\(left|right)\b", "", latex)
    drawn = re.sub(r"\\[a-zA-Z]+", "c", drawn)
    return len(re.sub(r"[{}^_ ]", "", drawn))


def formula_lines(latex: str, width: int = FORMULA_LINE) -> list[str]:
    r"""``latex`` in lines of about ``width`` drawn characters (:func:`shown_length`), each break before a ``+``
    or ``-`` that stands between terms (outside braces, brackets, parentheses and ``\left``/``\right`` pairs); a
    term longer than a line keeps a line of its own. One line for a short formula, or one holding an environment
    of its own. The built-in functions' longest formulas (Beale, Ackley, the six-hump camel) take two lines.

    Example:
        >>> formula_lines(r"x^{2} + \left(y - 1\right)^{2} - \sin{\left(x \right)}", width=12)
        ['x^{2} + \\left(y - 1\\right)^{2}', '- \\sin{\\left(x \\right)}']
        >>> formula_lines("f = (a + b)^2 + (c - d)^2", width=8)
        ['f = (a + b)^2', '+ (c - d)^2']
    """
    if shown_length(latex) <= width or r"\begin{" in latex:
        return [latex]
    terms, depth, start = [], 0, 0
    for i, c in enumerate(latex):
        if c in "{([" or latex.startswith(r"\left", i):
            depth += 1
        elif c in "})]" or latex.startswith(r"\right", i):
            depth -= 1
        elif depth == 0 and i > start and latex.startswith((" + ", " - "), i):
            terms.append(latex[start:i])
            start = i + 1  # the sign goes with the next term
    terms.append(latex[start:])
    lines = [terms[0]]
    for term in terms[1:]:
        if shown_length(lines[-1]) + shown_length(term) > width:
            lines.append(term)
        else:
            lines[-1] += " " + term
    return lines


def broken_formula(latex: str, width: int = FORMULA_LINE) -> str:
    r"""``latex`` for display: on one line when it fits, else an ``aligned`` block of :func:`formula_lines`.

    A person's own function can be long; drawn on one line it ran far past the page at 800 and 1280 px (KaTeX
    scrolls it sideways, and most of it is out of sight).

    Example:
        >>> broken_formula("x^{2} + y^{2}")
        'x^{2} + y^{2}'
        >>> print(broken_formula(r"x^{2} + \left(y - 1\right)^{2} - \sin{\left(x \right)}", width=12))
        \begin{aligned}&x^{2} + \left(y - 1\right)^{2} \\ &- \sin{\left(x \right)}\end{aligned}
    """
    lines = formula_lines(latex, width)
    if len(lines) == 1:
        return latex
    return r"\begin{aligned}" + r" \\ ".join("&" + line for line in lines) + r"\end{aligned}"


_MARKDOWN = set("\\`*_[]{}<>#|~$")


def plain(text: str) -> str:
    """``text`` with Markdown's active characters escaped, for messages that quote what a person typed.

    Example:
        >>> plain("unknown name '__x__' at column 1")
        "unknown name '\\\\_\\\\_x\\\\_\\\\_' at column 1"
    """
    return "".join("\\" + c if c in _MARKDOWN else c for c in text if c.isprintable())

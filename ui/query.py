"""Reading a link's query parameters: one value at a time, one sentence per value that cannot be used.

:class:`QueryReader` pulls values out of a query dict (``{name: [values]}``), parses each as its
``optim.Param`` says (:func:`parse_value`), remembers which names it read (so the rest can be named as
unknown) and collects one message per unusable value; :func:`fmt` writes a value the way a link holds
it. Every page's URL code (``ui.urlstate`` and the per-page state modules) builds on these.
``read_query_params`` is the one function touching Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from optim import Param

QueryDict = Mapping[str, list[str]]
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


def read_query_params() -> dict[str, list[str]]:
    """The current ``st.query_params`` as ``{name: [values]}`` (repeated names keep every value)."""
    import streamlit as st

    return {k: list(st.query_params.get_all(k)) for k in st.query_params}


def fmt(value) -> str:
    """A value as it appears in a URL: shortest round-trip repr for floats, 'true'/'false' for flags.

    Example:
        >>> fmt(0.1), fmt(1e-08), fmt(10.0), fmt(True), fmt(500), fmt("cos")
        ('0.1', '1e-08', '10', 'true', '500', 'cos')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class QueryReader:
    """Pulls values out of a query dict, remembering which names it used and what went wrong."""

    def __init__(self, query: QueryDict):
        self.query = {k: list(v) if not isinstance(v, str) else [v] for k, v in query.items()}
        self.used: set[str] = set()
        self.messages: list[str] = []

    def has(self, name: str) -> bool:
        return name in self.query

    def raw(self, name: str) -> str | None:
        """The last value given for ``name`` (a later duplicate wins), or None."""
        if name not in self.query:
            return None
        self.used.add(name)
        values = self.query[name]
        return values[-1].strip() if values else ""

    def all(self, name: str) -> list[str]:
        self.used.add(name)
        return [v.strip() for v in self.query.get(name, [])]

    def bad(self, text: str) -> None:
        self.messages.append(text)

    def value(self, name: str, param: Param, default, *, integer: bool = False, default_text: str = ""):
        """Parse ``name`` as ``param`` says; on trouble add one message and return ``default``."""
        text = self.raw(name)
        if text is None:
            return default
        try:
            parsed = parse_value(text, param, integer=integer)
        except ValueError as e:
            self.bad(f"`{name}={shorten(text)}`: {e} Using {default_text or fmt(default)} instead.")
            return default
        return parsed

    def unused(self) -> list[str]:
        return [k for k in self.query if k not in self.used]


def shorten(text: str, limit: int = 40) -> str:
    """User text, shortened and stripped of Markdown-active characters, for a message."""
    text = "".join(c for c in text if c.isprintable())
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_value(text: str, param: Param, *, integer: bool = False):
    """``text`` as a value ``param`` accepts; raises ValueError with one sentence otherwise.

    Example:
        >>> from optim import Param
        >>> lr = Param("lr", 0.01, 1e-6, 10.0, "log")
        >>> parse_value("0.5", lr)
        0.5
        >>> parse_value("0", lr)
        Traceback (most recent call last):
        ...
        ValueError: 0 is out of range; allowed: a number from 1e-06 to 10.
    """
    if param.is_bool:
        low = text.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise ValueError("not true or false.")
    if param.scale == "choice":
        if text in param.choices:
            return text
        raise ValueError(f"not allowed; allowed: {param.describe_range()}.")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number; allowed: {param.describe_range()}.") from None
    if not math.isfinite(number):
        raise ValueError(f"not a finite number; allowed: {param.describe_range()}.")
    integer = integer or param.scale == "int"
    if integer:
        if number != int(number):
            raise ValueError(f"not a whole number; allowed: a whole number from {param.low:g} "
                             f"to {param.high:g}.")
        number = int(number)
    if not param.low <= number <= param.high:
        kind = "a whole number" if integer else "a number"
        raise ValueError(f"{fmt(number)} is out of range; allowed: {kind} from {param.low:g} "
                         f"to {param.high:g}.")
    return number

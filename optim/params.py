"""Parameter specifications shared by optimizers and objectives.

A :class:`Param` says what a hyperparameter (or an objective parameter) means,
its default, the closed range the core accepts and how a slider should move
through it. The app builds its widgets from these, so the UI can never offer a
value the core would reject, and :func:`validate` gives every caller the same
error sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SCALES = ("log", "linear", "bool", "int", "choice")


@dataclass(frozen=True)
class Param:
    """One named parameter: default, inclusive range ``[low, high]``, scale and help.

    Scales: ``log`` and ``linear`` numbers, ``int`` whole numbers, ``bool`` flags,
    and ``choice`` for one of the few words listed in ``choices``.

    Example:
        >>> p = Param("lr", 0.01, 1e-6, 10.0, "log", "Learning rate.")
        >>> p.describe_range()
        'a number from 1e-06 to 10'
        >>> Param("mode", "rel", scale="choice", choices=("rel", "abs")).describe_range()
        "one of 'rel', 'abs'"
    """

    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    scale: str = "linear"
    help: str = ""
    choices: tuple[str, ...] = ()

    def __post_init__(self):
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {self.scale!r}")
        if (self.scale == "choice") != bool(self.choices):
            raise ValueError("choices are given exactly when the scale is 'choice'")

    @property
    def is_bool(self) -> bool:
        return self.scale == "bool"

    def describe_range(self) -> str:
        """The allowed values in words, for error messages and widget help."""
        if self.is_bool:
            return "true or false"
        if self.scale == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "a whole number" if self.scale == "int" else "a number"
        return f"{kind} from {self.low:g} to {self.high:g}"


def validate(param: Param, value: Any, owner: str) -> Any:
    """Check ``value`` (a scalar or a 1-D array for a batch) against ``param``.

    Returns the value as a Python scalar or a float64/bool array (int64 for whole numbers,
    ``scale="int"``). Raises ``ValueError`` naming the parameter, its owner and what is allowed.

    Example:
        >>> validate(Param("lr", 0.01, 1e-6, 10.0, "log"), 0.1, "rmsprop")
        0.1
        >>> validate(Param("lr", 0.01, 1e-6, 10.0, "log"), 0, "rmsprop")
        Traceback (most recent call last):
        ...
        ValueError: rmsprop: lr = 0 is out of range; allowed: a number from 1e-06 to 10.
        >>> validate(Param("points", 8, 2, 64, "int"), 2.5, "tiny_network")
        Traceback (most recent call last):
        ...
        ValueError: tiny_network: points = 2.5 is not a whole number; allowed: a whole number from 2 to 64.
    """
    arr = np.asarray(value)
    if arr.ndim > 1:
        raise ValueError(
            f"{owner}: {param.name} must be a scalar or a 1-D array (one value per run), "
            f"got shape {arr.shape}."
        )
    if param.is_bool:
        if arr.dtype != bool and not (
            np.issubdtype(arr.dtype, np.integer) and np.isin(arr, (0, 1)).all()
        ):
            raise ValueError(f"{owner}: {param.name} = {value!r} is not allowed; allowed: true or false.")
        arr = arr.astype(bool)
        return bool(arr) if arr.ndim == 0 else arr
    if param.scale == "choice":
        if not (arr.dtype.kind == "U" and np.isin(arr, param.choices).all()):
            raise ValueError(f"{owner}: {param.name} = {value!r} is not allowed; allowed: {param.describe_range()}.")
        return str(arr) if arr.ndim == 0 else arr
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise ValueError(
            f"{owner}: {param.name} = {value!r} is not a number; allowed: {param.describe_range()}."
        )
    arr = arr.astype(np.float64)
    bad = ~((arr >= param.low) & (arr <= param.high))  # NaN counts as bad
    if bad.any():
        shown = arr[bad].flat[0] if arr.ndim else arr.item()
        raise ValueError(
            f"{owner}: {param.name} = {shown:g} is out of range; allowed: {param.describe_range()}."
        )
    if param.scale == "int":
        if (arr != np.round(arr)).any():
            shown = arr[arr != np.round(arr)].flat[0] if arr.ndim else arr.item()
            raise ValueError(
                f"{owner}: {param.name} = {shown:g} is not a whole number; allowed: {param.describe_range()}."
            )
        return int(arr) if arr.ndim == 0 else arr.astype(np.int64)
    return float(arr) if arr.ndim == 0 else arr


def resolve(specs: dict[str, Param], given: dict[str, Any], owner: str) -> dict[str, Any]:
    """Validate ``given`` against ``specs`` and fill in defaults.

    Unknown names raise ``ValueError`` listing the allowed names.
    """
    unknown = sorted(set(given) - set(specs))
    if unknown:
        allowed = ", ".join(specs) or "none"
        raise ValueError(f"{owner}: unknown parameter {unknown[0]!r}; allowed: {allowed}.")
    return {name: validate(p, given.get(name, p.default), owner) for name, p in specs.items()}


def spread(param: Param, u) -> np.ndarray:
    """Values of ``param`` for fractions ``u`` in [0, 1], spaced as searches and sweeps want them.

    A decay-like value in [0, 1) so that 1 - value is log-spaced from 1 down to 1e-3 (dense near 1,
    where they matter); a log-scale one log-spaced over its range; any other evenly over its range
    (whole numbers rounded).

    Example:
        >>> from optim import HYPERPARAMETERS
        >>> spread(HYPERPARAMETERS["momentum"], [0.0, 1.0]).tolist()
        [0.0, 0.999]
        >>> spread(HYPERPARAMETERS["history_size"], [0.0, 1.0]).tolist()
        [1.0, 100.0]
    """
    u = np.asarray(u, dtype=np.float64)
    if param.scale == "linear" and param.low >= 0 and param.high < 1:
        return 1 - np.exp(np.log(1e-3) * u)
    if param.scale == "log":
        return np.exp(np.log(param.low) + u * (np.log(param.high) - np.log(param.low)))
    values = param.low + u * (param.high - param.low)
    return np.round(values) if param.scale == "int" else values

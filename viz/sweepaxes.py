"""The axes of a sweep map: how its cells are spaced, where a value sits, and what the ticks say.

A sweep map's columns are learning rates and its rows a second hyperparameter. Each axis is evenly
spaced in a *drawn* coordinate, so the cells are equal squares on screen:

- ``"log"`` axes (learning rates, ``lr`` and ``lr_y``): evenly spaced in log(value).
- ``"one_minus"`` axes (momentum, decay, β₁ ...): evenly spaced in log(1 - value), which crowds the
  values towards 1, where these settings matter (0, 0.9, 0.99 and 0.999 are equally far apart).

Everything is computed relative to the axis' first value (``lo``), so it stays exact however narrow
the axis gets: the Sweep page zooms into maps a millionth of a decade wide, where the plain
logarithms of two neighbouring cells agree to 15 digits. The map is drawn with the cells at whole
positions 0, 1, ..., n - 1 (a position is a fractional cell index); :func:`position` and
:func:`value_at` convert between positions and values, :func:`ticks` labels a few nice values.
"""

from __future__ import annotations

import math

import numpy as np

LOG = "log"
ONE_MINUS = "one_minus"
LOG_AXES = frozenset({"lr", "lr_y"})
"""Hyperparameters whose sweep axis is log-spaced; every other swept one is spaced by 1 - value."""

SECOND_TICKS = (0.0, 0.9, 0.99, 0.999, 0.9999, 0.99999)
"""Ticks of a wide 1 - value axis; :data:`HALF_TICKS` fill in short ranges."""
HALF_TICKS = (0.5, 0.8, 0.95, 0.98, 0.995, 0.998, 0.9995, 0.9998)


def axis_kind(name: str | None) -> str:
    """How the sweep axis of hyperparameter ``name`` is spaced.

    Example:
        >>> axis_kind("lr_y"), axis_kind("momentum")
        ('log', 'one_minus')
    """
    return LOG if name in LOG_AXES else ONE_MINUS


def _scale(lo: float, hi: float, kind: str) -> tuple[float, float]:
    """``(a, L)`` with value(t) = lo + a * expm1(t * L) for t from 0 to 1 (the drawn coordinate is linear in t)."""
    a = lo if kind == LOG else lo - 1.0
    return a, math.log1p((hi - lo) / a)


def spaced(lo: float, hi: float, n: int, kind: str) -> np.ndarray:
    """``n`` values from ``lo`` to ``hi`` (both exact), evenly spaced in the drawn coordinate.

    Example:
        >>> spaced(0.01, 10.0, 4, "log").round(12).tolist()
        [0.01, 0.1, 1.0, 10.0]
        >>> spaced(0.0, 0.999, 4, "one_minus").round(12).tolist()
        [0.0, 0.9, 0.99, 0.999]
    """
    if n == 1 or lo == hi:
        return np.full(max(n, 1), float(lo))
    a, scale = _scale(lo, hi, kind)
    values = lo + a * np.expm1(np.linspace(0.0, 1.0, n) * scale)
    values[0], values[-1] = lo, hi
    return values


def position(values: np.ndarray, v, kind: str):
    """Where ``v`` sits on an axis whose cells hold ``values`` (cell k at position k; fractional between).

    Example:
        >>> float(position(spaced(0.01, 10.0, 4, "log"), 0.3162277660168379, "log"))
        1.5
    """
    n = len(values)
    lo, hi = float(values[0]), float(values[-1])
    if n == 1 or lo == hi:
        return np.zeros_like(np.asarray(v, dtype=float))
    a, scale = _scale(lo, hi, kind)
    return np.log1p((np.asarray(v, dtype=float) - lo) / a) / scale * (n - 1)


def value_at(values: np.ndarray, p: float, kind: str) -> float:
    """The value at position ``p`` of an axis whose cells hold ``values`` (the inverse of :func:`position`).

    Example:
        >>> round(value_at(spaced(0.01, 10.0, 4, "log"), 1.5, "log"), 12)
        0.316227766017
    """
    n = len(values)
    lo, hi = float(values[0]), float(values[-1])
    if n == 1 or lo == hi or p == 0:
        return lo
    if p == n - 1:
        return hi
    a, scale = _scale(lo, hi, kind)
    return float(lo + a * math.expm1(p / (n - 1) * scale))


def span(lo: float, hi: float, kind: str) -> float:
    """How wide the axis is in its drawn coordinate: decades of the value, or of 1 - value.

    Example:
        >>> span(1e-4, 1.0, "log"), round(span(0.0, 0.99, "one_minus"), 12)
        (4.0, 2.0)
    """
    return abs(_scale(lo, hi, kind)[1]) / math.log(10.0) if hi != lo else 0.0


def ticks(values: np.ndarray, kind: str, most: int = 6) -> tuple[list[float], list[str]]:
    """Tick positions and labels for an axis holding ``values``: decades (or 0.9, 0.99 ...) on a wide
    axis, evenly stepped round numbers on a narrow one, each label as short as its neighbours allow.

    Example:
        >>> ticks(spaced(1e-4, 1.0, 60, "log"), "log")[1]
        ['1e-4', '0.001', '0.01', '0.1', '1']
        >>> ticks(spaced(0.5, 0.5000001, 512, "log"), "log")[1]
        ['0.50000000', '0.50000002', '0.50000004', '0.50000006', '0.50000008', '0.50000010']
    """
    lo, hi = float(values[0]), float(values[-1])
    if len(values) == 1 or lo == hi:
        return [0.0], [tick_text(lo)]
    if span(lo, hi, kind) >= 1.0 - 1e-9:
        chosen = _wide_ticks(lo, hi, kind, most)
        labels = [tick_text(v) for v in chosen]
    else:
        chosen, labels = _round_ticks(lo, hi, most)
    return [float(p) for p in position(values, np.array(chosen), kind)], labels


def _wide_ticks(lo: float, hi: float, kind: str, most: int) -> list[float]:
    if kind == LOG:
        k0, k1 = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
        decades = [10.0**k for k in range(k0, k1 + 1)]
        if len(decades) < 3:
            decades = sorted(decades + [m * 10.0**k for k in range(k0 - 1, k1 + 1) for m in (2.0, 5.0)
                                        if lo <= m * 10.0**k <= hi])
        step = max(1, math.ceil(len(decades) / most))
        return decades[::step]
    chosen = [t for t in SECOND_TICKS if lo <= t <= hi]
    if len(chosen) < 4:
        chosen = sorted(chosen + [t for t in HALF_TICKS if lo <= t <= hi])
    return chosen


def _round_ticks(lo: float, hi: float, most: int) -> tuple[list[float], list[str]]:
    """Multiples of a round step (1, 2 or 5 times a power of ten) inside [lo, hi], labelled to that step."""
    raw = (hi - lo) / max(most - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first, last = math.ceil(lo / step - 1e-6), math.floor(hi / step + 1e-6)
    chosen = [(first + i) * step for i in range(last - first + 1)]  # at least two: the step is under 2 / 5 of the width
    largest = max(abs(lo), abs(hi))
    if 1e-3 <= largest < 1e5:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        return chosen, [f"{v:.{decimals}f}" for v in chosen]
    places = math.floor(math.log10(step) + 1e-9)
    return chosen, [_short_exponent(f"{v:.{max(0, math.floor(math.log10(abs(v))) - places) if v else 0}e}")
                    for v in chosen]


def _short_exponent(text: str) -> str:
    mant, exp = text.split("e")
    return f"{mant}e{int(exp)}"


def tick_text(v: float) -> str:
    """A tick label: ``0.001``, ``0.95``, ``100``, ``1e-6``, ``1e+05`` -> ``1e5``.

    Example:
        >>> [tick_text(v) for v in (1e-4, 0.001, 0.95, 100.0, 1e5, 1e-12)]
        ['1e-4', '0.001', '0.95', '100', '1e5', '1e-12']
    """
    v = float(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.6g}"
    mant, exp = f"{v:.2e}".split("e")
    return _short_exponent(f"{mant.rstrip('0').rstrip('.')}e{exp}")


def cell_labels(values: np.ndarray, name: str) -> list[str]:
    """One label per cell, ``"lr = 0.0123"``, with the fewest significant digits (at least 4) that tell
    every cell apart: the map's hover shows them, and they must differ, since the map is drawn on
    category axes whose categories are these labels.

    Example:
        >>> cell_labels(spaced(1.0, 1.0 + 1e-9, 3, "log"), "lr")
        ['lr = 1', 'lr = 1.0000000005', 'lr = 1.000000001']
    """
    values = [float(v) for v in values]
    for digits in range(4, 18):  # 17 significant digits tell any two different float64 values apart
        labels = [f"{name} = {v:.{digits}g}" for v in values]
        if len(set(labels)) == len(labels):
            break
    return labels

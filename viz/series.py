"""The :class:`Series` a page hands to every figure builder, and the path arithmetic they share.

A series is one optimizer configuration's single run plus the label and colour it wears in every
chart. The helpers here answer the questions each chart asks of a path in the same way: which points
are finite (runs are NaN-masked after divergence), which step a step control points at, and which
points to draw when a run is very long.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .row_grid import wrap_sentence

if TYPE_CHECKING:  # pragma: no cover
    import optim

MAX_DRAWN_POINTS = 4000
"""Longest path drawn point by point; longer runs are thinned with an even stride (ends kept)."""

MAX_MARKED_POINTS = 300
"""Paths up to this many drawn points get a small marker on every step; longer ones are lines."""


@dataclass(frozen=True)
class Series:
    """One optimizer configuration's single-run path, with the label and colour it wears everywhere.

    Attributes:
        label: legend text, for example ``"RMSprop · lr=0.1, decay=0.9"``.
        color: ``"#rrggbb"``, usually from :func:`viz.palette`.
        traj: an :class:`optim.Trajectory` of a single run: ``xs`` (S+1, 2), ``losses`` (S+1,).

    Example:
        >>> import optim, viz
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), "quadratic", x0=[1.5, 1.5], steps=10)
        >>> viz.Series("GD · lr=0.1", viz.palette(1)[0], t).traj.xs.shape
        (11, 2)
    """

    label: str
    color: str
    traj: optim.Trajectory

    def __post_init__(self):
        xs = getattr(self.traj, "xs", None)
        losses = getattr(self.traj, "losses", None)
        if xs is None or losses is None:
            raise ValueError(f"Series {self.label!r} needs a trajectory recorded with record='path'.")
        if np.ndim(xs) != 2 or np.shape(xs)[1] != 2 or np.shape(losses) != (np.shape(xs)[0],):
            raise ValueError(
                f"Series {self.label!r} needs a single run: xs of shape (S+1, 2) and losses (S+1,), "
                f"got {np.shape(xs)} and {np.shape(losses)}; pick one run out of a batch first."
            )


def last_finite(traj) -> int:
    """Index of the last step whose point and loss are both finite (the run's last drawable point).

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.2), "quadratic", x0=[1.0, 1.0], steps=20)
        >>> t.diverged_at, last_finite(t)
        (17, 16)
    """
    ok = np.isfinite(traj.xs).all(axis=1) & np.isfinite(traj.losses)
    if not ok.any():
        return -1
    return int(len(ok) - 1 - np.argmax(ok[::-1]))


def step_index(traj, step: int) -> int:
    """The step a step control at ``step`` shows: clamped to [0, last finite step]."""
    return int(min(max(int(step), 0), max(last_finite(traj), 0)))


def diverged(traj) -> bool:
    return int(np.asarray(traj.diverged_at)) >= 0


def drawn_indices(n: int, max_points: int = MAX_DRAWN_POINTS) -> np.ndarray:
    """Indices of the first ``n`` points to draw: all of them, or an even stride keeping both ends."""
    if n <= max_points:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return idx


def f32(a) -> np.ndarray:
    """``a`` as float32 for compact figures, clipped into float32's range (NaN stays NaN).

    Used for everything drawn in bulk (grids, path points, hover data): half the bytes of float64,
    and seven significant digits are more than a screen shows. Single markers (start, end, step)
    keep float64, so they sit exactly on the run's points.
    """
    big = float(np.finfo(np.float32).max)
    return np.clip(np.asarray(a, dtype=float), -big, big).astype(np.float32)


def esc(text: str) -> str:
    """Escape a label for Plotly's HTML-like hover text (keeps ``<`` in labels from breaking it)."""
    return html.escape(str(text), quote=False)


LEGEND_CHARS = 60
"""Most characters on a legend entry's line: a loss chart at 800 px fits about 66 beside its swatch."""


def legend_name(text: str) -> str:
    """``text`` as a legend entry: lines of at most :data:`LEGEND_CHARS` characters, broken at spaces.

    plotly.js draws an entry on one line however long it is: on Compare, a configuration's label names every
    setting that tells it from another of the same optimizer, and at 800 px such a label ran past the loss
    chart's edge.

    Example:
        >>> legend_name("1. SGD with momentum (textbook) lr=0.01, momentum=0.8, dampening=0, nesterov=on")
        '1. SGD with momentum (textbook) lr=0.01, momentum=0.8,<br>dampening=0, nesterov=on'
        >>> legend_name("2. Adam (keras)")
        '2. Adam (keras)'
    """
    return "<br>".join(wrap_sentence(str(text), LEGEND_CHARS))


def fmt(v: float) -> str:
    """Short human number for ticks and hover: ``0.001``, ``12.5``, ``10000``, ``3.2e6``.

    Example:
        >>> [fmt(v) for v in (0, 0.001, 3.01, 10000, 1e5, 3.2e6, 1.5e-5, 2e-4, 9.99e-4)]
        ['0', '0.001', '3.01', '10000', '1e5', '3.2e6', '1.5e-5', '2e-4', '1e-3']
    """
    v = float(v)
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    a = abs(v)
    if 1e-3 <= a < 1e5:
        return f"{v:.5g}"
    mant, exp = f"{v:.1e}".split("e")
    return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"

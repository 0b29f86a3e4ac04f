"""The :class:`Objective` type: a 2-D function with its analytic gradient.

An objective carries everything a page needs to draw it and a run needs to
descend it: the function and its exact gradient (both vectorized over a
trailing axis of size 2), a plot domain, a default start, its known minima and
a LaTeX formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Minimum:
    """A known local minimum: location, value, and whether it is global."""

    x: float
    y: float
    value: float
    is_global: bool = True


@dataclass(frozen=True, eq=False)
class Objective:
    """A 2-D objective with an analytic gradient.

    ``value(x, y)`` and ``gradient(x, y)`` take coordinate arrays of any
    matching shape; :meth:`f` and :meth:`grad` take points with a trailing axis
    of size 2, as the rest of the project passes them.

    Example:
        >>> import optim
        >>> bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
        >>> float(bowl.f([1.0, 1.0]))
        11.0
        >>> bowl.grad([[1.0, 1.0], [0.0, -1.0]]).tolist()
        [[2.0, 20.0], [0.0, -20.0]]
    """

    name: str
    title: str
    latex: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    domain: Domain
    start: tuple[float, float]
    minima: tuple[Minimum, ...] = ()
    params: dict = field(default_factory=dict)
    param_specs: dict = field(default_factory=dict)
    log_contours: bool = False
    step_gradient: Callable[[int, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    """The gradient an optimizer sees at step k when it differs from ``gradient`` (mini-batches)."""
    cost: float = 1.0
    """Work of one value-and-gradient call next to a built-in objective's; the run-step budget scales with it."""
    value_and_gradient: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    """Optional, for speed: ``(value, gradient)`` in one call sharing their work, the gradient stacked
    coordinate-first, shape ``(2, ...)``; equal to ``value`` and ``gradient`` bit for bit."""
    hessian: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
    """The exact second derivatives ``(f_xx, f_xy, f_yy)`` at coordinate arrays, for Newton's method."""

    def hessian_at(self, P) -> np.ndarray:
        """The Hessian at coordinate-first points ``P`` of shape ``(2, B)``, as ``(2, 2, B)``.

        Example:
            >>> import optim
            >>> optim.get_objective("rosenbrock").hessian_at([[1.0], [1.0]])[:, :, 0].tolist()
            [[802.0, -400.0], [-400.0, 200.0]]
        """
        if self.hessian is None:
            raise ValueError(f"{self.name} has no Hessian.")
        P = np.asarray(P, dtype=np.float64)
        xx, xy, yy = np.broadcast_arrays(*self.hessian(P[0], P[1]), P[0])[:3]
        return np.stack((np.stack((xx, xy)), np.stack((xy, yy))))

    def f(self, p) -> np.ndarray:
        """Function value at points ``p`` of shape ``(..., 2)``."""
        p = np.asarray(p, dtype=np.float64)
        return self.value(p[..., 0], p[..., 1])

    def grad(self, p) -> np.ndarray:
        """Analytic gradient at points ``p`` of shape ``(..., 2)``; same shape out."""
        p = np.asarray(p, dtype=np.float64)
        gx, gy = self.gradient(p[..., 0], p[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    @property
    def f_min(self) -> float | None:
        """The lowest known minimum value, or None if the function has no minimum."""
        return min((m.value for m in self.minima), default=None)

    @property
    def global_minima(self) -> tuple[Minimum, ...]:
        return tuple(m for m in self.minima if m.is_global)

    def nearest_minimum(self, p) -> tuple[np.ndarray, np.ndarray]:
        """Index of, and distance to, the nearest known minimum for points ``(..., 2)``.

        NaN points get index 0 and distance NaN.

        Example:
            >>> import optim
            >>> idx, dist = optim.get_objective("himmelblau").nearest_minimum([3.0, 2.5])
            >>> int(idx), float(dist)
            (0, 0.5)
        """
        if not self.minima:
            raise ValueError(f"{self.name} has no known minima.")
        p = np.asarray(p, dtype=np.float64)
        best = np.full(p.shape[:-1], np.inf)
        idx = np.zeros(p.shape[:-1], dtype=np.int64)
        for i, m in enumerate(self.minima):  # one pass per minimum keeps memory at O(points)
            d2 = (p[..., 0] - m.x) ** 2 + (p[..., 1] - m.y) ** 2
            closer = d2 < best
            best = np.where(closer, d2, best)
            idx = np.where(closer, i, idx)
        return idx, np.where(np.isinf(best), np.nan, np.sqrt(best))


def with_domain(obj: Objective, domain) -> Objective:
    """``obj`` drawn over ``domain`` = ((xmin, xmax), (ymin, ymax)); ``ValueError`` unless finite and increasing.

    Example:
        >>> import optim
        >>> with_domain(optim.get_objective("booth"), ((0, 4), (1, 5))).domain
        ((0.0, 4.0), (1.0, 5.0))
    """
    try:
        (x0, x1), (y0, y1) = domain
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(
            "domain must be ((xmin, xmax), (ymin, ymax)) with four numbers."
        ) from None
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ValueError("domain must have finite bounds with xmin < xmax and ymin < ymax.")
    return replace(obj, domain=((x0, x1), (y0, y1)))

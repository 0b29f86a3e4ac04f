"""Basin maps: which minimum an optimizer reaches from every start point of a grid.

A run "reaches" minimum i when it has not diverged and its final point lies
within ``radius`` of that minimum (default: 1% of the domain's diagonal, small
enough to tell Rastrigin's unit-spaced minima apart). Every other finished run is
"not converged". Steps to converge use the gradient-norm criterion of
:func:`optim.run`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .objective import Domain, Objective
from .objectives import get_objective
from .optimizers import Optimizer
from .run import run
from .sweep import check_budget, work
from .trajectory import Summary

NOT_CONVERGED = -1
DIVERGED = -2


@dataclass(frozen=True, eq=False)
class BasinMap:
    """Labels on a grid of start points: rows follow ``ys``, columns ``xs``.

    ``labels[i, j]`` is the index into ``objective.minima`` reached from
    ``(xs[j], ys[i])``, or :data:`NOT_CONVERGED` / :data:`DIVERGED`;
    ``steps_to_converge`` is the first step with gradient norm <= ``tol``, or -1.
    """

    optimizer: Optimizer
    objective: Objective
    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    steps_to_converge: np.ndarray
    summary: Summary
    radius: float

    def share(self) -> dict[int, float]:
        """The fraction of start points with each label."""
        values, counts = np.unique(self.labels, return_counts=True)
        return {int(v): c / self.labels.size for v, c in zip(values, counts, strict=True)}


def default_radius(domain: Domain) -> float:
    """How near a minimum a run must end to reach it, unless told otherwise: 1% of ``domain``'s diagonal.

    Example:
        >>> default_radius(((-5.0, 5.0), (-5.0, 5.0)))
        0.1414213562373095
    """
    (x0, x1), (y0, y1) = domain
    return 0.01 * float(np.hypot(x1 - x0, y1 - y0))


def label_outcomes(objective: Objective, summary: Summary, radius: float) -> np.ndarray:
    """Label runs by the minimum their final point is within ``radius`` of (see module doc)."""
    final = np.asarray(summary.final_x)
    idx, dist = objective.nearest_minimum(final)
    labels = np.where(dist <= radius, idx, NOT_CONVERGED)
    return np.where(np.asarray(summary.diverged_at) >= 0, DIVERGED, labels)


def basins(
    optimizer: Optimizer,
    objective: Objective | str,
    *,
    resolution: int | tuple[int, int] = 200,
    domain: Domain | None = None,
    steps: int = 300,
    tol: float = 1e-3,
    radius: float | None = None,
) -> BasinMap:
    """Run ``optimizer`` from every point of a ``resolution`` grid over ``domain`` in one batched call.

    Example:
        >>> import optim
        >>> m = optim.basins(optim.make_optimizer("gd", lr=0.01), "himmelblau", resolution=40, steps=300)
        >>> m.labels.shape, sorted(m.share())
        ((40, 40), [0, 1, 2, 3])
    """
    obj = get_objective(objective) if isinstance(objective, str) else objective
    if not obj.minima:
        raise ValueError(f"{obj.name} has no known minima to color a basin map by.")
    nx, ny = (resolution, resolution) if np.ndim(resolution) == 0 else resolution
    if not (isinstance(nx, (int, np.integer)) and isinstance(ny, (int, np.integer)) and nx >= 2 and ny >= 2):
        raise ValueError(f"resolution must be a whole number of at least 2 per axis, got {resolution!r}.")
    check_budget(nx * ny, steps, f"a {nx} x {ny} basin map", *work(obj, optimizer))
    (x0, x1), (y0, y1) = obj.domain if domain is None else domain
    xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
    X, Y = np.meshgrid(xs, ys)
    starts = np.stack([X.ravel(), Y.ravel()], axis=1)
    if radius is None:
        radius = default_radius(((x0, x1), (y0, y1)))
    summary = run(optimizer, obj, starts, steps, tol=tol, record="final")
    labels = label_outcomes(obj, summary, radius).reshape(ny, nx)
    steps_to = np.where(labels >= 0, np.asarray(summary.converged_at).reshape(ny, nx), -1)
    return BasinMap(optimizer, obj, xs, ys, labels, steps_to, summary, radius)

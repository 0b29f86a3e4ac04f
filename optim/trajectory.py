"""What a run leaves: a per-run :class:`Summary`, or a whole :class:`Trajectory` (``optim.run``'s records).

Plain frozen data with NumPy arrays: pages cache the arrays, tests compare them, views draw them. The
meaning of converged, reached, left and diverged is the one :mod:`optim.run` documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .objective import Objective
from .optimizers import Optimizer


@dataclass(frozen=True, eq=False)
class Summary:
    """Per-run outcome. Scalars for a single run, arrays of shape ``(B,)`` for a batch.

    ``converged_at`` and ``diverged_at`` are -1 where it did not happen. A run has converged only if
    it stays within the tolerance: ``converged_at`` is the step from which it is within tolerance at
    every step to the end. ``reached_at`` is the first step within tolerance, and ``left_at`` the
    first step after that outside it again (-1 if it never left): a run can reach the tolerance,
    leave it (RMSprop's step grows as its average of squared gradients shrinks near a minimum) and
    come back, or not. ``loss_sum`` is the sum of the loss over steps 0 to S while the run was within
    bounds (up to its divergence): the smaller it is, the faster the run came down (see
    :func:`optim.speed_ranks`).
    """

    optimizer: Optimizer
    objective: Objective
    steps: int
    final_x: np.ndarray
    final_loss: Any
    best_loss: Any
    converged_at: Any
    diverged_at: Any
    loss_sum: Any = None
    reached_at: Any = -1
    left_at: Any = -1

    @property
    def diverged(self):
        return np.asarray(self.diverged_at) >= 0 if np.ndim(self.diverged_at) else self.diverged_at >= 0

    @property
    def converged(self):
        return np.asarray(self.converged_at) >= 0 if np.ndim(self.converged_at) else self.converged_at >= 0


@dataclass(frozen=True, eq=False)
class Trajectory(Summary):
    """A whole path: points, losses, gradients and the optimizer's memory at every step.

    Shapes, for ``S`` steps (drop the ``B`` axis for a single run):
    ``xs`` (S+1, B, 2); ``losses`` (S+1, B); ``grads`` (S, B, 2), the gradient the
    optimizer received at each step (noise included); ``state`` maps each of the
    optimizer's per-coordinate buffers (for example ``sq_avg`` for RMSprop, ``m``
    and ``v`` for Adam) to its value after each step, (S, B, 2), leaving out
    buffers the configuration never used (all zero);
    ``effective_lr`` (S, B, 2) is the per-coordinate learning rate after each
    step: lr / sqrt(v + eps) for RMSprop, the factor applied to the bias-corrected
    first moment for the Adam family, lr for methods that do not adapt; with a
    schedule, the step's scheduled rate.
    ``lr`` (S, B) is the learning rate in force at each step (the schedule's, or
    the constant one); ``scheduled`` maps every hyperparameter the schedule set
    (``lr``, ``lr_y`` when set, and ``momentum`` or ``beta1`` under a one-cycle
    schedule) to its value at each step, (S, B), and is empty without a schedule.
    """

    xs: np.ndarray = None
    losses: np.ndarray = None
    grads: np.ndarray = None
    state: dict[str, np.ndarray] = field(default_factory=dict)
    effective_lr: np.ndarray = None
    lr: np.ndarray = None
    scheduled: dict[str, np.ndarray] = field(default_factory=dict)
    records: dict[str, np.ndarray] = field(default_factory=dict)
    """Per-run values of each step a rule keeps in state fields of shape (1, B), (S, B): L-BFGS's
    ``evals`` (function evaluations), Newton's ``min_eig`` (the Hessian's smallest eigenvalue)."""

    @property
    def updates(self) -> np.ndarray:
        """The step actually taken at each step, x_{k+1} - x_k, shape like ``grads``."""
        return np.diff(self.xs, axis=0)

    @property
    def evaluations(self) -> np.ndarray:
        """Function-and-gradient evaluations each step made, (S,) or (S, B): 1 unless the rule records more."""
        shape = self.losses[1:].shape
        return np.broadcast_to(self.records.get("evals", np.ones(shape)), shape)

"""Sweeps: one optimizer's outcome over a grid of learning rate x a second hyperparameter.

The whole grid is one batched :func:`optim.run` with ``record="final"``, so a
60 x 60 grid of 500-step runs costs about as much as a few hundred Python
steps. The work a request may ask for is bounded by :data:`MAX_RUN_STEPS`.

With ``second_name="lr_y"`` the grid is the x coordinate's learning rate (across) by
the y coordinate's (up), both log-spaced: the map of Sohl-Dickstein's "The boundary
of neural network trainability is fractal" (2024) for a two-weight network
(``tiny_network``). :mod:`optim.edge` finds the edge of such a map and zooms into it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .objective import Objective
from .objectives import get_objective
from .optimizers import OPTIMIZERS, make_optimizer
from .params import spread
from .run import run
from .trajectory import Summary

MAX_RUN_STEPS = 512 * 512 * 100
"""Largest number of runs x steps one sweep, basin map or tuning may compute: a 512 x 512 map of 100 steps."""


def work(obj: Objective, opt) -> tuple[float, str]:
    """(cost per run-step, what makes it dear) of running ``opt`` on ``obj``, for :func:`check_budget`.

    Example:
        >>> import optim
        >>> work(optim.get_objective("rosenbrock"), optim.make_optimizer("lbfgs", history_size=10))
        (26.0, 'L-BFGS')
    """
    title = OPTIMIZERS[opt.name].title
    if opt.cost > 1:
        return obj.cost * opt.cost, (f"this function with {title}" if obj.cost > 1 else title)
    return obj.cost, "this function"


def check_budget(runs: int, steps: int, what: str, cost: float = 1.0, dear: str = "this function") -> None:
    """Refuse work beyond :data:`MAX_RUN_STEPS` with a sentence giving the limit.

    ``cost`` is the objective's :attr:`~optim.Objective.cost` times the optimizer's
    :attr:`~optim.Optimizer.cost`: a formula or an optimizer dearer than the built-in functions and
    plain rules counts each run-step that many times; ``dear`` names what is dear.

    Example:
        >>> check_budget(300 * 300, 1000, "a 300 x 300 sweep")
        Traceback (most recent call last):
        ...
        ValueError: a 300 x 300 sweep of 1,000 steps is 90,000,000 run-steps; the limit is 26,214,400 ...
        >>> check_budget(100 * 100, 1000, "a 100 x 100 sweep", cost=4.0)
        Traceback (most recent call last):
        ...
        ValueError: a 100 x 100 sweep of 1,000 steps is 10,000,000 run-steps, and this function costs 4 times ...
    """
    if runs < 1:
        raise ValueError(f"{what} is empty; it needs at least one run.")
    if runs * steps * cost > MAX_RUN_STEPS:
        dear = f", and {dear} costs {cost:.2g} times a built-in one per step" if cost > 1 else ""
        raise ValueError(
            f"{what} of {steps:,} steps is {runs * steps:,} run-steps{dear}; the limit is {MAX_RUN_STEPS:,} "
            "(for example 512 x 512 x 100 steps on a built-in function)."
        )


class _OnGrid:
    """A :class:`Sweep`'s attribute that is the summary's field of the same name laid out on the grid:
    shape ``(len(y_values), len(x_values), ...)``."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, sweep, owner=None):
        if sweep is None:
            return self
        a = getattr(sweep.summary, self.name)
        return np.asarray(a).reshape(len(sweep.y_values), len(sweep.x_values), *np.shape(a)[1:])


@dataclass(frozen=True, eq=False)
class Sweep:
    """Outcomes on a grid: rows follow ``y_values`` (the second hyperparameter), columns ``x_values`` (lr).

    ``final_loss``, ``best_loss``, ``converged_at``, ``diverged_at`` and ``loss_sum``, the summary's fields on
    the grid, have shape ``(len(y_values), len(x_values))``.
    """

    name: str
    flavor: str
    objective: Objective
    x_name: str
    x_values: np.ndarray
    y_name: str | None
    y_values: np.ndarray
    summary: Summary
    fixed: dict

    final_loss = _OnGrid()
    best_loss = _OnGrid()
    converged_at = _OnGrid()
    diverged_at = _OnGrid()
    loss_sum = _OnGrid()

    def config(self, row: int, col: int) -> dict:
        """The hyperparameters of one cell, ready for :func:`optim.make_optimizer`."""
        hp = dict(self.fixed, **{self.x_name: float(self.x_values[col])})
        if self.y_name is not None:
            hp[self.y_name] = float(self.y_values[row])
        return hp


def sweep(
    name: str,
    objective: Objective | str,
    *,
    flavor: str = "textbook",
    lr=None,
    second=None,
    second_name: str | None = None,
    x0=None,
    steps: int = 500,
    tol: float | None = None,
    criterion: str = "grad_norm",
    **fixed,
) -> Sweep:
    """Run optimizer ``name`` over the grid ``lr`` x ``second`` in one batched call.

    Args:
        name, flavor: the optimizer, as for :func:`optim.make_optimizer`.
        objective: an :class:`Objective` or a registry name.
        lr: learning rates (default: 60 log-spaced from 1e-4 to 1).
        second: values of the second hyperparameter (default: 60 values of the
            optimizer's ``spec.second`` spaced by :func:`optim.params.spread`: for a decay,
            1 - value log-spaced from 1 to 1e-3; the learning rates ``lr`` again for ``lr_y``);
            ignored for optimizers without one.
        second_name: which hyperparameter ``second`` sets (default: ``spec.second``; ``""`` sweeps lr
            alone). With ``"lr_y"`` the rows are the y coordinate's own learning rate and the columns x's.
        x0, steps, tol, criterion: as for :func:`optim.run`.
        **fixed: further hyperparameters shared by every cell.

    Example:
        >>> import optim
        >>> s = optim.sweep("rmsprop", "rosenbrock", lr=[1e-3, 1e-2, 1e-1], second=[0.5, 0.9], steps=200)
        >>> s.final_loss.shape
        (2, 3)
        >>> s.config(1, 2)
        {'lr': 0.1, 'decay': 0.9}
        >>> m = optim.sweep("gd", "tiny_network", lr=[0.1, 1.0, 10.0], second_name="lr_y", steps=100)
        >>> m.y_values.tolist(), m.diverged_at.tolist()
        ([0.1, 1.0, 10.0], [[-1, -1, -1], [-1, -1, -1], [-1, 11, 8]])
    """
    obj = get_objective(objective) if isinstance(objective, str) else objective
    if name not in OPTIMIZERS:
        make_optimizer(name, flavor)  # raises the standard message
    second_name = OPTIMIZERS[name].second if second_name is None else second_name or None
    x_values = np.geomspace(1e-4, 1.0, 60) if lr is None else np.atleast_1d(np.asarray(lr, dtype=np.float64))
    if second_name is None:
        y_values = np.array([np.nan])
    elif second is None:
        if second_name == "lr_y":
            y_values = x_values.copy()
        else:
            p = OPTIMIZERS[name].params(flavor)[second_name]
            decay_like = p.scale == "linear" and p.low >= 0 and p.high < 1
            y_values = 1 - np.geomspace(1.0, 1e-3, 60) if decay_like else spread(p, np.linspace(0.0, 1.0, 60))
    else:
        y_values = np.atleast_1d(np.asarray(second, dtype=np.float64))
    if x_values.ndim != 1 or y_values.ndim != 1:
        raise ValueError("lr and second must be 1-D lists of values.")
    X, Y = np.meshgrid(x_values, y_values)
    hp = dict(fixed, lr=X.ravel())
    if second_name is not None:
        hp[second_name] = Y.ravel()
    opt = make_optimizer(name, flavor, **hp)
    check_budget(x_values.size * y_values.size, steps, f"a {y_values.size} x {x_values.size} sweep", *work(obj, opt))
    summary = run(opt, obj, x0, steps, tol=tol, criterion=criterion, record="final")
    return Sweep(name, flavor, obj, "lr", x_values, second_name, y_values, summary, dict(fixed))

"""Optimizer specifications: hyperparameters, flavors and the update rules behind them.

An :class:`OptimizerSpec` lists every hyperparameter an optimizer can take
(with the textbook defaults) and, per flavor, which of them that library
offers, its defaults, and a ``build`` function. ``build(**hyperparameters)``
returns a :class:`Rule`: a pair of pure functions in the style of optax,
``init(params) -> state`` and ``step(params, grads, state) -> (params, state)``,
over parameters laid out coordinate-first, shape ``(2, B)``. A rule returns
new parameters rather than an update so it can follow its library's order of
floating-point operations exactly.

Per-coordinate learning rate: optimizers whose spec is ``coordinatewise`` (each
coordinate's step depends only on that coordinate's own gradients) also take
``lr_y``, the y coordinate's own learning rate. The rule is then built with
``lr`` of shape ``(2, B)`` (or ``(2, 1)`` for one run), from
:func:`per_coordinate_lr`, so every rule must let ``lr`` broadcast against
coordinate-first parameters. An optimizer that couples the coordinates (a norm
or a matrix over them, a line search, a Hessian) leaves ``coordinatewise`` off
and refuses ``lr_y``: there one coordinate's rate would change the other's path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from .params import Param

FLAVORS = ("textbook", "torch", "keras", "optax")

# One definition per canonical hyperparameter; optimizers pick and re-default them.
HYPERPARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("lr", 0.01, 1e-6, 10.0, "log", "Learning rate: the step size."),
        Param("momentum", 0.0, 0.0, 0.9999, "linear",
              "Momentum: the fraction of the previous velocity kept each step."),
        Param("dampening", 0.0, 0.0, 1.0, "linear",
              "Dampening: scales the new gradient's share of the momentum buffer by (1 - dampening)."),
        Param("nesterov", False, scale="bool",
              help="Nesterov momentum: look ahead along the velocity before stepping."),
        Param("decay", 0.9, 0.0, 0.9999, "linear",
              "Decay of the squared-gradient average (RMSprop's beta, gamma, alpha or rho)."),
        Param("eps", 1e-8, 1e-16, 10.0, "log", "Epsilon: keeps the denominator away from zero."),
        Param("eps_in_sqrt", True, scale="bool",
              help="Epsilon inside the square root, sqrt(v + eps), rather than sqrt(v) + eps."),
        Param("centered", False, scale="bool",
              help="Centered: divide by the gradient's estimated variance instead of its mean square."),
        Param("beta1", 0.9, 0.0, 0.9999, "linear", "Decay of the first moment (the gradient's average)."),
        Param("beta2", 0.999, 0.0, 0.99999, "linear",
              "Decay of the second moment (the squared gradient's average)."),
        Param("amsgrad", False, scale="bool",
              help="AMSGrad: divide by the largest second moment seen so far."),
        Param("weight_decay", 0.0, 0.0, 1.0, "linear",
              "Weight decay: pulls the parameters toward zero each step."),
        Param("initial_accumulator", 0.0, 0.0, 1000.0, "linear",
              "The squared-gradient accumulator's starting value."),
        Param("lr_decay", 0.0, 0.0, 1.0, "linear",
              "Learning-rate decay: lr / (1 + (t - 1) lr_decay)."),
        Param("bias_correction", True, scale="bool",
              help="Bias correction: divide the average by (1 - beta^t) so early steps are not too small."),
        Param("decoupled_weight_decay", False, scale="bool",
              help="Decoupled weight decay: shrink the parameters by lr * weight_decay instead of adding "
                   "weight_decay * x to the gradient."),
        Param("momentum_decay", 0.004, 0.0, 1.0, "linear",
              "NAdam's momentum schedule: mu_t = beta1 (1 - 0.96^(t psi) / 2)."),
    ]
}


LR_Y_HELP = "The y coordinate's own learning rate; unset, lr applies to both coordinates."


def per_coordinate_lr(lr, lr_y) -> np.ndarray:
    """``lr`` for x and ``lr_y`` for y as one array of shape ``(2, B)``, or ``(2, 1)`` for scalars.

    Example:
        >>> per_coordinate_lr(0.1, 0.5).tolist()
        [[0.1], [0.5]]
        >>> per_coordinate_lr(np.array([0.1, 0.2]), 0.5).tolist()
        [[0.1, 0.2], [0.5, 0.5]]
    """
    lr, lr_y = np.broadcast_arrays(np.asarray(lr, dtype=np.float64), np.asarray(lr_y, dtype=np.float64))
    return np.stack((lr, lr_y)).reshape(2, -1)


class Rule(NamedTuple):
    """An optimizer's pure functions over coordinate-first parameters ``(2, B)``."""

    init: Callable[[np.ndarray], Any]
    step: Callable[[np.ndarray, np.ndarray, Any], tuple[np.ndarray, Any]]
    effective_lr: Callable[[Any], np.ndarray] | None = None


@dataclass(frozen=True)
class Flavor:
    """One library's version of an optimizer: its hyperparameters, defaults and rule."""

    build: Callable[..., Rule]
    params: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer's name, description and flavors.

    Example:
        >>> import optim
        >>> spec = optim.OPTIMIZERS["rmsprop"]
        >>> sorted(spec.flavors)
        ['keras', 'optax', 'textbook', 'torch']
        >>> spec.params("torch")["decay"].default
        0.99
    """

    name: str
    title: str
    summary: str
    flavors: dict[str, Flavor]
    second: str | None = None
    """The hyperparameter that matters most after lr; sweeps and fair tuning vary the two."""
    coordinatewise: bool = False
    """Each coordinate's step depends only on its own gradients, so the optimizer offers ``lr_y``."""

    def params(self, flavor: str = "textbook") -> dict[str, Param]:
        """The hyperparameters ``flavor`` offers, with that flavor's defaults."""
        fl = self.flavors[flavor]
        return {
            n: replace(HYPERPARAMETERS[n], default=fl.defaults.get(n, HYPERPARAMETERS[n].default))
            for n in fl.params
        }

    def lr_y(self, flavor: str = "textbook") -> Param | None:
        """The ``lr_y`` hyperparameter (lr's range and scale; unset by default), or None where it is not offered.

        Example:
            >>> import optim
            >>> optim.OPTIMIZERS["adam"].lr_y().describe_range()
            'a number from 1e-06 to 10'
        """
        if not self.coordinatewise or "lr" not in self.flavors[flavor].params:
            return None
        return replace(HYPERPARAMETERS["lr"], name="lr_y", default=None, help=LR_Y_HELP)


def zeros(p: np.ndarray) -> np.ndarray:
    return np.zeros_like(p)


def pick(flag, yes: Callable[[], Any], no: Callable[[], Any]):
    """``yes()`` or ``no()`` for a scalar flag; elementwise for a per-run bool array."""
    if flag is True or flag is False:
        return yes() if flag else no()
    return np.where(flag, yes(), no())


def is_zero(v) -> bool:
    """True when a hyperparameter (scalar or per-run array) is zero for every run."""
    return not np.any(v)


def lerp(start, end, weight):
    """``torch.lerp``: the same two formulas, chosen by the weight, for the same rounding."""
    if np.ndim(weight) == 0:
        if abs(weight) < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1 - weight)
    return np.where(
        np.abs(weight) < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight)
    )

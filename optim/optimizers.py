"""The optimizer registry and :func:`make_optimizer`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .params import resolve
from .rules.adadelta import ADADELTA
from .rules.adagrad import ADAGRAD
from .rules.adam import ADAM, ADAMW
from .rules.adamax import ADAMAX
from .rules.momentum import EWMA_MOMENTUM, GD, SGD
from .rules.nadam import NADAM
from .rules.radam import RADAM
from .rules.rmsprop import RMSPROP
from .spec import FLAVORS, OptimizerSpec, Rule

OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (GD, SGD, EWMA_MOMENTUM, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMW, NADAM, ADAMAX, RADAM)
}
"""Every optimizer: name -> :class:`~optim.spec.OptimizerSpec` (flavors, hyperparameters, help)."""


@dataclass(frozen=True, eq=False)
class Optimizer:
    """A configured optimizer: its name, flavor, resolved hyperparameters and update rule.

    Hyperparameters are Python scalars, or 1-D arrays with one value per run of a batch.
    """

    name: str
    flavor: str
    hyperparameters: dict[str, Any]
    rule: Rule

    @property
    def batch_size(self) -> int | None:
        """The length shared by array-valued hyperparameters, or None if all are scalars."""
        sizes = {np.size(v) for v in self.hyperparameters.values() if np.ndim(v)}
        return sizes.pop() if sizes else None

    @property
    def label(self) -> str:
        return f"{OPTIMIZERS[self.name].title} ({self.flavor})"

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"Optimizer({self.name!r}, flavor={self.flavor!r}, {hp})"


def make_optimizer(name: str, flavor: str = "textbook", **hyperparameters) -> Optimizer:
    """Configure optimizer ``name`` in ``flavor``'s semantics and defaults.

    Any hyperparameter may be a 1-D array (one value per run) to sweep it in one
    batched run. Unknown names, flavors or hyperparameters, and values outside
    their ranges, raise ``ValueError`` saying what is allowed.

    Example (``...`` in an expected error stands for the rest of the sentence):
        >>> import optim
        >>> opt = optim.make_optimizer("rmsprop", flavor="torch", lr=0.01)
        >>> opt.hyperparameters["decay"], opt.hyperparameters["eps"]
        (0.99, 1e-08)
        >>> optim.make_optimizer("rmsprop", flavor="torch", eps_in_sqrt=True)
        Traceback (most recent call last):
        ...
        ValueError: rmsprop (torch): unknown parameter 'eps_in_sqrt'; allowed: lr, decay, eps, ...
        >>> optim.make_optimizer("adam", lr=1e9)
        Traceback (most recent call last):
        ...
        ValueError: adam (textbook): lr = 1e+09 is out of range; allowed: a number from 1e-06 to 10.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}.")
    spec = OPTIMIZERS[name]
    if flavor not in spec.flavors:
        allowed = ", ".join(f for f in FLAVORS if f in spec.flavors)
        raise ValueError(f"{name}: unknown flavor {flavor!r}; allowed: {allowed}.")
    hp = resolve(spec.params(flavor), hyperparameters, f"{name} ({flavor})")
    sizes = {np.size(v) for v in hp.values() if np.ndim(v)}
    if len(sizes) > 1:
        raise ValueError(
            f"{name} ({flavor}): array-valued hyperparameters must all have the same length, "
            f"got lengths {sorted(sizes)}."
        )
    return Optimizer(name, flavor, hp, spec.flavors[flavor].build(**hp))

"""The optimizer registry and :func:`make_optimizer`."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import rules
from .params import resolve, validate
from .schedules import Schedule, bind_schedule
from .spec import FLAVORS, OptimizerSpec, Rule, per_coordinate_lr

ORDER = (
    "gd", "sgd", "ewma_momentum", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax", "radam",
    "adabelief", "yogi", "lamb", "adafactor", "lion", "muon", "schedule_free_adamw", "rprop", "asgd", "lbfgs", "newton",
)
"""Where the pickers list each optimizer; a spec not named here comes after these, by name."""


def discover() -> dict[str, OptimizerSpec]:
    """Every :class:`OptimizerSpec` defined at the top level of a module in ``optim/rules/``, in :data:`ORDER`.

    Adding an optimizer is one file there: nothing else lists it.
    """
    found: dict[str, OptimizerSpec] = {}
    for module in pkgutil.iter_modules(rules.__path__):
        for value in vars(importlib.import_module(f"{rules.__name__}.{module.name}")).values():
            if isinstance(value, OptimizerSpec):
                found[value.name] = value
    rank = {name: i for i, name in enumerate(ORDER)}
    return {name: found[name] for name in sorted(found, key=lambda n: (rank.get(n, len(rank)), n))}


OPTIMIZERS: dict[str, OptimizerSpec] = discover()
"""Every optimizer: name -> :class:`~optim.spec.OptimizerSpec` (flavors, hyperparameters, help)."""


@dataclass(frozen=True, eq=False)
class Optimizer:
    """A configured optimizer: its name, flavor, resolved hyperparameters and update rule.

    Hyperparameters are Python scalars, or 1-D arrays with one value per run of a batch.
    ``lr_y`` is among them only when it was set. ``schedule`` (bound to the flavor)
    varies some of them step by step; ``rule`` uses the hyperparameters as given,
    and :class:`optim.Stepper` gives each step's rule.
    """

    name: str
    flavor: str
    hyperparameters: dict[str, Any]
    rule: Rule
    schedule: Schedule | None = None

    @property
    def batch_size(self) -> int | None:
        """The length shared by array-valued hyperparameters (and schedule parameters), or None."""
        sizes = {np.size(v) for v in self.hyperparameters.values() if np.ndim(v)}
        if self.schedule is not None and self.schedule.batch_size:
            sizes.add(self.schedule.batch_size)
        return sizes.pop() if sizes else None

    @property
    def lr(self):
        """The learning rate the rule applies: ``lr``, or ``(lr, lr_y)`` stacked as ``(2, B)`` when lr_y is set."""
        hp = self.hyperparameters
        return per_coordinate_lr(hp["lr"], hp["lr_y"]) if "lr_y" in hp else hp["lr"]

    def runs(self, index) -> Optimizer:
        """The same optimizer for a subset of its runs: array hyperparameters indexed by ``index`` (a slice).

        Example:
            >>> import optim
            >>> optim.make_optimizer("gd", lr=[0.1, 0.2, 0.3]).runs(slice(1, None)).hyperparameters
            {'lr': array([0.2, 0.3])}
        """
        hp = {k: v[index] if np.ndim(v) else v for k, v in self.hyperparameters.items()}
        schedule = self.schedule.runs(index) if self.schedule is not None else None
        return replace(self, hyperparameters=hp, rule=build_rule(self.name, self.flavor, hp), schedule=schedule)

    @property
    def cost(self) -> float:
        """Work of one run-step next to a plain batched rule's (1 for most; L-BFGS's history and line search more).

        Example:
            >>> import optim
            >>> optim.make_optimizer("adam").cost, optim.make_optimizer("lbfgs", history_size=10).cost
            (1.0, 26.0)
        """
        estimate = OPTIMIZERS[self.name].flavors[self.flavor].cost
        return 1.0 if estimate is None else float(np.max(estimate(self.hyperparameters)))

    @property
    def label(self) -> str:
        return f"{OPTIMIZERS[self.name].title} ({self.flavor})"

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        sched = f", schedule={self.schedule!r}" if self.schedule is not None else ""
        return f"Optimizer({self.name!r}, flavor={self.flavor!r}, {hp}{sched})"


def make_optimizer(name: str, flavor: str | None = None, *, schedule: Schedule | str | None = None,
                   **hyperparameters) -> Optimizer:
    """Configure optimizer ``name`` in ``flavor``'s semantics and defaults.

    ``flavor`` defaults to textbook, or to the optimizer's only library where it has no
    textbook form (``OptimizerSpec.default_flavor``).

    Any hyperparameter may be a 1-D array (one value per run) to sweep it in one
    batched run. Unknown names, flavors or hyperparameters, and values outside
    their ranges, raise ``ValueError`` saying what is allowed. ``lr_y`` (None: unset)
    gives the y coordinate its own learning rate, in optimizers whose spec is
    ``coordinatewise``; the others refuse it. ``schedule`` (a name, or
    :func:`optim.make_schedule`) varies the learning rate step by step in the
    flavor's semantics; a flavor whose library has no such schedule is refused
    with one sentence.

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
        >>> rule, p = optim.make_optimizer("gd", lr=0.1, lr_y=0.5).rule, np.ones((2, 1))
        >>> rule.step(p, p, rule.init(p))[0].tolist()  # x and y step with their own rates
        [[0.9], [0.5]]
        >>> optim.make_optimizer("adam", "keras", schedule="one_cycle")
        Traceback (most recent call last):
        ...
        ValueError: one_cycle (keras): Keras has no one-cycle learning-rate schedule.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}.")
    spec = OPTIMIZERS[name]
    flavor = spec.default_flavor if flavor is None else flavor
    if flavor not in spec.flavors:
        allowed = ", ".join(f for f in FLAVORS if f in spec.flavors)
        raise ValueError(f"{name}: unknown flavor {flavor!r}; allowed: {allowed}.")
    owner = f"{name} ({flavor})"
    lr_y = hyperparameters.pop("lr_y", None)
    hp = resolve(spec.params(flavor), hyperparameters, owner)
    if lr_y is not None:
        param = spec.lr_y(flavor)
        if param is None:
            raise ValueError(
                f"{owner}: lr_y (the y coordinate's own learning rate) is offered only by optimizers that step "
                f"each coordinate on its own gradients; {name} couples the coordinates, so use lr for both."
            )
        items, after_lr = list(hp.items()), list(hp).index("lr") + 1
        hp = dict(items[:after_lr] + [("lr_y", validate(param, lr_y, owner))] + items[after_lr:])
    sched = bind_schedule(schedule, name, flavor, spec.flavors[flavor].params, hp)
    sizes = {np.size(v) for v in hp.values() if np.ndim(v)}
    if sched is not None and sched.batch_size:
        sizes.add(sched.batch_size)
    if len(sizes) > 1:
        raise ValueError(
            f"{name} ({flavor}): array-valued hyperparameters must all have the same length, "
            f"got lengths {sorted(sizes)}."
        )
    return Optimizer(name, flavor, hp, build_rule(name, flavor, hp), sched)


def build_rule(name: str, flavor: str, hyperparameters: dict[str, Any]) -> Rule:
    """The update rule for resolved ``hyperparameters``; ``lr_y``, when set, is folded into a per-coordinate lr.

    Anything that rebuilds a rule with changed hyperparameters (a schedule's rate at step k)
    goes through here, so ``lr_y`` keeps its meaning.
    """
    hp = dict(hyperparameters)
    if "lr_y" in hp:
        hp["lr"] = per_coordinate_lr(hp["lr"], hp.pop("lr_y"))
    return OPTIMIZERS[name].flavors[flavor].build(**hp)


def notes(traj) -> list[str]:
    """What the optimizer's spec has to say about a single run ``traj`` (often nothing).

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("newton"), "quadratic", x0=[1.0, 1.0], steps=2)
        >>> print(optim.notes(t)[0])
        The Hessian was positive definite at all 2 steps: every step was Newton's.
    """
    spec = OPTIMIZERS[traj.optimizer.name]
    return spec.notes(traj) if spec.notes is not None else []

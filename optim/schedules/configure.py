"""Configuring a schedule: :func:`make_schedule`, and binding it to an optimizer's flavor.

:func:`make_schedule` checks the parameters a person gives against their
ranges; ``optim.make_optimizer(..., schedule=...)`` then binds the schedule
to the optimizer's flavor with :func:`bind_schedule`: the flavor must have the
schedule and every parameter given, and the flavor's defaults fill in the
rest. Bad names or values raise ``ValueError`` with one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..params import resolve, validate
from .catalog import CHECKS, SCHEDULES
from .spec import SCHEDULE_PARAMETERS, Program, ScheduleSpec


@dataclass(frozen=True, eq=False)
class Schedule:
    """A configured learning-rate schedule.

    ``given`` holds the parameters as passed to :func:`make_schedule` (checked).
    Once ``make_optimizer`` has bound it to a flavor, ``flavor`` is set,
    ``params`` holds every parameter of that flavor (defaults filled in) and
    ``cycles`` names the hyperparameter a one-cycle schedule cycles
    (``"momentum"`` or ``"beta1"``), if any.
    """

    name: str
    given: dict[str, Any]
    flavor: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    cycles: str | None = None

    @property
    def spec(self) -> ScheduleSpec:
        return SCHEDULES[self.name]

    @property
    def batch_size(self) -> int | None:
        """The length shared by array-valued parameters, or None if all are scalars."""
        sizes = {np.size(v) for v in {**self.given, **self.params}.values() if np.ndim(v)}
        return sizes.pop() if sizes else None

    def runs(self, index) -> Schedule:
        """The same schedule for a subset of its runs: array parameters indexed by ``index`` (a slice)."""

        def pick(params):
            return {k: v[index] if np.ndim(v) else v for k, v in params.items()}

        return Schedule(self.name, pick(self.given), self.flavor, pick(self.params), self.cycles)

    def program(self, hyperparameters: dict[str, Any]) -> Program:
        """The :class:`~optim.schedules.spec.Program` running this (bound) schedule for these hyperparameters."""
        if self.flavor is None:
            raise ValueError(f"schedule {self.name!r} is not bound to a flavor; pass it to optim.make_optimizer.")
        return self.spec.flavors[self.flavor].program(self.params, hyperparameters, self.cycles)

    def __repr__(self) -> str:
        shown = self.params if self.flavor else self.given
        args = "".join(f", {k}={v!r}" for k, v in shown.items())
        return f"Schedule({self.name!r}{f', flavor={self.flavor!r}' if self.flavor else ''}{args})"


def make_schedule(name: str, **params) -> Schedule:
    """A learning-rate schedule ``name`` with ``params`` (see :data:`optim.SCHEDULES`).

    Any parameter may be a 1-D array, one value per run, as hyperparameters
    may. The schedule takes its library semantics from the optimizer it is
    given to: ``optim.make_optimizer(..., schedule=...)``.

    Example (``...`` in an expected error stands for the rest of the sentence):
        >>> import optim
        >>> s = optim.make_schedule("cosine", t_max=200, eta_min=1e-4)
        >>> opt = optim.make_optimizer("adam", "optax", lr=0.01, schedule=s)
        >>> opt.schedule
        Schedule('cosine', flavor='optax', t_max=200, eta_min=0.0001)
        >>> optim.make_schedule("cosine", t_max=0)
        Traceback (most recent call last):
        ...
        ValueError: cosine: t_max = 0 is out of range; allowed: a whole number from 1 to 1e+06.
        >>> optim.make_schedule("cosine", T_max=10)
        Traceback (most recent call last):
        ...
        ValueError: cosine: unknown parameter 'T_max'; allowed: t_max, eta_min.
    """
    if not isinstance(name, str) or name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; allowed: {', '.join(SCHEDULES)}.")
    spec = SCHEDULES[name]
    unknown = sorted(set(params) - set(spec.names))
    if unknown:
        raise ValueError(f"{name}: unknown parameter {unknown[0]!r}; allowed: {', '.join(spec.names) or 'none'}.")
    given = {k: validate(SCHEDULE_PARAMETERS[k], v, name) for k, v in params.items()}
    _same_length(given, name)
    return Schedule(name, given)


def bind_schedule(schedule: Schedule | str | None, optimizer: str, flavor: str, offered: tuple[str, ...],
                  hyperparameters: dict[str, Any]) -> Schedule | None:
    """``schedule`` bound to ``flavor`` for an optimizer offering hyperparameters ``offered``.

    Refuses, with one sentence, a flavor without the schedule, a parameter the
    flavor lacks, parameters that do not fit together, and a one-cycle schedule
    cycling momentum on an optimizer with neither momentum nor beta1.
    """
    if schedule is None:
        return None
    if isinstance(schedule, str):
        schedule = make_schedule(schedule)
    if not isinstance(schedule, Schedule):
        raise ValueError(f"schedule must be a name or optim.make_schedule(...), got {schedule!r}.")
    spec, owner = schedule.spec, f"{schedule.name} ({flavor})"
    if flavor not in spec.flavors:
        raise ValueError(f"{owner}: {spec.missing[flavor]}")
    fl = spec.flavors[flavor]
    available = spec.params(flavor)
    lacking = sorted(set(schedule.given) - set(available))
    if lacking:
        raise ValueError(f"{owner}: {lacking[0]} is not available: {fl.lacks}.")
    params = resolve(available, schedule.given, owner)
    _same_length(params, owner)
    check = CHECKS.get((schedule.name, flavor))
    problem = check(params) if check else None
    if problem:
        raise ValueError(f"{owner}: {problem}.")
    if "lr" not in offered:
        raise ValueError(f"{owner}: {optimizer} has no learning rate to schedule.")
    cycles = None
    if np.any(params.get("cycle_momentum", False)):
        cycles = next((n for n in ("beta1", "momentum") if n in offered), None)
        if cycles is None:
            raise ValueError(f"{owner}: cycle_momentum needs momentum or beta1 and {optimizer} ({flavor}) has "
                             "neither; set cycle_momentum=False.")
    return Schedule(schedule.name, schedule.given, flavor, params, cycles)


def _same_length(params: dict[str, Any], owner: str) -> None:
    sizes = {np.size(v) for v in params.values() if np.ndim(v)}
    if len(sizes) > 1:
        raise ValueError(f"{owner}: array-valued parameters must all have the same length, got lengths "
                         f"{sorted(sizes)}.")

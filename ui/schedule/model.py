"""A configuration's learning-rate schedule: what it is, what runs, its link, and its rate at every step.

Each optimizer configuration on the Playground, Compare and Inside pages carries a
:class:`ScheduleConfig` (the constant rate unless the person picks one of ``optim.SCHEDULES``). The
configuration's flavor decides whose semantics the schedule follows; where that library has no such
schedule (Keras has no one-cycle), the spec's sentence says so and the configuration runs at a
constant rate (:func:`run_schedule` is None), so the page keeps working.

In a link the schedule sits under the configuration's prefix (``gd`` on the Playground, ``c1`` on
Compare), left out for the constant rate::

    c1.schedule=cosine  c1.schedule.t_max=200  c1.schedule.eta_min=0

Plain Python, no Streamlit: the widgets are in :mod:`ui.widgets`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

import optim
from optim import Param

from ..query import QueryReader, fmt, shorten

if TYPE_CHECKING:
    from ..model import OptConfig

CYCLED = ("cycle_momentum", "base_momentum", "max_momentum")
"""A one-cycle schedule's settings for cycling momentum or beta1: offered only to optimizers with one of them."""


@dataclass(frozen=True)
class ScheduleConfig:
    """A configuration's learning-rate schedule: its name in ``optim.SCHEDULES`` and its parameters.

    ``params`` holds the parameters the schedule offers the configuration's optimizer and flavor
    (:func:`schedule_params`), in spec order; the constant rate has none.
    """

    name: str = "constant"
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def constant(self) -> bool:
        return self.name == "constant"

    @property
    def title(self) -> str:
        return optim.SCHEDULES[self.name].title

    def get(self, param: str, default=None):
        return dict(self.params).get(param, default)


CONSTANT = ScheduleConfig()


def cycles_momentum(optimizer: str, flavor: str) -> bool:
    """Whether a one-cycle schedule can cycle this optimizer's momentum or beta1 (it has one of them)."""
    offered = optim.OPTIMIZERS[optimizer].flavors[flavor].params
    return "momentum" in offered or "beta1" in offered


def schedule_missing(schedule: str, flavor: str) -> str | None:
    """The spec's sentence when ``flavor``'s library has no such schedule, else None.

    Example:
        >>> schedule_missing("one_cycle", "keras")
        'Keras has no one-cycle learning-rate schedule.'
    """
    spec = optim.SCHEDULES[schedule]
    return None if flavor in spec.flavors else spec.missing[flavor]


def schedule_params(schedule: str, optimizer: str, flavor: str) -> dict[str, Param]:
    """The parameters ``schedule`` offers ``optimizer`` in ``flavor`` (none where the flavor lacks it).

    One-cycle's momentum settings are left out for an optimizer with neither momentum nor beta1: there
    is nothing to cycle, so it runs with ``cycle_momentum=False``.

    Example:
        >>> list(schedule_params("one_cycle", "gd", "torch"))[:4]
        ['max_lr', 'total_steps', 'pct_start', 'anneal_strategy']
        >>> "cycle_momentum" in schedule_params("one_cycle", "sgd", "torch")
        True
    """
    if schedule_missing(schedule, flavor):
        return {}
    params = optim.SCHEDULES[schedule].params(flavor)
    if not cycles_momentum(optimizer, flavor):
        params = {n: p for n, p in params.items() if n not in CYCLED}
    return params


def make_schedule_config(schedule: str, optimizer: str, flavor: str, **overrides) -> ScheduleConfig:
    """``schedule`` with its defaults for ``optimizer`` in ``flavor``, with ``overrides`` (others are dropped).

    Example:
        >>> make_schedule_config("step", "sgd", "torch", gamma=0.5)
        ScheduleConfig(name='step', params=(('step_size', 30), ('gamma', 0.5)))
    """
    params = schedule_params(schedule, optimizer, flavor)
    return ScheduleConfig(schedule, tuple((n, overrides.get(n, p.default)) for n, p in params.items()))


def schedule_in(sc: ScheduleConfig, optimizer: str, flavor: str) -> ScheduleConfig:
    """``sc`` for ``optimizer`` in ``flavor``: its values for the settings offered there, defaults for the rest.

    A flavor without the schedule keeps ``sc`` as it is: it does not run there (:func:`run_schedule`), and
    it is back as it was when the person returns to a flavor that has it.
    """
    if sc.constant or schedule_missing(sc.name, flavor):
        return sc
    return make_schedule_config(sc.name, optimizer, flavor, **dict(sc.params))


def run_schedule(cfg: OptConfig) -> optim.Schedule | None:
    """The ``optim.Schedule`` configuration ``cfg`` runs with: None for a constant rate, and where its flavor's
    library has no such schedule (the page says so with :func:`schedule_missing`)."""
    sc = cfg.schedule
    if sc.constant or schedule_missing(sc.name, cfg.flavor):
        return None
    params = dict(sc.params)
    if "cycle_momentum" in optim.SCHEDULES[sc.name].params(cfg.flavor) and not cycles_momentum(cfg.name, cfg.flavor):
        params["cycle_momentum"] = False
    return optim.make_schedule(sc.name, **params)


def build_optimizer(cfg: OptConfig) -> optim.Optimizer:
    """The optimizer ``cfg`` describes, with its schedule; ValueError (one sentence) when the core refuses it.

    Example:
        >>> from ui.model import make_config
        >>> cfg = make_config("sgd", "torch", lr=0.1, schedule=make_schedule_config("step", "sgd", "torch"))
        >>> build_optimizer(cfg).schedule
        Schedule('step', flavor='torch', step_size=30, gamma=0.1)
    """
    return optim.make_optimizer(cfg.name, cfg.flavor, schedule=run_schedule(cfg), **cfg.hyperparameters)


def check_run(cfg: OptConfig, steps: int) -> None:
    """Raise ValueError (one sentence) unless ``cfg`` can run ``steps`` steps: torch's one-cycle refuses to
    step past its ``total_steps``."""
    optim.Stepper(build_optimizer(cfg), steps, keep=False)


@lru_cache(maxsize=128)
def schedule_curve(cfg: OptConfig, steps: int) -> dict[str, np.ndarray] | None:
    """What ``cfg``'s schedule sets at each of ``steps`` steps, worked out ahead by an ``optim.Stepper`` loop:
    ``{"lr": (steps,), ...}`` plus ``momentum`` or ``beta1`` when a one-cycle schedule cycles it.

    None for a constant rate, and for a schedule that follows the losses (reduce on plateau: the run's
    own ``Trajectory.lr`` says what it did). Cached and shared: the arrays are read-only.

    Example:
        >>> from ui.model import make_config
        >>> cfg = make_config("sgd", "torch", lr=0.1, schedule=make_schedule_config("step", "sgd", "torch",
        ...                   step_size=2, gamma=0.5))
        >>> schedule_curve(cfg, 5)["lr"].tolist()
        [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    opt = build_optimizer(cfg)
    if opt.schedule is None or opt.schedule.spec.uses_loss:
        return None
    stepper = optim.Stepper(opt, steps)
    for k in range(steps):
        stepper.hyperparameters(k)
    used = stepper.used
    for v in used.values():
        v.flags.writeable = False
    return used


# ---------------------------------------------------------------------------------------------- the link


def encode_schedule(prefix: str, sc: ScheduleConfig) -> dict[str, list[str]]:
    """``prefix.schedule=name`` and ``prefix.schedule.<param>=value``; nothing for the constant rate.

    Example:
        >>> encode_schedule("c1", ScheduleConfig("step", (("step_size", 30), ("gamma", 0.5))))
        {'c1.schedule': ['step'], 'c1.schedule.step_size': ['30'], 'c1.schedule.gamma': ['0.5']}
    """
    if sc.constant:
        return {}
    return {f"{prefix}.schedule": [sc.name], **{f"{prefix}.schedule.{n}": [fmt(v)] for n, v in sc.params}}


def decode_schedule(r: QueryReader, prefix: str, cfg: OptConfig, steps: int) -> ScheduleConfig:
    """The schedule a link gives configuration ``cfg`` (read under ``prefix``), checked to run ``steps`` steps.

    Each unusable value adds one sentence: an unknown schedule, or one the flavor's library lacks, falls
    back to the constant rate; a parameter out of range to its default; a parameter the flavor or optimizer
    does not offer is named and ignored; settings that do not fit together (or a one-cycle shorter than
    the run, in torch) fall back to the constant rate.

    Example:
        >>> from ui.model import make_config
        >>> r = QueryReader({"c1.schedule": ["one_cycle"], "c1.schedule.max_lr": ["0.5"]})
        >>> decode_schedule(r, "c1", make_config("adam", "keras"), 100), r.messages
        (ScheduleConfig(name='constant', params=()), ['`c1.schedule=one_cycle`: Keras has no one-cycle \
learning-rate schedule. Using a constant learning rate instead.'])
    """
    key = f"{prefix}.schedule"
    name = r.raw(key)
    given = [k for k in r.query if k.startswith(key + ".")]
    if name is None or name == "constant":
        return CONSTANT
    if name not in optim.SCHEDULES:
        r.used.update(given)
        r.bad(f"`{key}={shorten(name)}` is not a schedule this app knows; allowed: {', '.join(optim.SCHEDULES)}. "
              "Using a constant learning rate instead.")
        return CONSTANT
    missing = schedule_missing(name, cfg.flavor)
    if missing:
        r.used.update(given)
        r.bad(f"`{key}={shorten(name)}`: {missing} Using a constant learning rate instead.")
        return CONSTANT
    base = make_schedule_config(name, cfg.name, cfg.flavor)
    params = schedule_params(name, cfg.name, cfg.flavor)
    values = {n: r.value(f"{key}.{n}", p, base.get(n)) for n, p in params.items()}
    title = f"{optim.SCHEDULES[name].title} ({cfg.flavor}, {optim.OPTIMIZERS[cfg.name].title})"
    for k in given:
        pname = k[len(key) + 1:]
        if pname in optim.SCHEDULES[name].names and pname not in params:
            r.used.add(k)
            r.bad(f"`{k}`: {title} has no {pname} setting; ignored.")
    sc = ScheduleConfig(name, tuple(values.items()))
    try:
        check_run(replace(cfg, schedule=sc), steps)
    except ValueError as e:
        r.bad(f"`{key}={name}`: {e} Using a constant learning rate instead.")
        return CONSTANT
    return sc


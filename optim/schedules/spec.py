"""What a learning-rate schedule is: its parameters, its flavors, and the program that runs it.

A :class:`ScheduleSpec` names a schedule's parameters (shared definitions in
:data:`SCHEDULE_PARAMETERS`, re-defaulted per schedule) and, per flavor, either
a :class:`ScheduleFlavor` (which library code it follows, how our parameters
map to that code's, and the :class:`Program` that reproduces it) or one
sentence saying why that library has no such schedule.

A :class:`Program` is a schedule in motion, in the style of the optimizers'
rules: pure functions over a small carried state. ``advance(carry, k0, n,
loss)`` returns the hyperparameters in force at steps ``k0 .. k0 + n - 1`` as
``{name: array (n, W)}`` (W = 1, or the batch size when a parameter or the
base learning rate is batched) and the next carry. Step k is the k-th
optimizer step, counted from 0: torch's ``last_epoch``, Keras's
``iterations``, optax's ``count``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from ..params import Param

# One definition per parameter; schedules pick and re-default them.
SCHEDULE_PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("step_size", 30, 1, 1_000_000, "int", "Steps between two decays."),
        Param("gamma", 0.1, 1e-4, 1.0, "linear", "Factor the learning rate is multiplied by at each decay."),
        Param("t_max", 100, 1, 1_000_000, "int", "Steps from the full learning rate down to eta_min."),
        Param("eta_min", 0.0, 0.0, 10.0, "linear", "The lowest learning rate the cosine reaches."),
        Param("t_0", 25, 1, 1_000_000, "int", "Steps until the first restart."),
        Param("t_mult", 1, 1, 10, "int", "Each cycle lasts t_mult times as many steps as the one before."),
        Param("start_factor", 1 / 3, 1e-4, 1.0, "linear", "Multiplier of the learning rate at the first step."),
        Param("end_factor", 1.0, 0.0, 1.0, "linear", "Multiplier of the learning rate from step total_iters on."),
        Param("total_iters", 5, 1, 1_000_000, "int", "Steps over which the multiplier changes."),
        Param("power", 1.0, 0.0, 10.0, "linear", "Exponent of the polynomial decay (1 is a straight line)."),
        Param("warmup_steps", 10, 1, 1_000_000, "int", "Steps of linear warm-up from 0 to the learning rate."),
        Param("max_lr", 0.01, 1e-6, 10.0, "log", "Peak learning rate of the cycle (replaces the optimizer's lr)."),
        Param("total_steps", 100, 1, 1_000_000, "int", "Length of the cycle in steps."),
        Param("pct_start", 0.3, 0.0, 1.0, "linear", "Fraction of the cycle spent raising the learning rate."),
        Param("anneal_strategy", "cos", scale="choice", choices=("cos", "linear"),
              help="How the rate moves from one end of a phase to the other: a half cosine or a straight line."),
        Param("cycle_momentum", True, scale="bool",
              help="Cycle momentum (SGD, RMSprop) or beta1 (the Adam family) against the learning rate."),
        Param("base_momentum", 0.85, 0.0, 0.9999, "linear", "Momentum or beta1 at the learning rate's peak."),
        Param("max_momentum", 0.95, 0.0, 0.9999, "linear", "Momentum or beta1 at the start and end of the cycle."),
        Param("div_factor", 25.0, 1.0, 1e6, "log", "The cycle starts at max_lr / div_factor."),
        Param("final_div_factor", 1e4, 1.0, 1e8, "log",
              "The cycle ends at max_lr / (div_factor * final_div_factor)."),
        Param("three_phase", False, scale="bool",
              help="Three phases: up, back down to the start, then down to the end rate (the original paper's)."),
        Param("factor", 0.1, 1e-4, 0.9999, "linear", "The learning rate is multiplied by factor on a plateau."),
        Param("patience", 10, 0, 1_000_000, "int", "Steps without improvement tolerated before reducing."),
        Param("threshold", 1e-4, 1e-12, 1000.0, "log",
              "How much lower the loss must be than the best so far to count as an improvement."),
        Param("threshold_mode", "rel", scale="choice", choices=("rel", "abs"),
              help="rel: better than best * (1 - threshold); abs: better than best - threshold."),
        Param("cooldown", 0, 0, 1_000_000, "int", "Steps after a reduction before bad steps count again."),
        Param("min_lr", 0.0, 0.0, 10.0, "linear", "The learning rate is never reduced below min_lr."),
    ]
}


class Program(NamedTuple):
    """A schedule in motion: ``advance(carry, k0, n, loss) -> ({name: (n, W) array}, carry)``.

    ``loss`` is given only to programs with ``needs_loss`` (then ``n`` is 1): the
    loss, shape (W,), at the point step ``k0`` starts from. ``limit`` is the
    number of steps the schedule can run, when its library refuses to go on.
    """

    advance: Callable[[Any, int, int, Any], tuple[dict[str, np.ndarray], Any]]
    start: Any = None
    needs_loss: bool = False
    limit: int | None = None


@dataclass(frozen=True)
class ScheduleFlavor:
    """One library's version of a schedule.

    ``follows`` names the library code it reproduces with our parameters mapped
    onto that code's; ``program(params, hyperparameters, cycled)`` builds the
    :class:`Program`. ``params`` are the parameters this flavor offers (None:
    all of the schedule's) and ``lacks`` says why the others are missing.
    """

    follows: str
    program: Callable[[dict, dict, str | None], Program]
    params: tuple[str, ...] | None = None
    lacks: str = ""


@dataclass(frozen=True)
class ScheduleSpec:
    """A schedule's name, what it does, its parameters and its flavors.

    ``flavors`` holds the flavors whose library has the schedule; ``missing``
    gives, for each other flavor, the sentence ``make_optimizer`` refuses with.
    ``uses_loss``: the schedule reads the loss at every step (give it to
    :meth:`optim.Stepper.rule`).

    Example:
        >>> import optim
        >>> spec = optim.SCHEDULES["cosine"]
        >>> sorted(spec.flavors), list(spec.params())
        (['keras', 'optax', 'textbook', 'torch'], ['t_max', 'eta_min'])
        >>> optim.SCHEDULES["one_cycle"].missing["keras"]
        'Keras has no one-cycle learning-rate schedule.'
    """

    name: str
    title: str
    summary: str
    names: tuple[str, ...]
    flavors: dict[str, ScheduleFlavor]
    missing: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    uses_loss: bool = False

    def params(self, flavor: str = "textbook") -> dict[str, Param]:
        """The parameters ``flavor`` offers, with their defaults for this schedule and flavor."""
        fl = self.flavors.get(flavor)
        names = self.names if fl is None or fl.params is None else fl.params
        return {n: replace(SCHEDULE_PARAMETERS[n], default=self.defaults.get(n, SCHEDULE_PARAMETERS[n].default))
                for n in names}


def steps(k0: int, n: int) -> np.ndarray:
    """Step indices ``k0 .. k0 + n - 1`` as a column, to broadcast against per-run parameters."""
    return np.arange(k0, k0 + n, dtype=np.int64)[:, None]


def closed_form(values: Callable[[np.ndarray], dict[str, np.ndarray]], limit: int | None = None) -> Program:
    """A :class:`Program` whose values depend on the step alone: ``values(k)`` for a column of steps."""
    return Program(lambda carry, k0, n, loss=None: (values(steps(k0, n)), carry), limit=limit)


def products(first, factor: Callable[[np.ndarray], np.ndarray]) -> Program:
    """torch's multiplicative recursions: lr_k = lr_{k-1} * factor(k), from lr_{-1} = ``first``.

    NumPy's cumulative product multiplies in order, so the round-off is torch's.
    """

    def advance(carry, k0, n, loss=None):
        f = factor(steps(k0, n))
        f, c = np.broadcast_arrays(f, carry[None])
        lr = np.cumprod(np.concatenate([c[:1], f]), axis=0)[1:]
        return {"lr": lr}, lr[-1]

    return Program(advance, np.atleast_1d(np.asarray(first, dtype=np.float64)))


def cycle_position(k, t0, mult):
    """Steps into the current cycle and its length, for cycles of t0, t0 mult, t0 mult^2, ... steps."""
    k, t0, mult = np.broadcast_arrays(k, t0, mult)
    start, length = np.zeros_like(k), t0.copy()
    while True:
        later = k >= start + length
        if not later.any():
            return k - start, length
        start = np.where(later, start + length, start)
        length = np.where(later, length * mult, length)

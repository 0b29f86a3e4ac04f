"""Stepping a scheduled optimizer: the hyperparameters and the update rule in force at each step.

A schedule (``optim.make_optimizer(..., schedule=...)``) changes hyperparameters
from one step to the next: the learning rate, and momentum or beta1 under a
one-cycle schedule. Any loop that runs an optimizer (``optim.run``, and
``optim.train``) asks a :class:`Stepper` for the rule of step k and applies it::

    stepper = optim.Stepper(opt, steps)
    state = opt.rule.init(P)                  # P: coordinate-first parameters (P, B)
    for k in range(steps):
        loss, G = ...                         # at P, the point step k starts from
        rule = stepper.rule(k, loss)          # loss matters only when stepper.needs_loss
        P, state = rule.step(P, G, state)
    stepper.used["lr"]                        # the rate in force at each step: (steps,) or (steps, B)

Steps are asked for in order, 0, 1, 2, ... The loss is the loss at the point
step k starts from, one value per run: for k > 0 that is the new point step
k - 1 reached, which is what torch's and Keras's plateau schedulers are
given after each step (they ignore the start point's loss); optax's
``reduce_on_plateau`` is given each update's own point, the start included.
Only ``reduce_on_plateau`` reads the loss (``needs_loss``); other schedules are
computed ahead in blocks of steps, so a step costs one dictionary merge and
the rule's construction (a few closures) on top of the update itself.

With ``lr_y`` (the y coordinate's own rate) the schedule runs twice, from
``lr`` and from ``lr_y``, as torch schedules two parameter groups: the same
shape, each from its own base rate (a one-cycle schedule sets both to its own
rates; a plateau reduces both at the same steps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS, Optimizer, build_rule
from .spec import Rule

BLOCK = 1 << 16
"""Values computed ahead at a time: steps x runs (so about 0.5 MB per hyperparameter)."""


class Stepper:
    """The hyperparameters a scheduled optimizer uses at each step, and the rule that applies them.

    Args:
        optimizer: from :func:`optim.make_optimizer`, with or without a schedule.
        steps: how many steps the loop will take (None: not known); a schedule
            its library cannot run that long (torch's one-cycle past
            ``total_steps``) is refused here with ``ValueError``.
        keep: remember every step's values for :attr:`used` (off for long sweeps).

    Example:
        >>> import optim
        >>> opt = optim.make_optimizer("sgd", "torch", lr=0.1, momentum=0.9,
        ...                            schedule=optim.make_schedule("step", step_size=2, gamma=0.5))
        >>> stepper = optim.Stepper(opt, steps=5)
        >>> [float(stepper.hyperparameters(k)["lr"]) for k in range(5)]
        [0.1, 0.1, 0.05, 0.05, 0.025]
        >>> stepper.used["lr"].tolist()
        [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, optimizer: Optimizer, steps: int | None = None, *, keep: bool = True):
        self.optimizer = optimizer
        self.steps = steps
        self._hp = hp = optimizer.hyperparameters
        schedule = optimizer.schedule
        self._program = schedule.program(hp) if schedule is not None else None
        self._program_y = schedule.program({**hp, "lr": hp["lr_y"]}) if schedule and "lr_y" in hp else None
        limit = self._program.limit if self._program else None
        if steps is not None and limit is not None and steps > limit:
            raise ValueError(f"{schedule.name} ({schedule.flavor}): the run has {steps:,} steps but total_steps is "
                             f"{limit:,}; torch's OneCycleLR refuses to step past total_steps.")
        self._carry = self._program.start if self._program else None
        self._carry_y = self._program_y.start if self._program_y else None
        self._width = optimizer.batch_size or 1
        self._next, self._k0, self._end, self._block = 0, 0, 0, {}
        self._kept: list[dict[str, np.ndarray]] | None = [] if keep else None

    @property
    def needs_loss(self) -> bool:
        """Whether :meth:`rule` must be given the loss (``reduce_on_plateau``)."""
        return bool(self._program and self._program.needs_loss)

    def hyperparameters(self, k: int, loss=None) -> dict[str, Any]:
        """The hyperparameters the schedule sets for step ``k`` (empty without a schedule).

        Each value is a float for a single run, or an array (B,) when the
        schedule or the base hyperparameters are batched. ``loss`` is the loss
        at the point step ``k`` starts from, shape () or (B,), required when
        :attr:`needs_loss`.
        """
        self._check_order(k)
        if self._program is not None and k >= self._end:
            self._advance(k, loss)  # may refuse (no loss for a plateau): the step can then be asked again
        self._next += 1
        return {name: v[k - self._k0] for name, v in self._block.items()}

    def _check_order(self, k: int) -> None:
        if k != self._next:
            raise ValueError(f"steps must be asked for in order: expected step {self._next}, got {k}.")

    def rule(self, k: int, loss=None) -> Rule:
        """The update rule for step ``k``: the optimizer's own, with the scheduled hyperparameters."""
        if self._program is None:  # nothing scheduled: the optimizer's own rule, asked for at every step
            self._check_order(k)
            self._next += 1
            return self.optimizer.rule
        values = self.hyperparameters(k, loss)
        return build_rule(self.optimizer.name, self.optimizer.flavor, {**self._hp, **values}) if values \
            else self.optimizer.rule

    @property
    def used(self) -> dict[str, np.ndarray]:
        """Every scheduled hyperparameter at each step asked for so far: (steps,) or (steps, B).

        Empty without a schedule, or with ``keep=False``. A value that was one number for all runs at first and
        one per run later (a plateau's rate: one starting rate, until the runs' losses part it) is per run at
        every step.
        """
        if not self._kept:
            return {}
        out = {}
        for name in self._kept[0]:
            blocks = [b[name] for b in self._kept]
            runs = max((v.shape[1] for v in blocks if v.ndim == 2), default=None)
            if runs is not None:
                blocks = [np.broadcast_to(v[:, None], (len(v), runs)) if v.ndim == 1 else v for v in blocks]
            out[name] = np.concatenate(blocks)[: self._next]
        return out

    def lr_by_step(self) -> np.ndarray | None:
        """The learning rate the rule applied at each step taken, (steps, 1, W), or (steps, 2, W)
        with ``lr_y`` (x's rate, then y's); None when the schedule does not set it."""
        used = self.used
        if "lr" not in used:
            return None
        lr = used["lr"].reshape(len(used["lr"]), 1, -1)
        if "lr_y" not in used:
            return lr
        return np.concatenate(np.broadcast_arrays(lr, used["lr_y"].reshape(len(lr), 1, -1)), axis=1)

    def rule_by_step(self) -> Rule:
        """The rule with every scheduled hyperparameter as an array over the steps taken, (steps, 1, W)
        (the rate as in :meth:`lr_by_step`). Its ``effective_lr`` applies to states stacked along a
        leading step axis.
        """
        rate = self.lr_by_step()
        if rate is None:
            return self.optimizer.rule
        stacked = {name: v.reshape(len(v), 1, -1) for name, v in self.used.items() if name not in ("lr", "lr_y")}
        hp = {k: v for k, v in self._hp.items() if k != "lr_y"}
        return OPTIMIZERS[self.optimizer.name].flavors[self.optimizer.flavor].build(**{**hp, **stacked, "lr": rate})

    def _advance(self, k: int, loss) -> None:
        program = self._program
        if program.limit is not None and k >= program.limit:
            raise ValueError(f"step {k} is past the schedule's total_steps ({program.limit}); torch's OneCycleLR "
                             "refuses to step past total_steps.")
        if program.needs_loss:
            if loss is None:
                raise ValueError("reduce_on_plateau needs the loss at each step: pass it to Stepper.rule(k, loss).")
            n, loss = 1, np.atleast_1d(np.asarray(loss, dtype=np.float64))
        else:
            n = max(1, BLOCK // self._width)
            if self.steps is not None:
                n = max(1, min(n, self.steps - k))
        values, self._carry = program.advance(self._carry, k, n, loss)
        if self._program_y is not None:
            values_y, self._carry_y = self._program_y.advance(self._carry_y, k, n, loss)
            if "lr" in values_y:
                values["lr_y"] = values_y["lr"]
        self._k0, self._end = k, k + n
        self._block = {name: v[:, 0] if v.shape[1] == 1 else v
                       for name, v in ((name, np.asarray(v, dtype=np.float64)) for name, v in values.items())}
        if self._kept is not None and self._block:
            self._kept.append(self._block)

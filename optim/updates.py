"""Which rule updates which networks at each step of :func:`optim.train`, with its schedule and extras.

Each optimizer of a training run owns a block of networks (columns of the
coordinate-first parameters ``(P, N)``). Its rule for step k comes from an
:class:`optim.Stepper`, so schedules apply (a plateau schedule reads each
network's loss on the step's batch). The rule gets the extras its ``Rule.needs``
names (see :mod:`optim.spec`): ``layout`` is the network's tensor shapes,
``closure`` evaluates the loss and gradient on the step's batch, and ``hessian`` is
refused (a network's full Hessian is not computed).
"""

from __future__ import annotations

import numpy as np

from .network import MLP
from .optimizers import Optimizer
from .stepping import Stepper


class UpdateGroup:
    """An optimizer and the networks (columns ``cols``) it trains, with its rule's state.

    Args:
        optimizer: the configured optimizer (with or without a schedule).
        cols: its networks' columns of the coordinate-first parameters.
        net: the network (for ``layout`` and the closure).
        theta: all networks' starting parameters ``(P, N)``.
        batch: the first step's points and labels, for a ``closure`` at ``init``.
        steps: how many steps the training takes (a schedule may refuse to run that long).
    """

    def __init__(self, optimizer: Optimizer, cols: slice, net: MLP, theta: np.ndarray, batch, steps: int):
        self.optimizer, self.cols, self.net = optimizer, cols, net
        self.needs = getattr(optimizer.rule, "needs", frozenset())
        if "hessian" in self.needs:
            raise ValueError(f"{optimizer.label} needs the full Hessian, which optim.train does not compute for a "
                             "network; choose a first-order optimizer or L-BFGS.")
        self.stepper = Stepper(optimizer, steps)
        self.state = optimizer.rule.init(theta[:, cols], **self._extras(*batch))

    def _extras(self, X: np.ndarray, y: np.ndarray) -> dict:
        extras = {}
        if "layout" in self.needs:
            extras["layout"] = self.net.layout
        if "closure" in self.needs:
            extras["closure"] = self._closure(X, y)
        return extras

    def _closure(self, X: np.ndarray, y: np.ndarray):
        """Loss and gradient on this step's batch; with one batch per network, for all of them at once."""
        net, own = self.net, X.ndim == 3
        if own:
            X, y = X[self.cols], y[self.cols]

        def closure(p):
            if own and p.shape[1] != len(X):
                raise ValueError(f"{self.optimizer.label} evaluates one network at a time in its line search, "
                                 "which needs one batch order for all networks: give one shuffle_seed, shared "
                                 "batches or the full batch.")
            return net.value_and_grad(p, X, y)

        return closure

    def step(self, k: int, theta: np.ndarray, grads: np.ndarray, new: np.ndarray, X: np.ndarray, y: np.ndarray,
             loss: np.ndarray) -> None:
        """Write this group's parameters after step ``k`` on the batch ``(X, y)`` into ``new``.

        ``loss`` is every network's loss on the batch at ``theta``, which a plateau schedule reads.
        """
        rule = self.stepper.rule(k, loss[self.cols] if self.stepper.needs_loss else None)
        new[:, self.cols], self.state = rule.step(theta[:, self.cols], grads[:, self.cols], self.state,
                                                  **self._extras(X, y))

    def lr(self, steps: int) -> np.ndarray:
        """The learning rate in force at each step for this group's networks, ``(steps, B)``: the schedule's, if any."""
        width = self.cols.stop - self.cols.start
        used = self.stepper.used.get("lr")  # (steps,) or (steps, B)
        if used is not None:
            return np.broadcast_to(used.reshape(len(used), -1), (steps, width))
        return np.broadcast_to(np.asarray(self.optimizer.hyperparameters["lr"], dtype=np.float64), (steps, width))

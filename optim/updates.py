"""Which rule updates which parameters of which networks at each step of :func:`optim.train`.

Each optimizer of a training run owns a block of networks (columns of the
coordinate-first parameters ``(P, N)``). Its rule for step k comes from an
:class:`optim.Stepper`, so schedules apply (a plateau schedule reads each
network's loss on the step's batch). The rule gets the extras its ``Rule.needs``
names (see :mod:`optim.spec`): ``layout`` is the network's tensor shapes,
``closure`` evaluates the loss and gradient on the step's batch, and ``hessian`` is
refused (a network's full Hessian is not computed).

torch's Muon takes weight matrices only; its documentation gives the other
parameters to AdamW (``torch.optim.AdamW(lr=3e-4, weight_decay=0.01)`` in its
example). So under Muon's torch flavor the weight matrices step by Muon, each seen
as torch's ``nn.Linear`` holds it, ``(fan_out, fan_in)``, which decides how
Newton-Schulz orthogonalises it and Muon's ``sqrt(max(1, rows / cols))`` step
scale, and the biases step by that AdamW at a constant rate (a schedule given to
Muon sets Muon's rate). Keras's Muon makes its own split, with kernels stored
``(fan_in, fan_out)`` as here.
"""

from __future__ import annotations

import numpy as np

from .network import MLP
from .optimizers import Optimizer, make_optimizer
from .stepping import Stepper

MUON_BIASES = {"lr": 3e-4, "weight_decay": 0.01}
"""torch.optim.AdamW's settings for the parameters Muon does not take, from torch's Muon example."""


class _Part:
    """One rule on some rows of the parameter vector: the rows, the layout it sees, its state."""

    def __init__(self, optimizer: Optimizer, rows, layout):
        self.optimizer, self.rows, self.layout = optimizer, rows, layout
        self.needs = optimizer.rule.needs
        self.state = self.stepper = None


def _parts(optimizer: Optimizer, net: MLP) -> list[_Part]:
    if not (optimizer.name == "muon" and optimizer.flavor == "torch"):
        return [_Part(optimizer, slice(None), net.layout)]
    o = net.offsets
    weights, biases, w_layout, b_layout = [], [], [], []
    for i, (fan_in, fan_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:], strict=True)):
        weights.append(o[2 * i] + np.arange(fan_in * fan_out).reshape(fan_in, fan_out).T.ravel())
        biases.append(np.arange(o[2 * i + 1], o[2 * i + 2]))
        w_layout.append((fan_out, fan_in))
        b_layout.append((fan_out,))
    adamw = make_optimizer("adamw", "torch", **MUON_BIASES)
    return [_Part(optimizer, np.concatenate(weights), tuple(w_layout)),
            _Part(adamw, np.concatenate(biases), tuple(b_layout))]


class UpdateGroup:
    """An optimizer and the networks (columns ``cols``) it trains, with its rules' states.

    Args:
        optimizer: the configured optimizer.
        cols: its networks' columns of the coordinate-first parameters.
        net: the network (for ``layout`` and the closure).
        theta: all networks' starting parameters ``(P, N)``.
        batch: the first step's points and labels, for a ``closure`` at ``init``.
        steps: how many steps the training takes (a schedule may refuse to run that long).
    """

    def __init__(self, optimizer: Optimizer, cols: slice, net: MLP, theta: np.ndarray, batch, steps: int):
        self.optimizer, self.cols, self.net = optimizer, cols, net
        self.parts = _parts(optimizer, net)
        for part in self.parts:
            if "hessian" in part.needs:
                raise ValueError(f"{optimizer.label} needs the full Hessian, which optim.train does not compute "
                                 "for a network; choose a first-order optimizer or L-BFGS.")
            part.stepper = Stepper(part.optimizer, steps)
            part.state = part.optimizer.rule.init(theta[part.rows, cols], **self._extras(part, *batch))

    def lr(self, steps: int) -> np.ndarray:
        """The learning rate in force at each step for this group's networks, ``(steps, B)``.

        The schedule's when there is one; under Muon's split, the rate of Muon's part (the weights).
        """
        part, width = self.parts[0], self.cols.stop - self.cols.start
        used = part.stepper.used.get("lr")  # (steps,) or (steps, B)
        if used is not None:
            return np.broadcast_to(used.reshape(len(used), -1), (steps, width))
        return np.broadcast_to(np.asarray(part.optimizer.hyperparameters["lr"], dtype=np.float64), (steps, width))

    def _extras(self, part: _Part, X: np.ndarray, y: np.ndarray) -> dict:
        extras = {}
        if "layout" in part.needs:
            extras["layout"] = part.layout
        if "closure" in part.needs:
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
        for part in self.parts:
            rule = part.stepper.rule(k, loss[self.cols] if part.stepper.needs_loss else None)
            new[part.rows, self.cols], part.state = rule.step(theta[part.rows, self.cols],
                                                              grads[part.rows, self.cols], part.state,
                                                              **self._extras(part, X, y))

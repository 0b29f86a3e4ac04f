"""The runs the figure tests draw: a bowl, Rosenbrock, one start point, and a run of any optimizer on them."""

from __future__ import annotations

import optim

BOWL = optim.get_objective("quadratic", a=1.0, b=10.0)
ROSEN = optim.get_objective("rosenbrock")
X0 = [1.5, 1.5]


def run(name, objective=BOWL, x0=X0, steps=100, **hp):
    """``name`` with hyperparameters ``hp`` on ``objective`` from ``x0``, every step recorded."""
    return optim.run(optim.make_optimizer(name, **hp), objective, x0=x0, steps=steps)

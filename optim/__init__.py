"""Descent Lab's numerical core: batched NumPy trajectories of classic optimizers.

Example:
    >>> import optim
    >>> opt = optim.make_optimizer("rmsprop", lr=0.1, decay=0.9, eps=1e-8)
    >>> traj = optim.run(opt, optim.get_objective("quadratic", a=5, b=7), x0=[-4.0, 3.0], steps=50)
    >>> traj.xs.shape
    (51, 2)
    >>> print(f"{traj.xs[-1, 0]:.17g}")
    -0.10352260359924752
"""

from .basins import DIVERGED, NOT_CONVERGED, BasinMap, basins
from .equations import equations, latex
from .formula import parse_objective
from .objective import Minimum, Objective
from .objectives import OBJECTIVES, get_objective
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .params import Param
from .run import DIVERGENCE_BOUND, Summary, Trajectory, run
from .spec import FLAVORS, HYPERPARAMETERS, OptimizerSpec
from .sweep import MAX_RUN_STEPS, Sweep, sweep
from .tuning import Tuning, tune

__all__ = [
    "DIVERGED", "DIVERGENCE_BOUND", "FLAVORS", "HYPERPARAMETERS", "MAX_RUN_STEPS", "NOT_CONVERGED",
    "OBJECTIVES", "OPTIMIZERS", "BasinMap", "Minimum", "Objective", "Optimizer", "OptimizerSpec", "Param",
    "Summary", "Sweep", "Trajectory", "Tuning", "basins", "equations", "get_objective", "latex",
    "make_optimizer", "parse_objective", "run", "sweep", "tune",
]

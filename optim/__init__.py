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
from .batches import shuffled_batches
from .boundary import Boundary, decision_boundary
from .datasets import DATASETS, Points, load_points, make_dataset
from .edge import FLOAT64_LIMIT, Window, edge_cells, edge_share, zoom_toward_edge
from .equations import equations, latex
from .formula import parse_objective
from .landscape import Landscape, landscape, project
from .network import MLP
from .objective import Minimum, Objective
from .objectives import OBJECTIVES, get_objective
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer, notes
from .params import Param
from .run import DIVERGENCE_BOUND, run
from .schedules import SCHEDULES, Schedule, ScheduleSpec, make_schedule, schedule_formula
from .spec import FLAVORS, HYPERPARAMETERS, OptimizerSpec
from .speccheck import problems
from .speed import speed_ranks
from .stepping import Stepper
from .sweep import MAX_RUN_STEPS, Sweep, sweep
from .train import Training, train
from .trajectory import Summary, Trajectory
from .tuning import Tuning, tune

__all__ = [
    "DIVERGED", "DIVERGENCE_BOUND", "FLAVORS", "FLOAT64_LIMIT", "HYPERPARAMETERS", "MAX_RUN_STEPS",
    "NOT_CONVERGED", "OBJECTIVES", "OPTIMIZERS", "BasinMap", "Minimum", "Objective", "Optimizer", "OptimizerSpec",
    "Param", "Summary", "Sweep", "Trajectory", "Tuning", "Window", "basins", "edge_cells", "edge_share",
    "equations", "get_objective", "latex", "make_optimizer", "notes", "parse_objective", "problems", "run",
    "speed_ranks", "sweep", "tune", "zoom_toward_edge",
    "SCHEDULES", "Schedule", "ScheduleSpec", "Stepper", "make_schedule", "schedule_formula",
]
__all__ += [  # the network (issue 15)
    "DATASETS", "MLP", "Boundary", "Landscape", "Points", "Training", "decision_boundary", "landscape", "project",
    "load_points", "make_dataset", "shuffled_batches", "train",
]

"""Learning-rate schedules as torch, Keras and optax define them.

:data:`SCHEDULES` lists them (name -> :class:`ScheduleSpec`: parameters with
default, range, scale and help; per flavor the library code followed, or why
that library has none). :func:`make_schedule` configures one and
``optim.make_optimizer(..., schedule=...)`` gives it to an optimizer, whose
flavor decides whose semantics it follows. :mod:`optim.stepping` applies it
step by step.
"""

from .catalog import SCHEDULES
from .configure import Schedule, bind_schedule, make_schedule
from .formulas import ScheduleFormula, schedule_formula
from .spec import SCHEDULE_PARAMETERS, Program, ScheduleFlavor, ScheduleSpec

__all__ = [
    "SCHEDULES", "SCHEDULE_PARAMETERS", "Program", "Schedule", "ScheduleFlavor", "ScheduleSpec", "bind_schedule",
    "ScheduleFormula", "make_schedule", "schedule_formula",
]

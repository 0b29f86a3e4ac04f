"""What a rule asks the runner for: the ``Rule.needs`` extras on a 2-D objective.

:mod:`optim.spec` defines the protocol (``layout``, ``closure``, ``hessian``, passed as keywords to
both ``init`` and ``step``); this module builds them for :func:`optim.run`. A loop over a network
builds its own: its tensor shapes as ``layout``, a mini-batch closure, and no Hessian.
"""

from __future__ import annotations

import numpy as np

from .objective import Objective


def rule_extras(rule, obj: Objective, P: np.ndarray) -> dict:
    """The keyword arguments ``rule.needs`` asks for (see :mod:`optim.spec`), on objective ``obj`` at ``P``'s shape.

    Example:
        >>> import optim
        >>> newton = optim.make_optimizer("newton").rule
        >>> extras = rule_extras(newton, optim.get_objective("quadratic", a=1, b=10), np.zeros((2, 3)))
        >>> extras["hessian"](np.zeros((2, 3)))[:, :, 0].tolist()
        [[2.0, 0.0], [0.0, 20.0]]
    """
    extras = {}
    if "layout" in rule.needs:
        extras["layout"] = ((P.shape[0],),)
    if "closure" in rule.needs:
        def closure(Q):
            gx, gy = obj.gradient(Q[0], Q[1])
            return np.broadcast_to(obj.value(Q[0], Q[1]), Q.shape[1:]), np.stack(np.broadcast_arrays(gx, gy, Q[0])[:2])

        extras["closure"] = closure
    if "hessian" in rule.needs:
        if obj.hessian is None:
            raise ValueError(f"{obj.name} has no Hessian, which Newton's method needs; choose another objective.")
        extras["hessian"] = obj.hessian_at
    return extras


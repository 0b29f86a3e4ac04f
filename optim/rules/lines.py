"""Pieces the optimizers' equation builders share: how each library writes weight decay.

An equation builder returns its update as ``(lhs, rhs)`` lines in the language of
:mod:`optim.equations`; these helpers give the weight-decay line and the name the
rest of the update uses afterwards.
"""

from __future__ import annotations


def coupled(hp: dict) -> tuple[list, str]:
    """torch/optax coupled weight decay: its line, and the gradient's name afterwards.

    Example:
        >>> coupled({"weight_decay": 0.1})
        ([('gw', 'g + weight_decay*x')], 'gw')
    """
    if hp.get("weight_decay") and not hp.get("decoupled_weight_decay"):
        return [("gw", "g + weight_decay*x")], "gw"
    return [], "g"


def decoupled(hp: dict, form: str = "x - x*weight_decay*lr") -> tuple[list, str]:
    """Decoupled weight decay (Keras's form by default): its line, and the parameters' name afterwards.

    Example:
        >>> decoupled({"weight_decay": 0.1})
        ([('xd', 'x - x*weight_decay*lr')], 'xd')
    """
    if hp.get("weight_decay") and (hp.get("decoupled_weight_decay", True)):
        return [("xd", form)], "xd"
    return [], "x"

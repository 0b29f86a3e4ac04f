"""What an optimizer spec leaves out: one sentence per missing or inconsistent field.

The pages, the equations and the Inside page read everything about an optimizer from its
:class:`~optim.spec.OptimizerSpec`; :func:`problems` is how a person adding one finds out what
is still missing, and the test suite runs it over every registered spec.
"""

from __future__ import annotations

import re
from dataclasses import fields

import numpy as np

from .equations import render, spec_equations
from .params import resolve
from .spec import FAMILIES, FLAVORS, HYPERPARAMETERS, NEEDS, UNSET, OptimizerSpec

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def problems(spec: OptimizerSpec) -> list[str]:
    """Every field ``spec`` leaves out or gets wrong, each named in one sentence; empty when complete.

    Besides fields nobody set, it builds every flavor with its defaults on a 2-D point and checks
    that each per-coordinate buffer of the state is described in ``buffers``, that the equation
    variables and views name real state fields, and that the equations render.

    Example:
        >>> import optim
        >>> problems(optim.OPTIMIZERS["adam"])
        []
        >>> from dataclasses import replace
        >>> problems(replace(optim.OPTIMIZERS["adam"], color=optim.spec.UNSET))
        ['adam: color is not set.']
    """
    out = [f"{spec.name}: {f.name} is not set." for f in fields(spec) if getattr(spec, f.name) is UNSET]
    if out:
        return out
    if not spec.title or not spec.summary:
        out.append(f"{spec.name}: title and summary must say what it is.")
    if not spec.flavors or not set(spec.flavors) <= set(FLAVORS):
        out.append(f"{spec.name}: flavors must be some of {', '.join(FLAVORS)}.")
    if not COLOR.match(spec.color):
        out.append(f"{spec.name}: color must be '#rrggbb', got {spec.color!r}.")
    if spec.family not in FAMILIES:
        out.append(f"{spec.name}: family must be one of {', '.join(FAMILIES)}, got {spec.family!r}.")
    for flavor in spec.flavors:
        out += _flavor_problems(spec, flavor)
    return out


def _flavor_problems(spec: OptimizerSpec, flavor: str) -> list[str]:
    owner = f"{spec.name} ({flavor})"
    unknown = [n for n in spec.flavors[flavor].params if n not in HYPERPARAMETERS]
    if unknown:
        return [f"{owner}: hyperparameter {unknown[0]!r} is not in optim.HYPERPARAMETERS; add it there."]
    hp = resolve(spec.params(flavor), {}, owner)
    rule = spec.flavors[flavor].build(**hp)
    out = []
    if not rule.needs <= set(NEEDS):
        out.append(f"{owner}: Rule.needs may only name {', '.join(NEEDS)}.")
    x = np.array([[0.5], [-0.25]])
    state = rule.init(x, **sample_extras(rule.needs, x))
    names = set(state._fields)
    buffers = {n for n in names if np.shape(getattr(state, n)) == x.shape}
    for name in sorted(buffers - set(spec.buffers)):
        out.append(f"{owner}: buffers does not say what state field {name!r} means.")
    for var, name in spec.state_fields.items():
        if name not in names:
            out.append(f"{owner}: state_fields maps {var!r} to {name!r}, which its state does not have.")
    for label, view in (("average", spec.average), ("squares", spec.squares)):
        if view is not None and view.field not in names:
            out.append(f"{owner}: {label} reads state field {view.field!r}, which its state does not have.")
    try:
        render(spec, spec_equations(spec, flavor, hp))
    except (ValueError, KeyError, TypeError) as err:
        out.append(f"{owner}: equations do not render: {err}")
    return out


def sample_extras(needs, x: np.ndarray) -> dict:
    """The extras a rule asks for, on the bowl f = x^2 + 3 y^2 (for checks and tests)."""
    extras = {
        "layout": ((x.shape[0],),),
        "closure": lambda p: ((p * p * np.array([[1.0], [3.0]])).sum(axis=0), p * np.array([[2.0], [6.0]])),
        "hessian": lambda p: np.broadcast_to(np.diag([2.0, 6.0])[:, :, None], (2, 2, p.shape[1])),
    }
    return {n: extras[n] for n in needs}

"""Streamlit pieces of the "Inside RMSprop" page: its sidebar panels and cached runs.

Kept apart from the page so the page stays a layout: the optimizer picker (Playground-style: one
flavor, up to three optimizers, each with widgets generated from its spec), the experiments'
knobs (generated from the ``Param`` specs in ``ui.inside.state``), and cached runs on the plateau
objective, which is not in the core's registry and so cannot go through ``ui.compute``.
"""

from __future__ import annotations

import streamlit as st

import optim
from optim import Param

from ..model import OptConfig, effective_flavor, make_config
from ..model import with_flavor as in_flavor
from ..schedule.panel import schedule_editor
from ..state import seed
from ..widgets import (
    FLAVOR_HELP,
    FLAVOR_TITLES,
    help_text,
    hyperparameter_widgets,
    number_box,
    optimizer_title,
    param_widget,
    tidy_selection,
)
from .state import DECAY_OPTIONS, MAX_INSIDE, plateau

LEADS = ("rmsprop", "adagrad", "adam")
"""The seed articles' optimizers, offered first; the other adaptive ones (spec family) follow."""


def inside_choices() -> list[str]:
    """Optimizers in the picker's order: the seeds' three, the other adaptive ones, then the rest."""
    adaptive = [n for n, s in optim.OPTIMIZERS.items() if s.family == "adaptive" and n not in LEADS]
    return [*LEADS, *adaptive, *(n for n in optim.OPTIMIZERS if n not in LEADS and n not in adaptive)]


def optimizer_panel(prefix: str, flavor: str, optimizers: tuple[OptConfig, ...],
                    steps: int | None = None) -> tuple[str, list[OptConfig]]:
    """Flavor, up to :data:`MAX_INSIDE` optimizers and their settings, each with its learning-rate schedule
    (the effective learning rate the page draws includes it; ``steps``: the run's, where a newly picked
    one-cycle schedule ends); returns (flavor, configs)."""
    seed(f"{prefix}.flavor", flavor)
    flavor = st.segmented_control("Flavor", list(optim.FLAVORS), key=f"{prefix}.flavor", required=True,
                                  format_func=FLAVOR_TITLES.get, help=FLAVOR_HELP) or "textbook"
    seed(f"{prefix}.optimizers", [c.name for c in optimizers])
    names = st.multiselect(
        "Optimizers to look inside", inside_choices(),
        key=f"{prefix}.optimizers", format_func=optimizer_title, max_selections=MAX_INSIDE,
        on_change=tidy_selection, args=(f"{prefix}.optimizers", MAX_INSIDE),
        help=f"Up to {MAX_INSIDE}, each in its own colour. The adaptive ones come first; gradient descent "
             "and the momentum methods are there to compare against.")
    known = {c.name: c for c in optimizers}
    configs = []
    for i, name in enumerate(names):
        fl = effective_flavor(name, flavor)
        base = in_flavor(known[name], fl) if name in known else make_config(name, fl)
        spec = optim.OPTIMIZERS[name]
        with st.expander(f"{spec.title} settings", expanded=i == 0):
            st.caption(spec.summary)
            if fl != flavor:
                st.caption(f"{spec.title} has no {FLAVOR_TITLES[flavor]} flavor here; using {FLAVOR_TITLES[fl]}.")
            # One learning rate for both coordinates: the rows compare each step with plain lr x gradient.
            chosen = hyperparameter_widgets(base, f"{prefix}.opt.{name}", per_coordinate=False)
            cfg, _ = schedule_editor(chosen, f"{prefix}.opt.{name}", steps)
            configs.append(cfg)
    return flavor, configs


def knob_widgets(prefix: str, params: dict[str, Param], values: dict, *, decay: tuple[str, ...] = ()) -> dict:
    """One widget per experiment knob, keyed ``{prefix}.{name}``; returns the values.

    Names in ``decay`` get a slider over :data:`ui.inside.state.DECAY_OPTIONS` (0.5 to 0.999), log-scale
    parameters a log slider, ``steps`` a whole-number box, the rest a number box.
    """
    out = {}
    for name, p in params.items():
        key = f"{prefix}.{name}"
        label = {"lr": "Learning rate", "decay": "Decay β", "steep": "Steepness c of the bias direction",
                 "steps": "Steps", "eps": "Epsilon ε"}.get(name, name)
        if name in decay:
            seed(key, float(values[name]))
            options = sorted({*DECAY_OPTIONS, float(st.session_state[key])})
            out[name] = float(st.select_slider(label, options=options, key=key, help=help_text(p)))
        elif name == "steps":
            seed(key, int(values[name]))
            out[name] = int(number_box(label, int(p.low), int(p.high), step=10, key=key, help=help_text(p)))
        else:
            out[name] = param_widget(p, key, values[name], text=label)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def plateau_trajectory(name: str, flavor: str, hp: tuple, steps: int) -> optim.Trajectory:
    """A run on :func:`ui.inside.state.plateau` from its start (shared, read-only: trajectories are not copied)."""
    opt = optim.make_optimizer(name, flavor, **dict(hp))
    return optim.run(opt, plateau(), x0=list(plateau().start), steps=int(steps))

"""One optimizer configuration edited in the sidebar: optimizer, library flavor and settings, in an expander.

Compare and Basin maps both list several configurations; each gets this editor, named by its number,
optimizer and flavor. A new flavor brings that library's defaults for every setting the person has not
changed on purpose (:func:`ui.model.with_flavor`), and a line under the settings says which settings
differ from the library's defaults.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import optim

from .model import OptConfig, make_config, with_flavor
from .report import settings_note
from .schedule.panel import schedule_editor
from .setup.panel import settings_expander
from .state import seed
from .widgets import FLAVOR_HELP, FLAVOR_TITLES, hyperparameter_widgets, optimizer_title, set_hyperparameter_widgets


def config_editor(key: str, number: int, base: OptConfig, *, expanded: bool = False,
                  help_text: str = "The optimizer of this configuration.",
                  remove: Callable[[], None] | None = None, rate_slots: list | None = None,
                  steps: int | None = None, per_coordinate: bool = True) -> OptConfig:
    """Widgets for configuration ``number`` (1-based), keyed under ``key``; returns the edited configuration.

    ``base`` is the configuration as the page last ran it, and what a closed card returns: a closed card draws no
    widgets (its rate slot is None). The expander's title is read from the widgets'
    values as this run starts, so it names what the widgets hold, not what they held a change ago.
    ``remove``: a callback for a "Remove" button at the bottom (no button when None). On a page that runs
    schedules, ``rate_slots`` (a list) gets the configuration's learning-rate schedule editor
    (:func:`ui.schedule.panel.schedule_editor`, keyed ``{key}.schedule``) and the slot for its rate chart
    appended (``steps``: the run's length, where a newly picked one-cycle schedule ends); elsewhere the
    configuration keeps a constant rate. ``per_coordinate``: offer y its own learning rate (``lr_y``) where the
    optimizer allows it; False where the parameters are not a 2-D point (a network's weights).
    """
    ss = st.session_state
    shown_name = ss.get(f"{key}.name", base.name)
    shown_name = shown_name if shown_name in optim.OPTIMIZERS else base.name  # a forged value names nothing
    shown_flavor = ss.get(f"{key}.flavor", base.flavor)
    title = f"{number}. {optimizer_title(shown_name)} · {FLAVOR_TITLES.get(shown_flavor, 'Textbook')}"
    # A closed card draws no widgets: a move on one card does not pay for the five nobody is looking at.
    with settings_expander(title, f"{key}.card", expanded=expanded) as card:
        if not card.open:
            if rate_slots is not None:
                rate_slots.append(None)
            ss[f"_{key}.ran"] = base
            return base
        seed(f"{key}.name", base.name)
        name = st.selectbox("Optimizer", list(optim.OPTIMIZERS), key=f"{key}.name", format_func=optimizer_title,
                            help=help_text)
        st.caption(optim.OPTIMIZERS[name].summary)
        flavors = list(optim.OPTIMIZERS[name].flavors)
        seed(f"{key}.flavor", base.flavor)
        if ss[f"{key}.flavor"] not in flavors:
            ss[f"{key}.flavor"] = optim.OPTIMIZERS[name].default_flavor
        flavor = st.selectbox("Flavor", flavors, key=f"{key}.flavor", format_func=FLAVOR_TITLES.get,
                              help=FLAVOR_HELP, on_change=_switch_flavor, args=(key,))
        cfg = with_flavor(base, flavor) if base.name == name else make_config(name, flavor)
        cfg = hyperparameter_widgets(cfg, f"{key}.{name}", per_coordinate=per_coordinate)
        if rate_slots is not None:
            cfg, slot = schedule_editor(cfg, key, steps)
            rate_slots.append(slot)
        st.caption(settings_note(cfg))
        if remove is not None:
            st.button("Remove", key=f"{key}.remove", on_click=remove, icon=":material/delete:", type="tertiary")
    ss[f"_{key}.ran"] = cfg  # what this run ended with: the flavor callback starts from it
    return cfg


def _switch_flavor(key: str) -> None:
    """Callback: the new flavor's defaults go into the settings the person had not changed on purpose.

    It starts from the configuration the last run ended with (its settings as the person left them), not
    from one captured when the widget was drawn, which would be a change behind.
    """
    ss = st.session_state
    ran = ss.get(f"_{key}.ran")
    if ran is not None and ss[f"{key}.name"] == ran.name:
        set_hyperparameter_widgets(with_flavor(ran, ss[f"{key}.flavor"]), f"{key}.{ran.name}")

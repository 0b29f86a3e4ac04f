"""The Train page's sidebar: the points (generated or an uploaded CSV), the network, the configurations, the training.

Every widget is seeded from the page's :class:`ui.train.state.TrainState`, so a link opens the view it
describes. The configurations are edited as on Compare (:func:`ui.config_editor.config_editor`, with a
schedule each), numbered afresh for each new link. An unusable file gets one sentence under the uploader,
and the page trains on the generated points meanwhile, so it keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import streamlit as st

import optim

from .. import state
from ..config_editor import config_editor
from ..model import MAX_CONFIGS, make_config
from ..widgets import param_widget
from .runs import generated_source, points, upload_source
from .state import DATASETS, PARAMS, UPLOAD, TrainState, n_train, steps_for

SOURCES = {**DATASETS, UPLOAD: "Upload a CSV…"}
UPLOAD_NOTE = (f"A CSV with three columns, x1, x2 and a whole-number label (2 to {optim.datasets.MAX_CLASSES} "
               f"classes; an optional header row), up to {optim.csvtable.MAX_CSV_BYTES / 1e6:g} MB and "
               f"{optim.csvtable.MAX_ROWS:,} rows; a fifth of the rows are held out as test points. The file stays "
               "in this browser tab: the page address cannot carry it, so a copied link asks for it again.")


@dataclass(frozen=True)
class Choice:
    """What the sidebar chose: the page state, the points to train on, and what to say about an upload."""

    state: TrainState
    source: tuple
    upload_error: str | None = None
    waiting_for_file: bool = False


def _uids(page: str) -> list[int]:
    """The configurations' stable widget numbers: renumbered for each new link, kept across additions."""
    ss = st.session_state
    if ss.get(f"_{page}.uids_for") is not state.loaded(page):
        ss[f"_{page}.uids"] = list(range(len(state.current(page).configs)))
        ss[f"_{page}.uids_for"] = state.loaded(page)
    return ss[f"_{page}.uids"]


def _add(page: str) -> None:
    """Callback: a new configuration, copied from the last one so one setting can be changed."""
    latest: TrainState = state.current(page)
    uids = st.session_state[f"_{page}.uids"]
    if len(uids) >= MAX_CONFIGS:
        return
    state.update(page, configs=latest.configs + (latest.configs[-1],))
    st.session_state[f"_{page}.uids"] = uids + [max(uids, default=-1) + 1]


def _remove(page: str, uid: int) -> None:
    latest: TrainState = state.current(page)
    uids = st.session_state[f"_{page}.uids"]
    if uid not in uids or len(uids) <= 1:
        return
    i = uids.index(uid)
    state.update(page, configs=latest.configs[:i] + latest.configs[i + 1:], run=1)
    st.session_state[f"_{page}.uids"] = uids[:i] + uids[i + 1:]
    st.session_state.pop(f"{page}.run", None)


def _number(page: str, name: str, value, text: str):
    return param_widget(PARAMS[name], f"{page}.{name}", value, text=text)


def _data(page: str, s: TrainState) -> tuple[dict, tuple | None, str | None, bool]:
    state.seed(f"{page}.data", s.data)
    data = st.selectbox("Points", list(SOURCES), key=f"{page}.data", format_func=SOURCES.get,
                        help="Two-dimensional points in two classes to separate, after TensorFlow Playground's "
                             "toy sets, or your own file.")
    values: dict = {"data": data}
    if data == UPLOAD:
        file = st.file_uploader("CSV of x1, x2, label", type=["csv", "txt"], key=f"{page}.upload",
                                max_upload_size=1, help=UPLOAD_NOTE)
        st.caption(UPLOAD_NOTE)
        if file is None:
            return values, None, None, True
        source = upload_source(file.name, file.getvalue())
        try:
            points(source)
        except ValueError as e:
            message = f"Cannot use this file: {e}"
            st.error(message, icon=":material/error:")
            return values, None, message, False
        return values, source, None, False
    values["noise"] = _number(page, "noise", s.noise, "Noise")
    values["n"] = _number(page, "n", s.n, "Points (training and test)")
    values["data_seed"] = _number(page, "data_seed", s.data_seed, "Data seed")
    return values, None, None, False


def sidebar(page: str, s: TrainState) -> tuple[Choice, list]:
    """The sidebar's widgets (call inside ``st.sidebar``): the choice, and the slots for each configuration's
    learning-rate chart (``ui.schedule_panel.draw_schedule`` fills them once the steps are known)."""
    st.subheader("Data")
    values, source, upload_error, waiting = _data(page, s)
    st.subheader("Network")
    values["layers"] = _number(page, "layers", s.layers, "Hidden layers")
    values["width"] = _number(page, "width", s.width, "Units per hidden layer")
    values["activation"] = _number(page, "activation", s.activation, "Activation")
    st.subheader("Training")
    values["batch"] = _number(page, "batch", s.batch, "Batch size")
    values["epochs"] = _number(page, "epochs", s.epochs, "Epochs")
    values["seeds"] = _number(page, "seeds", s.seeds, "Seeds (K) per configuration")
    source = source or generated_source(replace(s, **values))  # while a file is missing or bad: generated points
    n = len(points(source)) if source[0] == "upload" else n_train(values.get("n", s.n))
    steps = steps_for(n, values["batch"], values["epochs"])
    st.subheader("Configurations")
    uids = _uids(page)
    configs, rate_slots = [], []
    canonical = state.current(page).configs
    for i, uid in enumerate(uids):
        base = canonical[i] if i < len(canonical) else make_config("gd")
        configs.append(config_editor(f"{page}.{uid}", i + 1, base, expanded=i == 0,
                                     remove=partial(_remove, page, uid) if len(uids) > 1 else None,
                                     rate_slots=rate_slots, steps=steps, per_coordinate=False))
    st.button("Add configuration", on_click=_add, args=(page,), disabled=len(uids) >= MAX_CONFIGS,
              icon=":material/add:", help=f"Adds a copy of the last configuration (at most {MAX_CONFIGS}).")
    new = replace(s, **values, configs=tuple(configs), run=min(s.run, len(configs)), run_seed=min(s.run_seed,
                  values["seeds"]))
    return Choice(new, source, upload_error, waiting), rate_slots

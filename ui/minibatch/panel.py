"""Widgets of the Mini-batch page: the model, the data (generated or an uploaded CSV), the batches, the rates.

Every widget is seeded from the page's :class:`ui.minibatch.state.MiniBatchState` (so a link opens the
view it describes) and the panel returns the edited state plus the key of the data to train on.
An unusable file gets one sentence under the uploader, and the page trains on the generated data
meanwhile, so it keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from optim import models

from ..setup.formula import plain
from ..state import seed
from ..widgets import help_text, number_box, param_widget
from . import state as mb

SOURCES = {"generated": "Generated", "upload": "Uploaded CSV"}
UPLOAD_NOTE = (f"A CSV with two numeric columns, x and y (an optional header row), up to "
               f"{models.MAX_CSV_BYTES / 1e6:g} MB and {models.MAX_ROWS:,} rows. The file stays in this browser "
               "tab: the page address cannot carry it, so a copied link opens with generated data and asks for "
               "the file again.")


@dataclass(frozen=True)
class Choice:
    """What the sidebar chose: the page state, the data to train on, and what to say about an upload."""

    state: mb.MiniBatchState
    source: tuple
    upload_error: str | None = None
    waiting_for_file: bool = False


def _int(prefix: str, name: str, text: str, value: int, step: int = 1) -> int:
    p = mb.PARAMS[name]
    key = f"{prefix}.{name}"
    seed(key, int(value))
    return int(number_box(text, int(p.low), int(p.high), step=step, key=key, help=help_text(p)))


def sidebar(prefix: str, state: mb.MiniBatchState) -> Choice:
    """The model, data and batch widgets (call inside ``st.sidebar``)."""
    seed(f"{prefix}.model", state.model)
    model = st.radio("Model", list(mb.MODELS), key=f"{prefix}.model", format_func=mb.MODELS.get,
                     help="What is fitted to the data: a line by least squares, or a 0/1 classifier by log loss. "
                          "Either way there are two parameters, the weight W and the bias b.")
    seed(f"{prefix}.source", "upload" if state.upload else "generated")
    source_kind = st.segmented_control("Data", list(SOURCES), key=f"{prefix}.source", format_func=SOURCES.get,
                                       required=True) or "generated"
    values: dict = {}
    upload_error, waiting = None, False
    source = None
    if source_kind == "upload":
        file = st.file_uploader("Two-column CSV (x, y)", type=["csv", "txt"], key=f"{prefix}.upload",
                                max_upload_size=1, help=UPLOAD_NOTE)
        st.caption(UPLOAD_NOTE)
        if file is None:
            waiting = True
        else:
            content = file.getvalue()
            try:
                mb.read_upload(content, file.name, model)
                source = mb.upload_source(model, file.name, content)
            except ValueError as e:
                upload_error = f"Cannot use this file: {plain(str(e))}"
                st.error(upload_error, icon=":material/error:")
    if source_kind == "generated" or source is None:
        if source_kind == "generated":
            rule = "y = 2 x + 1 + noise." if model == "linear" else "label 1 where 2 x / scale − 0.5 + noise > 0."
            st.caption(f"Generated data: x has the feature scale as its standard deviation; {rule}")
            values["n"] = _int(prefix, "n", "Samples", state.n, 50)
            values["noise"] = param_widget(mb.PARAMS["noise"], f"{prefix}.noise", state.noise, text="Noise")
            values["scale"] = param_widget(mb.PARAMS["scale"], f"{prefix}.scale", state.scale,
                                           text="Feature scale (std of x)")
            values["data_seed"] = _int(prefix, "data_seed", "Data seed", state.data_seed)
    st.subheader("Mini-batches", divider="gray")
    values["batch"] = _int(prefix, "batch", "Batch size", state.batch, 5)
    values["epochs"] = _int(prefix, "epochs", "Epochs", state.epochs, 10)
    values["shuffle"] = _int(prefix, "shuffle", "Shuffle seed", state.shuffle)
    new = replace(state, model=model, upload=source_kind == "upload", **values)
    return Choice(new, source or mb.generated_source(new), upload_error, waiting)


def learning_rates(prefix: str, state: mb.MiniBatchState) -> mb.MiniBatchState:
    """One learning-rate slider per optimizer, named after it, and what each sees per step."""
    st.subheader("Learning rates")
    lrs = []
    for name, lr in state.lrs:
        lrs.append((name, param_widget(mb.lr_param(name), f"{prefix}.{name}.lr", lr, text=mb.TITLES[name])))
    st.caption(f"{mb.TITLES['gd']} sees all the data at every step; the others take one step per mini-batch "
               f"of {state.batch}.")
    return replace(state, lrs=tuple(lrs))

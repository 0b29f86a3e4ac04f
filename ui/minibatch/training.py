"""Cached data, objectives and training runs for the Mini-batch page.

A source key (:func:`ui.minibatch.state.generated_source` or :func:`ui.minibatch.state.upload_source`) names
the data; the caches are bounded and keyed on plain values, so changing one optimizer's learning
rate reruns only that optimizer, and moving back to a setting seen before costs a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import optim
from optim import models

from . import state as mb


@dataclass(frozen=True)
class Problem:
    """The data and the two views of its loss: full batch (for gradient descent) and mini-batch."""

    data: models.Dataset
    full: optim.Objective
    minibatch: optim.Objective
    steps_per_epoch: int


@st.cache_resource(max_entries=8, show_spinner=False)
def problem(source: tuple, batch: int, epochs: int, shuffle: int) -> Problem:
    """The data of ``source`` and its objectives; ValueError with one sentence if unusable."""
    data = mb.load(source)
    model = source[1]
    mb.check_work(model, len(data), batch, epochs)
    full, mini = mb.objectives(model, data, batch, epochs, shuffle)
    return Problem(data, full, mini, mb.steps_per_epoch(len(data), batch))


@st.cache_resource(max_entries=4, show_spinner=False)
def contour(source: tuple) -> tuple[optim.Objective, bool]:
    """The loss to draw as a map, and whether it summarizes the data (see :func:`ui.minibatch.state.contour_objective`).

    Keyed on the data alone: its memoized grids then survive changes of batch, epochs and rates.
    """
    data = mb.load(source)
    return mb.contour_objective(mb.full_objective(source[1], data), data, source[1])


@st.cache_data(max_entries=64, show_spinner=False)
def _run(source: tuple, batch: int, epochs: int, shuffle: int, name: str, lr: float) -> dict:
    p = problem(source, batch, epochs, shuffle)
    full_batch = name == "gd"
    t = optim.run(mb.make_optimizer(name, lr), p.full if full_batch else p.minibatch, x0=(0.0, 0.0),
                  steps=epochs * (1 if full_batch else p.steps_per_epoch))
    return dict(xs=t.xs, losses=t.losses, final_x=t.final_x, final_loss=t.final_loss, best_loss=t.best_loss,
                converged_at=t.converged_at, diverged_at=t.diverged_at, steps=t.steps)


def trajectory(source: tuple, batch: int, epochs: int, shuffle: int, name: str, lr: float) -> optim.Trajectory:
    """Optimizer ``name`` trained from (0, 0): one step per epoch for ``gd``, one per mini-batch otherwise.

    ``losses`` is the exact full-batch loss after every step.
    """
    p = problem(source, batch, epochs, shuffle)
    d = _run(source, batch, epochs, shuffle, name, lr)
    obj = p.full if name == "gd" else p.minibatch
    return optim.Trajectory(mb.make_optimizer(name, lr), obj, d["steps"], d["final_x"], d["final_loss"],
                            d["best_loss"], d["converged_at"], d["diverged_at"], xs=d["xs"], losses=d["losses"])


def clear_caches() -> None:
    """Forget every cached problem, contour and training run: the next call computes again. For tests that
    count the core's calls."""
    for cached in (problem, contour, _run):
        cached.clear()

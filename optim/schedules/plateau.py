"""Reduce the learning rate on a plateau of the loss, as torch, Keras and optax each do it.

Each program is told, before step k, the loss at the point that step starts
from (the new point step k - 1 reached), one value per run, and keeps its
counters per run. torch's ``ReduceLROnPlateau.step(loss)`` and Keras's
``ReduceLROnPlateau.on_epoch_end`` are called after every optimizer step with
the loss at the new point, so they never see the start point's loss; optax's
``contrib.reduce_on_plateau`` is given ``value=loss`` with each update, the loss
at the point being updated, the start point included. The three differ in
detail (what patience counts, the cooldown, the threshold), and each program
follows its library's arithmetic.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .spec import Program

TORCH_EPS = 1e-8
"""torch ignores a reduction smaller than this (ReduceLROnPlateau's ``eps``)."""


class PlateauState(NamedTuple):
    lr: np.ndarray
    best: np.ndarray
    bad: np.ndarray
    cooldown: np.ndarray


def _start(lr, width) -> PlateauState:
    return PlateauState(np.broadcast_to(np.asarray(lr, dtype=np.float64), width).copy(),
                        np.full(width, np.inf), np.zeros(width, dtype=np.int64), np.zeros(width, dtype=np.int64))


def _width(p, hp) -> tuple[int]:
    return np.broadcast(*(np.atleast_1d(v) for v in (hp["lr"], *p.values()))).shape


def torch(p, hp, cycled) -> Program:
    """ReduceLROnPlateau(mode="min", factor, patience, threshold, threshold_mode, cooldown, min_lr), eps 1e-8."""
    rel = np.asarray(p["threshold_mode"]) == "rel"
    factor, patience, threshold, min_lr = p["factor"], p["patience"], p["threshold"], p["min_lr"]

    def advance(s: PlateauState, k0, n, loss=None):
        if k0 > 0:
            with np.errstate(invalid="ignore"):
                better = np.where(rel, loss < s.best * (1.0 - threshold), loss < s.best - threshold)
            best = np.where(better, loss, s.best)
            bad = np.where(better, 0, s.bad + 1)
            cool = s.cooldown > 0
            bad = np.where(cool, 0, bad)
            cooldown = np.where(cool, s.cooldown - 1, s.cooldown)
            reduce = bad > patience
            lower = s.lr * factor
            lower = np.where(min_lr > lower, min_lr, lower)
            lr = np.where(reduce & (s.lr - lower > TORCH_EPS), lower, s.lr)
            s = PlateauState(lr, best, np.where(reduce, 0, bad), np.where(reduce, p["cooldown"], cooldown))
        return {"lr": s.lr[None]}, s

    return Program(advance, _start(hp["lr"], _width(p, hp)), needs_loss=True)


def keras(p, hp, cycled) -> Program:
    """keras.callbacks.ReduceLROnPlateau(monitor="loss", mode="min", factor, patience, min_delta=threshold,
    cooldown, min_lr), its ``on_epoch_end`` called after every step; the first loss is the first best."""
    factor, patience, min_delta, min_lr = p["factor"], p["patience"], p["threshold"], p["min_lr"]

    def advance(s: PlateauState, k0, n, loss=None):
        if k0 > 0:
            was_cool = s.cooldown > 0
            cooldown = np.where(was_cool, s.cooldown - 1, s.cooldown)
            bad = np.where(was_cool, 0, s.bad)
            with np.errstate(invalid="ignore"):
                better = (loss + min_delta < s.best) | (k0 == 1)
            best = np.where(better, loss, s.best)
            count = ~better & (cooldown <= 0)
            bad = np.where(better, 0, np.where(count, bad + 1, bad))
            reduce = count & (bad >= patience) & (np.float32(s.lr) > np.float32(min_lr))
            lower = s.lr * factor
            lr = np.where(reduce, np.where(min_lr > lower, min_lr, lower), s.lr)
            s = PlateauState(lr, best, np.where(reduce, 0, bad), np.where(reduce, p["cooldown"], cooldown))
        return {"lr": s.lr[None]}, s

    return Program(advance, _start(hp["lr"], _width(p, hp)), needs_loss=True)


def optax(p, hp, cycled) -> Program:
    """chain(optimizer, contrib.reduce_on_plateau(factor, patience, rtol, atol, cooldown, min_scale=min_lr / lr)).

    threshold_mode "rel" is rtol=threshold, atol=0; "abs" is rtol=0, atol=threshold. The
    state's ``lr`` is optax's scale; the rate in force is lr * scale.
    """
    lr0 = hp["lr"]
    rel = np.asarray(p["threshold_mode"]) == "rel"
    rtol, atol = np.where(rel, p["threshold"], 0.0), np.where(rel, 0.0, p["threshold"])
    factor, patience, min_scale = p["factor"], p["patience"], p["min_lr"] / lr0

    def advance(s: PlateauState, k0, n, loss=None):
        with np.errstate(invalid="ignore"):
            better = loss < (1 - rtol) * s.best - atol
        best = np.where(better, loss, s.best)
        count = np.where(better, 0, s.bad + 1)
        cool = s.cooldown > 0
        hit = ~cool & (count == patience)
        scale = np.where(hit, np.maximum(s.lr * factor, min_scale), np.where(cool, s.lr, np.maximum(s.lr, min_scale)))
        s = PlateauState(scale, best, np.where(cool | hit, 0, count),
                         np.where(cool, s.cooldown - 1, np.where(hit, p["cooldown"], 0)))
        return {"lr": (lr0 * s.lr)[None]}, s

    return Program(advance, _start(1.0, _width(p, hp)), needs_loss=True)

"""Adafactor (Shazeer and Stern 2018): RMSprop with a rising decay, a relative step and, for matrices,
a second moment stored as row and column averages.

The decay of the squared-gradient average rises toward 1 as 1 - t^beta2_decay, the update is
clipped to RMS at most ``clip_threshold``, and the step is relative: scaled by the parameters' own
RMS (at least eps2) times min(lr, 1/sqrt(t)). For a matrix (a network's weights) the second
moment is the outer product of its row and column averages, which is what saves memory; a 2-D
objective's point is one vector, so there it is RMSprop with those three twists. Each library
works tensor by tensor (``layout``): torch and Keras factor every matrix, optax only those whose
two largest sides are at least ``min_dim_to_factor``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, lerp
from .tensors import norm, pieces, rms, tensor


class AdafactorState(NamedTuple):
    t: int
    v: np.ndarray  # (P, B) second moment of unfactored tensors (Keras: of every tensor)
    row: np.ndarray  # (R, B) row averages of factored tensors
    col: np.ndarray  # (C, B) column averages of factored tensors
    m: np.ndarray  # (P, B) optax's momentum
    rate: np.ndarray  # (P, B) the factor the last step multiplied the gradient by, for teaching


def _last_two(shape):
    """torch and Keras: factor the last two axes of any tensor with two or more."""
    return (len(shape) - 1, len(shape) - 2) if len(shape) >= 2 else None


def _optax_axes(min_dim):
    def axes(shape):
        if len(shape) < 2:
            return None
        order = np.argsort(shape)
        if shape[order[-2]] < min_dim:
            return None
        return int(order[-1]), int(order[-2])  # optax's d0 (averaged away in v_row), d1

    return axes


def _init(axes):
    """State sized for ``layout``: rows and columns of the tensors ``axes`` factors."""

    def init(p, layout):
        R = C = 0
        for _, shape in pieces(layout):
            pair = axes(shape)
            if pair is not None:
                size = int(np.prod(shape))
                R, C = R + size // shape[pair[0]], C + size // shape[pair[1]]
        B = p.shape[1]
        z = np.zeros_like(p)
        return AdafactorState(0, z, np.zeros((R, B)), np.zeros((C, B)), z, z)

    return init


def _tensors(p, g, s, layout, axes):
    """(tensor view of p, of g, of v, row and column slices or None, shape) per tensor."""
    r = c = 0
    for rows, shape in pieces(layout):
        pair = axes(shape)
        if pair is None:
            yield rows, shape, None, None, None
            continue
        size = int(np.prod(shape))
        nr, nc = size // shape[pair[0]], size // shape[pair[1]]
        yield rows, shape, pair, slice(r, r + nr), slice(c, c + nc)
        r, c = r + nr, c + nc


def torch(lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay) -> Rule:
    """torch.optim.Adafactor (d is clip_threshold, eps = (eps1, eps2)), single-tensor arithmetic."""

    def step(p, g, s, layout):
        t = s.t + 1
        w = t**beta2_decay
        rho = np.minimum(lr, 1 / t**0.5)
        new = [np.array(a, copy=True) for a in (p, s.v, s.row, s.col, s.rate)]
        P, V, ROW, COL, RATE = new
        for rows, shape, pair, rr, cc in _tensors(p, g, s, layout, _last_two):
            x, gt, n = tensor(p, rows, shape), tensor(g, rows, shape), int(np.prod(shape))
            alpha = np.maximum(eps2, norm(x, shape) / n**0.5) * rho
            if not is_zero(weight_decay):
                x = x * (1 - lr * weight_decay)
            if pair is None:
                var = lerp(tensor(s.v, rows, shape), gt * gt, w)
                V[rows] = var.reshape(-1, p.shape[1])
            else:
                row_shape, col_shape = shape[:-1] + (1,), shape[:-2] + (1, shape[-1])
                row_mean = np.sqrt(np.sum(gt * gt, axis=-2, keepdims=True)) ** 2 / shape[-1]
                col_mean = np.sqrt(np.sum(gt * gt, axis=-3, keepdims=True)) ** 2 / shape[-2]
                row = lerp(s.row[rr].reshape(row_shape + (-1,)), row_mean, w)
                col = lerp(s.col[cc].reshape(col_shape + (-1,)), col_mean, w)
                ROW[rr], COL[cc] = row.reshape(-1, p.shape[1]), col.reshape(-1, p.shape[1])
                var = row * col / np.maximum(np.mean(row, axis=-3, keepdims=True), eps1)
            scale = 1 / np.sqrt(np.maximum(var, eps1 * eps1))
            update = scale * gt
            denom = np.maximum(1.0, norm(update, shape) / (n**0.5 * clip_threshold))
            P[rows] = (x + -alpha / denom * update).reshape(-1, p.shape[1])
            RATE[rows] = (alpha / denom * scale).reshape(-1, p.shape[1])
        return P, AdafactorState(t, V, ROW, COL, s.m, RATE)

    return Rule(_init(_last_two), step, lambda s: s.rate, frozenset({"layout"}))


def f32(a):
    """``a`` rounded to float32 (and back): what Keras's ops.minimum and ops.maximum return on the torch backend."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def keras_mean(a, axis, keepdims=False):
    """Keras's ops.mean on the torch backend: the values rounded to float32 and averaged in float32."""
    return np.mean(np.asarray(a, dtype=np.float32), axis=axis, keepdims=keepdims, dtype=np.float32).astype(np.float64)


def keras_rms(a, shape):
    return np.sqrt(keras_mean(a * a, tuple(range(len(shape))), keepdims=True))


def keras(lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay) -> Rule:
    """keras.optimizers.Adafactor (relative_step changes nothing: the step is min(lr, 1/sqrt(t)) either way).

    On the torch backend Keras 3.15.1's ``ops.minimum``, ``ops.maximum`` and ``ops.mean`` work in
    float32 even on float64 inputs, so the relative step, the RMS values and the clipping factor are
    rounded to float32 as there.
    """

    def step(p, g, s, layout):
        t = float(s.t + 1)
        if not is_zero(weight_decay):
            p = p - p * weight_decay * lr
        rho = np.minimum(f32(lr), f32(1 / np.sqrt(t)))  # Keras 3.15's torch backend: min/max come out in float32
        beta = 1 - t**beta2_decay
        P, V, ROW, COL, RATE = (np.array(a, copy=True) for a in (p, s.v, s.row, s.col, s.rate))
        for rows, shape, pair, rr, cc in _tensors(p, g, s, layout, _last_two):
            x, gt = tensor(p, rows, shape), tensor(g, rows, shape)
            alpha = f32(np.maximum(f32(eps2), f32(keras_rms(x, shape))) * rho)
            reg = gt * gt + eps1
            if pair is None:
                v = beta * tensor(s.v, rows, shape) + (1 - beta) * reg
            else:
                row = beta * s.row[rr].reshape(shape[:-1] + (-1,)) + (1 - beta) * keras_mean(reg, -2)
                col = beta * s.col[cc].reshape(shape[:-2] + shape[-1:] + (-1,)) + (1 - beta) * keras_mean(reg, -3)
                ROW[rr], COL[cc] = row.reshape(-1, p.shape[1]), col.reshape(-1, p.shape[1])
                v = np.expand_dims(row / keras_mean(row, -2, keepdims=True), -2) * np.expand_dims(col, -3)
            V[rows] = v.reshape(-1, p.shape[1])
            u = gt / np.sqrt(v)
            clip = np.maximum(1.0, f32(keras_rms(u, shape) / clip_threshold))
            P[rows] = (x - alpha * (u / clip)).reshape(-1, p.shape[1])
            RATE[rows] = (alpha / clip / np.sqrt(v)).reshape(-1, p.shape[1])
        return P, AdafactorState(int(t), V, ROW, COL, s.m, RATE)

    return Rule(_init(_last_two), step, lambda s: s.rate, frozenset({"layout"}))


def optax_decay(t: int, beta2_decay) -> tuple[np.ndarray, np.ndarray]:
    """optax's (decay_t, 1 - decay_t): 1 - t^beta2_decay worked out in float32, as optax does.

    Example:
        >>> [float(v) for v in optax_decay(2, -0.8)]
        [0.42565083503723145, 0.5743491649627686]
    """
    power = np.float32(float(t) ** np.asarray(beta2_decay, dtype=np.float32).astype(np.float64))
    decay = np.float32(1.0) - power
    return np.float64(decay) if np.ndim(decay) == 0 else decay.astype(np.float64), \
        np.asarray(np.float32(1.0) - decay, dtype=np.float64)


def optax(lr, beta2_decay, eps1, clip_threshold, param_scale, momentum, weight_decay, min_dim_to_factor) -> Rule:
    """optax.adafactor: factored RMS, clip by block RMS, lr, parameter scale, momentum, weight decay, then -1."""
    axes = _optax_axes(min_dim_to_factor)

    def step(p, g, s, layout):
        t = s.t + 1
        decay, keep = optax_decay(t, beta2_decay)
        P, V, ROW, COL, M, RATE = (np.array(a, copy=True) for a in (p, s.v, s.row, s.col, s.m, s.rate))
        for rows, shape, pair, rr, cc in _tensors(p, g, s, layout, axes):
            x, gt = tensor(p, rows, shape), tensor(g, rows, shape)
            reg = gt * gt + eps1
            if pair is None:
                v = decay * tensor(s.v, rows, shape) + keep * reg
                V[rows] = v.reshape(-1, p.shape[1])
                factor = 1 / np.sqrt(v)
            else:
                d0, d1 = pair
                row = decay * s.row[rr].reshape(shape[:d0] + shape[d0 + 1:] + (-1,)) + keep * np.mean(reg, axis=d0)
                col = decay * s.col[cc].reshape(shape[:d1] + shape[d1 + 1:] + (-1,)) + keep * np.mean(reg, axis=d1)
                ROW[rr], COL[cc] = row.reshape(-1, p.shape[1]), col.reshape(-1, p.shape[1])
                reduced = d1 - 1 if d1 > d0 else d1
                row_factor = 1 / np.sqrt(row / np.mean(row, axis=reduced, keepdims=True))
                factor = np.expand_dims(row_factor, d0) * np.expand_dims(1 / np.sqrt(col), d1)
            u = gt * factor
            clip = np.maximum(1.0, rms(u, shape) / clip_threshold)
            u = u / clip * lr
            scale = lr / clip
            if param_scale is not False:
                size = rms(x, shape)
                block = np.where(size <= 1e-3, 1e-3, size)
                u = np.where(param_scale, u * block, u)
                scale = np.where(param_scale, scale * block, scale)
            if not is_zero(momentum):
                u = (1 - momentum) * u + momentum * tensor(s.m, rows, shape)
                M[rows] = u.reshape(-1, p.shape[1])
            if not is_zero(weight_decay):
                u = u + weight_decay * x
            P[rows] = (x + u * -1).reshape(-1, p.shape[1])
            RATE[rows] = (scale * factor).reshape(-1, p.shape[1])
        return P, AdafactorState(t, V, ROW, COL, M, RATE)

    return Rule(_init(axes), step, lambda s: s.rate, frozenset({"layout"}))


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    wd = hp.get("weight_decay")
    if flavor == "torch":
        pre = [("xd", "x*(1 - lr*weight_decay)")] if wd else []
        return [("w", "t^beta2_decay"), ("rho", "min(lr, 1/sqrt(t))"), ("alpha", "max(eps2, sqrt(mean(x^2)))*rho"),
                *pre, ("v", "v + (g^2 - v)*w"), ("u", "g/sqrt(max(v, eps1^2))"),
                ("den", "max(1, sqrt(mean(u^2))/clip_threshold)"),
                ("x", f"{'xd' if wd else 'x'} - alpha/den*u")], NOTES
    if flavor == "keras":
        pre, X = ([("xd", "x - x*weight_decay*lr")], "xd") if wd else ([], "x")
        return [*pre, ("rho", "min(f32(lr), f32(1/sqrt(t)))"),
                ("alpha", f"f32(max(f32(eps2), f32(sqrt(f32(mean(f32({X}^2))))))*rho)"),
                ("w", "1 - t^beta2_decay"), ("v", "w*v + (1 - w)*(g^2 + eps1)"), ("u", "g/sqrt(v)"),
                ("den", "max(1, f32(sqrt(f32(mean(f32(u^2))))/clip_threshold))"),
                ("x", f"{X} - alpha*(u/den)")], NOTES + [
            "f32(.) rounds to float32: Keras's min, max and mean work in float32 on the torch backend."]
    lines = [("w", "f32(1 - f32(t^f32(beta2_decay)))"), ("v", "w*v + f32(1 - w)*(g^2 + eps1)"), ("u", "g/sqrt(v)"),
             ("den", "max(1, sqrt(mean(u^2))/clip_threshold)")]
    step = "u/den*lr"
    if hp.get("param_scale"):
        lines.append(("alpha", "max(sqrt(mean(x^2)), 0.001)"))
        step += "*alpha"
    if hp.get("momentum"):
        lines.append(("m", f"(1 - momentum)*{step} + momentum*m"))
        step = "m"
    if wd:
        step = f"({step} + weight_decay*x)"
    return lines + [("x", f"x - {step}")], NOTES + [
        "optax works the decay w out in float32 (f32); its momentum (if any) is kept in float64 here."]


NOTES = ["v_0 = 0. mean(.) is over the coordinates of the one tensor a 2-D point is; a network's matrices keep "
         "row and column averages instead of v."]

_TORCH = ("lr", "beta2_decay", "eps1", "eps2", "clip_threshold", "weight_decay")

ADAFACTOR = OptimizerSpec(
    "adafactor", "Adafactor",
    "RMSprop with a rising decay, clipped updates and steps relative to the parameters' size; "
    "matrices keep only row and column averages.",
    {
        "torch": Flavor(torch, _TORCH, {"lr": 0.01, "eps1": float(np.finfo(np.float64).eps)},
                        "torch.optim.Adafactor (d is clip_threshold; eps1 None is the machine epsilon)"),
        "keras": Flavor(keras, _TORCH, {"lr": 0.001}, "keras.optimizers.Adafactor (relative_step has no effect)"),
        "optax": Flavor(optax, ("lr", "beta2_decay", "eps1", "clip_threshold", "param_scale", "momentum",
                                "weight_decay", "min_dim_to_factor"), {"lr": 1.0},
                        "optax.adafactor (decay_rate is -beta2_decay; lr 1 is learning_rate None; momentum 0 is "
                        "None, kept in float64 rather than optax's default float32)"),
    },
    second="beta2_decay",
    equations=equations, state_fields={"v": "v", "m": "m"},
    buffers={"v": "v: the decaying average of squared gradients (of unfactored tensors).",
             "m": "m: optax's momentum of the updates (momentum > 0 only).",
             "rate": "The factor the last step multiplied the gradient by (relative step, clipping and 1/sqrt(v))."},
    average=None, squares=View("v", "v"), family="adaptive", color="#0077bb",
    tex={"beta2_decay": "c", "eps1": r"\epsilon_1", "eps2": r"\epsilon_2", "clip_threshold": "d",
         "w": r"\beta_t", "rho": r"\rho_t", "alpha": r"\alpha_t", "u": "u_t", "den": "D_t",
         "min_dim_to_factor": "k"},
)

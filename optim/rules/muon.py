"""Muon (torch.optim.Muon): momentum whose update matrix is orthogonalised by Newton-Schulz steps.

Each weight matrix's (Nesterov) momentum is replaced by an approximation of the nearest
orthogonal matrix, U V' for momentum U S V', computed in bfloat16 by a quintic Newton-Schulz
iteration: every direction in the matrix gets a step of about the same size. A 2-D objective's
point is the 1x2 matrix [x, y] (torch's Muon takes matrices only); a single row has one singular
value, so orthogonalising it just rescales it to length about 1: Muon there is normalised
momentum, each step about lr long whatever the gradient's size. A network's vectors (biases) are
treated as 1xn rows the same way.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule, View, is_zero, lerp
from .tensors import pieces

COEFFICIENTS = (3.4445, -4.7750, 2.0315)
"""torch's quintic Newton-Schulz coefficients (a, b, c)."""


class MuonState(NamedTuple):
    t: int
    buf: np.ndarray
    v: np.ndarray  # (P, B) Keras's AdamW second moment, for a network's vectors


def _init(p, layout):
    return MuonState(0, np.zeros_like(p), np.zeros_like(p))


def _matrix(shape, alone: bool):
    """(rows, columns) Muon orthogonalises a tensor as, or None: the 2-D point (a lone vector) is a 1 x n row."""
    if len(shape) >= 2:
        return shape[0], int(np.prod(shape[1:]))
    return (1, shape[0]) if alone else None


def _tensors(p, g, layout):
    """Each tensor of ``layout`` as Keras's and optax's Muon step it: its rows of ``p``, its (rows, columns) as a
    matrix or None (a network's vector, which takes AdamW), and its parameters and gradient."""
    tensors = pieces(layout)
    for rows, shape in tensors:
        yield rows, _matrix(shape, len(tensors) == 1), p[rows], g[rows]


def bf16(a) -> np.ndarray:
    """``a`` rounded to bfloat16 (through float32, round to nearest even), as float32.

    Example:
        >>> float(bf16(1.0 + 2**-9)), float(bf16(1.0 + 3 * 2**-9))
        (1.0, 1.0078125)
    """
    u = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return (((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16).astype(np.uint32).view(np.float32)


def orthogonalise(G: np.ndarray, steps: int, eps: float) -> np.ndarray:
    """torch's ``_zeropower_via_newtonschulz`` on a batch of matrices (B, m, n), in bfloat16 arithmetic.

    Each operation is worked out in float32 from bfloat16 operands and rounded back to bfloat16,
    as torch does on the CPU.
    """
    a, b, c = (np.float32(v) for v in COEFFICIENTS)
    tall = G.shape[-2] > G.shape[-1]
    o = bf16(np.swapaxes(G, -1, -2) if tall else G)
    norm = bf16(np.sqrt(np.sum(o * o, axis=(-2, -1), keepdims=True, dtype=np.float32)))
    o = bf16(o / np.maximum(norm, bf16(eps)))
    for _ in range(int(steps)):
        gram = bf16(o @ np.swapaxes(o, -1, -2))
        update = bf16(b * gram + c * (gram @ gram))
        o = bf16(a * o + update @ o)
    return (np.swapaxes(o, -1, -2) if tall else o).astype(np.float64)


def torch(lr, weight_decay, momentum, nesterov, eps, ns_steps, match_rms_adamw) -> Rule:
    """torch.optim.Muon, one matrix per tensor of ``layout`` (vectors as rows)."""

    def step(p, g, s, layout):
        buf = lerp(s.buf, g, 1 - momentum)
        u = lerp(g, buf, momentum) if nesterov is True else (buf if nesterov is False else
                                                             np.where(nesterov, lerp(g, buf, momentum), buf))
        out = np.array(p, copy=True)
        for rows, shape in pieces(layout):
            m, n = _matrix(shape, True)
            U = np.moveaxis(u[rows].reshape(m, n, -1), -1, 0)
            orth = np.moveaxis(orthogonalise(U, ns_steps, eps), 0, -1).reshape(m * n, -1)
            ratio = np.where(match_rms_adamw, 0.2 * np.sqrt(max(m, n)), np.sqrt(max(1, m / n)))
            out[rows] = p[rows] * (1 - lr * weight_decay) + -(lr * ratio) * orth
        return out, MuonState(s.t + 1, buf, s.v)

    return Rule(_init, step, needs=frozenset({"layout"}))


def norm32(a, axis: int = 0) -> np.ndarray:
    """torch's float32 norm on this CPU: the values rounded to float32, squares accumulated with fused
    multiply-adds (one rounding each) along ``axis``, then the square root, as float32 (keepdims).

    Example:
        >>> float(norm32(np.array([[3.0], [4.0]]))[0, 0])
        5.0
    """
    x = np.moveaxis(np.asarray(a, dtype=np.float32).astype(np.float64), axis, 0)
    acc = np.zeros(x.shape[1:], dtype=np.float32)
    for v in x:
        acc = (acc.astype(np.float64) + v * v).astype(np.float32)
    return np.expand_dims(np.sqrt(acc), axis)


def keras_orthogonalise(U: np.ndarray, steps: int) -> np.ndarray:
    """Keras's ``zeropower_via_newtonschulz5`` on a batch of matrices (B, m, n), in float64 but for its norm.

    On the torch backend Keras 3.15.1's ``ops.norm`` works in float32 (:func:`norm32`), and the 1e-7 is
    added to that norm in float32 too; the iterations are float64 (``c * A @ A`` read as ``(c A) A``).
    """
    a, b, c = COEFFICIENTS
    tall = U.shape[-2] > U.shape[-1]
    x = np.swapaxes(U, -1, -2) if tall else U
    flat = x.reshape(x.shape[0], -1).T  # one column per matrix
    norm = norm32(flat, axis=0).reshape(-1, 1, 1)
    x = x / (norm + np.float32(1e-7)).astype(np.float64)
    for _ in range(int(steps)):
        A = x @ np.swapaxes(x, -1, -2)
        x = a * x + (b * A + (c * A) @ A) @ x
    return np.swapaxes(x, -1, -2) if tall else x


def keras(lr, weight_decay, momentum, nesterov, ns_steps, rms_rate) -> Rule:
    """keras.optimizers.Muon: matrices (and the 2-D point, as a row) by Muon, a network's other tensors by AdamW.

    The AdamW part keeps Keras's defaults (beta1 0.9, beta2 0.999, eps 1e-7, adam_weight_decay 0.004,
    adam_lr_ratio 1).
    """

    def step(p, g, s, layout):
        t = s.t + 1
        out, buf, v = (np.array(a, copy=True) for a in (p, s.buf, s.v))
        for rows, mn, x, gt in _tensors(p, g, layout):
            if mn is None:  # Keras's AdamW for vectors
                x = x - x * 0.004 * lr
                alpha = lr * 1 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
                buf[rows] = s.buf[rows] + (gt - s.buf[rows]) * (1 - 0.9)
                v[rows] = s.v[rows] + (gt * gt - s.v[rows]) * (1 - 0.999)
                out[rows] = x - buf[rows] * alpha / (np.sqrt(v[rows]) + 1e-7)
                continue
            m, n = mn
            x = x - x * weight_decay * lr
            buf[rows] = s.buf[rows] + (gt + s.buf[rows] * (momentum - 1))
            u = np.where(nesterov, gt + momentum * buf[rows], buf[rows])
            orth = keras_orthogonalise(np.moveaxis(u.reshape(m, n, -1), -1, 0), ns_steps)
            scale = np.float64(np.sqrt(np.float32(max(m, n))))
            out[rows] = x - lr * np.moveaxis(orth, 0, -1).reshape(m * n, -1) * scale * rms_rate
        return out, MuonState(t, buf, v)

    return Rule(_init, step, needs=frozenset({"layout"}))


def optax(lr, momentum, nesterov, eps, ns_steps, weight_decay) -> Rule:
    """optax.contrib.muon: bias-corrected (Nesterov) momentum orthogonalised in float64, scaled by
    sqrt(max(1, columns / rows)), plus weight decay, times -lr. A network's vectors take optax's AdamW
    (its defaults: b1 0.9, b2 0.999, eps_root 0, adam_weight_decay 0)."""
    a, b, c = COEFFICIENTS

    def step(p, g, s, layout):
        t = s.t + 1
        out, buf, v = (np.array(x, copy=True) for x in (p, s.buf, s.v))
        for rows, mn, x, gt in _tensors(p, g, layout):
            if mn is None:  # optax.adamw for vectors, whose first moment decays by adam_b1 = 0.9
                buf[rows] = (1 - 0.9) * gt + 0.9 * s.buf[rows]
                v[rows] = (1 - 0.999) * (gt * gt) + 0.999 * s.v[rows]
                m_hat = np.where(nesterov, 0.9 * (buf[rows] / (1 - 0.9 ** (t + 1))) + (1 - 0.9) * (gt / (1 - 0.9**t)),
                                 buf[rows] / (1 - 0.9**t))
                out[rows] = x + (m_hat / (np.sqrt(v[rows] / (1 - 0.999**t)) + eps)) * -lr
                continue
            buf[rows] = (1 - momentum) * gt + momentum * s.buf[rows]
            m, n = mn
            u = np.where(nesterov,
                         momentum * (buf[rows] / (1 - momentum ** (t + 1))) + (1 - momentum) * (gt / (1 - momentum**t)),
                         buf[rows] / (1 - momentum**t))
            X = np.moveaxis(u.reshape(m, n, -1), -1, 0)
            tall = m > n
            X = np.swapaxes(X, -1, -2) if tall else X
            X = X / (np.sqrt(np.sum(X * X, axis=(-2, -1), keepdims=True)) + eps)
            for _ in range(int(ns_steps)):
                A = X @ np.swapaxes(X, -1, -2)
                X = a * X + (b * A + (c * A) @ A) @ X
            X = np.swapaxes(X, -1, -2) if tall else X
            update = np.sqrt(max(1, n / m)) * np.moveaxis(X, 0, -1).reshape(m * n, -1)
            if not is_zero(weight_decay):
                update = update + weight_decay * x
            out[rows] = x + update * -lr
        return out, MuonState(t, buf, v)

    return Rule(_init, step, needs=frozenset({"layout"}))


def optax_equations(hp: dict) -> tuple[list, list[str]]:
    a, b, c = COEFFICIENTS
    mhat = ("momentum*b/(1 - momentum^(t + 1)) + (1 - momentum)*g/(1 - momentum^t)" if hp["nesterov"]
            else "b/(1 - momentum^t)")
    lines = [("b", "(1 - momentum)*g + momentum*b"), ("un", mhat), ("o", "un/(sqrt(sum(un^2)) + eps)")]
    for k in range(1, int(hp["ns_steps"]) + 1):
        lines += [(f"q{k}", "sum(o^2)"), (f"r{k}", f"{b}*q{k} + ({c}*q{k})*q{k}"), ("o", f"{a}*o + r{k}*o")]
    decay = " + weight_decay*x" if hp.get("weight_decay") else ""
    return lines + [("x", f"x - lr*(sqrt(2)*o{decay})")], [
        "b_0 = 0. The point is the 1x2 matrix [x, y] (rows are optax's inputs: the update is scaled by "
        "sqrt(max(1, 2/1)) = sqrt 2).",
        "A network's vectors take optax's AdamW instead.",
    ]


def keras_equations(hp: dict) -> tuple[list, list[str]]:
    a, b, c = COEFFICIENTS
    lines = [("xd", "x - x*weight_decay*lr"), ("b", "b + (g + b*(momentum - 1))"),
             ("un", "g + momentum*b" if hp["nesterov"] else "b"),
             ("nrm", "norm32(un)"), ("o", "un/f32(nrm + f32(1e-7))")]
    for k in range(1, int(hp["ns_steps"]) + 1):
        lines += [(f"q{k}", "sum(o^2)"), (f"r{k}", f"{b}*q{k} + ({c}*q{k})*q{k}"), ("o", f"{a}*o + r{k}*o")]
    return lines + [("x", "xd - lr*o*f32(sqrt(2))*rms_rate")], [
        "b_0 = 0. The point is the 1x2 matrix [x, y]; Keras works the norm out in float32 on the torch "
        "backend (norm32: squares summed with fused multiply-adds), the Newton-Schulz steps in float64.",
        "A network's vectors take Keras's AdamW step instead.",
    ]


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    if flavor == "keras":
        return keras_equations(hp)
    if flavor == "optax":
        return optax_equations(hp)
    w = 1 - hp["momentum"]
    buf = "b + (1 - momentum)*(g - b)" if w < 0.5 else "g - (g - b)*momentum"
    lines = [("b", buf)]
    if hp["nesterov"]:
        lines.append(("un", "g + momentum*(b - g)" if hp["momentum"] < 0.5 else "b - (b - g)*(1 - momentum)"))
    else:
        lines.append(("un", "b"))
    a, b, c = COEFFICIENTS
    lines += [("o0", "bf16(un)"), ("nrm", "bf16(sqrt(f32(sum(o0^2))))"), ("o", "bf16(o0/max(nrm, bf16(eps)))")]
    for k in range(1, int(hp["ns_steps"]) + 1):
        lines += [(f"q{k}", "bf16(f32(sum(o^2)))"),
                  (f"r{k}", f"bf16(f32(f32({b})*q{k}) + f32(f32({c})*f32(q{k}^2)))"),
                  ("o", f"bf16(f32(f32({a})*o) + f32(r{k}*o))")]
    ratio = "0.2*sqrt(2)" if hp["match_rms_adamw"] else "1"
    lines.append(("x", f"x*(1 - lr*weight_decay) - lr*{ratio}*o"))
    return lines, [
        "b_0 = 0. The point is the 1x2 matrix [x, y]; for one row the Newton-Schulz steps o <- a o + (b q + c q^2) o "
        "with q = o o' only rescale it: orthogonalising a row normalises it.",
        "bf16(.) and f32(.) round to bfloat16 and float32, as torch's Newton-Schulz steps work in bfloat16.",
    ]


MUON = OptimizerSpec(
    "muon", "Muon",
    "Momentum orthogonalised by Newton-Schulz steps; on a single row (a 2-D point) that is normalised momentum.",
    {"torch": Flavor(torch, ("lr", "weight_decay", "momentum", "nesterov", "eps", "ns_steps", "match_rms_adamw"),
                     {"lr": 1e-3, "weight_decay": 0.1, "momentum": 0.95, "nesterov": True, "eps": 1e-7},
                     "torch.optim.Muon on the 1x2 matrix [x, y]; match_rms_adamw is adjust_lr_fn='match_rms_adamw'"),
     "keras": Flavor(keras, ("lr", "weight_decay", "momentum", "nesterov", "ns_steps", "rms_rate"),
                     {"lr": 1e-3, "weight_decay": 0.004, "momentum": 0.95, "nesterov": True},
                     "keras.optimizers.Muon on the 1x2 matrix [x, y]; a network's vectors take its AdamW"),
     "optax": Flavor(optax, ("lr", "momentum", "nesterov", "eps", "ns_steps", "weight_decay"),
                     {"lr": 0.02, "momentum": 0.95, "nesterov": True, "eps": 1e-8},
                     "optax.contrib.muon on the 1x2 matrix [x, y] (no default lr; momentum is beta); a network's "
                     "vectors take its AdamW")},
    second="momentum",
    equations=equations, state_fields={"b": "buf"},
    buffers={"buf": "b: the momentum buffer, a decaying average of gradients.",
             "v": "Keras's AdamW second moment, for a network's vectors."},
    average=View("buf", "b"), squares=None, family="momentum", color="#ee3377",
    tex={"xd": r"\tilde{x}_{t-1}", "rms_rate": r"\rho", "o0": "o^{(0)}_t", "nrm": r"\nu_t", "o": "o_t", "un": "u_{t}",
         **{f"q{k}": f"q^{{({k})}}_t" for k in range(1, 11)}, **{f"r{k}": f"r^{{({k})}}_t" for k in range(1, 11)}},
)

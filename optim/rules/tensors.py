"""Per-tensor views of coordinate-first parameters, for rules that work tensor by tensor.

A rule that asks for ``layout`` (see :mod:`optim.spec`) gets the tensor shapes that partition
axis 0 of its ``(P, B)`` parameters; :func:`pieces` yields each tensor's rows and shape so the rule
can reshape them to ``shape + (B,)`` (the batch axis last) and reduce over the tensor's own axes.

Example:
    >>> import numpy as np
    >>> p = np.arange(8.0).reshape(8, 1)
    >>> [(rows, shape) for rows, shape in pieces(((2, 3), (2,)))]
    [(slice(0, 6, None), (2, 3)), (slice(6, 8, None), (2,))]
    >>> tensor(p, slice(0, 6), (2, 3))[:, :, 0].tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
"""

from __future__ import annotations

import math

import numpy as np


def pieces(layout) -> list[tuple[slice, tuple[int, ...]]]:
    """(rows of axis 0, shape) for each tensor in ``layout``."""
    out, start = [], 0
    for shape in layout:
        size = math.prod(shape)
        out.append((slice(start, start + size), tuple(shape)))
        start += size
    return out


def tensor(p: np.ndarray, rows: slice, shape: tuple[int, ...]) -> np.ndarray:
    """Rows ``rows`` of ``p`` (P, B) as one tensor of ``shape``, batch axis last."""
    return p[rows].reshape(shape + (p.shape[-1],))


def tensor_axes(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of a tensor of ``shape`` (batch axis last), to reduce over all of them."""
    return tuple(range(len(shape)))


def rms(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Root mean square over a tensor's own axes, one value per run (keepdims)."""
    return np.sqrt(np.mean(a * a, axis=tensor_axes(shape), keepdims=True))


def norm(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Euclidean norm over a tensor's own axes, one value per run (keepdims)."""
    return np.sqrt(np.sum(a * a, axis=tensor_axes(shape), keepdims=True))

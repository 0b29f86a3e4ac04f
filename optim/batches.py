"""Mini-batch orders for :func:`optim.train`: seeded shuffles per epoch, or explicit row indices.

One step is one batch. A shuffle draws a fresh permutation of the n rows each
epoch from ``numpy.random.default_rng(seed)`` and cuts it into batches of
``batch_size`` rows, the last one smaller when the batch size does not divide n
(torch's ``DataLoader(shuffle=True)`` with ``drop_last=False``). Several seeds
give one order per seed, stacked: step k's batch is then ``(len(seeds), rows)``.
"""

from __future__ import annotations

import math

import numpy as np

MAX_STEPS = 1_000_000


def whole(name: str, value, low: int, high: int) -> int:
    """``value`` as an int, or one sentence saying it must be a whole number from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}.")
    return int(value)


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    """How many batches one pass over ``n`` rows takes (1 for the full batch)."""
    return 1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size)


def shuffled_batches(n: int, batch_size: int | None, steps: int, seed=0) -> list[np.ndarray]:
    """The row indices of each of ``steps`` batches, reshuffled every epoch.

    Args:
        n: the number of training rows.
        batch_size: rows per batch; None (or n or more) is the full batch, in order.
        steps: how many batches, epoch after epoch (the last epoch may stop part-way).
        seed: an int, or a sequence of ints for one order each; then every batch is
            ``(len(seed), rows)``.

    Example:
        >>> [b.tolist() for b in shuffled_batches(5, 2, 4, seed=0)]
        [[2, 4], [3, 0], [1], [4, 1]]
        >>> shuffled_batches(5, 2, 4, seed=[0, 1])[0].shape
        (2, 2)
    """
    n, steps = whole("n", n, 1, 10**9), whole("steps", steps, 0, MAX_STEPS)
    if batch_size is not None:
        batch_size = whole("batch_size", batch_size, 1, 10**9)
    if batch_size is None or batch_size >= n:
        return [np.arange(n)] * steps
    seeds = np.asarray(seed)
    if seeds.ndim > 1 or not np.issubdtype(seeds.dtype, np.integer) or (seeds < 0).any():
        raise ValueError(f"shuffle_seed must be a whole number >= 0 or a list of them, got {seed!r}.")
    rngs = [np.random.default_rng(int(s)) for s in np.atleast_1d(seeds)]
    epochs = math.ceil(steps / steps_per_epoch(n, batch_size))
    orders = np.array([[rng.permutation(n) for _ in range(epochs)] for rng in rngs])  # (S, E, n)
    batches = [orders[:, e, i:i + batch_size] for e in range(epochs) for i in range(0, n, batch_size)]
    return [b[0] for b in batches[:steps]] if seeds.ndim == 0 else batches[:steps]


def check_batches(batches, n: int, starts: int) -> list[np.ndarray]:
    """Explicit batches as a list of int index arrays, each ``(rows,)`` or ``(starts, rows)``.

    ``batches`` may be a ``(steps, rows)`` or ``(steps, starts, rows)`` array, or a list of
    per-step arrays (sizes may differ from step to step). Raises ``ValueError`` with one
    sentence for anything else.

    Example:
        >>> [b.tolist() for b in check_batches([[0, 1], [2]], n=3, starts=1)]
        [[0, 1], [2]]
        >>> check_batches([[0, 3]], n=3, starts=1)
        Traceback (most recent call last):
        ...
        ValueError: batch 0 has row index 3; the data have rows 0 to 2.
    """
    if isinstance(batches, np.ndarray) and batches.ndim in (2, 3):
        batches = list(batches)
    if not isinstance(batches, (list, tuple)) or len(batches) > MAX_STEPS:
        raise ValueError(f"batches must be a (steps, rows) array of row indices, or a list of at most "
                         f"{MAX_STEPS:,} index arrays.")
    out = []
    for k, b in enumerate(batches):
        b = np.asarray(b)
        if b.size == 0 or not np.issubdtype(b.dtype, np.integer) or b.ndim not in (1, 2) or (
            b.ndim == 2 and len(b) != starts
        ):
            raise ValueError(
                f"batch {k} must be a non-empty array of row indices, shape (rows,) or ({starts}, rows) for "
                f"{starts} starts, got shape {b.shape} of {b.dtype}."
            )
        if b.min() < 0 or b.max() >= n:
            raise ValueError(f"batch {k} has row index {int(b.max() if b.max() >= n else b.min())}; "
                             f"the data have rows 0 to {n - 1}.")
        out.append(b.astype(np.intp))
    return out

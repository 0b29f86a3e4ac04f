"""How fast each run of a sweep converged or diverged, rank-normalised so the edge shows on both sides.

Following the notebook of Sohl-Dickstein's "The boundary of neural network trainability is fractal"
(2024): each run gets a number whose sign says which side of the edge it is on and whose size is
its rank among the runs on that side, so the colour spreads evenly however the raw speeds bunch.

- A run that stayed bounded is ranked by its summed loss (:attr:`optim.Summary.loss_sum`): the
  smaller the sum, the faster it came down. The fastest gets ``buffer``, the slowest 1.
- A run that diverged is ranked by how quickly it blew up: the earlier its divergence step, the
  faster; among runs diverging at the same step, the larger its summed loss until then, the
  faster. The fastest gets ``-buffer``, the slowest -1.

The slow runs of both sides, ±1, are the ones next to the edge; ``buffer`` leaves a gap at zero
between the two sides. Runs with equal measures share their average rank. Within one sweep every
run starts from the same point, so the summed losses compare directly (the notebook's division by
the first loss changes no rank).
"""

from __future__ import annotations

import numpy as np

from .sweep import Sweep


def speed_ranks(sweep: Sweep, buffer: float = 0.25) -> np.ndarray:
    """Each cell's rank by speed on its side of the edge: bounded runs in [buffer, 1], diverged in [-1, -buffer].

    Example:
        >>> import optim
        >>> s = optim.sweep("gd", optim.get_objective("quadratic", a=1.0, b=1.0), lr=[0.1, 0.5, 0.8, 1.3, 1.5],
        ...                 second=[0.5], second_name="lr_y", steps=100)
        >>> s.diverged_at.tolist()
        [[-1, -1, -1, 37, 25]]
        >>> speed_ranks(s).round(3).tolist()  # lr 0.5 converges fastest, 1.5 blows up fastest
        [[1.0, 0.25, 0.625, -1.0, -0.25]]
    """
    if not 0 <= buffer < 1:
        raise ValueError(f"buffer must be a number from 0 to below 1, got {buffer!r}.")
    diverged = sweep.diverged_at >= 0
    loss_sum = sweep.loss_sum
    out = np.zeros(diverged.shape)
    bounded = ~diverged
    out[bounded] = _spread(_ranks(loss_sum[bounded]), buffer)
    # Fastest to blow up first: an early divergence step, then a large summed loss before it.
    out[diverged] = -_spread(_ranks(sweep.diverged_at[diverged], -loss_sum[diverged]), buffer)
    return out


def _ranks(*keys: np.ndarray) -> np.ndarray:
    """0-based ranks by ``keys`` (the first key decides, the next break its ties); equal keys share the average."""
    n = keys[0].size
    if n == 0:
        return np.zeros(0)
    order = np.lexsort(keys[::-1])
    stacked = np.stack([k[order] for k in keys])
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    group = np.cumsum(new_group) - 1
    first = np.flatnonzero(new_group)
    last = np.append(first[1:], n) - 1
    ranks = np.empty(n)
    ranks[order] = ((first + last) / 2)[group]
    return ranks


def _spread(ranks: np.ndarray, buffer: float) -> np.ndarray:
    """Ranks 0 .. n-1 onto buffer .. 1 (a single run gets 1)."""
    if ranks.size <= 1:
        return np.ones(ranks.size)
    return buffer + (1 - buffer) * ranks / (ranks.size - 1)

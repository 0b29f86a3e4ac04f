"""What the golden tests share: the core's path checked against a library's, to float64 round-off."""

from __future__ import annotations

import numpy as np


def assert_same_path(native: str, xs: np.ndarray, expected: np.ndarray) -> None:
    """The core's iterates ``xs`` are the library's ``expected`` (steps x coordinates) but for float64 round-off.

    Libraries may fuse or reorder a multiply-add, so each step is compared relative to its largest coordinate
    (plus one); the message names the library's function (``native``) and the step that differs most.
    """
    scale = np.abs(expected).max(axis=1, keepdims=True) + 1.0
    err = np.abs(xs - expected) / scale
    worst = int(np.argmax(err.max(axis=1)))
    assert err.max() < 1e-12, (
        f"{native}: first differs by {err.max():.2e} at step {worst}: "
        f"core {xs[worst].tolist()} vs library {expected[worst].tolist()}"
    )

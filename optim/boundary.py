"""What a trained network predicts over the plane of its inputs: the decision boundary at a step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .train import Training

MAX_RESOLUTION = 400


@dataclass(frozen=True, eq=False)
class Boundary:
    """The network's output on a grid: ``output[i, j]`` at ``(x1[j], x2[i])`` (rows follow x2).

    ``output`` is P(class 1) ``(n, n)`` for one logit, class probabilities ``(n, n, k)``
    for k logits, the raw outputs ``(n, n, k)`` for regression.
    """

    x1: np.ndarray
    x2: np.ndarray
    output: np.ndarray
    step: int
    network: int

    @property
    def label(self) -> np.ndarray:
        """The predicted class at each grid point ``(n, n)`` (classification only)."""
        if self.output.ndim == 2:
            return (self.output > 0.5).astype(int)
        return self.output.argmax(axis=-1)


def _domain(X: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def decision_boundary(run: Training, step: int | None = None, network: int = 0, resolution: int = 100,
                      domain=None) -> Boundary:
    """Network ``network``'s output over a grid of the input plane, at a recorded ``step``.

    Args:
        run: from :func:`optim.train` on two input features.
        step: a recorded step (``run.steps_recorded``); default the last.
        network: which of the run's networks.
        resolution: grid points per axis, 2 to 400.
        domain: ``((x1_min, x1_max), (x2_min, x2_max))``; default the training points' box plus 10%.

    Example:
        >>> import optim
        >>> data = optim.make_dataset("xor", n=200, seed=0)
        >>> net = optim.MLP((2, 8, 1), "relu")
        >>> run = optim.train(optim.make_optimizer("adam", lr=0.05), net, data.X, data.y, batch_size=20, epochs=30)
        >>> b = optim.decision_boundary(run, resolution=50)
        >>> b.output.shape, int(b.label[0, 0]), int(b.label[0, -1])
        ((50, 50), 1, 0)
    """
    if run.net.sizes[0] != 2:
        raise ValueError(f"a decision boundary is drawn over two input features; this network has {run.net.sizes[0]}.")
    step = run.steps if step is None else step
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or not (
        2 <= resolution <= MAX_RESOLUTION
    ):
        raise ValueError(f"resolution must be a whole number from 2 to {MAX_RESOLUTION}, got {resolution!r}.")
    networks = 1 if run.params.ndim == 2 else run.params.shape[1]
    if isinstance(network, bool) or not isinstance(network, (int, np.integer)) or not 0 <= network < networks:
        raise ValueError(f"network must be a whole number from 0 to {networks - 1}, got {network!r}.")
    theta = run.params_at(step, network)
    (a, b), (c, d) = _domain(run.X) if domain is None else domain
    if not (np.isfinite([a, b, c, d]).all() and a < b and c < d):
        raise ValueError(f"domain must be ((x1_min, x1_max), (x2_min, x2_max)) with min < max, got {domain!r}.")
    x1, x2 = np.linspace(a, b, resolution), np.linspace(c, d, resolution)
    G1, G2 = np.meshgrid(x1, x2)
    out = run.net.predict(theta, np.column_stack((G1.ravel(), G2.ravel())))
    return Boundary(x1, x2, out.reshape(G1.shape + out.shape[1:]), int(step), int(network))

"""Two-parameter models trained on data: y = W x + b by mean squared error, and logistic regression.

The seed articles motivate RMSprop with mini-batch learning of a weight W and a
bias b (seeds 000 and 003). Here the exact full-batch loss over (W, b) is an
:class:`Objective` (so it draws as a contour map and has a true minimum), and a
mini-batch schedule gives the gradient an optimizer sees at each step: the
data are shuffled every epoch with a seed and cut into batches, the last one
smaller when the batch size does not divide the data. One step is one batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .csvtable import MAX_CSV_BYTES as MAX_CSV_BYTES  # the upload limits, shared with the network's CSVs
from .csvtable import MAX_ROWS, read_table
from .objective import Minimum, Objective

_CHUNK = 512


@dataclass(frozen=True, eq=False)
class Dataset:
    """Feature ``x`` and target ``y`` (0 or 1 for classification), one value per sample."""

    x: np.ndarray
    y: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.x)


def make_regression(n=200, noise=0.5, scale=1.0, w=2.0, b=1.0, seed=0) -> Dataset:
    """``y = w x + b + noise``, with the feature ``x`` drawn with standard deviation ``scale``.

    A large or small ``scale`` stretches the loss surface along W: the elongated
    valley in which gradient descent zig-zags and RMSprop does not (seed 003).

    Example:
        >>> d = make_regression(n=5, seed=1)
        >>> d.x.shape, d.source
        ((5,), 'generated: 5 samples, y = 2 x + 1 + noise 0.5, feature scale 1')
    """
    _check_size(n)
    rng = np.random.default_rng(seed)
    x = scale * rng.standard_normal(n)
    y = w * x + b + noise * rng.standard_normal(n)
    return Dataset(x, y, f"generated: {n} samples, y = {w:g} x + {b:g} + noise {noise:g}, feature scale {scale:g}")


def make_classification(n=200, noise=0.5, scale=1.0, w=2.0, b=-0.5, seed=0) -> Dataset:
    """Labels ``1`` where ``w x + b + noise`` is positive, else ``0``; ``x`` has standard deviation ``scale``."""
    _check_size(n)
    rng = np.random.default_rng(seed)
    x = scale * rng.standard_normal(n)
    y = (w * x / scale + b + noise * rng.standard_normal(n) > 0).astype(np.float64)
    return Dataset(x, y, f"generated: {n} samples, labels from {w:g} x / {scale:g} + {b:g} + noise {noise:g}")


def _check_size(n):
    if not (isinstance(n, (int, np.integer)) and 2 <= n <= MAX_ROWS):
        raise ValueError(f"the data size must be a whole number from 2 to {MAX_ROWS:,}, got {n!r}.")


def load_csv(data: bytes | str, name: str = "upload") -> Dataset:
    """Read a two-column CSV (x, y), with or without a header row.

    Raises ``ValueError`` with one sentence naming the row and what is wrong.

    Example:
        >>> load_csv("x,y\\n1,2\\n3,4\\n").x.tolist()
        [1.0, 3.0]
        >>> load_csv("x,y\\n1,2\\n3,four\\n")
        Traceback (most recent call last):
        ...
        ValueError: row 3, column 2: 'four' is not a number; the file must hold two numeric columns, x and y.
    """
    arr = read_table(data, ("x", "y")).values
    return Dataset(arr[:, 0], arr[:, 1], f"{name}: {len(arr)} rows")


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    return 1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size)


def batch_schedule(n: int, batch_size: int | None, epochs: int, seed: int) -> list[np.ndarray]:
    """The sample indices of every step's batch, epoch by epoch, reshuffled each epoch."""
    if batch_size is None or batch_size >= n:
        return []
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(epochs):
        perm = rng.permutation(n)
        batches += [perm[i:i + batch_size] for i in range(0, n, batch_size)]
    return batches


def _check_training(data: Dataset, batch_size, epochs):
    if batch_size is not None and not (isinstance(batch_size, (int, np.integer)) and batch_size >= 1):
        raise ValueError(f"the batch size must be a whole number of at least 1, got {batch_size!r}.")
    if not (isinstance(epochs, (int, np.integer)) and 1 <= epochs <= 10_000):
        raise ValueError(f"epochs must be a whole number from 1 to 10,000, got {epochs!r}.")
    if np.std(data.x) == 0:
        raise ValueError("every x is the same; the data need at least two different x values.")


def _domain(w, b):
    dw, db = max(1.0, abs(w) * 0.6), max(1.0, abs(b) * 0.6)
    return ((min(0.0, w) - dw, max(0.0, w) + dw), (min(0.0, b) - db, max(0.0, b) + db))


def linear_regression(data: Dataset, batch_size: int | None = None, epochs: int = 50, seed: int = 0) -> Objective:
    """Mean squared error of ``y = W x + b`` over (W, b); its minimum is the least-squares fit.

    The loss and its gradient use the data's moments, so a contour grid costs the
    same whatever the data size. With ``batch_size``, ``step_gradient`` is the
    gradient on step k's mini-batch.

    Example:
        >>> import optim
        >>> obj = linear_regression(Dataset(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), "line"))
        >>> [round(v, 12) for v in (obj.minima[0].x, obj.minima[0].y, obj.minima[0].value)]
        [2.0, 1.0, 0.0]
    """
    _check_training(data, batch_size, epochs)
    x, y = data.x, data.y
    sx, sxx, sxy, sy, syy = x.mean(), (x * x).mean(), (x * y).mean(), y.mean(), (y * y).mean()

    def value(w, b):
        return w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy

    def gradient(w, b):
        return 2 * (w * sxx + b * sx - sxy), 2 * (w * sx + b - sy)

    var = sxx - sx * sx
    w_star = (sxy - sx * sy) / var
    b_star = sy - w_star * sx
    f_star = float(np.mean((w_star * x + b_star - y) ** 2))
    obj = Objective(
        name="linear_regression", title=f"Mean squared error of y = W x + b ({data.source})",
        latex=r"L(W, b) = \frac{1}{n}\sum_{i=1}^{n} (W x_i + b - y_i)^2",
        value=value, gradient=gradient, domain=_domain(w_star, b_star), start=(0.0, 0.0),
        minima=(Minimum(float(w_star), float(b_star), f_star),),
        params={"n": len(x), "batch_size": batch_size, "epochs": epochs, "seed": seed},
    )
    batches = batch_schedule(len(x), batch_size, epochs, seed)
    if batches:
        stats = np.array([[x[i].mean(), (x[i] * x[i]).mean(), (x[i] * y[i]).mean(), y[i].mean()] for i in batches])

        def step_gradient(k, w, b):
            mx, mxx, mxy, my = stats[k % len(stats)]
            return 2 * (w * mxx + b * mx - mxy), 2 * (w * mx + b - my)

        obj = replace(obj, step_gradient=step_gradient)
    return obj


def logistic_regression(data: Dataset, batch_size: int | None = None, epochs: int = 50, seed: int = 0) -> Objective:
    """Mean logistic loss of ``P(y = 1) = sigmoid(W x + b)`` over (W, b).

    Labels must be 0 or 1. The minimum is found by Newton's method; data that a
    threshold separates perfectly have none (the loss keeps falling as W grows).
    """
    _check_training(data, batch_size, epochs)
    if not np.isin(data.y, (0.0, 1.0)).all():
        raise ValueError("logistic regression needs labels y that are 0 or 1.")
    x, s = data.x, 2 * data.y - 1

    def accumulate(w, b, fn):
        w, b = np.broadcast_arrays(np.asarray(w, float), np.asarray(b, float))
        total = [np.zeros(w.shape), np.zeros(w.shape)]
        for i in range(0, len(x), _CHUNK):  # bounded memory for a grid times many samples
            xi, si = x[i:i + _CHUNK], s[i:i + _CHUNK]
            margin = si * (w[..., None] * xi + b[..., None])
            for acc, part in zip(total, fn(margin, xi, si), strict=False):
                acc += part.sum(axis=-1)
        return [t / len(x) for t in total]

    def value(w, b):
        return accumulate(w, b, lambda m, xi, si: (np.logaddexp(0.0, -m),))[0]

    def gradient(w, b):
        def parts(m, xi, si):
            c = -si * _sigmoid(-m)
            return c * xi, c

        gw, gb = accumulate(w, b, parts)
        return gw, gb

    minimum = _newton_minimum(value, gradient, x, s)
    w0, b0 = (minimum.x, minimum.y) if minimum else (4.0, 0.0)
    obj = Objective(
        name="logistic_regression", title=f"Logistic loss of sigmoid(W x + b) ({data.source})",
        latex=r"L(W, b) = \frac{1}{n}\sum_{i=1}^{n} \log\left(1 + e^{-s_i (W x_i + b)}\right),\ s_i = 2y_i - 1",
        value=value, gradient=gradient, domain=_domain(w0, b0), start=(0.0, 0.0),
        minima=(minimum,) if minimum else (),
        params={"n": len(x), "batch_size": batch_size, "epochs": epochs, "seed": seed},
    )
    batches = batch_schedule(len(x), batch_size, epochs, seed)
    if batches:
        def step_gradient(k, w, b):
            idx = batches[k % len(batches)]
            c = -s[idx] * _sigmoid(-(s[idx] * (np.asarray(w)[..., None] * x[idx] + np.asarray(b)[..., None])))
            return (c * x[idx]).mean(axis=-1), c.mean(axis=-1)

        obj = replace(obj, step_gradient=step_gradient)
    return obj


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # no overflow for large |z|


def _newton_minimum(value, gradient, x, s) -> Minimum | None:
    pos, neg = x[s > 0], x[s < 0]
    if len(pos) == 0 or len(neg) == 0 or pos.min() > neg.max() or pos.max() < neg.min():
        return None  # one class, or a threshold separates them: the loss has no finite minimum
    p = np.zeros(2)
    for _ in range(100):
        g = np.array(gradient(p[0], p[1]), dtype=float)
        z = s * (p[0] * x + p[1])
        h = _sigmoid(z) * _sigmoid(-z)
        hess = np.array([[np.mean(h * x * x), np.mean(h * x)], [np.mean(h * x), np.mean(h)]])
        try:
            p = p - np.linalg.solve(hess + 1e-12 * np.eye(2), g)
        except np.linalg.LinAlgError:
            return None
        if np.abs(p).max() > 1e3:
            return None  # separable: no finite minimum
        if np.abs(g).max() < 1e-12:
            break
    if np.abs(np.array(gradient(p[0], p[1]), dtype=float)).max() > 1e-8:
        return None
    return Minimum(float(p[0]), float(p[1]), float(value(p[0], p[1])))

"""Two-dimensional point clouds to train a network on, generated with a seed or read from a CSV.

The generated sets follow TensorFlow Playground's and scikit-learn's toy data:
``moons``, ``circles``, ``xor``, ``spiral`` (k arms) and ``gaussians`` (k round
clusters of standard deviation :data:`CLUSTER_SD` around the unit circle). Their
shapes span about [-1.5, 1.5] on each axis; ``noise`` is the standard deviation of
Gaussian noise added to every coordinate, redrawn for any point that would leave
the box ``|x1|, |x2| <= BOX``, so every set is bounded. The points are shuffled
with the seed and split into a training set and a held-out test set
(``test_fraction`` of the points, at least one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .csvtable import MAX_ROWS, read_table

DATASETS = ("moons", "circles", "spiral", "xor", "gaussians")
BOX = 3.0
"""Every generated point lies within ``|x1|, |x2| <= BOX``."""
MAX_NOISE = 1.0
MAX_CLASSES = 10
MIN_POINTS = 10
CLUSTER_SD = 0.3
"""The spread of each of the ``gaussians`` clusters before noise."""


@dataclass(frozen=True, eq=False)
class Points:
    """Training points ``X`` ``(n, 2)`` with labels ``y`` ``(n,)``, and a held-out test split.

    ``y`` holds classes 0 .. ``classes`` - 1 (ints), or numbers for regression
    (``classes`` is None); ``labels`` are the classes' names as the source had them.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: int | None
    labels: tuple
    source: str

    def __len__(self) -> int:
        return len(self.X)


def _count(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}.")
    return int(value)


def _fraction(test_fraction) -> float:
    if isinstance(test_fraction, bool) or not (
        isinstance(test_fraction, (int, float, np.floating)) and 0.05 <= test_fraction <= 0.5
    ):
        raise ValueError(f"test_fraction must be a number from 0.05 to 0.5, got {test_fraction!r}.")
    return float(test_fraction)


def _split(X, y, test_fraction: float, rng: np.random.Generator):
    order = rng.permutation(len(X))
    n_test = max(1, round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def _shape(name: str, c: int, k: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` noiseless points of class ``c`` (of ``k``) for dataset ``name``."""
    if name == "moons":
        t = rng.uniform(0.0, math.pi, m)
        if c == 0:
            return np.column_stack((np.cos(t) - 0.5, np.sin(t) - 0.25))
        return np.column_stack((0.5 - np.cos(t), 0.25 - np.sin(t)))
    if name == "circles":
        t = rng.uniform(0.0, 2 * math.pi, m)
        r = 1.0 if c == 0 else 0.5
        return r * np.column_stack((np.cos(t), np.sin(t)))
    if name == "xor":
        mag = rng.uniform(0.1, 1.0, (m, 2))
        s1 = rng.choice((-1.0, 1.0), m)
        s2 = s1 if c == 1 else -s1
        return mag * np.column_stack((s1, s2))
    if name == "spiral":
        t = rng.uniform(0.0, 1.0, m)
        angle = 3.5 * math.pi * t + 2 * math.pi * c / k
        return t[:, None] * np.column_stack((np.cos(angle), np.sin(angle)))
    angle = 2 * math.pi * c / k
    return np.tile([math.cos(angle), math.sin(angle)], (m, 1))  # the cluster's spread comes with the noise


def make_dataset(name: str, n: int = 200, noise: float = 0.1, seed: int = 0, *, classes: int = 2,
                 test_fraction: float = 0.2) -> Points:
    """Generate ``n`` labelled points of dataset ``name``, split into training and test points.

    Args:
        name: one of :data:`DATASETS`.
        n: the number of points, training and test together (10 to 10,000), shared
            as evenly as possible between the classes.
        noise: standard deviation of the Gaussian noise on each coordinate (0 to 1).
        seed: the same seed gives the same points and the same split.
        classes: the number of classes (arms of the spiral, gaussian clusters); moons,
            circles and xor have two.
        test_fraction: the share of the points held out for testing (0.05 to 0.5).

    Example:
        >>> d = make_dataset("spiral", n=500, noise=0.05, seed=1)
        >>> d.X.shape, d.X_test.shape, d.classes, d.source
        ((400, 2), (100, 2), 2, 'spiral: 500 points, 2 classes, noise 0.05, seed 1')
        >>> make_dataset("moons", classes=3)
        Traceback (most recent call last):
        ...
        ValueError: moons has 2 classes, got classes=3; spiral and gaussians take 2 to 10.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; allowed: {', '.join(DATASETS)}.")
    n = _count("n", n, MIN_POINTS, MAX_ROWS)
    if isinstance(noise, bool) or not (isinstance(noise, (int, float, np.floating)) and 0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be a number from 0 to {MAX_NOISE:g}, got {noise!r}.")
    seed = _count("seed", seed, 0, 2**32 - 1)
    if name in ("spiral", "gaussians"):
        k = _count("classes", classes, 2, MAX_CLASSES)
    elif classes != 2:
        raise ValueError(f"{name} has 2 classes, got classes={classes!r}; spiral and gaussians take 2 to "
                         f"{MAX_CLASSES}.")
    else:
        k = 2
    test_fraction = _fraction(test_fraction)
    rng = np.random.default_rng(seed)
    counts = n // k + (np.arange(k) < n % k)
    X = np.concatenate([_shape(name, c, k, int(m), rng) for c, m in enumerate(counts)])
    y = np.repeat(np.arange(k), counts)
    sd = math.hypot(CLUSTER_SD, noise) if name == "gaussians" else noise
    base = X
    X = base + sd * rng.standard_normal(X.shape)
    out = np.abs(X).max(axis=1) > BOX
    while out.any():  # truncated noise: redraw it for the points it took outside the box
        X[out] = base[out] + sd * rng.standard_normal((int(out.sum()), 2))
        out = np.abs(X).max(axis=1) > BOX
    return Points(*_split(X, y, test_fraction, rng), k, tuple(range(k)),
                  f"{name}: {n} points, {k} classes, noise {noise:g}, seed {seed}")


def load_points(data: bytes | str, name: str = "upload", *, task: str = "classification", seed: int = 0,
                test_fraction: float = 0.2) -> Points:
    """Read a CSV of ``x1, x2, label`` (header optional) under the upload limits, and split it.

    For classification the labels must be whole numbers, 2 to 10 different ones; they
    become classes 0 .. k-1 in increasing order (``labels`` keeps the file's values).
    For ``task="regression"`` the label is any number. The test split is a seeded
    ``test_fraction`` of the rows. A bad file raises ``ValueError`` with one sentence.

    Example:
        >>> d = load_points("x1,x2,label\\n0,0,-1\\n1,1,1\\n2,0,1\\n0,2,-1\\n", seed=0, test_fraction=0.25)
        >>> len(d), len(d.X_test), d.classes, d.labels
        (3, 1, 2, (-1, 1))
        >>> load_points("0,0,0\\n1,1,0.5\\n")
        Traceback (most recent call last):
        ...
        ValueError: row 2: the label 0.5 is not a whole number; for classification, labels name classes.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"unknown task {task!r}; allowed: classification, regression.")
    seed = _count("seed", seed, 0, 2**32 - 1)
    test_fraction = _fraction(test_fraction)
    table = read_table(data, ("x1", "x2", "label"))
    X, label = table.values[:, :2], table.values[:, 2]
    rng = np.random.default_rng(seed)
    if task == "regression":
        return Points(*_split(X, label, test_fraction, rng), None, (), f"{name}: {len(X)} rows")
    fractional = np.flatnonzero(label != np.round(label))
    if len(fractional):
        raise ValueError(f"row {table.lines[fractional[0]]}: the label {label[fractional[0]]:g} is not a whole "
                         "number; for classification, labels name classes.")
    values, y = np.unique(label, return_inverse=True)
    if len(values) < 2:
        raise ValueError(f"every label is {values[0]:g}; classification needs at least two classes.")
    if len(values) > MAX_CLASSES:
        raise ValueError(f"the labels name {len(values)} classes; the limit is {MAX_CLASSES}.")
    return Points(*_split(X, y, test_fraction, rng), len(values), tuple(int(v) for v in values),
                  f"{name}: {len(X)} rows, {len(values)} classes")


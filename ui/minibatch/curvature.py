"""Which way oscillates, and why: the loss's curvature along the weight and the bias, said in words.

Plain Python (no Streamlit). The Mini-batch page explains its gradient-descent path with it: full-batch
gradient descent zig-zags along the steep direction (the larger curvature) once the learning rate passes
2 / curvature there, and crawls along the flat one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import optim
from optim import models


@dataclass(frozen=True)
class Curvature:
    """The loss's curvature along W and along b (the Hessian's diagonal), and its extreme eigenvalues."""

    w: float
    b: float
    cross: float
    where: str

    @property
    def eigenvalues(self) -> tuple[float, float]:
        mean, half = (self.w + self.b) / 2, math.hypot((self.w - self.b) / 2, self.cross)
        return mean - half, mean + half

    @property
    def steep(self) -> str:
        return "W" if self.w > self.b else "b"

    @property
    def flat(self) -> str:
        return "b" if self.w > self.b else "W"

    @property
    def ratio(self) -> float:
        return max(self.w, self.b) / max(min(self.w, self.b), 1e-300)


def curvature(model: str, data: models.Dataset, minimum: optim.Minimum | None) -> Curvature:
    """Second derivatives of the full-batch loss along W and b.

    Linear regression: 2 mean(x²) along W and 2 along b, everywhere. Logistic regression:
    mean(h x²) and mean(h) with h = σ(1 - σ) at the fitted minimum (at (0, 0) when the classes
    are separable), where h = 1/4 gives the same ratio, mean(x²), as the linear model.
    """
    x = np.asarray(data.x, float)
    if model == "linear":
        return Curvature(2 * float(np.mean(x * x)), 2.0, 2 * float(np.mean(x)), "everywhere")
    w, b = (minimum.x, minimum.y) if minimum is not None else (0.0, 0.0)
    z = w * x + b
    p = 0.5 * (1 + np.tanh(0.5 * z))
    h = p * (1 - p)
    where = "at the fitted minimum" if minimum is not None else "at the start (0, 0)"
    return Curvature(float(np.mean(h * x * x)), float(np.mean(h)), float(np.mean(h * x)), where)


def direction_changes(xs: np.ndarray) -> tuple[int, int, int]:
    """How often a path's W and b moves reverse direction, and how many moves it made (finite part).

    Example:
        >>> direction_changes(np.array([[0, 0], [1, 1], [2, -1], [3, 1]], float))
        (0, 2, 3)
    """
    xs = np.asarray(xs, float)
    xs = xs[np.isfinite(xs).all(axis=1)]
    d = np.diff(xs, axis=0)
    flips = (np.sign(d[1:]) * np.sign(d[:-1]) < 0).sum(axis=0) if len(d) > 1 else np.zeros(2, int)
    return int(flips[0]), int(flips[1]), len(d)


def explanation(model: str, c: Curvature, gd_lr: float, gd_path: np.ndarray, diverged: bool) -> str:
    """Markdown: which of W and b is the steep, oscillating direction for these data, in seed 003's terms."""
    lo, hi = c.eigenvalues
    if model == "linear":
        how = (f"Along **W** the loss curves by 2·mean(x²) = {c.w:.3g}; along **b** by 2, because the bias "
               "multiplies the constant input 1.")
    else:
        how = (f"{c.where.capitalize()}, the loss curves by mean(h·x²) = {c.w:.3g} along **W** and by mean(h) = "
               f"{c.b:.3g} along **b**, where h = σ(1 − σ) weighs each sample (the same ratio, mean(x²), as the "
               "linear model when every h is equal).")
    if c.ratio < 2:
        shape = (f"They are within a factor {c.ratio:.2g}: the valley is nearly round, so neither direction "
                 "oscillates much more than the other.")
    else:
        article = ("as in seed 003's picture, where b is the vertical direction that oscillates and W the "
                   "horizontal one that should move fast" if c.steep == "b" else
                   "the opposite of seed 003's picture: a feature with a large scale makes the weight's "
                   "gradient large, so here W (horizontal) oscillates and b (vertical) crawls")
        shape = (f"So **{c.steep} is the steep direction**, {c.ratio:.3g} times steeper than {c.flat}: a learning "
                 f"rate large enough to move along {c.flat} quickly overshoots across {c.steep}, so gradient descent "
                 f"zig-zags across {c.steep} while it creeps along {c.flat}, {article}.")
    limit = 2 / hi
    if gd_lr > limit:
        verdict = "above it, so the oscillation grows and gradient descent diverges"
    elif gd_lr * hi > 1:
        verdict = ("below it but above half of it, so each step overshoots the steep direction and the zig-zag "
                   "dies out slowly")
    else:
        verdict = ("below half of it, so no step overshoots: no zig-zag, at the price of an even slower crawl "
                   "along the flat direction")
    flips_w, flips_b, moves = direction_changes(gd_path)
    lines = [
        f"**Which way oscillates?** {how} {shape}",
        f"The steep direction caps the learning rate: gradient descent is stable only below 2 / λ_max = "
        f"{limit:.3g} (λ_max = {hi:.3g} is the largest curvature). Its learning rate here is {gd_lr:g}, {verdict}. "
        f"At that rate the flat direction (λ_min = {lo:.3g}) shrinks its error by only a factor "
        f"{abs(1 - gd_lr * lo):.3g} per step.",
        f"In this run gradient descent's **W** reversed direction {flips_w} times and **b** {flips_b} times in "
        f"{moves} steps{' before it diverged' if diverged else ''}.",
        "RMSprop divides each coordinate's step by the root of that coordinate's running average of squared "
        f"gradients: the large gradients along {c.steep if c.ratio >= 2 else 'the steep direction'} get small "
        "steps, the small ones along the flat direction large steps, so both move at a similar pace: seed 003's "
        "damping of the oscillating direction (the vertical b in its picture). Adam adds momentum to the same "
        "scaling.",
    ]
    return "\n\n".join(lines)

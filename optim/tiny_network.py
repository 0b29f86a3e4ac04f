"""The tiny network: one tanh unit with two weights, trained on a few seeded points.

f(w1, w2) = mean_i (t_i - w2 tanh(w1 s_i))^2 over n inputs s_i drawn from N(0, 1) with the
data seed, and targets t_i = tanh(s_i). The input weight w1 is the map's x, the output weight
w2 its y. The network fits the data exactly at (1, 1) and, tanh being odd, at (-1, -1): the two
global minima, with loss 0.

It is the smallest model whose training shows what Sohl-Dickstein (2024, "The boundary of neural
network trainability is fractal") found for real networks: gradient descent with one learning
rate per weight (``lr`` for w1, ``lr_y`` for w2) is a nonlinear map iterated hundreds of times,
and the edge between the rates that train and the rates that diverge is fractal.

The sums over the points run point by point, so a single run, a batch of runs and a contour
grid add in the same order and agree bit for bit; ``value_and_gradient`` shares each point's
tanh between the loss and the gradient.
"""

from __future__ import annotations

import numpy as np

from .objective import Minimum, Objective
from .params import Param

DEFAULT_POINTS = 8
"""Points priced like one built-in objective: at 8 points a step takes less time than Ackley's, the
dearest built-in (measured on 65,536 runs: about half), and the work grows with the points."""

PARAMS = {
    "seed": Param("seed", 0, 0, 10_000, "int", "Seed of the data: the inputs s_i are drawn from N(0, 1)."),
    "points": Param("points", DEFAULT_POINTS, 2, 64, "int", "Number of data points (s_i, tanh(s_i))."),
}


def data(seed: int, points: int) -> tuple[np.ndarray, np.ndarray]:
    """The inputs s_i ~ N(0, 1) drawn with ``seed`` and the targets tanh(s_i).

    Example:
        >>> s, t = data(0, 3)
        >>> bool(np.array_equal(t, np.tanh(s)))
        True
    """
    s = np.random.default_rng(int(seed)).standard_normal(int(points))
    return s, np.tanh(s)


def tiny_network(seed: int = 0, points: int = 8) -> Objective:
    """The tiny network's mean squared error over its two weights (see the module doc).

    Example:
        >>> obj = tiny_network()
        >>> float(obj.f([1.0, 1.0])), float(obj.f([-1.0, -1.0]))
        (0.0, 0.0)
        >>> [round(float(g), 6) for g in obj.grad([0.5, 0.5])]
        [-0.17992, -0.210519]
    """
    s, t = data(seed, points)
    n = len(s)

    def sums(w1, w2, loss: bool, gradient: bool):
        """Sums over the points of r^2 (loss), and of r (1 - h^2) s and r h (gradient); h = tanh(w1 s), r the residual.

        Written in place into three scratch arrays: for a block of runs this is the whole cost of a step.
        """
        shape = np.broadcast(w1, w2).shape
        f, g1, g2 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        h, r, u = np.empty(shape), np.empty(shape), np.empty(shape)
        for si, ti in zip(s, t, strict=True):
            np.tanh(np.multiply(w1, si, out=h), out=h)
            np.subtract(ti, np.multiply(w2, h, out=r), out=r)
            if loss:
                f += np.multiply(r, r, out=u)
            if gradient:
                g2 += np.multiply(r, h, out=u)
                u *= h
                np.subtract(r, u, out=u)  # r (1 - h^2)
                u *= si
                g1 += u
        return f / n, g1 * (w2 * (-2.0 / n)), g2 * (-2.0 / n)

    def value(w1, w2):
        return sums(w1, w2, True, False)[0]

    def gradient(w1, w2):
        return sums(w1, w2, False, True)[1:]

    def value_and_gradient(w1, w2):
        f, g1, g2 = sums(w1, w2, True, True)
        return f, np.stack((g1, g2))

    def hessian(w1, w2):
        """Second derivatives for Newton's method, point by point: (2/n) sum of grad r grad r' + r hess r."""
        shape = np.broadcast(w1, w2).shape
        h11, h12, h22 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for si, ti in zip(s, t, strict=True):
            h = np.tanh(w1 * si)
            r = ti - w2 * h
            q = (1 - h * h) * si  # dh / dw1
            h11 += w2 * w2 * q * q + 2 * r * w2 * si * h * q
            h12 += w2 * q * h - r * q
            h22 += h * h
        return h11 * (2.0 / n), h12 * (2.0 / n), h22 * (2.0 / n)

    return Objective(
        name="tiny_network",
        title="Tiny network",
        latex=(rf"f(x, y) = \frac{{1}}{{{n}}}\sum_{{i=1}}^{{{n}}}\left(\tanh s_i - y\,\tanh(x\,s_i)\right)^2,"
               rf"\ s_i \sim \mathcal{{N}}(0, 1)\ \text{{(seed {int(seed)})}}"),
        value=value,
        gradient=gradient,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-0.5, 0.5),
        minima=(Minimum(1.0, 1.0, 0.0), Minimum(-1.0, -1.0, 0.0)),
        params={"seed": int(seed), "points": int(points)},
        param_specs=PARAMS,
        log_contours=True,
        cost=max(1.0, n / DEFAULT_POINTS),
        value_and_gradient=value_and_gradient,
        hessian=hessian,
    )

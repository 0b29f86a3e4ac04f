"""Second derivatives of the longer built-in test functions, written out by hand.

Newton's method divides by the Hessian, so every built-in objective has an exact one; the short
ones sit beside their functions in :mod:`optim.objectives`, these three are long enough to read on
their own. Each takes coordinate arrays and returns ``(f_xx, f_xy, f_yy)``; the tests hold every
Hessian to central differences of its analytic gradient.

Example:
    >>> [float(h) for h in beale(3.0, 0.5)]  # at Beale's minimum: positive definite
    [3.15625, -11.4375, 46.125]
"""

from __future__ import annotations

import numpy as np


def beale(x, y):
    """Beale's Hessian: f = t1^2 + t2^2 + t3^2 with t_k = c_k - x + x y^k."""
    y2 = y * y
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y
    a1, a2, a3 = y - 1, y2 - 1, y2 * y - 1  # d t_k / dx
    b1, b2, b3 = x, 2 * x * y, 3 * x * y2  # d t_k / dy
    hxx = 2 * (a1 * a1 + a2 * a2 + a3 * a3)
    hxy = 2 * (a1 * b1 + t1 + a2 * b2 + 2 * y * t2 + a3 * b3 + 3 * y2 * t3)
    hyy = 2 * (b1 * b1 + b2 * b2 + 2 * x * t2 + b3 * b3 + 6 * x * y * t3)
    return hxx, hxy, hyy


def ackley(x, y):
    """Ackley's Hessian; the cone's tip at the origin has none, and like the gradient its part is 0 there."""
    two_pi = 2 * np.pi
    r = np.sqrt(0.5 * (x * x + y * y))
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(r > 0, 2.0 * np.exp(-0.2 * r) / r, 0.0)
        dk = np.where(r > 0, -np.exp(-0.2 * r) * (0.2 * r + 1) / (r * r * r), 0.0)  # (dk/dr) * 0.5 / r
    sx, sy = np.sin(two_pi * x), np.sin(two_pi * y)
    e = np.pi * np.exp(0.5 * (np.cos(two_pi * x) + np.cos(two_pi * y)))
    hxx = k + x * x * dk + e * (two_pi * np.cos(two_pi * x) - np.pi * sx * sx)
    hyy = k + y * y * dk + e * (two_pi * np.cos(two_pi * y) - np.pi * sy * sy)
    return hxx, x * y * dk - np.pi * e * sx * sy, hyy


def goldstein_price(x, y):
    """Goldstein-Price's Hessian: f = a b with a = 1 + s^2 p and b = 30 + d^2 q."""
    s, d = x + y + 1, 2 * x - 3 * y
    p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
    q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
    a, b = 1 + s * s * p, 30 + d * d * q
    px = -14 + 6 * x + 6 * y  # p's derivative along x, and along y
    qx, qy = -32 + 24 * x - 36 * y, 48 - 36 * x + 54 * y
    da = 2 * s * p + s * s * px
    daa = 2 * p + 4 * s * px + 6 * s * s  # every second derivative of a is this
    dbx, dby = 4 * d * q + d * d * qx, -6 * d * q + d * d * qy
    dbxx = 8 * q + 8 * d * qx + 24 * d * d
    dbxy = -12 * q + 4 * d * qy - 6 * d * qx - 36 * d * d
    dbyy = 18 * q - 12 * d * qy + 54 * d * d
    return (daa * b + 2 * da * dbx + a * dbxx, daa * b + da * dby + da * dbx + a * dbxy,
            daa * b + 2 * da * dby + a * dbyy)

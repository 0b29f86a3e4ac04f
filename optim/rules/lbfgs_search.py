"""torch.optim.LBFGS's strong-Wolfe line search, for one run, in NumPy (same branches, same arithmetic).

Moré and Thuente's bracketing and zoom with cubic interpolation, as torch writes them: find a step
length t along d with sufficient decrease (f(x + t d) <= f + c1 t g.d) and a flat enough slope
(|g(x + t d).d| <= -c2 g.d), using at most ``max_ls`` evaluations after the first.
"""

from __future__ import annotations

import numpy as np


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """The minimizer of the cubic through two points with their slopes, within ``bounds`` (torch's _cubic_interpolate).

    Example:
        >>> cubic_minimum(0.0, 1.0, -2.0, 2.0, 1.0, 2.0)  # the parabola (x - 1)^2: minimum at 1
        1.0
    """
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return float(min(max(pos, lo), hi))
    return (lo + hi) / 2.0


def strong_wolfe(closure, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """(step length, function evaluations) from torch's ``_strong_wolfe`` on ``closure(x) -> (f, g)``."""
    def evaluate(step):
        f_new, g_new = closure(x + step * d)
        return float(f_new), g_new, float((g_new * d).sum())

    d_norm = np.abs(d).max()
    f_new, g_new, gtd_new = evaluate(t)
    evals, ls_iter, done = 1, 0, False
    t_prev, f_prev, gtd_prev = 0, f, gtd
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bf, bgtd = [t_prev, t], [f_prev, f_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bgtd, done = [t], [f_new], [gtd_new], True
            break
        if gtd_new >= 0:
            bracket, bf, bgtd = [t_prev, t], [f_prev, f_new], [gtd_prev, gtd_new]
            break
        tmp = t
        t = cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, gtd_prev = tmp, f_new, gtd_new
        f_new, g_new, gtd_new = evaluate(t)
        evals += 1
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bf, bgtd = [0, t], [f, f_new], [gtd, gtd_new]
    insufficient = False
    low, high = (0, 1) if bf[0] <= bf[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insufficient or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new, gtd_new = evaluate(t)
        evals += 1
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bf[low]:
            bracket[high], bf[high], bgtd[high] = t, f_new, gtd_new
            low, high = (0, 1) if bf[0] <= bf[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bf[high], bgtd[high] = bracket[low], bf[low], bgtd[low]
            bracket[low], bf[low], bgtd[low] = t, f_new, gtd_new
    return bracket[low], evals

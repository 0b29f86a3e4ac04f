"""L-BFGS as torch.optim.LBFGS(max_iter=1): one call of ``step(closure)`` per step.

L-BFGS keeps the last ``history_size`` pairs (step s, change of gradient y) and turns the gradient
into a quasi-Newton direction with the two-loop recursion: an estimate of the inverse Hessian
built from differences of gradients. The first step is -g scaled to at most lr / ||g||_1; later
steps have length lr along the direction, or the strong-Wolfe line search's choice. torch stops
for good once max |g| <= 1e-7 and skips a step whose direction is not downhill.

Without line search the whole batch steps at once, each run with its own history (masks, not
loops). The strong-Wolfe line search's control flow is each run's own, so runs with
``line_search`` loop in Python, one at a time: a batch of B such runs costs about B single runs.
Each step records its function evaluations (``evals``: 1, plus the line search's).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule
from .lbfgs_search import strong_wolfe

SEARCH_COST = 8000.0
"""A run-step with the line search (one run at a time, in Python) next to Adam's batched one: ~900 us
against ~0.11 us per run-step on the 2-core development machine (2026-12). Without it, the two-loop
recursion over the history costs about 20 + 0.6 history_size times Adam's."""
TOLERANCE_GRAD = 1e-7
TOLERANCE_CHANGE = 1e-9


class LBFGSState(NamedTuple):
    t: int
    d: np.ndarray  # (P, B) the last direction
    prev_g: np.ndarray  # (P, B) the gradient the last direction was computed from
    S: np.ndarray  # (H, P, B) steps, oldest first
    Y: np.ndarray  # (H, P, B) gradient changes
    ro: np.ndarray  # (H, B) 1 / (y . s)
    count: np.ndarray  # (1, B) pairs kept
    h_diag: np.ndarray  # (1, B) the initial inverse-Hessian scale y.s / y.y
    step_t: np.ndarray  # (1, B) the last step length
    n_iter: np.ndarray  # (1, B) steps taken
    evals: np.ndarray  # (1, B) function evaluations of the last step


def _dot(a, b):
    return (a * b).sum()


def torch(lr, history_size, line_search, max_eval) -> Rule:
    """torch.optim.LBFGS(lr, max_iter=1, max_eval, history_size, line_search_fn) stepped once per step."""
    sizes = np.asarray(history_size).astype(int)
    H = int(sizes.max())

    def per_run(v, b):
        return v if np.ndim(v) == 0 else v[b]

    def init(p, closure):
        P, B = p.shape
        z, one = np.zeros_like(p), np.ones((1, B))
        return LBFGSState(0, z, z, np.zeros((H, P, B)), np.zeros((H, P, B)), np.zeros((H, B)), 0 * one, one,
                          0 * one, 0 * one, 0 * one)

    def step(p, g, s, closure):
        searching = np.broadcast_to(np.asarray(line_search, dtype=bool), p.shape[1:])
        st = {name: np.array(v, dtype=float) for name, v in s._asdict().items() if name != "t"}
        p = _batched(p, g, st, ~searching, lr, np.broadcast_to(sizes, p.shape[1:]))
        for b in np.flatnonzero(searching):  # the line search's control flow is each run's own
            p[:, b] = _column(p[:, b], g[:, b], st, b, per_run(lr, b), int(per_run(sizes, b)),
                              True, float(per_run(max_eval, b)),
                              lambda x: tuple(np.asarray(v)[..., 0] for v in closure(x[:, None])))
        return p, LBFGSState(s.t + 1, **st)

    return Rule(init, step, needs=frozenset({"closure"}))


def _batched(p, g, st, runs, lr, sizes):
    """One LBFGS.step without line search for every run in ``runs`` at once; updates ``st`` in place."""
    p = p.copy()
    active = runs & (np.abs(g).max(axis=0) > TOLERANCE_GRAD)
    st["evals"][0, runs] = 1
    if not active.any():
        return p
    n_iter = st["n_iter"][0] + active
    first, later = active & (n_iter == 1), active & (n_iter > 1)
    S, Y, ro, count, h_diag = st["S"], st["Y"], st["ro"], st["count"][0].astype(int), st["h_diag"][0]
    with np.errstate(divide="ignore", invalid="ignore"):
        y, s = g - st["prev_g"], st["d"] * st["step_t"][0]
        ys = (y * s).sum(axis=0)
        push = later & (ys > 1e-10)
        full = push & (count == sizes)
        if full.any():
            S[:, :, full], Y[:, :, full], ro[:, full] = (np.roll(a[..., full], -1, axis=0) for a in (S, Y, ro))
        count = np.where(first, 0, count - full)
        cols = np.flatnonzero(push)
        at = count[cols]
        S[at, :, cols], Y[at, :, cols], ro[at, cols] = s[:, cols].T, y[:, cols].T, 1.0 / ys[cols]
        count = count + push
        h_diag = np.where(first, 1.0, np.where(push, ys / (y * y).sum(axis=0), h_diag))
        kept = int(count[later].max()) if later.any() else 0
        al = np.zeros((max(kept, 1), p.shape[1]))
        q = -g
        for i in range(kept - 1, -1, -1):
            valid = later & (i < count)
            al[i] = np.where(valid, (S[i] * q).sum(axis=0) * ro[i], 0.0)
            q = np.where(valid, q + -al[i] * Y[i], q)
        r = q * h_diag
        for i in range(kept):
            valid = later & (i < count)
            be = (Y[i] * r).sum(axis=0) * ro[i]
            r = np.where(valid, r + (al[i] - be) * S[i], r)
        d = np.where(first, -g, np.where(later, r, st["d"]))
        t = np.where(first, np.minimum(1.0, 1.0 / np.abs(g).sum(axis=0)) * lr, lr)
    move = active & ((g * d).sum(axis=0) <= -TOLERANCE_CHANGE)
    st["n_iter"][0], st["count"][0], st["h_diag"][0] = n_iter, count, h_diag
    st["prev_g"] = np.where(active, g, st["prev_g"])
    st["d"] = d
    st["step_t"][0] = np.where(active, t, st["step_t"][0])
    return np.where(move, p + t * d, p)


def _column(x, g, st, b, lr, size, line_search, max_eval, closure):
    """One LBFGS.step on run b: updates ``st``'s column b in place and returns the new point."""
    st["evals"][0, b] = 1
    if np.abs(g).max() <= TOLERANCE_GRAD:
        return x
    st["n_iter"][0, b] += 1
    S, Y, ro = st["S"][:, :, b], st["Y"][:, :, b], st["ro"][:, b]
    if st["n_iter"][0, b] == 1:
        d, n, h_diag = -g, 0, 1.0
    else:
        y, s = g - st["prev_g"][:, b], st["d"][:, b] * st["step_t"][0, b]
        ys, n, h_diag = _dot(y, s), int(st["count"][0, b]), st["h_diag"][0, b]
        if ys > 1e-10:
            if n == size:
                S[:n - 1], Y[:n - 1], ro[:n - 1] = S[1:n].copy(), Y[1:n].copy(), ro[1:n].copy()
                n -= 1
            S[n], Y[n], ro[n] = s, y, 1.0 / ys
            n += 1
            h_diag = ys / _dot(y, y)
        al = np.zeros(n)
        q = -g
        for i in range(n - 1, -1, -1):
            al[i] = _dot(S[i], q) * ro[i]
            q = q + -al[i] * Y[i]
        d = q * h_diag
        for i in range(n):
            be = _dot(Y[i], d) * ro[i]
            d = d + (al[i] - be) * S[i]
    st["count"][0, b], st["h_diag"][0, b] = n, h_diag
    st["prev_g"][:, b] = g
    t = min(1.0, 1.0 / np.abs(g).sum()) * lr if st["n_iter"][0, b] == 1 else lr
    st["d"][:, b], st["step_t"][0, b] = d, t
    gtd = _dot(g, d)
    if gtd > -TOLERANCE_CHANGE:
        return x
    if line_search:
        f = float(closure(x)[0])
        t, evals = strong_wolfe(closure, x, t, d, f, g, gtd, max_ls=max_eval - 1)
        st["step_t"][0, b] = t
        st["evals"][0, b] += evals
    return x + t * d


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    """The step with one (s, y) pair kept, as history_size = 1 takes it from its second step on."""
    kept = ("ys", ">", "1e-10")
    step = ("the strong-Wolfe line search chooses the length (at most max_eval evaluations in all)"
            if hp.get("line_search") else "the length is lr")
    return [
        ("yn", "g - gp"), ("sn", "dp*tp"), ("ys", "sum(yn*sn)"),
        ("sk", [("sn", kept), ("sk", None)]), ("yk", [("yn", kept), ("yk", None)]),
        ("rho", [("1/ys", kept), ("rho", None)]), ("hd", [("ys/sum(yn*yn)", kept), ("hd", None)]),
        ("al", "sum(sk*(-g))*rho"), ("r", "(-g - al*yk)*hd"), ("be", "sum(yk*r)*rho"),
        ("d", "r + (al - be)*sk"), ("x", "x + lr*d"),
    ], [
        "Shown for one kept pair (s, y), replaced when y.s > 1e-10; with history_size pairs the two loops run "
        "over every pair, newest first and then oldest first.",
        f"d_1 = -g_1 with length lr min(1, 1/sum|g_1|); after that {step}.",
        "torch stops for good once max|g| <= 1e-7 and skips a step whose direction is not downhill.",
    ]


LBFGS = OptimizerSpec(
    "lbfgs", "L-BFGS",
    "Quasi-Newton: estimates the inverse Hessian from the last few steps and gradient changes.",
    {"torch": Flavor(torch, ("lr", "history_size", "line_search", "max_eval"), {"lr": 1.0},
                     "torch.optim.LBFGS(max_iter=1), one step(closure) per step; line_search is line_search_fn",
                     cost=lambda hp: np.where(hp["line_search"], SEARCH_COST, 20 + 0.6 * hp["history_size"]))},
    second="history_size",
    equations=equations, state_fields={"sk": "S", "yk": "Y", "rho": "ro", "hd": "h_diag"},
    buffers={"d": "The last search direction.", "prev_g": "The gradient that direction was computed from."},
    average=None, squares=None, family="curvature", color="#6699cc",
    tex={"yn": r"y'_t", "sn": r"s'_t", "ys": r"\sigma_t", "sk": "s", "yk": "y", "rho": r"\rho", "hd": r"\gamma",
         "al": r"\alpha_t", "r": "r_t", "be": r"\beta_t", "gp": r"g_{t-1}", "dp": r"d_{t-1}", "tp": r"\ell_{t-1}",
         "history_size": "m", "max_eval": "n_{eval}"},
)

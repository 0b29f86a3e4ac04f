"""Newton's method: divide the gradient by the exact Hessian (the curvature RMSprop only estimates).

x <- x - lr (|H| + damping I)^-1 g, with H the objective's exact Hessian at x. Where H is positive
definite |H| = H and this is Newton's step (Levenberg's with damping > 0). Where it is not (a
saddle, a maximum), plain Newton would step toward that stationary point; this one divides by
the eigenvalues' magnitudes instead, so it goes downhill along negative curvature. Each step
records the Hessian's smallest eigenvalue (``min_eig``), and :func:`hessian_notes` turns that
into a sentence for the page.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..spec import Flavor, OptimizerSpec, Rule


class NewtonState(NamedTuple):
    t: int
    min_eig: np.ndarray  # (1, B): the Hessian's smallest eigenvalue at the point each step started from


def entries(H: np.ndarray, g: np.ndarray) -> dict[str, np.ndarray]:
    """A 2x2 Hessian ``(2, 2, B)`` and gradient ``(2, B)`` as the equations see them, per coordinate i.

    ``hii`` is i's own curvature, ``hjj`` the other coordinate's, ``hij`` the cross term and ``gj``
    the other coordinate's gradient.

    Example:
        >>> H = np.array([[[2.0], [1.0]], [[1.0], [6.0]]])
        >>> {k: v[:, 0].tolist() for k, v in entries(H, np.array([[1.0], [3.0]])).items()}
        {'hii': [2.0, 6.0], 'hjj': [6.0, 2.0], 'hij': [1.0, 1.0], 'gj': [3.0, 1.0]}
    """
    hii = np.stack((H[0, 0], H[1, 1]))
    return {"hii": hii, "hjj": hii[::-1], "hij": np.stack((H[0, 1], H[0, 1])), "gj": g[::-1]}


def _absolute(hii, hjj, hij, damping):
    """(A_ii, A_jj, A_ij, smallest eigenvalue) of A = |H| + damping I for 2x2 Hessians, as the equations write it."""
    with np.errstate(divide="ignore", invalid="ignore"):  # lmax == lmin only where the middle case is unused
        return _flip(hii, hjj, hij, damping)


def _flip(hii, hjj, hij, damping):
    tr = hii + hjj
    disc = np.sqrt((hii - hjj) ** 2 + 4 * hij**2)
    lmax, lmin = (tr + disc) / 2, (tr - disc) / 2

    def flip(h, diagonal):
        mixed = (lmax + lmin) * h - (2 * lmax * lmin if diagonal else 0)
        return np.where(lmin > 0, h, np.where(lmax > 0, mixed / (lmax - lmin), -h)) + (damping if diagonal else 0)

    return flip(hii, True), flip(hjj, True), flip(hij, False), lmin


def newton(lr, damping) -> Rule:
    """Newton's step on |H| + damping I (closed form for 2x2 Hessians, eigendecomposition otherwise)."""

    def init(p, hessian):
        return NewtonState(0, np.zeros((1, p.shape[1])))

    def step(p, g, s, hessian):
        H = hessian(p)
        if p.shape[0] == 2:
            e = entries(H, g)
            aii, ajj, aij, lmin = _absolute(e["hii"], e["hjj"], e["hij"], damping)
            with np.errstate(divide="ignore", invalid="ignore"):  # a singular |H| diverges, shown as such
                d = (ajj * g - aij * e["gj"]) / (aii * ajj - aij**2)
            return p - lr * d, NewtonState(s.t + 1, lmin[:1])
        w, V = np.linalg.eigh(np.moveaxis(H, -1, 0))  # (B, P), (B, P, P)
        coef = np.einsum("bpk,pb->bk", V, g) / (np.abs(w) + np.reshape(damping, (-1, 1)))
        d = np.einsum("bpk,bk->pb", V, coef)
        return p - lr * d, NewtonState(s.t + 1, w[:, :1].T)

    return Rule(init, step, needs=frozenset({"hessian"}))


def equations(flavor: str, hp: dict) -> tuple[list, list[str]]:
    def flip(h, diagonal):
        damp = " + damping" if diagonal else ""
        mixed = f"((lmax + lmin)*{h} - 2*lmax*lmin)/(lmax - lmin)" if diagonal else f"(lmax + lmin)*{h}/(lmax - lmin)"
        return [(f"{h}{damp}", ("lmin", ">", "0")), (f"{mixed}{damp}", ("lmax", ">", "0")),
                (f"damping - {h}" if diagonal else f"-{h}", None)]

    return [
        ("tr", "hii + hjj"), ("disc", "sqrt((hii - hjj)^2 + 4*hij^2)"),
        ("lmax", "(tr + disc)/2"), ("lmin", "(tr - disc)/2"),
        ("aii", flip("hii", True)), ("ajj", flip("hjj", True)), ("aij", flip("hij", False)),
        ("d", "(ajj*g - aij*gj)/(aii*ajj - aij^2)"), ("x", "x - lr*d"),
    ], [
        "For coordinate i, j is the other one; H_ii, H_jj, H_ij are the exact Hessian's entries at x_{t-1}.",
        "A = |H| + damping I: |H| keeps H where it is positive definite and flips its negative eigenvalues, "
        "so d = A^-1 g always points downhill.",
        "On a network the same step uses the eigendecomposition of the whole Hessian.",
    ]


def hessian_notes(traj) -> list[str]:
    """One sentence on where the Hessian was not positive definite along a single run, and what Newton did.

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("newton", lr=0.5), "saddle", x0=[1.0, 0.5], steps=3)
        >>> print(hessian_notes(t)[0])
        The Hessian was not positive definite at 3 of 3 steps (smallest eigenvalue -2); there Newton divided by \
the eigenvalues' magnitudes plus the damping, so it went downhill along negative curvature instead of toward \
the saddle or maximum.
    """
    lam = np.asarray(traj.records["min_eig"], dtype=float)
    if lam.ndim != 1:
        raise ValueError("hessian_notes needs a single run.")
    steps = np.isfinite(lam)
    bad = steps & (lam <= 0)
    if not bad.any():
        return [f"The Hessian was positive definite at all {int(steps.sum())} steps: every step was Newton's."]
    return [f"The Hessian was not positive definite at {int(bad.sum())} of {int(steps.sum())} steps (smallest "
            f"eigenvalue {lam[bad].min():.3g}); there Newton divided by the eigenvalues' magnitudes plus the damping, "
            "so it went downhill along negative curvature instead of toward the saddle or maximum."]


NEWTON = OptimizerSpec(
    "newton", "Newton's method",
    "Divides the gradient by the exact Hessian: one step to the bottom of a bowl; damping makes it Levenberg's.",
    {"textbook": Flavor(newton, ("lr", "damping"), {"lr": 1.0})},
    second="damping", notes=hessian_notes,
    equations=equations, state_fields={},
    buffers={}, average=None, squares=None, family="curvature", color="#117733",
    tex={"damping": r"\kappa", "hii": "H_{ii}", "hjj": "H_{jj}", "hij": "H_{ij}", "gj": "g_{j,t}",
         "tr": r"\tau_t", "disc": r"\delta_t",
         "lmax": r"\lambda_{\max}", "lmin": r"\lambda_{\min}", "aii": "A_{ii}", "ajj": "A_{jj}", "aij": "A_{ij}"},
)

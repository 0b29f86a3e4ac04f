"""A 2-D slice of a network's loss landscape, with training paths projected onto it.

Li et al. (2018), "Visualizing the Loss Landscape of Neural Nets": the training loss
is evaluated on a grid ``center + a d1 + b d2`` through a run's final parameters,
along two directions:

- ``"random"``: Gaussian directions, *filter-normalised*: each neuron's incoming
  weights (a column of W) are rescaled to the norm of that neuron's weights in the
  center, and the biases' entries are zero (their ``ignore="biasbn"``), so a
  coordinate of 1 is a change the size of the weights themselves;
- ``"pca"``: the top two principal directions of the run's own trajectory
  (the right singular vectors of the matrix of ``theta_k - theta_final``, not
  centred, so the plane passes through the final point), so the plane holds as much
  of that path's movement as any plane through that point can.

Every network's recorded path is projected onto the plane (least squares in the
``(d1, d2)`` basis). ``captured`` says, per path, the share of its movement that lies
in the plane: the sum over its recorded steps of the squared length of the projected
``theta_k - theta_final``, over the sum of the squared lengths. A slice is a slice:
the loss off the plane can look nothing like it, and a path whose share is small is
mostly moving in directions the picture does not show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Scratch
from .train import Training

DIRECTIONS = ("random", "pca")
MAX_RESOLUTION = 201
GRID_CHUNK = 512
"""How many grid points' parameter vectors are built at once."""


@dataclass(frozen=True, eq=False)
class Landscape:
    """The loss on a grid: ``loss[i, j]`` at ``center + alpha[j] d1 + beta[i] d2`` (rows follow beta).

    ``paths`` ``(N, R, 2)`` are every network's recorded path in plane coordinates
    (NaN after a divergence) and ``captured`` ``(N,)`` the share of each path's
    movement the plane holds. ``network`` is the run the plane goes through.
    """

    alpha: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    center: np.ndarray
    directions: np.ndarray
    method: str
    network: int
    paths: np.ndarray
    captured: np.ndarray


def filter_normalized(direction: np.ndarray, theta: np.ndarray, layout) -> np.ndarray:
    """``direction`` with each weight column rescaled to the norm of ``theta``'s column; biases zero.

    Example:
        >>> layout = ((2, 2), (2,))
        >>> filter_normalized(np.array([3.0, 1.0, 4.0, 0.0, 5.0, 9.0]), np.array([0.0, 2.0, 10.0, 0.0, 1.0, 1.0]),
        ...                   layout).tolist()
        [6.0, 2.0, 8.0, 0.0, 0.0, 0.0]
    """
    out = np.zeros_like(direction)
    start = 0
    for shape in layout:
        size = int(np.prod(shape))
        if len(shape) == 2:
            d = direction[start:start + size].reshape(shape)
            w = theta[start:start + size].reshape(shape)
            norm_d = np.linalg.norm(d, axis=0)
            scale = np.divide(np.linalg.norm(w, axis=0), norm_d, out=np.zeros_like(norm_d), where=norm_d > 0)
            out[start:start + size] = (d * scale).ravel()
        start += size
    return out


def _directions(run: Training, path: np.ndarray, method: str, seed) -> tuple[np.ndarray, np.ndarray]:
    center = path[-1]
    if method == "random":
        rng = np.random.default_rng(seed)
        D = np.stack([filter_normalized(rng.standard_normal(len(center)), center, run.net.layout) for _ in range(2)])
        return center, D
    moves = path[np.isfinite(path).all(axis=1)] - center
    # The top two right singular vectors of ``moves``, from the eigenvectors of its smaller Gram
    # matrix: an SVD of the whole (steps x parameters) matrix costs far more, and OpenBLAS's
    # threads make it slower still on a busy machine.
    wide = len(moves) <= moves.shape[1]
    values, vectors = np.linalg.eigh(np.einsum("ip,jp->ij", moves, moves) if wide else np.einsum("ip,iq->pq", moves,
                                                                                                    moves))
    top = values[::-1][:2]
    if len(top) < 2 or not top[1] > 1e-12 * top[0]:
        raise ValueError("the principal directions need a path that moves in at least two directions; "
                         "record more steps (smaller every) or use random directions.")
    vectors = vectors[:, ::-1][:, :2]
    D = (moves.T @ vectors / np.sqrt(top)).T if wide else vectors.T
    return center, D


def _project(params: np.ndarray, center: np.ndarray, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plane coordinates ``(N, R, 2)`` of the paths in ``params`` ``(R, N, P)`` and each one's captured share.

    The orthogonal projection of v onto the plane has squared length ``m^T G^-1 m`` with
    ``m = D v`` and ``G = D D^T``; its coordinates in the ``(d1, d2)`` basis are ``G^-1 m``.
    """
    inv = np.linalg.inv(D @ D.T)
    R, N = params.shape[:2]
    coords = np.empty((N, R, 2))
    captured = np.full(N, np.nan)
    for i in range(N):  # one network at a time: a whole batch of paths can be large
        path = params[:, i]
        coords[i] = (path - center) @ D.T @ inv
        finite = np.flatnonzero(np.isfinite(path).all(axis=1))
        if len(finite) < 2:
            continue
        moves = path[finite] - path[finite[-1]]
        m = moves @ D.T
        total = np.einsum("rp,rp->", moves, moves)
        if total > 0:
            captured[i] = np.einsum("ri,ij,rj->", m, inv, m) / total
    return coords, captured


def _axis(values: np.ndarray, resolution: int) -> np.ndarray:
    lo, hi = min(0.0, np.nanmin(values)), max(0.0, np.nanmax(values))
    pad = 0.15 * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, resolution)


def landscape(run: Training, network: int = 0, directions: str = "random", resolution: int = 41,
              span: float | None = None, seed: int = 0) -> Landscape:
    """The training loss on a ``resolution`` x ``resolution`` slice through ``network``'s final parameters.

    Args:
        run: from :func:`optim.train` (with ``record="path"``: the paths are its recorded steps).
        network: which of the run's networks the plane goes through (0 for a single run).
        directions: ``"random"`` (filter-normalised) or ``"pca"`` (its trajectory's top two).
        resolution: grid points per axis, 3 to 201.
        span: the grid covers ``[-span, span]`` on both axes; default 1 for random
            directions (the weights' own size), and the path's extent plus 15% for pca.
        seed: the random directions' seed.

    Example:
        >>> import optim
        >>> data = optim.make_dataset("moons", n=100, seed=0)
        >>> net = optim.MLP((2, 4, 1))
        >>> run = optim.train(optim.make_optimizer("adam", lr=0.05), net, data.X, data.y, epochs=30)
        >>> sl = optim.landscape(run, directions="pca", resolution=21)
        >>> sl.loss.shape, sl.paths.shape, bool(sl.captured[0] > 0.5)
        ((21, 21), (1, 31, 2), True)
    """
    if directions not in DIRECTIONS:
        raise ValueError(f"unknown directions {directions!r}; allowed: {', '.join(DIRECTIONS)}.")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or not (
        3 <= resolution <= MAX_RESOLUTION
    ):
        raise ValueError(f"resolution must be a whole number from 3 to {MAX_RESOLUTION}, got {resolution!r}.")
    if span is not None and not (isinstance(span, (int, float, np.floating)) and 0 < span <= 1e3):
        raise ValueError(f"span must be a number above 0 and at most 1000, got {span!r}.")
    params = run.params[:, None, :] if run.params.ndim == 2 else run.params  # (R, N, P)
    N = params.shape[1]
    if isinstance(network, bool) or not isinstance(network, (int, np.integer)) or not 0 <= network < N:
        raise ValueError(f"network must be a whole number from 0 to {N - 1}, got {network!r}.")
    path = params[:, network]
    if not np.isfinite(path[-1]).all():
        step = int(np.atleast_1d(run.diverged_at)[network])
        raise ValueError(f"network {network} diverged at step {step}; a slice needs final parameters, so choose "
                         "a network that did not diverge.")
    with np.errstate(all="ignore"):
        center, D = _directions(run, path, directions, seed)
        coords, captured = _project(params, center, D)
        if span is not None or directions == "random":
            alpha = beta = np.linspace(-(span or 1.0), span or 1.0, resolution)
        else:
            alpha, beta = _axis(coords[network, :, 0], resolution), _axis(coords[network, :, 1], resolution)
        A, Bt = np.meshgrid(alpha, beta)
        grid = np.stack((A.ravel(), Bt.ravel()))  # (2, n^2)
        loss = np.empty(grid.shape[1])
        scratch = Scratch()
        for j in range(0, len(loss), GRID_CHUNK):
            a, b = grid[:, j:j + GRID_CHUNK]
            theta = center[:, None] + D[0][:, None] * a + D[1][:, None] * b  # no BLAS threads for a tiny product
            loss[j:j + GRID_CHUNK] = run.net.evaluate(theta, run.X, run.y, scratch)[0]
    return Landscape(alpha, beta, loss.reshape(A.shape), center, D, directions, int(network), coords, captured)


def project(sl: Landscape, params) -> tuple[np.ndarray, np.ndarray]:
    """Other runs' paths on the plane of ``sl``: plane coordinates ``(N, R, 2)`` and captured shares ``(N,)``.

    ``params`` is ``(R, N, P)`` (a :class:`optim.Training`'s ``params``) or ``(R, P)`` for one path, from
    the same network architecture, so runs of other optimizers can be drawn on one run's slice.

    Example:
        >>> import optim
        >>> data = optim.make_dataset("moons", n=100, seed=0)
        >>> net = optim.MLP((2, 4, 1))
        >>> adam = optim.train(optim.make_optimizer("adam", lr=0.05), net, data.X, data.y, epochs=30)
        >>> gd = optim.train(optim.make_optimizer("gd", lr=0.5), net, data.X, data.y, epochs=30)
        >>> coords, captured = project(optim.landscape(adam, directions="pca", resolution=5), gd.params)
        >>> coords.shape, bool(0.0 <= captured[0] <= 1.0)
        ((1, 31, 2), True)
    """
    params = np.asarray(params, dtype=np.float64)
    params = params[:, None, :] if params.ndim == 2 else params
    if params.ndim != 3 or params.shape[2] != len(sl.center):
        raise ValueError(f"params must have shape (R, N, {len(sl.center)}) or (R, {len(sl.center)}), "
                         f"got {params.shape}.")
    with np.errstate(all="ignore"):
        return _project(params, sl.center, sl.directions)


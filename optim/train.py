"""Training networks with any optimizer on mini-batches: :func:`train`, batched over networks.

B networks (starts ``params`` of shape ``(B, P)``, or one start and hyperparameters
of shape ``(B,)``) train in one vectorized loop: one forward and backward pass for
all of them per step (:meth:`optim.MLP.value_and_grad`), then each optimizer's rule
on the coordinate-first parameters ``(P, B)``. A list of C optimizers trains every
start with every optimizer in the same loop: C x B networks, optimizer c's networks
being rows ``c B .. c B + B - 1``, all on the same batches per start.

Step k evaluates the loss and gradient on batch k (``run.batch_losses[k]``, before
the update) and applies the update. At the recorded steps (every ``every`` steps
and the last, or only the last with ``record="final"``) it keeps the parameters, the
loss and accuracy on the whole training set and on the test set. Every step it keeps
each layer's weight norm and the size of its update, cheap and telling (Adam's
updates keep their size while the weights grow; SGD's shrink with the gradient).

Divergence: a network diverges at step k when a parameter of theta_k is not finite
or exceeds ``bound`` in magnitude, or a loss at theta_k is not finite; from step k on
its records are NaN and ``diverged_at`` holds k (-1 when it never happened). No
RuntimeWarning escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .batches import MAX_STEPS, check_batches, shuffled_batches, steps_per_epoch, whole
from .network import MLP, Scratch
from .optimizers import Optimizer
from .run import DIVERGENCE_BOUND
from .updates import UpdateGroup

RECORDS = ("path", "final")
MAX_ACTIVATIONS = 1 << 24
"""Most hidden activations (networks x batch rows x widest layer) one training step may hold."""
MAX_RECORD_BYTES = 1 << 29
"""Most memory the recorded parameters may take (512 MiB)."""


@dataclass(frozen=True, eq=False)
class Training:
    """What :func:`train` recorded. N is the number of networks; the N axis is dropped for one.

    ``X`` and ``y`` are the training points and labels (as the loss uses them).

    Shapes, for S steps and R recorded steps (``steps_recorded``, ``(R,)``), L layers:
    ``params`` (R, N, P); ``losses``, ``accuracy``, ``test_losses``, ``test_accuracy``
    (R, N) (accuracies None for regression, test records None without test data);
    ``batch_losses`` (S, N), the loss on step k's batch before its update;
    ``weight_norms`` (S+1, N, L), the Frobenius norm of each layer's weight matrix W,
    and ``step_norms`` (S, N, L), that of its update W_{k+1} - W_k (biases left out, as
    in the usual update-to-weight ratio); ``lr`` (S, N), the learning rate in force at each
    step (a schedule's, or the constant one); ``diverged_at`` (N,), -1 where it did not.
    """

    optimizers: tuple[Optimizer, ...]
    net: MLP
    X: np.ndarray
    y: np.ndarray
    steps: int
    steps_recorded: np.ndarray
    params: np.ndarray
    losses: np.ndarray
    accuracy: np.ndarray | None
    test_losses: np.ndarray | None
    test_accuracy: np.ndarray | None
    batch_losses: np.ndarray
    weight_norms: np.ndarray
    step_norms: np.ndarray
    lr: np.ndarray
    diverged_at: np.ndarray | int

    @property
    def final_params(self) -> np.ndarray:
        return self.params[-1]

    @property
    def final_loss(self):
        return self.losses[-1]

    @property
    def diverged(self):
        return np.asarray(self.diverged_at) >= 0

    def index(self, step: int) -> int:
        """Where ``step`` sits in the recorded steps; ``ValueError`` if it was not recorded."""
        hit = np.flatnonzero(self.steps_recorded == step)
        if not len(hit):
            raise ValueError(f"step {step!r} was not recorded; recorded: {_describe(self.steps_recorded)}.")
        return int(hit[0])

    def params_at(self, step: int, network: int = 0) -> np.ndarray:
        """Network ``network``'s parameters ``(P,)`` at a recorded ``step``.

        Example:
            >>> import optim
            >>> net = optim.MLP((2, 2, 1))
            >>> run = optim.train(optim.make_optimizer("gd", lr=0.1), net, np.eye(2), [0, 1], steps=10, every=5)
            >>> run.steps_recorded.tolist(), run.params_at(5).shape
            ([0, 5, 10], (9,))
        """
        p = self.params[self.index(step)]
        return p if p.ndim == 1 else p[network]


def _describe(steps: np.ndarray) -> str:
    if len(steps) <= 6:
        return ", ".join(str(s) for s in steps)
    return f"{steps[0]}, {steps[1]}, ..., {steps[-1]}"


def _data(net: MLP, X, y, what: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an (n, {net.sizes[0]}) array of numbers.") from None
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or len(X) == 0:
        raise ValueError(f"{what} must be an (n, {net.sizes[0]}) array of points, got shape {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError(f"{what} must be finite numbers.")
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"{what} has {len(X)} points but {len(y)} labels; they must match.")
    if net.task == "regression":
        if not (np.issubdtype(y.dtype, np.number) and np.isfinite(y).all()):
            raise ValueError(f"the targets for {what} must be finite numbers.")
    elif not (np.issubdtype(y.dtype, np.number) and np.isin(y, np.arange(net.classes)).all()):
        raise ValueError(f"the labels for {what} must be whole numbers from 0 to {net.classes - 1} "
                         f"for a network with {net.sizes[-1]} output{'s' if net.sizes[-1] > 1 else ''}.")
    return X, net.targets(y)


def _starts(net: MLP, params, optimizers, bound) -> tuple[np.ndarray, int]:
    theta = np.asarray(net.init(0) if params is None else params, dtype=np.float64)
    if theta.ndim not in (1, 2) or theta.shape[-1] != net.n_params:
        raise ValueError(f"params must have shape ({net.n_params},) or (B, {net.n_params}), got {theta.shape}.")
    if not (np.abs(theta) <= bound).all():
        raise ValueError(f"params must be finite with magnitudes within {bound:g}.")
    sizes = {o.batch_size for o in optimizers} - {None}
    if len(sizes) > 1:
        raise ValueError(f"the optimizers' array hyperparameters have different lengths {sorted(sizes)}; "
                         "they must all have one value per start.")
    B = sizes.pop() if sizes else len(theta.reshape(-1, net.n_params))
    if theta.ndim == 2 and len(theta) != B:
        raise ValueError(f"params has {len(theta)} starts but the hyperparameters have {B} values; they must match.")
    return np.broadcast_to(theta.reshape(-1, net.n_params), (B, net.n_params)), B


def _plan(n, B, batches, batch_size, epochs, steps, shuffle_seed) -> tuple[list[np.ndarray] | None, int]:
    """Every step's row indices (None: the full batch every step) and the number of steps."""
    if batches is not None:
        if batch_size is not None or epochs is not None or steps is not None:
            raise ValueError("give either explicit batches or batch_size with epochs or steps, not both.")
        return check_batches(batches, n, B), len(batches)
    if (epochs is None) == (steps is None):
        raise ValueError("give the length of training as epochs or as steps (one of them).")
    if batch_size is not None:
        batch_size = whole("batch_size", batch_size, 1, 10**9)
    per_epoch = steps_per_epoch(n, batch_size)
    if steps is None:
        steps = whole("epochs", epochs, 1, MAX_STEPS // per_epoch) * per_epoch
    steps = whole("steps", steps, 0, MAX_STEPS)
    if per_epoch == 1:
        return None, steps
    seeds = np.asarray(shuffle_seed)
    if seeds.ndim == 1 and len(seeds) != B:
        raise ValueError(f"shuffle_seed has {len(seeds)} seeds for {B} starts; give one seed or one per start.")
    return shuffled_batches(n, batch_size, steps, shuffle_seed), steps


def train(
    optimizer: Optimizer | list[Optimizer],
    net: MLP,
    X,
    y,
    *,
    params=None,
    batches=None,
    batch_size: int | None = None,
    epochs: int | None = None,
    steps: int | None = None,
    shuffle_seed=0,
    test=None,
    record: str = "path",
    every: int = 1,
    bound: float = DIVERGENCE_BOUND,
    progress: Callable[[int, int], None] | None = None,
) -> Training:
    """Train ``net`` on ``(X, y)`` with ``optimizer`` (or each of a list), batched over networks.

    Args:
        optimizer: from :func:`optim.make_optimizer` (array hyperparameters: one value per
            start; a schedule sets each step's rate, a plateau schedule reading each network's
            loss on the step's batch), or a list of them to train every start with each.
        net: the :class:`optim.MLP`.
        X, y: training points ``(n, d)`` and labels ``(n,)`` (targets for regression).
        params: starts ``(P,)`` or ``(B, P)``, e.g. ``net.init(seeds)``; default ``net.init(0)``.
        batches: explicit row indices per step, ``(steps, rows)`` shared by every start or
            ``(steps, B, rows)`` one per start (or a list of such arrays). Otherwise:
        batch_size: rows per batch (None: the full batch), shuffled every epoch with
            ``shuffle_seed`` (an int for all starts, or ``(B,)`` seeds, one per start);
        epochs / steps: how long, in passes over the data or in steps (give one).
        test: ``(X_test, y_test)`` to record the loss and accuracy on held-out points.
        record: ``"path"`` records every ``every`` steps and the last; ``"final"`` only the last.
        bound: parameter magnitude beyond which a network counts as diverged.
        progress: called as ``progress(k, steps)`` every ``steps // 100`` steps (every step
            for fewer than 200) and at the end, for a progress bar.

    Example:
        >>> import optim
        >>> data = optim.make_dataset("moons", n=200, noise=0.1, seed=0)
        >>> net = optim.MLP((2, 8, 1), "tanh")
        >>> adam = optim.make_optimizer("adam", "torch", lr=[0.01, 0.1])
        >>> run = optim.train(adam, net, data.X, data.y, params=net.init([0, 1]), batch_size=32,
        ...                   epochs=20, test=(data.X_test, data.y_test))
        >>> run.params.shape, run.batch_losses.shape, run.test_accuracy.shape
        ((101, 2, 33), (100, 2), (101, 2))
        >>> bool(run.final_loss[1] < run.losses[0, 1])
        True
    """
    optimizers = tuple(optimizer) if isinstance(optimizer, (list, tuple)) else (optimizer,)
    if not optimizers or not all(isinstance(o, Optimizer) for o in optimizers):
        raise ValueError("optimizer must be one from optim.make_optimizer, or a non-empty list of them.")
    for o in optimizers:
        if "lr_y" in o.hyperparameters:
            raise ValueError(f"{o.label}: lr_y is the y coordinate's own rate on a 2-D function; a network has "
                             "one rate for all its parameters, so leave lr_y unset.")
    if not isinstance(net, MLP):
        raise ValueError(f"net must be an optim.MLP, got {type(net).__name__}.")
    if record not in RECORDS:
        raise ValueError(f"record must be one of {', '.join(RECORDS)}, got {record!r}.")
    every = whole("every", every, 1, MAX_STEPS)
    X, y = _data(net, X, y, "X")
    test = None if test is None else _data(net, *test, "the test points")
    starts, B = _starts(net, params, optimizers, bound)
    plan, steps = _plan(len(X), B, batches, batch_size, epochs, steps, shuffle_seed)
    C = len(optimizers)
    rows = len(X) if plan is None else max(b.shape[-1] for b in plan) if plan else 0
    if C * B * rows * max(net.sizes) > MAX_ACTIVATIONS:
        raise ValueError(f"{C * B:,} networks x {rows:,} rows per batch x width {max(net.sizes)} is more than "
                         f"{MAX_ACTIVATIONS:,} activations per step; use fewer networks, smaller batches or a "
                         "narrower network.")
    recorded = len(_recorded_steps(steps, record, every))
    if recorded * C * B * net.n_params * 8 > MAX_RECORD_BYTES:
        raise ValueError(f"recording {C * B:,} networks' {net.n_params:,} parameters at {recorded:,} steps would take "
                         f"{recorded * C * B * net.n_params * 8 / 2**20:,.0f} MiB; the limit is "
                         f"{MAX_RECORD_BYTES / 2**20:,.0f} MiB, so record fewer steps (a larger every) or "
                         "record='final'.")
    theta = np.ascontiguousarray(np.tile(starts, (C, 1)).T)  # (P, C B), optimizer-major
    single = C == 1 and B == 1 and np.ndim(params) < 2 and optimizers[0].batch_size is None
    with np.errstate(all="ignore"):
        first = _batch(X, y, plan, 0, C) if steps else (X, y)
        groups = [UpdateGroup(o, slice(c * B, (c + 1) * B), net, theta, first, steps)
                  for c, o in enumerate(optimizers)]
        out = _loop(net, X, y, test, theta, groups, plan, steps, C, record, every, bound, progress)
    return _finish(out, optimizers, net, X, y, steps, single)


def _recorded_steps(steps: int, record: str, every: int) -> np.ndarray:
    if record == "final":
        return np.array([steps])
    recorded = np.arange(0, steps + 1, every)
    return recorded if recorded[-1] == steps else np.append(recorded, steps)


def _loop(net, X, y, test, theta, groups, plan, steps, C, record, every, bound, progress) -> dict:
    P, N = theta.shape
    recorded = _recorded_steps(steps, record, every)
    R, L = len(recorded), net.n_layers
    classify = net.task == "classification"
    out = {
        "steps_recorded": recorded, "params": np.empty((R, N, P)), "losses": np.empty((R, N)),
        "accuracy": np.empty((R, N)) if classify else None,
        "test_losses": np.empty((R, N)) if test else None,
        "test_accuracy": np.empty((R, N)) if test and classify else None,
        "batch_losses": np.empty((steps, N)), "weight_norms": np.empty((steps + 1, N, L)),
        "step_norms": np.empty((steps, N, L)),
    }
    weights = np.asarray(net.offsets[:-1])  # reduceat sums each tensor; the weights are every other one

    def layer_norms(a):
        return np.sqrt(np.add.reduceat(a * a, weights, axis=0)[0::2].T)

    scratch = Scratch()
    alive = np.ones(N, dtype=bool)
    diverged_at = np.full(N, -1)
    r = 0
    tick = max(1, steps // 100)
    for k in range(steps + 1):
        if progress is not None and (k % tick == 0 or k == steps):
            progress(k, steps)
        out["weight_norms"][k] = layer_norms(theta)
        ok = np.abs(theta).max(axis=0) <= bound
        if k == recorded[r]:
            out["params"][r] = theta.T
            out["losses"][r], right = net.evaluate(theta, X, y, scratch)
            ok &= np.abs(out["losses"][r]) < np.inf
            if classify:
                out["accuracy"][r] = right
            if test:
                out["test_losses"][r], right = net.evaluate(theta, *test, scratch)
                if classify:
                    out["test_accuracy"][r] = right
            r += 1
        if k < steps:
            Xk, yk = _batch(X, y, plan, k, C)
            loss, G = net.value_and_grad(theta, Xk, yk, scratch)
            out["batch_losses"][k] = loss
            ok &= np.abs(loss) < np.inf
        diverged_at[alive & ~ok] = k
        alive &= ok
        if k == steps:
            break
        new = np.empty_like(theta)
        for g in groups:
            g.step(k, theta, G, new, Xk, yk, loss)
        out["step_norms"][k] = layer_norms(new - theta)
        theta = new
    out["diverged_at"] = diverged_at
    out["lr"] = np.concatenate([g.lr(steps) for g in groups], axis=1)
    return out


def _batch(X, y, plan, k, C):
    """Step k's points and labels: shared ``(rows, d)``, or ``(C B, rows, d)`` with one batch per start."""
    if plan is None:
        return X, y
    index = plan[k]
    if index.ndim == 2:
        index = np.tile(index, (C, 1))
    return X[index], y[index]


def _finish(out: dict, optimizers, net, X, y, steps, single) -> Training:
    d = out.pop("diverged_at")
    dead = np.where(d >= 0, d, steps + 1)  # the first masked step of each network

    def mask(a, first_step):
        if a is None:
            return None
        hide = first_step[:, None] >= dead  # (T, N)
        return np.where(hide.reshape(hide.shape + (1,) * (a.ndim - 2)), np.nan, a)

    recorded = out["steps_recorded"]
    for name in ("params", "losses", "accuracy", "test_losses", "test_accuracy"):
        out[name] = mask(out[name], recorded)
    out["batch_losses"] = mask(out["batch_losses"], np.arange(steps))
    out["weight_norms"] = mask(out["weight_norms"], np.arange(steps + 1))
    out["step_norms"] = mask(out["step_norms"], np.arange(1, steps + 1))
    out["lr"] = mask(out["lr"], np.arange(steps))
    if single:
        out = {k: (v if k == "steps_recorded" or v is None else v[:, 0]) for k, v in out.items()}
        d = int(d[0])
    return Training(optimizers, net, X, y, steps, diverged_at=d, **out)

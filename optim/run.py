"""Running an optimizer on an objective: batched trajectories and their summaries.

One call runs B trajectories in one vectorized loop: the start points ``x0`` of
shape ``(B, 2)`` and any array-valued hyperparameter of shape ``(B,)`` share the
batch axis. Internally points are laid out coordinate-first, ``(2, B)``, so
``x`` and ``y`` are contiguous and per-run hyperparameters broadcast for free.

Divergence: a run diverges at step k when x_k has a coordinate whose magnitude
exceeds ``bound`` (default :data:`DIVERGENCE_BOUND`) or is not finite, or f(x_k)
is not finite. Everything from step k on is masked with NaN.

Convergence (only when ``tol`` is given): step k is within tolerance when the true
gradient norm ||grad f(x_k)|| <= tol (``criterion="grad_norm"``) or f(x_k) - f_min
<= tol (``criterion="loss_gap"``, for objectives with a known minimum). A run has
converged only if it stays within tolerance: it converged at step k when every
step from k to the end is within tolerance. The first step within tolerance, and
the first step outside it again, are recorded too (``reached_at``, ``left_at``).

Speed of the summary loop (``record="final"``): without gradient noise, a large
batch runs in blocks of :data:`BLOCK` runs, each block for all its steps, so its
arrays stay in the processor's cache; runs are independent, so the blocks give
the same numbers bit for bit as one pass over the whole batch. An objective's
optional ``value_and_gradient`` computes both in one call.
"""

from __future__ import annotations

import numpy as np

from .extras import rule_extras
from .objective import Objective
from .objectives import get_objective
from .optimizers import Optimizer
from .stepping import Stepper
from .trajectory import Summary, Trajectory

DIVERGENCE_BOUND = 1e8
"""Largest coordinate magnitude a run may reach before it counts as diverged."""

MAX_STEPS = 1_000_000
BLOCK = 16_384
"""Runs per block of the summary loop: a block's arrays fit in a 2 MB cache."""
CRITERIA = ("grad_norm", "loss_gap")
RECORDS = ("path", "final")


def run(
    optimizer: Optimizer,
    objective: Objective | str,
    x0=None,
    steps: int = 100,
    *,
    tol: float | None = None,
    criterion: str = "grad_norm",
    noise: float = 0.0,
    seed: int | None = None,
    record: str = "path",
    bound: float = DIVERGENCE_BOUND,
) -> Trajectory | Summary:
    """Run ``optimizer`` on ``objective`` for ``steps`` steps from ``x0``.

    Args:
        optimizer: from :func:`optim.make_optimizer`; array hyperparameters batch the run.
        objective: an :class:`Objective` or a registry name (default parameters).
        x0: start point ``(2,)`` or start points ``(B, 2)``; default: the objective's start.
        steps: number of updates.
        tol: convergence tolerance (see ``criterion``); None records no convergence.
        criterion: ``"grad_norm"`` or ``"loss_gap"``.
        noise: standard deviation of Gaussian noise added to every gradient component.
        seed: seed for the noise; the same seed and batch size give the same noise.
        record: ``"path"`` keeps everything (:class:`Trajectory`); ``"final"`` keeps only
            the per-run :class:`Summary`, so 10^5 runs fit in memory.
        bound: coordinate magnitude beyond which a run counts as diverged.

    Example:
        >>> import optim
        >>> gd = optim.make_optimizer("gd", lr=0.2)
        >>> t = optim.run(gd, "quadratic", x0=[1.0, 1.0], steps=20)
        >>> t.diverged_at, t.xs.shape
        (17, (21, 2))
        >>> runs = optim.run(optim.make_optimizer("gd", lr=[0.01, 0.05, 0.2]), "quadratic",
        ...                  x0=[1.0, 1.0], steps=100, tol=1e-3, record="final")
        >>> runs.converged_at.tolist(), runs.diverged_at.tolist()
        ([-1, 73, -1], [-1, -1, 17])
    """
    obj = get_objective(objective) if isinstance(objective, str) else objective
    P, single = _start(optimizer, obj, x0, bound)
    steps = _check_steps(steps)
    tol2 = _check_tol(tol, criterion, obj)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}.")
    if record not in RECORDS:
        raise ValueError(f"record must be one of {', '.join(RECORDS)}, got {record!r}.")
    rng = np.random.default_rng(seed) if noise else None
    loop = _run_path if record == "path" else _run_final
    with np.errstate(all="ignore"):
        return loop(optimizer, obj, P, steps, tol2, criterion, noise, rng, bound, single)


def _start(optimizer: Optimizer, obj: Objective, x0, bound) -> tuple[np.ndarray, bool]:
    x0 = obj.start if x0 is None else x0
    try:
        x0 = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"x0 must be numbers, shape (2,) or (B, 2); got {x0!r}.") from None
    if x0.ndim not in (1, 2) or x0.shape[-1] != 2:
        raise ValueError(f"x0 must have shape (2,) or (B, 2), got {x0.shape}.")
    if not (np.abs(x0) <= bound).all():
        raise ValueError(f"x0 must be finite with coordinates within +-{bound:g}.")
    batch = optimizer.batch_size
    if x0.ndim == 2 and batch is not None and x0.shape[0] != batch:
        raise ValueError(
            f"x0 has {x0.shape[0]} start points but the hyperparameters have {batch} values; "
            "they must match."
        )
    single = x0.ndim == 1 and batch is None
    P = np.ascontiguousarray(np.broadcast_to(x0.reshape(-1, 2), (batch or len(x0.reshape(-1, 2)), 2)).T)
    with np.errstate(all="ignore"):
        f0 = obj.value(P[0], P[1])
    if not np.isfinite(f0).all():
        raise ValueError(f"{obj.name} is not finite at the start point.")
    return P, single


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise ValueError(f"steps must be a whole number, got {steps!r}.")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 0 to {MAX_STEPS:,}, got {steps}.")
    return int(steps)


def _check_tol(tol, criterion, obj: Objective):
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {', '.join(CRITERIA)}, got {criterion!r}.")
    if tol is None:
        return None
    if not (isinstance(tol, (int, float, np.floating)) and np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}.")
    if criterion == "loss_gap":
        if obj.f_min is None:
            raise ValueError(f"{obj.name} has no known minimum; use criterion='grad_norm'.")
        return float(tol)
    return float(tol) ** 2


def _grad(obj: Objective, P: np.ndarray) -> np.ndarray:
    gx, gy = obj.gradient(P[0], P[1])
    if getattr(gx, "shape", ()) == getattr(gy, "shape", ()) == P.shape[1:]:
        return np.array((gx, gy))  # as np.stack, a few times faster on the small arrays a path steps with
    return np.stack(np.broadcast_arrays(gx, gy, P[0])[:2])


def _step_grad(obj: Objective, k: int, P: np.ndarray) -> np.ndarray:
    gx, gy = obj.step_gradient(k, P[0], P[1])
    return np.stack(np.broadcast_arrays(gx, gy, P[0])[:2])


def _run_final(opt, obj, P, steps, tol2, criterion, noise, rng, bound, single) -> Summary:
    B = P.shape[1]
    if noise or B < 2 * BLOCK:
        blocks = [_final_block(opt, obj, P, steps, tol2, criterion, noise, rng, bound)]
    else:  # noise is drawn for the whole batch at each step, so only noiseless runs go block by block
        blocks = [_final_block(opt.runs(slice(i, i + BLOCK)), obj, P[:, i:i + BLOCK], steps, tol2, criterion,
                               0.0, None, bound) for i in range(0, B, BLOCK)]
    final_x, final_loss, best, converged_at, diverged_at, loss_sum, reached_at, left_at = (
        np.concatenate(parts, axis=-1) for parts in zip(*blocks, strict=True))
    return _summary(Summary, single, opt, obj, steps, final_x.T, final_loss, best, converged_at, diverged_at,
                    loss_sum, reached_at, left_at)


def _final_block(opt, obj, P, steps, tol2, criterion, noise, rng, bound):
    """One block's loop: per-run outcomes, updated in place at each step (see the module doc).

    Dead runs keep stepping (their values are junk and never read): rather than masking every
    update, a run's best and summed loss are set aside at the step it diverges.
    """
    B = P.shape[1]
    stepper = Stepper(opt, steps, keep=False)
    extras = rule_extras(opt.rule, obj, P)
    state = opt.rule.init(P, **extras)
    best, best_then = np.full(B, np.inf), np.full(B, np.inf)
    loss_sum, loss_sum_then = np.zeros(B), np.zeros(B)
    alive, ok, died = np.ones(B, dtype=bool), np.empty(B, dtype=bool), np.empty(B, dtype=bool)
    inside, above = np.empty(P.shape, dtype=bool), np.empty(P.shape, dtype=bool)
    diverged_at = np.full(B, -1)
    reached_at, left_at, last_out = np.full(B, -1), np.full(B, -1), np.full(B, -1)
    f_min = obj.f_min
    for k in range(steps + 1):
        f, G = _value_and_grad(obj, P)
        np.isfinite(f, out=ok)
        np.less_equal(P, bound, out=inside)  # |x| <= bound, and False for NaN
        inside &= np.greater_equal(P, -bound, out=above)
        ok &= inside[0]
        ok &= inside[1]
        ok &= alive
        np.not_equal(alive, ok, out=died)  # alive only falls
        if died.any():
            diverged_at[died] = k
            best_then[died] = best[died]
            loss_sum_then[died] = loss_sum[died]
        alive, ok = ok, alive
        np.minimum(best, f, out=best)
        loss_sum += f
        if tol2 is not None:
            crit = (f - f_min) if criterion == "loss_gap" else (G[0] * G[0] + G[1] * G[1])
            hit = crit <= tol2
            hit &= alive
            out = ~hit
            np.putmask(last_out, out, k)
            np.putmask(reached_at, hit & (reached_at < 0), k)
            np.putmask(left_at, out & (reached_at >= 0) & (left_at < 0), k)
        if k == steps:
            break
        if obj.step_gradient is not None:
            G = _step_grad(obj, k, P)
        if noise:
            G = G + noise * rng.standard_normal(G.shape)
        P, state = stepper.rule(k, f).step(P, G, state, **extras)
    dead = diverged_at >= 0
    if tol2 is None:
        converged_at = np.full(B, -1)
    else:  # within tolerance from the step after the last one outside it, if the run ends within it
        converged_at = np.where(last_out < steps, last_out + 1, -1)
    return (np.where(alive, P, np.nan), np.where(alive, f, np.nan), np.where(dead, best_then, best), converged_at,
            diverged_at, np.where(dead, loss_sum_then, loss_sum), reached_at, left_at)


def _value_and_grad(obj: Objective, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if obj.value_and_gradient is not None:
        return obj.value_and_gradient(P[0], P[1])
    return obj.value(P[0], P[1]), _grad(obj, P)


def _run_path(opt, obj, P, steps, tol2, criterion, noise, rng, bound, single) -> Trajectory:
    stepper = Stepper(opt, steps)
    extras = rule_extras(opt.rule, obj, P)
    state = opt.rule.init(P, **extras)
    xs, grads, states, true_grads = [P], [], [], []
    needs_loss, per_step = stepper.needs_loss, obj.step_gradient is not None
    for k in range(steps):
        G = _grad(obj, P)
        true_grads.append(G)
        if per_step:
            G = _step_grad(obj, k, P)
        if noise:
            G = G + noise * rng.standard_normal(G.shape)
        loss = obj.value(P[0], P[1]) if needs_loss else None
        P, state = stepper.rule(k, loss).step(P, G, state, **extras)
        xs.append(P)
        grads.append(G)
        states.append(state)
    X = np.stack(xs)  # (S+1, 2, B)
    losses = obj.value(X[:, 0], X[:, 1])
    bad = ~((np.abs(X).max(axis=1) <= bound) & (np.abs(losses) < np.inf))
    diverged_at = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    step_index = np.arange(steps + 1)[:, None]
    masked = (diverged_at >= 0) & (step_index >= diverged_at)  # (S+1, B)
    X = np.where(masked[:, None, :], np.nan, X)
    losses = np.where(masked, np.nan, losses)

    if tol2 is not None:
        if criterion == "loss_gap":
            crit = losses - obj.f_min
        else:
            TG = np.stack(true_grads + [_grad(obj, P)])
            crit = (TG * TG).sum(axis=1)
        hit = (crit <= tol2) & ~masked
        converged_at, reached_at, left_at = _tolerance_steps(hit)
    else:
        converged_at = reached_at = left_at = np.full(P.shape[1], -1)

    per_step = masked[1:, None, :]  # a step is masked when the point it produced is
    G = np.where(per_step, np.nan, np.stack(grads)) if steps else np.empty((0,) + P.shape)
    stacked = _stack_states(states)
    buffers = {
        name: np.where(per_step, np.nan, value)
        for name, value in stacked._asdict().items()
        if np.ndim(value) == 3 and value.shape[1:] == P.shape and value.any()
    } if steps else {}
    rate = stepper.lr_by_step()  # (S, 1 or 2, W) under a schedule
    rate = np.asarray(opt.lr, dtype=np.float64) if rate is None else rate
    lr_eff = _effective_lr(stepper.rule_by_step(), rate, stacked, steps, P.shape)
    lr_eff = np.where(per_step, np.nan, lr_eff)
    scheduled = stepper.used  # name -> (S,) or (S, B)
    lr = scheduled["lr"] if "lr" in scheduled else np.asarray(opt.hyperparameters["lr"], dtype=np.float64)[None]
    by_step = {name: np.where(masked[1:], np.nan, np.reshape(v, (len(v), -1)))
               for name, v in {**scheduled, "lr": lr}.items()}
    records = {name: np.where(masked[1:], np.nan, value[:, 0, :]) for name, value in stacked._asdict().items()
               if np.ndim(value) == 3 and value.shape[1] == 1 and np.ndim(getattr(states[0], name)) == 2} \
        if steps else {}

    best = np.nanmin(losses, axis=0)
    loss_sum = np.cumsum(np.where(masked, 0.0, losses), axis=0)[-1]  # step by step, as the summary loop adds
    out = _summary(Trajectory, single, opt, obj, steps, X[-1].T, losses[-1], best, converged_at,
                   diverged_at, loss_sum, reached_at, left_at)
    return _with_path(out, single, X, losses, G, buffers, lr_eff, by_step, set(scheduled), records)


def _tolerance_steps(hit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From ``hit`` (S+1, B), whether each step is within tolerance: (converged_at, reached_at, left_at).

    converged_at: the first step of the final stretch within tolerance (-1 unless the run ends within it);
    reached_at: the first step within tolerance; left_at: the first step outside it after reached_at.
    """
    n = hit.shape[0]
    reached = hit.any(axis=0)
    reached_at = np.where(reached, hit.argmax(axis=0), -1)
    after = (np.arange(n)[:, None] > reached_at) & ~hit & reached
    left_at = np.where(after.any(axis=0), after.argmax(axis=0), -1)
    trailing = np.where(hit.all(axis=0), n, (~hit)[::-1].argmax(axis=0))  # steps within tolerance at the end
    converged_at = np.where(trailing > 0, n - trailing, -1)
    return converged_at, reached_at, left_at


def _stack_states(states):
    """Stack a list of state NamedTuples into one with a leading step axis, shaped to broadcast."""
    if not states:
        return None
    stacked = {}
    for name in states[0]._fields:
        value = np.array([getattr(s, name) for s in states], dtype=np.float64)
        if value.ndim == 1:
            value = value[:, None, None]
        elif value.ndim == 2:
            value = value[:, None, :]
        stacked[name] = value
    return type(states[0])(**stacked)


def _effective_lr(rule, rate, stacked, steps: int, shape) -> np.ndarray:
    """The per-coordinate rate after each step. ``rule`` holds any scheduled values by step and
    ``rate`` is the learning rate it applies, broadcastable to (S, 2, B)."""
    out_shape = (steps,) + shape
    if not steps:
        return np.empty(out_shape)
    if rule.effective_lr is None:
        return np.broadcast_to(rate, out_shape).copy()
    return np.broadcast_to(rule.effective_lr(stacked), out_shape).copy()


def _summary(cls, single, opt, obj, steps, final_x, final_loss, best, converged_at, diverged_at, loss_sum,
             reached_at, left_at):
    if single:
        return cls(opt, obj, steps, final_x[0], float(final_loss[0]), float(best[0]),
                   int(converged_at[0]), int(diverged_at[0]), float(loss_sum[0]), int(reached_at[0]),
                   int(left_at[0]))
    return cls(opt, obj, steps, final_x, final_loss, best, converged_at, diverged_at, loss_sum, reached_at, left_at)


def _with_path(summary: Trajectory, single, X, losses, G, buffers, lr_eff, by_step, scheduled, records) -> Trajectory:
    from dataclasses import replace

    def points(a):  # (S, 2, B) -> (S, B, 2) or (S, 2)
        a = np.ascontiguousarray(a.transpose(0, 2, 1))
        return a[:, 0, :] if single else a

    return replace(
        summary,
        xs=points(X),
        losses=losses[:, 0] if single else losses,
        grads=points(G),
        state={k: points(v) for k, v in buffers.items()},
        effective_lr=points(lr_eff),
        lr=by_step["lr"][:, 0] if single else by_step["lr"],
        scheduled={k: v[:, 0] if single else v for k, v in by_step.items() if k in scheduled},
        records={k: v[:, 0] if single else v for k, v in records.items()},
    )

"""Why a single run went as it did, in sentences: why it left the tolerance, and why it barely moved.

The Playground's result cards' small print (their status line is :func:`ui.report.status_markdown`): each sentence
is read off the run itself (its steps, rates and gradients), so it says only what that run did.
"""

from __future__ import annotations

import numpy as np

import optim

from ..model import Setup
from ..report import steps_text


def why_it_left(traj: optim.Trajectory, setup: Setup) -> str | None:
    """Why a run that reached the tolerance left it again, read off the run itself; None if it never left.

    When the effective learning rate grew between reaching the tolerance and leaving it, the sentence says by
    how much and why: a schedule that raised the rate (a warm restart, a warm-up, a cycle), or, for an adaptive
    method, its average of squared gradients shrinking near the minimum. Otherwise it names the gradient noise
    or overshooting, and ends the way the run did: settled again, still outside the tolerance, or diverged.
    """
    if traj.left_at < 0:
        return None
    r, left = int(traj.reached_at), int(traj.left_at)
    lr = np.asarray(traj.effective_lr, dtype=float)
    before, then = float(np.nanmax(lr[max(r - 1, 0)])), float(np.nanmax(lr[left - 1]))
    if then > 1.5 * before:
        rate = np.asarray(traj.lr, dtype=float)
        set_before, set_then = float(np.nanmax(rate[max(r - 1, 0)])), float(np.nanmax(rate[left - 1]))
        if set_then > 1.5 * set_before:
            return (f"Why it left: its schedule raised the learning rate from {set_before:.3g} at step {r} to "
                    f"{set_then:.3g} at step {left}, and the larger steps overshot.")
        return (f"Why it left: its effective learning rate grew from {before:.3g} at step {r} to {then:.3g} at "
                f"step {left}. Near the minimum the gradients are tiny, so its average of squared gradients "
                "shrank and the steps, divided by its square root, grew until one overshot. The Inside RMSprop "
                "page shows this step by step.")
    if setup.noise > 0:
        return (f"Why it left: the gradient noise (standard deviation {setup.noise:g}) pushes it about near the "
                "minimum, so the loss rose above the tolerance again.")
    if traj.diverged_at >= 0:
        end = "and the run went on to diverge"
    elif traj.converged_at >= 0:
        end = "before it settled"
    else:
        end = "and had not settled by the last step"
    return ("Why it left: its steps overshoot the minimum (momentum, or a learning rate near the stability edge), "
            f"so the loss rose again {end}.")


def barely_moved(traj: optim.Trajectory) -> tuple[str, float | None] | None:
    """When a run that did not diverge barely moved, why, and a learning rate that would move it visibly (None
    under a one-cycle schedule, whose ``max_lr`` replaces the optimizer's learning rate: the sentence says so).

    A run that came to rest where the gradient vanishes (:func:`at_rest`: a local minimum or a saddle the
    function's list of minima does not name) is not slow: the sentence says so, with no learning rate.

    "Barely" is less than 10% of the way from its start to the nearest known minimum (or 10% of the plotted
    span where no minimum is known). Library defaults are tuned for networks, not for a 2-D bowl: Adam's
    lr 0.001 takes steps of about 0.001, so 100 steps cover about 0.1. The suggestion scales the learning
    rate by how much farther the run had to go, to a round value within the setting's range.

    Example:
        >>> import optim
        >>> bowl = optim.get_objective("quadratic", a=1, b=10)
        >>> t = optim.run(optim.make_optimizer("adam", lr=0.001), bowl, x0=[1.5, 1.5], steps=100)
        >>> why, lr = barely_moved(t)
        >>> lr, why.split(":")[0]
        (0.03, 'Barely moved')
    """
    if int(np.asarray(traj.diverged_at)) >= 0 or "lr" not in traj.optimizer.hyperparameters:
        return None
    xs = np.asarray(traj.xs, dtype=float)
    moved = float(np.linalg.norm(xs[-1] - xs[0]))
    obj = traj.objective
    if obj.minima:
        reference = float(obj.nearest_minimum(xs[0])[1])
    else:
        (x0, x1), (y0, y1) = obj.domain
        reference = 0.5 * float(np.hypot(x1 - x0, y1 - y0))
    if reference <= 0 or moved >= 0.1 * reference:
        return None
    barely = (f"Barely moved: {moved:.2g} in {steps_text(traj.steps)}, where the nearest minimum is {reference:.2g} "
              "away.")
    if at_rest(traj):
        return (f"{barely} It came to rest where the gradient vanishes: a local minimum or a saddle point, not slow "
                "steps. A start elsewhere (click the map) shows another basin."), None
    schedule = traj.optimizer.schedule
    if schedule is not None and "max_lr" in schedule.params:
        return (f"{barely} Its schedule, {schedule.spec.title}, peaks at max_lr = {schedule.params['max_lr']:g}, "
                "which replaces the optimizer's learning rate and takes steps too small for this function: raise "
                "max_lr in the schedule's settings."), None
    lr = float(np.ravel(traj.optimizer.hyperparameters["lr"])[0])
    p = optim.OPTIMIZERS[traj.optimizer.name].params(traj.optimizer.flavor)["lr"]
    want = min(max(lr * 2 * reference / max(moved, 1e-12), p.low), p.high)
    nice = float(f"{want:.0e}") if want < 1 else round(want)
    why = (f"{barely} Its learning rate {lr:g} takes steps too small for this function (library defaults are set "
           "for training networks).")
    return why, min(max(nice, p.low), p.high)


def at_rest(traj: optim.Trajectory) -> bool:
    """Whether a run ended where the gradient vanishes: a minimum the function's list does not name (a local one)
    or a saddle. Such a run is not slow, and a larger learning rate would only throw it elsewhere.

    "Vanishes": at most a millionth of the gradient's size at the start (and at most 1e-8 when the start's own
    gradient is zero).

    Example:
        >>> import optim
        >>> ackley = optim.get_objective("ackley")
        >>> at_rest(optim.run(optim.make_optimizer("gd", lr=0.01), ackley, x0=[2.9, 2.0], steps=100))
        True
        >>> bowl = optim.get_objective("quadratic", a=1, b=10)
        >>> at_rest(optim.run(optim.make_optimizer("adam", lr=0.001), bowl, x0=[1.5, 1.5], steps=100))
        False
    """
    xs = np.asarray(traj.xs, dtype=float)
    with np.errstate(all="ignore"):
        start, end = (float(np.linalg.norm(traj.objective.grad(x))) for x in (xs[0], xs[-1]))
    if not (np.isfinite(start) and np.isfinite(end)):
        return False
    return end <= max(1e-6 * start, 1e-8)

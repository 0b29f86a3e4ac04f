"""How a single run ended, in sentences: its status, why it left the tolerance, and why it barely moved.

The result cards' words (the Playground's): each sentence is read off the run itself (its steps, rates and
gradients), so it says only what that run did.
"""

from __future__ import annotations

import numpy as np

import optim

from ..model import CRITERIA, Setup


def status(traj: optim.Trajectory, setup: Setup) -> str:
    """One honest sentence about how a run ended.

    A run has converged only if it stays within the tolerance to its last step (``optim.run``'s
    ``converged_at``); one that got there and left again says when it did both.

    Example:
        >>> import optim
        >>> from ui.model import Setup
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.2), "quadratic", x0=[1.0, 1.0], steps=20)
        >>> status(t, Setup(steps=20))
        'Diverged at step 17 (learning rate too large?)'
        >>> steep = optim.parse_objective("exp(x^2) + y^2")
        >>> status(optim.run(optim.make_optimizer("adam"), steep, x0=[26.6, 1.0], steps=5), Setup(steps=5))
        'Diverged at step 1: the gradient at the start point is not finite, so no learning rate helps; start elsewhere'
        >>> bowl = optim.get_objective("quadratic", a=1, b=10)
        >>> rms = optim.run(optim.make_optimizer("rmsprop", lr=0.1, decay=0.9), bowl, x0=[1.5, 1.5], steps=100,
        ...                 tol=1e-4, criterion="loss_gap")
        >>> print(status(rms, Setup()))
        Converged at step 98 (loss above the minimum ≤ 0.0001 from then on); it first got there at step 25,
        left at step 90 and came back
    """
    if traj.diverged_at >= 0:
        start = np.asarray(traj.xs[0], dtype=float)
        with np.errstate(all="ignore"):
            if not np.isfinite(traj.objective.grad(start)).all():
                return (f"Diverged at step {traj.diverged_at}: the gradient at the start point is not finite, "
                        "so no learning rate helps; start elsewhere")
        if traj.reached_at >= 0:
            return (f"Diverged at step {traj.diverged_at}, after reaching the tolerance at step {traj.reached_at} "
                    f"(learning rate too large?)")
        return f"Diverged at step {traj.diverged_at} (learning rate too large?)"
    criterion = setup.criterion_for(traj.objective)
    crit = f"{CRITERIA[criterion]} ≤ {setup.tol:g}"
    if traj.converged_at >= 0:
        if traj.reached_at < traj.converged_at:
            return (f"Converged at step {traj.converged_at} ({crit} from then on); it first got there at step "
                    f"{traj.reached_at}, left at step {traj.left_at} and came back")
        return f"Converged at step {traj.converged_at} ({crit} from then on)"
    if traj.reached_at >= 0:
        return (f"Not converged: reached {crit} at step {traj.reached_at} but left it at step {traj.left_at} and "
                f"ended outside it")
    return f"Not converged in {steps_text(traj.steps)} ({CRITERIA[criterion]} stayed above {setup.tol:g})"


def steps_text(n: int) -> str:
    """``n`` steps in words: "1 step", "100 steps".

    Example:
        >>> steps_text(1), steps_text(100)
        ('1 step', '100 steps')
    """
    return f"{n} step" if n == 1 else f"{n} steps"


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

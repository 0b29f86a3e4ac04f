"""Words and tables about finished runs: status lines, settings notes, the leaderboard and the CSV download (why a
Playground run left the tolerance or barely moved is :mod:`ui.playground.outcome`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import optim
from viz.colors import ink_on

from .compute import nearest_minimum_distance
from .model import CRITERIA, OptConfig, Setup, changed_settings
from .schedule.model import run_schedule


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


def status_markdown(traj: optim.Trajectory, setup: Setup) -> str:
    """:func:`status` coloured for a card: red when the run diverged, green when it converged, orange otherwise
    (the Playground's result cards and the Sweep's cell cards).

    Example:
        >>> import optim
        >>> from ui.model import Setup
        >>> status_markdown(optim.run(optim.make_optimizer("gd", lr=0.2), "quadratic", x0=[1.0, 1.0], steps=20),
        ...                 Setup(steps=20))
        ':red[Diverged at step 17 (learning rate too large?)]'
    """
    text = status(traj, setup)
    color = "red" if traj.diverged_at >= 0 else "green" if traj.converged_at >= 0 else "orange"
    return f":{color}[{text}]"


def settings_note(cfg: OptConfig) -> str:
    """Which settings differ from the flavor's library defaults, in one short line.

    Example:
        >>> from ui.model import make_config
        >>> settings_note(make_config("rmsprop", "keras", lr=0.1))
        "Keras's defaults except lr = 0.1"
        >>> settings_note(make_config("adam", "torch"))
        "PyTorch's defaults"
    """
    library = {"textbook": "The textbook", "torch": "PyTorch's", "keras": "Keras's", "optax": "Optax's"}[cfg.flavor]
    changed = changed_settings(cfg)
    if not changed:
        return f"{library} defaults"
    values = cfg.hyperparameters
    shown = ", ".join(f"{n} = {('on' if values[n] else 'off') if isinstance(values[n], bool) else f'{values[n]:g}'}"
                      for n in changed)
    return f"{library} defaults except {shown}"


def fmt_point(p) -> str:
    p = np.asarray(p, dtype=float)
    if not np.isfinite(p).all():
        return "—"
    return f"({p[0]:.4g}, {p[1]:.4g})"


def fmt_loss(v) -> str:
    return "—" if v is None or not math.isfinite(float(v)) else f"{float(v):.4g}"


def leaderboard(labels: list[str], trajs: list[optim.Trajectory], setup: Setup) -> pd.DataFrame:
    """One row per configuration, best final loss first, diverged runs last, ranked 1, 2, ...

    ``config`` is the configuration's number (for its colour; :func:`leaderboard_display` leaves it out:
    the label says it). "converged at step" is where the run stayed within tolerance to the end; "first
    within tolerance" where it first got there, which is earlier when it left again.
    """
    rows = []
    for i, (lab, t) in enumerate(zip(labels, trajs, strict=True)):
        rows.append({
            "config": i + 1,
            "configuration": lab,
            "final loss": t.final_loss if t.diverged_at < 0 else np.nan,
            "distance to nearest minimum": nearest_minimum_distance(t.objective, t.final_x),
            "converged at step": float(t.converged_at) if t.converged_at >= 0 else np.nan,
            "first within tolerance": float(t.reached_at) if t.reached_at >= 0 else np.nan,
            "diverged at step": float(t.diverged_at) if t.diverged_at >= 0 else np.nan,
            "best loss": t.best_loss,
        })
    df = pd.DataFrame(rows)  # step columns are floats so "never" can be NaN and show as a dash
    df = df.sort_values(["final loss", "config"], na_position="last", kind="stable").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


def same_paths_sentence(trajs: list[optim.Trajectory]) -> str | None:
    """Which configurations took paths no chart here can tell apart, or None: within a millionth of the map's
    diagonal of each other at every step, and their losses within 0.2% (a thousandth of a decade, on the log
    loss chart). Their loss curves lie on top of each other, so only the last one drawn shows, and a legend entry
    with no line of its own needs saying (RMSprop's textbook decay 0.99 and PyTorch's alpha 0.99 are one rule,
    apart from round-off).

    Example:
        >>> import optim
        >>> def rms(flavor):
        ...     return optim.run(optim.make_optimizer("rmsprop", flavor, lr=0.01), "quadratic", x0=[1.0, 1.0], steps=5)
        >>> gd = optim.run(optim.make_optimizer("gd", lr=0.1), "quadratic", x0=[1.0, 1.0], steps=5)
        >>> print(same_paths_sentence([rms("textbook"), gd, rms("textbook")]))
        Configurations 1 and 3 took paths within a millionth of the map's width of each other at every step: their
        loss curves lie on top of each other.
        >>> same_paths_sentence([gd, rms("textbook")]) is None
        True
    """
    groups: list[list[int]] = []
    for i, t in enumerate(trajs):
        for group in groups:
            if indistinguishable(trajs[group[0]], t):
                group.append(i)
                break
        else:
            groups.append([i])
    same = [g for g in groups if len(g) > 1]
    if not same:
        return None
    names = [", ".join(str(i + 1) for i in g[:-1]) + f" and {g[-1] + 1}" for g in same]
    return (f"Configurations {names[0]} took paths within a millionth of the map's width of each other at every step"
            + "".join(f", and so did {n}" for n in names[1:]) + ": their loss curves lie on top of each other.")


def indistinguishable(a: optim.Trajectory, b: optim.Trajectory) -> bool:
    """Whether runs ``a`` and ``b`` (on one function, for as many steps) draw the same on every chart: the same steps
    diverged, points within 1e-6 of the map's diagonal, losses above the minimum within 1e-3 of a decade."""
    xa, xb = np.asarray(a.xs, dtype=float), np.asarray(b.xs, dtype=float)
    if xa.shape != xb.shape or not np.array_equal(np.isfinite(xa), np.isfinite(xb)):
        return False
    (x0, x1), (y0, y1) = a.objective.domain
    ok = np.isfinite(xa)
    if np.any(np.abs(xa[ok] - xb[ok]) > 1e-6 * float(np.hypot(x1 - x0, y1 - y0))):
        return False
    f_min = a.objective.f_min or 0.0
    floor = 1e-16 * max(1.0, abs(f_min))
    la, lb = (np.asarray(t.losses, dtype=float) - f_min for t in (a, b))
    seen = np.isfinite(la) & np.isfinite(lb)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.abs(np.log10(np.maximum(np.abs(la[seen]), floor)) - np.log10(np.maximum(np.abs(lb[seen]), floor)))
    return bool(np.all(gap <= 1e-3))


def board_table(display: pd.DataFrame, numbers, colors: list[str], column: str):
    """A leaderboard for ``st.dataframe``: the ``column`` cells wear each configuration's colour, in white or
    near-black text, whichever reads better on it.

    ``numbers`` are the rows' configuration numbers (1-based) in display order; ``colors`` every
    configuration's colour by number.
    """
    fill = [f"background-color: {(c := colors[int(n) - 1])}; color: {ink_on(c)}" for n in numbers]
    return display.style.apply(lambda _: fill, subset=[column])


def trajectories_csv(labels: list[str], trajs: list[optim.Trajectory]) -> bytes:
    """Every path as CSV, one row per optimizer and step: optimizer, flavor, every setting it ran with (one
    column per setting; empty where an optimizer has no such setting), step, x, y, loss.

    When a run has a schedule: its name and settings (``schedule``, ``schedule.<param>``) and, per step,
    the learning rate the step from that row's point used (``lr at step``, for every run then), and
    ``momentum at step`` or ``beta1 at step`` under a one-cycle schedule. When a run counts evaluations
    (L-BFGS, Newton): ``evaluations``, the function-and-gradient evaluations of that step. Numbers are
    written in their shortest exact form (38.7504, not 38.750399999999992). Steps from divergence on have
    empty x, y and loss.

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), "quadratic", x0=[1.5, 1.5], steps=1)
        >>> print(trajectories_csv(["GD"], [t]).decode())
        optimizer,flavor,lr,step,x,y,loss
        GD,textbook,0.1,0,1.5,1.5,24.75
        GD,textbook,0.1,1,1.2,-1.5,23.94
        <BLANKLINE>
        >>> s = optim.make_schedule("step", step_size=1, gamma=0.5)
        >>> t = optim.run(optim.make_optimizer("lbfgs", lr=0.5, schedule=s), "quadratic", x0=[1.5, 1.5], steps=2)
        >>> print(trajectories_csv(["L-BFGS"], [t]).decode().splitlines()[:2])
        ['optimizer,flavor,lr,history_size,line_search,max_eval,schedule,schedule.step_size,schedule.gamma,step,\
x,y,loss,lr at step,evaluations', 'L-BFGS,torch,0.5,100.0,False,1.0,step,1,0.5,0,1.5,1.5,24.75,0.5,1']
    """
    frames = []
    counted = any(counts_evaluations(t) for t in trajs)
    scheduled = any(t.scheduled for t in trajs)
    for lab, t in zip(labels, trajs, strict=True):
        n = len(t.losses)
        frame = pd.DataFrame({"optimizer": lab, "flavor": t.optimizer.flavor}, index=range(n))
        for name, value in t.optimizer.hyperparameters.items():
            frame[name] = value
        schedule = t.optimizer.schedule
        if schedule is not None:
            frame["schedule"] = schedule.name
            for name, value in schedule.params.items():
                frame[f"schedule.{name}"] = value
        frame = frame.assign(step=np.arange(n), x=t.xs[:, 0], y=t.xs[:, 1], loss=t.losses)
        if scheduled:  # every run's rate, scheduled or constant, so the runs can be read side by side
            frame["lr at step"] = _per_step(t.lr, n)
        for name, value in t.scheduled.items():
            if name not in ("lr", "lr_y"):
                frame[f"{name} at step"] = _per_step(value, n)
        if counted:
            frame["evaluations"] = pd.array(_per_step(t.evaluations, n), dtype="Int64")
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    last = ("step", "x", "y", "loss")
    steps = [c for c in out.columns if c.endswith(" at step") or c == "evaluations"]
    settings = [c for c in out.columns if c not in ("optimizer", "flavor", *last, *steps)]
    return out[["optimizer", "flavor", *settings, *last, *steps]].to_csv(index=False).encode()


def _per_step(values, n: int) -> np.ndarray:
    """A value of each step (S,) against the rows of points (S + 1): the last point took no step."""
    return np.append(np.asarray(values, dtype=float), np.nan)[:n]


def counts_evaluations(traj: optim.Trajectory) -> bool:
    """Whether the run's optimizer evaluates the function more than once a step, or its curvature (L-BFGS,
    Newton): the pages then say how many evaluations it made."""
    return bool(traj.optimizer.rule.needs & {"closure", "hessian"})


def evaluations_note(traj: optim.Trajectory) -> str | None:
    """How many evaluations a single run made, for L-BFGS and Newton's method; None for the others.

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("lbfgs", line_search=True, max_eval=25), "rosenbrock",
        ...               x0=[-1.5, 2.0], steps=20)
        >>> evaluations_note(t)
        'Function evaluations: 45 in 20 steps (2 to 3 per step; the line search tried the extra ones).'
        >>> evaluations_note(optim.run(optim.make_optimizer("newton"), "quadratic", x0=[1.0, 1.0], steps=5))
        'Evaluations: one gradient and one Hessian per step (5 of each in 5 steps).'
        >>> evaluations_note(optim.run(optim.make_optimizer("lbfgs", lr=10), "quadratic", x0=[1.5, 1.5], steps=20))
        'Function evaluations: 8 in the 8 steps before it diverged (1 per step).'
    """
    if not counts_evaluations(traj):
        return None
    evals = np.asarray(traj.evaluations, dtype=float)
    taken = evals[np.isfinite(evals)]
    # A run's records stop at the step that diverged: the counts are of the steps before it, and say so.
    span = f"{taken.size} steps" if traj.diverged_at < 0 else f"the {taken.size} steps before it diverged"
    if "hessian" in traj.optimizer.rule.needs:
        return f"Evaluations: one gradient and one Hessian per step ({taken.size} of each in {span})."
    if not taken.size:
        return None
    lo, hi = int(taken.min()), int(taken.max())
    each = f"{lo} per step" if lo == hi else f"{lo} to {hi} per step; the line search tried the extra ones"
    return f"Function evaluations: {int(taken.sum())} in {span} ({each})."


def schedule_note(cfg: OptConfig) -> str | None:
    """The configuration's schedule and its settings in one line; None for a constant learning rate.

    Example:
        >>> from ui.model import make_config
        >>> from ui.schedule.model import make_schedule_config
        >>> schedule_note(make_config("sgd", "torch", schedule=make_schedule_config("step", "sgd", "torch")))
        'Learning rate: Step decay, step_size = 30, gamma = 0.1'
    """
    sc = cfg.schedule
    if sc.constant or run_schedule(cfg) is None:
        return None
    shown = ", ".join(f"{n} = {_setting(v)}" for n, v in sc.params)
    return f"Learning rate: {sc.title}, {shown}" if shown else f"Learning rate: {sc.title}"


def _setting(v) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    return v if isinstance(v, str) else f"{v:g}"


LEADERBOARD_HEADERS = {
    "distance to nearest minimum": {"label": "distance", "help": "From the final point to the nearest minimum."},
    "converged at step": {"label": "converged",
                          "help": "The step from which the run stayed within tolerance to the end."},
    "first within tolerance": {"label": "within tolerance", "help": "The step the run first got within tolerance."},
    "diverged at step": {"label": "diverged", "help": "The step the run blew up."},
}
"""``st.dataframe``'s ``column_config`` for :func:`leaderboard_display`: short headers, their tooltips saying the rest,
so every column shows at 1280 px (the long names ran the table 145 px past its width). The configuration is not pinned
(nor any results table's names): Streamlit draws a pinned column's text faded, like an index, and on a configuration's
colour that left "RMSprop" on orange at about 2:1 contrast."""


BOARD_LABEL_CHARS = 40
"""Longest configuration name a results table shows whole. A data grid's cell holds one line, and its column
grows to the longest name: with six configurations of three optimizers, each named by every setting that tells
it from the others and its schedule, the table ran 274 px past its width at 1280 px."""


def board_label(label: str, head: str) -> str:
    """A configuration's name as a results table shows it (Compare's leaderboard, Train's and Basin maps' tables):
    ``label`` whole up to :data:`BOARD_LABEL_CHARS` characters, else its ``head`` (number, optimizer and flavor) and
    "…": its number and colour say which it is, and its panel's title or the charts' legends have it whole.

    Example:
        >>> board_label("1. SGD with momentum (textbook) lr=0.01, momentum=0.8", "1. SGD with momentum (textbook)")
        '1. SGD with momentum (textbook) …'
        >>> board_label("2. RMSprop (textbook) decay=0.99", "2. RMSprop (textbook)")
        '2. RMSprop (textbook) decay=0.99'
    """
    return label if len(label) <= BOARD_LABEL_CHARS else f"{head} …"


def leaderboard_display(board: pd.DataFrame, heads: list[str]) -> pd.DataFrame:
    """The leaderboard as text for people: 4 significant digits, words where a value is missing, long
    configuration names shortened to ``heads`` (by configuration number: :func:`board_label`).

    (Streamlit shows a missing number as "None"; "never" and "diverged" say what it means.)
    """
    def num(v, missing):
        return missing if pd.isna(v) else f"{v:.4g}"

    def step(v, missing):
        return missing if pd.isna(v) else f"{int(v)}"

    return board.drop(columns="config").assign(**{
        "configuration": [board_label(v, heads[int(n) - 1]) for v, n in zip(board["configuration"], board["config"],
                                                                             strict=True)],
        "final loss": [num(v, "diverged") for v in board["final loss"]],
        "distance to nearest minimum": [num(v, "—") for v in board["distance to nearest minimum"]],
        "converged at step": [step(v, "no") for v in board["converged at step"]],
        "first within tolerance": [step(v, "never") for v in board["first within tolerance"]],
        "diverged at step": [step(v, "no") for v in board["diverged at step"]],
        "best loss": [num(v, "—") for v in board["best loss"]],
    })

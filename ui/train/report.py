"""What the Train page says about its runs: a table of what each configuration did, and the slice's sentences.

Plain Python (no Streamlit): the numbers come from :class:`optim.Training` records only, so the table says
what the runs did and nothing more. A diverged network's records are NaN from its step on; the table names
that step instead of a loss.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import optim


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def diverged_text(run: optim.Training) -> str:
    """Which of a run's K networks diverged and at which steps, or "none".

    Example:
        >>> from types import SimpleNamespace
        >>> diverged_text(SimpleNamespace(diverged_at=np.array([-1, 40, 7])))
        'seeds 2, 3 (steps 40, 7)'
    """
    at = np.atleast_1d(run.diverged_at)
    hit = np.flatnonzero(at >= 0)
    if not len(hit):
        return "none"
    seeds = ", ".join(str(i + 1) for i in hit)
    steps = ", ".join(str(int(at[i])) for i in hit)
    return f"seed{'s' if len(hit) > 1 else ''} {seeds} (step{'s' if len(hit) > 1 else ''} {steps})"


def results_table(labels: list[str], runs: list[optim.Training], seed: int) -> pd.DataFrame:
    """One row per configuration: seed ``seed``'s final loss and test accuracy, their medians over the K seeds
    (diverged seeds left out of the medians, and named with their steps), and the steps taken.

    Example:
        >>> data = optim.make_dataset("xor", n=60, seed=0)
        >>> net = optim.MLP((2, 4, 1))
        >>> run = optim.train(optim.make_optimizer("adam", lr=0.05), net, data.X, data.y, params=net.init([1, 2]),
        ...                   batch_size=16, epochs=3, test=(data.X_test, data.y_test))
        >>> results_table(["Adam"], [run], 0).columns.tolist()[1:5]
        ['final loss (this seed)', 'test accuracy (this seed)', 'median final loss', 'median test accuracy']
    """
    rows = []
    for label, run in zip(labels, runs, strict=True):
        loss = np.atleast_1d(run.losses[-1])
        acc = np.atleast_1d(run.test_accuracy[-1]) if run.test_accuracy is not None else np.full(len(loss), np.nan)
        rows.append({"configuration": label, "final loss (this seed)": float(loss[seed]),
                     "test accuracy (this seed)": float(acc[seed]), "median final loss": _median(loss),
                     "median test accuracy": _median(acc), "diverged": diverged_text(run), "steps": run.steps})
    return pd.DataFrame(rows)


def slice_sentence(directions: str, captured: dict[str, float]) -> str:
    """What the slice is, how much of each path it holds, and that it is not the landscape.

    Example:
        >>> slice_sentence("pca", {"Adam": 0.93, "SGD": 0.4})[:58]
        'The plane holds 93% of the movement of Adam, 40% of SGD. A'
    """
    shares = ", ".join(f"{v:.0%} of {k}" if np.isfinite(v) else f"none of {k} (it did not move)"
                       for k, v in captured.items())
    how = ("the top two principal directions of the chosen run's path" if directions == "pca"
           else "two random directions, each filter scaled to the size of the trained weights (Li et al. 2018)")
    return (f"The plane holds {_first(shares)}. A slice is two directions out of the network's many: it goes "
            f"through the chosen run's final weights along {how}, and the loss off this plane can look nothing "
            "like it; a path the plane holds little of mostly moves in directions this picture does not show.")


def _first(shares: str) -> str:
    """``"93% of Adam, 40% of SGD"`` as ``"93% of the movement of Adam, 40% of SGD"``."""
    return shares.replace(" of ", " of the movement of ", 1)


def seed_diverged_at(run, seed: int) -> int:
    """The step at which network ``seed`` (from 0) of training ``run`` diverged, or -1 if it did not.

    Example:
        >>> from types import SimpleNamespace
        >>> run = SimpleNamespace(diverged_at=np.array([-1, 29]))
        >>> seed_diverged_at(run, 0), seed_diverged_at(run, 1)
        (-1, 29)
    """
    return int(np.atleast_1d(run.diverged_at)[seed])


def outside_share(coords, alpha, beta) -> float:
    """The share of a path's recorded points, in plane coordinates ``(R, 2)``, that fall outside the map's square
    ``alpha`` x ``beta``; 0 for a path without a finite point. The map spans the chosen run's path and a margin,
    so another run that went farther leaves it.

    Example:
        >>> round(outside_share(np.array([[0, 0], [0.5, 0.5], [3, 0], [np.nan, np.nan]]), [-1, 1], [-1, 1]), 3)
        0.333
    """
    xy = np.asarray(coords, dtype=float)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return 0.0
    inside = ((xy[:, 0] >= np.min(alpha)) & (xy[:, 0] <= np.max(alpha))
              & (xy[:, 1] >= np.min(beta)) & (xy[:, 1] <= np.max(beta)))
    return float(1.0 - inside.mean())


def off_map_sentence(directions: str, chosen: str, outside: dict[str, float],
                     diverged: dict[str, int] | None = None) -> str:
    """Which runs' paths leave the map, and how much of each (the share of its recorded points), or "" when
    every path is on it: a path mostly off the map shows as little more than its start, which the legend and
    the plane's share alone do not explain. The principal directions' map spans the ``chosen`` run's path
    (:func:`optim.landscape`), the random directions' one unit of each either side of its final weights.
    ``diverged`` gives the step at which a run diverged: its share counts the points recorded before that (a
    diverged network has no weights to place after it), and the sentence says so.

    Example:
        >>> off_map_sentence("pca", "run 1", {"run 1": 0.0, "run 2": 0.98, "run 3": 0.004})[:91]
        "Off this map, which spans run 1's path: 98% of run 2's recorded steps, under 1% of run 3's."
        >>> off_map_sentence("pca", "run 2", {"run 1": 0.62}, {"run 1": 29})[:100]
        "Off this map, which spans run 2's path: 62% of run 1's recorded steps before it diverged at step 29."
    """
    diverged = diverged or {}
    off = [(k, v) for k, v in outside.items() if v > 0]
    if not off:
        return ""
    parts = []
    for i, (k, v) in enumerate(off):
        part = f"{'under 1%' if v < 0.005 else f'{v:.0%}'} of {k}'s"
        if k in diverged:
            part += f" recorded steps before it diverged at step {diverged[k]}"
        elif i == 0:
            part += " recorded steps"
        parts.append(part)
    if directions == "pca":
        return (f"Off this map, which spans {chosen}'s path: {', '.join(parts)}. Pick a run under “Run to show” "
                "to centre the map on its path.")
    return (f"Off this map, one unit of each direction either side of {chosen}'s final weights: {', '.join(parts)}. "
            "Sliced along the principal directions, the map spans the chosen run's whole path.")

"""What the Train page says about its runs: a table of what each configuration did, and the slice's sentence.

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

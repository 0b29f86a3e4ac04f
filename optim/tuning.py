"""Fair tuning: every optimizer gets the same budget of configurations and the same starts.

Published comparisons are often unfair: one optimizer at one learning rate, or
tuned on the learning rate only, scored after an arbitrary number of steps.
Here each optimizer gets ``budget`` configurations spread over its learning rate
and its main second hyperparameter (``spec.second``) by a seeded Latin
hypercube, each is run from the same ``n_starts`` random start points for the
same step budget, and scored by the median final loss gap over the starts, with
a diverged run counting as an infinite loss (so a configuration that diverges
from half the starts or more scores infinity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .objective import Objective
from .objectives import get_objective
from .optimizers import OPTIMIZERS, make_optimizer
from .params import spread
from .run import run
from .sweep import check_budget, work

MAX_BUDGET = 400


@dataclass(frozen=True, eq=False)
class Tuning:
    """Every candidate configuration of one optimizer with its score; ``best`` is the lowest finite score.

    When every candidate scored infinity (diverged from half the starts or more), none is chosen:
    ``best_index`` and ``best`` are None, so no caller can race or mark a configuration that diverged.
    """

    name: str
    flavor: str
    objective: Objective
    candidates: list[dict]
    scores: np.ndarray  # (budget,) median final loss gap; inf when most starts diverge
    diverged_share: np.ndarray  # (budget,) fraction of starts that diverged
    final_gaps: np.ndarray  # (budget, n_starts)
    starts: np.ndarray

    @property
    def best_index(self) -> int | None:
        """The chosen candidate: lowest score, then fewest diverged starts; None when every score is infinite."""
        if not np.isfinite(self.scores).any():
            return None
        order = np.lexsort((self.diverged_share, self.scores))
        return int(order[0])

    @property
    def best(self) -> dict | None:
        """The chosen candidate's hyperparameters, or None when none was chosen (every candidate diverged)."""
        b = self.best_index
        return None if b is None else dict(self.candidates[b])

    def rows(self) -> list[dict]:
        """One row per candidate (hyperparameters, score, diverged share), best first, for a table."""
        order = np.lexsort((self.diverged_share, self.scores))
        return [
            dict(optimizer=self.name, flavor=self.flavor, **self.candidates[i],
                 score=float(self.scores[i]), diverged_share=float(self.diverged_share[i]))
            for i in order
        ]


def random_starts(objective: Objective, n: int, seed: int = 0) -> np.ndarray:
    """``n`` start points drawn uniformly from the middle 80% of the objective's domain."""
    (x0, x1), (y0, y1) = objective.domain
    rng = np.random.default_rng(seed)
    lo = np.array([x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0)])
    hi = np.array([x1 - 0.1 * (x1 - x0), y1 - 0.1 * (y1 - y0)])
    return rng.uniform(lo, hi, size=(n, 2))


def _latin_hypercube(n: int, dims: int, rng: np.random.Generator) -> np.ndarray:
    cells = np.stack([rng.permutation(n) for _ in range(dims)], axis=1)
    return (cells + rng.uniform(size=(n, dims))) / n


def tune(
    name: str,
    objective: Objective | str,
    *,
    flavor: str = "textbook",
    budget: int = 25,
    n_starts: int = 5,
    steps: int = 200,
    lr_range: tuple[float, float] = (1e-4, 1.0),
    seed: int = 0,
    starts=None,
) -> Tuning:
    """Score ``budget`` configurations of optimizer ``name`` from shared random starts.

    The learning rate is spread log-uniformly over ``lr_range``; the second
    hyperparameter as :func:`optim.params.spread` spaces it (a decay such as momentum,
    decay or beta1 so that 1 - value is log-uniform over [1e-3, 1]). The same ``seed``
    gives every optimizer the same starts.

    Example:
        >>> import optim
        >>> t = optim.tune("rmsprop", "rosenbrock", budget=9, n_starts=3, steps=100)
        >>> len(t.candidates), sorted(t.best)
        (9, ['decay', 'lr'])
    """
    obj = get_objective(objective) if isinstance(objective, str) else objective
    if name not in OPTIMIZERS:
        make_optimizer(name, flavor)  # raises the standard message
    if not (isinstance(budget, (int, np.integer)) and 1 <= budget <= MAX_BUDGET):
        raise ValueError(f"budget must be a whole number from 1 to {MAX_BUDGET}, got {budget!r}.")
    if not (isinstance(n_starts, (int, np.integer)) and 1 <= n_starts <= 100):
        raise ValueError(f"n_starts must be a whole number from 1 to 100, got {n_starts!r}.")
    lo, hi = lr_range
    if not (0 < lo <= hi):
        raise ValueError(f"lr_range must be two positive numbers, low <= high; got {lr_range!r}.")
    starts = random_starts(obj, n_starts, seed) if starts is None else np.asarray(starts, dtype=float)

    second = OPTIMIZERS[name].second
    u = _latin_hypercube(budget, 2, np.random.default_rng(seed))
    lr = np.exp(np.log(lo) + u[:, 0] * (np.log(hi) - np.log(lo)))
    candidates = [{"lr": float(v)} for v in lr]
    if second is not None:
        values = spread(OPTIMIZERS[name].params(flavor)[second], 1 - u[:, 1])  # decays: 1 - value log-uniform
        for c, v in zip(candidates, values, strict=True):
            c[second] = float(v)

    k = len(starts)
    hp = {key: np.repeat([c[key] for c in candidates], k) for key in candidates[0]}
    opt = make_optimizer(name, flavor, **hp)
    check_budget(budget * k, steps, f"tuning {budget} configurations x {k} starts", *work(obj, opt))
    summary = run(opt, obj, np.tile(starts, (budget, 1)), steps, record="final")
    f_min = obj.f_min if obj.f_min is not None else 0.0
    gaps = np.where(np.asarray(summary.diverged_at) >= 0, np.inf, summary.final_loss - f_min).reshape(budget, k)
    scores = np.median(gaps, axis=1)
    diverged = (np.asarray(summary.diverged_at) >= 0).reshape(budget, k).mean(axis=1)
    return Tuning(name, flavor, obj, candidates, scores, diverged, gaps, starts)

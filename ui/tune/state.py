"""The Tune page's state and its URL: objective, optimizers, and the budget every optimizer shares.

Plain Python (no Streamlit), reusing :mod:`ui.urlstate`'s reader: reading a link never raises;
each unusable parameter adds one sentence and falls back to the default. Layout::

    objective=rosenbrock  objective.<p>=...         the function
    x0=-1.5  y0=2                                    where the race on Compare starts (tuning uses random starts)
    flavor=textbook  opt=sgd  opt=rmsprop  opt=adam  whose semantics, which optimizers (1..6)
    budget=25  starts=5  steps=200  seed=0           configurations each, shared random starts, steps
    lr.min=0.0001  lr.max=1                          the learning-rate range searched

:meth:`TuneState.race` turns the chosen configurations into a Compare page state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import optim
from optim import Param

from ..model import MAX_CONFIGS, CompareState, Setup, effective_flavor, make_config, setup_for_objective
from ..urlstate import QueryDict, QueryReader, decode_flavor, decode_setup, encode_setup, fmt, shorten, warn_unknown

MAX_BUDGET = 200
"""Most configurations per optimizer the page offers (the core allows more; pages stay quick)."""

TUNE_PARAMS = {
    "budget": Param("budget", 25, 1, MAX_BUDGET, "linear",
                    "Configurations tried per optimizer, spread over its learning rate and its second "
                    "hyperparameter (Latin hypercube). Every optimizer gets the same number."),
    "starts": Param("starts", 5, 1, 100, "linear",
                    "Random start points, the same for every optimizer; a configuration's score is the median "
                    "over them."),
}


def _default_setup() -> Setup:
    return replace(setup_for_objective(Setup(), "rosenbrock"), steps=200)


@dataclass(frozen=True)
class TuneState:
    """What the Tune page shows. ``setup`` carries the objective, the race's start and the step budget."""

    setup: Setup = field(default_factory=_default_setup)
    flavor: str = "textbook"
    names: tuple[str, ...] = ("sgd", "rmsprop", "adam")
    budget: int = 25
    starts: int = 5
    seed: int = 0
    lr_min: float = 1e-4
    lr_max: float = 1.0

    def race(self, best: dict[str, dict]) -> CompareState:
        """A Compare state racing each optimizer's chosen settings from the objective's start.

        ``best`` maps optimizer name to the chosen hyperparameters (``optim.Tuning.best``); an optimizer missing
        from it (nothing chosen: every candidate diverged) stays out of the race.
        """
        configs = tuple(make_config(n, effective_flavor(n, self.flavor), **best[n]) for n in self.names if n in best)
        return CompareState(setup=replace(self.setup, noise=0.0, seed=0), configs=configs)


def default_tune() -> TuneState:
    """SGD with momentum, RMSprop and Adam on Rosenbrock: 25 configurations x 5 starts x 200 steps each."""
    return TuneState()


def encode_tune(state: TuneState) -> dict[str, list[str]]:
    """The Tune page's state as query parameters (see the module docstring)."""
    out = encode_setup(state.setup)
    for name in ("noise", "seed", "tol", "criterion"):  # the Tune page sets these itself
        out.pop(name, None)
    out["flavor"] = [state.flavor]
    out["opt"] = list(state.names)
    out.update(budget=[fmt(state.budget)], starts=[fmt(state.starts)], seed=[fmt(state.seed)])
    out.update({"lr.min": [fmt(state.lr_min)], "lr.max": [fmt(state.lr_max)]})
    return out


def decode_tune(query: QueryDict) -> tuple[TuneState, list[str]]:
    """Read a Tune state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_tune({"opt": ["adam", "nope"], "budget": ["0"]})
        >>> state.names, state.budget, len(messages)
        (('adam',), 25, 2)
    """
    default = default_tune()
    r = QueryReader(query)
    setup = decode_setup(r, default.setup)  # objective, the race's start, steps and the seed
    seed = setup.seed
    setup = replace(setup, noise=0.0, seed=0, tol=1e-4, criterion="loss_gap")
    budget = r.value("budget", TUNE_PARAMS["budget"], default.budget, integer=True)
    starts = r.value("starts", TUNE_PARAMS["starts"], default.starts, integer=True)
    flavor = decode_flavor(r)
    names: list[str] = []
    if r.has("opt"):
        for n in r.all("opt"):
            if n not in optim.OPTIMIZERS:
                r.bad(f"`opt={shorten(n)}` is not an optimizer this app knows; allowed: {', '.join(optim.OPTIMIZERS)}. "
                      "Left out.")
            elif n not in names:
                names.append(n)
        if len(names) > MAX_CONFIGS:
            r.bad(f"The link names {len(names)} optimizers; the Tune page tunes at most {MAX_CONFIGS}. "
                  f"Kept the first {MAX_CONFIGS}.")
            names = names[:MAX_CONFIGS]
    lr = Param("lr", 1e-2, 1e-6, 10.0, "log", "")
    lr_min = r.value("lr.min", lr, default.lr_min)
    lr_max = r.value("lr.max", lr, default.lr_max)
    if lr_min > lr_max:
        r.bad(f"`lr.min={fmt(lr_min)}` is above `lr.max={fmt(lr_max)}`, so the learning-rate range is empty; it "
              f"needs min ≤ max. Using {fmt(default.lr_min)} to {fmt(default.lr_max)} instead.")
        lr_min, lr_max = default.lr_min, default.lr_max
    warn_unknown(r)
    state = TuneState(setup, flavor or default.flavor, tuple(names) or default.names, int(budget), int(starts),
                      int(seed), float(lr_min), float(lr_max))
    return state, r.messages

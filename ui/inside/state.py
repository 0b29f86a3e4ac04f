"""The "Inside RMSprop" page's state and experiments, as plain data with a URL encoding.

The page has four views. *Step by step* looks inside up to three optimizers on the set-up in the
sidebar (the state a person shares: objective, start, optimizers, settings). The other three are
fixed experiments with a few knobs each, chosen so the effect they teach is plain to see:

- *Zig-zag* (seed 003): plain gradient descent against RMSprop on an elongated valley
  f(W, b) = a W² + c b², weight W horizontal and shallow, bias b vertical and steep, at the
  article's learning rate 0.001;
- *Epsilon*: epsilon inside the square root, sqrt(v + eps), or outside, sqrt(v) + eps, on a flat
  plain around a pit, where gradients are tiny (1e-7) and the two forms part ways;
- *Decay*: how long RMSprop remembers past squared gradients for a decay from 0.5 to 0.999, and
  EWMA momentum with and without bias correction (seed 004).

Like ``ui.model`` and ``ui.urlstate`` this module is plain Python (no Streamlit), so the page,
the lessons and the tests share one definition of every experiment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import optim
from optim import Param

from ..model import OptConfig, Setup, make_config
from ..urlstate import (
    QueryDict,
    QueryReader,
    decode_named_configs,
    decode_setup,
    encode_hyperparameters,
    encode_setup,
    fmt,
    shorten,
    warn_unknown,
)

MAX_INSIDE = 3
"""Most optimizers looked inside at once (eight panels each stay readable)."""

VIEWS: dict[str, str] = {
    "anatomy": "Step by step",
    "zigzag": "Zig-zag (seed 003)",
    "epsilon": "Where epsilon sits",
    "decay": "Decay and bias correction",
}
SCALES = {"log": "sizes, log scale", "signed": "signed values"}
BOTH = {"both": "both", "on": "on", "off": "off"}
EPS_FORMS = {"both": "both", "inside": "inside √(v + ε)", "outside": "outside √v + ε"}

DECAY_OPTIONS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
"""The decay slider's stops: half-lives from one step to about 700."""

ZIGZAG_PARAMS: dict[str, Param] = {
    p.name: p for p in [
        Param("lr", 0.001, 1e-5, 0.1, "log",
              "Learning rate of both optimizers; 0.001 is the article's suggested α."),
        Param("decay", 0.9, 0.5, 0.999, "linear", "RMSprop's decay β; the article suggests 0.9."),
        Param("steep", 990.0, 1.0, 1000.0, "log",
              "c in f = a W² + c b²: how steep the valley's walls are in the bias direction b. Gradient "
              "descent zig-zags across the valley once 2 c lr passes 1 and diverges past 2."),
        Param("steps", 1500, 10, 2000, "linear", "How many updates each optimizer makes."),
    ]
}
EPSILON_PARAMS: dict[str, Param] = {
    p.name: p for p in [
        Param("eps", 1e-8, 1e-16, 1e-2, "log", "Epsilon, the same number in both forms."),
        Param("lr", 0.1, 1e-4, 1.0, "log", "RMSprop's learning rate."),
        Param("steps", 100, 10, 1000, "linear", "How many updates each run makes."),
    ]
}
DECAY_PARAMS: dict[str, Param] = {
    p.name: p for p in [
        Param("decay", 0.9, 0.5, 0.999, "linear",
              "β: RMSprop's decay of the squared-gradient average and EWMA momentum's β."),
        Param("steps", 100, 10, 1000, "linear", "How many updates each run makes."),
    ]
}

# ------------------------------------------------------------------ the fixed experiments

ZIGZAG_A = 0.2
"""a in f = a W² + c b²: the shallow direction (weight W)."""
ZIGZAG_START = (-1.2, 0.5)
COORDS_WB = ("W (weight): horizontal, shallow", "b (bias): vertical, steep")

PLATEAU_FORMULA = "1 - exp(-(x^2 + y^2)/2)"
PLATEAU_START = (5.0, -3.0)
PLATEAU_DOMAIN = ((-6.0, 6.0), (-6.0, 6.0))

VALLEY_004 = Setup(objective="quadratic", objective_params=(("a", 0.1), ("b", 5.0)), x0=9.0, y0=-3.0, steps=100)
"""Seed 004's valley 0.1 x1² + 5 x2² from (9, -3)."""


def zigzag_setup(steep: float, steps: int) -> Setup:
    """The valley f(W, b) = 0.2 W² + c b², started at (W, b) = (-1.2, 0.5)."""
    return Setup(objective="quadratic", objective_params=(("a", ZIGZAG_A), ("b", float(steep))),
                 x0=ZIGZAG_START[0], y0=ZIGZAG_START[1], steps=int(steps))


def zigzag_configs(lr: float, decay: float) -> tuple[OptConfig, OptConfig]:
    """Gradient descent and RMSprop (epsilon inside the root, as seed 001) at one learning rate."""
    return (make_config("gd", lr=float(lr)),
            make_config("rmsprop", lr=float(lr), decay=float(decay), eps=1e-8))


@lru_cache(maxsize=1)
def plateau() -> optim.Objective:
    """A flat plain around a pit, f = 1 - exp(-(x² + y²)/2): from (5, -3) its gradient is about 2e-7.

    Built by the core's formula parser (so the gradient is exact), with its known minimum added.
    """
    obj = optim.parse_objective(PLATEAU_FORMULA, domain=PLATEAU_DOMAIN)
    return replace(obj, name="plateau", title="A pit in a flat plain", start=PLATEAU_START,
                   minima=(optim.Minimum(0.0, 0.0, 0.0),))


def epsilon_configs(eps: float, lr: float) -> dict[str, OptConfig]:
    """RMSprop with epsilon inside and outside the square root, otherwise the same (decay 0.9)."""
    return {form: make_config("rmsprop", lr=float(lr), decay=0.9, eps=float(eps), eps_in_sqrt=form == "inside")
            for form in ("inside", "outside")}


def decay_configs(decay: float) -> dict[str, OptConfig]:
    """RMSprop (lr 0.1) at ``decay``, and EWMA momentum (lr 0.1) with β = ``decay``, corrected or not."""
    return {
        "rmsprop": make_config("rmsprop", lr=0.1, decay=float(decay), eps=1e-8),
        "on": make_config("ewma_momentum", lr=0.1, momentum=float(decay), bias_correction=True),
        "off": make_config("ewma_momentum", lr=0.1, momentum=float(decay), bias_correction=False),
    }


# ------------------------------------------------------------------ state


@dataclass(frozen=True)
class InsideState:
    """Everything the page shows: the view, the step-by-step set-up and each experiment's knobs."""

    view: str = "anatomy"
    setup: Setup = field(default_factory=lambda: replace(VALLEY_004, steps=300))
    flavor: str = "textbook"
    optimizers: tuple[OptConfig, ...] = ()
    scale: str = "log"
    zigzag: tuple[tuple[str, float], ...] = tuple((n, p.default) for n, p in ZIGZAG_PARAMS.items())
    epsilon: tuple[tuple[str, float], ...] = tuple((n, p.default) for n, p in EPSILON_PARAMS.items())
    eps_form: str = "both"
    decay: tuple[tuple[str, float], ...] = tuple((n, p.default) for n, p in DECAY_PARAMS.items())
    bias: str = "both"

    def knobs(self, view: str) -> dict:
        return dict(getattr(self, view))


def default_optimizers() -> tuple[OptConfig, ...]:
    """AdaGrad, RMSprop and Adam, all at learning rate 0.1 (seed 002: AdaGrad's step keeps shrinking)."""
    return (make_config("adagrad", lr=0.1), make_config("rmsprop", lr=0.1, decay=0.9),
            make_config("adam", lr=0.1))


def default_inside() -> InsideState:
    """Seed 002's comparison on seed 004's valley, 300 steps, looked at step by step."""
    return InsideState(optimizers=default_optimizers())


# ------------------------------------------------------------------ URL

_KNOBS = {"zigzag": ("zz", ZIGZAG_PARAMS), "epsilon": ("eps", EPSILON_PARAMS), "decay": ("dk", DECAY_PARAMS)}
_INT = frozenset({"steps"})


def encode_inside(state: InsideState) -> dict[str, list[str]]:
    """The page's state as query parameters.

    Layout: ``view=anatomy``; the set-up as on the other pages (``objective=…``, ``x0=…``,
    ``steps=…``); ``flavor=textbook opt=adagrad opt=rmsprop rmsprop.lr=0.1 …`` as on the Playground,
    schedules too (``rmsprop.schedule=cosine …``);
    ``scale=log``; the experiments' knobs ``zz.lr zz.decay zz.steep zz.steps``, ``eps.eps eps.lr
    eps.steps eps.form``, ``dk.decay dk.steps dk.bias``.
    """
    out = {"view": [state.view]}
    out.update(encode_setup(state.setup))
    out["flavor"] = [state.flavor]
    out["opt"] = [c.name for c in state.optimizers]
    for cfg in state.optimizers:
        out.update(encode_hyperparameters(cfg.name, cfg))
    out["scale"] = [state.scale]
    for view, (prefix, _params) in _KNOBS.items():
        for n, v in state.knobs(view).items():
            out[f"{prefix}.{n}"] = [fmt(int(v) if n in _INT else v)]
    out["eps.form"] = [state.eps_form]
    out["dk.bias"] = [state.bias]
    return out


def _choice(r: QueryReader, name: str, allowed: dict, default: str) -> str:
    text = r.raw(name)
    if text is None:
        return default
    if text not in allowed:
        r.bad(f"`{name}={shorten(text)}` is not allowed; allowed: {', '.join(allowed)}. Using {default} instead.")
        return default
    return text


def decode_inside(query: QueryDict) -> tuple[InsideState, list[str]]:
    """Read the page's state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_inside({"view": ["zigzag"], "zz.lr": ["0.002"], "opt": ["rmsprop"]})
        >>> state.view, state.knobs("zigzag")["lr"], [c.name for c in state.optimizers], messages
        ('zigzag', 0.002, ['rmsprop'], [])
    """
    default = default_inside()
    r = QueryReader(query)
    view = _choice(r, "view", VIEWS, default.view)
    setup = decode_setup(r, default.setup)
    flavor = _choice(r, "flavor", dict.fromkeys(optim.FLAVORS), default.flavor)
    configs = decode_named_configs(r, default.optimizers, flavor, MAX_INSIDE, "this page looks inside", setup.steps,
                                   per_coordinate=False)
    scale = _choice(r, "scale", SCALES, default.scale)
    knobs = {}
    for view_name, (prefix, params) in _KNOBS.items():
        values = default.knobs(view_name)
        for n, p in params.items():
            values[n] = r.value(f"{prefix}.{n}", p, values[n], integer=n in _INT)
        knobs[view_name] = tuple(values.items())
    eps_form = _choice(r, "eps.form", EPS_FORMS, default.eps_form)
    bias = _choice(r, "dk.bias", BOTH, default.bias)
    warn_unknown(r)
    return InsideState(view, setup, flavor, tuple(configs), scale, knobs["zigzag"], knobs["epsilon"], eps_form,
                       knobs["decay"], bias), r.messages

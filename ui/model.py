"""What a page shows, as plain immutable data: the run set-up and optimizer configurations.

Pages keep one of these states per session; the URL encodes it (``ui.urlstate``) and the
widgets edit it (``ui.widgets``). Everything here is hashable so it can key caches, and
free of Streamlit so it can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import optim
from optim import Param

from .schedule.model import CONSTANT, ScheduleConfig, schedule_in
from .setup.formula import CUSTOM, DEFAULT_DOMAIN, Box, custom_objective

MAX_CONFIGS = 6
"""Most optimizer configurations one view compares (colours stay distinct, pages stay fast)."""

MAX_STEPS = 2000
START_BOUND = 100.0

# The run's own settings, described like the optimizers' hyperparameters so the same
# widget and validation code serves them.
RUN_PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("x0", 1.5, -START_BOUND, START_BOUND, "linear", "Start point, x coordinate."),
        Param("y0", 1.5, -START_BOUND, START_BOUND, "linear", "Start point, y coordinate."),
        Param("steps", 100, 1, MAX_STEPS, "linear", "How many updates each optimizer makes."),
        Param("noise", 0.0, 0.0, 10.0, "linear",
              "Standard deviation of Gaussian noise added to every gradient component: 0 gives "
              "exact gradients, more imitates the jitter of minibatch gradients."),
        Param("seed", 0, 0, 2**31 - 1, "linear",
              "Seed of the gradient noise: the same seed gives the same noise, so runs are repeatable."),
        Param("tol", 1e-4, 1e-12, 1e3, "log",
              "Tolerance for 'converged': the first step where the chosen criterion falls to this value."),
    ]
}
INT_PARAMS = frozenset({"steps", "seed"})
SEEDS = Param("seeds", 20, 2, 200, "linear",
              "K: with gradient noise on, each configuration runs this many noise seeds; the loss chart shows "
              "their median and the band between the 25th and 75th percentiles.")

CRITERIA = {
    "loss_gap": "loss above the minimum",
    "grad_norm": "gradient norm",
}


@dataclass(frozen=True)
class OptConfig:
    """One optimizer configuration: name, flavor, every hyperparameter in spec order, and its schedule."""

    name: str
    flavor: str
    hp: tuple[tuple[str, Any], ...]
    schedule: ScheduleConfig = CONSTANT

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return dict(self.hp)

    @property
    def title(self) -> str:
        return optim.OPTIMIZERS[self.name].title

    def get(self, param: str, default=None):
        return self.hyperparameters.get(param, default)


def with_lr_y(cfg: OptConfig, lr_y: float | None) -> OptConfig:
    """``cfg`` with y's own learning rate ``lr_y`` right after ``lr`` (None: lr for both coordinates).

    Example:
        >>> with_lr_y(make_config("gd", lr=0.1), 0.5).hp
        (('lr', 0.1), ('lr_y', 0.5))
    """
    hp = []
    for n, v in cfg.hp:
        if n != "lr_y":
            hp.append((n, v))
        if n == "lr" and lr_y is not None:
            hp.append(("lr_y", lr_y))
    return replace(cfg, hp=tuple(hp))


def make_config(name: str, flavor: str | None = None, *, schedule: ScheduleConfig = CONSTANT,
                **overrides) -> OptConfig:
    """A configuration with ``flavor``'s defaults (default: textbook, else its first library), with ``overrides``
    and ``schedule``."""
    flavor = optim.OPTIMIZERS[name].default_flavor if flavor is None else flavor
    params = optim.OPTIMIZERS[name].params(flavor)
    unknown = set(overrides) - set(params)
    if unknown:
        raise ValueError(f"{name} ({flavor}) has no parameter {sorted(unknown)[0]!r}.")
    return OptConfig(name, flavor, tuple((n, overrides.get(n, p.default)) for n, p in params.items()), schedule)


def with_flavor(cfg: OptConfig, flavor: str) -> OptConfig:
    """``cfg`` in another library's flavor: that library's defaults for every setting, except the ones the
    person changed on purpose (those differing from the old flavor's defaults), which keep their value
    when the new flavor has the setting and allows it.

    Example:
        >>> torch = make_config("rmsprop", "torch", lr=0.05)
        >>> keras = with_flavor(torch, "keras")
        >>> keras.get("lr"), keras.get("decay"), keras.get("eps")  # lr was chosen; decay and eps are Keras's
        (0.05, 0.9, 1e-07)
    """
    if flavor == cfg.flavor:
        return cfg
    spec = optim.OPTIMIZERS[cfg.name]
    old_defaults, params = spec.params(cfg.flavor), spec.params(flavor)
    chosen = {n: v for n, v in cfg.hp if n in old_defaults and v != old_defaults[n].default}
    out = OptConfig(cfg.name, flavor, tuple(
        (n, chosen[n] if n in chosen and _allowed(p, chosen[n]) else p.default) for n, p in params.items()),
        schedule_in(cfg.schedule, cfg.name, flavor))
    lr_y = cfg.get("lr_y")
    return with_lr_y(out, lr_y if lr_y is not None and spec.lr_y(flavor) is not None else None)


def _allowed(p, value) -> bool:
    if p.is_bool:
        return isinstance(value, bool)
    return not isinstance(value, bool) and p.low <= value <= p.high


def changed_settings(cfg: OptConfig) -> list[str]:
    """The settings of ``cfg`` that differ from its flavor's defaults, in the spec's order (``lr_y`` when set).

    Example:
        >>> changed_settings(make_config("rmsprop", "torch", lr=0.05))
        ['lr']
        >>> changed_settings(with_lr_y(make_config("gd"), 0.5))
        ['lr_y']
    """
    defaults = optim.OPTIMIZERS[cfg.name].params(cfg.flavor)
    return [n for n, v in cfg.hp if (n in defaults and v != defaults[n].default) or n == "lr_y"]


def effective_flavor(name: str, flavor: str) -> str:
    """``flavor`` if optimizer ``name`` has it, else its default: textbook, or its first library (L-BFGS: torch)."""
    spec = optim.OPTIMIZERS[name]
    return flavor if flavor in spec.flavors else spec.default_flavor


@dataclass(frozen=True)
class Setup:
    """The objective and the run settings every configuration on a page shares."""

    objective: str = "quadratic"
    objective_params: tuple[tuple[str, float], ...] = (("a", 1.0), ("b", 10.0))
    x0: float = 1.5
    y0: float = 1.5
    steps: int = 100
    noise: float = 0.0
    seed: int = 0
    tol: float = 1e-4
    criterion: str = "loss_gap"
    formula: str = ""
    """The person's own function (``objective == CUSTOM``: it parses on ``domain``); else what the box held."""
    domain: Box = DEFAULT_DOMAIN
    """The own function's domain: (x min, x max, y min, y max)."""
    draft: tuple[str, Box] | None = field(default=None, compare=False)
    """Formula and domain in the box that could not be used; the charts keep the function above.

    Not part of the state's identity (nor of the URL): it only lets the box keep what was typed.
    """

    @property
    def start(self) -> tuple[float, float]:
        return (self.x0, self.y0)

    @property
    def objective_key(self) -> tuple:
        """What identifies the objective: name, parameters, and formula and domain for an own function."""
        if self.objective == CUSTOM:
            return (CUSTOM, (), self.formula, tuple(self.domain))
        return (self.objective, self.objective_params, "", DEFAULT_DOMAIN)

    def build_objective(self) -> optim.Objective:
        return build_objective(*self.objective_key)

    def criterion_for(self, objective: optim.Objective) -> str:
        """The convergence criterion actually used: the loss gap needs a known minimum."""
        return self.criterion if objective.f_min is not None else "grad_norm"


def build_objective(name: str, params: tuple = (), formula: str = "", domain: Box = DEFAULT_DOMAIN
                    ) -> optim.Objective:
    """Objective ``name`` with ``params``, or for :data:`CUSTOM` the formula on its domain (cached)."""
    if name == CUSTOM:
        return custom_objective(formula, tuple(domain))
    return optim.get_objective(name, **dict(params))


def objective_defaults(name: str) -> tuple[tuple[str, float], ...]:
    if name == CUSTOM:
        return ()
    return tuple((n, p.default) for n, p in optim.OBJECTIVES[name].param_specs.items())


def setup_for_objective(setup: Setup, name: str) -> Setup:
    """``setup`` moved to objective ``name``: its default parameters and start point.

    For :data:`CUSTOM` the set-up's own formula and domain are used (ValueError if they do not parse).
    """
    obj = custom_objective(setup.formula, tuple(setup.domain)) if name == CUSTOM else optim.OBJECTIVES[name]
    return replace(setup, objective=name, objective_params=objective_defaults(name),
                   x0=float(obj.start[0]), y0=float(obj.start[1]))


@dataclass(frozen=True)
class PlaygroundState:
    """The Playground: one flavor, one configuration per chosen optimizer, the step shown."""

    setup: Setup = field(default_factory=Setup)
    flavor: str = "textbook"
    optimizers: tuple[OptConfig, ...] = ()
    step: int | None = None  # None: the last step


@dataclass(frozen=True)
class CompareState:
    """The Compare page: up to :data:`MAX_CONFIGS` configurations on one objective."""

    setup: Setup = field(default_factory=Setup)
    configs: tuple[OptConfig, ...] = ()
    seeds: int = 20
    """K: with gradient noise on, each configuration also runs K noise seeds for the median and IQR band."""


def default_playground() -> PlaygroundState:
    """Seed article 000's experiment: GD and RMSprop on the bowl x^2 + 10 y^2 from (1.5, 1.5).

    The article's RMSprop adds epsilon outside the square root, hence ``eps_in_sqrt=False``.
    """
    return PlaygroundState(
        setup=Setup(),
        flavor="textbook",
        optimizers=(
            make_config("gd", lr=0.1),
            make_config("rmsprop", lr=0.1, decay=0.9, eps=1e-8, eps_in_sqrt=False),
        ),
    )


def default_compare() -> CompareState:
    """RMSprop four ways on an ill-conditioned valley: decay 0.9 vs 0.99, and the torch and Keras flavors.

    With lr 0.1 the slow average (0.99, torch's default) settles to 1e-11 in 300 steps while the
    fast one (0.9, Keras's default) keeps rattling around the minimum.
    """
    valley = setup_for_objective(Setup(), "rotated_quadratic")
    return CompareState(
        setup=replace(valley, steps=300),
        configs=(
            make_config("rmsprop", lr=0.1, decay=0.9),
            make_config("rmsprop", lr=0.1, decay=0.99),
            make_config("rmsprop", "torch", lr=0.1),
            make_config("rmsprop", "keras", lr=0.1),
        ),
    )


def describe(cfg: OptConfig, others: tuple[OptConfig, ...] = ()) -> str:
    """A short label: title, flavor, and the settings that tell ``cfg`` apart from ``others``.

    Differences that only come from two flavors' own defaults (Keras's epsilon 1e-7 against
    PyTorch's 1e-8, say) are left out: the flavor in the label already says so.

    A schedule is named when another configuration of the same optimizer has another one (or none),
    and its settings when another has the same schedule with other settings.

    Example:
        >>> a = make_config("rmsprop", lr=0.01, decay=0.9)
        >>> b = make_config("rmsprop", lr=0.01, decay=0.99)
        >>> k = make_config("rmsprop", "keras", lr=0.01)
        >>> describe(a, (a, b, k)), describe(k, (a, b, k))
        ('RMSprop (textbook) decay=0.9', 'RMSprop (keras) decay=0.9')
        >>> from ui.schedule.model import make_schedule_config
        >>> c = make_config("rmsprop", lr=0.01, decay=0.9, schedule=make_schedule_config("step", "rmsprop", "textbook"))
        >>> describe(c, (a, c))
        'RMSprop (textbook) step decay'
    """
    mine = cfg.hyperparameters
    my_defaults = make_config(cfg.name, cfg.flavor).hyperparameters
    parts = []
    for n, v in cfg.hp:
        for o in others:
            if o is cfg or o.name != cfg.name or n not in o.hyperparameters or o.get(n) == v:
                continue
            by_flavor = (o.flavor != cfg.flavor and v == my_defaults[n]
                         and o.get(n) == make_config(o.name, o.flavor).get(n))
            if not by_flavor:
                parts.append(f"{n}={'on' if v else 'off'}" if isinstance(v, bool) else f"{n}={mine[n]:g}")
                break
    same = [o for o in others if o is not cfg and o.name == cfg.name]
    sc = cfg.schedule
    if any(o.schedule.name != sc.name for o in same):
        parts.append("constant lr" if sc.constant else sc.title.lower())
    elif not sc.constant:
        parts += [f"{n}={v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{n}={v}"
                  for n, v in sc.params if any(o.schedule.get(n) != v for o in same)]
    return f"{cfg.title} ({cfg.flavor}) {', '.join(parts)}".strip()

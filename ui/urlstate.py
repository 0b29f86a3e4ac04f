"""The URL is the shareable state: encode a page's state as query parameters and read it back.

Every value a person would share round-trips through ``st.query_params``, so a copied link
reopens the exact view. Reading never raises: each unusable parameter (unknown name, not a
number, out of range, an optimizer without that flavor) adds one sentence to a list of
messages and falls back to the default, so a garbled link still opens a working page.

Layout (``N`` is 1..6 on the Compare page)::

    objective=rosenbrock  objective.a=1  objective.b=100   the objective and its parameters
    objective=custom  formula=x^2+10*y^2  domain=-2,2,-2,2 a person's own function and its domain
    x0=-1.5  y0=2  steps=500  noise=0  seed=0              the run
    tol=0.0001  criterion=loss_gap                         what counts as converged
    flavor=textbook  opt=gd  opt=rmsprop  gd.lr=0.1 ...    Playground: flavor, optimizers, settings
    step=40                                                Playground: the step on show
    cN=rmsprop  cN.flavor=torch  cN.lr=0.01 ...            Compare: configuration N
    gd.schedule=cosine  cN.schedule.t_max=200 ...          a configuration's learning-rate schedule
    seeds=20                                               Compare, with noise on: K seeds per band

A configuration's learning-rate schedule (Playground, Compare) follows its settings:
``gd.schedule=step  gd.schedule.step_size=30 ...`` (see :mod:`ui.schedule.model`). The reading itself
(:class:`ui.query.QueryReader`: one sentence per unusable value) is in :mod:`ui.query`.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

import optim
from optim import Param

from .model import (
    CRITERIA,
    INT_PARAMS,
    MAX_CONFIGS,
    RUN_PARAMS,
    SEEDS,
    CompareState,
    OptConfig,
    PlaygroundState,
    Setup,
    default_compare,
    default_playground,
    effective_flavor,
    make_config,
    objective_defaults,
    with_lr_y,
)
from .query import QueryDict, QueryReader, fmt, shorten
from .schedule.model import decode_schedule, encode_schedule
from .setup.formula import CUSTOM, DEFAULT_DOMAIN, custom_objective, domain_start, parse_domain, plain

# ----------------------------------------------------------------------------- set-up


def encode_setup(s: Setup) -> dict[str, list[str]]:
    out = {"objective": [s.objective]}
    out.update({f"objective.{n}": [fmt(v)] for n, v in s.objective_params})
    if s.objective == CUSTOM:
        out.update(formula=[s.formula], domain=[",".join(fmt(v) for v in s.domain)])
    out.update(x0=[fmt(s.x0)], y0=[fmt(s.y0)], steps=[fmt(s.steps)], noise=[fmt(s.noise)])
    if s.noise or s.seed:
        out["seed"] = [fmt(s.seed)]
    out.update(tol=[fmt(s.tol)], criterion=[s.criterion])
    return out


def _decode_custom(r: QueryReader, default: Setup) -> Setup | None:
    """``formula`` and ``domain`` of ``objective=custom``: a set-up on that function, or None if unusable.

    An unusable formula still travels on as the set-up's draft, so the formula box shows it.
    """
    text, domain_text = r.raw("formula"), r.raw("domain")
    domain = DEFAULT_DOMAIN
    if domain_text is not None:
        try:
            domain = parse_domain(domain_text)
        except ValueError as e:
            r.bad(f"`domain={shorten(domain_text)}`: {plain(str(e))} Using {','.join(fmt(v) for v in domain)} instead.")
    if text is None:
        r.bad(f"`objective=custom` needs a `formula`, for example `formula=x^2+10*y^2`. "
              f"Showing {optim.OBJECTIVES[default.objective].title} instead.")
        return None
    try:
        obj = custom_objective(text.strip(), domain)
    except ValueError as e:
        r.bad(f"`formula={shorten(text)}`: {plain(str(e))} Showing {optim.OBJECTIVES[default.objective].title} "
              "instead; the formula box keeps the text to fix.")
        return replace(default, draft=(text.strip(), domain))
    return Setup(CUSTOM, (), float(obj.start[0]), float(obj.start[1]), formula=text.strip(), domain=domain)


def decode_setup(r: QueryReader, default: Setup) -> Setup:
    name = r.raw("objective")
    if name == CUSTOM:
        custom = _decode_custom(r, default)
        if custom is None or custom.objective != CUSTOM:
            name, default = None, (custom or default)
        else:
            name, default = CUSTOM, custom
    if name is not None and name not in optim.OBJECTIVES and name != CUSTOM:
        r.bad(f"`objective={shorten(name)}` is not an objective this app knows "
              f"(for example {', '.join(list(optim.OBJECTIVES)[:4])}). Using {default.objective} instead.")
        name = None
    if name is None or name == default.objective:
        name, params = default.objective, dict(default.objective_params)
        x0, y0 = default.x0, default.y0
    else:
        params = dict(objective_defaults(name))
        x0, y0 = optim.OBJECTIVES[name].start
    for pname, spec in ({} if name == CUSTOM else optim.OBJECTIVES[name].param_specs).items():
        params[pname] = r.value(f"objective.{pname}", spec, params[pname])
    x0 = r.value("x0", RUN_PARAMS["x0"], float(x0))
    y0 = r.value("y0", RUN_PARAMS["y0"], float(y0))
    values = {
        n: r.value(n, RUN_PARAMS[n], getattr(default, n), integer=n in INT_PARAMS)
        for n in ("steps", "noise", "seed", "tol")
    }
    criterion = r.raw("criterion")
    if criterion is not None and criterion not in CRITERIA:
        r.bad(f"`criterion={shorten(criterion)}` is not allowed; allowed: {', '.join(CRITERIA)}. "
              f"Using {default.criterion} instead.")
        criterion = None
    setup = Setup(name, tuple(params.items()), float(x0), float(y0), criterion=criterion or default.criterion,
                  formula=default.formula, domain=default.domain, draft=default.draft, **values)
    try:
        obj = setup.build_objective()
        with np.errstate(all="ignore"):  # an own formula may be undefined there (sqrt(x) at x < 0)
            f0 = obj.f([setup.x0, setup.y0])
        if not math.isfinite(float(f0)):
            raise ValueError(f"{plain(obj.title)} is not finite at the start point.")
    except ValueError as e:
        r.bad(f"{e} Using the default objective settings instead.")
        start = domain_start(setup.domain) if name == CUSTOM else optim.OBJECTIVES[name].start
        setup = replace(setup, objective_params=objective_defaults(name), x0=float(start[0]), y0=float(start[1]))
    # A function with no known minimum is judged by the gradient norm, whatever the link said: the state
    # says what the runs use (and what the page shows).
    return replace(setup, criterion=setup.criterion_for(setup.build_objective()))


# ----------------------------------------------------------------------------- configurations


def encode_hyperparameters(prefix: str, cfg: OptConfig) -> dict[str, list[str]]:
    """``prefix.<param>=value`` for every hyperparameter of ``cfg``, then its schedule (none when constant)."""
    return {**{f"{prefix}.{n}": [fmt(v)] for n, v in cfg.hp}, **encode_schedule(prefix, cfg.schedule)}


def decode_hyperparameters(r: QueryReader, prefix: str, base: OptConfig, steps: int | None = None, *,
                           per_coordinate: bool = True) -> OptConfig:
    """Read ``prefix.<param>`` for every hyperparameter ``base``'s flavor offers, and, on a page that runs
    schedules (``steps``: the run's steps; None elsewhere), the schedule under ``prefix.schedule``.

    ``prefix.lr_y`` (y's own learning rate) is read where the optimizer offers one and the page does
    (``per_coordinate``); a page without it says the link's is ignored, rather than dropping it unsaid.

    Example:
        >>> r = QueryReader({"c1.lr": ["0.1"], "c1.lr_y": ["0.5"]})
        >>> decode_hyperparameters(r, "c1", make_config("gd"), per_coordinate=False).hp, r.messages
        ((('lr', 0.1),), ['`c1.lr_y`: this page has no separate learning rate for y; ignored.'])
    """
    specs = optim.OPTIMIZERS[base.name].params(base.flavor)
    hp = base.hyperparameters
    values = {n: r.value(f"{prefix}.{n}", p, hp[n]) for n, p in specs.items()}
    cfg = OptConfig(base.name, base.flavor, tuple(values.items()))
    lr_y = optim.OPTIMIZERS[base.name].lr_y(base.flavor)  # y's own learning rate, where the optimizer offers one
    if not per_coordinate:
        if r.has(f"{prefix}.lr_y") and f"{prefix}.lr_y" not in r.used:
            r.used.add(f"{prefix}.lr_y")
            r.bad(f"`{prefix}.lr_y`: this page has no separate learning rate for y; ignored.")
    elif lr_y is not None:
        cfg = with_lr_y(cfg, r.value(f"{prefix}.lr_y", lr_y, hp.get("lr_y"), default_text="lr for both coordinates"))
    try:
        optim.make_optimizer(cfg.name, cfg.flavor, **cfg.hyperparameters)
    except ValueError as e:  # a combination the core refuses
        r.bad(f"{e} Using the defaults for {prefix}.")
        cfg = make_config(base.name, base.flavor)
    if steps is None:
        return cfg
    return replace(cfg, schedule=decode_schedule(r, prefix, cfg, steps))


def warn_flavor_mismatch(r: QueryReader, prefix: str, name: str, flavor: str) -> None:
    """Note parameters given for ``name`` that its ``flavor`` does not have."""
    specs = optim.OPTIMIZERS[name].params(flavor)
    for key in list(r.query):
        if key.startswith(prefix + ".") and key not in r.used:
            pname = key[len(prefix) + 1:]
            if pname in optim.HYPERPARAMETERS and pname not in specs:
                r.used.add(key)
                r.bad(f"`{key}`: {optim.OPTIMIZERS[name].title} ({flavor}) has no {pname} setting; "
                      "ignored.")


def decode_flavor(r: QueryReader) -> str | None:
    """The page-wide ``flavor=`` (textbook, torch, keras, optax), or None when absent or unknown."""
    flavor = r.raw("flavor")
    if flavor is not None and flavor not in optim.FLAVORS:
        r.bad(f"`flavor={shorten(flavor)}` is not allowed; allowed: {', '.join(optim.FLAVORS)}. "
              "Using textbook instead.")
        return None
    return flavor


def warn_unknown(r: QueryReader) -> None:
    """One message listing the link parameters no decoder read (a typo, or a link from elsewhere)."""
    extra = r.unused()
    if extra:
        names = ", ".join(f"`{shorten(k, 30)}`" for k in extra[:5]) + (" …" if len(extra) > 5 else "")
        r.bad(f"Ignored unknown link parameter{'s' if len(extra) > 1 else ''} {names}.")


# ----------------------------------------------------------------------------- Playground


def decode_optimizer_names(r: QueryReader, defaults: list[str], limit: int, where: str) -> list[str]:
    """The optimizers a link names with ``opt=`` (known, unique, at most ``limit``), else ``defaults``."""
    if not r.has("opt"):
        return list(defaults)
    names: list[str] = []
    for name in r.all("opt"):
        if name not in optim.OPTIMIZERS:
            r.bad(f"`opt={shorten(name)}` is not an optimizer this app knows; allowed: "
                  f"{', '.join(optim.OPTIMIZERS)}. Left out.")
        elif name not in names:
            names.append(name)
    if len(names) > limit:
        r.bad(f"The link names {len(names)} optimizers; {where} at most {limit}. Kept the first {limit}.")
        names = names[:limit]
    return names or list(defaults)


def decode_named_configs(r: QueryReader, defaults: tuple[OptConfig, ...], flavor: str, limit: int,
                         where: str, steps: int | None = None, *, per_coordinate: bool = True) -> list[OptConfig]:
    """The optimizers ``opt=`` names, each in ``flavor`` (where it has it), with ``<name>.<hp>=`` settings
    (and ``<name>.schedule``, given the run's ``steps`` on a page that runs schedules; ``<name>.lr_y`` on a page
    with per-coordinate learning rates, see :func:`decode_hyperparameters`).

    A named optimizer starts from its configuration in ``defaults`` when that has the same flavor.
    """
    by_name = {c.name: c for c in defaults}
    configs = []
    for name in decode_optimizer_names(r, list(by_name), limit, where):
        fl = effective_flavor(name, flavor)
        base = by_name[name] if name in by_name and by_name[name].flavor == fl else make_config(name, fl)
        configs.append(decode_hyperparameters(r, name, base, steps, per_coordinate=per_coordinate))
        warn_flavor_mismatch(r, name, name, fl)
    return configs


def decode_numbered_configs(r: QueryReader, limit: int, where: str, steps: int | None = None, *,
                            per_coordinate: bool = True) -> list[OptConfig]:
    """Configurations ``c1=name&c1.flavor=...&c1.<hp>=...`` in the order of their numbers; unusable ones are
    left out. Any numbers work (``c1, c7, c9`` are three configurations); past ``limit`` configurations,
    the rest are left out with one sentence. ``where`` completes "... at most ``limit``" in it. On a page
    that runs schedules, ``steps`` (the run's) has ``cN.schedule`` read and checked too; ``cN.lr_y`` is read
    on a page with per-coordinate learning rates (see :func:`decode_hyperparameters`).

    Example:
        >>> r = QueryReader({"c1": ["gd"], "c7": ["adam"], "c9": ["sgd"]})
        >>> [c.name for c in decode_numbered_configs(r, 6, "the page compares")], r.messages
        (['gd', 'adam', 'sgd'], [])
    """
    numbered = sorted((int(k[1:]), k) for k in r.query if re.fullmatch("c[0-9]+", k))
    extra = [k for _, k in numbered[limit:]]
    if extra:
        r.bad(f"The link names {len(numbered)} optimizers; {where} at most {limit}. "
              f"Left out {', '.join(f'`{shorten(k, 8)}`' for k in extra)}.")
        r.used.update(k for k in r.query if any(k == e or k.startswith(e + ".") for e in extra))
    configs = []
    for _, prefix in numbered[:limit]:
        name = r.raw(prefix)
        if name is None:
            continue
        if name not in optim.OPTIMIZERS:
            r.bad(f"`{prefix}={shorten(name)}` is not an optimizer this app knows; allowed: "
                  f"{', '.join(optim.OPTIMIZERS)}. Left out.")
            r.used.update(k for k in r.query if k.startswith(prefix + "."))
            continue
        spec = optim.OPTIMIZERS[name]
        flavor = r.raw(f"{prefix}.flavor")
        if flavor is not None and flavor not in spec.flavors:
            r.bad(f"`{prefix}.flavor={shorten(flavor)}`: {spec.title} has no such flavor; allowed: "
                  f"{', '.join(spec.flavors)}. Using {spec.default_flavor} instead.")
            flavor = None
        configs.append(decode_hyperparameters(r, prefix, make_config(name, flavor or spec.default_flavor), steps,
                                              per_coordinate=per_coordinate))
        warn_flavor_mismatch(r, prefix, name, flavor or spec.default_flavor)
    return configs


def encode_playground(state: PlaygroundState) -> dict[str, list[str]]:
    """The Playground's state as query parameters (see the module docstring)."""
    out = encode_setup(state.setup)
    out["flavor"] = [state.flavor]
    out["opt"] = [c.name for c in state.optimizers]
    for cfg in state.optimizers:
        out.update(encode_hyperparameters(cfg.name, cfg))
    if state.step is not None:
        out["step"] = [fmt(state.step)]
    return out


def decode_playground(query: QueryDict) -> tuple[PlaygroundState, list[str]]:
    """Read a Playground state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_playground({"opt": ["gd"], "gd.lr": ["0"]})
        >>> state.optimizers[0].get("lr"), messages
        (0.1, ['`gd.lr=0`: 0 is out of range; allowed: a number from 1e-06 to 10. Using 0.1 instead.'])
    """
    default = default_playground()
    r = QueryReader(query)
    setup = decode_setup(r, default.setup)
    flavor = decode_flavor(r) or default.flavor

    configs = decode_named_configs(r, default.optimizers, flavor, MAX_CONFIGS, "the Playground shows", setup.steps)
    step = r.value("step", Param("step", 0, 0, setup.steps), None, integer=True, default_text="the last step")
    warn_unknown(r)
    return PlaygroundState(setup, flavor, tuple(configs), step), r.messages


# ----------------------------------------------------------------------------- Compare


def encode_compare(state: CompareState) -> dict[str, list[str]]:
    """The Compare page's state as query parameters (see the module docstring)."""
    out = encode_setup(state.setup)
    for i, cfg in enumerate(state.configs, 1):
        out[f"c{i}"] = [cfg.name]
        out[f"c{i}.flavor"] = [cfg.flavor]
        out.update(encode_hyperparameters(f"c{i}", cfg))
    if state.setup.noise:
        out["seeds"] = [fmt(state.seeds)]
    return out


def decode_compare(query: QueryDict) -> tuple[CompareState, list[str]]:
    """Read a Compare state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_compare({"c1": ["adam"], "c1.flavor": ["keras"], "c1.lr": ["0.05"]})
        >>> [(c.name, c.flavor, c.get("lr"), c.get("eps")) for c in state.configs], messages
        ([('adam', 'keras', 0.05, 1e-07)], [])
    """
    default = default_compare()
    r = QueryReader(query)
    setup = decode_setup(r, default.setup)
    given = any(r.has(f"c{i}") for i in range(1, MAX_CONFIGS + 1))
    configs = decode_numbered_configs(r, MAX_CONFIGS, "Compare shows", setup.steps)
    if not configs:
        if given:
            r.bad("No usable configuration in the link; showing the default comparison.")
        configs = list(default.configs)
    seeds = r.value("seeds", SEEDS, default.seeds, integer=True)
    warn_unknown(r)
    return CompareState(setup, tuple(configs), seeds), r.messages

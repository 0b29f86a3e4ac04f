"""The Basin maps page's state and its URL: objective, two to four optimizers, grid and view.

Plain Python (no Streamlit), reusing :mod:`ui.urlstate`'s reader: reading a link never raises;
each unusable parameter adds one sentence and falls back to the default. Layout::

    objective=himmelblau  objective.<p>=...          a function with several known minima
    res=200  steps=300  tol=0.001  view=basin        start grid per axis, run length, convergence, colouring
    cN=sgd  cN.flavor=torch  cN.lr=0.01 ...          optimizer N (1..4), as on the Compare page
    pick=-2.5,1.25                                   the start point picked on the maps (a click)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import optim
from optim import Param

from ..model import RUN_PARAMS, OptConfig, Setup, make_config, objective_defaults
from ..urlstate import QueryDict, QueryReader, decode_numbered_configs, fmt, shorten, warn_unknown

MIN_MAPS, MAX_MAPS = 2, 4
VIEWS = {"basin": "which minimum", "steps": "steps to converge"}
RESOLUTIONS = (50, 100, 150, 200, 250, 300)
"""Start-grid sizes the page offers; a link may ask for any whole number from 2 to :data:`MAX_RES`."""
MAX_RES = 400
BASIN_PARAMS = {
    "res": Param("res", 200, 2, MAX_RES, "linear", "Start points per axis: the map has res x res runs."),
    "steps": Param("steps", 300, 1, RUN_PARAMS["steps"].high, "linear", "Steps each run makes."),
    "tol": Param("tol", 1e-3, 1e-12, 1e3, "log",
                 "A run has converged once its gradient norm is at most this (for the steps view)."),
}


def basin_objectives() -> list[str]:
    """Objectives with at least two known minima (a basin map of one minimum says little)."""
    return [n for n, o in optim.OBJECTIVES.items() if len(o.minima) >= 2]


def default_configs() -> tuple[OptConfig, ...]:
    """Four optimizers whose basins differ on Himmelblau: plain GD, heavy-ball momentum, RMSprop, Adam."""
    return (
        make_config("gd", lr=0.01),
        make_config("sgd", lr=0.01, momentum=0.9),
        make_config("rmsprop", lr=0.05, decay=0.9),
        make_config("adam", lr=0.1),
    )


@dataclass(frozen=True)
class BasinState:
    """What the Basin maps page shows."""

    objective: str = "himmelblau"
    objective_params: tuple[tuple[str, float], ...] = ()
    configs: tuple[OptConfig, ...] = field(default_factory=lambda: default_configs()[:2])
    resolution: int = 200
    steps: int = 300
    tol: float = 1e-3
    view: str = "basin"
    pick: tuple[float, float] | None = None
    """The start point a person clicked on the maps: the page says where each optimizer went from there."""

    def build_objective(self) -> optim.Objective:
        return optim.get_objective(self.objective, **dict(self.objective_params))

    def pick_setup(self) -> Setup:
        """The set-up of the runs from the picked start point itself (not a grid point near it), as the maps run.

        The page's sentences and its Compare link both come from this one set-up, so they describe the same
        runs; a clicked pixel's pick is that pixel's start point, so the sentences read as its colour.
        Call only with a pick.
        """
        x, y = self.pick
        return Setup(objective=self.objective, objective_params=self.objective_params, x0=x, y0=y,
                     steps=self.steps, tol=self.tol, criterion="grad_norm")


def default_basins() -> BasinState:
    """Gradient descent against heavy-ball momentum on Himmelblau, 200 x 200 starts, 300 steps."""
    return BasinState()


def encode_basins(state: BasinState) -> dict[str, list[str]]:
    """The page's state as query parameters (see the module docstring)."""
    out = {"objective": [state.objective]}
    out.update({f"objective.{n}": [fmt(v)] for n, v in state.objective_params})
    out.update(res=[fmt(state.resolution)], steps=[fmt(state.steps)], tol=[fmt(state.tol)], view=[state.view])
    for i, cfg in enumerate(state.configs, 1):
        out[f"c{i}"] = [cfg.name]
        out[f"c{i}.flavor"] = [cfg.flavor]
        out.update({f"c{i}.{n}": [fmt(v)] for n, v in cfg.hp})
    if state.pick is not None:
        out["pick"] = [f"{fmt(state.pick[0])},{fmt(state.pick[1])}"]
    return out


def decode_basins(query: QueryDict) -> tuple[BasinState, list[str]]:
    """Read a Basin maps state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_basins({"objective": ["rosenbrock"], "res": ["5000"]})
        >>> state.objective, state.resolution, len(messages)
        ('himmelblau', 200, 2)
    """
    default = default_basins()
    r = QueryReader(query)
    allowed = basin_objectives()
    name = r.raw("objective")
    if name is not None and name not in allowed:
        r.bad(f"`objective={shorten(name)}` has fewer than two known minima, so it has no basins to map; allowed: "
              f"{', '.join(allowed)}. Using {default.objective} instead.")
        name = None
    name = name or default.objective
    params = dict(objective_defaults(name)) if name != default.objective or not default.objective_params \
        else dict(default.objective_params)
    for pname, spec in optim.OBJECTIVES[name].param_specs.items():
        params[pname] = r.value(f"objective.{pname}", spec, params[pname])
    res = r.value("res", BASIN_PARAMS["res"], default.resolution, integer=True)
    steps = r.value("steps", BASIN_PARAMS["steps"], default.steps, integer=True)
    tol = r.value("tol", BASIN_PARAMS["tol"], default.tol)
    view = r.raw("view")
    if view is not None and view not in VIEWS:
        r.bad(f"`view={shorten(view)}` is not allowed; allowed: {', '.join(VIEWS)}. Using basin instead.")
        view = None
    configs = decode_numbered_configs(r, MAX_MAPS, "the page maps")
    if len(configs) < MIN_MAPS:
        if configs or any(r.has(f"c{i}") for i in range(1, MAX_MAPS + 1)):
            r.bad(f"The page maps {MIN_MAPS} to {MAX_MAPS} optimizers; the link has {len(configs)} usable. "
                  "Filled in from the defaults.")
        fill = [c for c in default_configs() if c.name not in {k.name for k in configs}]
        configs += fill[: MIN_MAPS - len(configs)]
    pick = _decode_pick(r, optim.OBJECTIVES[name].domain)
    warn_unknown(r)
    state = BasinState(name, tuple(params.items()), tuple(configs), int(res), int(steps), float(tol),
                       view or default.view, pick)
    return state, r.messages


def _decode_pick(r: QueryReader, domain) -> tuple[float, float] | None:
    """``pick=x,y``: a start point inside the map's domain, or None with one sentence."""
    text = r.raw("pick")
    if text is None:
        return None
    (x0, x1), (y0, y1) = domain
    try:
        x, y = (float(v) for v in text.split(","))
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            raise ValueError
    except ValueError:
        r.bad(f"`pick={shorten(text)}` is not a start point of this map; allowed: x,y with x from {x0:g} to "
              f"{x1:g} and y from {y0:g} to {y1:g}. No start point picked.")
        return None
    return x, y

"""The Sweep page's state and its URL: which optimizer, which grid, which outcome, which cell.

Plain Python (no Streamlit), like :mod:`ui.urlstate`, whose reader and set-up encoding it reuses:
reading a link never raises, each unusable parameter adds one sentence and falls back to the
default. Layout::

    objective=rosenbrock  objective.a=1  x0=-1.5  y0=2  steps=500  tol=1e-06  criterion=loss_gap
    opt=rmsprop  flavor=torch  rmsprop.eps=1e-08 ...     the optimizer and the settings held fixed
    second=decay                                          the y-axis hyperparameter ("lr_y", or "none")
    lr.min=0.0001  lr.max=1  lr.n=60                      learning rates, log-spaced
    second.min=0  second.max=0.999  second.n=60           second values, 1 - value log-spaced (lr_y: log-spaced)
    zoom=0.001,0.002,0.9,0.95  zoom=...                   the zoom trail, each window inside the one before
    outcome=final_loss  cell=12,40                        what is coloured; the picked cell (row, col)

``second=lr_y`` maps per-coordinate learning rates: x's learning rate across, y's own (``lr_y``) up.
The map shown is the last zoom window's, at ``lr.n`` x ``second.n`` (see :mod:`ui.sweep.zoom`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

import optim
from optim import Param
from viz.sweepaxes import LOG, axis_kind, spaced

from ..model import (
    OptConfig,
    PlaygroundState,
    Setup,
    effective_flavor,
    make_config,
    setup_for_objective,
    with_lr_y,
)
from ..urlstate import (
    QueryDict,
    QueryReader,
    decode_flavor,
    decode_hyperparameters,
    decode_setup,
    encode_setup,
    fmt,
    shorten,
    warn_flavor_mismatch,
    warn_unknown,
)
from .zoom import ZoomWindow, check_window, parse_window, window_text

AXIS_MAX = 512
"""Most values per axis: a 512 x 512 map, as in Sohl-Dickstein (2024); the run-step budget
(``optim.MAX_RUN_STEPS``, 512 x 512 x 100 steps) may refuse less."""

OUTCOMES = ("final_loss", "best_loss", "steps", "diverged", "speed")
PER_COORDINATE = "lr_y"
"""The second axis of a map of per-coordinate learning rates: y's own learning rate."""
SECOND_OPTIONS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999,
                  0.9995, 0.9999, 0.99999)
"""Values the second-hyperparameter range slider offers (dense towards 1, where they matter)."""


def second_choices(name: str, flavor: str) -> list[str]:
    """Hyperparameters that can be the y-axis: linear ones in [0, 1), the spec's ``second`` first, then
    ``lr_y`` (y's own learning rate) where the optimizer offers it.

    Example:
        >>> second_choices("adam", "torch"), second_choices("gd", "textbook")
        (['beta1', 'beta2', 'lr_y'], ['lr_y'])
    """
    spec = optim.OPTIMIZERS[name]
    params = spec.params(flavor)
    names = [n for n, p in params.items() if p.scale == "linear" and p.low == 0 and p.high < 1]  # the slider's 0..1
    if spec.second in names:
        names.remove(spec.second)
        names.insert(0, spec.second)
    if spec.lr_y(flavor) is not None:
        names.append(PER_COORDINATE)
    return names


def default_second(choices: list[str]) -> str | None:
    """The y-axis a map starts with: the first momentum-like choice, or none (one row of learning rates)."""
    return next((n for n in choices if n != PER_COORDINATE), None)


def second_param(name: str, flavor: str, second: str) -> Param:
    """The swept second hyperparameter's spec (``lr_y``'s is the learning rate's range)."""
    spec = optim.OPTIMIZERS[name]
    return spec.lr_y(flavor) if second == PER_COORDINATE else spec.params(flavor)[second]


@dataclass(frozen=True)
class SweepState:
    """What the Sweep page shows; ``config`` holds the optimizer and the values of the settings held fixed."""

    setup: Setup = field(default_factory=lambda: replace(setup_for_objective(Setup(), "rosenbrock"), steps=500,
                                                         tol=1e-4, criterion="loss_gap"))
    config: OptConfig = field(default_factory=lambda: make_config("sgd"))
    second: str | None = "momentum"
    lr_min: float = 1e-5
    lr_max: float = 0.01
    lr_n: int = 60
    second_min: float = 0.0
    second_max: float = 0.999
    second_n: int = 60
    outcome: str = "final_loss"
    cell: tuple[int, int] | None = None
    zoom: tuple[ZoomWindow, ...] = ()
    """The zoom trail: windows ``(lr low, lr high, second low, second high)``, each inside the one before."""

    @property
    def root(self) -> ZoomWindow:
        """The unzoomed map's window: the sidebar's ranges."""
        return (self.lr_min, self.lr_max, self.second_min, self.second_max)

    @property
    def window(self) -> ZoomWindow:
        """The window of the map shown: the last zoom level's, or the root's."""
        return self.zoom[-1] if self.zoom else self.root

    @property
    def can_zoom(self) -> bool:
        """Whether the map has two or more values along each axis (a zoom needs a rectangle)."""
        return self.second is not None and min(self.shape) >= 2

    def lr_values(self) -> np.ndarray:
        """The learning rates, log-spaced across the window (one value when its ends are equal)."""
        lo, hi = self.window[:2]
        return spaced(lo, hi, 1 if lo == hi else self.lr_n, LOG)

    def second_values(self) -> np.ndarray | None:
        """The second hyperparameter's values across the window (``1 - value`` log-spaced; ``lr_y``
        log-spaced), or None without one."""
        if self.second is None:
            return None
        lo, hi = self.window[2:]
        return spaced(lo, hi, 1 if lo == hi else self.second_n, axis_kind(self.second))

    @property
    def shape(self) -> tuple[int, int]:
        s = self.second_values()
        return (1 if s is None else len(s)), len(self.lr_values())

    def cell_config(self, row: int, col: int) -> OptConfig:
        """The full configuration of one cell: the fixed settings plus that cell's lr and second value."""
        hp = dict(self.config.hp)
        hp["lr"] = float(self.lr_values()[col])
        second = self.second_values()
        if second is not None and self.second != PER_COORDINATE:
            hp[self.second] = float(second[row])
        cfg = replace(self.config, hp=tuple(hp.items()))
        return with_lr_y(cfg, float(second[row])) if self.second == PER_COORDINATE else cfg

    def playground(self, row: int, col: int) -> PlaygroundState:
        """The Playground state that replays one cell: same objective, start, steps and tolerance."""
        cfg = self.cell_config(row, col)
        return PlaygroundState(setup=replace(self.setup, noise=0.0, seed=0), flavor=cfg.flavor, optimizers=(cfg,))

    def fixed(self) -> dict:
        """Settings every cell shares (all but lr and the swept one)."""
        return {n: v for n, v in self.config.hp if n not in ("lr", self.second)}


def default_sweep() -> SweepState:
    """Heavy-ball SGD on Rosenbrock, 60 learning rates x 60 momenta, 500 steps.

    Plain momentum shows the classic picture: the largest stable learning rate falls as momentum
    rises (roughly as 1 - momentum), so the stability edge runs diagonally across the map.
    """
    return SweepState()


def encode_sweep(state: SweepState) -> dict[str, list[str]]:
    """The Sweep page's state as query parameters (see the module docstring)."""
    out = encode_setup(state.setup)
    out.pop("noise", None)
    out.pop("seed", None)
    cfg = state.config
    out["opt"] = [cfg.name]
    out["flavor"] = [cfg.flavor]
    out.update({f"{cfg.name}.{n}": [fmt(v)] for n, v in state.fixed().items()})
    out["second"] = [state.second or "none"]
    out.update({"lr.min": [fmt(state.lr_min)], "lr.max": [fmt(state.lr_max)], "lr.n": [fmt(state.lr_n)]})
    if state.second is not None:
        out.update({"second.min": [fmt(state.second_min)], "second.max": [fmt(state.second_max)],
                    "second.n": [fmt(state.second_n)]})
    if state.zoom:
        out["zoom"] = [window_text(w) for w in state.zoom]
    out["outcome"] = [state.outcome]
    if state.cell is not None:
        out["cell"] = [f"{state.cell[0]},{state.cell[1]}"]
    return out


def _range(r: QueryReader, prefix: str, param: Param, lo, hi, n, what: str) -> tuple[float, float, int]:
    """Read ``prefix.min``, ``prefix.max`` and ``prefix.n``; an empty range falls back to the defaults."""
    a = r.value(f"{prefix}.min", param, lo)
    b = r.value(f"{prefix}.max", param, hi)
    count = r.value(f"{prefix}.n", Param(f"{prefix}.n", n, 1, AXIS_MAX, "linear", ""), n, integer=True)
    if a > b:
        r.bad(f"`{prefix}.min={fmt(a)}` is above `{prefix}.max={fmt(b)}`, so the {what} range is empty; "
              f"it needs min ≤ max. Using {fmt(lo)} to {fmt(hi)} instead.")
        a, b = lo, hi
    return float(a), float(b), int(count)


def decode_sweep(query: QueryDict) -> tuple[SweepState, list[str]]:
    """Read a Sweep state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_sweep({"opt": ["adam"], "lr.n": ["0"], "second": ["beta2"]})
        >>> state.config.name, state.second, state.lr_n, messages
        ('adam', 'beta2', 60, ['`lr.n=0`: 0 is out of range; allowed: a whole number from 1 to 512. Using 60 instead.'])
    """
    default = default_sweep()
    r = QueryReader(query)
    setup = replace(decode_setup(r, default.setup), noise=0.0, seed=0)
    name = r.raw("opt")
    if name is not None and name not in optim.OPTIMIZERS:
        r.bad(f"`opt={shorten(name)}` is not an optimizer this app knows; allowed: {', '.join(optim.OPTIMIZERS)}. "
              f"Using {default.config.name} instead.")
        name = None
    name = name or default.config.name
    flavor = decode_flavor(r)
    flavor = effective_flavor(name, flavor or "textbook")
    same = (name, flavor) == (default.config.name, default.config.flavor)
    base = default.config if same else make_config(name, flavor)
    choices = second_choices(name, flavor)
    first = default_second(choices)  # None: the map may be one row of learning rates
    second = r.raw("second")
    if second is None:
        second = first
    elif second == "none" and first is None:
        second = None
    elif second not in choices:
        allowed = ", ".join((["none"] if first is None else []) + choices)
        if not choices:
            allowed = "none (this optimizer has no second hyperparameter)"
        r.bad(f"`second={shorten(second)}` cannot be swept for {optim.OPTIMIZERS[name].title}; allowed: {allowed}. "
              f"Using {first or 'none'} instead.")
        second = first
    # Swept settings are not in the link; keep them from reading as unknown if present.
    for swept in ("lr", second):
        if swept is not None:
            r.raw(f"{name}.{swept}")
    cfg = decode_hyperparameters(r, name, base, per_coordinate=False)  # lr_y is an axis here, never held fixed
    warn_flavor_mismatch(r, name, name, flavor)
    lr_param = optim.OPTIMIZERS[name].params(flavor)["lr"]
    lr_min, lr_max, lr_n = _range(r, "lr", lr_param, default.lr_min, default.lr_max, default.lr_n,
                                  "learning-rate")
    s_min, s_max, s_n = default.second_min, default.second_max, default.second_n
    if second is not None:
        if second == PER_COORDINATE:  # y's learning rate: the same range as x's unless the link says otherwise
            s_min, s_max = lr_min, lr_max
        s_min, s_max, s_n = _range(r, "second", second_param(name, flavor, second), s_min, s_max, s_n, second)
    outcome = r.raw("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        r.bad(f"`outcome={shorten(outcome)}` is not allowed; allowed: {', '.join(OUTCOMES)}. Using final_loss instead.")
        outcome = None
    state = SweepState(setup, cfg, second, lr_min, lr_max, lr_n, s_min, s_max, s_n, outcome or "final_loss")
    state = replace(state, zoom=_zoom_trail(r, state))
    cell = r.raw("cell")
    if cell is not None:
        rows, cols = state.shape
        try:
            row, col = (int(v) for v in cell.split(","))
            if not (0 <= row < rows and 0 <= col < cols):
                raise ValueError
            state = replace(state, cell=(row, col))
        except ValueError:
            r.bad(f"`cell={shorten(cell)}` is not a cell of this {rows} x {cols} grid; allowed: row,column with "
                  f"row 0 to {rows - 1} and column 0 to {cols - 1}. No cell picked.")
    warn_unknown(r)
    return state, r.messages


def _zoom_trail(r: QueryReader, state: SweepState) -> tuple[ZoomWindow, ...]:
    """The link's ``zoom=`` windows, each checked against the one before; the trail stops at the first bad one."""
    trail: list[ZoomWindow] = []
    for text in r.all("zoom") if r.has("zoom") else []:
        try:
            if not state.can_zoom:
                raise ValueError("zooming needs a map with at least two values along each axis")
            window = parse_window(text)
            check_window(window, trail[-1] if trail else state.root, state.second)
        except ValueError as e:
            shown = f"zoom level {len(trail)}" if trail else "the whole map"
            r.bad(f"`zoom={shorten(text)}`: {str(e).rstrip('.')}. Showing {shown} instead.")
            break
        trail.append(window)
    return tuple(trail)

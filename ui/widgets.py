"""Widgets generated from parameter specs (``optim.Param``), so the UI only offers valid values.

Log-scale parameters (learning rates, epsilon, curvatures) get a slider over log-spaced
values; linear ones a number box bounded by the spec's range; whole numbers (``int``) a
number box stepping by one; flags a checkbox; a ``choice`` of a few words a segmented
control. Each widget's help is the spec's help plus its range, and every widget is keyed so
the page's state (``ui.state``) can seed it from a link.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import streamlit as st

import optim
from optim import Param

from .model import OptConfig, with_lr_y
from .state import seed

# Roughly geometric steps within a decade (ten per decade), and a coarser set for wide ranges.
FINE = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
COARSE = (1, 3)

LABELS = {
    "lr": "Learning rate",
    "momentum": "Momentum",
    "dampening": "Dampening",
    "nesterov": "Nesterov momentum",
    "decay": "Decay (β)",
    "eps": "Epsilon",
    "eps_in_sqrt": "Epsilon inside the square root",
    "centered": "Centered",
    "beta1": "β₁ (first-moment decay)",
    "beta2": "β₂ (second-moment decay)",
    "amsgrad": "AMSGrad",
    "weight_decay": "Weight decay",
    "initial_accumulator": "Initial accumulator",
    "lr_decay": "Learning-rate decay",
    "bias_correction": "Bias correction",
    "momentum_decay": "Momentum decay (ψ)",
    "eps_root": "Epsilon inside the root",
    "initial_accumulator_value": "Initial moments",
    "damping": "Damping (Levenberg)",
    "history_size": "History size (pairs kept)",
    "line_search": "Strong-Wolfe line search",
    "max_eval": "Most evaluations per step",
    "eta_minus": "η₋ (shrink on a sign flip)",
    "eta_plus": "η₊ (grow while the sign holds)",
    "step_min": "Smallest step size",
    "step_max": "Largest step size",
    "lambd": "λ (decay of the rate)",
    "power": "Power of the rate's decay",
    "t0": "t₀ (averaging starts)",
    "beta2_decay": "β₂ decay exponent",
    "eps1": "ε₁ (squared-gradient floor)",
    "eps2": "ε₂ (smallest parameter scale)",
    "clip_threshold": "Update clipping threshold",
    "param_scale": "Step relative to the parameters' size",
    "min_dim_to_factor": "Factor matrices from this size",
    "ns_steps": "Newton-Schulz steps",
    "match_rms_adamw": "Match AdamW's update size",
    "warmup_steps": "Warm-up steps",
    "weight_lr_power": "Averaging weight power (lr^r)",
    "step_size": "Steps between decays",
    "gamma": "Decay factor γ",
    "t_max": "Steps to the minimum (T_max)",
    "eta_min": "Lowest learning rate (η_min)",
    "t_0": "Steps to the first restart (T₀)",
    "t_mult": "Cycle growth (T_mult)",
    "start_factor": "Start factor",
    "end_factor": "End factor",
    "total_iters": "Steps of the change",
    "max_lr": "Peak learning rate",
    "total_steps": "Cycle length (steps)",
    "pct_start": "Share of the cycle rising",
    "anneal_strategy": "Anneal",
    "cycle_momentum": "Cycle momentum / β₁",
    "base_momentum": "Momentum at the peak",
    "max_momentum": "Momentum at the ends",
    "div_factor": "Start divisor",
    "final_div_factor": "Final divisor",
    "three_phase": "Three phases",
    "factor": "Reduction factor",
    "patience": "Patience (steps)",
    "threshold": "Improvement threshold",
    "threshold_mode": "Threshold mode",
    "cooldown": "Cooldown (steps)",
    "min_lr": "Lowest learning rate",
    "a": "a", "b": "b", "A": "A",
    "condition": "Condition number",
    "angle": "Angle (degrees)",
}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def fmt_number(v: float) -> str:
    """A number for people: up to 6 significant digits.

    Example:
        >>> fmt_number(0.1), fmt_number(1e-08), fmt_number(0.0123456789)
        ('0.1', '1e-08', '0.0123457')
    """
    return f"{v:.6g}"


@lru_cache(maxsize=256)
def log_options(low: float, high: float, value: float | None = None) -> tuple[float, ...]:
    """Log-spaced values from ``low`` to ``high`` (both included), plus ``value`` if off the grid (cached:
    every rerun asks for the same few).

    Example:
        >>> log_options(1e-3, 1)[:5]
        (0.001, 0.0012, 0.0015, 0.002, 0.0025)
        >>> 0.0123 in log_options(1e-3, 1, 0.0123)
        True
    """
    lo, hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
    mantissas = FINE if hi - lo <= 8 else COARSE
    grid = {float(f"{m}e{e}") for e in range(lo, hi + 1) for m in mantissas}
    grid = {v for v in grid if low <= v <= high} | {float(low), float(high)}
    if value is not None and low <= value <= high:
        grid.add(float(value))
    out: dict[str, float] = {}
    for v in sorted(grid):  # one option per label, the exact value winning
        out.setdefault(fmt_number(v), v)
    if value is not None:
        out[fmt_number(value)] = float(value)
    return tuple(sorted(out.values()))


def help_text(p: Param) -> str:
    if p.is_bool or p.scale == "choice":
        return p.help
    return f"{p.help} Range: {p.low:g} to {p.high:g}{' (log scale)' if p.scale == 'log' else ''}."


def param_widget(p: Param, key: str, value, *, text: str | None = None):
    """One widget for ``p``, seeded with ``value`` unless the person already set it; returns its value."""
    seed(key, value)
    caption = text or label(p.name)
    if p.is_bool:
        return bool(st.checkbox(caption, key=key, help=help_text(p)))
    if p.scale == "choice":
        if st.session_state[key] not in p.choices:
            st.session_state[key] = p.default
        return st.segmented_control(caption, list(p.choices), key=key, required=True, help=help_text(p)) or p.default
    if p.scale == "log":
        current = st.session_state[key]
        if not (isinstance(current, (int, float)) and p.low <= current <= p.high):
            st.session_state[key] = current = p.default
        options = log_options(p.low, p.high, current)
        return float(st.select_slider(caption, options=options, key=key,
                                             format_func=fmt_number, help=help_text(p)))
    if p.scale == "int":
        return int(number_box(caption, int(p.low), int(p.high), step=1, key=key, help=help_text(p)))
    step = _step(p)
    return float(number_box(caption, float(p.low), float(p.high), step=step, format="%g", key=key,
                            help=help_text(p)))


def number_box(label: str, low, high, *, key: str, where=None, **kwargs):
    """``st.number_input`` on ``key``, told the value the key holds as its default as well; returns its value.

    Every number box here gets its value from the page's state (:func:`ui.state.seed`, a link) through Session
    State. Given no default, Streamlit's box starts at its minimum and shows it for a frame or two before the value
    it holds (on every page load the start box read -100 before the link's -2); told the held value, it shows that
    from its first frame. ``low`` decides the type: whole numbers for an int, floats otherwise. ``where``: the
    column or container to draw in (the current one by default). The default stays inside the box's range
    (Streamlit refuses one outside it), whatever the key holds."""
    held = st.session_state.get(key, low)
    value = min(max(int(held) if isinstance(low, int) else float(held), low), high)
    return (where or st).number_input(label, low, high, value=value, key=key, **kwargs)


def _step(p: Param) -> float:
    if p.high <= 1.0:
        return 0.01
    span = p.high - p.low
    return float(10 ** math.floor(math.log10(span / 100)))


PRIMARY = frozenset({"lr", "decay", "beta1", "beta2"})


def is_primary(optimizer: str, param: str) -> bool:
    """The settings people reach for first (momentum for the momentum family); the rest sit behind "More settings"."""
    return param in PRIMARY or (param == "momentum" and optim.OPTIMIZERS[optimizer].family == "momentum")


def hyperparameter_widgets(cfg: OptConfig, key_prefix: str, *, more: str | None = None,
                           per_coordinate: bool = True) -> OptConfig:
    """Widgets for every hyperparameter of ``cfg``'s optimizer and flavor; returns the edited config.

    Values live under ``{key_prefix}.{param}``, so they survive a change of flavor when
    the new flavor has the same setting. With ``more`` (a label), secondary settings go into
    an expander with that label (not possible inside another expander). ``per_coordinate``
    offers y its own learning rate (:func:`lr_y_widgets`) where the optimizer allows it.
    """
    params = optim.OPTIMIZERS[cfg.name].params(cfg.flavor)
    current = cfg.hyperparameters
    order = [n for n, p in params.items() if not p.is_bool] + [n for n, p in params.items() if p.is_bool]
    first = [n for n in order if more is None or is_primary(cfg.name, n)]
    rest = [n for n in order if n not in first]
    values = {}

    def draw(names):
        for name in names:
            values[name] = param_widget(params[name], f"{key_prefix}.{name}",
                                        current.get(name, params[name].default))

    draw(first)
    lr_y = lr_y_widgets(cfg, key_prefix) if per_coordinate else None
    if rest:
        with st.expander(more):
            draw(rest)
    return with_lr_y(replace(cfg, hp=tuple((n, values[n]) for n in params)), lr_y)


def lr_y_widgets(cfg: OptConfig, key_prefix: str) -> float | None:
    """A checkbox giving y its own learning rate (``lr_y``), and its slider when ticked; returns lr_y or None.

    Offered where the optimizer steps each coordinate on its own gradients (``OptimizerSpec.lr_y``). A
    configuration that comes with ``lr_y`` (a link, a Sweep cell of per-coordinate learning rates) opens ticked.
    """
    param = optim.OPTIMIZERS[cfg.name].lr_y(cfg.flavor)
    if param is None:
        return None
    seed(f"{key_prefix}.lr_y_on", cfg.get("lr_y") is not None)
    on = st.checkbox("y has its own learning rate", key=f"{key_prefix}.lr_y_on",
                     help="Per-coordinate learning rates: the learning rate above steps x, and lr_y steps y.")
    if not on:
        return None
    lr = cfg.get("lr")
    return param_widget(param, f"{key_prefix}.lr_y", cfg.get("lr_y") if cfg.get("lr_y") is not None else lr,
                        text="Learning rate for y (lr_y)")


def set_hyperparameter_widgets(cfg: OptConfig, key_prefix: str) -> None:
    """Put ``cfg``'s values into its hyperparameter widgets (``{key_prefix}.{param}``), for a callback that
    changed the configuration behind them (a new flavor brings that library's defaults)."""
    for name, value in cfg.hp:
        st.session_state[f"{key_prefix}.{name}"] = value


def objective_param_widgets(name: str, params: dict, key_prefix: str) -> dict:
    """Widgets for objective ``name``'s parameters (none for most functions)."""
    specs = optim.OBJECTIVES[name].param_specs
    return {
        pname: param_widget(spec, f"{key_prefix}.{name}.{pname}", params.get(pname, spec.default))
        for pname, spec in specs.items()
    }


def tidy_selection(key: str, most: int) -> None:
    """Callback for a multiselect with ``max_selections=most``: keep each choice once, and at most ``most``.

    The browser sends neither, but a crafted message can: Streamlit stops the page on more than
    ``most`` choices, and a repeated optimizer would draw its settings widgets twice (the same keys).
    Callbacks run before the widget checks its value, so this is the one place to fix it.
    """
    chosen = st.session_state[key]
    tidy = list(dict.fromkeys(chosen))[:most]
    if tidy != chosen:
        st.session_state[key] = tidy


def optimizer_title(name: str) -> str:
    return optim.OPTIMIZERS[name].title


def objective_title(name: str) -> str:
    return optim.OBJECTIVES[name].title


FLAVOR_HELP = (
    "Whose semantics to follow: textbook (the seed articles' formulas), or PyTorch, Keras or "
    "Optax. Libraries differ in details that change a path, such as where epsilon sits and the "
    "accumulator's first value; the defaults change with the flavor too."
)
FLAVOR_TITLES = {"textbook": "Textbook", "torch": "PyTorch", "keras": "Keras", "optax": "Optax"}

"""Optimizer specifications: everything about an optimizer in one place.

An :class:`OptimizerSpec` says, per flavor, which hyperparameters that library
offers, its defaults, and a ``build`` function; and, for everything that shows
the optimizer, its update equations, which buffers its state keeps and what
they mean, how the teaching views read them, and its colour. Widgets, the
LaTeX, the Inside page and the anatomy charts read the spec; :func:`problems`
names whatever a spec leaves out.

``build(**hyperparameters)`` returns a :class:`Rule`: a pair of pure functions
in the style of optax, ``init(params, **extras) -> state`` and
``step(params, grads, state, **extras) -> (params, state)``, over parameters
laid out coordinate-first, shape ``(P, B)`` (P = 2 for the 2-D objectives). A
rule returns new parameters rather than an update so it can follow its
library's order of floating-point operations exactly.

``Rule.needs`` names the extras a rule wants; for each name the runner passes
that keyword to BOTH ``init`` and ``step``:

- ``layout``: a tuple of tensor shapes (row-major) partitioning axis 0 of the
  parameters, ``((2,),)`` for a 2-D objective; rules that work per tensor
  (Adafactor, LAMB, Muon) use it.
- ``closure``: ``closure(params) -> (loss (B,), grads (P, B))`` at any
  parameters (L-BFGS's line search).
- ``hessian``: ``hessian(params) -> (P, P, B)`` (Newton's method).

State fields of shape ``(1, B)`` are per-run records of each step (L-BFGS's
function evaluations, Newton's smallest Hessian eigenvalue); the runner keeps
them in ``Trajectory.records``.

Per-coordinate learning rate: optimizers whose spec is ``coordinatewise`` (each
coordinate's step depends only on that coordinate's own gradients) also take
``lr_y``, the y coordinate's own learning rate. The rule is then built with
``lr`` of shape ``(2, B)`` (or ``(2, 1)`` for one run), from
:func:`per_coordinate_lr`, so every rule must let ``lr`` broadcast against
coordinate-first parameters. An optimizer that couples the coordinates (a norm
or a matrix over them, a line search, a Hessian) leaves ``coordinatewise`` off
and refuses ``lr_y``: there one coordinate's rate would change the other's path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from .params import Param

FLAVORS = ("textbook", "torch", "keras", "optax")
NEEDS = ("layout", "closure", "hessian")
"""The extras a :class:`Rule` may ask the runner for (see the module docstring)."""
FAMILIES = ("gradient", "momentum", "adaptive", "curvature")
"""What an optimizer's memory is about: nothing, past gradients, per-coordinate scales, curvature."""

# One definition per canonical hyperparameter; optimizers pick and re-default them.
HYPERPARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("lr", 0.01, 1e-6, 10.0, "log", "Learning rate: the step size."),
        Param("momentum", 0.0, 0.0, 0.9999, "linear",
              "Momentum: the fraction of the previous velocity kept each step."),
        Param("dampening", 0.0, 0.0, 1.0, "linear",
              "Dampening: scales the new gradient's share of the momentum buffer by (1 - dampening)."),
        Param("nesterov", False, scale="bool",
              help="Nesterov momentum: look ahead along the velocity before stepping."),
        Param("decay", 0.9, 0.0, 0.9999, "linear",
              "Decay of the squared-gradient average (RMSprop's beta, gamma, alpha or rho)."),
        Param("eps", 1e-8, 1e-16, 10.0, "log", "Epsilon: keeps the denominator away from zero."),
        Param("eps_in_sqrt", True, scale="bool",
              help="Epsilon inside the square root, sqrt(v + eps), rather than sqrt(v) + eps."),
        Param("centered", False, scale="bool",
              help="Centered: divide by the gradient's estimated variance instead of its mean square."),
        Param("beta1", 0.9, 0.0, 0.9999, "linear", "Decay of the first moment (the gradient's average)."),
        Param("beta2", 0.999, 0.0, 0.99999, "linear",
              "Decay of the second moment (the squared gradient's average)."),
        Param("amsgrad", False, scale="bool",
              help="AMSGrad: divide by the largest second moment seen so far."),
        Param("weight_decay", 0.0, 0.0, 1.0, "linear",
              "Weight decay: pulls the parameters toward zero each step."),
        Param("initial_accumulator", 0.0, 0.0, 1000.0, "linear",
              "The squared-gradient accumulator's starting value."),
        Param("lr_decay", 0.0, 0.0, 1.0, "linear",
              "Learning-rate decay: lr / (1 + (t - 1) lr_decay)."),
        Param("bias_correction", True, scale="bool",
              help="Bias correction: divide the average by (1 - beta^t) so early steps are not too small."),
        Param("decoupled_weight_decay", False, scale="bool",
              help="Decoupled weight decay: shrink the parameters by lr * weight_decay instead of adding "
                   "weight_decay * x to the gradient."),
        Param("momentum_decay", 0.004, 0.0, 1.0, "linear",
              "NAdam's momentum schedule: mu_t = beta1 (1 - 0.96^(t psi) / 2)."),
        Param("eps_root", 0.0, 0.0, 1.0, "linear",
              "Epsilon added inside the square root (optax's eps_root): sqrt(v + eps_root) + eps."),
        Param("initial_accumulator_value", 1e-6, 0.0, 1.0, "linear",
              "Yogi's starting value of both moments."),
        Param("damping", 0.0, 0.0, 1000.0, "linear",
              "Levenberg damping: Newton divides by the Hessian plus damping times the identity; "
              "larger values take shorter, more gradient-like steps."),
        Param("history_size", 100, 1, 100, "linear",
              "How many recent (step, gradient change) pairs L-BFGS keeps to estimate the curvature."),
        Param("line_search", False, scale="bool",
              help="Strong-Wolfe line search (torch's line_search_fn='strong_wolfe') instead of a fixed step."),
        Param("max_eval", 1, 1, 100, "linear",
              "Most function evaluations in one L-BFGS step (torch: max_iter * 5 // 4, which is 1 for max_iter=1); "
              "the line search may use all but the first."),
        Param("eta_minus", 0.5, 0.01, 0.9999, "linear",
              "Rprop: factor a step size shrinks by when the gradient flips sign."),
        Param("eta_plus", 1.2, 1.0001, 5.0, "linear",
              "Rprop: factor a step size grows by when the gradient keeps its sign."),
        Param("step_min", 1e-6, 1e-12, 1.0, "log", "Rprop: smallest step size."),
        Param("step_max", 50.0, 1e-3, 1000.0, "log", "Rprop: largest step size."),
        Param("lambd", 1e-4, 0.0, 1.0, "linear", "ASGD: decay term; eta_t = lr / (1 + lambd lr t)^power."),
        Param("power", 0.75, 0.0, 2.0, "linear", "ASGD: the power of eta's decay (torch's alpha)."),
        Param("t0", 1e6, 0.0, 1e6, "linear", "ASGD: the step at which averaging of the iterates starts."),
        Param("beta2_decay", -0.8, -1.0, 0.0, "linear",
              "Adafactor: the squared-gradient average decays by 1 - t^beta2_decay, rising toward 1."),
        Param("eps1", 1e-30, 1e-40, 1e-3, "log", "Adafactor: regularizer of the squared gradient."),
        Param("eps2", 1e-3, 0.0, 1.0, "linear", "Adafactor: the smallest parameter scale a relative step uses."),
        Param("clip_threshold", 1.0, 1e-3, 100.0, "log", "Adafactor: the update is clipped to this RMS."),
        Param("param_scale", True, scale="bool",
              help="Adafactor: scale the step by the parameters' RMS (a relative step)."),
        Param("min_dim_to_factor", 128, 1, 100000, "linear",
              "Adafactor (optax): factor a matrix's second moment only if its two largest sides are this long."),
        Param("ns_steps", 5, 1, 10, "linear", "Muon: Newton-Schulz steps that orthogonalise each update."),
        Param("rms_rate", 0.2, 1e-3, 10.0, "log",
              "Muon (Keras): scale each update by rms_rate sqrt(max(rows, columns)) to match AdamW's size."),
        Param("warmup_steps", 0, 0, 10000, "linear",
              "Schedule-free AdamW (Keras): the rate rises linearly from 0 to lr over this many steps."),
        Param("weight_lr_power", 2.0, 0.0, 10.0, "linear",
              "Schedule-free AdamW (optax): step t counts lr^power in the average of z."),
        Param("match_rms_adamw", False, scale="bool",
              help="Muon: scale lr by 0.2 sqrt(max(rows, columns)) to match AdamW's update size "
                   "(torch's adjust_lr_fn='match_rms_adamw') instead of sqrt(max(1, rows/columns))."),
    ]
}


LR_Y_HELP = "The y coordinate's own learning rate; unset, lr applies to both coordinates."


def per_coordinate_lr(lr, lr_y) -> np.ndarray:
    """``lr`` for x and ``lr_y`` for y as one array of shape ``(2, B)``, or ``(2, 1)`` for scalars.

    Example:
        >>> per_coordinate_lr(0.1, 0.5).tolist()
        [[0.1], [0.5]]
        >>> per_coordinate_lr(np.array([0.1, 0.2]), 0.5).tolist()
        [[0.1, 0.2], [0.5, 0.5]]
    """
    lr, lr_y = np.broadcast_arrays(np.asarray(lr, dtype=np.float64), np.asarray(lr_y, dtype=np.float64))
    return np.stack((lr, lr_y)).reshape(2, -1)


class Rule(NamedTuple):
    """An optimizer's pure functions over coordinate-first parameters ``(P, B)``.

    ``needs`` names the extras (from :data:`NEEDS`) the runner passes as keywords to both
    ``init`` and ``step``.
    """

    init: Callable[..., Any]
    step: Callable[..., tuple[np.ndarray, Any]]
    effective_lr: Callable[[Any], np.ndarray] | None = None
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Flavor:
    """One library's version of an optimizer: its hyperparameters, defaults and rule."""

    build: Callable[..., Rule]
    params: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    cost: Callable[[dict], float] | None = None
    """Work of one run-step next to a plain batched rule's (about Adam's), from the hyperparameters;
    None is 1. The run-step budget of sweeps, basin maps and tuning scales with it."""


class Unset:
    """The value of a spec field nobody filled in (:func:`optim.speccheck.problems` names it)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


@dataclass(frozen=True)
class View:
    """How the teaching views show one buffer of an optimizer's state.

    ``read(value, hyperparameters, t)`` turns the buffer after step t (t = 1..S as a column)
    into what is drawn, for example Adam's m into m-hat = m / (1 - beta1^t); ``symbol`` is its
    name as the equations write it, or a function of the hyperparameters giving it.
    """

    field: str
    symbol: str | Callable[[dict], str]
    read: Callable[[np.ndarray, dict, np.ndarray], np.ndarray] | None = None

    def show(self, value: np.ndarray, hp: dict, t: np.ndarray) -> tuple[np.ndarray, str]:
        """(values to draw, symbol) for the buffer ``value`` of shape (S, ...) under ``hp``."""
        shown = value if self.read is None else self.read(value, hp, t)
        return shown, self.symbol(hp) if callable(self.symbol) else self.symbol


def debiased(field: str, beta: str, symbol: str) -> View:
    """A view of an average bias-corrected as the update uses it: value / (1 - hp[beta]^t)."""
    return View(field, symbol, lambda v, hp, t: v / (1 - float(hp[beta]) ** t))


@dataclass(frozen=True)
class OptimizerSpec:
    """Everything about one optimizer: flavors, hyperparameters, equations, buffers, colour.

    Fields after ``second`` describe the optimizer for the pages: ``equations(flavor, hp)``
    returns its update as lines in :mod:`optim.equations`' language (and notes);
    ``state_fields`` maps each equation variable kept between steps to the rule's state
    field; ``tex`` gives the LaTeX of equation variables the shared vocabulary lacks;
    ``buffers`` says what each per-coordinate state buffer means; ``average`` and ``squares``
    (:class:`View` or None) are the running average of gradients and the memory of squared
    gradients the Inside page draws; ``family`` is one of :data:`FAMILIES`; ``color`` is its
    ``#rrggbb`` colour in every chart.

    Example:
        >>> import optim
        >>> spec = optim.OPTIMIZERS["rmsprop"]
        >>> sorted(spec.flavors)
        ['keras', 'optax', 'textbook', 'torch']
        >>> spec.params("torch")["decay"].default
        0.99
        >>> spec.buffers["sq_avg"]
        'v: the decaying average of squared gradients.'
    """

    name: str
    title: str
    summary: str
    flavors: dict[str, Flavor]
    second: str | None = None
    """The hyperparameter that matters most after lr; sweeps and fair tuning vary the two."""
    coordinatewise: bool = False
    """Each coordinate's step depends only on its own gradients, so the optimizer offers ``lr_y``."""
    equations: Callable[[str, dict], tuple[list, list[str]]] = UNSET
    state_fields: dict[str, str] = UNSET
    buffers: dict[str, str] = UNSET
    average: View | None = UNSET
    squares: View | None = UNSET
    family: str = UNSET
    color: str = UNSET
    tex: dict[str, str] = field(default_factory=dict)
    notes: Callable[[Any], list[str]] | None = None
    """Sentences about one run for the page (Newton: where the Hessian was not positive definite)."""

    def params(self, flavor: str = "textbook") -> dict[str, Param]:
        """The hyperparameters ``flavor`` offers, with that flavor's defaults."""
        fl = self.flavors[flavor]
        return {
            n: replace(HYPERPARAMETERS[n], default=fl.defaults.get(n, HYPERPARAMETERS[n].default))
            for n in fl.params
        }

    def lr_y(self, flavor: str = "textbook") -> Param | None:
        """The ``lr_y`` hyperparameter (lr's range and scale; unset by default), or None where it is not offered.

        Example:
            >>> import optim
            >>> optim.OPTIMIZERS["adam"].lr_y().describe_range()
            'a number from 1e-06 to 10'
        """
        if not self.coordinatewise or "lr" not in self.flavors[flavor].params:
            return None
        return replace(HYPERPARAMETERS["lr"], name="lr_y", default=None, help=LR_Y_HELP)

    @property
    def default_flavor(self) -> str:
        """textbook where the optimizer has it, else its first flavor (L-BFGS has only torch's)."""
        return "textbook" if "textbook" in self.flavors else next(iter(self.flavors))


def zeros(p: np.ndarray) -> np.ndarray:
    return np.zeros_like(p)


def pick(flag, yes: Callable[[], Any], no: Callable[[], Any]):
    """``yes()`` or ``no()`` for a scalar flag; elementwise for a per-run bool array."""
    if flag is True or flag is False:
        return yes() if flag else no()
    return np.where(flag, yes(), no())


def is_zero(v) -> bool:
    """True when a hyperparameter (scalar or per-run array) is zero for every run.

    Rules ask it at every step; a plain number is answered without NumPy (``np.any`` on a float costs
    microseconds, a few milliseconds over a path of a few hundred steps). NaN is not zero either way.

    Example:
        >>> is_zero(0.0), is_zero(-0.0), is_zero(1e-300), is_zero(float("nan")), is_zero(np.zeros(3))
        (True, True, False, False, True)
    """
    if isinstance(v, (int, float)):
        return v == 0
    return not np.any(v)


def lerp(start, end, weight):
    """``torch.lerp``: the same two formulas, chosen by the weight, for the same rounding."""
    if np.ndim(weight) == 0:
        if abs(weight) < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1 - weight)
    return np.where(
        np.abs(weight) < 0.5, start + weight * (end - start), end - (end - start) * (1 - weight)
    )

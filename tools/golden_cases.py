"""The golden cases of the 2-D optimizer fixtures, as data: which library runs which optimizer how.

``tools/make_golden.py`` runs every case here with the real library and writes the trajectories to
``tests/golden/<fixture>.json``. A case names the libraries that run it, the canonical optimizer, a short
label (part of the case id ``<fixture>/<optimizer>/<label>/<objective>``), the objective (its parameters
and start point are in ``OBJECTIVES``) and ONLY the canonical hyperparameters passed explicitly:
everything else is the library's default, so the fixtures also pin the core's flavor defaults. A case
the libraries share is one row; a fixture's cases are the rows naming its library, in table order (the
order of the fixture file).

Two tables: ``CASES`` for ``torch.json``, ``keras.json`` and ``optax.json`` (the optimizers all three
libraries had first), ``NEW_CASES`` for ``<library>-optimizers.json`` (the optimizers of issue 14:
Adafactor, Rprop, ASGD, Muon, L-BFGS, Lion, Yogi, AdaBelief, ...), one block per library.

>>> [c.label for c in cases("keras")][:2]
['lr-only', 'lr-only']
"""

from __future__ import annotations

from dataclasses import dataclass, field

LIBRARIES = ("torch", "keras", "optax")
ALL = " ".join(LIBRARIES)

OBJECTIVES = {
    "rosenbrock": ({}, (-1.5, 2.0)),
    "quadratic": ({"a": 1.0, "b": 10.0}, (1.5, 1.5)),
    "beale": ({}, (1.0, 1.5)),
    "himmelblau": ({}, (-1.0, 0.5)),
}
"""Objective name -> (objective parameters, start point): the same for every case and library."""

CANONICAL = {
    "lr", "momentum", "dampening", "nesterov", "decay", "eps", "eps_in_sqrt", "centered", "beta1", "beta2",
    "amsgrad", "weight_decay", "initial_accumulator", "lr_decay", "bias_correction", "momentum_decay",
    # the optimizers of issue 14
    "eps_root", "initial_accumulator_value", "eta_minus", "eta_plus", "step_min", "step_max", "lambd", "power",
    "t0", "history_size", "line_search", "max_eval", "beta2_decay", "eps1", "eps2", "clip_threshold",
    "param_scale", "min_dim_to_factor", "ns_steps", "match_rms_adamw", "warmup_steps", "weight_lr_power",
    "rms_rate",
}
"""The core's hyperparameter names (``make_optimizer(name, flavor=..., **these)``); a fixture lists any other
name a case passes (a library option the core leaves out) under ``noncanonical``."""


@dataclass(frozen=True)
class Case:
    """One trajectory to record: ``optimizer`` with ``hp`` on ``objective``, by each of ``libraries``."""

    libraries: tuple[str, ...]
    optimizer: str        # canonical optimizer name
    label: str            # short description, part of the case id
    objective: str
    hp: dict = field(default_factory=dict)  # canonical hyperparameters, as passed
    note: str = ""        # a quirk worth a sentence in the fixture


def case(libraries: str, optimizer: str, label: str, objective: str = "rosenbrock", note: str = "", **hp) -> Case:
    """A table row: ``libraries`` is a space-separated list of library names."""
    return Case(tuple(libraries.split()), optimizer, label, objective, hp, note)


# Label "lr-only" = only a learning rate given, all else default.
CASES = [
    case(ALL, "gd", "lr-only", lr=5e-4),
    case(ALL, "gd", "lr-only", "quadratic", lr=0.01),
    case("torch", "gd", "lr-only", "beale", lr=0.01),
    case(ALL, "gd", "lr-only", "himmelblau", lr=0.01),

    case(ALL, "sgd", "lr-only", lr=5e-4),
    case(ALL, "sgd", "momentum", lr=1e-4, momentum=0.9),
    case("torch", "sgd", "momentum+dampening", lr=1e-4, momentum=0.9, dampening=0.5),
    case(ALL, "sgd", "nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    case("torch keras", "sgd", "weight_decay", lr=5e-4, weight_decay=0.5),
    case("torch keras", "sgd", "momentum+weight_decay", lr=1e-4, momentum=0.9, weight_decay=0.5),
    case("torch keras", "sgd", "nesterov+weight_decay", lr=1e-4, momentum=0.8, nesterov=True, weight_decay=0.5),
    case("torch", "sgd", "momentum+dampening+weight_decay", lr=2e-4, momentum=0.7, dampening=0.3, weight_decay=0.2),
    case(ALL, "sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),
    case(ALL, "sgd", "nesterov", "quadratic", lr=0.02, momentum=0.9, nesterov=True),
    case("torch", "sgd", "momentum+dampening", "himmelblau", lr=0.005, momentum=0.9, dampening=0.9),
    case(ALL, "sgd", "momentum", "beale", lr=0.002, momentum=0.9),

    case("optax", "ewma_momentum", "momentum", lr=0.002, momentum=0.9),
    case("optax", "ewma_momentum", "no-bias_correction", lr=0.002, momentum=0.9, bias_correction=False),
    case("optax", "ewma_momentum", "bias_correction", lr=0.002, momentum=0.5, bias_correction=True),
    case("optax", "ewma_momentum", "momentum", "quadratic", lr=0.05, momentum=0.9),
    case("optax", "ewma_momentum", "no-bias_correction", "himmelblau", lr=0.01, momentum=0.8, bias_correction=False),

    case(ALL, "adagrad", "lr-only", lr=0.1),
    case("torch", "adagrad", "lr_decay", lr=0.2, lr_decay=0.05),
    case(ALL, "adagrad", "initial_accumulator", lr=0.1, initial_accumulator=100.0),
    case("keras optax", "adagrad", "initial_accumulator-zero", lr=0.1, initial_accumulator=0.0),
    case("keras optax", "adagrad", "eps", "quadratic", lr=0.5, eps=5.0),
    case("torch keras", "adagrad", "weight_decay", lr=0.1, weight_decay=0.5),
    case("torch", "adagrad", "eps", "quadratic", lr=0.5, eps=5.0),
    case("torch", "adagrad", "all", lr=0.3, lr_decay=0.01, initial_accumulator=1.0, weight_decay=0.1, eps=1e-3),
    case(ALL, "adagrad", "lr-only", "quadratic", lr=0.5),
    case(ALL, "adagrad", "lr-only", "himmelblau", lr=0.5),

    case("keras optax", "rmsprop", "lr-only", lr=5e-4),
    case("keras optax", "rmsprop", "decay", lr=0.005, decay=0.99),
    case("torch", "rmsprop", "lr-only", lr=0.005),
    case("torch", "rmsprop", "decay", lr=0.01, decay=0.999),
    case("torch", "rmsprop", "centered", lr=0.005, centered=True),
    case("optax", "rmsprop", "eps_in_sqrt-false", "quadratic", lr=0.05, eps=3.0, eps_in_sqrt=False),
    case("optax", "rmsprop", "eps", "quadratic", lr=0.05, eps=3.0),
    case("keras optax", "rmsprop", "centered", lr=2e-4, centered=True),
    case("optax", "rmsprop", "centered+eps_in_sqrt-false", "quadratic", lr=0.05, centered=True, eps=3.0,
         eps_in_sqrt=False),
    case(ALL, "rmsprop", "momentum", lr=0.002, momentum=0.9),
    case("optax", "rmsprop", "momentum+nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    case(ALL, "rmsprop", "centered+momentum", lr=0.002, centered=True, momentum=0.9),
    case("torch", "rmsprop", "weight_decay", lr=0.01, weight_decay=0.5),
    case("torch keras", "rmsprop", "eps", "quadratic", lr=0.05, eps=3.0),
    case("torch", "rmsprop", "all", lr=0.001, decay=0.95, eps=1e-3, centered=True, momentum=0.5, weight_decay=0.1),
    case("keras", "rmsprop", "centered+eps", "quadratic", lr=0.05, centered=True, eps=3.0),
    case("keras", "rmsprop", "weight_decay", lr=3e-4, weight_decay=0.5),
    case("optax", "rmsprop", "centered+momentum+nesterov", lr=3e-5, centered=True, momentum=0.9, nesterov=True),
    case("optax", "rmsprop", "initial_accumulator", lr=5e-4, initial_accumulator=1000.0),
    case("optax", "rmsprop", "bias_correction", lr=5e-4, bias_correction=True),
    case("optax", "rmsprop", "centered+bias_correction", "quadratic", lr=0.02, centered=True, bias_correction=True,
         eps=1.0, note="step 1 has nu_hat - mu_hat**2 == 0, so the first update is lr * g / sqrt(eps)"),
    case(ALL, "rmsprop", "lr-only", "quadratic", lr=0.02),
    case("keras optax", "rmsprop", "centered", "beale", lr=0.003, centered=True),
    case("torch", "rmsprop", "centered", "beale", lr=0.01, centered=True),

    case("torch", "adadelta", "lr-only", lr=0.4),
    case("keras", "adadelta", "lr-only", lr=2.0),
    case("optax", "adadelta", "lr-only", lr=0.3),
    case("optax", "adadelta", "defaults-no-lr", "quadratic",
         note="optax.adadelta() has learning_rate=None: no lr scaling AND no sign flip, "
              "so apply_updates moves UPHILL (gradient ascent)"),
    case(ALL, "adadelta", "decay", lr=2.0, decay=0.5),
    case(ALL, "adadelta", "eps", lr=1.0, eps=1e-3),
    case("torch optax", "adadelta", "weight_decay", lr=0.5, weight_decay=0.5),
    case("keras", "adadelta", "weight_decay", lr=0.5, weight_decay=0.02),
    case(ALL, "adadelta", "lr-only", "quadratic", lr=10.0),
    case("torch optax", "adadelta", "decay+eps", "himmelblau", lr=1.0, decay=0.95, eps=1e-2),
    case("keras", "adadelta", "decay+eps", "himmelblau", lr=1.0, decay=0.9, eps=1e-2),

    case(ALL, "adam", "lr-only", lr=0.02),
    case(ALL, "adam", "betas", lr=0.02, beta1=0.5, beta2=0.99),
    case("torch", "adam", "beta1-only", lr=0.02, beta1=0.8),
    case(ALL, "adam", "eps", "quadratic", lr=0.05, eps=2.0),
    case("optax", "adam", "nesterov", lr=0.02, nesterov=True, note="optax.adam(nesterov=True) is optax.nadam"),
    case("optax", "adam", "eps_root", "quadratic", lr=0.05, eps_root=1.0),
    case(ALL, "adam", "amsgrad", lr=0.02, amsgrad=True),
    case(ALL, "adam", "amsgrad+betas", lr=0.02, amsgrad=True, beta1=0.8, beta2=0.95),
    case("torch keras", "adam", "weight_decay", lr=0.02, weight_decay=0.5),
    case("torch keras", "adam", "weight_decay+amsgrad", lr=0.02, weight_decay=0.5, amsgrad=True),
    case("torch", "adam", "decoupled_weight_decay", lr=0.02, weight_decay=0.5, decoupled_weight_decay=True,
         note="torch Adam(decoupled_weight_decay=True) is AdamW"),
    case("optax", "adam", "amsgrad+eps", "quadratic", lr=0.05, amsgrad=True, eps=2.0),
    case("optax", "adam", "amsgrad+no-bias_correction", lr=0.02, amsgrad=True, bias_correction=False,
         note="bias_correction=False -> bias_correction_mu=False, bias_correction_nu=False"),
    case(ALL, "adam", "lr-only", "quadratic", lr=0.05),
    case(ALL, "adam", "lr-only", "beale", lr=0.02),
    case(ALL, "adam", "lr-only", "himmelblau", lr=0.05),

    case(ALL, "adamw", "lr-only", lr=0.02),
    case(ALL, "adamw", "weight_decay", lr=0.02, weight_decay=0.5),
    case("torch", "adamw", "no-weight_decay", lr=0.02, weight_decay=0.0),
    case("torch keras", "adamw", "amsgrad", lr=0.02, amsgrad=True),
    case("torch", "adamw", "amsgrad+weight_decay", lr=0.02, amsgrad=True, weight_decay=0.3),
    case("optax", "adamw", "nesterov", lr=0.02, weight_decay=0.5, nesterov=True,
         note="optax.adamw(nesterov=True) is optax.nadamw"),
    case(ALL, "adamw", "betas+eps", lr=0.02, beta1=0.7, beta2=0.99, eps=1e-3),
    case(ALL, "adamw", "weight_decay", "quadratic", lr=0.05, weight_decay=1.0),
    case("torch", "adamw", "lr-only", "himmelblau", lr=0.05),

    case(ALL, "nadam", "lr-only", lr=0.02),
    case(ALL, "nadam", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    case("keras optax", "nadam", "eps", "quadratic", lr=0.05, eps=2.0),
    case("torch", "nadam", "momentum_decay", lr=0.02, momentum_decay=0.05),
    case("torch", "nadam", "momentum_decay-zero", lr=0.02, momentum_decay=0.0),
    case("torch keras", "nadam", "weight_decay", lr=0.02, weight_decay=0.5),
    case("torch", "nadam", "decoupled_weight_decay", lr=0.02, weight_decay=0.5, decoupled_weight_decay=True),
    case("torch", "nadam", "eps", "quadratic", lr=0.05, eps=2.0),
    case(ALL, "nadam", "lr-only", "quadratic", lr=0.05),
    case(ALL, "nadam", "lr-only", "himmelblau", lr=0.05),

    case(ALL, "adamax", "lr-only", lr=0.02),
    case(ALL, "adamax", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    case(ALL, "adamax", "eps", "quadratic", lr=0.05, eps=2.0),
    case("torch keras", "adamax", "weight_decay", lr=0.02, weight_decay=0.5),
    case("optax", "adamax", "weight_decay", lr=0.02, weight_decay=0.5,
         note="adamax with weight_decay is optax.adamaxw"),
    case(ALL, "adamax", "lr-only", "quadratic", lr=0.05),
    case(ALL, "adamax", "lr-only", "beale", lr=0.02),

    case("torch optax", "radam", "lr-only", lr=1e-3),
    case("torch optax", "radam", "betas", lr=1e-3, beta1=0.8, beta2=0.99),
    case("torch optax", "radam", "eps", "quadratic", lr=0.02, eps=2.0),
    case("optax", "radam", "nesterov", lr=1e-3, nesterov=True),
    case("optax", "radam", "threshold", "quadratic", lr=0.02, threshold=20.0),
    case("torch optax", "radam", "never-rectified", "quadratic", lr=0.01, beta2=0.6,
         note="beta2=0.6 gives rho_inf=4 < 5: every step is the un-rectified one"),
    case("torch", "radam", "weight_decay", lr=1e-3, weight_decay=0.5),
    case("torch", "radam", "decoupled_weight_decay", lr=1e-3, weight_decay=0.5, decoupled_weight_decay=True),
    case("torch optax", "radam", "lr-only", "quadratic", lr=0.02),
    case("torch optax", "radam", "lr-only", "himmelblau", lr=0.01),
]

NEW_CASES = [
    # torch-optimizers.json
    case("torch", "rprop", "lr-only", lr=0.01),
    case("torch", "rprop", "etas+step_sizes", lr=0.02, eta_minus=0.3, eta_plus=1.5, step_min=1e-4, step_max=0.5),
    case("torch", "rprop", "lr-only", "quadratic", lr=0.1),
    case("torch", "rprop", "step_max", "himmelblau", lr=0.05, step_max=0.2),
    case("torch", "asgd", "lr-only", lr=5e-4),
    case("torch", "asgd", "lambd+power", lr=5e-4, lambd=0.01, power=0.5),
    case("torch", "asgd", "t0+weight_decay", "quadratic", lr=0.02, t0=20.0, weight_decay=0.1),
    case("torch", "asgd", "all", "himmelblau", lr=0.005, lambd=0.001, power=1.0, t0=50.0, weight_decay=0.01),
    case("torch", "adafactor", "lr-only", "beale", lr=0.01),
    case("torch", "adafactor", "beta2_decay+eps", "quadratic", lr=0.05, beta2_decay=-0.5, eps1=1e-10, eps2=1e-2),
    case("torch", "adafactor", "clip_threshold+weight_decay", "beale", lr=0.02, clip_threshold=2.0, weight_decay=0.1),
    case("torch", "muon", "lr-only", "quadratic", lr=0.01),
    case("torch", "muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False, weight_decay=0.0),
    case("torch", "muon", "ns_steps+eps+weight_decay", "himmelblau", lr=0.02, ns_steps=3, eps=1e-5, weight_decay=0.01),
    case("torch", "muon", "match_rms_adamw", "beale", lr=0.01, match_rms_adamw=True),
    case("torch", "lbfgs", "history_size", "quadratic", lr=0.5, history_size=5),
    case("torch", "lbfgs", "lr+history_size", "himmelblau", lr=0.2, history_size=10),
    case("torch", "lbfgs", "strong_wolfe", "quadratic", line_search=True, max_eval=25),
    case("torch", "lbfgs", "strong_wolfe+history_size", "beale", line_search=True, max_eval=10, history_size=3),
    case("torch", "lbfgs", "strong_wolfe-one-eval", "himmelblau", lr=0.1, line_search=True,
         note="max_eval 1 (torch's default for max_iter=1): one trial step, kept only if the loss fell"),

    # keras-optimizers.json
    case("keras", "muon", "lr-only", "quadratic", lr=0.01),
    case("keras", "muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False, weight_decay=0.0),
    case("keras", "muon", "ns_steps+rms_rate+weight_decay", "himmelblau", lr=0.02, ns_steps=3, rms_rate=0.5,
         weight_decay=0.01),
    case("keras", "schedule_free_adamw", "lr-only", "quadratic", lr=0.05),
    case("keras", "schedule_free_adamw", "betas+eps", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-6),
    case("keras", "schedule_free_adamw", "warmup+weight_decay", "himmelblau", lr=0.05, warmup_steps=20,
         weight_decay=0.01),
    case("keras", "lamb", "lr-only", "quadratic", lr=0.01),
    case("keras", "lamb", "betas+eps", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-4),
    case("keras", "lamb", "weight_decay", "himmelblau", lr=0.01, weight_decay=0.1),
    case("keras", "adafactor", "lr-only", "beale", lr=0.01),
    case("keras", "adafactor", "beta2_decay+eps", "quadratic", lr=0.05, beta2_decay=-0.5, eps1=1e-10, eps2=1e-2),
    case("keras", "adafactor", "clip_threshold+weight_decay", "beale", lr=0.02, clip_threshold=0.5, weight_decay=0.1),
    case("keras", "lion", "lr-only", lr=1e-3),
    case("keras", "lion", "betas", lr=1e-3, beta1=0.8, beta2=0.95),
    case("keras", "lion", "weight_decay", "quadratic", lr=0.01, weight_decay=0.5),
    case("keras", "lion", "lr-only", "himmelblau", lr=0.01),

    # optax-optimizers.json
    case("optax", "adafactor", "lr", "beale", lr=0.01),
    case("optax", "adafactor", "beta2_decay+eps+clip", "quadratic", lr=0.05, beta2_decay=-0.65, eps1=1e-10,
         clip_threshold=0.5),
    case("optax", "adafactor", "no-param_scale", "himmelblau", lr=0.05, param_scale=False),
    case("optax", "adafactor", "momentum+weight_decay", "himmelblau", lr=0.005, momentum=0.9, weight_decay=0.1,
         note="dtype_momentum float64: optax's default keeps the momentum in float32, which the core does not model"),
    case("optax", "lion", "lr-only", lr=1e-3),
    case("optax", "lion", "betas+no-weight_decay", lr=1e-3, beta1=0.8, beta2=0.95, weight_decay=0.0),
    case("optax", "lion", "weight_decay", "quadratic", lr=0.01, weight_decay=0.5),
    case("optax", "muon", "lr", "quadratic", lr=0.01),
    case("optax", "muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False),
    case("optax", "muon", "ns_steps+eps+weight_decay", "himmelblau", lr=0.02, ns_steps=3, eps=1e-5, weight_decay=0.01),
    case("optax", "lamb", "lr-only", "quadratic", lr=0.01),
    case("optax", "lamb", "betas+eps+eps_root", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-4, eps_root=1e-8),
    case("optax", "lamb", "weight_decay", "beale", lr=0.005, weight_decay=0.1),
    case("optax", "schedule_free_adamw", "lr-only", "quadratic", lr=0.05),
    case("optax", "schedule_free_adamw", "betas+eps+power", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-6,
         weight_lr_power=1.0),
    case("optax", "schedule_free_adamw", "weight_decay", "himmelblau", lr=0.05, weight_decay=0.01),
    case("optax", "yogi", "lr-only", lr=0.02),
    case("optax", "yogi", "betas+eps", "quadratic", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-2),
    case("optax", "yogi", "initial_accumulator_value", "himmelblau", lr=0.05, initial_accumulator_value=0.5,
         note="optax.yogi fixes it at 1e-6; the case runs scale_by_yogi directly"),
    case("optax", "adabelief", "lr-only", lr=0.02),
    case("optax", "adabelief", "betas+eps", "quadratic", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8, eps_root=1e-10),
    case("optax", "adabelief", "nesterov", "himmelblau", lr=0.05, nesterov=True),
    case("optax", "rprop", "lr-only", lr=0.01),
    case("optax", "rprop", "etas+step_sizes", lr=0.02, eta_minus=0.3, eta_plus=1.5, step_min=1e-4, step_max=0.5),
    case("optax", "rprop", "lr-only", "quadratic", lr=0.1),
]


def cases(fixture: str) -> list[Case]:
    """The cases of ``tests/golden/<fixture>.json`` (``torch`` ... ``optax-optimizers``), in the file's order."""
    library, _, kind = fixture.partition("-")
    table = {"": CASES, "optimizers": NEW_CASES}[kind]
    return [c for c in table if library in c.libraries]

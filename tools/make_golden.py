#!/usr/bin/env python3
"""Record float64 optimizer trajectories from PyTorch, Keras and Optax as golden fixtures.

Descent Lab's NumPy core (``optim``) re-implements the optimizers of three
libraries ("flavors").  This script runs the *real* libraries on the project's
2-D objectives and writes what they did to

    tests/golden/torch.json   (torch.optim, CPU, float64)
    tests/golden/keras.json   (Keras 3 on the torch backend, floatx float64)
    tests/golden/optax.json   (Optax on JAX with jax_enable_x64)

so the core can be tested for parity against them.  Every trajectory isolates
optimizer semantics: the gradient handed to the library at every step is
exactly ``optim.get_objective(name, **params).grad(x)`` evaluated by NumPy at
the library's current float64 parameters; the library only updates the
parameters.  Each trajectory is x0 plus STEPS updates (STEPS + 1 points).

Each case records the canonical optimizer name, the flavor, ONLY the canonical
hyperparameters that were passed explicitly (everything else is the library's
default, so the fixtures also pin the core's flavor defaults), the native call
for humans, and the trajectory ``xs`` written with ``repr`` precision (JSON
floats round-trip float64 exactly).  Optional fields: ``noncanonical`` lists
hyperparameter names outside the project's canonical list; ``note`` explains a
quirk; ``code_path`` names the library code that ran (torch: single-tensor /
foreach / fused kernel; keras: the torch-backend class).  ``sensitivity`` is
max_t |x'_t - x_t| / |x'_0 - x_0| for x0 nudged by 1e-12: how much last-bit
rounding differences can grow along that path (cases above MAX_GAIN, i.e.
chaotic zig-zags in a valley, are rejected).  A straightforward float64 NumPy
re-implementation of the update rules stayed within 1e-13 * max(1, sensitivity)
of every trajectory here, so an absolute tolerance of 1e-12 * max(1, sensitivity)
is a tight but safe parity test.

How to run -- from the repository root, with a virtualenv kept OUTSIDE the
repository (install torch first so nothing pulls another torch build):

    python3 -m venv /work/golden-venv
    /work/golden-venv/bin/pip install torch==2.13.0
    /work/golden-venv/bin/pip install keras==3.15.1 optax==0.2.8 \\
        jax==0.10.2 jaxlib==0.10.2 numpy
    PYTHONPATH=. /work/golden-venv/bin/python tools/make_golden.py
    PYTHONPATH=. /work/golden-venv/bin/python tools/make_golden.py torch   # one library only
    PYTHONPATH=. /work/golden-venv/bin/python tools/make_golden.py torch-network   # a network (golden_network.py)

The versions above are the ones the committed fixtures were made with; the
script refuses other versions unless given ``--any-version``.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Both must be set before keras / jax are imported anywhere.
os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import golden_optimizers
import numpy as np

from optim import get_objective

STEPS = 200
PERTURBATION = np.array([1e-12, -1e-12])
MAX_GAIN = 1e3
OUT_DIR = Path("tests/golden")
VERSIONS = {"torch": "2.13.0", "keras": "3.15.1", "optax": "0.2.8", "jax": "0.10.2"}

# objective name -> (objective params, start point)
OBJECTIVES = {
    "rosenbrock": ({}, (-1.5, 2.0)),
    "quadratic": ({"a": 1.0, "b": 10.0}, (1.5, 1.5)),
    "beale": ({}, (1.0, 1.5)),
    "himmelblau": ({}, (-1.0, 0.5)),
}

# The core's canonical hyperparameter names (make_optimizer(name, flavor=..., **these)).
CANONICAL = {
    "lr", "momentum", "dampening", "nesterov", "decay", "eps", "eps_in_sqrt",
    "centered", "beta1", "beta2", "amsgrad", "weight_decay", "initial_accumulator",
    "lr_decay", "bias_correction", "momentum_decay",
}


@dataclass(frozen=True)
class Case:
    optimizer: str        # canonical optimizer name
    label: str            # short description, part of the case id
    objective: str
    hp: dict = field(default_factory=dict)  # canonical hyperparameters, as passed
    note: str = ""


def C(optimizer, label, objective="rosenbrock", note="", **hp):
    return Case(optimizer, label, objective, hp, note)


# --------------------------------------------------------------------------
# Case tables.  Label "lr-only" = only a learning rate given, all else default.
# --------------------------------------------------------------------------

TORCH_CASES = [
    C("gd", "lr-only", lr=5e-4),
    C("gd", "lr-only", "quadratic", lr=0.01),
    C("gd", "lr-only", "beale", lr=0.01),
    C("gd", "lr-only", "himmelblau", lr=0.01),

    C("sgd", "lr-only", lr=5e-4),
    C("sgd", "momentum", lr=1e-4, momentum=0.9),
    C("sgd", "momentum+dampening", lr=1e-4, momentum=0.9, dampening=0.5),
    C("sgd", "nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    C("sgd", "weight_decay", lr=5e-4, weight_decay=0.5),
    C("sgd", "momentum+weight_decay", lr=1e-4, momentum=0.9, weight_decay=0.5),
    C("sgd", "nesterov+weight_decay", lr=1e-4, momentum=0.8, nesterov=True, weight_decay=0.5),
    C("sgd", "momentum+dampening+weight_decay", lr=2e-4, momentum=0.7, dampening=0.3,
      weight_decay=0.2),
    C("sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),
    C("sgd", "nesterov", "quadratic", lr=0.02, momentum=0.9, nesterov=True),
    C("sgd", "momentum+dampening", "himmelblau", lr=0.005, momentum=0.9, dampening=0.9),
    C("sgd", "momentum", "beale", lr=0.002, momentum=0.9),

    C("adagrad", "lr-only", lr=0.1),
    C("adagrad", "lr_decay", lr=0.2, lr_decay=0.05),
    C("adagrad", "initial_accumulator", lr=0.1, initial_accumulator=100.0),
    C("adagrad", "weight_decay", lr=0.1, weight_decay=0.5),
    C("adagrad", "eps", "quadratic", lr=0.5, eps=5.0),
    C("adagrad", "all", lr=0.3, lr_decay=0.01, initial_accumulator=1.0, weight_decay=0.1,
      eps=1e-3),
    C("adagrad", "lr-only", "quadratic", lr=0.5),
    C("adagrad", "lr-only", "himmelblau", lr=0.5),

    C("rmsprop", "lr-only", lr=0.005),
    C("rmsprop", "decay", lr=0.01, decay=0.999),
    C("rmsprop", "centered", lr=0.005, centered=True),
    C("rmsprop", "momentum", lr=0.002, momentum=0.9),
    C("rmsprop", "centered+momentum", lr=0.002, centered=True, momentum=0.9),
    C("rmsprop", "weight_decay", lr=0.01, weight_decay=0.5),
    C("rmsprop", "eps", "quadratic", lr=0.05, eps=3.0),
    C("rmsprop", "all", lr=0.001, decay=0.95, eps=1e-3, centered=True, momentum=0.5,
      weight_decay=0.1),
    C("rmsprop", "lr-only", "quadratic", lr=0.02),
    C("rmsprop", "centered", "beale", lr=0.01, centered=True),

    C("adadelta", "lr-only", lr=0.4),
    C("adadelta", "decay", lr=2.0, decay=0.5),
    C("adadelta", "eps", lr=1.0, eps=1e-3),
    C("adadelta", "weight_decay", lr=0.5, weight_decay=0.5),
    C("adadelta", "lr-only", "quadratic", lr=10.0),
    C("adadelta", "decay+eps", "himmelblau", lr=1.0, decay=0.95, eps=1e-2),

    C("adam", "lr-only", lr=0.02),
    C("adam", "betas", lr=0.02, beta1=0.5, beta2=0.99),
    C("adam", "beta1-only", lr=0.02, beta1=0.8),
    C("adam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adam", "amsgrad", lr=0.02, amsgrad=True),
    C("adam", "amsgrad+betas", lr=0.02, amsgrad=True, beta1=0.8, beta2=0.95),
    C("adam", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adam", "weight_decay+amsgrad", lr=0.02, weight_decay=0.5, amsgrad=True),
    C("adam", "decoupled_weight_decay", lr=0.02, weight_decay=0.5, decoupled_weight_decay=True,
      note="torch Adam(decoupled_weight_decay=True) is AdamW"),
    C("adam", "lr-only", "quadratic", lr=0.05),
    C("adam", "lr-only", "beale", lr=0.02),
    C("adam", "lr-only", "himmelblau", lr=0.05),

    C("adamw", "lr-only", lr=0.02),
    C("adamw", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adamw", "no-weight_decay", lr=0.02, weight_decay=0.0),
    C("adamw", "amsgrad", lr=0.02, amsgrad=True),
    C("adamw", "amsgrad+weight_decay", lr=0.02, amsgrad=True, weight_decay=0.3),
    C("adamw", "betas+eps", lr=0.02, beta1=0.7, beta2=0.99, eps=1e-3),
    C("adamw", "weight_decay", "quadratic", lr=0.05, weight_decay=1.0),
    C("adamw", "lr-only", "himmelblau", lr=0.05),

    C("nadam", "lr-only", lr=0.02),
    C("nadam", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("nadam", "momentum_decay", lr=0.02, momentum_decay=0.05),
    C("nadam", "momentum_decay-zero", lr=0.02, momentum_decay=0.0),
    C("nadam", "weight_decay", lr=0.02, weight_decay=0.5),
    C("nadam", "decoupled_weight_decay", lr=0.02, weight_decay=0.5,
      decoupled_weight_decay=True),
    C("nadam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("nadam", "lr-only", "quadratic", lr=0.05),
    C("nadam", "lr-only", "himmelblau", lr=0.05),

    C("adamax", "lr-only", lr=0.02),
    C("adamax", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("adamax", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adamax", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adamax", "lr-only", "quadratic", lr=0.05),
    C("adamax", "lr-only", "beale", lr=0.02),

    C("radam", "lr-only", lr=1e-3),
    C("radam", "betas", lr=1e-3, beta1=0.8, beta2=0.99),
    C("radam", "eps", "quadratic", lr=0.02, eps=2.0),
    C("radam", "never-rectified", "quadratic", lr=0.01, beta2=0.6,
      note="beta2=0.6 gives rho_inf=4 < 5: every step is the un-rectified one"),
    C("radam", "weight_decay", lr=1e-3, weight_decay=0.5),
    C("radam", "decoupled_weight_decay", lr=1e-3, weight_decay=0.5,
      decoupled_weight_decay=True),
    C("radam", "lr-only", "quadratic", lr=0.02),
    C("radam", "lr-only", "himmelblau", lr=0.01),
]

KERAS_CASES = [
    C("gd", "lr-only", lr=5e-4),
    C("gd", "lr-only", "quadratic", lr=0.01),
    C("gd", "lr-only", "himmelblau", lr=0.01),

    C("sgd", "lr-only", lr=5e-4),
    C("sgd", "momentum", lr=1e-4, momentum=0.9),
    C("sgd", "nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    C("sgd", "weight_decay", lr=5e-4, weight_decay=0.5),
    C("sgd", "momentum+weight_decay", lr=1e-4, momentum=0.9, weight_decay=0.5),
    C("sgd", "nesterov+weight_decay", lr=1e-4, momentum=0.8, nesterov=True, weight_decay=0.5),
    C("sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),
    C("sgd", "nesterov", "quadratic", lr=0.02, momentum=0.9, nesterov=True),
    C("sgd", "momentum", "beale", lr=0.002, momentum=0.9),

    C("adagrad", "lr-only", lr=0.1),
    C("adagrad", "initial_accumulator", lr=0.1, initial_accumulator=100.0),
    C("adagrad", "initial_accumulator-zero", lr=0.1, initial_accumulator=0.0),
    C("adagrad", "eps", "quadratic", lr=0.5, eps=5.0),
    C("adagrad", "weight_decay", lr=0.1, weight_decay=0.5),
    C("adagrad", "lr-only", "quadratic", lr=0.5),
    C("adagrad", "lr-only", "himmelblau", lr=0.5),

    C("rmsprop", "lr-only", lr=5e-4),
    C("rmsprop", "decay", lr=0.005, decay=0.99),
    C("rmsprop", "centered", lr=2e-4, centered=True),
    C("rmsprop", "momentum", lr=0.002, momentum=0.9),
    C("rmsprop", "centered+momentum", lr=0.002, centered=True, momentum=0.9),
    C("rmsprop", "eps", "quadratic", lr=0.05, eps=3.0),
    C("rmsprop", "centered+eps", "quadratic", lr=0.05, centered=True, eps=3.0),
    C("rmsprop", "weight_decay", lr=3e-4, weight_decay=0.5),
    C("rmsprop", "lr-only", "quadratic", lr=0.02),
    C("rmsprop", "centered", "beale", lr=0.003, centered=True),

    C("adadelta", "lr-only", lr=2.0),
    C("adadelta", "decay", lr=2.0, decay=0.5),
    C("adadelta", "eps", lr=1.0, eps=1e-3),
    C("adadelta", "weight_decay", lr=0.5, weight_decay=0.02),
    C("adadelta", "lr-only", "quadratic", lr=10.0),
    C("adadelta", "decay+eps", "himmelblau", lr=1.0, decay=0.9, eps=1e-2),

    C("adam", "lr-only", lr=0.02),
    C("adam", "betas", lr=0.02, beta1=0.5, beta2=0.99),
    C("adam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adam", "amsgrad", lr=0.02, amsgrad=True),
    C("adam", "amsgrad+betas", lr=0.02, amsgrad=True, beta1=0.8, beta2=0.95),
    C("adam", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adam", "weight_decay+amsgrad", lr=0.02, weight_decay=0.5, amsgrad=True),
    C("adam", "lr-only", "quadratic", lr=0.05),
    C("adam", "lr-only", "beale", lr=0.02),
    C("adam", "lr-only", "himmelblau", lr=0.05),

    C("adamw", "lr-only", lr=0.02),
    C("adamw", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adamw", "amsgrad", lr=0.02, amsgrad=True),
    C("adamw", "betas+eps", lr=0.02, beta1=0.7, beta2=0.99, eps=1e-3),
    C("adamw", "weight_decay", "quadratic", lr=0.05, weight_decay=1.0),

    C("nadam", "lr-only", lr=0.02),
    C("nadam", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("nadam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("nadam", "weight_decay", lr=0.02, weight_decay=0.5),
    C("nadam", "lr-only", "quadratic", lr=0.05),
    C("nadam", "lr-only", "himmelblau", lr=0.05),

    C("adamax", "lr-only", lr=0.02),
    C("adamax", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("adamax", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adamax", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adamax", "lr-only", "quadratic", lr=0.05),
    C("adamax", "lr-only", "beale", lr=0.02),
]

OPTAX_CASES = [
    C("gd", "lr-only", lr=5e-4),
    C("gd", "lr-only", "quadratic", lr=0.01),
    C("gd", "lr-only", "himmelblau", lr=0.01),

    C("sgd", "lr-only", lr=5e-4),
    C("sgd", "momentum", lr=1e-4, momentum=0.9),
    C("sgd", "nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    C("sgd", "momentum", "quadratic", lr=0.02, momentum=0.8),
    C("sgd", "nesterov", "quadratic", lr=0.02, momentum=0.9, nesterov=True),
    C("sgd", "momentum", "beale", lr=0.002, momentum=0.9),

    C("ewma_momentum", "momentum", lr=0.002, momentum=0.9),
    C("ewma_momentum", "no-bias_correction", lr=0.002, momentum=0.9, bias_correction=False),
    C("ewma_momentum", "bias_correction", lr=0.002, momentum=0.5, bias_correction=True),
    C("ewma_momentum", "momentum", "quadratic", lr=0.05, momentum=0.9),
    C("ewma_momentum", "no-bias_correction", "himmelblau", lr=0.01, momentum=0.8,
      bias_correction=False),

    C("adagrad", "lr-only", lr=0.1),
    C("adagrad", "initial_accumulator", lr=0.1, initial_accumulator=100.0),
    C("adagrad", "initial_accumulator-zero", lr=0.1, initial_accumulator=0.0),
    C("adagrad", "eps", "quadratic", lr=0.5, eps=5.0),
    C("adagrad", "lr-only", "quadratic", lr=0.5),
    C("adagrad", "lr-only", "himmelblau", lr=0.5),

    C("rmsprop", "lr-only", lr=5e-4),
    C("rmsprop", "decay", lr=0.005, decay=0.99),
    C("rmsprop", "eps_in_sqrt-false", "quadratic", lr=0.05, eps=3.0, eps_in_sqrt=False),
    C("rmsprop", "eps", "quadratic", lr=0.05, eps=3.0),
    C("rmsprop", "centered", lr=2e-4, centered=True),
    C("rmsprop", "centered+eps_in_sqrt-false", "quadratic", lr=0.05, centered=True, eps=3.0,
      eps_in_sqrt=False),
    C("rmsprop", "momentum", lr=0.002, momentum=0.9),
    C("rmsprop", "momentum+nesterov", lr=1e-4, momentum=0.9, nesterov=True),
    C("rmsprop", "centered+momentum", lr=0.002, centered=True, momentum=0.9),
    C("rmsprop", "centered+momentum+nesterov", lr=3e-5, centered=True, momentum=0.9,
      nesterov=True),
    C("rmsprop", "initial_accumulator", lr=5e-4, initial_accumulator=1000.0),
    C("rmsprop", "bias_correction", lr=5e-4, bias_correction=True),
    C("rmsprop", "centered+bias_correction", "quadratic", lr=0.02, centered=True,
      bias_correction=True, eps=1.0,
      note="step 1 has nu_hat - mu_hat**2 == 0, so the first update is lr * g / sqrt(eps)"),
    C("rmsprop", "lr-only", "quadratic", lr=0.02),
    C("rmsprop", "centered", "beale", lr=0.003, centered=True),

    C("adadelta", "lr-only", lr=0.3),
    C("adadelta", "defaults-no-lr", "quadratic",
      note="optax.adadelta() has learning_rate=None: no lr scaling AND no sign flip, "
           "so apply_updates moves UPHILL (gradient ascent)"),
    C("adadelta", "decay", lr=2.0, decay=0.5),
    C("adadelta", "eps", lr=1.0, eps=1e-3),
    C("adadelta", "weight_decay", lr=0.5, weight_decay=0.5),
    C("adadelta", "lr-only", "quadratic", lr=10.0),
    C("adadelta", "decay+eps", "himmelblau", lr=1.0, decay=0.95, eps=1e-2),

    C("adam", "lr-only", lr=0.02),
    C("adam", "betas", lr=0.02, beta1=0.5, beta2=0.99),
    C("adam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adam", "nesterov", lr=0.02, nesterov=True, note="optax.adam(nesterov=True) is optax.nadam"),
    C("adam", "eps_root", "quadratic", lr=0.05, eps_root=1.0),
    C("adam", "amsgrad", lr=0.02, amsgrad=True),
    C("adam", "amsgrad+betas", lr=0.02, amsgrad=True, beta1=0.8, beta2=0.95),
    C("adam", "amsgrad+eps", "quadratic", lr=0.05, amsgrad=True, eps=2.0),
    C("adam", "amsgrad+no-bias_correction", lr=0.02, amsgrad=True, bias_correction=False,
      note="bias_correction=False -> bias_correction_mu=False, bias_correction_nu=False"),
    C("adam", "lr-only", "quadratic", lr=0.05),
    C("adam", "lr-only", "beale", lr=0.02),
    C("adam", "lr-only", "himmelblau", lr=0.05),

    C("adamw", "lr-only", lr=0.02),
    C("adamw", "weight_decay", lr=0.02, weight_decay=0.5),
    C("adamw", "nesterov", lr=0.02, weight_decay=0.5, nesterov=True,
      note="optax.adamw(nesterov=True) is optax.nadamw"),
    C("adamw", "betas+eps", lr=0.02, beta1=0.7, beta2=0.99, eps=1e-3),
    C("adamw", "weight_decay", "quadratic", lr=0.05, weight_decay=1.0),

    C("nadam", "lr-only", lr=0.02),
    C("nadam", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("nadam", "eps", "quadratic", lr=0.05, eps=2.0),
    C("nadam", "lr-only", "quadratic", lr=0.05),
    C("nadam", "lr-only", "himmelblau", lr=0.05),

    C("adamax", "lr-only", lr=0.02),
    C("adamax", "betas", lr=0.02, beta1=0.8, beta2=0.99),
    C("adamax", "eps", "quadratic", lr=0.05, eps=2.0),
    C("adamax", "weight_decay", lr=0.02, weight_decay=0.5,
      note="adamax with weight_decay is optax.adamaxw"),
    C("adamax", "lr-only", "quadratic", lr=0.05),
    C("adamax", "lr-only", "beale", lr=0.02),

    C("radam", "lr-only", lr=1e-3),
    C("radam", "betas", lr=1e-3, beta1=0.8, beta2=0.99),
    C("radam", "eps", "quadratic", lr=0.02, eps=2.0),
    C("radam", "nesterov", lr=1e-3, nesterov=True),
    C("radam", "threshold", "quadratic", lr=0.02, threshold=20.0),
    C("radam", "never-rectified", "quadratic", lr=0.01, beta2=0.6,
      note="beta2=0.6 gives rho_inf=4 < 5: every step is the un-rectified one"),
    C("radam", "lr-only", "quadratic", lr=0.02),
    C("radam", "lr-only", "himmelblau", lr=0.01),
]


# --------------------------------------------------------------------------
# Canonical -> native translation
# --------------------------------------------------------------------------

def _call(prefix: str, kwargs: dict) -> str:
    return f"{prefix}(" + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"


TORCH_CLASS = {
    "gd": "SGD", "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
    "adadelta": "Adadelta", "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam",
    "adamax": "Adamax", "radam": "RAdam",
}


def torch_native(optimizer: str, hp: dict):
    """(class name, kwargs) for torch.optim."""
    import torch

    cls = TORCH_CLASS[optimizer]
    hp = dict(hp)
    kw = {}
    if "beta1" in hp or "beta2" in hp:  # betas=(b1, b2); fill the other from the signature
        d1, d2 = inspect.signature(getattr(torch.optim, cls)).parameters["betas"].default
        kw["betas"] = (hp.pop("beta1", d1), hp.pop("beta2", d2))
    rename = {
        "decay": {"rmsprop": "alpha", "adadelta": "rho"}.get(optimizer, "decay"),
        "initial_accumulator": "initial_accumulator_value",
    }
    for k, v in hp.items():
        kw[rename.get(k, k)] = v
    return cls, kw


KERAS_CLASS = {
    "gd": "SGD", "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
    "adadelta": "Adadelta", "adam": "Adam", "adamw": "AdamW", "nadam": "Nadam",
    "adamax": "Adamax",
}
KERAS_RENAME = {
    "lr": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "eps": "epsilon",
    "decay": "rho", "initial_accumulator": "initial_accumulator_value",
}


def keras_native(optimizer: str, hp: dict):
    """(class name, kwargs) for keras.optimizers."""
    return KERAS_CLASS[optimizer], {KERAS_RENAME.get(k, k): v for k, v in hp.items()}


def optax_native(optimizer: str, hp: dict):
    """(optax.GradientTransformation, native call string)."""
    import optax

    hp = dict(hp)
    if optimizer == "ewma_momentum":
        lr, decay = hp.pop("lr"), hp.pop("momentum")
        ema_kw = {"decay": decay}
        if "bias_correction" in hp:
            ema_kw["debias"] = hp.pop("bias_correction")
        assert not hp, hp
        tx = optax.chain(optax.ema(**ema_kw), optax.scale(-lr))
        return tx, f"optax.chain({_call('optax.ema', ema_kw)}, optax.scale({-lr!r}))"

    fn = {"gd": "sgd"}.get(optimizer, optimizer)
    if optimizer == "adam" and hp.pop("amsgrad", False):
        fn = "amsgrad"
        if "bias_correction" in hp:
            bc = hp.pop("bias_correction")
            hp["bias_correction_mu"] = hp["bias_correction_nu"] = bc
    if optimizer == "adamax" and "weight_decay" in hp:
        fn = "adamaxw"
    rename = {
        "lr": "learning_rate", "beta1": "b1", "beta2": "b2",
        "decay": "rho" if optimizer == "adadelta" else "decay",
        "initial_accumulator": "initial_scale" if optimizer == "rmsprop"
        else "initial_accumulator_value",
    }
    kw = {rename.get(k, k): v for k, v in hp.items()}
    return getattr(optax, fn)(**kw), _call(f"optax.{fn}", kw)


# --------------------------------------------------------------------------
# Runners: one per library.  Each returns (xs, extra case fields).
# --------------------------------------------------------------------------

def _grad_fn(case: Case):
    params, _ = OBJECTIVES[case.objective]
    obj = get_objective(case.objective, **params)

    def grad(x: np.ndarray) -> np.ndarray:
        g = obj.grad(np.asarray(x, dtype=np.float64))
        assert g.dtype == np.float64 and g.shape == (2,), (g.dtype, g.shape)
        return np.ascontiguousarray(g)

    return grad


_TORCH_PATHS: list[str] = []


def _instrument_torch():
    """Wrap torch.optim's per-implementation kernels to record which one ran."""
    import importlib

    for mod_name in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "nadam", "adamax",
                     "radam"):
        mod = importlib.import_module(f"torch.optim.{mod_name}")
        for name, fn in list(vars(mod).items()):
            for prefix, path in (("_single_tensor_", "single_tensor"),
                                 ("_multi_tensor_", "foreach"), ("_fused_", "fused")):
                if name.startswith(prefix) and callable(fn) and not hasattr(fn, "_golden"):
                    def wrapped(*a, _fn=fn, _path=f"{path} ({mod.__name__}.{name})", **k):
                        _TORCH_PATHS.append(_path)
                        return _fn(*a, **k)
                    wrapped._golden = True
                    setattr(mod, name, wrapped)


def run_torch(case: Case, x0):
    import torch

    cls, kw = torch_native(case.optimizer, case.hp)
    grad = _grad_fn(case)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kw)
    xs = [p.detach().numpy().copy()]
    _TORCH_PATHS.clear()
    for _ in range(STEPS):
        p.grad = torch.from_numpy(grad(xs[-1]))
        opt.step()
        xs.append(p.detach().numpy().copy())
    paths = sorted(set(_TORCH_PATHS))
    assert len(paths) == 1, paths
    for name, t in opt.state[p].items():
        if torch.is_tensor(t) and t.is_floating_point():
            assert t.dtype == torch.float64, (case, name, t.dtype)
    return xs, {"native": _call(f"torch.optim.{cls}", kw), "code_path": paths[0]}


def run_keras(case: Case, x0):
    import keras

    cls, kw = keras_native(case.optimizer, case.hp)
    grad = _grad_fn(case)
    v = keras.Variable(np.array(x0, dtype=np.float64), dtype="float64")
    opt = getattr(keras.optimizers, cls)(**kw)
    xs = [keras.ops.convert_to_numpy(v).copy()]
    for _ in range(STEPS):
        g = keras.ops.convert_to_tensor(grad(xs[-1]), dtype="float64")
        opt.apply_gradients([(g, v)])
        xs.append(keras.ops.convert_to_numpy(v).copy())
    for var in opt.variables:
        if "float" in str(var.dtype):
            assert str(var.dtype) == "float64", (case, var.path, var.dtype)
    impl = type(opt)
    return xs, {"native": _call(f"keras.optimizers.{cls}", kw),
                "code_path": f"{impl.__module__}.{impl.__qualname__}._parallel_update_step"}


def run_optax(case: Case, x0):
    import jax
    import jax.numpy as jnp
    import optax

    tx, native = optax_native(case.optimizer, case.hp)
    grad = _grad_fn(case)
    params = jnp.asarray(x0, dtype=jnp.float64)
    state = tx.init(params)
    xs = [np.asarray(params).copy()]
    for _ in range(STEPS):
        updates, state = tx.update(jnp.asarray(grad(xs[-1])), state, params)
        params = optax.apply_updates(params, updates)
        xs.append(np.asarray(params).copy())
    assert params.dtype == jnp.float64
    for leaf in jax.tree.leaves(state):
        if jnp.issubdtype(leaf.dtype, jnp.floating):
            assert leaf.dtype == jnp.float64, (case, leaf.dtype)
    return xs, {"native": native}


# --------------------------------------------------------------------------
# Setup, checks, output
# --------------------------------------------------------------------------

def setup_torch():
    import torch

    # The optimizers' scalar state (Adam's `step`, NAdam's `mu_product`, ...) is
    # created with torch's *default* dtype, float32 unless changed.  Make it float64
    # so the whole computation is float64 (NAdam's mu_product visibly differs otherwise).
    torch.set_default_dtype(torch.float64)
    _instrument_torch()
    return torch.__version__.split("+")[0]


def setup_keras():
    import keras

    keras.config.set_floatx("float64")
    assert keras.config.backend() == "torch", keras.config.backend()
    return keras.__version__


def setup_optax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import optax

    assert jax.__version__ == VERSIONS["jax"] or ARGS.any_version, jax.__version__
    return optax.__version__


LIBRARIES = {
    "torch": (setup_torch, TORCH_CASES, run_torch),
    "keras": (setup_keras, KERAS_CASES, run_keras),
    "optax": (setup_optax, OPTAX_CASES, run_optax),
}


def _objective(case):
    params, _ = OBJECTIVES[case.objective]
    return get_objective(case.objective, **params)


# The optimizers of issue 14, in their own files (tests/golden/<library>-optimizers.json).
LIBRARIES.update({
    f"{lib}-optimizers": (setup, cases, lambda case, x0, _run=runner: _run(case, x0, _objective(case), STEPS))
    for lib, setup, cases, runner in (
        ("torch", setup_torch, golden_optimizers.TORCH_CASES, golden_optimizers.run_torch),
        ("keras", setup_keras, golden_optimizers.KERAS_CASES, golden_optimizers.run_keras),
        ("optax", setup_optax, golden_optimizers.OPTAX_CASES, golden_optimizers.run_optax),
    )
})


def case_id(library: str, case: Case) -> str:
    return f"{library}/{case.optimizer}/{case.label}/{case.objective}"


def trajectory_problem(xs: np.ndarray) -> str | None:
    if not np.all(np.isfinite(xs)):
        return "non-finite values in trajectory"
    moved = float(np.max(np.abs(xs - xs[0])))
    if moved < 1e-2:
        return f"hardly moves (max |x - x0| = {moved:.2g})"
    if np.max(np.abs(xs)) > 50:
        return f"leaves the plot region (max |x| = {np.max(np.abs(xs)):.3g})"
    return None


def write_json(path: Path, doc: dict) -> None:
    """Like json.dump(doc, indent=1), but x0 on one line and one trajectory point per line."""
    inline = {}

    def stash(text: str) -> str:
        key = f"@@{len(inline)}@@"
        inline[f'"{key}"'] = text
        return key

    cases = []
    for case in doc["cases"]:
        case = dict(case)
        case["x0"] = stash(json.dumps(case["x0"]))
        case["xs"] = stash("[\n    " + ",\n    ".join(json.dumps(r) for r in case["xs"])
                           + "\n   ]")
        cases.append(case)
    text = json.dumps({**doc, "cases": cases}, indent=1)
    for key, value in inline.items():
        text = text.replace(key, value)
    assert json.loads(text) == doc  # still valid JSON, same content
    path.write_text(text + "\n")


def generate(library: str) -> None:
    setup, cases, run = LIBRARIES[library]
    version = setup()
    flavor = library.split("-")[0]
    if version != VERSIONS[flavor] and not ARGS.any_version:
        raise SystemExit(f"{library} {version} installed, fixtures are for {VERSIONS[flavor]}")
    out, seen, problems = [], set(), []
    for case in cases:
        cid = case_id(library, case)
        assert cid not in seen, f"duplicate case id {cid}"
        seen.add(cid)
        params, x0 = OBJECTIVES[case.objective]
        xs, extra = run(case, x0)
        xs = np.array(xs, dtype=np.float64)
        assert xs.shape == (STEPS + 1, 2), xs.shape
        problem = trajectory_problem(xs)
        # Conditioning: how much does a tiny change of x0 grow along the path?  A path
        # that amplifies it enormously (chaotic zig-zag in a valley) would also amplify
        # last-bit rounding differences, and could not serve as a tight parity test.
        xs_p = np.array(run(case, np.add(x0, PERTURBATION))[0], dtype=np.float64)
        gain = float(np.max(np.abs(xs_p - xs)) / np.max(np.abs(PERTURBATION)))
        if problem is None and not gain <= MAX_GAIN:
            problem = f"ill-conditioned path, perturbation gain {gain:.3g}"
        if problem:
            problems.append(f"{cid}: {problem}")
        rec = {
            "id": cid,
            "optimizer": case.optimizer,
            "flavor": flavor,
            "hyperparameters": dict(case.hp),
            "native": extra.pop("native"),
        }
        nonc = sorted(set(case.hp) - CANONICAL - golden_optimizers.CANONICAL)
        if nonc:
            rec["noncanonical"] = nonc
        if case.note:
            rec["note"] = case.note
        rec.update(extra)
        rec["sensitivity"] = float(f"{gain:.2g}")
        rec.update({"objective": case.objective, "objective_params": dict(params),
                    "x0": [float(v) for v in x0], "xs": xs.tolist()})
        out.append(rec)
        print(f"{cid:66s} -> ({xs[-1, 0]: .6f}, {xs[-1, 1]: .6f})  gain {gain:.2g}")
    if problems:
        raise SystemExit(f"{library}: not written, {len(problems)} bad case(s):\n  "
                         + "\n  ".join(problems))
    doc = {"library": library, "version": version, "generated_by": "tools/make_golden.py",
           "steps": STEPS, "dtype": "float64", "cases": out}
    if flavor == "keras":
        doc["backend"] = "torch"
    if flavor == "optax":
        doc["jax_version"] = sys.modules["jax"].__version__
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{library}.json"
    write_json(path, doc)
    print(f"wrote {path}: {len(out)} cases, {path.stat().st_size / 1e6:.2f} MB")


def main(argv=None) -> None:
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("libraries", nargs="*", metavar="LIBRARY",
                    help=f"which fixture files to (re)generate: {', '.join(LIBRARIES)} "
                         "(default: all)")
    ap.add_argument("--any-version", action="store_true",
                    help="allow library versions other than the pinned ones")
    ARGS = ap.parse_args(argv)
    if not Path("optim").is_dir():
        raise SystemExit("run from the repository root with PYTHONPATH=.")
    networks = {f"{lib}-network" for lib in ("torch", "keras", "optax")}  # tools/golden_network.py's fixtures
    unknown = set(ARGS.libraries) - set(LIBRARIES) - networks
    if unknown:
        ap.error(f"unknown library: {', '.join(sorted(unknown))}")
    for lib in ARGS.libraries or list(LIBRARIES) + sorted(networks):
        if lib in networks:
            import golden_network

            golden_network.generate(lib.split("-")[0], sys.modules[__name__])
        else:
            generate(lib)


ARGS = argparse.Namespace(any_version=False)

if __name__ == "__main__":
    main()

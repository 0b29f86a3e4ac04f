"""Canonical hyperparameters -> each library's own optimizer call, for the golden fixtures.

The golden cases (``golden_cases``, ``golden_schedule_cases``, ``golden_network``) name optimizers and
hyperparameters the way the core does (``make_optimizer(name, flavor, **hp)``); torch.optim, Keras and
optax spell them their own way (``betas=(b1, b2)``, ``beta_1``, ``b1``; RMSprop's ``alpha``, ``rho`` or
``decay``; optax's ``amsgrad`` and ``adamaxw`` as separate functions). Every fixture writer translates
through here, so one optimizer has one translation whichever fixture records it, and the fixture keeps
the call written out (``native``) for a person to read.

>>> call("torch.optim.SGD", {"lr": 0.1, "momentum": 0.9})
'torch.optim.SGD(lr=0.1, momentum=0.9)'
>>> keras_native("rmsprop", {"lr": 0.01, "decay": 0.9})
('RMSprop', {'learning_rate': 0.01, 'rho': 0.9})
"""

from __future__ import annotations

import inspect


def call(prefix: str, kwargs: dict) -> str:
    """``prefix(k=v, ...)`` with each value's repr: a native call as a person would type it."""
    return f"{prefix}(" + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"


TORCH_CLASS = {
    "gd": "SGD", "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop",
    "adadelta": "Adadelta", "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam",
    "adamax": "Adamax", "radam": "RAdam",
}
"""The optimizers the three libraries had first, by torch.optim class; the others are in ``torch_newer``."""


def torch_native(optimizer: str, hp: dict) -> tuple[str, dict]:
    """(torch.optim class name, keyword arguments) for a case's canonical hyperparameters."""
    if optimizer not in TORCH_CLASS:
        return torch_newer(optimizer, hp)
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


def torch_newer(optimizer: str, hp: dict) -> tuple[str, dict]:
    """(class name, keyword arguments) for the torch.optim optimizers of issue 14: Rprop, Adafactor, Muon,
    ASGD and L-BFGS (one step per ``step()``: ``max_iter=1``)."""
    hp = dict(hp)
    if optimizer == "rprop":
        kw = {"lr": hp.pop("lr")}
        if "eta_minus" in hp or "eta_plus" in hp:
            kw["etas"] = (hp.pop("eta_minus", 0.5), hp.pop("eta_plus", 1.2))
        if "step_min" in hp or "step_max" in hp:
            kw["step_sizes"] = (hp.pop("step_min", 1e-6), hp.pop("step_max", 50.0))
        assert not hp, hp
        return "Rprop", kw
    if optimizer == "adafactor":
        kw = {{"clip_threshold": "d"}.get(k, k): v for k, v in hp.items() if k not in ("eps1", "eps2")}
        if "eps1" in hp or "eps2" in hp:
            kw["eps"] = (hp.get("eps1"), hp.get("eps2", 1e-3))
        return "Adafactor", kw
    if optimizer == "muon":
        kw = {k: v for k, v in hp.items() if k != "match_rms_adamw"}
        if "ns_steps" in kw:
            kw["ns_steps"] = int(kw["ns_steps"])
        if hp.get("match_rms_adamw"):
            kw["adjust_lr_fn"] = "match_rms_adamw"
        return "Muon", kw
    if optimizer == "asgd":
        return "ASGD", {{"power": "alpha"}.get(k, k): v for k, v in hp.items()}
    kw = {"max_iter": 1}
    kw.update({{"line_search": "line_search_fn", "history_size": "history_size"}.get(k, k): v for k, v in hp.items()})
    if "history_size" in kw:
        kw["history_size"] = int(kw["history_size"])
    if "max_eval" in kw:
        kw["max_eval"] = int(kw["max_eval"])
    if "line_search_fn" in kw:
        kw["line_search_fn"] = "strong_wolfe" if kw["line_search_fn"] else None
    return "LBFGS", kw


KERAS_CLASS = {
    "gd": "SGD", "sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta", "adam": "Adam",
    "adamw": "AdamW", "nadam": "Nadam", "adamax": "Adamax",
    # the optimizers of issue 14
    "lion": "Lion", "adafactor": "Adafactor", "lamb": "Lamb", "schedule_free_adamw": "ScheduleFreeAdamW",
    "muon": "Muon",
}
KERAS_RENAME = {
    "lr": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "eps": "epsilon",
    "decay": "rho", "initial_accumulator": "initial_accumulator_value",
    "beta2_decay": "beta_2_decay", "eps1": "epsilon_1", "eps2": "epsilon_2",
}
KERAS_INTEGERS = ("ns_steps", "warmup_steps")
"""Keras arguments that must be ints (the cases hold every number as written, some as floats)."""


def keras_native(optimizer: str, hp: dict) -> tuple[str, dict]:
    """(keras.optimizers class name, keyword arguments) for a case's canonical hyperparameters."""
    kw = {KERAS_RENAME.get(k, k): v for k, v in hp.items()}
    for name in KERAS_INTEGERS:
        if name in kw:
            kw[name] = int(kw[name])
    return KERAS_CLASS[optimizer], kw


OPTAX_FIRST = frozenset(TORCH_CLASS) | {"ewma_momentum"}
"""The optimizers optax had first (``optax_native``); the others are in ``optax_newer``."""


def optax_native(optimizer: str, hp: dict):
    """(optax.GradientTransformation, native call string) for a case's canonical hyperparameters."""
    if optimizer not in OPTAX_FIRST:
        return optax_newer(optimizer, hp)
    import optax

    hp = dict(hp)
    if optimizer == "ewma_momentum":
        lr, decay = hp.pop("lr"), hp.pop("momentum")
        ema_kw = {"decay": decay}
        if "bias_correction" in hp:
            ema_kw["debias"] = hp.pop("bias_correction")
        assert not hp, hp
        tx = optax.chain(optax.ema(**ema_kw), optax.scale(-lr))
        return tx, f"optax.chain({call('optax.ema', ema_kw)}, optax.scale({-lr!r}))"

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
    return getattr(optax, fn)(**kw), call(f"optax.{fn}", kw)


def optax_newer(optimizer: str, hp: dict):
    """(optax transformation, the call written out) for the optax optimizers of issue 14."""
    import optax

    rename = {"lr": "learning_rate", "beta1": "b1", "beta2": "b2", "step_min": "min_step_size",
              "step_max": "max_step_size"}
    kw = {rename.get(k, k): v for k, v in hp.items()}
    if optimizer == "adafactor":
        import jax.numpy as jnp

        names = {"learning_rate": "learning_rate", "eps1": "eps", "clip_threshold": "clipping_threshold",
                 "param_scale": "multiply_by_parameter_scale", "momentum": "momentum",
                 "weight_decay": "weight_decay_rate", "min_dim_to_factor": "min_dim_size_to_factor"}
        kw = {names[k]: v for k, v in kw.items() if k != "beta2_decay"}
        if "beta2_decay" in hp:
            kw["decay_rate"] = -hp["beta2_decay"]
        if "min_dim_size_to_factor" in kw:
            kw["min_dim_size_to_factor"] = int(kw["min_dim_size_to_factor"])
        shown = dict(kw)
        if "momentum" in kw:
            kw["dtype_momentum"] = jnp.float64
            shown["dtype_momentum"] = "float64"
        return optax.adafactor(**kw), call("optax.adafactor", shown)
    if optimizer == "muon":
        import optax.contrib

        kw = {{"momentum": "beta"}.get(k, k): v for k, v in kw.items()}
        if "ns_steps" in kw:
            kw["ns_steps"] = int(kw["ns_steps"])
        return optax.contrib.muon(**kw), call("optax.contrib.muon", kw)
    if optimizer == "schedule_free_adamw":
        import optax.contrib

        return optax.contrib.schedule_free_adamw(**kw), call("optax.contrib.schedule_free_adamw", kw)
    if optimizer == "yogi" and "initial_accumulator_value" in kw:
        lr = kw.pop("learning_rate")
        inner = optax.scale_by_yogi(**kw)
        return (optax.chain(inner, optax.scale_by_learning_rate(lr)),
                f"optax.chain({call('optax.scale_by_yogi', kw)}, optax.scale_by_learning_rate({lr!r}))")
    return getattr(optax, optimizer)(**kw), call(f"optax.{optimizer}", kw)

"""Golden cases for the optimizers of issue 14 (Adafactor, Rprop, ASGD, Muon, L-BFGS, Lion, Yogi, AdaBelief, ...).

Kept apart from ``make_golden.py``'s tables: the cases as data, how each canonical name becomes the
library's, and one runner per library. ``make_golden.py`` writes them to ``tests/golden/<library>-optimizers.json``
with the same checks as its own cases (finite, moving, in the region, not chaotic). L-BFGS runs through a
closure, so each step's function evaluations are recorded too (``evals``) and replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    optimizer: str
    label: str
    objective: str
    hp: dict = field(default_factory=dict)
    note: str = ""


def C(optimizer, label, objective="rosenbrock", note="", **hp):
    return Case(optimizer, label, objective, hp, note)


TORCH_CASES = [
    C("rprop", "lr-only", lr=0.01),
    C("rprop", "etas+step_sizes", lr=0.02, eta_minus=0.3, eta_plus=1.5, step_min=1e-4, step_max=0.5),
    C("rprop", "lr-only", "quadratic", lr=0.1),
    C("rprop", "step_max", "himmelblau", lr=0.05, step_max=0.2),
    C("asgd", "lr-only", lr=5e-4),
    C("asgd", "lambd+power", lr=5e-4, lambd=0.01, power=0.5),
    C("asgd", "t0+weight_decay", "quadratic", lr=0.02, t0=20.0, weight_decay=0.1),
    C("asgd", "all", "himmelblau", lr=0.005, lambd=0.001, power=1.0, t0=50.0, weight_decay=0.01),
    C("adafactor", "lr-only", "beale", lr=0.01),
    C("adafactor", "beta2_decay+eps", "quadratic", lr=0.05, beta2_decay=-0.5, eps1=1e-10, eps2=1e-2),
    C("adafactor", "clip_threshold+weight_decay", "beale", lr=0.02, clip_threshold=2.0, weight_decay=0.1),
    C("muon", "lr-only", "quadratic", lr=0.01),
    C("muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False, weight_decay=0.0),
    C("muon", "ns_steps+eps+weight_decay", "himmelblau", lr=0.02, ns_steps=3, eps=1e-5, weight_decay=0.01),
    C("muon", "match_rms_adamw", "beale", lr=0.01, match_rms_adamw=True),
    C("lbfgs", "history_size", "quadratic", lr=0.5, history_size=5),
    C("lbfgs", "lr+history_size", "himmelblau", lr=0.2, history_size=10),
    C("lbfgs", "strong_wolfe", "quadratic", line_search=True, max_eval=25),
    C("lbfgs", "strong_wolfe+history_size", "beale", line_search=True, max_eval=10, history_size=3),
    C("lbfgs", "strong_wolfe-one-eval", "himmelblau", lr=0.1, line_search=True,
      note="max_eval 1 (torch's default for max_iter=1): one trial step, kept only if the loss fell"),
]

KERAS_CASES = [
    C("muon", "lr-only", "quadratic", lr=0.01),
    C("muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False, weight_decay=0.0),
    C("muon", "ns_steps+rms_rate+weight_decay", "himmelblau", lr=0.02, ns_steps=3, rms_rate=0.5, weight_decay=0.01),
    C("schedule_free_adamw", "lr-only", "quadratic", lr=0.05),
    C("schedule_free_adamw", "betas+eps", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-6),
    C("schedule_free_adamw", "warmup+weight_decay", "himmelblau", lr=0.05, warmup_steps=20, weight_decay=0.01),
    C("lamb", "lr-only", "quadratic", lr=0.01),
    C("lamb", "betas+eps", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-4),
    C("lamb", "weight_decay", "himmelblau", lr=0.01, weight_decay=0.1),
    C("adafactor", "lr-only", "beale", lr=0.01),
    C("adafactor", "beta2_decay+eps", "quadratic", lr=0.05, beta2_decay=-0.5, eps1=1e-10, eps2=1e-2),
    C("adafactor", "clip_threshold+weight_decay", "beale", lr=0.02, clip_threshold=0.5, weight_decay=0.1),
    C("lion", "lr-only", lr=1e-3),
    C("lion", "betas", lr=1e-3, beta1=0.8, beta2=0.95),
    C("lion", "weight_decay", "quadratic", lr=0.01, weight_decay=0.5),
    C("lion", "lr-only", "himmelblau", lr=0.01),
]

OPTAX_CASES = [
    C("adafactor", "lr", "beale", lr=0.01),
    C("adafactor", "beta2_decay+eps+clip", "quadratic", lr=0.05, beta2_decay=-0.65, eps1=1e-10, clip_threshold=0.5),
    C("adafactor", "no-param_scale", "himmelblau", lr=0.05, param_scale=False),
    C("adafactor", "momentum+weight_decay", "himmelblau", lr=0.005, momentum=0.9, weight_decay=0.1,
      note="dtype_momentum float64: optax's default keeps the momentum in float32, which the core does not model"),
    C("lion", "lr-only", lr=1e-3),
    C("lion", "betas+no-weight_decay", lr=1e-3, beta1=0.8, beta2=0.95, weight_decay=0.0),
    C("lion", "weight_decay", "quadratic", lr=0.01, weight_decay=0.5),
    C("muon", "lr", "quadratic", lr=0.01),
    C("muon", "momentum+no-nesterov", lr=0.005, momentum=0.8, nesterov=False),
    C("muon", "ns_steps+eps+weight_decay", "himmelblau", lr=0.02, ns_steps=3, eps=1e-5, weight_decay=0.01),
    C("lamb", "lr-only", "quadratic", lr=0.01),
    C("lamb", "betas+eps+eps_root", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-4, eps_root=1e-8),
    C("lamb", "weight_decay", "beale", lr=0.005, weight_decay=0.1),
    C("schedule_free_adamw", "lr-only", "quadratic", lr=0.05),
    C("schedule_free_adamw", "betas+eps+power", lr=0.005, beta1=0.8, beta2=0.99, eps=1e-6, weight_lr_power=1.0),
    C("schedule_free_adamw", "weight_decay", "himmelblau", lr=0.05, weight_decay=0.01),
    C("yogi", "lr-only", lr=0.02),
    C("yogi", "betas+eps", "quadratic", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-2),
    C("yogi", "initial_accumulator_value", "himmelblau", lr=0.05, initial_accumulator_value=0.5,
      note="optax.yogi fixes it at 1e-6; the case runs scale_by_yogi directly"),
    C("adabelief", "lr-only", lr=0.02),
    C("adabelief", "betas+eps", "quadratic", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8, eps_root=1e-10),
    C("adabelief", "nesterov", "himmelblau", lr=0.05, nesterov=True),
    C("rprop", "lr-only", lr=0.01),
    C("rprop", "etas+step_sizes", lr=0.02, eta_minus=0.3, eta_plus=1.5, step_min=1e-4, step_max=0.5),
    C("rprop", "lr-only", "quadratic", lr=0.1),
]

CANONICAL = {
    "lr", "beta1", "beta2", "eps", "eps_root", "weight_decay", "nesterov", "initial_accumulator_value",
    "eta_minus", "eta_plus", "step_min", "step_max", "lambd", "power", "t0", "history_size", "line_search", "max_eval",
    "beta2_decay", "eps1", "eps2", "clip_threshold", "param_scale", "momentum", "min_dim_to_factor",
    "ns_steps", "match_rms_adamw", "warmup_steps", "weight_lr_power", "rms_rate",
}


def _call(prefix: str, kwargs: dict) -> str:
    return f"{prefix}(" + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"


def torch_native(optimizer: str, hp: dict) -> tuple[str, dict]:
    """(torch.optim class name, keyword arguments) for a case's canonical hyperparameters."""
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


def run_torch(case: Case, x0, obj, steps: int):
    """torch.optim on ``obj``'s analytic gradients, via a closure (so L-BFGS can evaluate where it likes)."""
    import torch

    cls, kw = torch_native(case.optimizer, case.hp)
    shape = (1, 2) if cls == "Muon" else (2,)  # Muon takes matrices: the point is the 1x2 matrix [x, y]
    p = torch.tensor(np.array(x0, dtype=np.float64).reshape(shape), requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kw)
    count = [0]

    def closure():
        x = p.detach().numpy().reshape(2).copy()
        p.grad = torch.from_numpy(np.ascontiguousarray(obj.grad(x)).reshape(shape))
        count[0] += 1
        return torch.tensor(float(obj.f(x)), dtype=torch.float64)

    xs, evals = [p.detach().numpy().reshape(2).copy()], []
    for _ in range(steps):
        count[0] = 0
        if cls == "LBFGS":
            opt.step(closure)
        else:
            closure()
            opt.step()
        xs.append(p.detach().numpy().reshape(2).copy())
        evals.append(count[0])
    extra = {"native": _call(f"torch.optim.{cls}", kw)}
    if cls == "LBFGS":
        extra["evals"] = evals
    return xs, extra


def run_keras(case: Case, x0, obj, steps: int):
    """Keras on the torch backend with torch's own default dtype (float32): Keras makes some scalars with it
    (Muon's sqrt(max(rows, columns))), and make_golden's torch setup would otherwise have left it float64."""
    import torch

    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        return _run_keras(case, x0, obj, steps)
    finally:
        torch.set_default_dtype(default)


def _run_keras(case: Case, x0, obj, steps: int):
    import keras

    rename = {"lr": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "beta2_decay": "beta_2_decay",
              "eps1": "epsilon_1", "eps2": "epsilon_2", "eps": "epsilon"}
    kw = {rename.get(k, k): v for k, v in case.hp.items()}
    cls = {"lion": "Lion", "adafactor": "Adafactor", "lamb": "Lamb", "schedule_free_adamw": "ScheduleFreeAdamW",
           "muon": "Muon"}[case.optimizer]
    if "ns_steps" in kw:
        kw["ns_steps"] = int(kw["ns_steps"])
    if "warmup_steps" in kw:
        kw["warmup_steps"] = int(kw["warmup_steps"])
    shape = (1, 2) if cls == "Muon" else (2,)  # Muon takes matrices: the point is the 1x2 matrix [x, y]
    v = keras.Variable(np.array(x0, dtype=np.float64).reshape(shape), dtype="float64")
    opt = getattr(keras.optimizers, cls)(**kw)
    xs = [keras.ops.convert_to_numpy(v).reshape(2).copy()]
    for _ in range(steps):
        g = keras.ops.convert_to_tensor(obj.grad(xs[-1]).reshape(shape), dtype="float64")
        opt.apply_gradients([(g, v)])
        xs.append(keras.ops.convert_to_numpy(v).reshape(2).copy())
    for var in opt.variables:
        if "float" in str(var.dtype):
            assert str(var.dtype) == "float64", (case, var.path, var.dtype)
    return xs, {"native": _call(f"keras.optimizers.{cls}", kw)}


def optax_native(optimizer: str, hp: dict):
    """(optax transformation, the call written out) for a case's canonical hyperparameters."""
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
        return optax.adafactor(**kw), _call("optax.adafactor", shown)
    if optimizer == "muon":
        import optax.contrib

        kw = {{"momentum": "beta"}.get(k, k): v for k, v in kw.items()}
        if "ns_steps" in kw:
            kw["ns_steps"] = int(kw["ns_steps"])
        return optax.contrib.muon(**kw), _call("optax.contrib.muon", kw)
    if optimizer == "schedule_free_adamw":
        import optax.contrib

        return optax.contrib.schedule_free_adamw(**kw), _call("optax.contrib.schedule_free_adamw", kw)
    if optimizer == "yogi" and "initial_accumulator_value" in kw:
        lr = kw.pop("learning_rate")
        inner = optax.scale_by_yogi(**kw)
        return (optax.chain(inner, optax.scale_by_learning_rate(lr)),
                f"optax.chain({_call('optax.scale_by_yogi', kw)}, optax.scale_by_learning_rate({lr!r}))")
    return getattr(optax, optimizer)(**kw), _call(f"optax.{optimizer}", kw)


def run_optax(case: Case, x0, obj, steps: int):
    import jax
    import jax.numpy as jnp
    import optax

    tx, native = optax_native(case.optimizer, case.hp)
    shape = (1, 2) if case.optimizer == "muon" else (2,)  # Muon takes matrices: the point is the 1x2 matrix [x, y]
    params = jnp.asarray(x0, dtype=jnp.float64).reshape(shape)
    state = tx.init(params)
    xs = [np.asarray(params).reshape(2).copy()]
    for _ in range(steps):
        updates, state = tx.update(jnp.asarray(obj.grad(xs[-1]).reshape(shape)), state, params)
        params = optax.apply_updates(params, updates)
        xs.append(np.asarray(params).reshape(2).copy())
    assert params.dtype == jnp.float64
    for leaf in jax.tree.leaves(state):
        if jnp.issubdtype(leaf.dtype, jnp.floating):
            assert leaf.dtype == jnp.float64, (case, leaf.dtype)
    return xs, {"native": native}

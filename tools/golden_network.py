#!/usr/bin/env python3
"""Record float64 network trainings with torch.optim, Keras and optax as golden fixtures (issue 15).

Each library trains the same small network (a 2-16-16-1 tanh network with binary
cross-entropy, and a 2-8-3 ReLU network with softmax cross-entropy) from the same
initial parameters on the same mini-batches for STEPS steps, computing its own
gradients with its own autodiff in float64 (torch.autograd for torch and Keras on
the torch backend, jax.grad for optax), and updating with its own optimizer. The
fixtures in ``tests/golden/network/<library>.json`` hold, per network, the data, the
initial parameters (``optim.MLP.init``'s flat layout: W (fan_in x fan_out,
row-major) then b, layer by layer) and the batch order, and per case the parameters
at a few CHECKPOINTS, to 13 significant digits (the test checks 1e-9 relative).

Every step is checked here, before anything is written: the core (``optim.train``)
replays each case and must match the library's parameters after every one of the
STEPS steps within TOLERANCE relative (largest difference over the largest
parameter); ``core_error`` records the worst. ``sensitivity`` is how much a 1e-12
nudge of the initial parameters grows along the library's run; cases above
MAX_GAIN would amplify round-off (1e-16) too near the tolerance to be a reliable
test and are refused.

Run from the repository root with the fixture virtualenv (see make_golden.py):

    PYTHONPATH=. /work/golden-venv/bin/python tools/make_golden.py torch-network keras-network optax-network
    PYTHONPATH=. /work/golden-venv/bin/python tools/golden_network.py torch         # the same, one library
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np

import optim
from optim import updates

STEPS = 100
TOLERANCE = 1e-9
MAX_GAIN = 1e5
OUT_DIR = Path("tests/golden/network")
DIGITS = 13

NETWORKS = {
    "tanh-2-16-16-1": dict(sizes=(2, 16, 16, 1), activation="tanh", checkpoints=(1, 100), init_seed=0,
                           dataset=dict(name="moons", n=160, noise=0.2, seed=0), batch_size=32, shuffle_seed=0),
    "relu-2-8-3": dict(sizes=(2, 8, 3), activation="relu", checkpoints=(1, 2, 10, 50, 100), init_seed=1,
                       dataset=dict(name="gaussians", n=160, noise=0.3, seed=1, classes=3), batch_size=32,
                       shuffle_seed=1),
}
SMALL, BIG = "relu-2-8-3", "tanh-2-16-16-1"


@dataclass(frozen=True)
class Case:
    optimizer: str
    label: str
    networks: tuple[str, ...]
    hp: dict = field(default_factory=dict)
    note: str = ""
    tolerance: float = TOLERANCE


def N(optimizer, label, networks=(BIG, SMALL), note="", tolerance=TOLERANCE, **hp):
    return Case(optimizer, label, networks, hp, note, tolerance)


FLOAT32 = 1e-7
"""The tolerance for a library that works partly in float32 (float32's epsilon is 1.2e-7)."""


TORCH_CASES = [
    N("gd", "lr", lr=0.1),
    N("sgd", "momentum+dampening", lr=0.05, momentum=0.9, dampening=0.1),
    N("sgd", "nesterov+weight_decay", lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    N("adagrad", "lr_decay+weight_decay", lr=0.05, lr_decay=0.01, weight_decay=1e-3),
    N("rmsprop", "centered+momentum", lr=0.003, centered=True, momentum=0.5),
    N("adadelta", "weight_decay", lr=1.0, weight_decay=1e-3),
    N("adam", "lr", lr=0.01),
    N("adam", "amsgrad+weight_decay", lr=0.01, amsgrad=True, weight_decay=1e-3),
    N("adamw", "lr", lr=0.01),
    N("nadam", "decoupled_weight_decay", lr=0.01, weight_decay=0.01, decoupled_weight_decay=True),
    N("adamax", "lr", lr=0.02),
    N("radam", "lr", lr=0.01),
    N("asgd", "lambd+t0", lr=0.02, lambd=1e-3, t0=20.0),
    N("rprop", "lr", lr=0.01),
    N("lbfgs", "history_size", lr=0.1, history_size=5,
      note="no strong-Wolfe case: on these networks its branch decisions flip under round-off (a 1e-12 nudge "
           "of the start moves step 100 by 1e-3 to 1), so no library run can pin it; the 2-D fixtures do"),
    N("adafactor", "lr", lr=0.01),
    N("muon", "lr", (SMALL,), lr=0.02,
      note="Muon on the weights as torch holds them (fan_out, fan_in), AdamW(lr=3e-4, weight_decay=0.01) on "
           "the biases, as torch's Muon example; not on the 2-16-16-1 network, where torch's bfloat16 matmul "
           "sums the 16 x 16 Newton-Schulz products in another order and one bfloat16 rounding differs at step 7"),
]

KERAS_CASES = [
    N("gd", "lr", (SMALL,), lr=0.1),
    N("sgd", "nesterov+weight_decay", (SMALL,), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    N("adagrad", "lr", (SMALL,), lr=0.05),
    N("rmsprop", "centered+momentum", (SMALL,), lr=0.003, centered=True, momentum=0.5),
    N("adadelta", "lr", (SMALL,), lr=1.0),
    N("adam", "lr", lr=0.01),
    N("adam", "amsgrad", (SMALL,), lr=0.01, amsgrad=True),
    N("adamw", "lr", (SMALL,), lr=0.01),
    N("nadam", "lr", (SMALL,), lr=0.01),
    N("adamax", "lr", (SMALL,), lr=0.02),
    N("adafactor", "lr", (SMALL,), lr=0.01, tolerance=FLOAT32,
      note="Keras's Adafactor takes its factored statistics' min, max and mean in float32 on the torch backend; "
           "summed over a network's matrices, their rounding differs from the core's now and then (2-D points "
           "have two entries and match to round-off), so the check is to float32 precision"),
    N("lion", "lr", (SMALL,), lr=1e-3),
    N("lamb", "lr", (SMALL,), lr=0.01),
    N("muon", "lr", lr=0.02, tolerance=FLOAT32,
      note="Keras's Muon (its own AdamW on the biases) takes the matrix norm in float32 on the torch backend; "
           "over a network's matrices the sums round differently now and then, so the check is to float32 "
           "precision"),
    N("schedule_free_adamw", "lr", (SMALL,), lr=0.01),
]

OPTAX_CASES = [
    N("gd", "lr", (SMALL,), lr=0.1),
    N("sgd", "nesterov", (SMALL,), lr=0.05, momentum=0.9, nesterov=True),
    N("ewma_momentum", "momentum", (SMALL,), lr=0.1, momentum=0.9),
    N("adagrad", "lr", (SMALL,), lr=0.05),
    N("rmsprop", "centered+momentum", (SMALL,), lr=0.003, centered=True, momentum=0.5),
    N("adadelta", "lr", (SMALL,), lr=1.0),
    N("adam", "lr", lr=0.01),
    N("adamw", "lr", (SMALL,), lr=0.01),
    N("nadam", "lr", (SMALL,), lr=0.01),
    N("adamax", "lr", (SMALL,), lr=0.02),
    N("radam", "lr", (SMALL,), lr=0.01),
    N("adafactor", "lr", (SMALL,), lr=0.01),
    N("lion", "lr", (SMALL,), lr=1e-3),
    N("yogi", "lr", (SMALL,), lr=0.01),
    N("adabelief", "lr", (SMALL,), lr=0.01),
    N("rprop", "lr", (SMALL,), lr=0.01),
    N("lamb", "lr", (SMALL,), lr=0.01),
    N("muon", "lr", lr=0.02),
    N("schedule_free_adamw", "lr", (SMALL,), lr=0.01),
]


# --------------------------------------------------------------------------
# The shared problem: data, initial parameters, batch order
# --------------------------------------------------------------------------

def problem(name: str) -> dict:
    spec = NETWORKS[name]
    net = optim.MLP(spec["sizes"], spec["activation"])
    data = optim.make_dataset(**spec["dataset"])
    X = np.round(data.X, 6)  # the fixture's data are these rounded numbers, for every library and the core
    batches = optim.shuffled_batches(len(X), spec["batch_size"], STEPS, seed=spec["shuffle_seed"])
    return {"net": net, "X": X, "y": data.y, "init": net.init(spec["init_seed"]), "batches": np.array(batches)}


def tensors(net: optim.MLP, theta: np.ndarray) -> list[np.ndarray]:
    """The flat vector as its tensors: [W1 (fan_in, fan_out), b1, W2, b2, ...]."""
    return [theta[a:b].reshape(shape) for a, b, shape in zip(net.offsets[:-1], net.offsets[1:], net.layout,
                                                                 strict=True)]


def flat(parts) -> np.ndarray:
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts])


# --------------------------------------------------------------------------
# Runners: each returns the (STEPS + 1, P) parameters and the native call
# --------------------------------------------------------------------------

def torch_loss(net: optim.MLP, parts, X, y):
    """The network and its loss in torch; ``parts`` are nn.Linear's tensors: weight (fan_out, fan_in), bias."""
    import torch

    a = torch.from_numpy(X)
    for i in range(net.n_layers):
        a = torch.nn.functional.linear(a, parts[2 * i], parts[2 * i + 1])
        if i < net.n_layers - 1:
            a = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[net.activation](a)
    if net.sizes[-1] == 1:
        return torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], torch.from_numpy(y.astype(np.float64)))
    return torch.nn.functional.cross_entropy(a, torch.from_numpy(y.astype(np.int64)))


def torch_tensors(net: optim.MLP, theta: np.ndarray) -> list:
    """The flat vector as torch leaf tensors laid out as nn.Linear holds them (weights transposed)."""
    import torch

    return [torch.tensor(np.ascontiguousarray(t.T if t.ndim == 2 else t), dtype=torch.float64, requires_grad=True)
            for t in tensors(net, theta)]


def torch_flat(parts) -> np.ndarray:
    return flat(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy() for p in parts)


def torch_native(mg, go, optimizer: str, hp: dict):
    return (mg if optimizer in mg.TORCH_CLASS else go).torch_native(optimizer, hp)


def run_torch(mg, go, case: Case, prob: dict, theta0: np.ndarray):
    import torch

    net = prob["net"]
    cls, kw = torch_native(mg, go, case.optimizer, case.hp)
    parts = torch_tensors(net, theta0)
    native = f"torch.optim.{cls}(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"
    if cls == "Muon":  # matrices only; torch's example gives the rest to AdamW
        opts = [torch.optim.Muon(parts[0::2], **kw), torch.optim.AdamW(parts[1::2], **updates.MUON_BIASES)]
        native = native.replace("(", "(weights, ", 1) + " and torch.optim.AdamW(biases, " + ", ".join(
            f"{k}={v!r}" for k, v in updates.MUON_BIASES.items()) + ")"
    else:
        opts = [getattr(torch.optim, cls)(parts, **kw)]
    out = [torch_flat(parts)]
    for idx in prob["batches"]:
        def closure(idx=idx):
            for opt in opts:
                opt.zero_grad()
            loss = torch_loss(net, parts, prob["X"][idx], prob["y"][idx])
            loss.backward()
            return loss

        if cls == "LBFGS":
            opts[0].step(closure)
        else:
            closure()
            for opt in opts:
                opt.step()
        out.append(torch_flat(parts))
    return np.array(out), native


KERAS_NEW = {"lion": "Lion", "adafactor": "Adafactor", "lamb": "Lamb", "schedule_free_adamw": "ScheduleFreeAdamW",
             "muon": "Muon"}


def keras_native(mg, optimizer: str, hp: dict):
    """(class name, keyword arguments) for keras.optimizers, the older optimizers by make_golden's table."""
    if optimizer in mg.KERAS_CLASS:
        return mg.keras_native(optimizer, hp)
    rename = {"lr": "learning_rate", "beta1": "beta_1", "beta2": "beta_2", "eps": "epsilon"}
    return KERAS_NEW[optimizer], {rename.get(k, k): v for k, v in hp.items()}


def run_keras(mg, go, case: Case, prob: dict, theta0: np.ndarray):
    import keras

    net = prob["net"]
    cls, kw = keras_native(mg, case.optimizer, case.hp)
    variables = [keras.Variable(t, dtype="float64") for t in tensors(net, theta0)]  # Dense kernels are (in, out)
    opt = getattr(keras.optimizers, cls)(**kw)
    out = [flat(keras.ops.convert_to_numpy(v) for v in variables)]
    for idx in prob["batches"]:
        parts = torch_tensors(net, flat(keras.ops.convert_to_numpy(v) for v in variables))
        torch_loss(net, parts, prob["X"][idx], prob["y"][idx]).backward()
        grads = [keras.ops.convert_to_tensor(p.grad.numpy().T if p.ndim == 2 else p.grad.numpy(), dtype="float64")
                 for p in parts]
        opt.apply_gradients(zip(grads, variables, strict=True))
        out.append(flat(keras.ops.convert_to_numpy(v) for v in variables))
    for var in opt.variables:
        if "float" in str(var.dtype):
            assert str(var.dtype) == "float64", (case, var.path, var.dtype)
    return np.array(out), f"keras.optimizers.{cls}(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"


def run_optax(mg, go, case: Case, prob: dict, theta0: np.ndarray):
    import jax
    import jax.numpy as jnp
    import optax

    net = prob["net"]
    older = {c.optimizer for c in mg.OPTAX_CASES}
    tx, native = (mg if case.optimizer in older else go).optax_native(case.optimizer, case.hp)
    act = {"tanh": jnp.tanh, "relu": jax.nn.relu, "sigmoid": jax.nn.sigmoid}[net.activation]

    def loss(params, X, y):
        a = X
        for i in range(net.n_layers):
            a = a @ params[2 * i] + params[2 * i + 1]
            if i < net.n_layers - 1:
                a = act(a)
        if net.sizes[-1] == 1:
            return optax.sigmoid_binary_cross_entropy(a[:, 0], y.astype(jnp.float64)).mean()
        return optax.softmax_cross_entropy_with_integer_labels(a, y).mean()

    grad = jax.jit(jax.grad(loss))
    params = [jnp.asarray(t, dtype=jnp.float64) for t in tensors(net, theta0)]
    state = tx.init(params)
    out = [flat(np.asarray(p) for p in params)]
    for idx in prob["batches"]:
        g = grad(params, jnp.asarray(prob["X"][idx]), jnp.asarray(prob["y"][idx]))
        updates, state = tx.update(g, state, params)
        params = optax.apply_updates(params, updates)
        out.append(flat(np.asarray(p) for p in params))
    for leaf in jax.tree.leaves(state):
        if jnp.issubdtype(leaf.dtype, jnp.floating):
            assert leaf.dtype == jnp.float64, (case, leaf.dtype)
    return np.array(out), native


LIBRARIES = {"torch": (TORCH_CASES, run_torch), "keras": (KERAS_CASES, run_keras), "optax": (OPTAX_CASES, run_optax)}


# --------------------------------------------------------------------------
# Checks and output
# --------------------------------------------------------------------------

def core_error(library: str, case: Case, prob: dict, expected: np.ndarray) -> float:
    """The core's worst relative difference from the library over every step."""
    opt = optim.make_optimizer(case.optimizer, library, **case.hp)
    run = optim.train(opt, prob["net"], prob["X"], prob["y"], params=prob["init"], batches=prob["batches"])
    err = np.abs(run.params - expected).max(axis=1) / np.abs(expected).max(axis=1)
    return float(err.max())


def rounded(values) -> list:
    return [float(f"{v:.{DIGITS}g}") for v in np.asarray(values).ravel()]


def generate(library: str, mg) -> None:
    """Write ``tests/golden/network/<library>.json``; ``mg`` is make_golden (its setup and native names).

    The optimizers of issue 14 take their native names from ``golden_optimizers``.
    """
    import golden_optimizers as go

    setup = {"torch": mg.setup_torch, "keras": mg.setup_keras, "optax": mg.setup_optax}[library]
    version = setup()
    if version != mg.VERSIONS[library] and not mg.ARGS.any_version:
        raise SystemExit(f"{library} {version} installed, fixtures are for {mg.VERSIONS[library]}")
    cases, runner = LIBRARIES[library]
    problems = {name: problem(name) for name in NETWORKS}
    rng = np.random.default_rng(0)
    out, failures = [], []
    for case in cases:
        for name in case.networks:
            prob, cid = problems[name], f"{library}/{case.optimizer}/{case.label}/{name}"
            params, native = runner(mg, go, case, prob, prob["init"])
            assert params.shape == (STEPS + 1, prob["net"].n_params), params.shape
            nudge = 1e-12 * rng.choice((-1.0, 1.0), prob["net"].n_params)
            gain = float(np.abs(runner(mg, go, case, prob, prob["init"] + nudge)[0] - params).max() / 1e-12)
            err = core_error(library, case, prob, params)
            if not np.isfinite(params).all() or not gain <= MAX_GAIN or not err <= case.tolerance:
                failures.append(f"{cid}: finite {np.isfinite(params).all()}, gain {gain:.3g}, core error {err:.3g}")
            checkpoints = NETWORKS[name]["checkpoints"]
            out.append({"id": cid, "optimizer": case.optimizer, "flavor": library, "hyperparameters": case.hp,
                        "native": native, "network": name, **({"note": case.note} if case.note else {}),
                        **({"tolerance": case.tolerance} if case.tolerance != TOLERANCE else {}),
                        "sensitivity": float(f"{gain:.2g}"),
                        "core_error": float(f"{err:.2g}"),
                        "params": {str(k): rounded(params[k]) for k in checkpoints}})
            print(f"{cid:60s} core error {err:.2g}, sensitivity {gain:.2g}")
    if failures:
        raise SystemExit(f"{library}: not written, {len(failures)} bad case(s):\n  " + "\n  ".join(failures))
    networks = {
        name: {"sizes": list(p["net"].sizes), "activation": p["net"].activation, "loss": p["net"].loss_name,
               "X": p["X"].tolist(), "y": p["y"].tolist(), "init": p["init"].tolist(),
               "batches": p["batches"].tolist()}
        for name, p in problems.items()
    }
    doc = {"library": library, "version": version, "generated_by": "tools/golden_network.py", "steps": STEPS,
           "dtype": "float64", "tolerance": TOLERANCE, "networks": networks, "cases": out}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{library}.json"
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {path}: {len(out)} cases, {path.stat().st_size / 1e3:.0f} KB")


def main(argv=None) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import make_golden as mg

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("libraries", nargs="*", metavar="LIBRARY", help=f"{', '.join(LIBRARIES)} (default: all)")
    ap.add_argument("--any-version", action="store_true", help="allow library versions other than the pinned ones")
    mg.ARGS = ap.parse_args(argv)
    for library in mg.ARGS.libraries or list(LIBRARIES):
        generate(library, mg)


if __name__ == "__main__":
    main()

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

The networks and cases are in ``tools/golden_network_cases.py``; the native calls come from
``golden_native.py``, the float64 set-up and pinned versions from ``golden_libraries.py``.

Run from the repository root with the fixture virtualenv (see make_golden.py):

    PYTHONPATH=. /work/golden-venv/bin/python tools/make_golden.py torch-network keras-network optax-network
    PYTHONPATH=. /work/golden-venv/bin/python tools/golden_network.py torch         # the same, one library
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from golden_libraries import setup  # sets KERAS_BACKEND, JAX_PLATFORMS (keras, jax load later)
from golden_native import call, keras_native, optax_native, torch_native
from golden_network_cases import KERAS_CASES, NETWORKS, OPTAX_CASES, TOLERANCE, TORCH_CASES, Case

import optim
from optim import updates

STEPS = 100
MAX_GAIN = 1e5
OUT_DIR = Path("tests/golden/network")
DIGITS = 13

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


def run_torch(case: Case, prob: dict, theta0: np.ndarray):
    """torch.optim on torch.autograd's gradients; Muon on the weights only, AdamW on the biases."""
    import torch

    net = prob["net"]
    cls, kw = torch_native(case.optimizer, case.hp)
    parts = torch_tensors(net, theta0)
    native = call(f"torch.optim.{cls}", kw)
    if cls == "Muon":  # matrices only; torch's example gives the rest to AdamW
        opts = [torch.optim.Muon(parts[0::2], **kw), torch.optim.AdamW(parts[1::2], **updates.MUON_BIASES)]
        adamw = call("torch.optim.AdamW", updates.MUON_BIASES)
        native = native.replace("(", "(weights, ", 1) + " and " + adamw.replace("(", "(biases, ", 1)
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


def run_keras(case: Case, prob: dict, theta0: np.ndarray):
    """keras.optimizers on torch.autograd's gradients (Dense kernels held as (fan_in, fan_out))."""
    import keras

    net = prob["net"]
    cls, kw = keras_native(case.optimizer, case.hp)
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
    return np.array(out), call(f"keras.optimizers.{cls}", kw)


def run_optax(case: Case, prob: dict, theta0: np.ndarray):
    """An optax transformation on jax.grad's gradients."""
    import jax
    import jax.numpy as jnp
    import optax

    net = prob["net"]
    tx, native = optax_native(case.optimizer, case.hp)
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


def generate(library: str, any_version: bool = False) -> None:
    """Write ``tests/golden/network/<library>.json``, refusing library versions but the pinned ones unless
    ``any_version``."""
    version = setup(library, any_version)
    cases, runner = LIBRARIES[library]
    problems = {name: problem(name) for name in NETWORKS}
    rng = np.random.default_rng(0)
    out, failures = [], []
    for case in cases:
        for name in case.networks:
            prob, cid = problems[name], f"{library}/{case.optimizer}/{case.label}/{name}"
            params, native = runner(case, prob, prob["init"])
            assert params.shape == (STEPS + 1, prob["net"].n_params), params.shape
            nudge = 1e-12 * rng.choice((-1.0, 1.0), prob["net"].n_params)
            gain = float(np.abs(runner(case, prob, prob["init"] + nudge)[0] - params).max() / 1e-12)
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
    """Regenerate the network fixtures of the libraries named on the command line (all by default)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("libraries", nargs="*", metavar="LIBRARY", help=f"{', '.join(LIBRARIES)} (default: all)")
    ap.add_argument("--any-version", action="store_true", help="allow library versions other than the pinned ones")
    args = ap.parse_args(argv)
    for library in args.libraries or list(LIBRARIES):
        generate(library, args.any_version)


if __name__ == "__main__":
    main()

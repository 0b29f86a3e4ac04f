"""Run one golden case with the real library: the float64 path of a 2-D point under its optimizer.

Every runner isolates optimizer semantics: the gradient handed to the library at every step is exactly
``optim.get_objective(name, **params).grad(x)`` evaluated by NumPy at the library's current float64
parameters; the library only updates the parameters. Each returns ``(xs, extra)``: the STEPS + 1 points
(x0 and one per update) and the fixture fields it knows (``native``, and ``code_path`` or ``evals``).

``RUNNERS`` maps a fixture (``torch`` ... ``optax-optimizers``) to its runner. The optimizers of issue 14
run through the ``*_newer`` runners: through a closure in torch (so L-BFGS can evaluate where it likes,
and its function evaluations per step are recorded as ``evals``), and Muon's point as the 1 x 2 matrix
[x, y], since Muon takes matrices.
"""

from __future__ import annotations

import numpy as np
from golden_cases import OBJECTIVES, Case
from golden_libraries import torch_kernels  # sets KERAS_BACKEND, JAX_PLATFORMS (keras, jax load later)
from golden_native import call, keras_native, optax_native, torch_native

from optim import get_objective

STEPS = 200


def objective(case: Case):
    """The case's objective, with its parameters from ``OBJECTIVES``."""
    params, _ = OBJECTIVES[case.objective]
    return get_objective(case.objective, **params)


def gradient(case: Case):
    """The case's analytic gradient as a contiguous float64 array of shape (2,), checked."""
    obj = objective(case)

    def grad(x: np.ndarray) -> np.ndarray:
        g = obj.grad(np.asarray(x, dtype=np.float64))
        assert g.dtype == np.float64 and g.shape == (2,), (g.dtype, g.shape)
        return np.ascontiguousarray(g)

    return grad


def run_torch(case: Case, x0):
    """torch.optim, recording which kernel (single-tensor, foreach, fused) ran; it must be one."""
    import torch

    cls, kw = torch_native(case.optimizer, case.hp)
    grad = gradient(case)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kw)
    xs = [p.detach().numpy().copy()]
    with torch_kernels() as ran:
        for _ in range(STEPS):
            p.grad = torch.from_numpy(grad(xs[-1]))
            opt.step()
            xs.append(p.detach().numpy().copy())
    paths = sorted(set(ran))
    assert len(paths) == 1, paths
    for name, t in opt.state[p].items():
        if torch.is_tensor(t) and t.is_floating_point():
            assert t.dtype == torch.float64, (case, name, t.dtype)
    return xs, {"native": call(f"torch.optim.{cls}", kw), "code_path": paths[0]}


def run_keras(case: Case, x0):
    """keras.optimizers on the torch backend, recording the class whose update step ran."""
    import keras

    cls, kw = keras_native(case.optimizer, case.hp)
    grad = gradient(case)
    v = keras.Variable(np.array(x0, dtype=np.float64), dtype="float64")
    opt = getattr(keras.optimizers, cls)(**kw)
    xs = [keras.ops.convert_to_numpy(v).copy()]
    for _ in range(STEPS):
        g = keras.ops.convert_to_tensor(grad(xs[-1]), dtype="float64")
        opt.apply_gradients([(g, v)])
        xs.append(keras.ops.convert_to_numpy(v).copy())
    check_keras_float64(case, opt)
    impl = type(opt)
    return xs, {"native": call(f"keras.optimizers.{cls}", kw),
                "code_path": f"{impl.__module__}.{impl.__qualname__}._parallel_update_step"}


def check_keras_float64(case: Case, opt) -> None:
    """Every floating variable of a Keras optimizer is float64 (else the path is not a float64 one)."""
    for var in opt.variables:
        if "float" in str(var.dtype):
            assert str(var.dtype) == "float64", (case, var.path, var.dtype)


def run_optax(case: Case, x0):
    """An optax transformation on JAX arrays; Muon's point is the 1 x 2 matrix [x, y]."""
    import jax
    import jax.numpy as jnp
    import optax

    tx, native = optax_native(case.optimizer, case.hp)
    grad = gradient(case)
    shape = (1, 2) if case.optimizer == "muon" else (2,)  # Muon takes matrices
    params = jnp.asarray(x0, dtype=jnp.float64).reshape(shape)
    state = tx.init(params)
    xs = [np.asarray(params).reshape(2).copy()]
    for _ in range(STEPS):
        updates, state = tx.update(jnp.asarray(grad(xs[-1]).reshape(shape)), state, params)
        params = optax.apply_updates(params, updates)
        xs.append(np.asarray(params).reshape(2).copy())
    assert params.dtype == jnp.float64
    for leaf in jax.tree.leaves(state):
        if jnp.issubdtype(leaf.dtype, jnp.floating):
            assert leaf.dtype == jnp.float64, (case, leaf.dtype)
    return xs, {"native": native}


def run_torch_newer(case: Case, x0):
    """torch.optim on the case's gradients via a closure (so L-BFGS can evaluate where it likes)."""
    import torch

    obj = objective(case)
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
    for _ in range(STEPS):
        count[0] = 0
        if cls == "LBFGS":
            opt.step(closure)
        else:
            closure()
            opt.step()
        xs.append(p.detach().numpy().reshape(2).copy())
        evals.append(count[0])
    extra = {"native": call(f"torch.optim.{cls}", kw)}
    if cls == "LBFGS":
        extra["evals"] = evals
    return xs, extra


def run_keras_newer(case: Case, x0):
    """Keras on the torch backend with torch's own default dtype (float32): Keras makes some scalars with it
    (Muon's sqrt(max(rows, columns))), and the torch setup would otherwise have left it float64."""
    import keras
    import torch

    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        obj = objective(case)
        cls, kw = keras_native(case.optimizer, case.hp)
        shape = (1, 2) if cls == "Muon" else (2,)  # Muon takes matrices: the point is the 1x2 matrix [x, y]
        v = keras.Variable(np.array(x0, dtype=np.float64).reshape(shape), dtype="float64")
        opt = getattr(keras.optimizers, cls)(**kw)
        xs = [keras.ops.convert_to_numpy(v).reshape(2).copy()]
        for _ in range(STEPS):
            g = keras.ops.convert_to_tensor(obj.grad(xs[-1]).reshape(shape), dtype="float64")
            opt.apply_gradients([(g, v)])
            xs.append(keras.ops.convert_to_numpy(v).reshape(2).copy())
        check_keras_float64(case, opt)
        return xs, {"native": call(f"keras.optimizers.{cls}", kw)}
    finally:
        torch.set_default_dtype(default)


RUNNERS = {
    "torch": run_torch, "keras": run_keras, "optax": run_optax,
    "torch-optimizers": run_torch_newer, "keras-optimizers": run_keras_newer, "optax-optimizers": run_optax,
}
"""Fixture name -> its runner, ``run(case, x0) -> (xs, extra)``."""

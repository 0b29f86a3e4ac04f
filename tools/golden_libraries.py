"""Getting torch, Keras and optax ready to record float64 golden fixtures, at the pinned versions.

Importing this module sets ``KERAS_BACKEND=torch`` and ``JAX_PLATFORMS=cpu``: both must be set before
Keras or JAX is imported anywhere, so every fixture writer imports this module before either. ``setup``
makes each library compute in float64 and refuses versions other than those the committed fixtures were
made with (``VERSIONS``), unless told otherwise. ``torch_kernels`` records which torch.optim
implementation (single-tensor, foreach or fused) ran, for the fixtures' ``code_path``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

VERSIONS = {"torch": "2.13.0", "keras": "3.15.1", "optax": "0.2.8", "jax": "0.10.2"}


def setup_torch() -> str:
    """float64 torch; its version."""
    import torch

    # The optimizers' scalar state (Adam's `step`, NAdam's `mu_product`, ...) is
    # created with torch's *default* dtype, float32 unless changed.  Make it float64
    # so the whole computation is float64 (NAdam's mu_product visibly differs otherwise).
    torch.set_default_dtype(torch.float64)
    return torch.__version__.split("+")[0]


def setup_keras() -> str:
    """Keras on the torch backend with floatx float64; its version."""
    import keras

    keras.config.set_floatx("float64")
    assert keras.config.backend() == "torch", keras.config.backend()
    return keras.__version__


def setup_optax() -> str:
    """optax on JAX with x64 enabled; optax's version."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import optax

    return optax.__version__


SETUP = {"torch": setup_torch, "keras": setup_keras, "optax": setup_optax}


def setup(library: str, any_version: bool = False) -> str:
    """Make ``library`` (torch, keras or optax) compute in float64 and return its version.

    Raises SystemExit when the installed version (and, for optax, JAX's) is not the pinned one, unless
    ``any_version``.
    """
    version = SETUP[library]()
    installed = {library: version}
    if library == "optax":
        installed["jax"] = sys.modules["jax"].__version__
    for name, found in installed.items():
        if found != VERSIONS[name] and not any_version:
            raise SystemExit(f"{name} {found} installed, fixtures are for {VERSIONS[name]}")
    return version


TORCH_KERNEL_MODULES = ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "nadam", "adamax", "radam")
TORCH_KERNEL_PREFIXES = (("_single_tensor_", "single_tensor"), ("_multi_tensor_", "foreach"), ("_fused_", "fused"))


@contextlib.contextmanager
def torch_kernels():
    """Within the block, torch.optim's per-implementation kernels append what ran to the list yielded.

    An entry reads like ``single_tensor (torch.optim.adam._single_tensor_adam)``. The kernels are wrapped
    on entry and restored on exit; the optimizers look them up in their module at each step, so the
    wrapping sees every call.
    """
    ran: list[str] = []
    wrapped = []
    for mod_name in TORCH_KERNEL_MODULES:
        mod = importlib.import_module(f"torch.optim.{mod_name}")
        for name, fn in list(vars(mod).items()):
            for prefix, path in TORCH_KERNEL_PREFIXES:
                if name.startswith(prefix) and callable(fn):
                    def logged(*a, _fn=fn, _path=f"{path} ({mod.__name__}.{name})", **k):
                        ran.append(_path)
                        return _fn(*a, **k)
                    wrapped.append((mod, name, fn))
                    setattr(mod, name, logged)
    try:
        yield ran
    finally:
        for mod, name, fn in wrapped:
            setattr(mod, name, fn)

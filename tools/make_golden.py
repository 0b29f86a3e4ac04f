#!/usr/bin/env python3
"""Record float64 optimizer trajectories from PyTorch, Keras and Optax as golden fixtures.

Descent Lab's NumPy core (``optim``) re-implements the optimizers of three
libraries ("flavors").  This script runs the *real* libraries on the project's
2-D objectives and writes what they did to

    tests/golden/torch.json   (torch.optim, CPU, float64)
    tests/golden/keras.json   (Keras 3 on the torch backend, floatx float64)
    tests/golden/optax.json   (Optax on JAX with jax_enable_x64)
    tests/golden/<library>-optimizers.json   (the optimizers of issue 14)
    tests/golden/network/<library>.json      (a small network trained, golden_network.py)

so the core can be tested for parity against them.  It is the command line
only; the work is in modules of one idea each:

    golden_cases.py      the cases, as data (which library runs which optimizer how)
    golden_native.py     canonical hyperparameters -> each library's own call
    golden_libraries.py  float64 set-up and pinned versions of torch, Keras, optax
    golden_runners.py    one case through the real library: its path, 200 steps
    golden_record.py     the checks every path passes, and the JSON written
    golden_network.py    the network fixtures: runners, checks (cases in golden_network_cases.py)
    golden_schedules.py  the learning-rate schedule fixtures (cases in golden_schedule_cases.py)

Every trajectory isolates optimizer semantics: the gradient handed to the
library at every step is exactly ``optim.get_objective(name, **params).grad(x)``
evaluated by NumPy at the library's current float64 parameters; the library
only updates the parameters.  Each trajectory is x0 plus STEPS updates
(STEPS + 1 points); what a case records, and why ``sensitivity`` makes
1e-12 * max(1, sensitivity) a tight but safe tolerance, is in golden_record.py.

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
from pathlib import Path

import golden_libraries  # noqa: F401  (sets KERAS_BACKEND and JAX_PLATFORMS before keras or jax is imported)
import golden_network
from golden_record import record_trajectories
from golden_runners import RUNNERS

NETWORKS = {f"{lib}-network": lib for lib in golden_network.LIBRARIES}
"""The network fixtures (tests/golden/network/<library>.json) by their name on the command line."""


def main(argv=None) -> None:
    """Regenerate the fixtures named on the command line (all of them by default)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("libraries", nargs="*", metavar="LIBRARY",
                    help=f"which fixture files to (re)generate: {', '.join(RUNNERS)} "
                         "(default: all)")
    ap.add_argument("--any-version", action="store_true",
                    help="allow library versions other than the pinned ones")
    args = ap.parse_args(argv)
    if not Path("optim").is_dir():
        raise SystemExit("run from the repository root with PYTHONPATH=.")
    unknown = set(args.libraries) - set(RUNNERS) - set(NETWORKS)
    if unknown:
        ap.error(f"unknown library: {', '.join(sorted(unknown))}")
    for name in args.libraries or list(RUNNERS) + sorted(NETWORKS):
        if name in NETWORKS:
            golden_network.generate(NETWORKS[name], args.any_version)
        else:
            record_trajectories(name, args.any_version)


if __name__ == "__main__":
    main()

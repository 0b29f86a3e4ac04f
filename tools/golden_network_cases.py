"""The golden cases of the network fixtures, as data: the networks, and which optimizer each library trains how.

``tools/golden_network.py`` trains every case here with the real library and writes
``tests/golden/network/<library>.json``. ``NETWORKS`` fixes each network's sizes, activation, data set,
initial parameters' seed, batch size and shuffling; a case names the optimizer, a short label (part of
the case id ``<library>/<optimizer>/<label>/<network>``), the networks it runs on, ONLY the canonical
hyperparameters passed explicitly, and the tolerance the core must meet at every step when the library
is known to compute partly in float32 (with a note saying why).

>>> [c.optimizer for c in TORCH_CASES][:3]
['gd', 'sgd', 'sgd']
"""

from __future__ import annotations

from dataclasses import dataclass, field

TOLERANCE = 1e-9
"""The core's largest relative difference from the library allowed after every step."""

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
    """One training to record: ``optimizer`` with ``hp`` on each of ``networks``, checked to ``tolerance``."""

    optimizer: str
    label: str            # short description, part of the case id
    networks: tuple[str, ...]
    hp: dict = field(default_factory=dict)
    note: str = ""
    tolerance: float = TOLERANCE


def N(optimizer, label, networks=(BIG, SMALL), note="", tolerance=TOLERANCE, **hp):
    """A table row; by default on both networks."""
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

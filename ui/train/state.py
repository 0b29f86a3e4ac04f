"""The Train page's state: the data, the network, up to six optimizer configurations, the training and the view.

Plain Python (no Streamlit), so the URL round trip can be tested on its own. An uploaded CSV cannot
travel in a link: the state only remembers that the data came from a file (``data=upload``), and the
page asks for it again, training on the generated data meanwhile.

Layout of the page's query parameters (``N`` is 1..6)::

    data=moons  noise=0.1  n=400  data_seed=0             the generated points (data=upload: a file)
    layers=2  width=16  activation=tanh                   the network: hidden layers, their width
    cN=adam  cN.flavor=torch  cN.lr=0.01  cN.schedule=... configuration N, as on Compare
    batch=32  epochs=30  seeds=3                          mini-batches, passes, K initialisations/shuffles
    run=2  run_seed=1  slice=pca  step=120                the run on show, the slice's directions, the step
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import optim
from optim import Param

from ..model import MAX_CONFIGS, OptConfig, make_config
from ..query import QueryDict, QueryReader, fmt, shorten
from ..urlstate import decode_numbered_configs, encode_hyperparameters, warn_unknown

DATASETS = {"moons": "Two moons", "circles": "Circles", "spiral": "Spiral", "xor": "XOR", "gaussians": "Gaussians"}
UPLOAD = "upload"
SLICES = {"pca": "Principal directions of the path", "random": "Random directions (filter-normalised)"}
TEST_FRACTION = 0.2
MAX_STEPS = 5000
"""Most steps one training takes (epochs x batches per epoch)."""
MAX_NETWORK_STEPS = 150_000
"""Most network-steps one page view trains (configurations x seeds x steps): a few seconds at most."""
MAX_RECORDS = 100
"""The page records the parameters at most about this many times per run (the step control's stops)."""

PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("noise", 0.1, 0.0, optim.datasets.MAX_NOISE, "linear",
              "Standard deviation of the Gaussian noise on each coordinate of the generated points."),
        Param("n", 400, 40, 2000, "int", "How many points to generate; a fifth of them are held out as test points."),
        Param("data_seed", 0, 0, 2**31 - 1, "int", "Seed of the generated points and of the held-out split."),
        Param("layers", 2, 1, 4, "int", "Hidden layers, each of the same width."),
        Param("width", 16, 2, 64, "int", "Units in each hidden layer."),
        Param("activation", "tanh", scale="choice", choices=optim.network.ACTIVATIONS,
              help="The activation of every hidden layer; the output is one logit per class (one for two classes)."),
        Param("batch", 32, 1, 2000, "int",
              "Points per mini-batch; one step per batch, reshuffled every epoch. A batch as large as the training "
              "set is full-batch training."),
        Param("epochs", 30, 1, 500, "int", "Passes over the training points."),
        Param("seeds", 3, 1, 10, "int",
              "K: every configuration trains K networks, each from its own initialisation and with its own "
              "shuffling (seed 1 to K); the curves show their median and interquartile band."),
        Param("run", 1, 1, MAX_CONFIGS, "int", "The configuration whose run the boundary and the slice show."),
        Param("run_seed", 1, 1, 10, "int", "Which of the K seeds the boundary and the slice show."),
        Param("slice", "pca", scale="choice", choices=tuple(SLICES),
              help="The plane of the loss-landscape slice: the top two principal directions of the chosen run's "
                   "path, or two random directions scaled to each filter's weights (Li et al. 2018)."),
    ]
}
INT_PARAMS = frozenset(name for name, p in PARAMS.items() if p.scale == "int")


def default_configs() -> tuple[OptConfig, ...]:
    """SGD with momentum and Adam, both in PyTorch's flavor at rates that train the default network."""
    return (make_config("sgd", "torch", lr=0.05, momentum=0.9), make_config("adam", "torch", lr=0.01))


@dataclass(frozen=True)
class TrainState:
    """Everything the Train page shows, except an uploaded file's contents."""

    data: str = "moons"
    noise: float = 0.1
    n: int = 400
    data_seed: int = 0
    layers: int = 2
    width: int = 16
    activation: str = "tanh"
    configs: tuple[OptConfig, ...] = field(default_factory=default_configs)
    batch: int = 32
    epochs: int = 30
    seeds: int = 3
    run: int = 1
    run_seed: int = 1
    slice: str = "pca"
    step: int | None = None

    @property
    def upload(self) -> bool:
        return self.data == UPLOAD

    def sizes(self, classes: int = 2) -> tuple[int, ...]:
        """The network's layer sizes: two inputs, the hidden layers, one logit for two classes or one per class.

        Example:
            >>> TrainState().sizes(), TrainState(layers=1, width=8).sizes(3)
            ((2, 16, 16, 1), (2, 8, 3))
        """
        return (2, *([self.width] * self.layers), 1 if classes == 2 else classes)


def n_train(n: int) -> int:
    """Training points out of ``n`` generated ones (the rest are held out), as :func:`optim.make_dataset` splits.

    Example:
        >>> n_train(400)
        320
    """
    return n - max(1, round(n * TEST_FRACTION))


def steps_for(points: int, batch: int, epochs: int) -> int:
    """Steps of ``epochs`` passes over ``points`` training points in batches of ``batch`` (the last one smaller).

    Example:
        >>> steps_for(320, 32, 30), steps_for(321, 32, 1), steps_for(10, 32, 5)
        (300, 11, 5)
    """
    return epochs * max(1, math.ceil(points / batch))


def record_every(steps: int) -> int:
    """Record every this many steps, so a run keeps at most about :data:`MAX_RECORDS` + 1 parameter vectors.

    Example:
        >>> record_every(300), record_every(80)
        (3, 1)
    """
    return max(1, math.ceil(steps / MAX_RECORDS))


def check_work(steps: int, networks: int) -> None:
    """ValueError with one sentence when a view would train too long for a shared server.

    Example:
        >>> check_work(6000, 1)
        Traceback (most recent call last):
        ...
        ValueError: 6,000 steps per network is more than the page trains (5,000); use fewer epochs or larger batches.
    """
    if steps > MAX_STEPS:
        raise ValueError(f"{steps:,} steps per network is more than the page trains ({MAX_STEPS:,}); use fewer "
                         "epochs or larger batches.")
    if steps * networks > MAX_NETWORK_STEPS:
        raise ValueError(f"{networks} networks x {steps:,} steps is more than the page trains "
                         f"({MAX_NETWORK_STEPS:,} network-steps); use fewer seeds, configurations or epochs.")


def encode_train(s: TrainState) -> dict[str, list[str]]:
    """The page's state as query parameters (see the module docstring)."""
    out = {"data": [s.data]}
    if not s.upload:
        out.update({name: [fmt(getattr(s, name))] for name in ("noise", "n", "data_seed")})
    out.update({name: [fmt(getattr(s, name))] for name in ("layers", "width", "activation")})
    for i, cfg in enumerate(s.configs, 1):
        out[f"c{i}"] = [cfg.name]
        out[f"c{i}.flavor"] = [cfg.flavor]
        out.update(encode_hyperparameters(f"c{i}", cfg))
    out.update({name: [fmt(getattr(s, name))] for name in ("batch", "epochs", "seeds", "run", "run_seed", "slice")})
    if s.step is not None:
        out["step"] = [fmt(s.step)]
    return out


def decode_train(query: QueryDict) -> tuple[TrainState, list[str]]:
    """Read the page's state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_train({"data": ["spiral"], "width": ["0"], "c1": ["adam"]})
        >>> state.data, state.width, [c.name for c in state.configs]
        ('spiral', 16, ['adam'])
        >>> messages
        ['`width=0`: 0 is out of range; allowed: a whole number from 2 to 64. Using 16 instead.']
    """
    default = TrainState()
    r = QueryReader(query)
    data = r.raw("data")
    if data is not None and data not in (*DATASETS, UPLOAD):
        r.bad(f"`data={shorten(data)}` is not allowed; allowed: {', '.join((*DATASETS, UPLOAD))}. "
              f"Using {default.data} instead.")
        data = None
    values = {name: r.value(name, p, getattr(default, name), integer=name in INT_PARAMS)
              for name, p in PARAMS.items() if name not in ("run", "run_seed")}
    steps = steps_for(n_train(values["n"]), values["batch"], values["epochs"])
    given = any(r.has(f"c{i}") for i in range(1, MAX_CONFIGS + 1))
    configs = decode_numbered_configs(r, MAX_CONFIGS, "the Train page trains", steps, per_coordinate=False)
    if not configs:
        if given:
            r.bad("No usable configuration in the link; training the default ones.")
        configs = list(default.configs)
    run = r.value("run", Param("run", 1, 1, len(configs), "int"), 1, integer=True)
    run_seed = r.value("run_seed", Param("run_seed", 1, 1, values["seeds"], "int"), 1, integer=True)
    step = r.value("step", Param("step", 0, 0, steps, "int"), None, integer=True, default_text="the last step")
    warn_unknown(r)
    return TrainState(data=data or default.data, configs=tuple(configs), run=run, run_seed=run_seed, step=step,
                      **values), r.messages

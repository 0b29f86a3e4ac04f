"""The Mini-batch page's state: which model, which data, how it is cut into batches, each learning rate.

Plain Python (no Streamlit), so the URL round trip and the data handling can be tested directly.
Everything a link can carry is here; an uploaded CSV cannot travel in a link, so the state only
remembers that the data came from a file (``data=upload``), and the page asks for it again.

Layout of the page's query parameters::

    model=linear  n=200  noise=0.3  scale=0.2  data_seed=0    the model and the generated data
    batch=20  epochs=50  shuffle=0                            the mini-batch schedule
    gd.lr=0.9  sgd.lr=0.2  rmsprop.lr=0.05  adam.lr=0.1       each optimizer's learning rate
    data=upload                                               the data came from an uploaded file
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import optim
from optim import Param, models

from ..urlstate import QueryDict, QueryReader, fmt, shorten

MODELS = {
    "linear": "Linear regression (mean squared error)",
    "logistic": "Logistic regression (log loss)",
}
OPTIMIZERS = ("gd", "sgd", "rmsprop", "adam")
"""Full-batch gradient descent, then three optimizers that see one mini-batch per step."""

TITLES = {"gd": "Gradient descent (full batch)", "sgd": "Mini-batch SGD", "rmsprop": "RMSprop", "adam": "Adam"}
DEFAULT_LR = {"gd": 0.9, "sgd": 0.2, "rmsprop": 0.05, "adam": 0.1}
TRUE_LINE = {"linear": (2.0, 1.0), "logistic": (2.0, -0.5)}
"""The (w, b) that generated data come from."""

MAX_TRAIN_STEPS = 10_000
"""Most mini-batch steps one optimizer takes (epochs x batches per epoch)."""
MAX_LOGISTIC_WORK = 10_000_000
"""Most samples x steps for logistic regression, whose exact loss at every step visits every sample."""

PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("n", 200, 2, models.MAX_ROWS, "linear", "How many samples to generate."),
        Param("noise", 0.3, 0.0, 10.0, "linear",
              "Standard deviation of the noise: added to y for regression, to the score before it is "
              "thresholded into a 0/1 label for classification."),
        Param("scale", 0.2, 0.01, 100.0, "log",
              "Standard deviation of the feature x. Far from 1 it stretches the loss valley: the loss "
              "curves by mean(x²) along W but by 1 along b, so one of them becomes the steep direction."),
        Param("data_seed", 0, 0, 2**31 - 1, "linear", "Seed of the generated data: the same seed, the same data."),
        Param("batch", 20, 1, models.MAX_ROWS, "linear",
              "Samples in each mini-batch; one step per batch. The last batch of an epoch is smaller when the "
              "size does not divide the data; a batch as large as the data is full-batch gradient descent."),
        Param("epochs", 50, 1, 500, "linear", "Passes over the data; each pass is reshuffled."),
        Param("shuffle", 0, 0, 2**31 - 1, "linear", "Seed of the shuffling that deals the samples into batches."),
    ]
}
INT_PARAMS = frozenset({"n", "data_seed", "batch", "epochs", "shuffle"})


def lr_param(name: str) -> Param:
    """The learning-rate spec of optimizer ``name`` (its range is what the core accepts)."""
    return optim.OPTIMIZERS[name].params("textbook")["lr"]


@dataclass(frozen=True)
class MiniBatchState:
    """Everything the Mini-batch page shows, except an uploaded file's contents."""

    model: str = "linear"
    n: int = 200
    noise: float = 0.3
    scale: float = 0.2
    data_seed: int = 0
    batch: int = 20
    epochs: int = 50
    shuffle: int = 0
    lrs: tuple[tuple[str, float], ...] = tuple(DEFAULT_LR.items())
    upload: bool = False

    def lr(self, name: str) -> float:
        return dict(self.lrs)[name]


def encode_minibatch(s: MiniBatchState) -> dict[str, list[str]]:
    """The page's state as query parameters (see the module docstring)."""
    out = {"model": [s.model]}
    out.update({name: [fmt(getattr(s, name))] for name in PARAMS})
    out.update({f"{name}.lr": [fmt(v)] for name, v in s.lrs})
    if s.upload:
        out["data"] = ["upload"]
    return out


def decode_minibatch(query: QueryDict) -> tuple[MiniBatchState, list[str]]:
    """Read the page's state from query parameters: (state, one message per unusable parameter).

    Example:
        >>> state, messages = decode_minibatch({"scale": ["5"], "batch": ["0"]})
        >>> state.scale, state.batch, messages
        (5.0, 20, ['`batch=0`: 0 is out of range; allowed: a whole number from 1 to 10000. Using 20 instead.'])
    """
    default = MiniBatchState()
    r = QueryReader(query)
    model = r.raw("model")
    if model is not None and model not in MODELS:
        r.bad(f"`model={shorten(model)}` is not allowed; allowed: {', '.join(MODELS)}. Using linear instead.")
        model = None
    values = {name: r.value(name, p, getattr(default, name), integer=name in INT_PARAMS) for name, p in PARAMS.items()}
    lrs = tuple((name, r.value(f"{name}.lr", lr_param(name), lr)) for name, lr in default.lrs)
    data = r.raw("data")
    if data not in (None, "upload", "generated"):
        r.bad(f"`data={shorten(data)}` is not allowed; allowed: upload, generated. Using generated data instead.")
    extra = r.unused()
    if extra:
        r.bad("Ignored unknown link parameter" + ("s " if len(extra) > 1 else " ")
              + ", ".join(f"`{shorten(k, 30)}`" for k in extra[:5]) + (" …" if len(extra) > 5 else "") + ".")
    return MiniBatchState(model=model or default.model, lrs=lrs, upload=data == "upload", **values), r.messages


# ----------------------------------------------------------------------------- data


def generated_source(state: MiniBatchState) -> tuple:
    """The key of the state's generated data: ``("generated", model, n, noise, scale, seed)``."""
    return ("generated", state.model, state.n, state.noise, state.scale, state.data_seed)


def upload_source(model: str, name: str, content: bytes) -> tuple:
    """The key of an uploaded file's data: ``("upload", model, name, content)``."""
    return ("upload", model, name, bytes(content))


def load(source: tuple) -> models.Dataset:
    """The data a source key names: generated (regression, or 0/1 labels for logistic) or uploaded.

    Raises ValueError with one sentence for an unusable file.

    Example:
        >>> len(load(generated_source(MiniBatchState(n=30))))
        30
    """
    if source[0] == "generated":
        _, model, n, noise, scale, seed = source
        w, b = TRUE_LINE[model]
        make = models.make_regression if model == "linear" else models.make_classification
        return make(n=n, noise=noise, scale=scale, w=w, b=b, seed=seed)
    _, model, name, content = source
    return read_upload(content, name, model)


def read_upload(content: bytes, name: str, model: str) -> models.Dataset:
    """An uploaded two-column CSV as data for ``model``; ValueError with one sentence if unusable.

    Example:
        >>> read_upload(b"x,y\\n1,2\\n3,4\\n", "points.csv", "linear").x.tolist()
        [1.0, 3.0]
        >>> read_upload(b"x,y\\n1,2\\n3,four\\n", "points.csv", "linear")
        Traceback (most recent call last):
        ...
        ValueError: points.csv: row 3, column 2: 'four' is not a number; the file must hold two numeric columns, ...
    """
    label = shorten(name or "the file", 60)
    try:
        data = models.load_csv(content, label)
    except ValueError as e:
        raise ValueError(f"{label}: {e}") from None
    if model == "logistic" and not np.isin(data.y, (0.0, 1.0)).all():
        raise ValueError(f"{label}: logistic regression needs the second column (y) to hold only 0 and 1 labels.")
    return data


def steps_per_epoch(n: int, batch: int) -> int:
    return models.steps_per_epoch(n, batch)


def check_work(model: str, n: int, batch: int, epochs: int) -> None:
    """ValueError with one sentence when the run would be too long for an interactive page."""
    per_epoch = steps_per_epoch(n, batch)
    steps = epochs * per_epoch
    if steps > MAX_TRAIN_STEPS:
        raise ValueError(
            f"{epochs} epochs of {per_epoch:,} batches is {steps:,} steps; the limit is {MAX_TRAIN_STEPS:,}, "
            "so use larger batches or fewer epochs.")
    if model == "logistic" and steps * n > MAX_LOGISTIC_WORK:
        raise ValueError(
            f"{steps:,} steps over {n:,} samples is too much work for logistic regression (the limit is "
            f"{MAX_LOGISTIC_WORK:,} samples x steps), so use larger batches, fewer epochs or less data.")


def full_objective(model: str, data: models.Dataset) -> optim.Objective:
    """The full-batch loss over (W, b): what gradient descent follows and what the map draws."""
    return (models.linear_regression if model == "linear" else models.logistic_regression)(data)


def objectives(model: str, data: models.Dataset, batch: int, epochs: int, shuffle: int
               ) -> tuple[optim.Objective, optim.Objective]:
    """(full-batch objective, mini-batch objective) over (W, b); both have the exact loss as ``value``."""
    make = models.linear_regression if model == "linear" else models.logistic_regression
    return make(data), make(data, batch_size=batch, epochs=epochs, seed=shuffle)


def make_optimizer(name: str, lr: float) -> optim.Optimizer:
    """The page's optimizers, textbook flavor; SGD without momentum (plain mini-batch SGD)."""
    extra = {"momentum": 0.0} if name == "sgd" else {}
    return optim.make_optimizer(name, "textbook", lr=lr, **extra)


# ----------------------------------------------------------------------------- contour map

SUMMARY_GROUPS = 64
"""Quantile groups per class behind a large data set's logistic-loss contour map."""


def contour_objective(obj: optim.Objective, data: models.Dataset, model: str) -> tuple[optim.Objective, bool]:
    """The objective to draw as a contour map, and whether it summarizes the data.

    The linear model's loss uses the data's moments, so it is exact and cheap at any size. The
    logistic loss visits every sample at every grid point (about 160,000 of them per map); above
    ``2 * SUMMARY_GROUPS`` samples per class the map is drawn from the mean of each of
    ``SUMMARY_GROUPS`` equal-count quantile groups per class, weighted by group size. The paths and
    losses still use every sample. Grid values are memoized, so redrawing the same view is free.
    """
    from dataclasses import replace

    if model == "linear":
        return replace(obj, value=_memo(obj.value)), False
    x, s = np.asarray(data.x, float), 2 * np.asarray(data.y, float) - 1
    summarized = False
    points, signs, weights = [], [], []
    for sign in (1.0, -1.0):
        xs = np.sort(x[s == sign])
        if len(xs) > 2 * SUMMARY_GROUPS:
            groups = np.array_split(xs, SUMMARY_GROUPS)
            xs, w = np.array([g.mean() for g in groups]), np.array([len(g) for g in groups], float)
            summarized = True
        else:
            w = np.ones(len(xs))
        points.append(xs)
        signs.append(np.full(len(xs), sign))
        weights.append(w)
    px, ps, pw = np.concatenate(points), np.concatenate(signs), np.concatenate(weights)
    pw = pw / pw.sum()

    def value(w, b):
        w, b = np.broadcast_arrays(np.asarray(w, float), np.asarray(b, float))
        total = np.zeros(w.shape)
        for i in range(0, len(px), 64):  # bounded memory: grid x 64 samples at a time
            m = ps[i:i + 64] * (w[..., None] * px[i:i + 64] + b[..., None])
            total += (np.logaddexp(0.0, -m) * pw[i:i + 64]).sum(axis=-1)
        return total

    return replace(obj, value=_memo(value)), summarized


def _memo(value, size: int = 4):
    """``value`` remembering its last ``size`` grids (a redraw of the same view recomputes nothing)."""
    cache: dict = {}

    def remembered(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        if x.size < 1000:
            return value(x, y)
        key = (x.shape, hash(x.tobytes()), hash(y.tobytes()))
        if key not in cache:
            if len(cache) >= size:
                cache.pop(next(iter(cache)))
            cache[key] = value(x, y)
        return cache[key]

    return remembered


# ----------------------------------------------------------------------------- results


def results_table(labels: list[str], lrs: tuple[tuple[str, float], ...], trajs: list, minimum) -> pd.DataFrame:
    """Where each optimizer ended, as text for people: 4 significant digits, words where a run diverged."""
    def num(v):
        return f"{v:.4g}"

    rows = []
    for label, (_, lr), t in zip(labels, lrs, trajs, strict=True):
        diverged = int(t.diverged_at) >= 0
        w, b = (float(v) for v in t.final_x)
        loss = float(t.final_loss)
        rows.append({
            "optimizer": label, "learning rate": f"{lr:g}", "steps": int(t.steps),
            "final W": "diverged" if diverged else num(w), "final b": "diverged" if diverged else num(b),
            "final loss": "diverged" if diverged else num(loss),
            "above the minimum": "—" if diverged or minimum is None else num(loss - minimum.value),
            "diverged at step": str(int(t.diverged_at)) if diverged else "no",
        })
    return pd.DataFrame(rows)

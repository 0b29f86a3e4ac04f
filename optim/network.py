"""A small fully connected network in NumPy: float64, analytic gradients, batched over networks.

:class:`MLP` holds only the architecture. Parameters live outside it as one flat
float64 vector per network, laid out layer by layer as ``W`` (fan_in x fan_out,
row-major, so a layer computes ``x @ W + b``) then ``b``; :attr:`MLP.layout` gives
those tensor shapes, the ``layout`` the optimizer rules receive.

Two conventions, as in the rest of the core:

- the user-facing methods (:meth:`MLP.loss`, :meth:`MLP.predict`, :meth:`MLP.accuracy`)
  take parameters ``(P,)`` for one network or ``(B, P)`` for B networks, like
  :func:`optim.run`'s start points;
- :meth:`MLP.value_and_grad`, the training loop's inner call, takes them
  coordinate-first, ``(P, B)``, as the optimizer rules hold them, so B networks take
  one vectorized forward and backward pass (batched ``matmul`` over the network axis).

The loss follows the output: one logit is binary cross-entropy with logits (labels
0 or 1), k >= 2 logits is softmax cross-entropy (labels 0 .. k-1), and
``task="regression"`` is the mean squared error over all outputs (torch's
``MSELoss``). Every loss is the mean over the batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

ACTIVATIONS = ("tanh", "relu", "sigmoid")
TASKS = ("classification", "regression")
MAX_WIDTH = 512
MAX_LAYERS = 8
CHUNK_ELEMENTS = 1 << 18
"""How many hidden activations (networks x rows x width) :meth:`MLP.evaluate` holds at once."""


def sigmoid(z):
    """The logistic function without overflow for large ``|z|``."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class Scratch:
    """Reusable arrays for the activations of one caller's repeated passes.

    A fresh array of a few hundred KB or more comes from the operating system with
    its pages zeroed on first touch, which costs more than the arithmetic on it; a
    training loop that reuses its buffers runs several times faster. Each caller
    (one :func:`optim.train` call) owns its own, so nothing is shared between threads.
    """

    def __init__(self):
        self._arrays: dict[tuple, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An uninitialised float64 array ``shape`` kept under ``(name, shape)``."""
        key = (name, shape)
        if key not in self._arrays:
            self._arrays[key] = np.empty(shape)
        return self._arrays[key]


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|) (as np.logaddexp(0, z), in a third of the time)."""
    out = np.abs(z)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0.0)
    return out


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """The activation of ``z``, in place (a fresh temporary of this size costs more than the arithmetic)."""
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, 0.0, out=z)
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z


def _times_slope(name: str, delta: np.ndarray, a: np.ndarray) -> None:
    """``delta *= activation'``, from the activation's output ``a`` (relu: 1 where the unit is active)."""
    if name == "relu":
        np.multiply(delta, a > 0.0, out=delta)
        return
    slope = np.multiply(a, a) if name == "tanh" else np.subtract(1.0, a)
    if name == "tanh":
        np.subtract(1.0, slope, out=slope)
    else:
        slope *= a
    delta *= slope


@dataclass(frozen=True, eq=False)
class MLP:
    """A multilayer perceptron: layer sizes, hidden activation and task.

    Args:
        sizes: input, hidden and output widths, e.g. ``(2, 16, 16, 1)``.
        activation: ``"tanh"``, ``"relu"`` or ``"sigmoid"`` on every hidden layer.
        task: ``"classification"`` (loss by output width, see the module docstring)
            or ``"regression"`` (mean squared error).

    Example:
        >>> import optim
        >>> net = optim.MLP((2, 16, 16, 1), activation="tanh")
        >>> net.n_params, net.layout
        (337, ((2, 16), (16,), (16, 16), (16,), (16, 1), (1,)))
        >>> theta = net.init(0)
        >>> X, y = np.array([[0.5, -1.0], [1.0, 2.0]]), np.array([0, 1])
        >>> round(float(net.loss(theta, X, y)), 6)
        0.65742
        >>> net.loss(np.stack([theta, net.init(1)]), X, y).shape
        (2,)
    """

    sizes: tuple[int, ...] = (2, 16, 16, 1)
    activation: str = "tanh"
    task: str = "classification"

    def __post_init__(self):
        try:
            sizes = tuple(int(s) for s in self.sizes)
        except (TypeError, ValueError):
            raise ValueError(f"sizes must be whole numbers, input width first, got {self.sizes!r}.") from None
        if len(sizes) < 2 or len(sizes) > MAX_LAYERS + 1 or sizes != tuple(self.sizes):
            raise ValueError(
                f"sizes must be 2 to {MAX_LAYERS + 1} whole numbers (input, hidden widths, output), "
                f"got {self.sizes!r}."
            )
        if not all(1 <= s <= MAX_WIDTH for s in sizes):
            raise ValueError(f"every layer width must be from 1 to {MAX_WIDTH}, got {sizes}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; allowed: {', '.join(ACTIVATIONS)}.")
        if self.task not in TASKS:
            raise ValueError(f"unknown task {self.task!r}; allowed: {', '.join(TASKS)}.")
        object.__setattr__(self, "sizes", sizes)

    @cached_property
    def layout(self) -> tuple[tuple[int, ...], ...]:
        """The tensor shapes, in order, that partition the flat parameter vector."""
        shapes = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            shapes += [(fan_in, fan_out), (fan_out,)]
        return tuple(shapes)

    @property
    def n_params(self) -> int:
        return sum(math.prod(s) for s in self.layout)

    @property
    def n_layers(self) -> int:
        """The number of weight layers (the input is not a layer)."""
        return len(self.sizes) - 1

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Where each tensor of :attr:`layout` starts in the flat vector, and the end."""
        return tuple(np.cumsum([0] + [math.prod(s) for s in self.layout]).tolist())

    @property
    def loss_name(self) -> str:
        """What the network minimises, in words."""
        if self.task == "regression":
            return "mean squared error"
        return "binary cross-entropy" if self.sizes[-1] == 1 else "softmax cross-entropy"

    @property
    def classes(self) -> int | None:
        """How many classes the output separates (2 for one logit); None for regression."""
        if self.task == "regression":
            return None
        return max(2, self.sizes[-1])

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, task={self.task!r})"

    def init(self, seed) -> np.ndarray:
        """Initial parameters as torch.nn.Linear draws them: ``W`` and ``b`` ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

        That is torch's default (Kaiming-uniform with a = sqrt(5) for ``W``), drawn with
        NumPy's seeded generator, tensor by tensor in layout order.

        Args:
            seed: an int gives one network ``(P,)``; a sequence of K ints gives ``(K, P)``.

        Example:
            >>> net = MLP((2, 3, 1))
            >>> net.init(0).shape, net.init([0, 1, 2]).shape
            ((13,), (3, 13))
            >>> bool(np.all(np.abs(net.init(0)[:6]) <= 1 / np.sqrt(2)))
            True
        """
        if np.ndim(seed):
            return np.stack([self.init(s) for s in np.asarray(seed).tolist()])
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, or a list of them, got {seed!r}.")
        rng = np.random.default_rng(int(seed))
        parts = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            bound = 1.0 / math.sqrt(fan_in)
            parts += [rng.uniform(-bound, bound, fan_in * fan_out), rng.uniform(-bound, bound, fan_out)]
        return np.concatenate(parts)

    def unpack(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each layer's ``(W, b)`` as views of coordinate-first ``theta`` ``(P, B)``: ``(B, fi, fo)``, ``(B, fo)``."""
        T = theta.T
        o = self.offsets
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True)):
            W = T[:, o[2 * i]:o[2 * i + 1]].reshape(-1, fan_in, fan_out)
            layers.append((W, T[:, o[2 * i + 1]:o[2 * i + 2]]))
        return layers

    def forward(self, theta: np.ndarray, X: np.ndarray, scratch: Scratch | None = None) -> list[np.ndarray]:
        """Every layer's output for coordinate-first ``theta`` ``(P, B)``: inputs, hidden activations, logits.

        ``X`` is ``(n, d)`` shared by all B networks or ``(B, n, d)``, one batch per network.
        The outputs live in ``scratch`` (a new one by default) until its next use.
        """
        scratch = Scratch() if scratch is None else scratch
        outs = [X]
        layers = self.unpack(theta)
        for i, (W, b) in enumerate(layers):
            z = np.matmul(outs[-1], W, out=scratch.get(f"z{i}", (len(W), X.shape[-2], W.shape[-1])))
            z += b[:, None, :]
            outs.append(z if i == len(layers) - 1 else _activate(self.activation, z))
        return outs

    def _head(self, logits: np.ndarray, y: np.ndarray, grad: bool):
        """Mean loss ``(B,)`` over the batch and, with ``grad``, its derivative by the logits."""
        n = logits.shape[-2]
        if self.task == "regression":
            r = logits - y
            loss = (r * r).mean(axis=(-2, -1))
            return loss, (r * (2.0 / (n * logits.shape[-1])) if grad else None)
        if logits.shape[-1] == 1:
            z = logits[..., 0]
            loss = _softplus(z)
            loss -= y * z
            loss = loss.mean(axis=-1)
            return loss, ((sigmoid(z) - y)[..., None] / n if grad else None)
        m = logits.max(axis=-1, keepdims=True)
        e = np.exp(logits - m)
        s = e.sum(axis=-1, keepdims=True)
        index = np.broadcast_to(y[..., None], logits.shape[:-1] + (1,))
        loss = (m + np.log(s) - np.take_along_axis(logits, index, axis=-1))[..., 0].mean(axis=-1)
        if not grad:
            return loss, None
        p = e / s
        p -= y[..., None] == np.arange(logits.shape[-1])
        return loss, p / n

    def value_and_grad(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                       scratch: Scratch | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean loss ``(B,)`` and its exact gradient ``(P, B)`` at coordinate-first ``theta`` ``(P, B)``.

        ``X`` is ``(n, d)`` or ``(B, n, d)`` and ``y`` ``(n,)``/``(B, n)`` (``(.., n, k)`` for a
        k-output regression). Backpropagation in float64, batched over the B networks.

        Example:
            >>> net = MLP((2, 3, 1))
            >>> theta = np.ascontiguousarray(net.init([0, 1]).T)  # (13, 2): two networks, coordinate-first
            >>> loss, grad = net.value_and_grad(theta, np.array([[1.0, -1.0]]), np.array([1.0]))
            >>> loss.shape, grad.shape
            ((2,), (13, 2))
        """
        scratch = Scratch() if scratch is None else scratch
        outs = self.forward(theta, X, scratch)
        loss, delta = self._head(outs[-1], y, grad=True)
        B = theta.shape[1]
        G = np.empty((B, theta.shape[0]))
        layers = self.unpack(theta)
        o = self.offsets
        for i in range(len(layers) - 1, -1, -1):
            a = outs[i]
            G[:, o[2 * i]:o[2 * i + 1]] = np.matmul(np.swapaxes(a, -1, -2), delta).reshape(B, -1)
            G[:, o[2 * i + 1]:o[2 * i + 2]] = delta.sum(axis=-2)
            if i:
                W = layers[i][0]
                delta = np.matmul(delta, np.swapaxes(W, -1, -2), out=scratch.get(f"d{i}", a.shape[:-1] + (len(W[0]),)))
                _times_slope(self.activation, delta, a)
        return loss, np.ascontiguousarray(G.T)

    def evaluate(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray,
                 scratch: Scratch | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean loss ``(B,)`` on all of ``(X, y)`` and the share classified right (None for regression).

        ``theta`` is coordinate-first ``(P, B)``; the work goes in chunks of networks and
        rows so at most :data:`CHUNK_ELEMENTS` activations are held at once, however
        many networks (a landscape grid) or rows (a large data set) there are.

        Example:
            >>> net = MLP((2, 3, 1))
            >>> loss, right = net.evaluate(np.ascontiguousarray(net.init([0, 1]).T), np.eye(2), np.array([0.0, 1.0]))
            >>> loss.shape, right.tolist()
            ((2,), [0.5, 0.5])
        """
        scratch = Scratch() if scratch is None else scratch
        B, n = theta.shape[1], len(X)
        width = max(self.sizes)
        rows = max(1, min(n, CHUNK_ELEMENTS // width))
        nets = max(1, CHUNK_ELEMENTS // (rows * width))
        loss = np.zeros(B)
        right = None if self.task == "regression" else np.zeros(B)
        for j in range(0, B, nets):
            part = theta[:, j:j + nets]
            for i in range(0, n, rows):
                logits = self.forward(part, X[i:i + rows], scratch)[-1]
                yi = y[i:i + rows]
                loss[j:j + nets] += self._head(logits, yi, grad=False)[0] * len(yi)
                if right is not None:
                    label = logits[..., 0] > 0 if logits.shape[-1] == 1 else logits.argmax(axis=-1)
                    right[j:j + nets] += (label == yi).sum(axis=-1)
        return loss / n, (None if right is None else right / n)

    def _coordinate_first(self, params) -> tuple[np.ndarray, bool]:
        theta = np.asarray(params, dtype=np.float64)
        if theta.ndim not in (1, 2) or theta.shape[-1] != self.n_params:
            raise ValueError(f"params must have shape ({self.n_params},) or (B, {self.n_params}), got {theta.shape}.")
        return np.ascontiguousarray(theta.reshape(-1, self.n_params).T), theta.ndim == 1

    def loss(self, params, X, y):
        """The mean loss on ``(X, y)`` for parameters ``(P,)`` (a float) or ``(B, P)`` (``(B,)``)."""
        theta, single = self._coordinate_first(params)
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        with np.errstate(all="ignore"):
            loss = self.evaluate(theta, X, self.targets(y))[0]
        return float(loss[0]) if single else loss

    def targets(self, y) -> np.ndarray:
        """Labels as the loss uses them: float 0/1 for one logit, int classes for k logits.

        Regression targets become ``(n, k)`` for k outputs (``(n,)`` is read as one output).
        """
        y = np.asarray(y)
        if self.task == "regression":
            y = y.astype(np.float64)
            return y[..., None] if self.sizes[-1] == 1 and (y.ndim == 1 or y.shape[-1] != 1) else y
        return y.astype(np.float64) if self.sizes[-1] == 1 else y.astype(np.intp)

    def predict(self, params, X) -> np.ndarray:
        """Outputs for ``X`` ``(n, d)``: class probabilities ``(n, k)`` (``(n,)``, P(class 1), for one logit).

        For regression, the raw outputs ``(n, k)``. Parameters ``(B, P)`` add a leading B axis.

        Example:
            >>> net = MLP((2, 4, 3))
            >>> p = net.predict(net.init(0), np.zeros((5, 2)))
            >>> p.shape, bool(np.allclose(p.sum(axis=1), 1.0))
            ((5, 3), True)
        """
        theta, single = self._coordinate_first(params)
        with np.errstate(all="ignore"):
            z = self.forward(theta, np.asarray(X, dtype=np.float64))[-1]
            if self.task == "classification":
                if z.shape[-1] == 1:
                    z = sigmoid(z[..., 0])
                else:
                    e = np.exp(z - z.max(axis=-1, keepdims=True))
                    z = e / e.sum(axis=-1, keepdims=True)
        return z[0] if single else z

    def accuracy(self, params, X, y):
        """The share of ``(X, y)`` classified right, for ``(P,)`` (a float) or ``(B, P)`` parameters."""
        if self.task == "regression":
            raise ValueError("accuracy needs a classification network; this one does regression.")
        p = self.predict(params, X)
        label = (p > 0.5) if self.sizes[-1] == 1 else p.argmax(axis=-1)
        right = (label == np.asarray(y)).mean(axis=-1)
        return float(right) if np.ndim(right) == 0 else right


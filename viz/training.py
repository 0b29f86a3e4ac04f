"""Figures for training a two-parameter model: the loss over (W, b), loss per epoch, data with fitted lines.

Pure functions from arrays and :class:`viz.Series` to figure dicts (``{"data", "layout"}``, built without
plotly's validators; the live chart sends them as they are), drawing nothing themselves, for the Mini-batch
page. The contour map is :func:`viz.contour_figure` with the axes named after the parameters; the loss chart
counts epochs, not steps, so full-batch gradient descent (one step an epoch) and mini-batch optimizers (many
steps an epoch) line up on the same data passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .contour import contour_figure
from .layout import base_layout
from .series import esc, f32

LOG_SPAN = 100.0
MAX_DATA_POINTS = 2000
"""Most data points the scatter draws (an even selection of larger data sets)."""


@dataclass(frozen=True)
class Fit:
    """A fitted line (or logistic curve) with the label and colour of the optimizer that found it."""

    label: str
    color: str
    w: float
    b: float
    dash: str = "solid"


def parameter_contour_figure(objective, series, *, height: int = 460, title: str = "Loss over (W, b)",
                             grid: int = 80) -> dict:
    """The loss over (W, b) with every series' path; W across, b up, the minimum marked.

    ``grid`` points per axis are enough for these smooth bowls, and keep a logistic loss (which
    visits every sample at every grid point) quick to draw.

    Returns:
        A figure dict ``{"data", "layout"}``: :func:`viz.contour_figure`'s, its axes and hover named after W and b.

    Example:
        >>> import numpy as np, optim, viz
        >>> from optim import models
        >>> obj = models.linear_regression(models.make_regression(50, seed=1))
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.5), obj, x0=(0, 0), steps=20)
        >>> fig = viz.parameter_contour_figure(obj, [viz.Series("GD", "#0072b2", t)])
        >>> fig["layout"]["xaxis"]["title"]["text"], fig["layout"]["yaxis"]["title"]["text"]
        ('W (weight)', 'b (bias)')
    """
    fig = contour_figure(objective, series, height=height, title=title, grid=grid)
    layout = fig["layout"]
    layout["xaxis"]["title"]["text"] = "W (weight)"
    layout["yaxis"]["title"]["text"] = "b (bias)"
    for tr in fig["data"]:
        if tr["meta"] in ("path", "start", "end") and tr.get("hovertemplate"):
            tr["hovertemplate"] = tr["hovertemplate"].replace("(%{x:.4g}, %{y:.4g})", "W = %{x:.4g}, b = %{y:.4g}")
    return fig


def epoch_loss_figure(series, steps_per_epoch: Sequence[int], *, f_min: float | None = None, height: int = 460,
                      title: str = "Loss per epoch") -> dict:
    """Full-batch loss at the end of every epoch (epoch 0 is the start) for each series.

    Args:
        series: :class:`viz.Series`; ``traj.losses`` holds the exact loss after every step.
        steps_per_epoch: for each series, how many steps make one epoch (1 for full-batch descent).
        f_min: the lowest loss possible; when given the curves show ``loss - f_min``, on a log axis
            when they span more than two decades.
        height, title: the figure's.

    Returns:
        A figure dict ``{"data", "layout"}``: per series an ``"epoch-loss"`` line (named after the label), and
        a ``"diverged"`` cross at the last finite epoch of a run that diverged.

    Example:
        >>> import optim, viz
        >>> t = optim.run(optim.make_optimizer("gd", lr=0.1), "quadratic", x0=[1.0, 1.0], steps=10)
        >>> fig = viz.epoch_loss_figure([viz.Series("GD", "#0072b2", t)], [5], f_min=0.0)
        >>> fig["data"][0]["x"], fig["layout"]["xaxis"]["title"]["text"]
        ([0, 1, 2], 'epoch')
    """
    if len(steps_per_epoch) != len(series):
        raise ValueError("epoch_loss_figure needs one steps-per-epoch count per series.")
    curves = []
    for s, k in zip(series, steps_per_epoch, strict=True):
        losses = np.asarray(s.traj.losses, dtype=float)[:: max(int(k), 1)]
        y = losses if f_min is None else np.maximum(losses - f_min, 1e-16 * max(1.0, abs(f_min)))
        curves.append((s, losses, y))
    finite = np.concatenate([y[np.isfinite(y)] for _, _, y in curves]) if curves else np.empty(0)
    log = bool(finite.size) and bool((finite > 0).all()) and finite.max() / finite.min() > LOG_SPAN
    ylabel = "loss − minimum" if f_min is not None else "loss"
    data = []
    for s, losses, y in curves:
        epochs = np.arange(len(y))
        ok = np.isfinite(y)
        data.append(dict(
            type="scatter", x=epochs[ok].tolist(), y=f32(y[ok]), customdata=f32(losses[ok]), name=s.label,
            legendgroup=s.label, meta="epoch-loss", mode="lines+markers" if len(y) <= 120 else "lines",
            line=dict(color=s.color, width=2), marker=dict(color=s.color, size=4),
            hovertemplate=f"<b>{esc(s.label)}</b><br>epoch %{{x}}<br>loss = %{{customdata:.6g}}<extra></extra>",
        ))
        if not ok.all() and ok.any():
            last = int(np.flatnonzero(ok)[-1])
            data.append(dict(
                type="scatter", x=[last], y=[float(y[last])], mode="markers", meta="diverged", showlegend=False,
                legendgroup=s.label, marker=dict(symbol="x", size=12, color=s.color),
                hovertemplate=f"<b>{esc(s.label)}</b><br>diverged after epoch {last}<extra></extra>",
            ))
    layout = base_layout(title, height, uirevision=f"epochs:{f_min is not None}", legend=bool(series))
    layout.update(
        xaxis=dict(title=dict(text="epoch", standoff=4), zeroline=False, ticks="outside", rangemode="tozero"),
        yaxis=dict(title=dict(text=ylabel, standoff=4), type="log" if log else "linear", ticks="outside",
                   exponentformat="power" if log else "B"),
    )
    return {"data": data, "layout": layout}


def fit_figure(x, y, fits: Sequence[Fit], *, logistic: bool = False, height: int = 420,
               title: str = "Data and fitted lines") -> dict:
    """The data as points and each fit as a line y = W x + b (or the curve σ(W x + b) for 0/1 labels).

    Labels of a classification are drawn with a small fixed vertical jitter so piles of points
    stay visible. At most :data:`MAX_DATA_POINTS` points are drawn.

    Returns:
        A figure dict ``{"data", "layout"}``: a ``"fit"`` line per fit with finite W and b, then the
        ``"data"`` points on top.

    Example:
        >>> import numpy as np, viz
        >>> fig = viz.fit_figure(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]),
        ...                      [viz.Fit("least squares", "#000000", 2.0, 1.0, "dash")])
        >>> [t["meta"] for t in fig["data"]], [round(float(v), 3) for v in fig["data"][0]["y"]]
        (['fit', 'data'], [0.8, 5.2])
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    idx = np.unique(np.linspace(0, len(x) - 1, MAX_DATA_POINTS).round().astype(int)) if len(x) else np.arange(0)
    px, py = x[idx], y[idx]
    if logistic:
        py = py + np.random.default_rng(0).uniform(-0.03, 0.03, len(py))
    points = dict(
        type="scatter", x=f32(px), y=f32(py), mode="markers", name=f"data ({len(x):,} samples)", meta="data",
        legendrank=1, marker=dict(color="rgba(60, 70, 85, 0.45)", size=5, line=dict(color="white", width=0.5)),
        hovertemplate="x = %{x:.4g}<br>y = %{y:.4g}<extra></extra>" if not logistic else
        "x = %{x:.4g}<extra></extra>",
    )
    lo, hi = (float(x.min()), float(x.max())) if len(x) else (-1.0, 1.0)
    pad = 0.05 * (hi - lo or 1.0)
    grid = np.linspace(lo - pad, hi + pad, 200 if logistic else 2)
    data = []
    for f in fits:
        if not (np.isfinite(f.w) and np.isfinite(f.b)):
            continue
        z = f.w * grid + f.b
        line = 0.5 * (1 + np.tanh(0.5 * z)) if logistic else z
        shown = "σ(W x + b)" if logistic else "W x + b"
        data.append(dict(
            type="scatter", x=f32(grid), y=f32(line), mode="lines", name=f.label, meta="fit", legendgroup=f.label,
            line=dict(color=f.color, width=2.5 if f.dash == "solid" else 2, dash=f.dash),
            hovertemplate=f"<b>{esc(f.label)}</b><br>{shown}, W = {f.w:.4g}, b = {f.b:.4g}<extra></extra>",
        ))
    data.append(points)  # on top, so points on a well-fitted line stay visible
    layout = base_layout(title, height, uirevision="fit", legend=True)
    ylo, yhi = ((-0.15, 1.15) if logistic else
                (float(np.nanmin(y)), float(np.nanmax(y))) if len(y) else (-1.0, 1.0))
    ypad = 0 if logistic else 0.08 * (yhi - ylo or 1.0)
    layout.update(
        xaxis=dict(title=dict(text="x (feature)", standoff=4), zeroline=False, ticks="outside"),
        yaxis=dict(title=dict(text="y (label: 0 or 1)" if logistic else "y (target)", standoff=4),
                   zeroline=False, ticks="outside", range=[ylo - ypad, yhi + ypad]),
    )
    return {"data": data, "layout": layout}

"""A trained network's curves: loss and test accuracy over K seeds, and each layer's step size against its weights.

Figures are plain dicts for the live chart (``ui/live_chart``). Divergence is NaN-masked: a diverged
seed counts as an infinitely large loss from its step on (the band runs to the top, and the median
stops where half or more diverged, as on Compare's noise bands), while its accuracy is left out of
the accuracy quantiles (a diverged network has no accuracy); the legend says how many diverged.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .bands import BAND_OPACITY, quantiles
from .layout import base_layout, grid_domains, panel_title, room_for_legend
from .losses import LOG_SPAN, log_ticks
from .series import drawn_indices, esc, f32, legend_name


@dataclass(frozen=True, eq=False)
class Curves:
    """One configuration's K networks: ``steps`` ``(R,)`` recorded steps, ``losses``/``accuracy`` ``(R, K)``."""

    label: str
    color: str
    steps: np.ndarray
    losses: np.ndarray
    accuracy: np.ndarray | None


def _rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    return f"rgba({int(c[0:2], 16)}, {int(c[2:4], 16)}, {int(c[4:6], 16)}, {alpha})"


def _accuracy_quantiles(acc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with warnings.catch_warnings():  # a step where every seed diverged has no accuracy: NaN, said in the legend
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanpercentile(acc, [25, 50, 75], axis=1)
    return q[0], q[1], q[2]


def _band(c: Curves, lo, mid, hi, *, x: str, y: str, name: str, fmt: str, legend: bool) -> list[dict]:
    steps = np.asarray(c.steps, dtype=np.int32)
    common = dict(type="scatter", x=steps, mode="lines", legendgroup=c.label, xaxis=x, yaxis=y)
    return [
        dict(common, y=f32(hi), line=dict(width=0, color=c.color), showlegend=False, hoverinfo="skip",
             meta="band-upper"),
        dict(common, y=f32(lo), line=dict(width=0, color=c.color), fill="tonexty",
             fillcolor=_rgba(c.color, BAND_OPACITY), showlegend=False, hoverinfo="skip", meta="band-lower"),
        dict(common, y=f32(mid), line=dict(width=2.2, color=c.color), name=name, showlegend=legend, meta="median",
             hovertemplate=f"<b>{esc(c.label)}</b><br>step %{{x}}<br>median {fmt}<extra></extra>"),
    ]


def curves_figure(curves: list[Curves], height: int = 380) -> dict:
    """Training loss (left) and test accuracy (right) per recorded step: median and interquartile band over K.

    Example:
        >>> s = np.arange(0, 101, 10)
        >>> c = Curves("Adam", "#0072b2", s, np.exp(-s / 30.0)[:, None] * [1.0, 1.2, 0.9], np.ones((11, 3)))
        >>> fig = curves_figure([c])
        >>> [t["meta"] for t in fig["data"]], fig["layout"]["yaxis"]["type"]
        (['band-upper', 'band-lower', 'median', 'band-upper', 'band-lower', 'median'], 'linear')
    """
    data: list[dict] = []
    drawn = []
    for c in curves:
        q1, med, q3, div = quantiles(c.losses)
        finite = np.concatenate([q1, med, q3])
        drawn.append(finite[np.isfinite(finite)])
        k = c.losses.shape[1]
        ndiv = int(div[-1])
        name = legend_name(f"{c.label} · {k} seed{'s' if k > 1 else ''}" + (f" ({ndiv} diverged)" if ndiv else ""))
        top = np.where(np.isfinite(q3), q3, np.nan)
        data += _band(c, np.where(np.isfinite(q1), q1, np.nan), np.where(np.isfinite(med), med, np.nan), top,
                      x="x", y="y", name=name, fmt="loss %{y:.4g}", legend=True)
        if c.accuracy is not None:
            a1, am, a3 = _accuracy_quantiles(c.accuracy)
            data += _band(c, a1, am, a3, x="x2", y="y2", name=name, fmt="test accuracy %{y:.1%}", legend=False)
    values = np.concatenate(drawn) if drawn else np.empty(0)
    log = bool(values.size) and bool((values > 0).all()) and values.max() / values.min() > LOG_SPAN
    (xd1, yd), (xd2, _) = grid_domains(1, 2, 0.1, 0.0)
    layout = base_layout("", height, uirevision="train:curves", legend=bool(curves))
    room_for_legend(layout, data)
    layout.pop("title")
    layout["margin"].update(t=30)
    layout.update(
        xaxis=dict(domain=xd1, title=dict(text="step", standoff=4), zeroline=False, ticks="outside", anchor="y"),
        yaxis=dict(domain=yd, title=dict(text="training loss", standoff=4), type="log" if log else "linear",
                   ticks="outside", exponentformat="power" if log else "B", anchor="x",
                   **log_ticks(values if log else None)),
        xaxis2=dict(domain=xd2, title=dict(text="step", standoff=4), zeroline=False, ticks="outside", anchor="y2"),
        yaxis2=dict(domain=yd, title=dict(text="test accuracy", standoff=4), range=[0, 1.02], tickformat=".0%",
                    ticks="outside", anchor="x2"),
        annotations=[panel_title("<b>Training loss</b>", xd1, yd, 13),
                     panel_title("<b>Test accuracy</b>", xd2, yd, 13)],
    )
    narrow_rows = grid_domains(2, 1, 0.0, 0.16)
    narrow = dict(height=2 * height - 60,
                  xaxis=dict(domain=narrow_rows[0][0]), yaxis=dict(domain=narrow_rows[0][1]),
                  xaxis2=dict(domain=narrow_rows[1][0]), yaxis2=dict(domain=narrow_rows[1][1]),
                  annotations=[panel_title("<b>Training loss</b>", *narrow_rows[0], 13),
                               panel_title("<b>Test accuracy</b>", *narrow_rows[1], 13)])
    return {"data": data, "layout": layout, "narrow": [{"below": 700, "layout": narrow}]}


@dataclass(frozen=True, eq=False)
class LayerNorms:
    """One network's per-layer norms: ``weights`` ``(S+1, L)`` = ‖W_l‖ and ``steps`` ``(S, L)`` = ‖ΔW_l‖."""

    label: str
    color: str
    weights: np.ndarray
    steps: np.ndarray


def layer_norms_figure(runs: list[LayerNorms], height_per_row: int = 300) -> dict:
    """One panel per layer: each configuration's step size ‖W_{k+1} − W_k‖ (solid) and weight size ‖W_k‖ (dotted).

    Log y, so a step a thousand times smaller than the weights is as readable as one of their size. A diverged
    run's lines stop where it diverged (NaN).

    Example:
        >>> w = np.ones((11, 2)); d = np.full((10, 2), 0.01)
        >>> fig = layer_norms_figure([LayerNorms("SGD", "#0072b2", w, d)])
        >>> [t["meta"] for t in fig["data"]], fig["layout"]["yaxis"]["type"]
        (['step', 'weights', 'step', 'weights'], 'log')
    """
    layers = runs[0].weights.shape[1] if runs else 0
    cols = min(layers, 3) or 1
    rows = -(-layers // cols) if layers else 1
    domains = grid_domains(rows, cols, 0.08, 0.18 if rows > 1 else 0.0)
    data: list[dict] = []
    drawn: list[list[np.ndarray]] = [[] for _ in range(layers)]
    for r in runs:
        idx_w = drawn_indices(len(r.weights), 1500)
        idx_s = drawn_indices(len(r.steps), 1500)
        with np.errstate(all="ignore"):
            steps = np.where(r.steps > 0, r.steps, np.nan)
        for layer in range(layers):
            drawn[layer] += [steps[:, layer], r.weights[:, layer]]
            ax = "" if layer == 0 else str(layer + 1)
            common = dict(type="scatter", mode="lines", legendgroup=r.label, xaxis=f"x{ax}", yaxis=f"y{ax}")
            data.append(dict(common, x=idx_s.astype(np.int32) + 1, y=f32(steps[idx_s, layer]), meta="step",
                             line=dict(color=r.color, width=1.4), name=legend_name(f"{r.label}: step ‖ΔW‖"),
                             showlegend=layer == 0,
                             hovertemplate=f"<b>{esc(r.label)}</b><br>layer {layer + 1}, step %{{x}}<br>"
                                           "‖ΔW‖ = %{y:.3g}<extra></extra>"))
            data.append(dict(common, x=idx_w.astype(np.int32), y=f32(r.weights[idx_w, layer]), meta="weights",
                             line=dict(color=r.color, width=2, dash="dot"),
                             name=legend_name(f"{r.label}: weights ‖W‖"),
                             showlegend=layer == 0,
                             hovertemplate=f"<b>{esc(r.label)}</b><br>layer {layer + 1}, step %{{x}}<br>"
                                           "‖W‖ = %{y:.3g}<extra></extra>"))
    height = rows * height_per_row + 60
    layout = base_layout("", height, uirevision="train:norms", legend=bool(runs))
    room_for_legend(layout, data)
    room = layout["height"] - height  # the legend's wrapped entries, in the narrow arrangement too
    layout.pop("title")
    layout["margin"].update(t=30)
    notes = []
    for layer, (xd, yd) in enumerate(domains[:layers]):
        ax = "" if layer == 0 else str(layer + 1)
        last = layer == layers - 1
        name = f"Layer {layer + 1} ({'output' if last else 'hidden'})"
        layout[f"xaxis{ax}"] = dict(domain=xd, anchor=f"y{ax}", title=dict(text="step", standoff=2), ticks="outside",
                                    zeroline=False)
        values = np.concatenate(drawn[layer]) if drawn[layer] else np.empty(0)
        layout[f"yaxis{ax}"] = dict(domain=yd, anchor=f"x{ax}", type="log", ticks="outside", exponentformat="power",
                                    title=dict(text="norm" if layer % cols == 0 else "", standoff=2),
                                    **log_ticks(values[np.isfinite(values)]))
        notes.append(panel_title(f"<b>{name}</b>", xd, yd, 13))
    layout["annotations"] = notes
    narrow_domains = grid_domains(max(layers, 1), 1, 0.0, 0.5 / max(layers, 1))
    narrow = {"height": max(layers, 1) * 240 + 80 + room, "annotations": []}
    for layer, (xd, yd) in enumerate(narrow_domains[:layers]):
        ax = "" if layer == 0 else str(layer + 1)
        narrow[f"xaxis{ax}"], narrow[f"yaxis{ax}"] = dict(domain=xd), dict(domain=yd)
        narrow["annotations"].append(panel_title(notes[layer]["text"], xd, yd, 13))
    return {"data": data, "layout": layout, "narrow": [{"below": 760, "layout": narrow}]}

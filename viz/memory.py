"""How long an optimizer remembers: the weight a squared gradient from ``k`` steps ago keeps in its average.

Why a figure of its own: the decay rate β is a number people set without seeing what it means. Drawn as
weights over the gradient's age, β = 0.9 forgets in about ten steps and β = 0.999 in about a thousand, and
AdaGrad's sum never forgets: that is why its steps only ever shrink.

The figure is a plain dict (``{"data", "layout"}``) for the live chart, built without plotly's validators.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import colors
from .layout import base_layout
from .series import f32


def memory_weights_figure(decays, chosen: float | None = None, *, horizon: int = 200, height: int = 330,
                          adagrad: bool = True) -> dict:
    """How much the squared gradient from ``k`` steps ago counts in v_t, for each decay rate β.

    RMSprop's v_t = β v_{t-1} + (1 - β) g_t² gives the gradient from k steps ago the weight
    (1 - β) β^k: memory fades by half every ln(1/2)/ln β steps and lasts about 1/(1 - β) steps.
    AdaGrad's sum gives every past gradient weight 1, forever.

    Args:
        decays: the decay rates β to draw (each in (0, 1)).
        chosen: the decay the page's control is on: drawn thick and labelled with its half-life.
        horizon: ages k = 0..horizon.
        height: figure height in pixels.
        adagrad: also draw AdaGrad's constant weight 1.

    Returns:
        A figure dict ``{"data", "layout"}`` with one ``meta="weights"`` line per decay (``name`` "β = …"), a
        ``meta="adagrad"`` line, and a ``meta="half-life"`` marker on the chosen decay's line.

    Example:
        >>> fig = memory_weights_figure([0.5, 0.9, 0.99], chosen=0.9, horizon=100)
        >>> [tr["name"] for tr in fig["data"] if tr["meta"] == "weights"]
        ['β = 0.5', 'β = 0.9', 'β = 0.99']
    """
    k = np.arange(horizon + 1)
    data = []
    # The other decays in one mid grey, told apart by their dash: a grey ramp from light to near-black vanished
    # on the dark theme at one end (1.1:1) and on the light theme at the other.
    dashes = itertools.cycle(["solid", "dot", "dashdot", "longdash"])
    shown = sorted({float(d) for d in decays} | ({float(chosen)} if chosen is not None else set()))
    for beta in shown:
        if not 0 < beta < 1:
            raise ValueError(f"decay rates must be between 0 and 1 (exclusive), got {beta:g}.")
        w = (1 - beta) * beta ** k.astype(float)
        w = np.where(w > 1e-300, w, np.nan)
        mine = chosen is not None and beta == float(chosen)
        data.append(dict(
            type="scatter", x=k, y=f32(w), name=f"β = {beta:g}", meta="weights", mode="lines",
            line=dict(color="#d55e00", width=3.2) if mine else dict(color=colors.MID_GREY, width=1.6,
                                                                       dash=next(dashes)),
            hovertemplate=f"β = {beta:g}: the gradient from %{{x}} steps ago has weight %{{y:.3g}}<extra></extra>",
        ))
        if mine:
            half = np.log(0.5) / np.log(beta)
            if half <= horizon:
                data.append(dict(
                    type="scatter", x=[half], y=[(1 - beta) * 0.5], mode="markers+text", meta="half-life",
                    showlegend=False, marker=dict(color="#d55e00", size=9, line=dict(color="white", width=1)),
                    text=[f"half after {half:.3g} steps"], textposition="top right",
                    textfont=dict(color="#d55e00", size=11), hoverinfo="skip",
                ))
    if adagrad:
        data.append(dict(
            type="scatter", x=k, y=np.ones_like(k, dtype=np.float32), name="AdaGrad: every gradient, weight 1",
            meta="adagrad", mode="lines", line=dict(color="#0072b2", width=2, dash="dash"),
            hovertemplate="AdaGrad keeps the gradient from %{x} steps ago at weight 1<extra></extra>",
        ))
    layout = base_layout("Weight of a past squared gradient in v_t", height, uirevision="memory")
    layout["margin"] = dict(l=80, r=10, t=34, b=10)
    layout.update(
        xaxis=dict(title=dict(text="age k (steps ago)", standoff=4), ticks="outside", rangemode="tozero"),
        yaxis=dict(title=dict(text="weight (1 − β) β^k", standoff=10), type="log", ticks="outside",
                   exponentformat="power", range=[-6, 0.3]),
    )
    return {"data": data, "layout": layout}

"""Noise bands: loss curves over K noise seeds as a median line and an interquartile band.

Why: with gradient noise on, one run is one draw; the median over K seeds and the band between the
25th and 75th percentiles show what is typical and how much it varies, so two noisy optimizers are
compared on more than luck.

Rules: a diverged seed counts as an infinitely large loss from the step it diverged (so it drags
the quantiles up instead of vanishing). Where the upper quartile is infinite the band runs to the
top of the chart; where the median is infinite (half the seeds or more diverged: with an even K the median of
K/2 finite and K/2 infinite losses is infinite) the median line stops, with an "x" and a note.
The y-axis follows :func:`viz.loss_figure`'s rule: ``f - f*`` when ``f_min`` is given, log scale when
the drawn values are positive and span more than two decades.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import colors
from .layout import base_layout, room_for_legend
from .losses import LOG_SPAN, log_ticks
from .series import drawn_indices, esc, f32, legend_name

BAND_OPACITY = 0.22


@dataclass(frozen=True, eq=False)
class Band:
    """One configuration's losses over K seeds: ``losses`` has shape ``(steps + 1, K)``."""

    label: str
    color: str
    losses: np.ndarray

    def __post_init__(self):
        if np.ndim(self.losses) != 2:
            raise ValueError(f"Band {self.label!r} needs losses of shape (steps + 1, K), got {np.shape(self.losses)}.")

    @property
    def seeds(self) -> int:
        return int(np.shape(self.losses)[1])


def quantiles(losses: np.ndarray, f_min: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per step: 25th percentile, median, 75th percentile (inf where diverged seeds decide) and diverged count.

    Example:
        >>> q1, med, q3, div = quantiles(np.array([[4.0, 4.0, 4.0, 4.0], [1.0, 2.0, 3.0, np.nan]]))
        >>> med.tolist(), q3.tolist(), div.tolist()
        ([4.0, 2.5], [4.0, inf], [0, 1])
    """
    y = np.asarray(losses, dtype=float)
    if f_min is not None:
        floor = 1e-16 * max(1.0, abs(float(f_min)))
        with np.errstate(invalid="ignore"):
            y = np.where(np.isfinite(y), np.maximum(y - float(f_min), floor), y)
    bad = ~np.isfinite(y)
    big = np.where(bad, np.inf, y)
    s = np.sort(big, axis=1)
    out = []
    k = s.shape[1]
    for q in (0.25, 0.5, 0.75):  # linear interpolation that keeps inf as inf (no inf - inf)
        pos = q * (k - 1)
        lo, hi = int(np.floor(pos)), int(np.ceil(pos))
        a, b = s[:, lo], s[:, hi]
        w = pos - lo
        with np.errstate(invalid="ignore"):
            v = np.where(np.isinf(a) | np.isinf(b), np.where(w == 0, a, np.inf), a + w * (b - a))
        out.append(v)
    return out[0], out[1], out[2], bad.sum(axis=1)


def _rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def band_figure(bands: list[Band], *, f_min: float | None = None, height: int = 420, log: bool | None = None,
                title: str | None = None, marks: tuple[list[dict], list[dict]] = ([], [])) -> dict:
    """Median loss and interquartile band over K seeds for each configuration.

    Args:
        bands: list of :class:`Band`, each with its own colour.
        f_min: the objective's minimum value; when given the curves show ``f - f_min``.
        height: figure height in pixels.
        log: force a log (True) or linear (False) y-axis; None decides as the loss chart does.
        title: figure title (default says K).
        marks: layout shapes and annotations to add, such as :func:`viz.rates.rate_marks`' lines where a
            schedule changed a learning rate sharply.

    Returns:
        A figure dict ``{"data", "layout"}``: per band ``meta="band-upper"``, ``"band-lower"`` (filled up
        to the upper edge) and ``"median"``; a ``"median-diverged"`` x where a median becomes infinite.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> b = Band("GD", "#0072b2", np.exp(-np.arange(50.0))[:, None] + rng.uniform(0, 1e-3, (50, 8)))
        >>> fig = band_figure([b], f_min=0.0)
        >>> [t["meta"] for t in fig["data"]], fig["layout"]["yaxis"]["type"]
        (['band-upper', 'band-lower', 'median'], 'log')
    """
    stats = [quantiles(b.losses, f_min) for b in bands]
    drawn = np.concatenate([np.concatenate([q1, med, q3]) for q1, med, q3, _ in stats]) if stats else np.empty(0)
    drawn = drawn[np.isfinite(drawn)]
    if log is None:
        log = bool(drawn.size) and bool((drawn > 0).all()) and drawn.max() / drawn.min() > LOG_SPAN
    top = float(drawn.max()) if drawn.size else 1.0
    ceiling = top * 10 if log and top > 0 else top + 0.1 * (top - float(drawn.min()) if drawn.size else 1.0)
    ylabel = "f − f*" if f_min is not None else "loss"
    data: list[dict] = []
    annotations = []
    for b, (q1, med, q3, div) in zip(bands, stats, strict=True):
        n = len(med)
        idx = drawn_indices(n)
        steps = idx.astype(np.int32)
        upper = np.where(np.isinf(q3), ceiling, q3)[idx]
        lower = np.where(np.isinf(q1), ceiling, q1)[idx]
        k = b.seeds
        ndiv = int(div[-1])
        name = legend_name(f"{b.label} · median, IQR over {k} seeds" + (f" ({ndiv} of {k} diverged)" if ndiv else ""))
        data.append(dict(type="scatter", x=steps, y=f32(upper), mode="lines", line=dict(width=0, color=b.color),
                                 name=name, legendgroup=b.label, showlegend=False, meta="band-upper",
                                 hoverinfo="skip"))
        data.append(dict(
            type="scatter", x=steps, y=f32(lower), mode="lines", line=dict(width=0, color=b.color), fill="tonexty",
            fillcolor=_rgba(b.color, BAND_OPACITY), name=name, legendgroup=b.label, showlegend=False,
            meta="band-lower", customdata=f32(np.column_stack([q3[idx], div[idx]])),
            hovertemplate=f"<b>{esc(b.label)}</b><br>step %{{x}}<br>25th–75th percentile: %{{y:.3g}} – "
                          f"%{{customdata[0]:.3g}}<br>diverged seeds: %{{customdata[1]}} of {k}<extra></extra>"))
        finite = np.isfinite(med)
        last = int(np.flatnonzero(finite)[-1]) if finite.any() else -1
        midx = idx[idx <= last]
        data.append(dict(
            type="scatter", x=midx.astype(np.int32), y=f32(med[midx]), mode="lines",
            line=dict(color=b.color, width=2.2),
            name=name, legendgroup=b.label, meta="median",
            hovertemplate=f"<b>{esc(b.label)}</b><br>step %{{x}}<br>median {ylabel} = %{{y:.4g}}<extra></extra>"))
        if last < n - 1 and last >= 0:
            data.append(dict(
                type="scatter", x=[last], y=[float(med[last])], mode="markers", meta="median-diverged",
                legendgroup=b.label,
                showlegend=False,
                marker=dict(symbol="x", size=12, color=b.color, line=dict(color=colors.MID_GREY, width=1)),
                hovertemplate=f"<b>{esc(b.label)}</b><br>half the seeds or more diverged after step %{{x}}"
                              "<extra></extra>"))
            annotations.append(dict(
                x=last, y=float(np.log10(med[last])) if log else float(med[last]), xref="x", yref="y",
                text="median diverged", showarrow=True, arrowhead=2, arrowsize=0.8, arrowcolor=b.color, ax=-40,
                ay=-22, font=dict(color=b.color, size=11)))
    seeds = sorted({b.seeds for b in bands})
    k_text = "/".join(str(s) for s in seeds) or "K"
    layout = base_layout(title or f"Loss over {k_text} noise seeds: median and interquartile band", height,
                         uirevision=f"bands:{f_min is not None}", legend=bool(bands))
    room_for_legend(layout, data)
    layout.update(
        xaxis=dict(title=dict(text="step", standoff=4), zeroline=False, ticks="outside", rangemode="tozero"),
        yaxis=dict(title=dict(text=ylabel, standoff=4), type="log" if log else "linear", ticks="outside",
                   exponentformat="power" if log else "B", **log_ticks(drawn if log else None)),
        annotations=annotations + list(marks[1]), shapes=list(marks[0]),
    )
    if drawn.size:
        lo = float(drawn.min())
        layout["yaxis"]["range"] = ([np.log10(lo) - 0.2, np.log10(ceiling)] if log
                                    else [min(0.0, lo), ceiling])
    return {"data": data, "layout": layout}

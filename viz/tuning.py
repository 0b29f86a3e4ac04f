"""Fair-tuning chart: every candidate configuration's score against its learning rate, per optimizer.

Why: a tuned comparison is only as fair as the search behind it. Showing every candidate (not just
the winner) lets a reader see that each optimizer got the same budget, how sensitive it is to the
learning rate, and where it starts to diverge.

Rules: x is the learning rate (log); y the score (median final ``f - f*`` over the shared starts),
log-scaled when positive and spanning decades. Candidates that diverged from most starts score
infinity and sit in a strip above the chart's top ("diverged"), drawn as crosses. The chosen
configuration of each optimizer is a large star (none when nothing was chosen: every candidate
diverged); the untuned default, when given, a diamond.

The figure is a plain dict (``{"data", "layout"}``) for the live chart, built without plotly's validators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import colors
from .layout import base_layout
from .series import esc, f32, fmt


@dataclass(frozen=True, eq=False)
class TuningResult:
    """One optimizer's tuning, as arrays.

    Attributes:
        label, color: legend text and colour.
        lr: candidates' learning rates, shape ``(budget,)``.
        second: candidates' second hyperparameter values, or None when the optimizer has none.
        second_name: its name, or None.
        scores: median final ``f - f*`` per candidate; inf when most starts diverged.
        diverged_share: fraction of starts that diverged, per candidate.
        best: index of the chosen candidate, or None when none was chosen (every candidate diverged): no star.
        default: ``(lr, score)`` of the optimizer at its default settings on the same starts, or None.
    """

    label: str
    color: str
    lr: np.ndarray
    second: np.ndarray | None
    second_name: str | None
    scores: np.ndarray
    diverged_share: np.ndarray
    best: int | None
    default: tuple[float, float] | None = None


def tuning_figure(results: list[TuningResult], *, height: int = 440, score_label: str = "median final f − f*",
                  title: str = "Every candidate's score (lower is better)") -> dict:
    """Scatter of score against learning rate for every candidate of every optimizer.

    Returns:
        A figure dict ``{"data", "layout"}``: per optimizer its finite ``"candidates"``, the ``"diverged"`` ones
        in the top strip (when any), its ``"chosen"`` star (when one was chosen) and its ``"default"`` diamond (when
        given).

    Example:
        >>> r = TuningResult("Adam", "#0072b2", np.array([1e-3, 1e-2, 1.0]), np.array([0.9, 0.5, 0.0]), "beta1",
        ...                  np.array([1e-2, 1e-5, np.inf]), np.array([0.0, 0.0, 1.0]), best=1, default=(1e-3, 0.5))
        >>> fig = tuning_figure([r])
        >>> [t["meta"] for t in fig["data"]]
        ['candidates', 'diverged', 'chosen', 'default']
        >>> fig["layout"]["xaxis"]["type"], fig["layout"]["yaxis"]["type"]
        ('log', 'log')
    """
    finite = np.concatenate([r.scores[np.isfinite(r.scores)] for r in results]) if results else np.empty(0)
    if results:
        defaults = np.array([r.default[1] for r in results if r.default is not None and np.isfinite(r.default[1])])
        finite = np.concatenate([finite, defaults])
    log = bool(finite.size) and bool((finite > 0).all()) and finite.max() / finite.min() > 100
    top = float(finite.max()) if finite.size else 1.0
    bottom = float(finite.min()) if finite.size else 0.1
    strip = top * 10 ** 0.8 if log else top + 0.15 * (top - bottom if top > bottom else 1.0)
    data = []
    for r in results:
        ok = np.isfinite(r.scores)
        sec = r.second if r.second is not None else np.full(len(r.lr), np.nan)
        custom = f32(np.column_stack([sec, r.diverged_share, r.scores]))
        sline = f"<br>{esc(r.second_name)} = %{{customdata[0]:.4g}}" if r.second_name else ""
        head = f"<b>{esc(r.label)}</b><br>lr = %{{x:.4g}}{sline}"
        # x and y as exact numbers, not float32 typed arrays: scores on a bowl reach 1e-170, which float32 holds as
        # 0, a point a log axis does not draw.
        data.append(dict(
            type="scatter", x=r.lr[ok].tolist(), y=r.scores[ok].tolist(), customdata=custom[ok], mode="markers",
            name=r.label, legendgroup=r.label, meta="candidates",
            marker=dict(color=r.color, size=9, opacity=0.8, line=dict(color="white", width=0.5)),
            hovertemplate=f"{head}<br>score = %{{y:.4g}}<br>diverged from %{{customdata[1]:.0%}} of starts"
                          "<extra></extra>"))
        if (~ok).any():
            data.append(dict(
                type="scatter", x=r.lr[~ok].tolist(), y=[strip] * int((~ok).sum()), customdata=custom[~ok],
                mode="markers", name=r.label, legendgroup=r.label, showlegend=False, meta="diverged",
                marker=dict(symbol="x-thin", size=10, color=r.color, line=dict(color=r.color, width=2)),
                hovertemplate=f"{head}<br><b>diverged</b> from %{{customdata[1]:.0%}} of starts (score ∞)"
                              "<extra></extra>"))
        if r.best is not None:
            data.append(_chosen_star(r, custom, head, strip))
        if r.default is not None:
            dlr, dscore = r.default
            data.append(dict(
                type="scatter", x=[dlr], y=[dscore if np.isfinite(dscore) else strip], mode="markers",
                name=f"{r.label}: default", legendgroup=r.label, showlegend=False, meta="default",
                marker=dict(symbol="diamond-open", size=13, color=r.color, line=dict(color=r.color, width=2.5)),
                hovertemplate=f"<b>{esc(r.label)}</b> at its default settings<br>lr = %{{x:.4g}}<br>score = "
                              f"{fmt(dscore) if np.isfinite(dscore) else '∞ (diverged)'}<extra></extra>"))
    layout = base_layout(title, height, uirevision="tuning", legend=bool(results))
    yaxis = dict(title=dict(text=score_label, standoff=4), type="log" if log else "linear", ticks="outside",
                 exponentformat="power" if log else "B")
    shapes, annotations = [], []
    if any((~np.isfinite(r.scores)).any() or (r.default is not None and not np.isfinite(r.default[1]))
           for r in results):
        yaxis["range"] = ([np.log10(bottom) - 0.3, np.log10(strip) + 0.3] if log
                          else [min(0.0, bottom), strip + 0.08 * (strip - min(0.0, bottom))])
        if log:
            yaxis.update(strip_ticks(bottom, top, strip))
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=np.sqrt(top * strip) if log else
                           (top + strip) / 2, y1=np.sqrt(top * strip) if log else (top + strip) / 2,
                           line=dict(color="#999", width=1, dash="dot")))
        annotations.append(dict(xref="paper", x=0.0, xanchor="left", yref="y",
                                y=np.log10(strip) if log else strip, yanchor="bottom", showarrow=False,
                                yshift=7, text="diverged (score ∞)", font=dict(size=11)))
    layout.update(
        xaxis=dict(type="log", title=dict(text="learning rate (log scale)", standoff=4), ticks="outside",
                   exponentformat="power"),
        yaxis=yaxis, shapes=shapes, annotations=annotations,
    )
    return {"data": data, "layout": layout}


def strip_ticks(bottom: float, top: float, strip: float) -> dict:
    """A log score axis's ticks when a strip of diverged candidates sits above the scores: the powers of ten the
    scores span, and "∞" at the strip. plotly's own ticks went on into the strip (10³ with its 2 and 5 beside the
    crosses), where they read as the diverged candidates' scores.

    Example:
        >>> strip_ticks(0.02, 250.0, 1577.0)["ticktext"]
        ['10<sup>−2</sup>', '10<sup>−1</sup>', '1', '10', '10<sup>2</sup>', '∞']
        >>> strip_ticks(1e-170, 5.0, 32.0)["ticktext"][-4:]
        ['10<sup>−44</sup>', '10<sup>−22</sup>', '1', '∞']
    """
    lo, hi = int(np.floor(np.log10(bottom))), int(np.floor(np.log10(top)))
    every = -(-(hi - lo + 1) // 8)  # at most eight powers of ten (a bowl's scores reach 1e-170)
    decades = range(hi - (hi - lo) // every * every, hi + 1, every)
    text = ["1" if k == 0 else "10" if k == 1 else f"10<sup>{k}</sup>".replace("-", "−") for k in decades]
    return dict(tickmode="array", tickvals=[10.0 ** k for k in decades] + [strip], ticktext=text + ["∞"])


def _chosen_star(r: TuningResult, custom: np.ndarray, head: str, strip: float) -> dict:
    """The star on ``r``'s chosen candidate, so the configuration that races on Compare stands out."""
    b = int(r.best)
    by = float(r.scores[b]) if np.isfinite(r.scores[b]) else strip
    return dict(
        type="scatter", x=[r.lr[b]], y=[by], customdata=custom[b:b + 1], mode="markers",
        name=f"{r.label}: chosen", legendgroup=r.label, showlegend=False, meta="chosen",
        marker=dict(symbol="star", size=20, color=r.color, line=dict(color=colors.OUTLINE, width=1.5)),
        # the score written here, not read from the float32 customdata: that holds 1e-170 as 0, and ∞ as 3.4e38
        hovertemplate=f"<b>chosen</b> · {head}<br>score = "
                      f"{fmt(r.scores[b]) if np.isfinite(r.scores[b]) else '∞ (diverged)'}<extra></extra>")

"""Loss curves: loss against step for every series, log-scaled when losses span decades.

Rule for the y-axis: with ``f_min`` given, the curve is ``f - f_min`` (axis "f − f*"), values within
round-off of zero or below are floored at 1e-16 x max(1, |f*|) so a run that reached the minimum
exactly still shows on a log axis. The axis is logarithmic when every drawn value is positive and
they span more than :data:`LOG_SPAN` (two decades), linear otherwise.

The axis range is set by the runs that did not diverge (all of them when every run diverged): one
run blowing up to 1e14 would otherwise flatten every other curve. A diverged run is drawn up to its
last finite loss and leaves the top of the chart where it blows up; an arrow at the top edge says
"diverged at step k" there, and an "x" marks its last finite loss (on the chart when it stays in range). A run that
converged (``converged_at >= 0``) gets a small ring at that step. The step control's step is a
dashed vertical line plus a ``meta="step-marker"`` diamond on each curve. Where a schedule changed a
run's learning rate sharply (a step decay's drop, a restart, a plateau reduction), a thin dotted line
in the run's colour marks the step, the first few labelled ``lr ×0.1`` (:func:`viz.rates.rate_marks`).

:func:`loss_parts` builds the traces and axes as plain dicts (for figures that place the loss panel
among others, such as :func:`viz.linked_figure`); :func:`loss_figure` makes them a figure of its own.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import colors
from .layout import base_layout, room_for_legend
from .rates import rate_marks
from .series import (
    MAX_MARKED_POINTS,
    diverged,
    drawn_indices,
    esc,
    f32,
    fmt,
    last_finite,
    legend_name,
    step_index,
)

LOG_SPAN = 100.0
"""max / min of the drawn values beyond which the y-axis goes logarithmic."""


class LossParts(NamedTuple):
    """The loss panel as plain dicts: traces, annotations, shapes and both axes (for ``xaxis``/``yaxis``)."""

    traces: list[dict]
    annotations: list[dict]
    shapes: list[dict]
    xaxis: dict
    yaxis: dict
    log: bool


def loss_parts(series, step: int | None = None, *, f_min: float | None = None, log: bool | None = None,
               xref: str = "x", yref: str = "y") -> LossParts:
    """Loss (or ``f - f_min``) against step for each series, as plain dicts on axes ``xref``/``yref``.

    Arguments as :func:`loss_figure`; ``xref``/``yref`` name the axes the traces and annotations use.
    """
    ys = {id(s): loss_values(s, f_min) for s in series}
    drawn = np.concatenate([v[np.isfinite(v)] for v in ys.values()]) if series else np.empty(0)
    if log is None:
        log = bool(drawn.size) and bool((drawn > 0).all()) and drawn.max() / drawn.min() > LOG_SPAN
    stayed = [ys[id(s)] for s in series if not diverged(s.traj)]
    framed = np.concatenate([v[np.isfinite(v)] for v in stayed]) if stayed else drawn
    n_diverged = 0
    ylabel = "f − f*" if f_min is not None else "loss"
    axes = dict(xaxis=xref, yaxis=yref)
    traces, annotations, extra = [], [], []
    for s in series:
        y = ys[id(s)]
        last = last_finite(s.traj)
        idx = drawn_indices(last + 1)
        losses = np.asarray(s.traj.losses)[idx]
        traces.append(dict(
            type="scatter", x=idx.astype(np.int32), y=y[idx], customdata=f32(losses), name=legend_name(s.label),
            legendgroup=s.label, meta="loss", **axes,
            mode="lines+markers" if len(idx) <= MAX_MARKED_POINTS // 2 else "lines",
            line=dict(color=s.color, width=2), marker=dict(color=s.color, size=3.5),
            hovertemplate=f"<b>{esc(s.label)}</b><br>step %{{x}}<br>{ylabel} = %{{y:.4g}}"
                          + ("<br>f = %{customdata:.6g}" if f_min is not None else "") + "<extra></extra>",
        ))
        if diverged(s.traj):
            k = int(s.traj.diverged_at)
            extra.append(_marker(s, last, y[last], "diverged", "x", 13,
                                 f"diverged at step {k}<br>last finite {ylabel} = {fmt(y[last])}", ylabel, axes))
            annotations.append(dict(  # at the top edge, where the curve leaves the chart, text below the tip
                x=last, y=1, xref=xref, yref=f"{yref} domain", yanchor="top", text=f"diverged at step {k}",
                showarrow=True, arrowhead=2, arrowsize=0.8, arrowcolor=s.color, ax=28, ay=22 + 16 * n_diverged,
                font=dict(color=s.color, size=11), xanchor="left",
            ))
            n_diverged += 1
        extra += _tolerance_markers(s, y, last, ylabel, axes)
    traces += extra
    shapes = []
    if step is not None and series:
        for s in series:
            k = step_index(s.traj, step)
            traces.append(_marker(s, k, ys[id(s)][k], "step-marker", "diamond", 11, f"step {k}", ylabel, axes,
                                  line=dict(color=colors.OUTLINE, width=1.5)))
        longest = max(len(s.traj.losses) - 1 for s in series)
        x = int(min(max(step, 0), longest))
        shapes.append(step_line(x, xref, yref))
    marks, labels = rate_marks(series, xref, yref)
    shapes += marks
    annotations += labels
    xaxis = dict(title=dict(text="step", standoff=4), zeroline=False, ticks="outside", rangemode="tozero")
    yaxis = dict(title=dict(text=ylabel, standoff=4), type="log" if log else "linear", ticks="outside",
                 exponentformat="power" if log else "B", **log_ticks(framed if log else None))
    if stayed and len(stayed) < len(series) and framed.size:
        yaxis["range"] = _range(framed, log)
    return LossParts(traces, annotations, shapes, xaxis, yaxis, log)


def _range(values: np.ndarray, log: bool) -> list[float]:
    """An axis range around ``values`` with a little room (in log10 units on a log axis)."""
    if log:
        pos = values[values > 0]
        lo, hi = float(np.log10(pos.min())), float(np.log10(pos.max()))
        pad = max(0.05 * (hi - lo), 0.3)
        return [lo - pad, hi + pad]
    lo, hi = float(values.min()), float(values.max())
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
    return [lo - pad, hi + pad]


def step_line(x: float, xref: str = "x", yref: str = "y") -> dict:
    """The step control's dashed vertical line across the loss axes, as a layout shape, in the theme's muted colour
    (the template's shape default): a fixed dark grey (1.3:1 on the dark theme's page) hid it there."""
    return dict(type="line", name="step-line", x0=x, x1=x, xref=xref, y0=0, y1=1, yref=f"{yref} domain",
                line=dict(width=1.5, dash="dash"), layer="below", opacity=0.8)


def loss_figure(
    series,
    step: int | None = None,
    *,
    height: int = 460,
    f_min: float | None = None,
    log: bool | None = None,
    title: str = "Loss",
) -> dict:
    """Loss (or ``f - f_min``) against step for each series.

    Args:
        series: list of :class:`viz.Series`.
        step: when given, a dashed vertical line at ``step`` (layout shape named ``"step-line"``, the first
            shape) and a ``meta="step-marker"`` diamond per series at ``(k, loss[k])``,
            ``k = min(step, last finite)``. Shapes and annotations named ``"rate-change"`` mark sharp changes
            of a scheduled learning rate.
        height: figure height in pixels.
        f_min: the objective's minimum value; when given the curves show ``f - f_min`` ("f − f*").
        log: force a log (True) or linear (False) y-axis; None applies the rule above.
        title: figure title.

    Returns:
        A figure dict ``{"data", "layout"}``: per series a ``"loss"`` line (named after the label), then
        ``"diverged"``, ``"reached"``, ``"left"`` and ``"converged"`` markers where they happened (see
        :func:`loss_parts`), then ``"step-marker"`` diamonds.

    Example:
        >>> import optim, viz
        >>> rosen = optim.get_objective("rosenbrock")
        >>> t = optim.run(optim.make_optimizer("adam", lr=0.05), rosen, x0=[-1.5, 2.0], steps=1000)
        >>> fig = viz.loss_figure([viz.Series("Adam", "#0072b2", t)], step=10, f_min=rosen.f_min)
        >>> fig["layout"]["yaxis"]["type"], fig["layout"]["yaxis"]["title"]["text"]
        ('log', 'f − f*')
    """
    parts = loss_parts(series, step, f_min=f_min, log=log)
    layout = base_layout(title, height, uirevision=f"losses:{f_min is not None}", legend=bool(series))
    room_for_legend(layout, parts.traces)
    layout.update(xaxis=parts.xaxis, yaxis=parts.yaxis, annotations=parts.annotations, shapes=parts.shapes)
    return {"data": parts.traces, "layout": layout}


def log_ticks(drawn) -> dict:
    """One labelled tick per decade (or per few decades on very wide ranges), no 2 and 5 in between; on a
    narrow range (under two decades) ticks at 1, 2 and 5 times each power of ten (more under half a decade), each
    labelled with its whole value: plotly's own narrow log ticks label only the leading digit, "2, 10, 5, 2" from
    the top, where the top 2 is 20."""
    if drawn is None:
        return {}
    pos = drawn[drawn > 0]
    if not pos.size:
        return {}
    decades = np.log10(pos.max() / pos.min())
    if decades < 2:
        return narrow_log_ticks(float(pos.min()), float(pos.max()))
    return dict(dtick=int(np.ceil(decades / 9)), minor=dict(ticks="", showgrid=False))


def narrow_log_ticks(lo: float, hi: float) -> dict:
    """Ticks for a log axis from about ``lo`` to ``hi`` (under two decades; a little beyond either end, for the
    axis's padding), labelled with their values.

    Example:
        >>> narrow_log_ticks(2.5, 18.0)["ticktext"]
        ['2', '5', '10', '20']
        >>> narrow_log_ticks(3.5e-6, 4.4e-6)["ticktext"][:3]
        ['2×10<sup>−6</sup>', '3×10<sup>−6</sup>', '4×10<sup>−6</sup>']
    """
    mantissas = (1, 2, 5) if np.log10(hi / lo) >= 0.7 else (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9)
    first, last = int(np.floor(np.log10(lo) - 0.3)), int(np.floor(np.log10(hi) + 0.3))
    values = [m * 10.0 ** k for k in range(first, last + 1) for m in mantissas
              if lo / 10 ** 0.3 <= m * 10.0 ** k <= hi * 10 ** 0.3]
    return dict(tickmode="array", tickvals=values, ticktext=[tick_text(v) for v in values])


def tick_text(v: float) -> str:
    """A tick's value as people write it: ``0.02``, ``20``, ``5000``; ``2×10⁻⁶`` beyond 1e-3 to 1e4.

    Example:
        >>> tick_text(0.02), tick_text(20.0), tick_text(1.5e-6), tick_text(1e5)
        ('0.02', '20', '1.5×10<sup>−6</sup>', '10<sup>5</sup>')
    """
    if 1e-3 <= v < 1e4:
        return f"{v:.4g}"
    k = int(np.floor(np.log10(v) + 1e-9))
    m = f"{v / 10.0 ** k:.2g}"
    power = f"10<sup>{k}</sup>".replace("-", "−")
    return power if m == "1" else f"{m}×{power}"


def loss_values(s, f_min: float | None) -> np.ndarray:
    """What is drawn for ``s``: losses, or ``losses - f_min`` floored just above zero."""
    y = np.asarray(s.traj.losses, dtype=float)
    if f_min is None:
        return y
    floor = 1e-16 * max(1.0, abs(float(f_min)))
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y), np.maximum(y - float(f_min), floor), np.nan)


def _tolerance_markers(s, y, last: int, ylabel: str, axes: dict) -> list[dict]:
    """Where a run reached the tolerance, where it left it again, and where it converged (stayed within it).

    A ring where it first got within tolerance (``"converged"`` when it stayed from there on, else
    ``"reached"``), a triangle where it left again (``"left"``), and a ring where it came back for good.
    """
    t = s.traj
    reached, left, converged = (int(np.asarray(v)) for v in (t.reached_at, t.left_at, t.converged_at))
    out = []
    if 0 <= reached <= last:
        stayed = converged == reached
        out.append(_marker(s, reached, y[reached], "converged" if stayed else "reached", "circle-open", 11,
                           f"converged at step {reached}" if stayed else f"reached the tolerance at step {reached}",
                           ylabel, axes))
    if 0 <= left <= last:
        out.append(_marker(s, left, y[left], "left", "triangle-up-open", 11,
                           f"left the tolerance at step {left}", ylabel, axes))
    if reached < converged <= last:
        out.append(_marker(s, converged, y[converged], "converged", "circle-open", 11,
                           f"back within the tolerance for good: converged at step {converged}", ylabel, axes))
    return out


def _marker(s, k: int, y: float, meta: str, symbol: str, size: float, hover: str, ylabel: str, axes: dict,
            line: dict | None = None) -> dict:
    return dict(
        type="scatter", x=[int(k)], y=[float(y)], mode="markers", name=s.label, legendgroup=s.label,
        showlegend=False, meta=meta, **axes,
        marker=dict(symbol=symbol, size=size, color=s.color,
                    line=line or dict(color=colors.OUTLINE if symbol == "x" else s.color, width=1.5)),
        hovertemplate=f"<b>{esc(s.label)}</b><br>{hover}<br>step %{{x}}<br>{ylabel} = %{{y:.4g}}"
                      "<extra></extra>",
    )

"""Learning rates by step: a schedule's small chart, and the marks where a run's rate changed sharply.

A schedule sets the learning rate of every step (``Trajectory.lr``, or worked out ahead with an
``optim.Stepper``). :func:`rate_figure` draws it as a small chart, with the momentum or beta1 a
one-cycle schedule cycles on a second axis. :func:`rate_changes` finds the steps where the rate
jumped rather than drifted (a step schedule's drops, a warm restart, a plateau reduction), and
:func:`rate_marks` turns them into thin vertical lines on a loss panel, the first few labelled with
the factor (``lr ×0.1``) and a hover sentence, so a kink in a loss curve can be read against it.

"Sharp": the rate moved by at least :data:`SHARP` of itself in one step, and by at least
:data:`STANDS_OUT` times as much as in the steps on either side. A cosine or an exponential decay
changes every step by a similar amount, so it is never marked, however far it falls.
"""

from __future__ import annotations

import numpy as np

from .layout import base_layout
from .series import esc, fmt

SHARP = 0.1
"""Smallest relative change of the rate in one step that counts as a jump (10%)."""

STANDS_OUT = 3.0
"""A jump changes the rate at least this many times more than each neighbouring step does."""

LABELLED = 4
"""Marks per series that carry a label; later ones are lines only."""

LABEL_GAP = 0.18
"""A mark is labelled only this far (a share of the steps drawn) from the series' last labelled one, so
labels never run into each other."""

CYCLED_TITLES = {"momentum": "momentum", "beta1": "β₁"}

CYCLED_HEIGHT = 80
"""Pixels the momentum or beta1 panel adds under the rate's, for a one-cycle schedule that cycles it."""


def rate_changes(lr) -> list[tuple[int, float, float]]:
    """The steps where the rate jumped: ``(k, rate at step k - 1, rate at step k)``.

    ``lr`` is the rate of each step, (S,); NaN steps (after a divergence) are left out.

    Example:
        >>> rate_changes([0.1, 0.1, 0.1, 0.01, 0.01, 0.001])
        [(3, 0.1, 0.01), (5, 0.01, 0.001)]
        >>> rate_changes(0.1 * 0.9 ** np.arange(20))   # an exponential decay drifts: no jumps
        []
    """
    lr = np.asarray(lr, dtype=float)
    if lr.ndim != 1 or len(lr) < 2:
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.abs(np.diff(lr))  # step[k - 1] = |lr[k] - lr[k - 1]|
        relative = step / np.abs(lr[:-1])
    around = np.maximum(np.concatenate([[0.0], step[:-1]]), np.concatenate([step[1:], [0.0]]))
    around = np.where(np.isfinite(around), around, 0.0)
    jump = np.isfinite(step) & (relative >= SHARP) & (step >= STANDS_OUT * around) & (step > 0)
    return [(int(k), float(lr[k - 1]), float(lr[k])) for k in np.flatnonzero(jump) + 1]


def factor_text(before: float, after: float) -> str:
    """The change as a short label: ``×0.1``, ``×2.5``; a jump up of more than ten times (a warm restart) is ``↑``.

    Example:
        >>> factor_text(0.1, 0.01), factor_text(1e-12, 0.1), factor_text(0.02, 0.05), factor_text(0.1, 1e-5)
        ('×0.1', '↑', '×2.5', '×0.0001')
    """
    if before <= 0 or after / before > 10:
        return "↑"
    return f"×{after / before:.2g}"


def rate_marks(series, xref: str = "x", yref: str = "y") -> tuple[list[dict], list[dict]]:
    """Thin vertical lines (layout shapes named ``"rate-change"``) where each series' scheduled rate jumped,
    and labels (annotations named ``"rate-change"``) on up to :data:`LABELLED` of each series.

    A line at step k means the step from point k on used the new rate. Labels sit in a row per series
    at the top of the panel, at least :data:`LABEL_GAP` of the steps apart. Series without a schedule
    (empty ``traj.scheduled``) have none.
    """
    shapes, notes = [], []
    row = 0
    span = max((len(s.traj.losses) - 1 for s in series), default=0)
    gap = LABEL_GAP * span
    for s in series:
        lr = (getattr(s.traj, "scheduled", None) or {}).get("lr")
        changes = rate_changes(lr) if lr is not None and np.ndim(lr) == 1 else []
        if not changes:
            continue
        labelled = []
        for k, before, after in changes:
            shapes.append(dict(type="line", name="rate-change", x0=k, x1=k, xref=xref, y0=0, y1=1,
                               yref=f"{yref} domain", layer="below", opacity=0.6,
                               line=dict(color=s.color, width=1, dash="dot")))
            if len(labelled) < LABELLED and all(k - x >= gap for x in labelled):
                labelled.append(k)
                notes.append(dict(
                    name="rate-change", x=k, xref=xref, y=1, yref=f"{yref} domain", yanchor="top",
                    xanchor="left" if k <= 0.8 * span else "right", xshift=1 if k <= 0.8 * span else -1,
                    yshift=-2 - 17 * row, showarrow=False, text=f"lr {factor_text(before, after)}",
                    # the theme's text in the series' colour frame: orange or sky-blue text on white read at about 2.3:1
                    font=dict(size=10), bordercolor=s.color, borderwidth=1, borderpad=1,
                    hovertext=esc(f"{s.label}: learning rate {fmt(before)} → {fmt(after)} from step {k}"),
                ))
        row += 1
    return shapes, notes


def rate_figure(lr, color: str, *, cycled: tuple[str, np.ndarray] | None = None, title: str = "Learning rate",
                height: int = 170, uirevision: str = "rate", log: bool | None = None) -> dict:
    """The learning rate at each step as a small chart; by default the axis is logarithmic when the rate spans
    more than two decades.

    Args:
        lr: the rate of each step, (S,).
        color: the configuration's colour.
        cycled: ``("momentum" or "beta1", values (S,))`` a one-cycle schedule cycles, drawn in a second
            panel under the rate (sharing its steps); the figure grows by :data:`CYCLED_HEIGHT`.
        title: the chart's title.
        height: in pixels, without the second panel.
        uirevision: keeps the person's zoom across reruns.
        log: force a log (True) or linear (False) axis: a decay that multiplies the rate reads best on a log
            axis (equal drops, equal steps), a cosine or a cycle on a linear one, its familiar shape.

    Example:
        >>> fig = rate_figure([0.1, 0.1, 0.01, 0.0001], "#0072b2", cycled=("beta1", [0.95, 0.9, 0.85, 0.9]))
        >>> [(t["meta"], t["yaxis"]) for t in fig["data"]], fig["layout"]["yaxis"]["type"]
        ([('lr', 'y'), ('cycled', 'y2')], 'log')
    """
    lr = np.asarray(lr, dtype=float)
    steps = np.arange(len(lr), dtype=np.int32)
    finite = lr[np.isfinite(lr)]
    if log is None:
        log = bool(finite.size) and bool((finite > 0).all()) and finite.max() / finite.min() > 100
    log = log and bool(finite.size) and bool((finite > 0).all())  # a log axis cannot show a rate of 0
    data = [dict(type="scatter", x=steps, y=lr, mode="lines", meta="lr", name="learning rate", yaxis="y",
                 line=dict(color=color, width=2, shape="hv"),
                 hovertemplate="step %{x}<br>lr = %{y:.4g}<extra></extra>")]
    layout = base_layout(title, height + (CYCLED_HEIGHT if cycled else 0), uirevision=uirevision, legend=False)
    layout["margin"].update(l=40, t=30, b=30)
    layout["title"].update(font=dict(size=12), xref="container", x=0.02)  # from the chart's left edge: it is narrow
    small = dict(standoff=2, font=dict(size=11))
    layout.update(
        xaxis=dict(title=dict(text="step", **small), ticks="outside", zeroline=False, anchor="y2" if cycled else "y"),
        yaxis=dict(type="log" if log else "linear", ticks="outside", exponentformat="power" if log else "B",
                   rangemode="normal" if log else "tozero", title=dict(text="lr", **small), nticks=4),
    )
    if cycled is not None:
        name, values = cycled
        label = CYCLED_TITLES.get(name, name)
        data.append(dict(type="scatter", x=steps, y=np.asarray(values, dtype=float), mode="lines", meta="cycled",
                         name=label, yaxis="y2", line=dict(color=color, width=1.5, dash="dash"),
                         hovertemplate=f"step %{{x}}<br>{label} = %{{y:.4g}}<extra></extra>"))
        split = CYCLED_HEIGHT / (height + CYCLED_HEIGHT)
        layout["yaxis"]["domain"] = [split + 0.06, 1.0]
        layout["yaxis2"] = dict(domain=[0.0, split - 0.02], ticks="outside", nticks=3, title=dict(text=label, **small))
    return {"data": data, "layout": layout}

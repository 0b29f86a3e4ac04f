"""Inside an optimizer: per-coordinate time series of what it sees, keeps and does at every step.

Why a separate view: a path on the contour map shows *where* an optimizer went, not *why*. These
figures split each step into its two coordinates and show, step by step, the gradient the
optimizer received, what it remembers of past gradients (RMSprop's average of squared gradients,
AdaGrad's running sum, Adam's bias-corrected moments), the effective learning rate that memory
gives, and the step actually taken against the plain gradient-descent step ``-lr * g``.

:func:`inside` pulls those quantities out of a trajectory (``traj.grads``, ``traj.state``,
``traj.effective_lr``, ``traj.updates``); :func:`anatomy_figure` draws any subset of them as a grid
of rows (quantities) by two columns (coordinates), one colour per series as everywhere else.
Every data trace carries ``meta`` (its quantity) for tests and pages. The Inside page's other figures live
apart: :mod:`viz.memory` (how long a decay remembers) and :mod:`viz.valley` (a close-up of the paths).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optim

from .layout import base_layout, grid_domains
from .row_grid import row_arrangements
from .series import esc, f32

ROWS: dict[str, str] = {
    "grad": "gradient",
    "second": "memory of g²",
    "lr": "effective lr",
    "denominator": "denominator",
    "step": "step",
}
"""Row kinds :func:`anatomy_figure` draws, with their short y-axis titles."""

ROW_TITLES: dict[str, str] = {
    "grad": "Gradient g (solid) and the optimizer's running average of it (dotted)",
    "second": "What it remembers of squared gradients: RMSprop's v, AdaGrad's sum Σg², Adam's v̂",
    "lr": "Effective learning rate: η / √(v + ε), or η / (√v + ε) with ε outside the root (Adam: the factor on m̂)",
    "denominator": "What the gradient is divided by: √(v + ε) inside, √v + ε outside",
    "step": "Step actually taken (solid) against plain gradient descent's step −η·g (dotted)",
}
"""The subplot title over each row's two panels (one sentence saying what the row shows)."""

DOTTED = "dot"
G2_COLOR = "rgba(128, 128, 128, 0.75)"
"""The g² dots: a mid grey, seen on the light and the dark theme alike. Everything else without a series' colour
(the floors, the row and column titles) takes the theme's colours from the chart's template."""
LOG_FLOOR = 1e-300
"""Magnitudes at or below this are not drawn on a log axis (exact zeros leave a gap, not a cliff)."""


@dataclass(frozen=True)
class Inside:
    """One run's per-coordinate quantities, each of shape (S, 2) for steps t = 1..S.

    Attributes:
        lr: the configured learning rate η.
        grad: the gradient the optimizer received at step t.
        first: its running average of gradients (momentum, Adam's m-hat), or None if it keeps none.
        first_label: the symbol of ``first`` as the update equations write it.
        second: its memory of squared gradients (RMSprop's v, AdaGrad's sum, Adam's v-hat), or None.
        second_label: the symbol of ``second``.
        effective_lr: the per-coordinate learning rate after step t (``traj.effective_lr``).
        step: the step actually taken, x_t - x_{t-1}.
    """

    lr: float
    grad: np.ndarray
    first: np.ndarray | None
    first_label: str
    second: np.ndarray | None
    second_label: str
    effective_lr: np.ndarray
    step: np.ndarray

    @property
    def plain_step(self) -> np.ndarray:
        """The step plain gradient descent with the same learning rate would take: -lr * g_t."""
        return -self.lr * self.grad

    @property
    def denominator(self) -> np.ndarray:
        """lr / effective_lr: what the gradient (Adam: m-hat) is divided by, e.g. sqrt(v + eps)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.lr / self.effective_lr


def inside(traj) -> Inside:
    """The per-coordinate quantities of a single-run trajectory (see :class:`Inside`).

    Which buffers are drawn, and how, is the optimizer spec's ``average`` and ``squares`` views.
    Adam-family moments are bias-corrected as the update uses them: m-hat = m / (1 - beta1^t),
    v-hat = v / (1 - beta2^t) with t = 1..S. Adamax's u (the largest recent |g|) is squared so it
    shares the units of the other optimizers' memories. EWMA momentum with bias correction shows
    m / (1 - beta^t), the velocity it steps along; without, the raw m.

    Example:
        >>> import optim
        >>> t = optim.run(optim.make_optimizer("adam", lr=0.1), "quadratic", x0=[1.0, 1.0], steps=3)
        >>> q = inside(t)
        >>> q.first_label, q.second_label, q.grad.shape
        ('m̂', 'v̂', (3, 2))
        >>> bool(np.allclose(q.first[0], q.grad[0]))  # m-hat after one step is the first gradient
        True
    """
    opt = traj.optimizer
    hp = opt.hyperparameters
    spec = optim.OPTIMIZERS[opt.name]
    state = traj.state
    grads = np.asarray(traj.grads, dtype=float)
    if grads.ndim != 2 or grads.shape[-1] != 2:
        raise ValueError("inside() needs a single run: grads of shape (steps, 2).")
    t = np.arange(1, len(grads) + 1, dtype=float)[:, None]

    shown = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for view in (spec.average, spec.squares):  # the spec says which buffer means what
            shown.append(view.show(state[view.field], hp, t) if view is not None and view.field in state
                         else (None, ""))
    (first, first_label), (second, second_label) = shown

    def arr(a):
        return None if a is None else np.asarray(a, dtype=float)

    return Inside(float(hp.get("lr", 1.0)), grads, arr(first), first_label, arr(second), second_label,
                  np.asarray(traj.effective_lr, dtype=float), np.asarray(traj.updates, dtype=float))


def _curve(values: np.ndarray, log: bool) -> np.ndarray:
    """What a row draws: magnitudes (zeros and non-finite values as gaps) on log axes, values otherwise."""
    v = np.asarray(values, dtype=float)
    if not log:
        return v
    a = np.abs(v)
    return np.where(np.isfinite(a) & (a > LOG_FLOOR), a, np.nan)


def _lines(kind: str, q: Inside, *, plain: bool) -> list[tuple[str, np.ndarray, str, str]]:
    """(meta, values, dash, symbol) for every line row ``kind`` draws for one series."""
    if kind == "grad":
        out = [("grad", q.grad, "solid", "g")]
        if q.first is not None:
            out.append(("first", q.first, DOTTED, q.first_label))
        return out
    if kind == "second":
        return [("second", q.second, "solid", q.second_label)] if q.second is not None else []
    if kind == "lr":
        return [("lr", q.effective_lr, "solid", "η_eff")]
    if kind == "denominator":
        return [("denominator", q.denominator, "solid", "η / η_eff")]
    if kind == "step":
        out = [("step", q.step, "solid", "Δx")]
        if plain:
            out.append(("plain-step", q.plain_step, DOTTED, "−η·g"))
        return out
    raise ValueError(f"unknown row {kind!r}; allowed: {', '.join(ROWS)}.")


def anatomy_figure(
    series,
    rows=("grad", "second", "lr", "step"),
    *,
    log: bool = True,
    coords: tuple[str, str] = ("x", "y"),
    plain: bool = True,
    g2: bool = False,
    floors: dict[str, tuple[float, str]] | None = None,
    row_titles: dict[str, str] | None = None,
    height_per_row: int = 210,
    title: str = "",
) -> dict:
    """Per-coordinate time series of each series' run: one row per quantity, one column per coordinate.

    Args:
        series: list of :class:`viz.Series` (single runs); each keeps its colour and label.
        rows: row kinds from :data:`ROWS`, top to bottom. ``"grad"`` also draws the optimizer's running
            average of gradients (dotted) where it keeps one; ``"step"`` also the plain step ``−η·g``
            (dotted) when ``plain``; ``"second"`` also ``g²`` (grey dots) when ``g2``.
        log: magnitudes on log axes (values span decades; signs are in the hover) when True; signed
            values on linear axes (to see zig-zags) when False.
        coords: the two column titles, e.g. ``("W (weight, horizontal)", "b (bias, vertical)")``.
        plain: draw the plain gradient-descent step in the ``"step"`` row.
        g2: draw ``g²`` under the memory in the ``"second"`` row (how closely the memory follows it).
        floors: ``{name: (value, text)}``: horizontal dashed lines drawn in the ``"denominator"`` row
            (for example the floors sqrt(eps) and eps), each labelled with its text.
        row_titles: replace :data:`ROW_TITLES` for some rows.
        height_per_row: pixels per row.
        title: figure title.

    Returns:
        A figure dict for the live chart, with ``narrow``: the arrangements for narrower charts (the row
        sentences wrapped, see :mod:`viz.row_grid`). Data traces have ``meta`` in ``grad``, ``first``,
        ``second``, ``g2``, ``lr``, ``denominator``, ``step``, ``plain-step``; ``name`` is the series
        label; ``x`` is the step t = 1..S; ``customdata`` holds the signed value for the hover. Floors
        are layout shapes named ``floor:<name>``.

    Example:
        >>> import optim, viz
        >>> bowl = optim.get_objective("quadratic", a=0.1, b=5)
        >>> t = optim.run(optim.make_optimizer("adagrad", lr=0.1), bowl, x0=[9.0, -3.0], steps=50)
        >>> fig = anatomy_figure([viz.Series("AdaGrad", "#0072b2", t)])
        >>> sorted({tr["meta"] for tr in fig["data"]})
        ['grad', 'lr', 'plain-step', 'second', 'step']
    """
    rows = tuple(rows)
    for kind in rows:
        if kind not in ROWS:
            raise ValueError(f"unknown row {kind!r}; allowed: {', '.join(ROWS)}.")
    if not rows:
        raise ValueError("anatomy_figure needs at least one row.")
    titles = {**ROW_TITLES, **(row_titles or {})}
    grid = _Grid(len(rows), vertical_spacing=min(0.12, 0.4 / len(rows)))
    quantities = [(s, inside(s.traj)) for s in series]
    data: list[dict] = []
    shapes: list[dict] = []
    annotations: list[dict] = []
    legend_done: set[str] = set()
    for r, kind in enumerate(rows):
        for c in range(2):
            x, y = grid.refs(r, c)
            for s, q in quantities:
                steps = np.arange(1, len(q.grad) + 1, dtype=np.int32)
                if kind == "second" and g2:
                    data.append(_scatter(s, steps, q.grad[:, c] ** 2, "g2", "g²", log, (x, y), marker=True,
                                         color=G2_COLOR, legend=False))
                for meta, values, dash, symbol in _lines(kind, q, plain=plain):
                    show = s.label not in legend_done and meta in ("grad", "second", "lr", "denominator", "step")
                    if show:
                        legend_done.add(s.label)
                    data.append(_scatter(s, steps, values[:, c], meta, symbol, log, (x, y), dash=dash, legend=show))
            axis = dict(title=dict(text=ROWS[kind] if c == 0 else "", standoff=2), type="log" if log else "linear",
                        ticks="outside", exponentformat="power", showexponent="all", zeroline=not log)
            dtick = _log_dtick([q for _, q in quantities], kind, c, plain=plain, g2=g2 and kind == "second") \
                if log else None
            if dtick is not None:
                axis["dtick"] = dtick
            grid.y_axis(r, c).update(axis)
        if kind == "denominator" and floors:
            for name, (value, text) in floors.items():
                for c in range(2):
                    x, y = grid.refs(r, c)
                    shapes.append(dict(type="line", x0=0, x1=1, xref=f"{x} domain", y0=value, y1=value, yref=y,
                                       line=dict(width=1.2, dash="dash"), name=f"floor:{name}"))
                    # Annotations on a log axis take log10 of the value (shapes take the value itself).
                    annotations.append(dict(text=esc(text), x=1, xref=f"{x} domain",
                                            y=float(np.log10(value)) if log else value, yref=y, xanchor="right",
                                            yanchor="bottom", showarrow=False, name=f"floor:{name}",
                                            font=dict(size=10)))
    for r in range(len(rows)):
        for c in range(2):
            grid.x_axis(r, c).update(ticks="outside", rangemode="tozero", showticklabels=True)
    for c in range(2):
        grid.x_axis(len(rows) - 1, c)["title"] = dict(text="step t")
    annotations += _row_headers(grid, rows, titles, coords)
    layout = base_layout(title, height_per_row * len(rows) + 90,
                         uirevision=f"anatomy:{rows}:{log}:{coords}", legend=bool(series))
    layout["margin"].update(l=70, t=60 if title else 40)
    layout["hovermode"] = "x"
    layout.update(grid.axes)
    if shapes:
        layout["shapes"] = shapes
    layout["annotations"] = annotations
    out = {"data": data, "layout": layout}
    out["narrow"] = row_arrangements(out["layout"], rows=len(rows), cols=2)
    return out


class _Grid:
    """The rows x 2 subplots of an anatomy figure as plain layout axes, laid out as plotly's ``make_subplots``
    lays them (``shared_xaxes``, horizontal spacing 0.09): built as data, since plotly.py's graph objects
    validate every property and took about 170 ms for the step-by-step view's 32 traces, on every rerun."""

    HORIZONTAL_SPACING = 0.09

    def __init__(self, rows: int, vertical_spacing: float):
        self.axes: dict[str, dict] = {}
        for k, (xdomain, ydomain) in enumerate(grid_domains(rows, 2, self.HORIZONTAL_SPACING, vertical_spacing)):
            r, c = divmod(k, 2)
            x, y = self.refs(r, c)
            xaxis = dict(anchor=y, domain=xdomain)
            if r < rows - 1:  # every column's x axes follow its bottom one
                xaxis["matches"] = self.refs(rows - 1, c)[0]
            self.axes[_axis_name(x)] = xaxis
            self.axes[_axis_name(y)] = dict(anchor=x, domain=ydomain)

    @staticmethod
    def refs(r: int, c: int) -> tuple[str, str]:
        """("x3", "y3"): how traces and annotations name subplot (row ``r``, column ``c``), counted from 0."""
        k = 2 * r + c + 1
        return ("x", "y") if k == 1 else (f"x{k}", f"y{k}")

    def x_axis(self, r: int, c: int) -> dict:
        return self.axes[_axis_name(self.refs(r, c)[0])]

    def y_axis(self, r: int, c: int) -> dict:
        return self.axes[_axis_name(self.refs(r, c)[1])]


def _axis_name(ref: str) -> str:
    """"xaxis3" for "x3" (the layout's key of the axis traces call "x3")."""
    return ref[0] + "axis" + ref[1:]


def _row_headers(grid: _Grid, rows, titles: dict[str, str], coords: tuple[str, str]) -> list[dict]:
    """One sentence over each row (across both panels) and the coordinate names over the columns."""
    out = []
    for r, kind in enumerate(rows):
        top = grid.y_axis(r, 0)["domain"][1]
        out.append(dict(text=f"<b>{esc(titles[kind])}</b>", x=0.0, xref="paper", xanchor="left", y=top,
                        yref="paper", yanchor="bottom", yshift=2, showarrow=False, font=dict(size=12),
                        align="left", name=f"row:{kind}"))
    for c in range(2):
        x0, x1 = grid.x_axis(0, c)["domain"]
        out.append(dict(text=f"<i>{esc(coords[c])}</i>", x=(x0 + x1) / 2, xref="paper", xanchor="center",
                        y=1.0, yref="paper", yanchor="bottom", yshift=22, showarrow=False,
                        font=dict(size=13), name=f"column:{c}"))
    return out


def _log_dtick(quantities: list[Inside], kind: str, c: int, *, plain: bool, g2: bool = False):
    """One labelled tick per decade, or per few decades on very wide ranges (as the loss chart does)."""
    vals = []
    for q in quantities:
        for _, values, _, _ in _lines(kind, q, plain=plain):
            vals.append(_curve(values[:, c], True))
        if g2:
            vals.append(_curve(q.grad[:, c] ** 2, True))
    if not vals:
        return None
    v = np.concatenate(vals)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    decades = np.log10(v.max() / v.min()) if v.min() > 0 else 0
    return int(max(1, np.ceil(decades / 6)))


def _scatter(s, steps, values, meta: str, symbol: str, log: bool, axes: tuple[str, str], *, dash: str = "solid",
             marker: bool = False, color: str | None = None, legend: bool = False) -> dict:
    y = _curve(values, log)
    many = len(steps) > 150
    return dict(
        type="scatter", x=steps, y=f32(y), customdata=f32(values), name=s.label, legendgroup=s.label,
        showlegend=legend, meta=meta,
        mode="markers" if marker else ("lines" if many else "lines+markers"),
        line=dict(color=color or s.color, width=1.8 if dash == "solid" else 1.6, dash=dash),
        marker=dict(color=color or s.color, size=3 if marker or not many else 2),
        hovertemplate=f"<b>{esc(s.label)}</b> {esc(symbol)} = %{{customdata:.4g}}<extra></extra>",
        xaxis=axes[0], yaxis=axes[1],
    )

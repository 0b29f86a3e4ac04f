"""Sweep heatmaps: one optimizer's outcome over a grid of learning rate x a second hyperparameter.

Why this view: a single path shows one setting; the heatmap shows every setting at once, so the
stability boundary (where runs start to diverge) and the good region are visible, and a comparison
of optimizers need not rest on one arbitrary learning rate.

Layout rules:

- x is the learning rate on a log axis; cells are drawn between geometric midpoints, so each cell is
  centred on its value.
- y is the second hyperparameter (momentum, decay, beta1 ...). Its values crowd towards 1, so the
  axis is drawn on ``1 - value`` with a reversed log scale and labelled in the real values
  (0, 0.9, 0.99, 0.999 ...). An optimizer without one gets a single row.
- Losses are coloured on a log scale (``f - f*`` when the minimum is known), the colourbar labelled
  in real values. Diverged cells are a distinct colour (:data:`DIVERGED_COLOR`) with a legend entry
  and a black staircase (``meta="stability-edge"``) runs along the smallest diverging learning rate
  of each row, so the stability boundary reads at a glance.
- Clicks: an invisible point sits on every cell centre (``meta="cell"``, ``customdata[0:2] = (row,
  col)``), so a click reports its cell (:func:`selected_cell`); those points also carry the hover.

Trace ``meta`` tags: ``"outcome"`` (the heatmap), ``"diverged"`` (diverged cells), ``"never"`` (cells
that never reached the tolerance, on the steps view), ``"stability-edge"``, ``"cell"`` (click and
hover points, one trace per status), ``"selected-cell"``, ``"legend"`` (legend-only swatches).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layout import base_layout
from .series import esc, f32

OUTCOMES: dict[str, str] = {
    "final_loss": "final loss",
    "best_loss": "best loss",
    "steps": "steps to tolerance",
    "diverged": "diverged",
}
"""Outcome keys a sweep heatmap can show, with their names for people."""

DIVERGED_COLOR = "#e0201b"
NEVER_COLOR = "#d4d4d4"
STABLE_COLOR = "#eeeeee"
EDGE_COLOR = "#111111"
LOSS_COLORSCALE = "Viridis"
STEPS_COLORSCALE = "Viridis"
DIVERGED_COLORSCALE = [[0.0, "#67000d"], [0.5, "#cb181d"], [1.0, "#fc9272"]]
"""Early divergence dark red, late divergence pale red."""

SECOND_TICKS = (0.0, 0.9, 0.99, 0.999, 0.9999, 0.99999)
"""Second-axis ticks, equally spaced on the drawn 1 - value scale; :data:`HALF_TICKS` fill in short ranges."""
HALF_TICKS = (0.5, 0.8, 0.95, 0.98, 0.995, 0.998, 0.9995, 0.9998)
MAX_SVG_CELLS = 6000
"""Grids with more cells than this get WebGL click points (thousands of SVG points get slow)."""


@dataclass(frozen=True, eq=False)
class SweepGrid:
    """A finished sweep as plain arrays (rows follow ``second``, columns ``lr``).

    Attributes:
        lr: learning rates, shape ``(nx,)``, increasing.
        second: second hyperparameter values, shape ``(ny,)``; ``[nan]`` when there is none.
        second_name: its name (``"decay"``), or None.
        final_loss, best_loss: shape ``(ny, nx)``; NaN where a run diverged.
        converged_at, diverged_at: shape ``(ny, nx)``; -1 for never.
        steps: steps per run.
        f_min: the objective's known minimum value, or None.
        second_label: axis title for the second hyperparameter (default: its name).
        tol_text: what "steps to tolerance" means, for the hover (``"f - f* <= 1e-6"``).
    """

    lr: np.ndarray
    second: np.ndarray
    second_name: str | None
    final_loss: np.ndarray
    best_loss: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray
    steps: int
    f_min: float | None = None
    second_label: str | None = None
    tol_text: str = "tolerance"

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.second), len(self.lr)

    @property
    def has_second(self) -> bool:
        return self.second_name is not None and not np.isnan(self.second).all()

    def gap(self, which: str = "final_loss") -> np.ndarray:
        """``loss - f_min`` floored just above zero (raw loss without ``f_min``); NaN where diverged."""
        y = np.asarray(getattr(self, which), dtype=float)
        if self.f_min is None:
            return y
        floor = 1e-16 * max(1.0, abs(float(self.f_min)))
        with np.errstate(invalid="ignore"):
            return np.where(np.isfinite(y), np.maximum(y - float(self.f_min), floor), np.nan)


def log_edges(values: np.ndarray) -> np.ndarray:
    """Cell edges for log-spaced centres: geometric midpoints, the ends mirrored.

    Example:
        >>> log_edges(np.array([0.01, 0.1, 1.0])).round(6).tolist()
        [0.003162, 0.031623, 0.316228, 3.162278]
    """
    v = np.asarray(values, dtype=float)
    if v.size == 1:
        return np.array([v[0] / 1.5, v[0] * 1.5])
    mids = np.sqrt(v[:-1] * v[1:])
    return np.concatenate([[v[0] ** 2 / mids[0]], mids, [v[-1] ** 2 / mids[-1]]])


def stability_edge(grid: SweepGrid, x_edges: np.ndarray, y_edges: np.ndarray) -> tuple[list, list]:
    """Staircase along the left edge of each row's first diverging cell (None breaks rows without one)."""
    div = np.asarray(grid.diverged_at) >= 0
    xs: list = []
    ys: list = []
    for row in range(div.shape[0]):
        cols = np.flatnonzero(div[row])
        if not cols.size:
            if xs and xs[-1] is not None:
                xs.append(None)
                ys.append(None)
            continue
        x = float(x_edges[cols[0]])
        xs += [x, x]
        ys += [float(y_edges[row]), float(y_edges[row + 1])]
    return xs, ys


def _y_axis(grid: SweepGrid) -> tuple[np.ndarray, np.ndarray, dict]:
    """Row centres, row edges (drawn units) and the y-axis layout."""
    if not grid.has_second:
        return np.array([0.0]), np.array([-0.5, 0.5]), dict(
            showticklabels=False, title=dict(text="(no second hyperparameter)", standoff=4),
            range=[-0.5, 0.5], fixedrange=True)
    label = grid.second_label or grid.second_name
    second = np.asarray(grid.second, dtype=float)
    if len(second) == 1:
        return np.array([0.0]), np.array([-0.5, 0.5]), dict(
            tickmode="array", tickvals=[0.0], ticktext=[tick_text(second[0])], range=[-0.5, 0.5],
            title=dict(text=label, standoff=4), fixedrange=True)
    u = 1.0 - second  # drawn on 1 - value, reversed log axis
    edges = log_edges(u)
    lo, hi = float(edges.min()), float(edges.max())
    ticks = [t for t in SECOND_TICKS if lo <= 1.0 - t <= hi]
    if len(ticks) < 4:
        ticks = sorted(ticks + [t for t in HALF_TICKS if lo <= 1.0 - t <= hi])
    axis = dict(type="log", title=dict(text=f"{label}  (spaced by 1 − value)", standoff=4),
                range=[np.log10(hi), np.log10(lo)], tickmode="array",
                tickvals=[1.0 - t for t in ticks], ticktext=[tick_text(t) for t in ticks])
    return u, edges, axis


def tick_text(v: float) -> str:
    """A tick label: ``0.001``, ``0.95``, ``100``, ``1e-6``, ``1e+05`` -> ``1e5``.

    Example:
        >>> [tick_text(v) for v in (1e-4, 0.001, 0.95, 100.0, 1e5, 1e-12)]
        ['1e-4', '0.001', '0.95', '100', '1e5', '1e-12']
    """
    v = float(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.6g}"
    mant, exp = f"{v:.2e}".split("e")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{int(exp)}"


def _log_colorbar(lo: float, hi: float, title: str) -> dict:
    """Colourbar ticks at whole decades, labelled in real values."""
    k0, k1 = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
    ks = list(range(k0, k1 + 1)) or [k0]
    step = max(1, int(np.ceil(len(ks) / 9)))
    ks = ks[::step]
    return dict(title=dict(text=title, side="top"), thickness=12, len=0.85, outlinewidth=0,
                tickmode="array", tickvals=ks, ticktext=[tick_text(10.0**k) for k in ks])


def _swatch(name: str, color: str, meta: str = "legend", symbol: str = "square") -> dict:
    return dict(type="scatter", x=[None], y=[None], mode="markers", name=name, meta=meta, showlegend=True,
                      marker=dict(symbol=symbol, size=13, color=color, line=dict(color="#555", width=0.5)),
                      hoverinfo="skip")


def sweep_figure(grid: SweepGrid, outcome: str = "final_loss", *, selected: tuple[int, int] | None = None,
                 height: int = 560, title: str | None = None) -> dict:
    """Heatmap of ``outcome`` over the sweep, with diverged cells marked and one click point per cell.

    Args:
        grid: a :class:`SweepGrid`.
        outcome: one of :data:`OUTCOMES`.
        selected: ``(row, col)`` of a cell to outline (``meta="selected-cell"``).
        height: figure height in pixels.
        title: figure title.

    Returns:
        A figure dict ``{"data", "layout"}`` (see the module docstring for its traces).

    Example:
        >>> import numpy as np
        >>> g = SweepGrid(np.array([0.01, 0.1, 1.0]), np.array([0.0, 0.9]), "decay",
        ...               final_loss=np.array([[1.0, 0.1, np.nan], [1.0, 0.01, np.nan]]),
        ...               best_loss=np.array([[1.0, 0.1, 0.5], [1.0, 0.01, 0.5]]),
        ...               converged_at=np.array([[-1, 50, -1], [-1, 20, -1]]),
        ...               diverged_at=np.array([[-1, -1, 3], [-1, -1, 7]]), steps=100, f_min=0.0)
        >>> fig = sweep_figure(g, "final_loss", selected=(1, 1))
        >>> [t["meta"] for t in fig["data"] if t["meta"] != "legend"]
        ['outcome', 'diverged', 'stability-edge', 'cell', 'cell', 'cell', 'selected-cell', 'selected-cell']
        >>> fig["layout"]["xaxis"]["type"], fig["layout"]["yaxis"]["type"]
        ('log', 'log')
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}.")
    ny, nx = grid.shape
    lr = np.asarray(grid.lr, dtype=float)
    x_edges = log_edges(lr)
    y_centres, y_edges, y_axis = _y_axis(grid)
    diverged = np.asarray(grid.diverged_at) >= 0
    converged = np.asarray(grid.converged_at) >= 0
    data: list[dict] = []
    legend = []

    common = dict(x=x_edges, y=y_edges, hoverinfo="skip", xgap=0, ygap=0)
    if outcome in ("final_loss", "best_loss"):
        values = grid.gap(outcome)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(values > 0, np.log10(values), np.nan) if grid.f_min is not None else values
        finite = z[np.isfinite(z)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi - lo < 1e-9:
            lo, hi = lo - 0.5, hi + 0.5
        what = "f − f*" if grid.f_min is not None else "f"
        name = f"{OUTCOMES[outcome]}: {what}" + (" (log scale)" if grid.f_min is not None else "")
        bar = (_log_colorbar(lo, hi, what) if grid.f_min is not None
               else dict(title=dict(text=what, side="top"), thickness=12, len=0.85, outlinewidth=0))
        data.append(dict(type="heatmap", z=f32(z), zmin=lo, zmax=hi, colorscale=LOSS_COLORSCALE, colorbar=bar,
                                 name=name, meta="outcome", **common))
    elif outcome == "steps":
        z = np.where(converged & ~diverged, grid.converged_at, np.nan).astype(float)
        data.append(dict(type="heatmap",
            z=f32(z), zmin=0, zmax=max(grid.steps, 1), colorscale=STEPS_COLORSCALE, name="steps to tolerance",
            colorbar=dict(title=dict(text="steps", side="top"), thickness=12, len=0.85, outlinewidth=0),
            meta="outcome", **common))
        never = np.where(~converged & ~diverged, 1.0, np.nan)
        data.append(dict(type="heatmap", z=f32(never), zmin=0, zmax=1, colorscale=[[0, NEVER_COLOR], [1, NEVER_COLOR]],
                                 showscale=False, name="never reached", meta="never", **common))
        legend.append(_swatch(f"never reached {grid.tol_text}", NEVER_COLOR))
    else:  # diverged: when it happened
        z = np.where(diverged, grid.diverged_at, np.nan).astype(float)
        data.append(dict(type="heatmap",
            z=f32(z), zmin=0, zmax=max(grid.steps, 1), colorscale=DIVERGED_COLORSCALE, name="diverged at step",
            colorbar=dict(title=dict(text="diverged at step", side="top"), thickness=12, len=0.85,
                          outlinewidth=0),
            meta="outcome", **common))
        stable = np.where(~diverged, 1.0, np.nan)
        data.append(dict(type="heatmap", z=f32(stable), zmin=0, zmax=1,
                         colorscale=[[0, STABLE_COLOR], [1, STABLE_COLOR]], showscale=False,
                         name="did not diverge", meta="never", **common))
        legend.append(_swatch("did not diverge", STABLE_COLOR))
    if outcome != "diverged":
        mask = np.where(diverged, 1.0, np.nan)
        data.append(dict(type="heatmap", z=f32(mask), zmin=0, zmax=1,
                                 colorscale=[[0, DIVERGED_COLOR], [1, DIVERGED_COLOR]], showscale=False,
                                 name="diverged", meta="diverged", **common))
        legend.insert(0, _swatch("diverged", DIVERGED_COLOR))
    else:
        legend.insert(0, _swatch("diverged (colour: at which step)", DIVERGED_COLORSCALE[1][1]))

    ex, ey = stability_edge(grid, x_edges, y_edges)
    if ex:
        data.append(dict(type="scatter", x=ex, y=ey, mode="lines", line=dict(color=EDGE_COLOR, width=2),
                                 name="stability edge: smallest diverging lr", meta="stability-edge",
                                 hoverinfo="skip"))
    data += _cell_traces(grid, lr, y_centres, diverged, converged)
    if selected is not None:
        r, c = selected
        if 0 <= r < ny and 0 <= c < nx:
            for color, size in ((EDGE_COLOR, 17), ("#ffffff", 12)):  # a ring that shows on any colour
                data.append(dict(
                    type="scatter", x=[float(lr[c])], y=[float(y_centres[r])], mode="markers", name="selected",
                    meta="selected-cell",
                    showlegend=False, hoverinfo="skip",
                    marker=dict(symbol="square-open", size=size, color=color, line=dict(color=color, width=2.5))))
    data += legend

    layout = base_layout(title or f"{OUTCOMES[outcome].capitalize()} over {ny} x {nx} settings, "
                                  f"{grid.steps} steps each", height,
                         uirevision=f"sweep:{grid.second_name}:{outcome}")
    layout["margin"] = dict(l=70, r=10, t=34, b=10)
    layout.update(
        xaxis=dict(type="log", title=dict(text="learning rate (log scale)", standoff=4),
                   range=[np.log10(x_edges[0]), np.log10(x_edges[-1])], ticks="outside", showgrid=False,
                   zeroline=False, exponentformat="power"),
        yaxis=dict(ticks="outside", showgrid=False, zeroline=False, **y_axis),
        clickmode="event", dragmode="zoom", hovermode="closest",
    )
    return {"data": data, "layout": layout}


def _cell_traces(grid: SweepGrid, lr, y_centres, diverged, converged) -> list:
    """Invisible click/hover points on every cell centre, one trace per status (its own hover)."""
    ny, nx = grid.shape
    rows, cols = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    X, Y = lr[cols], np.asarray(y_centres)[rows]
    final, best = grid.gap("final_loss"), grid.gap("best_loss")
    what = "f − f*" if grid.f_min is not None else "f"
    second = ""
    if grid.has_second:
        second = f"<br>{esc(grid.second_name)} = %{{customdata[2]:.6g}}"
    head = "lr = %{x:.4g}" + second
    svalues = np.asarray(grid.second, dtype=float)[rows] if grid.has_second else np.zeros_like(X)
    groups = [
        (diverged, "diverged", f"{head}<br><b>diverged</b> at step %{{customdata[3]}}<extra></extra>",
         np.asarray(grid.diverged_at)),
        (converged & ~diverged, "reached tolerance",
         f"{head}<br>final {what} = %{{customdata[3]:.3g}}<br>best {what} = %{{customdata[4]:.3g}}"
         f"<br>first step at {esc(grid.tol_text)}: %{{customdata[5]}}<extra></extra>", final),
        (~converged & ~diverged, "never reached tolerance",
         f"{head}<br>final {what} = %{{customdata[3]:.3g}}<br>best {what} = %{{customdata[4]:.3g}}"
         f"<br>never reached {esc(grid.tol_text)}<extra></extra>", final),
    ]
    scatter = "scattergl" if ny * nx > MAX_SVG_CELLS else "scatter"
    out = []
    for mask, name, template, fourth in groups:
        data = np.column_stack([rows[mask], cols[mask], svalues[mask], fourth[mask], best[mask],
                                np.asarray(grid.converged_at)[mask]])
        out.append(dict(
            type=scatter, x=X[mask], y=np.asarray(Y[mask], dtype=float), customdata=f32(data), mode="markers",
            name=name,
            meta="cell", showlegend=False, hovertemplate=template,
            marker=dict(size=8, color="#000000", opacity=0.0, symbol="square"),
            selected=dict(marker=dict(opacity=0.0)), unselected=dict(marker=dict(opacity=0.0)),
        ))
    return out


def selected_cell(click) -> tuple[int, int] | None:
    """``(row, col)`` of the cell clicked, from the live chart's click event, or None.

    Every cell's invisible point carries ``customdata = [row, col, ...]``; anything unusable (a click
    elsewhere, a malformed event) gives None, never an exception.

    Example:
        >>> selected_cell({"x": 0.1, "y": 0.1, "curve": 1, "customdata": [3, 7, 0.9, 1, 1, 5]})
        (3, 7)
        >>> selected_cell({"x": 0.1, "y": 0.1, "curve": 0, "customdata": None}) is None
        True
    """
    data = click.get("customdata") if isinstance(click, dict) else None
    try:
        row, col = (int(round(float(v))) for v in list(data)[:2])
    except (TypeError, ValueError):
        return None
    if row >= 0 and col >= 0:
        return row, col
    return None

"""Sweep heatmaps: one optimizer's outcome over a grid of learning rate x a second hyperparameter.

Why this view: a single path shows one setting; the heatmap shows every setting at once, so the
stability boundary (where runs start to diverge) and the good region are visible, and a comparison
of optimizers need not rest on one arbitrary learning rate.

Layout rules:

- Cells are equal squares at whole positions: column k at x = k, row k at y = k. Learning rates
  (``lr`` across, and ``lr_y`` up on a map of per-coordinate learning rates) are log-spaced;
  momentum, decay, β₁ ... are spaced by log(1 - value), so 0, 0.9, 0.99 and 0.999 are equally far
  apart (:mod:`viz.sweepaxes`). Ticks are labelled in real values. Positions rather than values
  keep the map exact however deep the Sweep page zooms: a zoomed window a millionth of a decade
  wide is still 512 distinct columns, where a log axis would run out of float64 digits.
- The axes are category axes whose categories are the cells' own values (``"lr = 0.0123"``), so
  the hover names a cell's settings; shapes and ticks sit at numeric positions between them.
- Losses are coloured on a log scale (``f - f*`` when the minimum is known), the colourbar labelled
  in real values. Diverged cells are a distinct colour (:data:`DIVERGED_COLOR`) with a legend entry;
  on maps of a learning rate against momentum-like settings a black staircase (a layout shape
  named :data:`EDGE_NAME`) runs along the smallest diverging learning rate of each row. The speed
  view colours each run by how fast it converged or diverged, rank-normalised on each side of the
  edge (:func:`optim.speed_ranks`), as in Sohl-Dickstein (2024).
- Clicks and hover come from the heatmaps themselves: a click reports the cell's position (x, y),
  which :func:`selected_cell` turns into ``(row, col)``; nothing is drawn per cell but the heatmaps'
  typed arrays, so a 512 x 512 map is a few megabytes, not a scatter of 262,144 points.

Trace ``meta`` tags: ``"outcome"`` (the main heatmap; the speed view's only one), ``"diverged"`` (diverged
cells), ``"never"`` (cells that never stayed within the tolerance to their last step on the steps view, or did
not diverge on the diverged view),
``"round-off"`` (on the loss views, cells whose f − f* is zero or below by round-off), ``"legend"``
(legend-only swatches). Layout shapes: the stability edge and the selected cell's ring
(``name`` :data:`SELECTED_NAME`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from plotly.colors import diverging, sequential

from . import colors
from .layout import base_layout
from .series import esc, f32
from .sweepaxes import LOG, axis_kind, cell_labels, tick_text, ticks

OUTCOMES: dict[str, str] = {
    "final_loss": "final loss",
    "best_loss": "best loss",
    "steps": "steps to tolerance",
    "diverged": "diverged",
    "speed": "speed (ranked)",
}
"""Outcome keys a sweep heatmap can show, with their names for people."""

DIVERGED_COLOR = "#e0201b"
NEVER_COLOR = "#d4d4d4"
STABLE_COLOR = "#eeeeee"
EDGE_COLOR = "#111111"
LOSS_COLORSCALE = "Viridis"
LOSS_LOWEST = sequential.Viridis[0]
"""The loss colourscale's lowest colour: cells at f* to round-off wear it."""
STEPS_COLORSCALE = "Viridis"
DIVERGED_COLORSCALE = [[0.0, "#67000d"], [0.5, "#cb181d"], [1.0, "#fc9272"]]
"""Early divergence dark red, late divergence pale red."""
SPEED_COLORSCALE = [[i / (len(diverging.Spectral) - 1), c] for i, c in enumerate(diverging.Spectral)]
"""The anchor notebook's colour map: slow divergence dark red (-1), fast orange, fast convergence
green, slow convergence blue (+1); the slow runs on both sides are the ones next to the edge."""
EDGE_NAME = "stability edge: smallest diverging lr"
SELECTED_NAME = "selected cell"


@dataclass(frozen=True, eq=False)
class SweepGrid:
    """A finished sweep as plain arrays (rows follow ``second``, columns ``lr``).

    Attributes:
        lr: learning rates, shape ``(nx,)``, increasing (x's own learning rate on an ``lr_y`` map).
        second: second hyperparameter values, shape ``(ny,)``; ``[nan]`` when there is none.
        second_name: its name (``"decay"``, ``"lr_y"``), or None.
        final_loss, best_loss: shape ``(ny, nx)``; NaN where a run diverged.
        converged_at, diverged_at: shape ``(ny, nx)``; -1 for never.
        steps: steps per run.
        f_min: the objective's known minimum value, or None.
        second_label: axis title for the second hyperparameter (default: its name).
        tol_text: what "steps to tolerance" means, for the hover (``"f - f* <= 1e-6"``).
        speed: each run's speed rank (:func:`optim.speed_ranks`), shape ``(ny, nx)``; needed by the speed view.
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
    speed: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.second), len(self.lr)

    @property
    def has_second(self) -> bool:
        return self.second_name is not None and not np.isnan(self.second).all()

    @property
    def per_coordinate(self) -> bool:
        """A map of per-coordinate learning rates: x's across, y's (``lr_y``) up."""
        return self.second_name == "lr_y"

    def gap(self, which: str = "final_loss", floored: bool = True) -> np.ndarray:
        """``loss - f_min``, floored just above zero for the log colours unless ``floored`` is False (raw loss
        without ``f_min``); NaN where diverged."""
        y = np.asarray(getattr(self, which), dtype=float)
        if self.f_min is None:
            return y
        floor = 1e-16 * max(1.0, abs(float(self.f_min))) if floored else -np.inf
        with np.errstate(invalid="ignore"):
            return np.where(np.isfinite(y), np.maximum(y - float(self.f_min), floor), np.nan)


def stability_edge(grid: SweepGrid) -> str:
    """An SVG path along the left edge of each row's first diverging cell ("" when no row diverges)."""
    div = np.asarray(grid.diverged_at) >= 0
    parts: list[str] = []
    joined = False
    for row in range(div.shape[0]):
        cols = np.flatnonzero(div[row])
        if not cols.size:
            joined = False
            continue
        x = cols[0] - 0.5
        parts.append(f"{'L' if joined else 'M'}{x:g},{row - 0.5:g}L{x:g},{row + 0.5:g}")
        joined = True
    return "".join(parts)


def _log_colorbar(lo: float, hi: float, title: str) -> dict:
    """Colourbar ticks at whole decades, labelled in real values."""
    k0, k1 = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
    ks = list(range(k0, k1 + 1)) or [k0]
    step = max(1, int(np.ceil(len(ks) / 9)))
    ks = ks[::step]
    return dict(title=dict(text=title, side="top"), thickness=12, len=0.85, outlinewidth=0,
                tickmode="array", tickvals=ks, ticktext=[tick_text(10.0**k) for k in ks])


def _swatch(name: str, color: str) -> dict:
    return dict(type="scatter", x=[None], y=[None], mode="markers", name=name, meta="legend", showlegend=True,
                marker=dict(symbol="square", size=13, color=color, line=dict(color=colors.MID_GREY, width=0.8)),
                hoverinfo="skip")


def _solid(color: str) -> list:
    return [[0, color], [1, color]]


def sweep_figure(grid: SweepGrid, outcome: str = "final_loss", *, selected: tuple[int, int] | None = None,
                 height: int = 560, title: str | None = None, revision: str = "") -> dict:
    """Heatmap of ``outcome`` over the sweep, with diverged cells marked; clicks and hover on the cells.

    Args:
        grid: a :class:`SweepGrid`.
        outcome: one of :data:`OUTCOMES` (``"speed"`` needs ``grid.speed``).
        selected: ``(row, col)`` of a cell to outline (a ring of two rectangle shapes).
        height: figure height in pixels.
        title: figure title.
        revision: added to the layout's ``uirevision``: a new value resets the view (a box zoom the page
            answered), where the same value keeps what the person did to it.

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
        ['outcome', 'diverged']
        >>> [s["name"] for s in fig["layout"]["shapes"]]
        ['stability edge: smallest diverging lr', 'selected cell', 'selected cell']
        >>> fig["data"][0]["x"], fig["layout"]["xaxis"]["ticktext"]
        (['lr = 0.01', 'lr = 0.1', 'lr = 1'], ['0.01', '0.1', '1'])
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}.")
    if outcome == "speed" and grid.speed is None:
        raise ValueError("the speed view needs the grid's speed ranks (optim.speed_ranks).")
    ny, nx = grid.shape
    lr = np.asarray(grid.lr, dtype=float)
    y_name = "lr_y" if grid.per_coordinate else (grid.second_name or "")
    x_cats = cell_labels(lr, "lr")
    y_cats = cell_labels(np.asarray(grid.second, dtype=float), esc(y_name)) if grid.has_second else ["—"]
    head = "%{x}<br>%{y}<br>" if grid.has_second else "%{x}<br>"
    diverged = np.asarray(grid.diverged_at) >= 0
    converged = np.asarray(grid.converged_at) >= 0
    data, legend = _layers(grid, outcome, diverged, converged, head)
    common = dict(x=x_cats, y=y_cats, xgap=0, ygap=0, hoverongaps=False)
    for layer in data:
        layer.update(common)
    data += legend

    shapes = []
    if not grid.per_coordinate:
        path = stability_edge(grid)
        if path:
            shapes.append(dict(type="path", path=path, xref="x", yref="y", line=dict(color=EDGE_COLOR, width=2),
                               name=EDGE_NAME, showlegend=False))
            # Its legend entry is a swatch with the others' grey outline: the shape's own entry, a ring in the
            # edge's near-black, vanished on the dark page.
            data.append(_swatch(EDGE_NAME, EDGE_COLOR))
    if selected is not None:
        r, c = selected
        if 0 <= r < ny and 0 <= c < nx:
            for color, pad, width in ((EDGE_COLOR, 0.9, 3), ("#ffffff", 0.5, 1.5)):  # a ring that shows on any colour
                shapes.append(dict(type="rect", xref="x", yref="y", x0=c - pad, x1=c + pad, y0=r - pad, y1=r + pad,
                                   line=dict(color=color, width=width), name=SELECTED_NAME, showlegend=False))

    window = f"{lr[0]!r}:{lr[-1]!r}:{grid.second[0]!r}:{grid.second[-1]!r}:{nx}:{ny}"
    layout = base_layout(title or f"{OUTCOMES[outcome].capitalize()} over {ny} x {nx} settings, "
                                  f"{grid.steps} steps each", height,
                         uirevision=f"sweep:{grid.second_name}:{outcome}:{window}:{revision}")
    layout["margin"] = dict(l=70, r=10, t=34, b=10)
    x_title = "x's learning rate lr (log-spaced)" if grid.per_coordinate else "learning rate (log-spaced)"
    layout.update(
        xaxis=dict(title=dict(text=x_title, standoff=4), **_axis(lr, LOG, nx)),
        yaxis=_y_axis(grid, ny),
        shapes=shapes, clickmode="event", dragmode="zoom", hovermode="closest",
        # A drag pans nothing: a box zoom recomputes the map inside the box (the Sweep page), double-click resets.
        modebar=dict(remove=["pan2d", "select2d", "lasso2d", "autoScale2d"]),
    )
    return {"data": data, "layout": layout}


def _axis(values: np.ndarray, kind: str, n: int) -> dict:
    positions, labels = ticks(values, kind)
    return dict(type="category", range=[-0.5, n - 0.5], tickmode="array", tickvals=positions, ticktext=labels,
                ticks="outside", showgrid=False, zeroline=False, automargin=True)


def _y_axis(grid: SweepGrid, ny: int) -> dict:
    if not grid.has_second:
        return dict(type="category", showticklabels=False, title=dict(text="(no second hyperparameter)", standoff=4),
                    range=[-0.5, 0.5], fixedrange=True, showgrid=False, zeroline=False)
    label = grid.second_label or grid.second_name
    second = np.asarray(grid.second, dtype=float)
    kind = axis_kind(grid.second_name)
    if grid.per_coordinate:
        title = "y's learning rate lr_y (log-spaced)"
    else:
        title = f"{label}  (spaced by 1 − value)"
    axis = dict(title=dict(text=title, standoff=4), **_axis(second, kind, ny))
    if ny == 1:
        axis["fixedrange"] = True
    return axis


def _layers(grid: SweepGrid, outcome: str, diverged, converged, head: str) -> tuple[list[dict], list[dict]]:
    """The heatmaps of ``outcome`` (without their shared x, y and hover settings) and the legend swatches."""
    bar = dict(thickness=12, len=0.85, outlinewidth=0)
    what = "f − f*" if grid.f_min is not None else "f"
    data: list[dict] = []
    legend: list[dict] = []
    if outcome in ("final_loss", "best_loss"):
        z, lo, hi = _loss_z(grid, outcome)
        word = OUTCOMES[outcome]
        if grid.f_min is not None:
            colorbar, value = _log_colorbar(lo, hi, what), "10<sup>%{z:.2f}</sup>"
        else:
            colorbar, value = dict(title=dict(text=what, side="top"), **bar), "%{z:.4g}"
        data.append(dict(type="heatmap", z=f32(z), zmin=lo, zmax=hi, colorscale=LOSS_COLORSCALE, colorbar=colorbar,
                         name=f"{word}: {what}" + (" (log scale)" if grid.f_min is not None else ""), meta="outcome",
                         hovertemplate=f"{head}{word} {what} = {value}<extra></extra>"))
        data += _round_off_layer(grid, outcome, head)
    elif outcome == "steps":
        z = np.where(converged & ~diverged, grid.converged_at, np.nan).astype(float)
        data.append(dict(type="heatmap", z=f32(z), zmin=0, zmax=max(grid.steps, 1), colorscale=STEPS_COLORSCALE,
                         name="steps to tolerance", colorbar=dict(title=dict(text="steps", side="top"), **bar),
                         meta="outcome",
                         hovertemplate=f"{head}within {esc(grid.tol_text)} from step %{{z}} on<extra></extra>"))
        never = np.where(~converged & ~diverged, 1.0, np.nan)
        data.append(dict(type="heatmap", z=f32(never), zmin=0, zmax=1, colorscale=_solid(NEVER_COLOR),
                         showscale=False, name="never stayed within", meta="never",
                         hovertemplate=f"{head}never stayed within {esc(grid.tol_text)}<extra></extra>"))
        legend.append(_swatch(f"never stayed within {grid.tol_text}", NEVER_COLOR))
    elif outcome == "speed":  # one layer: the sign of the rank says the side, so the hover can say it too
        names = ["diverged:<br>slow", "diverged:<br>fast", "bounded:<br>fast", "bounded:<br>slow"]
        data.append(dict(type="heatmap", z=f32(grid.speed), zmin=-1, zmax=1, colorscale=SPEED_COLORSCALE,
                         name="speed rank", meta="outcome",
                         colorbar=dict(tickmode="array", tickvals=[-1.0, -0.25, 0.25, 1.0], ticktext=names, **bar),
                         hovertemplate=f"{head}speed rank %{{z:.3f}}<br>stayed bounded: 0.25 (fastest down) to 1; "
                                       "diverged: −0.25 (fastest) to −1<extra></extra>"))
        return data, legend
    else:  # diverged: when it happened
        z = np.where(diverged, grid.diverged_at, np.nan).astype(float)
        data.append(dict(type="heatmap", z=f32(z), zmin=0, zmax=max(grid.steps, 1), colorscale=DIVERGED_COLORSCALE,
                         name="diverged at step", meta="outcome",
                         colorbar=dict(title=dict(text="diverged at step", side="top"), **bar),
                         hovertemplate=f"{head}<b>diverged</b> at step %{{z}}<extra></extra>"))
        stable = np.where(~diverged, 1.0, np.nan)
        data.append(dict(type="heatmap", z=f32(stable), zmin=0, zmax=1, colorscale=_solid(STABLE_COLOR),
                         showscale=False, name="did not diverge", meta="never",
                         hovertemplate=f"{head}did not diverge in {grid.steps} steps<extra></extra>"))
        legend.append(_swatch("did not diverge", STABLE_COLOR))
        legend.insert(0, _swatch("diverged (colour: at which step)", DIVERGED_COLORSCALE[1][1]))
        return data, legend
    mask = np.where(diverged, grid.diverged_at, np.nan).astype(float)
    data.append(dict(type="heatmap", z=f32(mask), zmin=0, zmax=1, colorscale=_solid(DIVERGED_COLOR), showscale=False,
                     name="diverged", meta="diverged",
                     hovertemplate=f"{head}<b>diverged</b> at step %{{z}}<extra></extra>"))
    legend.insert(0, _swatch("diverged", DIVERGED_COLOR))
    return data, legend


def _loss_z(grid: SweepGrid, outcome: str) -> tuple[np.ndarray, float, float]:
    """The loss views' values and colour range: log10 of each run's own f − f*, the range stopping at the
    floor of :meth:`SweepGrid.gap` (lower values take its colour, and the hover still gives their own value);
    f itself when the minimum is unknown. NaN where diverged, or where f − f* is not above zero."""
    values = grid.gap(outcome)
    if grid.f_min is None:
        z = ranged = values
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = grid.gap(outcome, floored=False)
            z, ranged = np.where(raw > 0, np.log10(raw), np.nan), np.log10(values)
    finite = ranged[np.isfinite(ranged)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    return z, lo, hi


def _round_off_layer(grid: SweepGrid, outcome: str, head: str) -> list[dict]:
    """Cells whose f − f* is zero or below, which only round-off gives (f* is the lowest value): the lowest loss
    colour, and a hover that says so rather than a made-up power of ten. None when no cell is such."""
    if grid.f_min is None:
        return []
    with np.errstate(invalid="ignore"):
        zero = grid.gap(outcome, floored=False) <= 0
    if not zero.any():
        return []
    return [dict(type="heatmap", z=f32(np.where(zero, 1.0, np.nan)), zmin=0, zmax=1, showscale=False,
                 colorscale=_solid(LOSS_LOWEST), name="f − f* = 0 to float64 precision", meta="round-off",
                 hovertemplate=f"{head}{OUTCOMES[outcome]} f − f* = 0 to float64 precision<extra></extra>")]


def selected_cell(click, shape: tuple[int, int]) -> tuple[int, int] | None:
    """``(row, col)`` of the cell clicked on a map of ``shape`` (rows, columns), from the live chart's click event.

    Cells sit at whole positions (column k at x = k, row k at y = k); the event's ``point`` is the
    heatmap's ``[row, col]`` and its ``x`` and ``y`` are the cell's categories, so the cell comes from
    ``point``. Anything unusable (a click elsewhere, a malformed event, a cell off the map) gives None,
    never an exception.

    Example:
        >>> selected_cell({"x": "lr = 0.1", "y": "decay = 0.9", "curve": 0, "point": [3, 7]}, (60, 60))
        (3, 7)
        >>> selected_cell({"x": "lr = 0.1", "y": "decay = 0.9", "curve": 0, "point": None}, (60, 60)) is None
        True
    """
    point = click.get("point") if isinstance(click, dict) else None
    try:
        row, col = (int(v) for v in point)
    except (TypeError, ValueError):
        return None
    if 0 <= row < shape[0] and 0 <= col < shape[1]:
        return row, col
    return None

"""Basin maps: which minimum an optimizer reaches from every start point, side by side per optimizer.

Why this view: on a function with several minima the answer to "where does it end up?" depends on
the start point, and different optimizers carve the plane differently (momentum jumps over ridges
plain gradient descent respects). One panel per optimizer, all with the same colours:

- ``view="basin"``: one categorical colour per known minimum (neighbouring minima never share a
  colour, even on Rastrigin's 121), grey (:data:`NOT_CONVERGED_COLOR`) for runs that ended nowhere
  near a minimum, black (:data:`DIVERGED_COLOR`) for runs that diverged. Each minimum is a star in its
  white star; the legend names the minima (numbered 1, 2, ... as in the hover).
- ``view="steps"``: steps until converged, on a sequential scale, with the same grey and black.

Each panel is one heatmap of small integers (drawn compactly), so four 200 x 200 maps stay light.

The panels stand in one row; ``fig["narrow"]`` holds grids of fewer columns the live chart switches to
when the chart is too narrow for each panel to get :data:`MIN_PANEL` pixels (one column on a phone or
an 800 px window), so a map never shrinks below readable and the panel titles never run together.
Codes in the basin view: ``k`` (1-based) for minimum ``k``, 0 for not converged, -1 for diverged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from plotly.colors import sample_colorscale

from . import colors
from .layout import base_layout, grid_arrangements, grid_domains, panel_title
from .row_grid import wrap_sentence
from .series import esc, fmt

NOT_CONVERGED_COLOR = "#c4c4c4"
DIVERGED_COLOR = "#000000"
BASIN_COLORS: tuple[str, ...] = tuple(c for c in colors.SERIES_COLORS if c != colors.SERIES_GREY)
"""Categorical colours for basins: the series palette without its grey (grey means a run that ended near no
minimum, black one that diverged)."""
STEPS_COLORSCALE = "Viridis"
MINIMUM_FILL = "#ffffff"
"""Stars marking the minima are white with a black outline: visible on every basin colour."""
MAX_LEGEND_MINIMA = 12
"""With more minima than this, the legend says "colours repeat" instead of naming each one."""

MIN_PANEL = 290
"""Narrowest width in pixels a panel (map, tick labels and spacing) gets before the maps wrap to fewer columns."""
PANEL_HEIGHT = 400
"""Height in pixels of one row of maps, title and x-axis title included, once the maps wrap to rows."""
LEGEND_HEIGHT = 120
"""Room in pixels the legend's rows take under the maps (Plotly grows the bottom margin by this much)."""
TITLE_CHARS = 32
"""Most characters on a line of a panel's title: a :data:`MIN_PANEL` panel fits about 36 of its 13 px text. A long
label (every setting that tells an optimizer from another of the same kind, and its schedule) wraps onto more lines;
on one line, neighbouring titles ran into each other."""
TITLE_LINE_PX = 17
"""Height in pixels of one more line of a panel's title."""

NOT_CONVERGED, DIVERGED = -1, -2  # the core's labels (optim.NOT_CONVERGED, optim.DIVERGED)


@dataclass(frozen=True, eq=False)
class BasinPanel:
    """One optimizer's basin map.

    Attributes:
        title: panel title (the optimizer's label).
        labels: ``(ny, nx)`` ints: index into the minima, -1 not converged, -2 diverged.
        steps: ``(ny, nx)`` ints: steps until converged, -1 when it did not.
    """

    title: str
    labels: np.ndarray
    steps: np.ndarray


def basin_colors(minima) -> list[str]:
    """One colour per minimum; minima next to each other get different colours.

    Minima get the palette in order while there are enough colours. Beyond that the global minima
    keep the first colours to themselves, and each local minimum takes the first remaining colour not
    used by any minimum within 1.5 times its nearest neighbour's distance (greedy colouring, enough
    for lattices such as Rastrigin's, where each minimum has eight neighbours).

    Example:
        >>> from collections import namedtuple
        >>> M = namedtuple("M", "x y is_global")
        >>> basin_colors([M(0, 0, True), M(1, 0, False)])
        ['#0072b2', '#d55e00']
        >>> lattice = [M(i, j, i == j == 5) for i in range(11) for j in range(11)]
        >>> cs = basin_colors(lattice)
        >>> all(cs[i * 11 + j] != cs[(i + 1) * 11 + j + 1] for i in range(10) for j in range(10))
        True
        >>> cs.count(cs[5 * 11 + 5])  # the global minimum's colour is its own
        1
    """
    n = len(minima)
    if n <= len(BASIN_COLORS):
        return list(BASIN_COLORS[:n])
    glob = [i for i, m in enumerate(minima) if getattr(m, "is_global", False)][: len(BASIN_COLORS) - 9]
    pts = np.array([[m.x, m.y] for m in minima], dtype=float)
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    np.fill_diagonal(d, np.inf)
    near = d <= 1.5 * d.min(axis=1, keepdims=True)
    out: list[int] = [-1] * n
    for k, i in enumerate(glob):
        out[i] = k
    free = list(range(len(glob), len(BASIN_COLORS)))
    for i in range(n):
        if out[i] >= 0:
            continue
        used = {out[j] for j in np.flatnonzero(near[i] | near[:, i]) if out[j] >= 0}
        out[i] = next((c for c in free if c not in used), free[0])
    return [BASIN_COLORS[c] for c in out]


def _discrete_scale(cols: list[str]) -> list[list]:
    """A colourscale giving integer ``i`` (of ``len(cols)``, zmin=-0.5, zmax=n-0.5) colour ``cols[i]``."""
    n = len(cols)
    scale = []
    for i, c in enumerate(cols):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


def _steps_scale(max_steps: int) -> list[list]:
    """Sequential scale for steps 0..max_steps, with -2 (diverged) black and -1 (never) grey below it."""
    span = max_steps + 2
    a, b = 0.5 / span, 1.5 / span
    ramp = sample_colorscale(STEPS_COLORSCALE, list(np.linspace(0, 1, 11)))
    scale = [[0.0, DIVERGED_COLOR], [a, DIVERGED_COLOR], [a, NOT_CONVERGED_COLOR], [b, NOT_CONVERGED_COLOR]]
    scale += [[b + (1 - b) * t, c] for t, c in zip(np.linspace(0, 1, 11), ramp, strict=True)]
    return scale


def _codes(labels: np.ndarray) -> np.ndarray:
    """Core labels as drawn codes: minimum k -> k + 1, not converged -> 0, diverged -> -1."""
    lab = np.asarray(labels)
    code = np.where(lab == DIVERGED, -1, np.where(lab == NOT_CONVERGED, 0, lab + 1))
    return code.astype(np.int8 if code.max(initial=0) < 127 else np.int16)


def _swatch(name: str, color: str, *, symbol: str = "square", size: int = 13, group: str | None = None):
    return dict(type="scatter", x=[None], y=[None], mode="markers", name=name, meta="legend", showlegend=True,
                legendgroup=group, hoverinfo="skip",
                marker=dict(symbol=symbol, size=size, color=color, line=dict(color=colors.MID_GREY, width=0.8)))


def basin_figure(panels: list[BasinPanel], xs, ys, minima, *, view: str = "basin", max_steps: int | None = None,
                 height: int = 460, title: str | None = None, pick: tuple[float, float] | None = None) -> dict:
    """The basin maps of ``panels`` side by side, sharing colours, legend and axes ranges.

    Args:
        panels: one :class:`BasinPanel` per optimizer (1 to 4 fit a row).
        xs, ys: the start grid's coordinates (columns, rows).
        minima: the objective's minima (objects with ``x``, ``y``, ``value``, ``is_global``), in the
            order the labels index.
        view: ``"basin"`` (which minimum) or ``"steps"`` (steps until converged).
        max_steps: top of the steps colour scale (default: the largest step in any panel).
        height: figure height in pixels.
        title: figure title.
        pick: a start point a person picked: a ``meta="pick"`` ring on every panel.

    Returns:
        A figure dict for the live chart: per panel a ``meta="basins"`` heatmap and ``meta="minima"`` stars
        (and the ``meta="pick"`` ring); legend-only ``meta="legend"`` swatches once; ``narrow``, the grids
        of fewer columns for narrow charts.

    Example:
        >>> from collections import namedtuple
        >>> M = namedtuple("M", "x y value is_global")
        >>> mins = [M(-1.0, 0.0, 0.0, True), M(1.0, 0.0, 0.0, True)]
        >>> lab = np.array([[0, 1, -1], [0, 1, -2]])
        >>> p = BasinPanel("GD", lab, np.where(lab >= 0, 10, -1))
        >>> fig = basin_figure([p, p], [-1.0, 0.0, 1.0], [0.0, 1.0], mins)
        >>> [t["meta"] for t in fig["data"] if t["meta"] != "legend"]
        ['basins', 'minima', 'basins', 'minima']
        >>> [t["name"] for t in fig["data"] if t["meta"] == "legend"]
        ['minimum 1 at (-1, 0)', 'minimum 2 at (1, 0)', 'reached no minimum', 'diverged']
        >>> [(a["below"], a["layout"]["height"]) for a in fig["narrow"]]
        [(580, 980)]
    """
    if view not in ("basin", "steps"):
        raise ValueError(f"view must be 'basin' or 'steps', got {view!r}.")
    if not panels:
        raise ValueError("basin_figure needs at least one panel.")
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    cols = len(panels)
    lines = [wrap_sentence(esc(p.title), TITLE_CHARS) for p in panels]
    titles = ["<br>".join(t) for t in lines]
    taller = TITLE_LINE_PX * (max(len(t) for t in lines) - 1)  # the maps keep their size under longer titles
    domains = grid_domains(1, cols, 0.03 + 0.02 / cols, 0.0)
    grid_x, grid_y = xs.tolist(), ys.tolist()  # exact: a click on a cell sends its start point back to the page
    mcolors = basin_colors(minima)
    numbered = len(minima) <= MAX_LEGEND_MINIMA
    if max_steps is None:
        max_steps = max(1, max(int(np.max(p.steps, initial=0)) for p in panels))
    data: list[dict] = []
    axes: dict[str, dict] = {}
    for i, p in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        on = dict(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        if view == "basin":
            heat = dict(
                type="heatmap", x=grid_x, y=grid_y, z=_codes(p.labels), customdata=np.asarray(p.steps).astype(np.int16),
                meta="basins", name=p.title, zmin=-1.5, zmax=len(minima) + 0.5, showscale=False,
                colorscale=_discrete_scale([DIVERGED_COLOR, NOT_CONVERGED_COLOR, *mcolors]),
                hovertemplate=f"<b>{esc(p.title)}</b><br>start (%{{x:.3g}}, %{{y:.3g}})<br>ends at minimum %{{z}}"
                              "  (0: reached no minimum, −1: diverged)"
                              "<br>steps to converge: %{customdata}<extra></extra>",
            )
        else:
            z = np.asarray(p.steps).astype(np.int32)
            z = np.where(np.asarray(p.labels) == DIVERGED, -2, np.where(z >= 0, z, -1)).astype(np.int16)
            heat = dict(
                type="heatmap", x=grid_x, y=grid_y, z=z, customdata=_codes(p.labels), meta="basins", name=p.title,
                zmin=-2, zmax=max_steps, colorscale=_steps_scale(max_steps), showscale=i == cols - 1,
                colorbar=dict(title=dict(text="steps", side="top"), thickness=12, len=0.85, outlinewidth=0,
                              tickmode="auto", tick0=0, x=1.01, xpad=4),
                hovertemplate=f"<b>{esc(p.title)}</b><br>start (%{{x:.3g}}, %{{y:.3g}})<br>steps to converge: "
                              "%{z}  (−1 = never, −2 = diverged)<br>ends at minimum %{customdata}"
                              "<extra></extra>",
            )
        data += [{**heat, **on}, {**_minima_trace(minima, mcolors), **on}]
        if pick is not None:
            data.append(dict(type="scatter", x=[pick[0]], y=[pick[1]], mode="markers", meta="pick",
                             name="picked start", showlegend=False, hoverinfo="skip",
                             marker=dict(symbol="circle-open", size=16, color="#ffffff",
                                         line=dict(color=colors.OUTLINE, width=3)), **on))
        xdomain, ydomain = domains[i]
        axes[f"xaxis{suffix}"] = dict(anchor=f"y{suffix}", domain=xdomain, range=[float(xs[0]), float(xs[-1])],
                                      constrain="domain", showgrid=False, zeroline=False,
                                      title=dict(text="start x", standoff=2))
        axes[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", domain=ydomain, range=[float(ys[0]), float(ys[-1])],
                                      constrain="domain", showgrid=False, zeroline=False,
                                      scaleanchor=f"x{suffix}", scaleratio=1,
                                      **(dict(title=dict(text="start y", standoff=2)) if i == 0 else {}))
    data += _legend(minima, mcolors, numbered)
    layout = base_layout(title or "", height + taller, uirevision=f"basins:{view}:{cols}")
    layout["margin"] = dict(l=50, r=10, t=50 + taller, b=10)
    layout.update(axes)
    layout["annotations"] = [panel_title(t, *domains[i], size=13) for i, t in enumerate(titles)]
    out = {"data": data, "layout": layout}
    out["narrow"] = grid_arrangements(titles, cols, min_panel=MIN_PANEL, row_px=PANEL_HEIGHT + taller,
                                      extra_px=LEGEND_HEIGHT + layout["margin"]["t"] + layout["margin"]["b"],
                                      gap_px=80 + taller, y_title="start y", title_size=13)
    return out


def _minima_trace(minima, mcolors) -> dict:
    sizes = [16 if m.is_global else 11 for m in minima] if len(minima) <= 30 else \
        [13 if m.is_global else 6 for m in minima]
    return dict(
        type="scatter", x=[m.x for m in minima], y=[m.y for m in minima], mode="markers", meta="minima",
        name="minima", showlegend=False, customdata=[[k + 1, m.value] for k, m in enumerate(minima)],
        marker=dict(symbol="star", size=sizes, color=MINIMUM_FILL, line=dict(color=colors.OUTLINE, width=1.2)),
        hovertemplate="minimum %{customdata[0]} at (%{x:.4g}, %{y:.4g})<br>f = %{customdata[1]:.6g}<extra></extra>",
    )


def _legend(minima, mcolors, numbered: bool) -> list[dict]:
    out = []
    if numbered:
        for k, (m, c) in enumerate(zip(minima, mcolors, strict=True)):
            tag = "" if m.is_global or all(mm.is_global for mm in minima) else " (local)"
            if m.is_global and not all(mm.is_global for mm in minima):
                tag = " (global)"
            out.append(_swatch(f"minimum {k + 1} at ({fmt(round(m.x, 3))}, {fmt(round(m.y, 3))}){tag}", c))
    else:
        g = next((k for k, m in enumerate(minima) if m.is_global), 0)
        out.append(_swatch(f"the global minimum's basin (minimum {g + 1})", mcolors[g]))
        out.append(_swatch(f"the other {len(minima) - 1} minima's basins (colours repeat; stars mark each)",
                           BASIN_COLORS[1]))
    out.append(_swatch("reached no minimum", NOT_CONVERGED_COLOR))
    out.append(_swatch("diverged", DIVERGED_COLOR))
    return out


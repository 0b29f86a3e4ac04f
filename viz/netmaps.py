"""A trained network drawn over planes: its decision boundary over the data, and a slice of its loss landscape.

The boundary figure carries a step table (see :mod:`viz.linked`) whose one binding moves a whole grid: the
heatmap's ``z`` at every recorded step (``{"grid": column, "shape": [n, n]}``), so the live chart's step
control and Play redraw the boundary in the browser without a rerun.

The landscape figure puts a contour map and a 3D surface of the same slice side by side, heights and colours
in log10 of the loss, with every configuration's path projected onto the plane. A path on the surface is
drawn at the slice's loss where it projects, not at its own loss: off the plane the loss differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import colors
from .layout import base_layout, room_for_legend
from .series import esc, f32, legend_name

BOUNDARY_SCALE = [[0.0, "#3b7dd8"], [0.5, "#f7f7f2"], [1.0, "#e07b39"]]
"""P(class 1): blue for class 0, orange for class 1, pale at the boundary."""
CLASS_COLORS = ("#1f5fae", "#c4521b", "#2e8b57", "#8e44ad", "#b8860b", "#17becf", "#7f7f7f", "#d62728", "#556b2f",
                "#ff69b4")


def boundary_figure(x1, x2, frames: np.ndarray, steps: np.ndarray, step: int | None, X: np.ndarray, y: np.ndarray,
                    classes: int, title: str, height: int = 460) -> dict:
    """The network's prediction over the plane at every recorded step, with the training points on top.

    Args:
        x1, x2: the grid's axes; frames: ``(R, n, n)`` P(class 1) in percent (two classes) or the predicted
            class; steps: the ``R`` recorded steps; step: the one shown first (default the last).
        X, y: the training points and their classes; classes: how many.
        title: the figure's title.

    Example:
        >>> f = np.zeros((3, 4, 4), dtype=np.uint8); f[2] = 100
        >>> fig = boundary_figure(np.arange(4.0), np.arange(4.0), f, np.array([0, 5, 10]), 5,
        ...                       np.zeros((2, 2)), np.array([0, 1]), 2, "t")
        >>> fig["step"]["value"], fig["step"]["bindings"][0]["attrs"]["z"]["shape"], fig["data"][0]["z"][0][0]
        (5, [4, 4], 0)
    """
    steps = np.asarray(steps)
    shown = int(steps[-1]) if step is None else int(steps[np.argmin(np.abs(steps - step))])
    j = int(np.flatnonzero(steps == shown)[0])
    two = classes == 2
    n = frames.shape[1]
    heat = dict(type="heatmap", x=f32(x1), y=f32(x2), z=frames[j].tolist(), zmin=0, zmax=100 if two else classes - 1,
                colorscale=BOUNDARY_SCALE if two else _class_scale(classes), opacity=0.85, meta="boundary",
                showscale=two, hovertemplate=("(%{x:.2f}, %{y:.2f})<br>P(class 1) = %{z}%<extra></extra>" if two else
                                              "(%{x:.2f}, %{y:.2f})<br>predicted class %{z}<extra></extra>"),
                colorbar=dict(title=dict(text="P(1) %", side="top"), thickness=10, len=0.8))
    data = [heat]
    for c in range(classes):
        pts = X[y == c]
        data.append(dict(type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="markers", name=f"class {c}",
                         meta="points", marker=dict(size=5, color=CLASS_COLORS[c % len(CLASS_COLORS)],
                                                    line=dict(color="#ffffff", width=0.6)),
                         hovertemplate=f"class {c}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    layout = base_layout(title, height, uirevision="train:boundary", legend=True)
    layout.update(xaxis=dict(title=dict(text="x1", standoff=2), range=[float(x1[0]), float(x1[-1])], zeroline=False,
                             constrain="domain"),
                  yaxis=dict(title=dict(text="x2", standoff=2), range=[float(x2[0]), float(x2[-1])], zeroline=False,
                             scaleanchor="x", scaleratio=1, constrain="domain"))
    table = {"stops": steps.astype(np.int32), "value": shown, "label": "Step",
             "columns": {"grid": np.ascontiguousarray(frames, dtype=np.uint8).ravel()},
             "bindings": [{"trace": 0, "attrs": {"z": {"grid": "grid", "shape": [n, n]}}}]}
    return {"data": data, "layout": layout, "step": table}


def _class_scale(k: int) -> list[list]:
    """A stepped colourscale: one pale colour per class over 0 .. k-1."""
    out = []
    for c in range(k):
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        out += [[c / k, color], [(c + 1) / k, color]]
    return out


@dataclass(frozen=True, eq=False)
class SlicePath:
    """One run's path on the slice's plane: ``coords`` ``(R, 2)`` and the share of its movement the plane holds."""

    label: str
    color: str
    coords: np.ndarray
    captured: float


def _interpolate(alpha, beta, Z, pts) -> np.ndarray:
    """Bilinear interpolation of the grid ``Z`` (rows follow ``beta``) at plane points ``pts`` (NaN outside)."""
    a, b = pts[:, 0], pts[:, 1]
    inside = (a >= alpha[0]) & (a <= alpha[-1]) & (b >= beta[0]) & (b <= beta[-1]) & np.isfinite(pts).all(axis=1)
    out = np.full(len(pts), np.nan)
    if not inside.any():
        return out
    a, b = a[inside], b[inside]
    i = np.clip(np.searchsorted(alpha, a) - 1, 0, len(alpha) - 2)
    j = np.clip(np.searchsorted(beta, b) - 1, 0, len(beta) - 2)
    ta = (a - alpha[i]) / (alpha[i + 1] - alpha[i])
    tb = (b - beta[j]) / (beta[j + 1] - beta[j])
    out[inside] = ((1 - ta) * (1 - tb) * Z[j, i] + ta * (1 - tb) * Z[j, i + 1] + (1 - ta) * tb * Z[j + 1, i]
                   + ta * tb * Z[j + 1, i + 1])
    return out


def loss_ticks(zlo: float, zhi: float) -> tuple[np.ndarray, list[str]]:
    """Ticks for a loss axis drawn in log10 of the loss, between ``zlo`` and ``zhi``: their positions and labels.

    1, 2 and 5 times powers of ten (only the powers when that gives more than eight); on a range too narrow to
    hold three of those, at least three evenly spaced round losses, the widest step that gives three (so at
    most eight), labelled with as many decimals as the step needs, so no two labels read the same. A trained
    network's loss slice often spans less than 0.02 (0.69 to 0.71): ticks a thousandth apart at two
    significant digits wrote nineteen labels on the colour bar, "0.69" five times and "0.7" ten times.

    Example:
        >>> loss_ticks(-2.0, 0.5)[1]
        ['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1', '2']
        >>> loss_ticks(np.log10(0.55), np.log10(0.8))[1]
        ['0.6', '0.7', '0.8']
        >>> loss_ticks(np.log10(0.6905), np.log10(0.7095))[1]
        ['0.695', '0.700', '0.705']
        >>> loss_ticks(np.log10(100.0), np.log10(130.0))[1]
        ['100', '110', '120', '130']
    """
    lo, hi = 10.0 ** zlo, 10.0 ** zhi
    decades = np.arange(np.floor(zlo), np.ceil(zhi) + 1)
    nice = np.sort(np.outer([1.0, 2.0, 5.0], 10.0 ** decades).ravel())
    nice = nice[(nice >= lo * (1 - 1e-9)) & (nice <= hi * (1 + 1e-9))]
    if len(nice) > 8:
        nice = nice[np.isclose(np.log10(nice) % 1, 0) | np.isclose(np.log10(nice) % 1, 1)]
    if len(nice) >= 3:
        return np.log10(nice), [f"{v:g}" for v in nice]
    top = 10.0 ** np.floor(np.log10(hi - lo) + 1e-9) if hi > lo else 1.0
    for step in (m * top / 10.0 ** k for k in range(3) for m in (5.0, 2.0, 1.0)):
        even = np.arange(np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9) + 1) * step
        even = even[even > 0]
        if len(even) >= 3:
            break
    decimals = max(0, -int(np.floor(np.log10(step) + 1e-9)))
    if hi < 1e-3:  # 1.05e-06 rather than 0.00000105
        digits = decimals + int(np.floor(np.log10(even[-1]) + 1e-9))
        return np.log10(even), [f"{v:.{max(digits, 0)}e}" for v in even]
    return np.log10(even), [f"{v:.{decimals}f}" for v in even]


def landscape_figure(alpha, beta, loss, paths: list[SlicePath], title: str, height: int = 520) -> dict:
    """Contour map (left) and 3D surface (right) of a loss slice, in log10 of the loss, with the paths on both.

    Example:
        >>> a = np.linspace(-1, 1, 5); L = 1 + np.add.outer(a ** 2, a ** 2)
        >>> p = SlicePath("Adam", "#0072b2", np.array([[0.5, 0.5], [0.0, 0.0]]), 0.9)
        >>> fig = landscape_figure(a, a, L, [p], "slice")
        >>> [t["meta"] for t in fig["data"]]
        ['contour', 'surface', 'path', 'end', 'path3d']
    """
    with np.errstate(all="ignore"):
        Z = np.log10(np.maximum(np.asarray(loss, dtype=float), 1e-300))
    finite = Z[np.isfinite(Z)]
    zlo, zhi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    zhi = zhi if zhi > zlo else zlo + 1.0
    ticks, labels = loss_ticks(zlo, zhi)
    few = -(-len(ticks) // 4)  # the 3D axis is short: at most four labels
    bar = dict(title=dict(text="loss", side="top"), thickness=10, len=0.8, x=0.44, xanchor="left",
               tickmode="array", tickvals=list(ticks), ticktext=labels)
    hover = "(%{x:.3g}, %{y:.3g})<br>loss %{customdata:.4g}<extra></extra>"
    data = [dict(type="contour", x=f32(alpha), y=f32(beta), z=f32(Z), customdata=f32(loss), coloraxis="coloraxis",
                 contours=dict(coloring="heatmap", showlines=True), line=dict(color=colors.CONTOUR_LINE, width=0.6),
                 ncontours=18, meta="contour", hovertemplate=hover, showlegend=False),
            dict(type="surface", x=f32(alpha), y=f32(beta), z=f32(Z), customdata=f32(loss), coloraxis="coloraxis",
                 scene="scene", opacity=0.95, meta="surface", hovertemplate=hover, showlegend=False,
                 lighting=dict(ambient=0.75, diffuse=0.6, specular=0.05, roughness=0.9))]
    lift = 0.015 * (zhi - zlo)
    for p in paths:
        share = "no movement" if not np.isfinite(p.captured) else f"{p.captured:.0%} of its movement in the plane"
        name = legend_name(f"{p.label} · {share}")
        xy = np.asarray(p.coords, dtype=float)
        data.append(dict(type="scatter", x=f32(xy[:, 0]), y=f32(xy[:, 1]), mode="lines+markers", name=name,
                         legendgroup=p.label, meta="path", line=dict(color=p.color, width=2),
                         marker=dict(size=4, color=p.color),
                         hovertemplate=f"<b>{esc(p.label)}</b><br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>"))
        last = xy[np.isfinite(xy).all(axis=1)][-1:]
        data.append(dict(type="scatter", x=f32(last[:, 0]), y=f32(last[:, 1]), mode="markers", legendgroup=p.label,
                         showlegend=False, meta="end", hoverinfo="skip",
                         marker=dict(symbol="circle", size=10, color=p.color,
                                     line=dict(color=colors.OUTLINE, width=1.5))))
    for p in paths:
        xy = np.asarray(p.coords, dtype=float)
        z = _interpolate(np.asarray(alpha), np.asarray(beta), Z, xy) + lift
        xy = np.where(np.isfinite(z)[:, None], xy, np.nan)  # off the grid: not drawn on the surface
        data.append(dict(type="scatter3d", x=f32(xy[:, 0]), y=f32(xy[:, 1]), z=f32(z), mode="lines", scene="scene",
                         legendgroup=p.label, showlegend=False, meta="path3d", line=dict(color=p.color, width=5),
                         hoverinfo="skip"))
    layout = base_layout(title, height, uirevision="train:landscape", legend=True)
    room_for_legend(layout, data)
    layout.update(
        xaxis=dict(domain=[0.0, 0.43], title=dict(text="direction 1", standoff=2), range=[float(alpha[0]),
                   float(alpha[-1])], zeroline=False, anchor="y"),
        yaxis=dict(domain=[0.0, 1.0], title=dict(text="direction 2", standoff=2), range=[float(beta[0]),
                   float(beta[-1])], zeroline=False, anchor="x"),
        coloraxis=dict(colorscale=colors.MAP_COLORSCALE, cmin=zlo, cmax=zhi, colorbar=bar),
        scene=dict(domain=dict(x=[0.56, 1.0], y=[0.0, 1.0]), aspectmode="manual",
                   aspectratio=dict(x=1.0, y=1.0, z=0.65),
                   # Far enough, and the box moved right (the screen's right is +d1 +d2 from here), that the box,
                   # the loss axis's title on its left and the d2 axis on its right stay inside the scene at 800, 1280
                   # and 1600 px (at 1280 a one-row legend leaves the scene tall, and the box, scaled to that, was cut
                   # on both sides from a nearer eye).
                   camera=dict(eye=dict(x=2.1, y=-2.1, z=1.35), center=dict(x=-0.15, y=-0.15, z=-0.05)),
                   xaxis=dict(title=dict(text="d1"), range=[float(alpha[0]), float(alpha[-1])]),
                   yaxis=dict(title=dict(text="d2"), range=[float(beta[0]), float(beta[-1])]),
                   zaxis=dict(title=dict(text="loss"), tickmode="array", tickvals=list(ticks[::few]),
                              ticktext=labels[::few]),
                   uirevision="train:landscape"),
    )
    narrow = dict(height=layout["height"] + height, xaxis=dict(domain=[0.0, 0.84]), yaxis=dict(domain=[0.56, 1.0]),
                  scene=dict(domain=dict(x=[0.0, 1.0], y=[0.0, 0.46])),
                  coloraxis=dict(colorbar=dict(x=0.87, y=0.78, len=0.4, xanchor="left")))
    return {"data": data, "layout": layout, "narrow": [{"below": 760, "layout": narrow}]}

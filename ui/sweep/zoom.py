"""Zooming into a sweep map: windows, the trail of zoom levels, box zooms and the zoom toward the edge.

Plain Python (no Streamlit). A window is the rectangle a map covers, in the swept settings' own
values: ``(lr low, lr high, second low, second high)``. The Sweep page keeps a trail of windows,
each inside the one before; the first map (the sidebar's ranges) is the trail's root. A zoomed map
is recomputed at the same resolution inside its window, its axes spaced as the root's are (learning
rates log-spaced, momentum-like settings by log(1 - value): :mod:`viz.sweepaxes`).

float64 bounds the zoom: below a relative width of :data:`optim.FLOAT64_LIMIT` (1e-12) neighbouring
cells would be a few float64 steps apart and the map would show round-off, so such a window is
refused with :class:`optim.Window`'s sentence.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

import optim
from viz.sweepaxes import LOG, axis_kind, span, value_at

from ..urlstate import fmt

ZoomWindow = tuple[float, float, float, float]
"""``(lr low, lr high, second low, second high)``."""

FACTOR = 10.0
"""How much narrower, along each axis, "Zoom toward the edge" makes the map."""


def check_window(window: ZoomWindow, parent: ZoomWindow, second: str) -> None:
    """Raise ``ValueError`` (one sentence) unless ``window`` lies inside ``parent`` and float64 resolves it.

    Example:
        >>> check_window((0.1, 0.2, 0.5, 0.6), (0.01, 10.0, 0.01, 10.0), "lr_y")
        >>> check_window((0.1, 20.0, 0.5, 0.6), (0.01, 10.0, 0.01, 10.0), "lr_y")
        Traceback (most recent call last):
        ...
        ValueError: the window must lie inside the map it zooms into (lr from 0.01 to 10, lr_y from 0.01 to 10).
    """
    if len(window) != 4 or not all(math.isfinite(v) for v in window):
        raise ValueError("a window is four finite numbers: lr low, lr high, then the second setting's low and high.")
    x0, x1, y0, y1 = window
    px0, px1, py0, py1 = parent
    if not (px0 <= x0 < x1 <= px1 and py0 <= y0 < y1 <= py1):
        raise ValueError(f"the window must lie inside the map it zooms into (lr from {px0:g} to {px1:g}, "
                         f"{second} from {py0:g} to {py1:g}).")
    optim.Window((x0, x1), (y0, y1), x_log=True, y_log=axis_kind(second) == LOG)  # float64's limit


def parse_window(text: str) -> ZoomWindow:
    """``"x0,x1,y0,y1"`` as four floats; ValueError with one sentence otherwise.

    Example:
        >>> parse_window("0.01,0.02,0.5,0.75")
        (0.01, 0.02, 0.5, 0.75)
    """
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError("a zoom is four finite numbers separated by commas: lr low, lr high, then the second "
                         "setting's low and high.")
    return values


def window_text(window: ZoomWindow) -> str:
    """A window as it travels in the link: the four numbers in their shortest exact form.

    Example:
        >>> window_text((0.01, 10.0, 0.5, 0.75))
        '0.01,10,0.5,0.75'
    """
    return ",".join(fmt(float(v)) for v in window)


def box_window(lr: np.ndarray, second: np.ndarray, name: str, box) -> ZoomWindow | None:
    """The window a box zoom on the map asks for, or None for a box that is no zoom.

    ``box`` is the live chart's zoom event: ``{"x": [p0, p1], "y": [q0, q1]}`` in cell positions
    (column k at x = k, row k at y = k), either axis None when the box only spans the other. The box
    is cut to the cells' centres; a box narrower than a cell is fine (the map is recomputed inside
    it at full resolution); one off the map, or a malformed event, is no zoom.

    Example:
        >>> from viz.sweepaxes import spaced
        >>> lr = spaced(0.01, 10.0, 4, "log")
        >>> [round(v, 9) for v in box_window(lr, lr, "lr_y", {"x": [1.0, 2.0], "y": None})]
        [0.1, 1.0, 0.01, 10.0]
    """
    if not isinstance(box, dict):
        return None
    out: list[float] = []
    for values, key, kind in ((lr, "x", LOG), (second, "y", axis_kind(name))):
        rng = box.get(key)
        if rng is None:
            out += [float(values[0]), float(values[-1])]
            continue
        try:
            p0, p1 = sorted(float(v) for v in rng)
        except (TypeError, ValueError):
            return None
        p0, p1 = max(p0, 0.0), min(p1, len(values) - 1.0)
        if not (math.isfinite(p0) and math.isfinite(p1) and p1 > p0):
            return None
        out += [max(value_at(values, p0, kind), float(values[0])), min(value_at(values, p1, kind), float(values[-1]))]
    window = tuple(out)
    if window == (float(lr[0]), float(lr[-1]), float(second[0]), float(second[-1])):
        return None  # the whole map again (a zoom-out button): nothing new to compute
    return window


def toward_edge(sweep: optim.Sweep, factor: float = FACTOR) -> ZoomWindow:
    """The window :func:`optim.zoom_toward_edge` picks on ``sweep``, in the swept settings' values.

    A momentum-like axis is drawn by d = -log(1 - value), evenly spaced, so the zoom narrows it by
    ``factor`` in what the eye sees; learning-rate axes are log-spaced and zoom in decades.
    ValueError (one sentence) when the map has no edge or the window would pass float64's limit.

    Example:
        >>> import optim
        >>> from viz.sweepaxes import spaced
        >>> lr = spaced(0.1, 10.0, 32, "log")
        >>> s = optim.sweep("gd", optim.get_objective("quadratic", a=1.0, b=1.0), lr=lr, second=lr,
        ...                 second_name="lr_y", steps=60)
        >>> w = toward_edge(s)  # GD on x^2 + y^2 diverges where lr > 1 or lr_y > 1
        >>> w[0] < 1 < w[1], w[2] < 1 < w[3]
        (True, True)
    """
    if sweep.y_name is None or min(len(sweep.x_values), len(sweep.y_values)) < 2:
        raise ValueError("zooming needs a map with at least two values along each axis.")
    parent = (float(sweep.x_values[0]), float(sweep.x_values[-1]), float(sweep.y_values[0]),
              float(sweep.y_values[-1]))
    if axis_kind(sweep.y_name) == LOG:
        w = optim.zoom_toward_edge(sweep, factor)
        window = (*w.x, *w.y)
    else:
        drawn = replace(sweep, y_values=-np.log1p(-np.asarray(sweep.y_values)))
        w = optim.zoom_toward_edge(drawn, factor)
        window = (*w.x, float(-np.expm1(-w.y[0])), float(-np.expm1(-w.y[1])))
    window = (max(window[0], parent[0]), min(window[1], parent[1]), max(window[2], parent[2]),
              min(window[3], parent[3]))
    check_window(window, parent, sweep.y_name)
    return window


def zoom_factor(root: ZoomWindow, window: ZoomWindow, second: str) -> float:
    """How much a window magnifies the root map: the geometric mean of the two axes' factors (drawn widths).

    Example:
        >>> round(zoom_factor((0.01, 10.0, 0.01, 10.0), (1.0, 10**0.3, 1.0, 10**0.003), "lr_y"))
        100
    """
    fx = span(root[0], root[1], LOG) / span(window[0], window[1], LOG)
    kind = axis_kind(second)
    fy = span(root[2], root[3], kind) / span(window[2], window[3], kind)
    return math.sqrt(fx * fy)


def factor_text(factor: float) -> str:
    """``×10``, ``×1,000``, ``×3.2e7``: a zoom factor for a button.

    Example:
        >>> factor_text(10.0), factor_text(1234.5), factor_text(3.2e7)
        ('×10', '×1,234', '×3.2e7')
    """
    if factor < 1e6:
        return f"×{factor:,.0f}" if factor >= 10 else f"×{factor:.2g}"
    mant, exp = f"{factor:.1e}".split("e")
    return f"×{mant.removesuffix('.0')}e{int(exp)}"

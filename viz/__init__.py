"""Descent Lab's figures: pure functions from trajectories to Plotly figures (no Streamlit here).

A figure is a plain dict (``{"data": [...], "layout": {...}}``): a page redraws it on every change, and
building it as data skips plotly's validators, which cost more than the numbers. The 3D surface
(:func:`surface_figure`) alone is a ``go.Figure``. The live chart (``ui/live_chart``) takes either;
``go.Figure(data=..., layout=...)`` validates a dict.

Every chart takes the same list of :class:`Series` (label, colour, single-run trajectory), so one
optimizer configuration wears one colour everywhere, and the same optional ``step`` so one step
control moves a marker on every chart.

Example:
    >>> import optim, viz
    >>> bowl = optim.get_objective("quadratic", a=1.0, b=10.0)
    >>> runs = {"GD · lr=0.1": optim.make_optimizer("gd", lr=0.1),
    ...         "RMSprop · lr=0.1": optim.make_optimizer("rmsprop", lr=0.1, decay=0.9)}
    >>> series = [viz.Series(label, color, optim.run(opt, bowl, x0=[1.5, 1.5], steps=100))
    ...           for (label, opt), color in zip(runs.items(), viz.palette(len(runs)))]
    >>> figs = [viz.contour_figure(bowl, series, step=5), viz.loss_figure(series, step=5),
    ...         viz.surface_figure(bowl, series, step=5).to_plotly_json()]
    >>> [sum(t["meta"] == "step-marker" for t in f["data"]) for f in figs]
    [2, 2, 2]
"""

from .bands import Band, band_figure
from .basinmap import BasinPanel, basin_figure
from .colors import VARIANT_COLOR, palette
from .contour import contour_figure
from .domain import fit_domain
from .linked import linked_figure
from .losses import loss_figure
from .multiples import small_multiples
from .series import Series
from .surface import surface_figure
from .sweepmap import SweepGrid, sweep_figure
from .training import Fit, epoch_loss_figure, fit_figure, parameter_contour_figure
from .tuning import TuningResult, tuning_figure

__all__ = [
    "VARIANT_COLOR", "Series", "contour_figure", "fit_domain", "loss_figure", "palette",
    "small_multiples", "surface_figure",
    "Fit", "epoch_loss_figure", "fit_figure", "parameter_contour_figure",
    "linked_figure",
    "Band", "BasinPanel", "SweepGrid", "TuningResult", "band_figure", "basin_figure", "sweep_figure",
    "tuning_figure",
]

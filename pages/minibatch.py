"""Mini-batch: train y = W x + b (or a logistic regression) on data, and watch W and b move."""

from __future__ import annotations

import streamlit as st

import optim
from ui import state
from ui.live_chart import live_chart
from ui.minibatch import state as mb
from ui.minibatch.curvature import curvature, explanation
from ui.minibatch.panel import learning_rates, sidebar
from ui.minibatch.training import contour, problem, trajectory
from ui.router import start_page
from ui.setup.panel import chart_cells, function_header
from viz import Fit, Series, epoch_loss_figure, fit_figure, parameter_contour_figure
from viz.colors import MID_GREY

current: mb.MiniBatchState
PAGE, current, message_slot = start_page(
    "minibatch",
    "The seed articles motivate RMSprop with learning a weight W and a bias b from mini-batches. Here "
    "gradient descent sees all the data at every step, while SGD, RMSprop and Adam see one shuffled "
    "mini-batch per step; the map shows the exact loss over (W, b) with their paths from (0, 0)."
)

with st.sidebar:
    choice = sidebar(PAGE, current)
    s = learning_rates(PAGE, choice.state)
state.commit(PAGE, s, mb.encode_minibatch)

try:
    p = problem(choice.source, s.batch, s.epochs, s.shuffle)
    series = [Series(mb.TITLES[name], optim.OPTIMIZERS[name].color,
                     trajectory(choice.source, s.batch, s.epochs, s.shuffle, name, lr)) for name, lr in s.lrs]
except ValueError as e:
    st.error(f"Cannot train on this: {e}")
    with message_slot:
        state.show_messages(PAGE)
    st.stop()

if choice.waiting_for_file:
    st.info("Choose a CSV file in the sidebar. Until then the page trains on the generated data.",
            icon=":material/upload_file:")
elif choice.upload_error:
    st.caption("The file could not be used (see the sidebar), so the page trains on the generated data.")

# ---------------------------------------------------------------- what is being fitted
n = len(p.data)
minimum = p.full.minima[0] if p.full.minima else None
fit_name = "Least-squares fit" if s.model == "linear" else "Best fit (Newton's method)"
if minimum is not None:
    best = f"{fit_name}: W = {minimum.x:.4g}, b = {minimum.y:.4g}, loss {minimum.value:.4g}."
else:
    best = "A threshold separates the two classes perfectly, so the loss has no minimum: it keeps falling as W grows."
batches = (f"{p.steps_per_epoch} mini-batches of {s.batch} per epoch" if p.steps_per_epoch > 1 else
           f"a batch of {s.batch} holds all {n} samples, so every optimizer takes full-batch steps")
function_header(f"**{mb.MODELS[s.model]}** on {n:,} samples, {s.epochs} epochs, {batches}. {best}", p.full.latex)

# ---------------------------------------------------------------- charts, two to a row where they fit
a, b, c, d = chart_cells(4)
with a:
    loss_map, summarized = contour(choice.source)
    with st.spinner("Drawing the loss over (W, b)…", show_time=True):
        live_chart(parameter_contour_figure(loss_map, series), key=f"{PAGE}.map")
    if summarized:
        st.caption(f"The map of the logistic loss is drawn from {mb.SUMMARY_GROUPS} quantile groups per class; "
                   "paths and losses use every sample.")
with b:
    per_epoch = [1 if name == "gd" else p.steps_per_epoch for name, _ in s.lrs]
    f_min = minimum.value if minimum is not None else None
    live_chart(epoch_loss_figure(series, per_epoch, f_min=f_min), key=f"{PAGE}.losses")

with c:
    fits = [Fit(sr.label, sr.color, *map(float, sr.traj.final_x)) for sr in series]
    if minimum is not None:
        fits.append(Fit("least-squares fit" if s.model == "linear" else "best fit", MID_GREY, minimum.x, minimum.y,
                        "dash"))
    live_chart(fit_figure(p.data.x, p.data.y, fits, logistic=s.model == "logistic"), key=f"{PAGE}.fit")
with d:
    gd = series[0].traj
    curv = curvature(s.model, p.data, minimum)
    st.markdown(explanation(s.model, curv, s.lr("gd"), gd.xs, gd.diverged_at >= 0))

# ---------------------------------------------------------------- where each optimizer ended
st.dataframe(mb.results_table([sr.label for sr in series], s.lrs, [sr.traj for sr in series], minimum),
             hide_index=True, width="stretch")

with message_slot:
    state.show_messages(PAGE)

"""Train a network: up to six optimizer configurations train a small network on 2-D points, over K seeds."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import optim
from ui import state
from ui.live_chart import chart_state, live_chart
from ui.model import describe
from ui.report import board_label
from ui.router import link_box, start_page
from ui.schedule.panel import draw_schedule, follows_losses
from ui.train import runs as tr
from ui.train.panel import sidebar
from ui.train.report import off_map_sentence, outside_share, results_table, seed_diverged_at, slice_sentence
from ui.train.state import SLICES, TrainState, check_work, encode_train
from ui.widgets import number_box
from viz import palette
from viz.netcurves import Curves, LayerNorms, curves_figure, layer_norms_figure
from viz.netmaps import SlicePath, boundary_figure, landscape_figure
from viz.rates import rate_figure

current: TrainState
PAGE, current, message_slot = start_page(
    "train",
    "On quadratic bowls the optimizers look alike; their real differences show when they train a network. Here "
    "up to six configurations train the same small network on the same points, each from K initialisations with "
    "K shufflings of the mini-batches. Set it up in the sidebar; the link at the bottom reopens exactly this view."
)
BOUNDARY = f"{PAGE}.boundary"
with st.sidebar:
    choice, rate_slots = sidebar(PAGE, current)
s = choice.state
colors = palette(len(s.configs))
labels = [f"{i + 1}. {describe(c, s.configs)}" for i, c in enumerate(s.configs)]

if choice.waiting_for_file:
    st.info("Choose a CSV file in the sidebar. Until then the page trains on the generated points.",
            icon=":material/upload_file:")
elif choice.upload_error:
    st.caption("The file could not be used (see the sidebar), so the page trains on the generated points.")

try:
    plan = tr.plan_for(s, choice.source)
    check_work(plan.steps, len(s.configs) * s.seeds)
except ValueError as e:
    st.error(f"Cannot train this: {e}")
    state.commit(PAGE, s, encode_train)
    with message_slot:
        state.show_messages(PAGE)
    st.stop()
for i, (cfg, slot) in enumerate(zip(s.configs, rate_slots, strict=True)):
    draw_schedule(slot, cfg, plan.steps, colors[i], f"{PAGE}.rate.{i}")

# ---------------------------------------------------------------- training, with a progress bar on a cache miss
runs: dict[int, optim.Training] = {}
refused: dict[int, str] = {}
todo = [i for i, c in enumerate(s.configs) if not tr.trained(plan, c)]
bar = st.progress(0.0, text="Training…") if todo else None
for i, cfg in enumerate(s.configs):
    def report(k: int, steps: int, i=i) -> None:
        done = todo.index(i) if i in todo else 0
        bar.progress(min(1.0, (done + k / max(steps, 1)) / max(len(todo), 1)),
                     text=f"Training {labels[i]}: step {k:,} of {steps:,}")
    try:
        runs[i] = tr.train(plan, cfg, report if bar is not None else None)
    except ValueError as e:
        refused[i] = f"{labels[i]} cannot train this network: {e}"
if bar is not None:
    bar.empty()
for text in refused.values():
    st.error(text, icon=":material/block:")
for i, r in runs.items():
    # reduce on plateau: the rate seed 1 used, under its settings (none while its card is closed)
    if follows_losses(s.configs[i]) and rate_slots[i] is not None:
        with rate_slots[i]:
            live_chart(rate_figure(r.lr[:, 0], colors[i], title="The rate seed 1 used", uirevision="used", log=True),
                       key=f"{PAGE}.rate.{i}")
if not runs:
    state.commit(PAGE, s, encode_train)
    with message_slot:
        state.show_messages(PAGE)
    st.stop()

# ---------------------------------------------------------------- the view: which run, which slice


def every_text(k: int) -> str:
    """How often a record was taken, in words: "at every step", "every 20 steps"."""
    return "at every step" if k == 1 else f"every {k} steps"


st.subheader("Loss and test accuracy")
live_chart(curves_figure([Curves(labels[i], colors[i], r.steps_recorded, r.losses, r.test_accuracy)
                          for i, r in runs.items()]), key=f"{PAGE}.curves")
st.caption(f"Each line is the median over the {s.seeds} seeds of a configuration, the band the 25th to 75th "
           "percentile. The loss is on all the training points, the accuracy on the held-out test points, "
           f"recorded {every_text(runs[next(iter(runs))].steps_recorded[1] if plan.steps else 1)}.")


def _on_step() -> None:
    """The person left the step control at a step: keep it (and so the link) until they move it again."""
    state.update(PAGE, step=chart_state(BOUNDARY).get("step"))


@st.fragment
def view(s: TrainState, runs: dict[int, optim.Training], plan: tr.Plan, labels: list[str], colors: list[str],
         source) -> None:
    """Everything the run, seed and slice controls change: the results table, the decision boundary, the loss
    slice, the layer norms, the link and the address.

    A fragment: choosing another run, seed or slice (or the step control's report of where the person stopped)
    reruns this alone, not the sidebar's configurations, the trainings' lookup and the curves above, which only
    the whole page's run changes (as the Playground's and Compare's ``results``). ``s`` is the whole run's state,
    whose view fields only seed the controls here."""
    st.subheader("What each configuration did")
    table_slot = st.container()  # filled once the seed on show is read from the controls under it
    row = st.container(horizontal=True, wrap=True, vertical_alignment="bottom")
    choices = list(runs)
    # A long name shortened as the table shortens it: the box showed the start of one and cut it mid-setting.
    short = {i + 1: board_label(labels[i], f"{i + 1}. {describe(s.configs[i])}") for i in runs}
    state.seed(f"{PAGE}.run", s.run if s.run - 1 in runs else choices[0] + 1)
    if st.session_state[f"{PAGE}.run"] not in [i + 1 for i in choices]:  # removed, refused, or a forged value
        st.session_state[f"{PAGE}.run"] = choices[0] + 1
    with row.container(width=360):
        run_no = int(st.selectbox("Run to show", [i + 1 for i in choices], key=f"{PAGE}.run",
                                  format_func=short.get,
                                  help="The configuration whose network the boundary and the slice show."))
    with row.container(width=160):
        state.seed(f"{PAGE}.run_seed", s.run_seed)
        if st.session_state[f"{PAGE}.run_seed"] > s.seeds:  # fewer seeds than the one on show: the last
            st.session_state[f"{PAGE}.run_seed"] = s.seeds
        run_seed = int(number_box("Seed", 1, s.seeds, key=f"{PAGE}.run_seed",
                                  help="Which of the K initialisations and shufflings."))
    with row.container(width=380):
        state.seed(f"{PAGE}.slice", s.slice)
        slice_dirs = st.segmented_control("Slice along", list(SLICES), key=f"{PAGE}.slice", required=True,
                                          format_func=lambda d: "principal directions" if d == "pca" else "random "
                                          "directions", help="The plane of the loss-landscape slice: the top two "
                                          "principal directions of the run's path, or two filter-normalised random "
                                          "directions (Li et al. 2018).") or "pca"
    latest: TrainState = state.current(PAGE)  # read afresh: a fragment rerun follows the step control's report
    step = latest.step if latest.step is not None and latest.step <= plan.steps else None
    s = replace(s, run=run_no, run_seed=run_seed, slice=slice_dirs, step=step)
    state.commit(PAGE, s, encode_train)
    chosen, seed = s.configs[run_no - 1], run_seed - 1
    with table_slot:
        # Short headers, so the whole table fits the page at 1280 px; the caption says whose numbers they are.
        names = [short[i + 1] for i in runs]
        st.dataframe(results_table(names, list(runs.values()), seed), hide_index=True,
                     width="stretch", column_config={
                         "final loss (this seed)": st.column_config.NumberColumn("final loss"),
                         "test accuracy (this seed)": st.column_config.NumberColumn("test accuracy", format="percent"),
                         "median final loss": st.column_config.NumberColumn("median loss"),
                         "median test accuracy": st.column_config.NumberColumn("median accuracy", format="percent")})
        st.caption(f"Final loss and test accuracy are those of seed {run_seed}, the one drawn below. The medians are "
                   "over all seeds and leave out seeds that diverged; the diverged column names them with the step "
                   "they blew up." + (" A long configuration name ends in “…” here and under “Run to show”; the "
                                      "charts' legends have it whole."
                                      if names != [labels[i] for i in runs] else ""))

    data = tr.points(source)
    st.subheader("Decision boundary")
    x1, x2, frames, steps = tr.boundary_frames(plan, chosen, seed)
    live_chart(boundary_figure(x1, x2, frames, steps, step, data.X, data.y, data.classes or 2,
                               f"Run {run_no}, seed {run_seed}"), key=BOUNDARY, on_step=_on_step)
    st.caption("The colour is what the network predicts at each point of the plane"
               + (" (its probability of class 1: orange above 50%, blue below)" if (data.classes or 2) == 2 else "")
               + "; the dots are the training points. Play or drag **Step** to watch it learn.")

    st.subheader("Loss landscape")
    sl = None
    if (at := seed_diverged_at(runs[run_no - 1], seed)) >= 0:  # said in the page's words: run and seed, from 1
        why = (f"run {run_no}, seed {run_seed} diverged at step {at}, and a slice goes through a network's final "
               "weights; choose a seed or a run that did not diverge.")
    else:
        try:
            sl = tr.landscape_slice(plan, chosen, seed, slice_dirs)
        except ValueError as e:
            why = str(e)
    if sl is None:
        st.error(f"No slice for this run: {why}")
    else:
        paths, shares, outside, diverged = [], {}, {}, {}
        for i, r in runs.items():
            if i == run_no - 1:
                coords, captured = sl.paths[seed], sl.captured[seed]
            else:
                projected = optim.project(sl, r.params[:, seed])
                coords, captured = projected[0][0], projected[1][0]
            outside[f"run {i + 1}"] = outside_share(coords, sl.alpha, sl.beta)
            if (at := seed_diverged_at(r, seed)) >= 0:
                diverged[f"run {i + 1}"] = at
            paths.append(SlicePath(labels[i], colors[i], coords, float(captured)))
            shares[f"run {i + 1}"] = float(captured)  # the legend names each in full, with its share
        live_chart(landscape_figure(sl.alpha, sl.beta, sl.loss, paths,
                                    f"Training loss on a slice through run {run_no}, seed {run_seed}"),
                   key=f"{PAGE}.landscape")
        st.caption(" ".join(filter(None, (slice_sentence(slice_dirs, shares),
                                          off_map_sentence(slice_dirs, f"run {run_no}", outside, diverged)))))

    st.subheader("Step size against weight size, per layer")
    live_chart(layer_norms_figure([LayerNorms(labels[i], colors[i], r.weight_norms[:, seed], r.step_norms[:, seed])
                                   for i, r in runs.items()]), key=f"{PAGE}.norms")
    st.caption(f"Seed {run_seed} of each configuration. Solid: the size of each step's change to a layer's weight "
               "matrix, ‖W(k+1) − W(k)‖; dotted: the size of the weights, ‖W(k)‖ (Frobenius norms, biases left out).")

    link_box("train", s, "Link to this view",
             "Copy it with the button at its right; opening it trains and shows exactly this view"
             + (" (the uploaded file has to be chosen again)." if s.upload else "."))

    with message_slot:
        state.show_messages(PAGE)


view(s, runs, plan, labels, colors, choice.source)

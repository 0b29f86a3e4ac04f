"""Inside RMSprop: what an adaptive optimizer sees, remembers and does, coordinate by coordinate."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import streamlit as st

import optim
from ui import state
from ui.compute import trajectory
from ui.inside.panels import knob_widgets, optimizer_panel, plateau_trajectory
from ui.inside.state import (
    BOTH,
    COORDS_WB,
    DECAY_PARAMS,
    EPS_FORMS,
    EPSILON_PARAMS,
    SCALES,
    VALLEY_004,
    VIEWS,
    ZIGZAG_A,
    ZIGZAG_PARAMS,
    InsideState,
    decay_configs,
    encode_inside,
    epsilon_configs,
    plateau,
    zigzag_configs,
    zigzag_setup,
)
from ui.live_chart import live_chart
from ui.report import fmt_loss
from ui.router import start_page
from ui.schedule.model import run_schedule
from ui.setup.panel import cells, chart_cells, objective_header, objective_panel, run_panel
from ui.update_rules import update_rules
from viz import VARIANT_COLOR, Series, contour_figure, loss_figure
from viz.anatomy import anatomy_figure
from viz.memory import memory_weights_figure
from viz.valley import valley_map

RULE_WIDTH = 360  # an update rule's card: its widest equation fits
VARIANT = VARIANT_COLOR  # the one colour no optimizer wears: the "other" variant of a pair

current: InsideState
PAGE, current, message_slot = start_page(
    "inside",
    "What an adaptive optimizer sees, remembers and does at every step, one coordinate at a "
    "time: the gradient, its memory of squared gradients, the learning rate that memory gives, "
    "and the step it takes against plain gradient descent's. Pick a view below; its settings "
    "are in the sidebar and in the page address."
)
state.seed(f"{PAGE}.view", current.view)
view = st.segmented_control("View", list(VIEWS), key=f"{PAGE}.view", required=True, format_func=VIEWS.get,
                            label_visibility="collapsed") or "anatomy"


def chart(name: str, fig) -> None:
    """Draw ``fig`` in the live chart named ``name`` on this page."""
    live_chart(fig, key=f"{PAGE}.chart.{name}")


def fail(e: Exception) -> None:
    st.error(f"Could not run this setting: {e}")
    st.stop()


def choice(label: str, options: dict, key: str, value: str, help_: str) -> str:
    state.seed(key, value)
    return st.segmented_control(label, list(options), key=key, required=True, format_func=options.get,
                                help=help_) or value


# ---------------------------------------------------------------- step by step
def anatomy(cur: InsideState) -> InsideState:
    with st.sidebar:
        setup = objective_panel(PAGE, cur.setup)
        try:
            obj = setup.build_objective()
        except ValueError as e:
            fail(e)
        flavor, configs = optimizer_panel(PAGE, cur.flavor, cur.optimizers, cur.setup.steps)
        setup = run_panel(PAGE, setup, obj)
    objective_header(obj, setup)
    new = replace(cur, setup=setup, flavor=flavor, optimizers=tuple(configs))
    if not configs:
        st.info("Pick at least one optimizer in the sidebar.")
        return new
    try:
        series = [Series(c.title, optim.OPTIMIZERS[c.name].color, trajectory(c, setup)) for c in configs]
    except ValueError as e:
        fail(e)
    steps_by_step(series, [f"{c.title} ({c.schedule.title.lower()})" for c in configs if run_schedule(c) is not None])
    new = replace(new, scale=st.session_state[SCALE_KEY])
    st.subheader("Update rules")
    for card, cfg in zip(cells(len(configs), RULE_WIDTH, border=True), configs, strict=True):
        with card:
            update_rules(cfg, title=f"{cfg.title} ({cfg.flavor})")
    left, right = chart_cells(2)
    with left:
        chart("anatomy.map", contour_figure(obj, series, height=420))
    with right:
        chart("anatomy.loss", loss_figure(series, f_min=obj.f_min, height=420))
    return new


SCALE_KEY = f"{PAGE}.scale"


@st.fragment
def steps_by_step(series: list[Series], scheduled: list[str]) -> None:
    """The step-by-step view's "Show" control, what to read in it, and its chart of the four quantities.

    A fragment: switching between sizes and signed values redraws this chart alone, not the sidebar, the update
    rules' equations and the map and loss charts, which the switch does not change. The page's whole run commits
    the state; a switch here commits its new scale itself (the address follows) and clears the link's messages."""
    latest: InsideState = state.current(PAGE)
    scale = choice("Show", SCALES, SCALE_KEY, latest.scale,
                   "Sizes on a log scale show values that shrink over decades; signed values show "
                   "oscillation (a zig-zag flips the sign every step).")
    st.caption("Read each column down: the gradient the optimizer got, what it keeps of past squared "
               "gradients, the learning rate that gives, and the step it took. AdaGrad's running sum only "
               "grows, so its effective learning rate only falls; RMSprop's average forgets, so its "
               "learning rate rises again as the gradients shrink.")
    if scheduled:
        st.caption(f"The effective learning rate includes each schedule's rate at that step: {', '.join(scheduled)}.")
    chart("anatomy.steps", anatomy_figure(series, log=scale == "log", coords=("x coordinate", "y coordinate")))
    if scale != latest.scale:  # a switch here (on the whole page's run the two agree and the page commits)
        state.commit(PAGE, replace(latest, scale=scale), encode_inside)
        with message_slot:
            state.show_messages(PAGE)


# ---------------------------------------------------------------- zig-zag
def zigzag(cur: InsideState) -> InsideState:
    with st.sidebar:
        st.markdown("**Zig-zag experiment**")
        knobs = knob_widgets(f"{PAGE}.zz", ZIGZAG_PARAMS, cur.knobs("zigzag"), decay=("decay",))
    setup = zigzag_setup(knobs["steep"], knobs["steps"])
    gd, rms = zigzag_configs(knobs["lr"], knobs["decay"])
    c, lr = knobs["steep"], knobs["lr"]
    st.markdown(
        f"A long, narrow valley, $f(W, b) = {ZIGZAG_A:g}\\,W^2 + {c:g}\\,b^2$, as in seed 003: the weight "
        "**W** runs along it (horizontal, shallow, small gradient dW) and the bias **b** across it "
        "(vertical, steep, large gradient db). Both optimizers start at (W, b) = "
        f"({setup.x0:g}, {setup.y0:g}) with learning rate {lr:g}.")
    factor = 1 - 2 * c * lr
    if factor < -1:
        verdict = f"{-factor:.3g} times larger each step: gradient descent diverges."
    elif factor < 0:
        verdict = (f"{-factor:.3g} times its size, with the sign flipped: gradient descent zig-zags across "
                   "the valley, slowly settling.")
    else:
        verdict = f"{factor:.3g} times its size, same sign: no zig-zag at this learning rate."
    st.markdown(f"Each gradient-descent step turns the distance b from the valley floor into 1 − 2·c·lr = "
                f"{factor:.4g} times itself, that is {verdict} RMSprop divides each coordinate's gradient by "
                "the root of its own recent squared gradients, so its step in b stays about lr in size "
                "and keeps its sign: it walks down the wall instead of bouncing between the walls, and its "
                "step in W is as large as its step in b.")
    try:
        series = [Series("Gradient descent", optim.OPTIMIZERS["gd"].color, trajectory(gd, setup)),
                  Series("RMSprop", optim.OPTIMIZERS["rmsprop"].color, trajectory(rms, setup))]
    except ValueError as e:
        fail(e)
    obj = setup.build_objective()
    left, right = chart_cells(2)
    with left:
        chart("zigzag.close", valley_map(obj, series, ("W (weight)", "b (bias)"), title="The paths, close up"))
    with right:
        rows = []
        for s in series:
            moved = np.nansum(np.abs(s.traj.updates), axis=0)
            rows.append({"optimizer": s.label, "distance moved in b": f"{moved[1]:.3g}",
                         "distance moved in W": f"{moved[0]:.3g}", "final loss": fmt_loss(s.traj.final_loss)})
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(f"Both had to move {abs(setup.y0):g} in b and {abs(setup.x0):g} in W. Distance moved adds up "
                   "the size of every step, so going back and forth counts in full.")
    chart("zigzag.steps", anatomy_figure(series, rows=("step", "grad"), log=False, coords=COORDS_WB, plain=False,
                         height_per_row=240,
                         row_titles={"step": "Each step split into W and b: gradient descent's b-step flips sign "
                                             "every time (the zig-zag); RMSprop's does not",
                                     "grad": "The gradient in each coordinate: db is far larger than dW"}))
    return replace(cur, zigzag=tuple(knobs.items()))


# ---------------------------------------------------------------- epsilon
def epsilon(cur: InsideState) -> InsideState:
    with st.sidebar:
        st.markdown("**Epsilon experiment**")
        form = choice("Epsilon", EPS_FORMS, f"{PAGE}.eps.form", cur.eps_form,
                      "Where RMSprop adds epsilon: inside the square root, √(v + ε) (seed 001, Keras), or "
                      "outside, √v + ε (seed 000, PyTorch); or both runs side by side.")
        knobs = knob_widgets(f"{PAGE}.eps", EPSILON_PARAMS, cur.knobs("epsilon"))
    eps, lr, steps = knobs["eps"], knobs["lr"], knobs["steps"]
    obj = plateau()
    g0 = float(np.abs(obj.grad(list(obj.start))).max())
    st.markdown(
        f"A pit in a flat plain, $f = {obj.latex}$, started far out at {obj.start}: the gradient there is "
        f"about {g0:.1g}. RMSprop divides it by √(v + ε) or by √v + ε, where v is about g². "
        f"Inside the root the divisor cannot fall below √ε = {math.sqrt(eps):.3g}, so a gradient far smaller "
        f"than that makes a step of only lr·g/√ε: the run stays on the plain. Outside, the floor is ε = "
        f"{eps:.3g} itself; while the gradient is larger than that the divisor follows it down and the "
        "step stays about lr in size, so the run walks off the plain into the pit.")
    cfgs = epsilon_configs(eps, lr)
    forms = ["inside", "outside"] if form == "both" else [form]
    labels = {"inside": "ε inside √(v + ε)", "outside": "ε outside √v + ε"}
    colors = {"inside": optim.OPTIMIZERS["rmsprop"].color, "outside": VARIANT}
    try:
        series = [Series(labels[f], colors[f], plateau_trajectory(cfgs[f].name, cfgs[f].flavor, cfgs[f].hp, steps))
                  for f in forms]
    except ValueError as e:
        fail(e)
    left, right = chart_cells(2)
    with left:
        chart("eps.map", contour_figure(obj, series, height=420, title=obj.title))
    with right:
        rows = []
        for f, s in zip(forms, series, strict=True):
            left_plain = np.flatnonzero(np.asarray(s.traj.losses) < 0.5)
            rows.append({"epsilon": labels[f],
                         "left the plain (f < 0.5) at step": str(left_plain[0]) if left_plain.size else "never",
                         "final loss": fmt_loss(s.traj.final_loss)})
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption("Below, the middle row is the divisor itself, with both floors dashed: inside, it sits on "
                   "√ε as long as g² is below ε; outside, it follows |g| down to ε.")
    chart("eps.steps", anatomy_figure(series, rows=("grad", "denominator", "step"),
                                      coords=("x coordinate", "y coordinate"),
                                      floors={"sqrt": (math.sqrt(eps), "√ε: the floor inside"),
                                              "eps": (eps, "ε: the floor outside")}, height_per_row=220))
    st.subheader("Update rules")
    for card, f in zip(cells(len(forms), RULE_WIDTH, border=True), forms, strict=True):
        with card:
            update_rules(cfgs[f], title=f"RMSprop, {labels[f]}")
    return replace(cur, epsilon=tuple(knobs.items()), eps_form=form)


# ---------------------------------------------------------------- decay and bias correction
def decay(cur: InsideState) -> InsideState:
    with st.sidebar:
        st.markdown("**Decay experiment**")
        knobs = knob_widgets(f"{PAGE}.dk", DECAY_PARAMS, cur.knobs("decay"), decay=("decay",))
        bias = choice("EWMA momentum's bias correction", BOTH, f"{PAGE}.dk.bias", cur.bias,
                      "Divide the running average by 1 − βᵗ (seed 004), or not, or both runs side by side.")
    beta, steps = knobs["decay"], knobs["steps"]
    setup = replace(VALLEY_004, steps=int(steps))
    cfgs = decay_configs(beta)
    half = math.log(0.5) / math.log(beta)
    st.markdown(
        f"**Memory.** RMSprop's v keeps (1 − β) of each new squared gradient and β = {beta:g} of everything "
        f"before, so a gradient's weight halves every {half:.3g} steps and v remembers about "
        f"1/(1 − β) = {1 / (1 - beta):.4g} steps. AdaGrad (dashed) never forgets: every gradient keeps weight 1.")
    horizon = max(200, min(1000, int(3 * half)))
    chart("memory.weights", memory_weights_figure([0.5, 0.9, 0.99, 0.999], beta, horizon=horizon))
    try:
        rms = Series(f"RMSprop, β = {beta:g}", optim.OPTIMIZERS["rmsprop"].color, trajectory(cfgs["rmsprop"], setup))
        ewma = {k: trajectory(cfgs[k], setup) for k in ("on", "off")}
    except ValueError as e:
        fail(e)
    st.markdown(
        "On seed 004's valley, $0.1\\,x_1^2 + 5\\,x_2^2$ from (9, −3): v (line) against each step's g² "
        "(grey dots). A small β follows g² closely and jumps with it; a large β lags behind and stays "
        "large after the gradients have shrunk, holding the effective learning rate down.")
    chart("memory.rms", anatomy_figure([rms], rows=("second", "lr"), g2=True, coords=("x₁", "x₂"), height_per_row=220,
                         row_titles={"second": "RMSprop's memory v (line) and each step's g² (grey dots)"}))
    st.markdown(
        f"**Bias correction.** EWMA momentum's average m starts at 0, so its first steps are too short: "
        f"m₁ = (1 − β) g₁ = {1 - beta:.3g}·g₁. Dividing by 1 − βᵗ (seed 004's m̂) undoes that; the "
        f"correction fades as βᵗ goes to 0, after about {3 / (1 - beta):.3g} steps for β = {beta:g}.")
    which = ["on", "off"] if bias == "both" else [bias]
    names = {"on": "EWMA momentum, bias correction on", "off": "EWMA momentum, bias correction off"}
    colors = {"on": optim.OPTIMIZERS["ewma_momentum"].color, "off": VARIANT}
    series = [Series(names[k], colors[k], ewma[k]) for k in which]
    chart("memory.steps", anatomy_figure(series, rows=("grad", "step"), coords=("x₁", "x₂"), height_per_row=220))
    (cell,) = chart_cells(1)
    with cell:
        chart("memory.map", contour_figure(setup.build_objective(), series, height=400))
    for card, k in zip(cells(len(which), RULE_WIDTH, border=True), which, strict=True):
        with card:
            update_rules(cfgs[k], title=names[k])
    return replace(cur, decay=tuple(knobs.items()), bias=bias)


VIEW_FUNCTIONS = {"anatomy": anatomy, "zigzag": zigzag, "epsilon": epsilon, "decay": decay}
new_state = VIEW_FUNCTIONS[view](replace(current, view=view))
state.commit(PAGE, new_state, encode_inside)

with message_slot:
    state.show_messages(PAGE)

"""The Tune page's widgets and tables: the shared budget in the sidebar, the leaderboard, the CSV.

Every optimizer gets the same number of configurations, the same random starts and the same step
budget; the widgets here set those once for all of them. Keys sit under the page prefix and are
seeded from the page's state (``ui.state``), so a link restores them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import optim

from .. import widgets
from ..model import MAX_CONFIGS, RUN_PARAMS, Setup
from ..state import seed
from .state import TUNE_PARAMS, TuneState


def budget_panel(prefix: str, current: TuneState, setup: Setup) -> TuneState:
    """Flavor, optimizers, budget, starts, steps, seed and learning-rate range; returns the edited state."""
    seed(f"{prefix}.flavor", current.flavor)
    flavor = st.segmented_control("Flavor", list(optim.FLAVORS), key=f"{prefix}.flavor", required=True,
                                  format_func=widgets.FLAVOR_TITLES.get, help=widgets.FLAVOR_HELP) or "textbook"
    seed(f"{prefix}.optimizers", list(current.names))
    names = st.multiselect("Optimizers", list(optim.OPTIMIZERS), key=f"{prefix}.optimizers",
                           format_func=widgets.optimizer_title, max_selections=MAX_CONFIGS,
                           on_change=widgets.tidy_selection, args=(f"{prefix}.optimizers", MAX_CONFIGS),
                           help=f"Up to {MAX_CONFIGS}. Each is tuned over its learning rate and its main second "
                                "hyperparameter (momentum, decay or β₁) with the same budget.")
    values = {}
    with st.expander("The budget every optimizer shares", expanded=True):
        for name, text, step in (("budget", "Configurations per optimizer", 5), ("starts", "Random starts", 1)):
            p = TUNE_PARAMS[name]
            seed(f"{prefix}.{name}", int(getattr(current, name)))
            values[name] = int(widgets.number_box(text, int(p.low), int(p.high), step=step, key=f"{prefix}.{name}",
                                                  help=widgets.help_text(p)))
        p = RUN_PARAMS["steps"]
        seed(f"{prefix}.steps", int(setup.steps))
        steps = int(widgets.number_box("Steps per run", int(p.low), int(p.high), step=50, key=f"{prefix}.steps",
                                       help="The fixed step budget: every run of every optimizer stops here, and "
                                            "the score is the loss it ended at."))
        p = RUN_PARAMS["seed"]
        seed(f"{prefix}.seed", int(current.seed))
        values["seed"] = int(widgets.number_box("Seed", int(p.low), int(p.high), step=1, key=f"{prefix}.seed",
                                                help="Seed of the random starts and the search: the same seed "
                                                     "gives every optimizer the same starts."))
        lr = optim.OPTIMIZERS["gd"].params("textbook")["lr"]
        span = (current.lr_min, current.lr_max)
        options = sorted(set(widgets.log_options(lr.low, lr.high)) | set(span))
        lr_min, lr_max = st.select_slider("Learning-rate range searched", options=options, value=span,
                                          key=f"{prefix}.lr",
                                          format_func=widgets.fmt_number,
                                          help="Learning rates are drawn log-uniformly from this range.")
    return replace(current, setup=replace(setup, steps=steps), flavor=flavor, names=tuple(names),
                   lr_min=float(lr_min), lr_max=float(lr_max), **values)


def leaderboard(state: TuneState, results: dict[str, dict]) -> pd.DataFrame:
    """One row per optimizer, best tuned score first (ranked 1, 2, ...): its score and the default's score (what
    tuning bought), then the chosen settings; ``config`` is the optimizer's number on the page (its colour).

    The scores come first because they are what the table is for: at 800 px, with the sidebar open, the table
    shows four columns and scrolls sideways for the rest; after the chosen settings, the scores were out of view.
    An optimizer with nothing chosen (every candidate diverged) scores ∞ and has no chosen lr (NaN), no chosen
    second ("—") and no diverged share (NaN): :func:`leaderboard_display` says so in words.
    """
    rows = []
    for i, name in enumerate(state.names):
        r = results[name]
        b = r["best"]
        best = r["candidates"][b] if b is not None else {}
        second = optim.OPTIMIZERS[name].second
        rows.append({
            "config": i + 1,
            "optimizer": widgets.optimizer_title(name),
            "score": r["scores"][b] if b is not None else np.inf,
            "default settings score": r["default_score"],
            "chosen lr": best.get("lr", np.nan),
            "chosen second": f"{widgets.label(second)} = {best[second]:.4g}" if second and best else "—",
            "diverged from": r["diverged_share"][b] if b is not None else np.nan,
            "candidates diverged": float(np.isinf(r["scores"]).mean()),
        })
    df = pd.DataFrame(rows).sort_values(["score", "config"], kind="stable").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


LEADERBOARD_HEADERS = {
    "diverged from": {"label": "diverged", "help": "How many of the random starts the chosen settings diverged from."},
    "default settings score": {"label": "untuned",
                               "help": "The score of the same optimizer with its library's default settings."},
    "candidates diverged": {"label": "diverged tries",
                            "help": "Share of the candidate settings tried that scored as diverged."},
}
"""``st.dataframe``'s ``column_config`` for :func:`leaderboard_display`: short headers, their tooltips saying the rest,
so every column shows at 1280 px (the long names ran the table 91 px past its width). Not pinned: see
:data:`ui.report.LEADERBOARD_HEADERS`."""


NONE_CHOSEN = "none: every candidate diverged"
"""The chosen lr of an optimizer with nothing chosen: a diverged candidate is never shown as the choice."""


def leaderboard_display(df: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as text: 4 significant digits, "diverged" for an infinite score, percentages, and
    :data:`NONE_CHOSEN` where every candidate diverged (so no settings were chosen)."""
    def score(v):
        return "diverged" if not np.isfinite(v) else f"{v:.4g}"

    return df.drop(columns="config").assign(**{
        "chosen lr": [NONE_CHOSEN if np.isnan(v) else f"{v:.4g}" for v in df["chosen lr"]],
        "score": [score(v) for v in df["score"]],
        "diverged from": ["—" if np.isnan(v) else f"{v:.0%} of starts" for v in df["diverged from"]],
        "default settings score": [score(v) for v in df["default settings score"]],
        "candidates diverged": [f"{v:.0%}" for v in df["candidates diverged"]],
    })


def candidates_table(state: TuneState, results: dict[str, dict]) -> pd.DataFrame:
    """Every candidate of every optimizer: settings, score, diverged share, whether it was chosen (never, for an
    optimizer whose every candidate diverged: its ``best`` is None)."""
    frames = []
    for name in state.names:
        r = results[name]
        rows = []
        for i, cand in enumerate(r["candidates"]):
            rows.append({"optimizer": name, "flavor": r["flavor"], "candidate": i + 1, **cand,
                         "score_median_final_gap": float(r["scores"][i]),
                         "diverged_share": float(r["diverged_share"][i]), "chosen": i == r["best"]})
        frames.append(pd.DataFrame(rows))
    df = pd.concat(frames, ignore_index=True)
    df.insert(0, "objective", state.setup.objective)
    df["steps"] = state.setup.steps
    df["starts"] = state.starts
    df["seed"] = state.seed
    return df


def candidates_csv(state: TuneState, results: dict[str, dict]) -> bytes:
    """:func:`candidates_table` as CSV bytes for the download, every digit kept."""
    return candidates_table(state, results).to_csv(index=False, float_format="%.17g").encode()


def chosen_settings(results: dict[str, dict]) -> dict[str, dict]:
    """Each optimizer's chosen hyperparameters, for the race on Compare; an optimizer with nothing chosen (every
    candidate diverged) is left out, so a diverged configuration never races."""
    return {n: r["candidates"][r["best"]] for n, r in results.items() if r["best"] is not None}


def left_out_sentence(state: TuneState, results: dict[str, dict]) -> str | None:
    """One sentence naming the optimizers left out of the race and why (every candidate diverged), or None when
    every optimizer races."""
    out = [widgets.optimizer_title(n) for n in state.names if results[n]["best"] is None]
    if not out:
        return None
    why = "diverged from half the starts or more, so none was chosen"
    names = out[0] if len(out) == 1 else f"{', '.join(out[:-1])} and {out[-1]}"
    if len(out) == len(state.names):
        return f"No race on Compare: every candidate of {'every optimizer' if len(out) > 1 else names} {why}."
    verb, who = ("is", "it") if len(out) == 1 else ("are", "they")
    return f"{names} {verb} left out of the race on Compare: every candidate {who} tried {why}."

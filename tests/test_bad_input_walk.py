"""Every registered page's link, walked parameter by parameter with hostile values.

Every bad value (empty, non-numeric, huge, out of range, NaN, an unknown name) must give one
clear message naming the parameter, and the page must still render its main output.

The pages come from the registry (``ui.router.PAGES``) and each page's parameters from encoding its default
state, so a new page or parameter is walked automatically; ``EXTRA`` adds the few that the default link leaves out
(the seed, the Playground's step, an own formula's ``formula`` and ``domain``, ...).

Two levels, to keep the run short:

- the decoders, fast: every (page, parameter, bad value), the full cross product;
- the app (AppTest): one run per (page, parameter) with one bad value rotating through the
  list, plus one run per page with every parameter garbage at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import charts, one_message, open_app
from streamlit.testing.v1 import AppTest

import optim
from ui.router import PAGES as REGISTRY
from ui.setup.formula import CUSTOM

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60

BAD = ["", "abc", "1e309", "9" * 400, "-1e9", "nan", "zz-unknown"]
VALID = {("formula", "-1e9")}  # a constant function is a formula the app can draw


def bad_values(name: str) -> list[str]:
    return [b for b in BAD if (name, b) not in VALID]


# An own formula: the context in which ``formula`` and ``domain`` are read.
OWN = {"objective": [CUSTOM], "formula": ["x^2+10*y^2"], "domain": ["-5,5,-5,5"]}
SETUP_EXTRA = {"seed": {}, "formula": OWN, "domain": OWN}



def schedule_extra(prefix: str, names: tuple[str, ...] | None = None) -> dict[str, dict]:
    """``prefix.schedule`` and each schedule parameter (of the schedules ``names``; None: all of them), each in
    the context of the first schedule that has it: the default link runs at a constant rate."""
    extra = {f"{prefix}.schedule": {}}
    for name, spec in optim.SCHEDULES.items():
        if names is None or name in names:
            for p in spec.names:
                extra.setdefault(f"{prefix}.schedule.{p}", {f"{prefix}.schedule": [name]})
    return extra


# page -> {parameter the default link omits: the link context it is read in}; every page in the registry with a
# link state is walked, those not named here over their default link's parameters alone
EXTRA: dict[str, dict[str, dict]] = {
    # rmsprop has momentum, so one-cycle offers it every setting; gd takes the other schedules' settings
    "playground": {**SETUP_EXTRA, "step": {}, **schedule_extra("rmsprop", ("one_cycle",)), **schedule_extra("gd")},
    "compare": {**SETUP_EXTRA, "seeds": {"noise": ["0.5"]}, **schedule_extra("c1", ("reduce_on_plateau",))},
    "sweep": {**SETUP_EXTRA, "outcome": {}, "cell": {}, "zoom": {}},
    "minibatch": {"data": {}},
    "inside": {**SETUP_EXTRA, **schedule_extra("rmsprop", ("step",))},
    "train": {"step": {}, **schedule_extra("c1", ("step",))},
}
PAGES = {p.slug: p for p in REGISTRY if p.linked}


def default_link(page: str) -> dict[str, list[str]]:
    return PAGES[page].encode(PAGES[page].default())


def walk(page: str) -> list[tuple[str, dict[str, list[str]]]]:
    """Every parameter of ``page`` with the link it is read in (the default link, plus its context)."""
    base = default_link(page)
    extra = EXTRA.get(page, {})
    return [(name, base) for name in base] + [(name, in_context(base, ctx)) for name, ctx in extra.items()
                                              if name not in base]


def in_context(link: dict[str, list[str]], ctx: dict[str, list[str]]) -> dict[str, list[str]]:
    """``link`` changed as ``ctx`` says; an own formula has no built-in objective's ``objective.*`` settings."""
    if ctx.get("objective") == [CUSTOM]:
        link = {k: v for k, v in link.items() if not k.startswith("objective.")}
    return {**link, **ctx}


def with_bad(link: dict[str, list[str]], name: str, bad: str) -> dict[str, list[str]]:
    return {**link, name: [bad]}


def names_it(messages: list[str], name: str) -> bool:
    """A message quotes the parameter as the link has it (`` `name=value` `` or `` `name` ``)."""
    return any(f"`{name}=" in m or f"`{name}`" in m for m in messages)


CASES = [(page, name, link) for page in PAGES for name, link in walk(page)]
IDS = [f"{page}-{name}" for page, name, _ in CASES]


def test_every_page_has_a_walk_and_new_parameters_join_it():
    for page in PAGES:
        names = [n for n, _ in walk(page)]
        assert len(names) == len(set(names)) and len(names) >= 5, (page, names)
    assert {"objective", "x0", "steps", "opt", "gd.lr", "step", "seed", "formula", "domain"} <= {
        n for n, _ in walk("playground")}
    assert {"c1", "c1.flavor", "c1.lr", "seeds", "c1.schedule", "c1.schedule.threshold_mode"} <= {
        n for n, _ in walk("compare")}
    schedule_settings = {f"gd.schedule.{p}" for spec in optim.SCHEDULES.values() for p in spec.names}
    assert schedule_settings | {"rmsprop.schedule.cycle_momentum"} <= {n for n, _ in walk("playground")}


# ---------------------------------------------------------------- decoders: the full cross product


@pytest.mark.parametrize(("page", "name", "link"), CASES, ids=IDS)
def test_decoder_names_every_bad_value(page, name, link):
    decode = PAGES[page].decode
    _, clean = decode(link)
    assert not clean, (page, name, clean)  # the walk's links are good until one value goes bad
    for bad in bad_values(name):
        state, messages = decode(with_bad(link, name, bad))
        assert state is not None
        assert names_it(messages, name), (page, name, bad, messages)


# ---------------------------------------------------------------- the app


def open_page(page: str, query: dict[str, list[str]]) -> AppTest:
    return open_app(f"pages/{page}.py", query, timeout=TIMEOUT)


def still_works(at: AppTest, page: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert charts(at) >= PAGES[page].charts, f"{page} lost its main output"


@pytest.mark.parametrize(("page", "name", "link"), CASES, ids=IDS)
def test_page_survives_one_bad_parameter(page, name, link):
    values = bad_values(name)
    bad = values[CASES.index((page, name, link)) % len(values)]
    at = open_page(page, with_bad(link, name, bad))
    still_works(at, page)
    shown = [w.value for w in at.warning] + [e.value for e in at.error]
    assert len(at.warning) == 1, shown  # one box for the link's problems
    assert names_it(shown, name), (name, bad, shown)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_survives_every_parameter_garbage_at_once(page):
    names = [name for name, _ in walk(page)]
    garbage = {name: [bad_values(name)[i % len(bad_values(name))]] for i, name in enumerate(names)}
    at = open_page(page, garbage)
    still_works(at, page)
    text = one_message(at.warning, "cannot use", "default")
    # a garbage objective, optimizer or formula hides the parameters that depend on it; the rest are named
    named = [n for n in names if f"`{n}" in text]
    assert len(named) >= min(3, len(names)), text


def test_lessons_ignores_a_garbage_link():
    at = open_page("lessons", {"steps": ["abc"], "objective": ["9" * 400], "": ["nan"]})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Seed" in m.value for m in at.markdown)

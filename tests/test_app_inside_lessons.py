"""AppTest for the Inside RMSprop and Lessons pages: every view renders, widgets change results, links
reopen views, and every lesson's button opens its page with exactly the lesson's settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest
from app_helpers import charts, figures, link, ok, open_app, open_cards, open_run_settings, reopen
from figure_helpers import read_array
from streamlit.testing.v1 import AppTest

from ui.inside.state import encode_inside
from ui.lessons import LESSONS, computed_numbers
from ui.model import PlaygroundState
from ui.router import BY_SLUG
from ui.state import page_key

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90


def app(page: str, query: dict | None = None) -> AppTest:
    return open_app(page, query, timeout=90)


def inside(query: dict | None = None) -> AppTest:
    return app("pages/inside.py", query)


def lessons() -> AppTest:
    return app("pages/lessons.py")


def latex(at: AppTest) -> list[str]:
    """Every equation shown: each st.latex body (AppTest gives them wrapped in $$ lines), an aligned block
    of update rules split into its lines, as a person reads them."""
    out = []
    for m in at.latex:
        body = m.value.strip().removeprefix("$$").removesuffix("$$").strip()
        if body.startswith(r"\begin{aligned}"):
            rows = body.removeprefix("\\begin{aligned}").removesuffix("\\end{aligned}").split(" \\\\\n")
            out += [row.replace(" &= ", " = ", 1).strip() for row in rows]
        else:
            out.append(body)
    return out


def traces(fig: dict, meta: str) -> list[dict]:
    return [t for t in fig["data"] if t.get("meta") == meta]


def widget(at: AppTest, key: str):
    """The value of the widget with ``key``, whatever its kind."""
    for kind in ("select_slider", "number_input", "checkbox", "selectbox", "multiselect", "segmented_control",
                 "slider"):
        for w in getattr(at, kind):
            if w.key == key:
                return w.value
    raise KeyError(key)


# ---------------------------------------------------------------- Inside RMSprop


def test_inside_default_view_looks_inside_adagrad_rmsprop_and_adam():
    at = inside()
    ok(at)
    assert not at.warning
    assert at.title[0].value == "Inside RMSprop"
    anatomy, contour, loss = figures(at)
    assert {t["name"] for t in traces(anatomy, "lr")} == {"AdaGrad", "RMSprop", "Adam"}
    assert anatomy["layout"]["yaxis5"]["type"] == "log"
    assert link(at)["view"] == ["anatomy"] and link(at)["opt"] == ["adagrad", "rmsprop", "adam"]
    # the update rules, rendered from optim.latex, one block per optimizer
    lines = latex(at)
    assert r"v_t = v_{t-1} + g_t^{2}" in lines  # AdaGrad's running sum
    assert any(r"\hat{v}_t" in line for line in lines)  # Adam's bias correction
    assert sum(line.startswith("g_t =") for line in lines) == 3


def test_inside_widgets_change_the_charts_and_the_link():
    at = inside()
    before = figures(at)[0]
    at.select_slider(key="in.opt.rmsprop.lr").set_value(0.05).run()
    ok(at)
    assert figures(at)[0] != before
    assert link(at)["rmsprop.lr"] == ["0.05"]
    at.segmented_control(key="in.scale").set_value("signed").run()
    ok(at)
    assert figures(at)[0]["layout"]["yaxis"]["type"] == "linear"
    assert link(at)["scale"] == ["signed"]
    at.multiselect(key="in.optimizers").set_value(["rmsprop"]).run()
    ok(at)
    assert {t["name"] for t in traces(figures(at)[0], "grad")} == {"RMSprop"}
    assert link(at)["opt"] == ["rmsprop"]
    at.segmented_control(key="in.flavor").set_value("torch").run()
    ok(at)
    assert any(r"\sqrt{v_t} + \epsilon" in line for line in latex(at))  # torch: epsilon outside the root


@pytest.mark.parametrize(("view", "charts"), [("zigzag", 2), ("epsilon", 2), ("decay", 4)])
def test_every_view_renders(view, charts):
    at = inside()
    at.segmented_control(key="in.view").set_value(view).run()
    ok(at)
    assert len(figures(at)) == charts
    assert link(at)["view"] == [view]


def test_zigzag_view_names_the_coordinates_and_reacts_to_the_learning_rate():
    at = inside({"view": "zigzag"})
    ok(at)
    texts = "\n".join(m.value for m in at.markdown)
    assert "**W**" in texts and "**b**" in texts and "horizontal" in texts and "vertical" in texts
    steps = figures(at)[1]
    assert [t["name"] for t in traces(steps, "step")] == ["Gradient descent", "RMSprop"] * 2
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["Gradient descent", "RMSprop"]
    before = table.copy()
    at.select_slider(key="in.zz.lr").set_value(0.0005).run()
    ok(at)
    assert not at.dataframe[0].value.equals(before)
    assert link(at)["zz.lr"] == ["0.0005"]
    at.select_slider(key="in.zz.lr").set_value(0.002).run()  # 2 c lr > 2: gradient descent diverges
    ok(at)
    assert "diverges" in "\n".join(m.value for m in at.markdown)


def test_epsilon_view_shows_the_plain_and_both_forms():
    at = inside({"view": "epsilon"})
    ok(at)
    table = at.dataframe[0].value
    assert list(table["left the plain (f < 0.5) at step"])[0] == "never"
    assert list(table["left the plain (f < 0.5) at step"])[1] != "never"
    anatomy = figures(at)[1]
    assert {s["name"] for s in anatomy["layout"]["shapes"]} == {"floor:sqrt", "floor:eps"}
    at.segmented_control(key="in.eps.form").set_value("outside").run()
    ok(at)
    assert len(at.dataframe[0].value) == 1 and link(at)["eps.form"] == ["outside"]
    assert any(r"\sqrt{v_t} + \epsilon" in line for line in latex(at))


def test_decay_view_reacts_to_decay_and_bias_correction():
    at = inside({"view": "decay"})
    ok(at)
    memory = figures(at)[0]
    assert [t["name"] for t in traces(memory, "weights") if t["line"]["width"] > 2] == ["β = 0.9"]
    at.select_slider(key="in.dk.decay").set_value(0.99).run()
    ok(at)
    assert [t["name"] for t in traces(figures(at)[0], "weights") if t["line"]["width"] > 2] == ["β = 0.99"]
    assert link(at)["dk.decay"] == ["0.99"]
    at.segmented_control(key="in.dk.bias").set_value("off").run()
    ok(at)
    assert {t["name"] for t in traces(figures(at)[2], "step")} == {"EWMA momentum, bias correction off"}


def test_inside_link_reopens_the_same_view():
    at = inside()
    at.segmented_control(key="in.view").set_value("zigzag").run()
    at.select_slider(key="in.zz.lr").set_value(0.0005).run()
    again = reopen(at, "pages/inside.py", timeout=90)
    assert again.segmented_control(key="in.view").value == "zigzag"
    assert again.select_slider(key="in.zz.lr").value == 0.0005
    assert again.dataframe[0].value.equals(at.dataframe[0].value)


# ---------------------------------------------------------------- Lessons


def test_lessons_page_shows_every_lesson_and_the_seed_001_numbers():
    at = lessons()
    ok(at)
    targets = [(p.proto.page, parse_qs(p.proto.query_string, keep_blank_values=True)) for p in at.get("page_link")]
    for lesson in LESSONS.values():
        assert (url_path(BY_SLUG[lesson.page].file), lesson.query()) in targets
        assert any(lesson.heading in m.value for m in at.markdown)
    assert any("Seed 001" in m.value for m in at.markdown)
    assert len(at.table) == 1
    table = at.table[0].value
    article = {row["quantity"]: float(row["article printed"]) for _, row in table.iterrows()}
    app_nums = {row["quantity"]: float(row["app computed"]) for _, row in table.iterrows()}
    for name, text, value in LESSONS["001"].printed:
        assert article[text] == value
        assert app_nums[text] == pytest.approx(value, abs=1e-12)
        assert computed_numbers(LESSONS["001"])[name] == app_nums[text]


def test_seed_000_card_points_at_the_chart():
    at = lessons()
    look = [m.value for m in at.markdown if "Chart to look at" in m.value]
    assert "Loss panel" in look[0] and "22.5" in look[0]
    positional = ("on the left", "on the right", "below them", "above them")
    assert not any(p in text for text in look for p in positional), "names charts, not where they sit"


def url_path(page: str) -> str:
    """A page file's address in links: its name, and "" for the Playground (the app's default page)."""
    name = page.removeprefix("pages/").removesuffix(".py")
    return "" if name == "playground" else name


def click(seed: str, which: str = "open") -> AppTest:
    """Follow lesson ``seed``'s link (``which``: "open" or "inside"): its page opened with its query, as the
    browser opens it (AppTest cannot click a link; the browser tests do)."""
    at = lessons()
    wanted = LESSONS[seed]
    page, query = (BY_SLUG[wanted.page].file, wanted.query()) if which == "open" else (BY_SLUG["inside"].file,
                                                                               encode_inside(wanted.inside))
    links = [p for p in at.get("page_link")
             if p.proto.page == url_path(page) and parse_qs(p.proto.query_string) == query]
    assert len(links) == 1, f"the Lessons page links to {page} with {query}"
    at = app(page, query)
    ok(at)
    assert not at.warning, [w.value for w in at.warning]
    return at


def assert_playground_shows(at: AppTest, state: PlaygroundState) -> None:
    s = state.setup
    open_run_settings(at, "pg")  # the steps box is in the folded run settings
    assert widget(at, "pg.objective") == s.objective
    for name, value in s.objective_params:
        assert widget(at, f"pg.objective.{s.objective}.{name}") == value
    assert (widget(at, "pg.x0"), widget(at, "pg.y0"), widget(at, "pg.steps")) == (s.x0, s.y0, s.steps)
    assert widget(at, "pg.flavor") == state.flavor
    assert widget(at, "pg.optimizers") == [c.name for c in state.optimizers]
    for cfg in state.optimizers:
        for name, value in cfg.hp:
            assert widget(at, f"pg.opt.{cfg.name}.{name}") == value, (cfg.name, name)


@pytest.mark.parametrize("seed", [s for s, lesson in LESSONS.items() if lesson.page == "playground"])
def test_a_lesson_opens_the_playground_with_exactly_its_settings(seed):
    lesson = LESSONS[seed]
    at = click(seed)
    assert at.title[0].value == "Playground"
    assert link(at) == lesson.query()
    assert_playground_shows(at, lesson.state)
    names = {t["name"] for fig in figures(at) for t in fig["data"] if t.get("meta") == "path"}
    assert names == {c.title for c in lesson.state.optimizers}


def test_the_network_lesson_opens_the_train_page_with_its_four_optimizers():
    lesson = LESSONS["network"]
    at = click("network")
    assert at.session_state[page_key("tr", "state")] == lesson.state
    assert list(at.dataframe[0].value["configuration"]) == [
        "1. Gradient descent (torch)", "2. SGD with momentum (torch)", "3. RMSprop (torch)", "4. Adam (torch)"]
    assert at.selectbox(key="tr.run").value == 4 and charts(at) == 4


def test_the_fractal_lesson_opens_the_sweep_zoomed_toward_the_edge():
    lesson = LESSONS["fractal"]
    at = click("fractal")
    assert at.session_state[page_key("sw", "state")] == lesson.state  # exactly, every zoom level to the last bit
    (fig,) = figures(at)
    assert read_array(fig["data"][0]["z"]).shape == (512, 512) and "lr_y" in fig["data"][0]["y"][0]
    assert [b.label for b in at.button if b.key and b.key.startswith(page_key("sw", "zoom."))][:4] == [
        "Whole map", "×10", "×100", "×1,000"]
    assert widget(at, "sw.outcome") == "speed" and widget(at, "sw.second") == "lr_y"


def test_seed_004_opens_compare_with_exactly_its_three_configurations():
    lesson = LESSONS["004"]
    at = click("004")
    assert at.title[0].value == "Compare"
    assert link(at) == lesson.query()
    s = lesson.state.setup
    assert widget(at, "cmp.objective") == "quadratic"
    assert widget(at, "cmp.objective.quadratic.a") == 0.1 and widget(at, "cmp.objective.quadratic.b") == 5.0
    open_run_settings(at, "cmp")
    assert (widget(at, "cmp.x0"), widget(at, "cmp.y0"), widget(at, "cmp.steps")) == (s.x0, s.y0, s.steps)
    open_cards(at, *(f"cmp.{i}" for i in range(len(lesson.state.configs))))
    assert link(at) == lesson.query()  # opening the cards changes nothing
    for i, cfg in enumerate(lesson.state.configs):
        assert widget(at, f"cmp.{i}.name") == cfg.name and widget(at, f"cmp.{i}.flavor") == cfg.flavor
        for name, value in cfg.hp:
            assert widget(at, f"cmp.{i}.{cfg.name}.{name}") == value, (cfg.name, name)
    assert len(at.dataframe[0].value) == 3


@pytest.mark.parametrize("seed", [s for s, lesson in LESSONS.items() if lesson.inside is not None])
def test_look_inside_opens_the_inside_page_on_the_lesson(seed):
    lesson = LESSONS[seed]
    at = click(seed, "inside")
    assert at.title[0].value == "Inside RMSprop"
    assert link(at) == encode_inside(lesson.inside)
    assert widget(at, "in.view") == lesson.inside.view
    if lesson.inside.view == "anatomy":
        assert widget(at, "in.optimizers") == [c.name for c in lesson.inside.optimizers]


def test_playground_settings_show_each_optimizers_update_rule():
    at = app("pages/playground.py")
    ok(at)
    assert not any("eta g_t" in line for line in latex(at))  # written only when its popover opens
    for name in ("gd", "rmsprop"):
        at.session_state[page_key("pg", f"rule.{name}")] = True  # what a click on "Update rule" sets
    at.run()
    lines = latex(at)
    assert r"x_t = x_{t-1} - \eta g_t" in lines  # gradient descent
    assert any(r"\sqrt{v_t} + \epsilon" in line for line in lines)  # seed 000's RMSprop: epsilon outside
    at.checkbox(key="pg.opt.rmsprop.eps_in_sqrt").check().run()
    ok(at)
    assert any(r"\sqrt{v_t + \epsilon}" in line for line in latex(at))


def test_inside_survives_diverging_runs_and_a_single_step():
    at = inside({"objective": "rosenbrock", "opt": ["rmsprop", "sgd"], "rmsprop.lr": "10", "sgd.lr": "1",
                 "steps": "400"})
    ok(at)
    assert not at.warning
    assert len(figures(at)) == 3
    open_run_settings(at, "in")
    at.number_input(key="in.steps").set_value(1).run()
    ok(at)
    at = inside({"view": "zigzag", "zz.lr": "0.01", "zz.steps": "2000"})
    ok(at)
    assert "diverges" in "\n".join(m.value for m in at.markdown)

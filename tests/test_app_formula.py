"""AppTest for the formula objective (issue 6): choosing "your own formula" on a page and typing f(x, y).

What: the formula is drawn in LaTeX with its gradient, runs and the link follow it, a formula is judged by the
gradient norm (it has no known minimum), examples fill the box and the domain, a link carries formula, domain and
start, and the box works on Compare as on the Playground. Why: the box takes any text, from a person or from a
link, so a bad, hostile or out-of-domain formula must get one sentence (never a traceback), keep the text in the
box and keep the last good function running; and whatever a link holds, the page it opens must work.
"""

from __future__ import annotations

import doctest
from dataclasses import replace

import pytest
from app_helpers import charts, link, no_exception, open_app, open_run_settings, param, reopen
from hypothesis import given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

import ui.setup.formula
from ui.model import Setup
from ui.setup.formula import CUSTOM, EXAMPLES, custom_objective
from ui.urlstate import decode_compare, decode_playground, encode_playground


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query, timeout=90)


ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def results(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "Final" in m.value]


def header(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "every run starting at" in m.value)


def latex(at: AppTest) -> list[str]:
    return [el.value for el in at.latex]


@pytest.mark.parametrize("module", [ui.setup.formula])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


# ---------------------------------------------------------------- the formula box


def custom_playground() -> AppTest:
    at = app()
    at.selectbox(key="pg.objective").set_value(CUSTOM).run()
    no_exception(at)
    return at


def test_choosing_your_own_formula_renders_it_with_its_gradient():
    at = custom_playground()
    assert not at.error and not at.warning
    assert at.text_input(key="pg.formula").value == EXAMPLES[0].formula
    assert any(r"\frac{\partial f}{\partial x} &= 2 x" in t and "&= 20 y" in t for t in latex(at))
    assert "x^{2} + 10 y^{2}" in latex(at)[0]
    assert charts(at) >= 1 and len(results(at)) == 2
    assert param(at, "objective") == [CUSTOM] and param(at, "formula") == [EXAMPLES[0].formula]
    assert param(at, "domain") == ["-2,2,-2,2"]
    assert (at.number_input(key="pg.x0").value, at.number_input(key="pg.y0").value) == (-1.2, 1.2)


LONG = ("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2 + 0.1*sin(3*x)*cos(3*y)"
        " + 0.05*(x^2 + y^2) + 0.01*exp(-((x - 1)^2 + (y + 1)^2))")


def test_a_long_formula_is_drawn_on_lines_that_fit():
    """On one line this formula ran far past its box at every window size (the browser's layout test fails on a
    formula wider than its box); the header breaks it between terms, and the sidebar's gradient too."""
    at = app({"objective": CUSTOM, "formula": LONG})
    no_exception(at)
    formula = latex(at)[0].strip("$\n")  # st.latex wraps it in $$ lines
    gradient = next(t for t in latex(at) if r"\partial f" in t)
    assert formula.startswith(r"\begin{aligned}") and formula.count(r"\\") >= 2
    lines = formula.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
    assert all(ui.setup.formula.shown_length(line) <= ui.setup.formula.FORMULA_LINE + 1 for line in lines)
    assert "".join(line.removeprefix("&") for line in lines).replace(" ", "") == \
        ui.setup.formula.custom_objective(LONG).latex.replace(" ", "")  # the same formula, every term once
    assert gradient.count(r"\\") >= 5  # each partial derivative on several lines
    assert charts(at) >= 1


def test_a_formula_is_judged_by_the_gradient_norm_everywhere_the_page_says_so():
    """The header, the criterion box, the runs' cards and the link agree: no known minimum, gradient norm."""
    at = custom_playground()
    assert "judged by the gradient norm" in header(at)
    open_run_settings(at, "pg")
    radio = at.radio(key="pg.criterion")
    assert radio.value == "grad_norm" and radio.disabled
    assert param(at, "criterion") == ["grad_norm"]
    assert all("gradient norm" in line for line in results(at) if line.startswith(":"))
    at.selectbox(key="pg.objective").set_value("rosenbrock").run()
    no_exception(at)
    assert not at.radio(key="pg.criterion").disabled  # a known minimum: the choice is the person's again


def test_a_new_formula_changes_the_runs_and_the_link():
    at = custom_playground()
    before = results(at)
    at.text_input(key="pg.formula").input("sin(x)*cos(y) + 0.1*(x^2 + y^2)").run()
    no_exception(at)
    assert not at.error
    assert results(at) != before
    assert param(at, "formula") == ["sin(x)*cos(y) + 0.1*(x^2 + y^2)"]
    assert any(r"\cos{\left(x \right)} \cos{\left(y \right)}" in t for t in latex(at))


def test_a_bad_formula_gives_one_message_keeps_the_text_and_the_last_function():
    at = custom_playground()
    before, before_link = results(at), link(at)
    at.text_input(key="pg.formula").input("x + z").run()
    no_exception(at)
    assert len(at.error) == 1 and not at.warning
    assert "unknown name 'z' at column 5" in at.error[0].value
    assert at.text_input(key="pg.formula").value == "x + z"
    assert results(at) == before and charts(at) >= 1  # the last good function is still drawn
    assert link(at) == before_link
    # the page still works: another setting changes the runs, and the text stays in the box
    at.select_slider(key="pg.opt.gd.lr").set_value(0.05).run()
    no_exception(at)
    assert results(at) != before
    assert at.text_input(key="pg.formula").value == "x + z" and len(at.error) == 1
    at.text_input(key="pg.formula").input("x^2 + y^2").run()
    no_exception(at)
    assert not at.error and param(at, "formula") == ["x^2 + y^2"]


def test_a_refused_formula_is_explained_right_under_the_box():
    """The message sits between the formula box and the domain's four inputs, where the person is typing."""
    at = custom_playground()
    at.text_input(key="pg.formula").input("x^^2").run()
    no_exception(at)
    flat = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            flat.append(getattr(child, "key", None) or type(child).__name__)
            walk(child)

    walk(at.sidebar)
    assert flat.index("pg.formula") < flat.index("Error") < flat.index("pg.domain.xmin"), flat
    assert "two operators in a row at column 2" in at.error[0].value


@pytest.mark.parametrize("text", ["__import__('os').system('ls')", "9**9**9", "x" * 400, "exp(exp(exp(x)))",
                                  "log(x)", "x @ y", "é"])
def test_hostile_formulas_get_one_sentence_and_no_traceback(text):
    at = custom_playground()
    at.text_input(key="pg.formula").input(text).run()
    no_exception(at)
    assert len(at.error) == 1
    assert at.error[0].value.startswith("Cannot use this formula: ")
    assert at.text_input(key="pg.formula").value == text


def test_a_bad_domain_is_refused_with_one_sentence():
    at = custom_playground()
    at.number_input(key="pg.domain.xmin").set_value(3.0).run()
    no_exception(at)
    assert len(at.error) == 1 and "x min below x max" in at.error[0].value
    assert param(at, "domain") == ["-2,2,-2,2"]


def test_a_new_domain_moves_the_start_inside_it():
    at = custom_playground()
    at.number_input(key="pg.domain.ymin").set_value(0.0).run()
    no_exception(at)
    assert param(at, "domain") == ["-2,2,0,2"]
    assert (at.number_input(key="pg.x0").value, at.number_input(key="pg.y0").value) == (-1.2, 1.6)


def test_an_example_fills_the_box_and_the_domain():
    at = custom_playground()
    at.pills(key="pg.example").set_value(ROSENBROCK).run()
    no_exception(at)
    assert at.text_input(key="pg.formula").value == ROSENBROCK
    assert param(at, "domain") == ["-2,2,-1,3"] and param(at, "formula") == [ROSENBROCK]
    assert at.number_input(key="pg.y0").value == 2.2


def test_a_custom_link_reopens_the_same_view():
    at = custom_playground()
    at.text_input(key="pg.formula").input("x^2 - 0.5*x*y + 3*y^2").run()
    at.number_input(key="pg.x0").set_value(1.0).run()
    again = reopen(at, timeout=90)
    assert again.selectbox(key="pg.objective").value == CUSTOM
    assert again.text_input(key="pg.formula").value == "x^2 - 0.5*x*y + 3*y^2"
    assert again.number_input(key="pg.x0").value == 1.0
    assert results(again) == results(at)


def test_a_bad_formula_in_a_link_opens_with_one_message_and_the_text_in_the_box():
    at = app({"objective": CUSTOM, "formula": "x + import", "domain": "-3,3,-3,3"})
    no_exception(at)
    assert len(at.warning) == 1 and not at.error
    assert "formula=x + import" in at.warning[0].value
    assert at.selectbox(key="pg.objective").value == CUSTOM
    assert at.text_input(key="pg.formula").value == "x + import"
    assert at.number_input(key="pg.domain.xmax").value == 3.0
    assert header(at).startswith("**Quadratic bowl**")  # the default objective, running
    assert charts(at) >= 1 and len(results(at)) == 2
    at.text_input(key="pg.formula").input("x^2 + y^2").run()
    no_exception(at)
    assert not at.warning and not at.error and param(at, "domain") == ["-3,3,-3,3"]


def test_switching_away_and_back_keeps_the_formula():
    at = custom_playground()
    at.text_input(key="pg.formula").input("x^4 + y^2").run()
    at.selectbox(key="pg.objective").set_value("rosenbrock").run()
    no_exception(at)
    assert "formula" not in at.query_params
    at.selectbox(key="pg.objective").set_value(CUSTOM).run()
    no_exception(at)
    assert at.text_input(key="pg.formula").value == "x^4 + y^2"


def test_the_formula_works_on_compare():
    at = app({"objective": CUSTOM, "formula": ROSENBROCK, "domain": "-2,2,-1,3", "x0": "-1.5", "y0": "2"},
             "pages/compare.py")
    no_exception(at)
    assert not at.warning and not at.error
    assert at.text_input(key="cmp.formula").value == ROSENBROCK
    board = at.dataframe[0].value
    assert len(board) == 4
    at.text_input(key="cmp.formula").input("x^2 + 10*y^2").run()
    no_exception(at)
    assert not at.dataframe[0].value.equals(board)
    assert param(at, "formula") == ["x^2 + 10*y^2"]
    assert "/compare?" in at.code[0].value and "formula=" in at.code[0].value


# ---------------------------------------------------------------- the formula in the URL


@settings(max_examples=40, deadline=None)
@given(hst.sampled_from([e.formula for e in EXAMPLES] + ["x^2 + y^2", "abs(x) + y^2", "x*y + x^4 + y^4"]),
       hst.sampled_from([(-5.0, 5.0, -5.0, 5.0), (-2.0, 2.0, -1.0, 3.0), (0.5, 2.25, -0.125, 1e-3)]),
       hst.floats(-100, 100), hst.floats(-100, 100))
def test_custom_setups_round_trip(text, domain, x0, y0):
    obj = custom_objective(text, domain)
    if not float(obj.f([x0, y0])) < float("inf"):
        return
    # a formula has no known minimum: the app's state always judges it by the gradient norm
    state = replace(decode_playground({})[0], setup=Setup(CUSTOM, (), x0, y0, criterion="grad_norm", formula=text,
                                                          domain=domain))
    back, messages = decode_playground(encode_playground(state))
    assert messages == [] and back == state


def test_custom_link_messages():
    state, messages = decode_compare({"objective": [CUSTOM]})
    assert len(messages) == 1 and "needs a `formula`" in messages[0]
    assert state.setup.objective == "rotated_quadratic"
    state, messages = decode_playground({"objective": [CUSTOM], "formula": ["x^2"], "domain": ["1,2,3"]})
    assert len(messages) == 1 and "`domain=1,2,3`" in messages[0]
    assert state.setup.objective == CUSTOM and state.setup.domain == (-5.0, 5.0, -5.0, 5.0)
    state, messages = decode_playground({"objective": [CUSTOM], "formula": ["log(x)"]})
    assert len(messages) == 1 and "not finite" in messages[0]
    assert state.setup.objective == "quadratic" and state.setup.draft == ("log(x)", (-5.0, 5.0, -5.0, 5.0))
    state, messages = decode_playground({"objective": [CUSTOM], "formula": ["sqrt(x)"], "domain": ["1,4,-1,1"],
                                         "x0": ["-3"]})
    assert len(messages) == 1 and "not finite at the start point" in messages[0]
    assert state.setup.start == (1.6, 0.6)
    _, messages = decode_playground({"objective": [CUSTOM], "formula": ["__x__ + y"]})
    assert "unknown name '\\_\\_x\\_\\_'" in messages[0]  # Markdown cannot make it bold
    _, messages = decode_playground({"objective": [CUSTOM], "formula": ["x * `y`"]})
    assert "`y`" not in messages[0] and "'\\`'" in messages[0]


FORMULA_BITS = hst.sampled_from(["x", "y", "^", "**", "2", "9", "(", ")", "+", "-", "*", "/", "sin(", "log(", "exp(",
                                 "sqrt(", ".", "e", "pi", "z", "__", "`", "'", "@", " ", "1e308", "é"])


@settings(max_examples=150, deadline=None)
@given(hst.lists(FORMULA_BITS, max_size=14).map("".join) | hst.text(max_size=30),
       hst.sampled_from(["-5,5,-5,5", "0,1,0,1", "1,-1,0,2", "a,b", "", "-200,0,0,1", "0.5,4,-1,1"]),
       hst.sampled_from([None, "-3", "0", "99"]))
def test_any_custom_link_opens_a_usable_page(text, domain, x0):
    query = {"objective": [CUSTOM], "formula": [text], "domain": [domain]}
    if x0 is not None:
        query["x0"] = [x0]
    state, messages = decode_playground(query)
    obj = state.setup.build_objective()
    assert float(obj.f(list(state.setup.start))) < float("inf")
    assert all(isinstance(m, str) and m and len(m) < 600 for m in messages)
    if state.setup.objective != CUSTOM:
        assert state.setup.draft is not None and state.setup.draft[0] == text.strip()

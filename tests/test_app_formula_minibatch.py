"""AppTest for issue 6: the formula box on every page, and the Mini-batch page (data, batches, uploads)."""

from __future__ import annotations

import doctest
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import charts, link, no_exception, open_app, open_run_settings, param, reopen
from hypothesis import given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

import optim
import ui.minibatch.curvature
import ui.minibatch.state
import ui.setup.formula
import viz.training
from ui.minibatch.state import MiniBatchState, decode_minibatch, encode_minibatch, read_upload
from ui.model import Setup
from ui.setup.formula import CUSTOM, EXAMPLES, custom_objective
from ui.urlstate import decode_compare, decode_playground, encode_playground

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90


def app(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query, timeout=90)


ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def results(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "Final" in m.value]


def header(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "every run starting at" in m.value)


def latex(at: AppTest) -> list[str]:
    return [el.value for el in at.latex]


@pytest.mark.parametrize("module", [ui.setup.formula, ui.minibatch.state, viz.training])
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


# ---------------------------------------------------------------- the Mini-batch page


def minibatch(query: dict | None = None) -> AppTest:
    return app(query, "pages/minibatch.py")


def table(at: AppTest):
    return at.dataframe[0].value


def explanation(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Which way oscillates?**"))


def test_minibatch_default_view():
    at = minibatch()
    no_exception(at)
    assert not at.error and not at.warning
    assert charts(at) == 3
    df = table(at)
    assert list(df["optimizer"]) == ["Gradient descent (full batch)", "Mini-batch SGD", "RMSprop", "Adam"]
    assert list(df["steps"]) == [50, 500, 500, 500]
    text = explanation(at)
    assert "**b is the steep direction**" in text and "seed 003" in text
    assert "**b** 49 times in 50 steps" in text  # gradient descent zig-zags in b, as the article says
    assert "W** reversed direction 0 times" in text
    assert param(at, "batch") == ["20"] and param(at, "scale") == ["0.2"]


def tables_around(at: AppTest, widget, value):
    """The Mini-batch table before and after setting ``widget`` of ``at`` to ``value`` (a run that raised nothing)."""
    before = table(at)
    widget.set_value(value).run()
    no_exception(at)
    return before, table(at)


def test_minibatch_batch_size_and_scale_change_the_results():
    at = minibatch()
    before, mid = tables_around(at, at.number_input(key="mb.batch"), 50)
    assert list(mid["steps"]) == [50, 200, 200, 200]
    assert not mid.equals(before)
    assert param(at, "batch") == ["50"]
    _, after = tables_around(at, at.select_slider(key="mb.scale"), 5.0)
    assert not after.equals(mid)
    text = explanation(at)
    assert "**W is the steep direction**" in text and "diverges" in text  # GD's lr 0.9 is now far too large
    assert param(at, "scale") == ["5"]


def test_minibatch_learning_rate_and_logistic_model():
    at = minibatch()
    before, after = tables_around(at, at.select_slider(key="mb.adam.lr"), 0.01)
    assert after.iloc[3]["final W"] != before.iloc[3]["final W"]
    assert after.iloc[0]["final W"] == before.iloc[0]["final W"]
    at.radio(key="mb.model").set_value("logistic").run()
    no_exception(at)
    assert not at.error and charts(at) == 3
    assert "Logistic regression" in " ".join(m.value for m in at.markdown)
    assert param(at, "model") == ["logistic"]


def test_minibatch_link_reopens_the_same_view():
    at = minibatch()
    at.number_input(key="mb.batch").set_value(8).run()
    at.number_input(key="mb.shuffle").set_value(3).run()
    at.select_slider(key="mb.sgd.lr").set_value(0.1).run()
    again = reopen(at, "pages/minibatch.py", timeout=90)
    assert again.number_input(key="mb.batch").value == 8
    assert table(again).equals(table(at))


def test_minibatch_too_much_work_is_one_sentence():
    at = minibatch({"n": "10000", "batch": "1"})
    no_exception(at)
    assert len(at.error) == 1 and "the limit is 10,000" in at.error[0].value
    at.number_input(key="mb.batch").set_value(100).run()
    no_exception(at)
    assert not at.error and charts(at) == 3


CSV_GOOD = b"x,y\n" + b"".join(f"{i / 10},{2 * i / 10 + 1 + (i % 3 - 1) / 10}\n".encode() for i in range(40))


def upload(at: AppTest, content: bytes, name: str = "data.csv") -> AppTest:
    at.segmented_control(key="mb.source").set_value("upload").run()
    at.file_uploader(key="mb.upload").set_value((name, content, "text/csv")).run()
    no_exception(at)
    return at


def test_minibatch_upload_trains_on_the_file_and_says_the_link_cannot_carry_it():
    at = minibatch()
    at.segmented_control(key="mb.source").set_value("upload").run()
    no_exception(at)
    assert any("Choose a CSV file" in i.value for i in at.info)
    assert any("cannot carry it" in c.value for c in at.caption)
    upload(at, CSV_GOOD)
    assert not at.error
    assert "on 40 samples" in " ".join(m.value for m in at.markdown)
    assert param(at, "data") == ["upload"]
    assert "Least-squares fit: W = 2.001, b = 0.9951" in " ".join(m.value for m in at.markdown)
    assert table(at).iloc[1]["diverged at step"] != "no"  # x up to 3.9: SGD's lr 0.2 is too large for these data


@pytest.mark.parametrize("content, words", [
    (b"x,y\n1,2\n3,four\n", "row 3, column 2: 'four' is not a number"),
    (b"x,y\n1,2\n3\n", "row 3 has 1 column;"),
    (b"x,y,z\n1,2,3\n4,5,6\n", "row 2 has 3 columns"),
    (b"x,y\n1,2\n3,\n", "row 3, column 2 is empty"),
    (b"", "the file is empty"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_minibatch_malformed_csv_gives_one_clear_message(content, words):
    at = upload(minibatch(), content, "bad.csv")
    assert len(at.error) == 1
    assert at.error[0].value.startswith("Cannot use this file: bad.csv: ") and words in at.error[0].value
    assert charts(at) == 3  # the page keeps working on the generated data


def test_read_upload_refuses_labels_for_logistic_and_names_the_file():
    with pytest.raises(ValueError, match=r"^scores\.csv: logistic regression needs .* 0 and 1"):
        read_upload(b"x,y\n1,0\n2,1\n3,2\n", "scores.csv", "logistic")
    assert len(read_upload(b"1,0\n2,1\n3,1\n", "labels.csv", "logistic")) == 3
    with pytest.raises(ValueError, match="the limit is 1,000,000"):
        read_upload(b"1,2\n" * 300_000, "big.csv", "linear")


@settings(max_examples=60, deadline=None)
@given(hst.builds(
    MiniBatchState, model=hst.sampled_from(["linear", "logistic"]), n=hst.integers(2, 10_000),
    noise=hst.floats(0, 10), scale=hst.floats(0.01, 100), data_seed=hst.integers(0, 2**31 - 1),
    batch=hst.integers(1, 10_000), epochs=hst.integers(1, 500), shuffle=hst.integers(0, 2**31 - 1),
    lrs=hst.tuples(*(hst.tuples(hst.just(n), hst.floats(1e-6, 10)) for n in ("gd", "sgd", "rmsprop", "adam"))),
    upload=hst.booleans()))
def test_minibatch_state_round_trips(state):
    back, messages = decode_minibatch(encode_minibatch(state))
    assert messages == [] and back == state


def test_curvature_names_the_steep_direction():
    data = optim.models.make_regression(500, 0.1, 0.1, seed=0)
    c = ui.minibatch.curvature.curvature("linear", data, None)
    assert c.steep == "b" and c.ratio > 50
    data = optim.models.make_regression(500, 0.1, 10.0, seed=0)
    assert ui.minibatch.curvature.curvature("linear", data, None).steep == "W"


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

"""AppTest for the Mini-batch page (issue 6): full-batch gradient descent, mini-batch SGD, RMSprop and Adam
training a two-parameter model on generated or uploaded data.

What: the default view and its explanation of which direction is steep, batch size, scale, learning rates and the
logistic model changing the results, the link reopening the same view, the work limit, CSV uploads, and the
page's state round-tripping through its link. Why: the page's explanation is computed from the data and the runs,
so it is pinned to the numbers the article states; and an uploaded file is outside input, so every malformed CSV
must get one clear message naming the file while the page keeps working on the generated data.
"""

from __future__ import annotations

import doctest

import pytest
from app_helpers import charts, no_exception, open_app, param, reopen
from hypothesis import given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

import optim
import ui.minibatch.curvature
import ui.minibatch.state
import viz.training
from ui.minibatch.state import MiniBatchState, decode_minibatch, encode_minibatch, read_upload


def minibatch(query: dict | None = None) -> AppTest:
    return open_app("pages/minibatch.py", query, timeout=90)


@pytest.mark.parametrize("module", [ui.minibatch.state, viz.training])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


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

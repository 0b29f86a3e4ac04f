"""AppTest for the Train a network page (issue 15, item 3): renders, every control changes what is shown, a link
reopens the view, bad link values and bad CSVs get one sentence each and the page keeps working."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import charts, figures, link, no_exception, open_app, open_cards
from figure_helpers import as_figure, read_array
from hypothesis import given, settings
from hypothesis import strategies as hst
from streamlit.testing.v1 import AppTest

from ui.model import make_config
from ui.train.report import off_map_sentence
from ui.train.state import TrainState, decode_train, encode_train

SMALL = {"n": "120", "width": "6", "epochs": "4", "batch": "24", "seeds": "2"}
"""A small view: 96 training points, 4 batches per epoch, 16 steps; quick to train in every test."""
CSV_GOOD = ("x1,x2,label\n" + "".join(f"{np.cos(t):.4f},{np.sin(t):.4f},{int(t > 3)}\n"
                                      for t in np.linspace(0, 6, 40))).encode()


def app(query: dict | None = None) -> AppTest:
    return open_app("pages/train.py", query)


ok = no_exception  # the tests that expect an error box check it themselves


def by_meta(at: AppTest, meta: str) -> list[dict]:
    """Every trace with ``meta`` in the page's figures."""
    return [t for f in figures(at) for t in f["data"] if t.get("meta") == meta]


def shown(at: AppTest) -> str:
    """Everything the page's figures and its table show, as one comparable string."""
    frames = [f.get("step", {}).get("columns", {}).get("grid", {}).get("bdata", "") for f in figures(at)]
    data = [(t.get("meta"), t.get("name"), str(t.get("y")), str(t.get("z"))[:4000]) for f in figures(at)
            for t in f["data"]]
    return repr((data, frames, at.dataframe[0].value.to_csv() if at.dataframe else ""))


def test_default_view_draws_four_charts_and_a_table():
    at = app()
    ok(at)
    assert charts(at) == 4 and not at.error and not at.warning
    curves, boundary, landscape, norms = (as_figure(f) for f in figures(at))
    assert len([t for t in curves.data if t.meta == "median"]) == 4  # loss and accuracy for two configurations
    assert boundary.data[0].type == "heatmap" and len(read_array(figures(at)[1]["step"]["stops"])) == 101
    assert {t.meta for t in landscape.data} >= {"contour", "surface", "path", "path3d"}
    assert len([t for t in norms.data if t.meta == "step"]) == 2 * 3  # two configurations, three layers
    table = at.dataframe[0].value
    assert list(table["configuration"]) == ["1. SGD with momentum (torch)", "2. Adam (torch)"]
    assert (table["median test accuracy"] > 0.9).all() and (table["diverged"] == "none").all()
    assert any("A slice is two directions out of the network's many" in c.value for c in at.caption)


def test_a_network_is_not_offered_per_coordinate_learning_rates():
    """y's own learning rate is for a 2-D point; a network's weights have no x and y, so no checkbox offers it
    (``optim.train`` would refuse it), and the records are said in words ("every 4 steps", not "every 1 steps")."""
    at = app(SMALL)
    ok(at)
    assert not [c for c in at.checkbox if "own learning rate" in c.label]
    assert not any("every 1 steps" in c.value for c in at.caption)


def test_the_band_is_the_median_and_quartiles_over_seeds():
    at = app({**SMALL, "seeds": "3"})
    ok(at)
    curves = figures(at)[0]["data"]
    lower, median, upper = (read_array(curves[i]["y"]) for i in (1, 2, 0))
    assert (lower <= median + 1e-6).all() and (median <= upper + 1e-6).all() and (upper > lower).any()


def test_every_control_changes_what_the_page_shows():
    at = open_cards(app(SMALL), "tr.1")
    ok(at)
    changes = {
        ("selectbox", "tr.data"): "circles", ("number_input", "tr.noise"): 0.3, ("number_input", "tr.n"): 140,
        ("number_input", "tr.data_seed"): 5, ("number_input", "tr.layers"): 1, ("number_input", "tr.width"): 5,
        ("segmented_control", "tr.activation"): "relu", ("number_input", "tr.batch"): 12,
        ("number_input", "tr.epochs"): 5, ("number_input", "tr.seeds"): 3, ("selectbox", "tr.run"): 2,
        ("number_input", "tr.run_seed"): 2, ("segmented_control", "tr.slice"): "random",
        ("selectbox", "tr.0.name"): "rmsprop", ("select_slider", "tr.1.adam.lr"): 0.05,
        ("selectbox", "tr.1.flavor"): "keras", ("selectbox", "tr.1.schedule"): "cosine",
    }
    for (kind, key), value in changes.items():
        before, before_link = shown(at), link(at)
        getattr(at, kind)(key=key).set_value(value).run()
        ok(at)
        assert not at.error, (key, [e.value for e in at.error])
        assert shown(at) != before, f"{key} = {value!r} changed nothing on the page"
        assert link(at) != before_link, f"{key} = {value!r} is not in the link"


def test_adding_and_removing_a_configuration():
    at = app(SMALL)
    add = next(b for b in at.button if b.label == "Add configuration")
    add.click().run()
    ok(at)
    assert len(at.dataframe[0].value) == 3 and "c3" in link(at)
    open_cards(at, "tr.2")
    next(b for b in at.button if b.key == "tr.2.remove").click().run()
    ok(at)
    assert len(at.dataframe[0].value) == 2 and "c3" not in link(at)


def test_a_path_off_the_map_is_named_with_how_much_of_it_leaves():
    """The map spans the chosen run's path: a run that went much farther shows as little more than its start, and
    the caption says so, with the share of its recorded steps the figure indeed draws outside the map."""
    query = {**SMALL, "c1": "adam", "c1.lr": "0.001", "c2": "sgd", "c2.lr": "0.5"}
    at = app(query)
    ok(at)
    landscape = figures(at)[2]
    (xlo, xhi), (ylo, yhi) = landscape["layout"]["xaxis"]["range"], landscape["layout"]["yaxis"]["range"]
    sgd = next(t for t in landscape["data"] if t.get("meta") == "path" and t["name"].startswith("2."))
    x, y = np.asarray(read_array(sgd["x"]), float), np.asarray(read_array(sgd["y"]), float)
    off = 1 - np.mean((x >= xlo) & (x <= xhi) & (y >= ylo) & (y <= yhi))
    assert off > 0.5
    caption = next(c.value for c in at.caption if "The plane holds" in c.value)
    assert f"Off this map, which spans run 1's path: {off:.0%} of run 2's recorded steps." in caption
    at.selectbox(key="tr.run").set_value(2).run()  # the map now spans SGD's path, Adam's short one inside it
    ok(at)
    caption = next(c.value for c in at.caption if "The plane holds" in c.value)
    assert "Off this map" not in caption


def test_the_off_map_sentence_says_what_the_map_spans():
    """The random directions' map is one unit either side of the chosen run's final weights, not its path: its own
    path can leave it too, and the sentence then says so rather than claim the map spans it."""
    random = off_map_sentence("random", "run 1", {"run 1": 0.25, "run 2": 0.0})
    assert random.startswith("Off this map, one unit of each direction either side of run 1's final weights: 25% of "
                             "run 1's recorded steps. ")
    assert "spans run 1's path" not in random
    assert off_map_sentence("pca", "run 1", {"run 1": 0.0, "run 2": 0.0}) == ""


def test_a_link_reopens_the_same_view():
    query = {**SMALL, "data": "spiral", "c1": "adam", "c1.flavor": "keras", "c1.lr": "0.02", "c2": "rmsprop",
             "c2.flavor": "torch", "c2.schedule": "step", "c2.schedule.step_size": "5", "run": "2",
             "run_seed": "2", "slice": "random", "step": "8"}
    at = app(query)
    ok(at)
    assert not at.warning
    again = app({k: v for k, v in link(at).items()})
    ok(again)
    assert link(again) == link(at) and shown(again) == shown(at)
    assert figures(again)[1]["step"]["value"] == 8
    assert at.selectbox(key="tr.run").value == 2 and at.segmented_control(key="tr.slice").value == "random"


def test_long_names_are_shortened_alike_in_the_run_box_and_the_table():
    """Configurations named by every setting run past the "Run to show" box, which cut one mid-setting: the box
    and the table show the same short names (number, optimizer, flavor and "…"), the legends the whole."""
    query = {**SMALL, "c1": "sgd", "c1.lr": "0.01", "c1.momentum": "0.8", "c1.nesterov": "true",
             "c1.schedule": "cosine_restarts", "c2": "sgd", "c2.flavor": "keras", "c2.lr": "0.02",
             "c2.momentum": "0.85", "c2.schedule": "warmup_cosine"}
    at = app(query)
    ok(at)
    box = at.selectbox(key="tr.run")
    table = list(at.dataframe[0].value["configuration"])
    assert box.options == table == ["1. SGD with momentum (textbook) …", "2. SGD with momentum (keras) …"]
    legend = [t["name"] for t in by_meta(at, "path")]
    assert legend and all(len(name) > 60 for name in legend)  # the legends keep the whole names


@pytest.mark.parametrize(("query", "says"), [
    ({"width": "abc"}, "`width=abc`: not a number"),
    ({"data": "swirl"}, "`data=swirl` is not allowed"),
    ({"c1": "adamz"}, "`c1=adamz` is not an optimizer"),
    ({"run": "7"}, "`run=7`: 7 is out of range"),
    ({"step": "-3"}, "`step=-3`: -3 is out of range"),
    ({"slice": "diagonal"}, "`slice=diagonal`: not allowed"),
])
def test_a_bad_link_value_gets_one_sentence_and_the_page_works(query, says):
    at = app({**SMALL, **query})
    ok(at)
    assert charts(at) == 4
    assert len(at.warning) == 1 and says in at.warning[0].value, [w.value for w in at.warning]


def test_too_much_training_is_one_sentence():
    at = app({"batch": "1", "epochs": "500"})
    ok(at)
    assert len(at.error) == 1 and "is more than the page trains" in at.error[0].value


def test_newton_is_refused_in_one_sentence_and_the_rest_keeps_working():
    at = app({**SMALL, "c1": "newton", "c2": "adam"})
    ok(at)
    assert len(at.error) == 1 and at.error[0].value.startswith("1. Newton")
    assert charts(at) == 4 and list(at.dataframe[0].value["configuration"]) == ["2. Adam (textbook)"]


def test_reduce_on_plateau_in_a_closed_card_trains_and_draws():
    """A configuration whose settings card is closed has no place for the rate it used: the page skips that
    chart. (A link with reduce on plateau on the third configuration, whose card opens closed, crashed the page.)"""
    at = app({**SMALL, "c1": "adam", "c2": "rmsprop", "c3": "sgd", "c3.lr": "0.05",
              "c3.schedule": "reduce_on_plateau"})
    ok(at)
    assert not at.error and charts(at) == 4
    assert list(at.dataframe[0].value["configuration"]) == [
        "1. Adam (textbook)", "2. RMSprop (textbook)", "3. SGD with momentum (textbook)"]
    opened = open_cards(at, "tr.2")
    ok(opened)
    assert charts(opened) == 5, "opened, the card draws the rate the run used"


def test_a_diverged_run_says_so_and_keeps_the_axes_of_the_others():
    at = app({**SMALL, "width": "32", "activation": "relu", "c1": "sgd", "c1.flavor": "torch", "c1.lr": "10",
              "c1.momentum": "0.99", "c2": "adam", "c2.lr": "0.01", "run": "2"})
    ok(at)
    table = at.dataframe[0].value
    assert table["diverged"][0] == "seeds 1, 2 (steps 10, 16)" and table["diverged"][1] == "none"
    assert np.isnan(table["median final loss"][0])
    curves = figures(at)[0]
    assert "2 diverged" in curves["data"][2]["name"]
    medians = [read_array(t["y"]) for t in curves["data"] if t["meta"] == "median" and t["yaxis"] == "y"]
    assert np.isfinite(medians[1]).all() and np.nanmax(medians[1]) < 10  # Adam's curve is drawn in full
    # The slice through Adam's run: the diverged run's share off the map counts only its points before it diverged.
    caption = next(c.value for c in at.caption if "The plane holds" in c.value)
    assert "of run 1's recorded steps before it diverged at step 10." in caption
    at.selectbox(key="tr.run").set_value(1).run()  # a diverged network has no final weights to slice through
    ok(at)
    assert [e.value for e in at.error] == ["No slice for this run: run 1, seed 1 diverged at step 10, and a slice goes "
                                           "through a network's final weights; choose a seed or a run that did not "
                                           "diverge."]


def test_upload_trains_on_the_file_and_bad_files_get_one_sentence():
    at = app(SMALL)
    at.selectbox(key="tr.data").set_value("upload").run()
    ok(at)
    assert any("Choose a CSV file" in i.value for i in at.info) and charts(at) == 4
    at.file_uploader(key="tr.upload").set_value(("ring.csv", CSV_GOOD, "text/csv")).run()
    ok(at)
    assert not at.error and link(at)["data"] == ["upload"] and "n" not in link(at)
    assert len(by_meta(at, "points")[0]["x"]["bdata"]) > 0
    for content, words in [(b"x1,x2,label\n1,2,0\n3,four,1\n", "'four' is not a number"),
                           (b"x1,x2,label\n0,0,1\n1,1,1\n2,2,1\n", "classification needs at least two classes"),
                           (b"x1,x2,label\n0,0,0\n1,1,0.5\n", "is not a whole number"),
                           (b"", "the file is empty")]:
        at.file_uploader(key="tr.upload").set_value(("bad.csv", content, "text/csv")).run()
        ok(at)
        assert len(at.error) == 1 and at.error[0].value.startswith("Cannot use this file: bad.csv: "), at.error
        assert words in at.error[0].value
        assert charts(at) == 4  # on the generated points meanwhile


@settings(max_examples=40, deadline=None)
@given(hst.builds(
    TrainState, data=hst.sampled_from(["moons", "circles", "spiral", "xor", "gaussians", "upload"]),
    noise=hst.floats(0, 1), n=hst.integers(40, 2000), data_seed=hst.integers(0, 2**31 - 1),
    layers=hst.integers(1, 4), width=hst.integers(2, 64), activation=hst.sampled_from(["tanh", "relu", "sigmoid"]),
    configs=hst.lists(hst.sampled_from([make_config("adam", "torch", lr=0.02), make_config("sgd", momentum=0.5),
                                        make_config("rmsprop", "keras")]), min_size=1, max_size=6).map(tuple),
    batch=hst.integers(1, 2000), epochs=hst.integers(1, 500), seeds=hst.integers(1, 10)))
def test_the_state_round_trips_through_the_link(s):
    back, messages = decode_train(encode_train(s))
    assert messages == []
    if s.upload:  # the generated points' settings stay out of the link while a file is used
        back = TrainState(**{**back.__dict__, "noise": s.noise, "n": s.n, "data_seed": s.data_seed})
    assert back == s


def test_the_table_follows_the_seed_on_show_at_once_and_fewer_seeds_keep_a_valid_one():
    at = app(SMALL)
    first = at.dataframe[0].value["final loss (this seed)"].tolist()
    at.number_input(key="tr.run_seed").set_value(2).run()
    ok(at)
    second = at.dataframe[0].value["final loss (this seed)"].tolist()
    assert second != first and any("seed 2, the one drawn below" in c.value for c in at.caption)
    at.number_input(key="tr.seeds").set_value(1).run()
    ok(at)
    assert at.number_input(key="tr.run_seed").value == 1 and link(at)["run_seed"] == ["1"]

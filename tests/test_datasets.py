"""Point clouds for the network: seeded, bounded, split; uploaded CSVs with one sentence per bad file."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from optim.datasets import BOX, MAX_CLASSES


@pytest.mark.parametrize("name", optim.DATASETS)
def test_generators_are_seeded(name):
    a = optim.make_dataset(name, n=300, noise=0.2, seed=4)
    b = optim.make_dataset(name, n=300, noise=0.2, seed=4)
    c = optim.make_dataset(name, n=300, noise=0.2, seed=5)
    for field in ("X", "y", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X, c.X)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(optim.DATASETS), n=st.integers(10, 2000), noise=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1), classes=st.integers(2, MAX_CLASSES), fraction=st.floats(0.05, 0.5))
def test_generators_are_bounded_balanced_and_split(name, n, noise, seed, classes, fraction):
    k = classes if name in ("spiral", "gaussians") else 2
    d = optim.make_dataset(name, n=n, noise=noise, seed=seed, classes=k, test_fraction=fraction)
    X = np.concatenate([d.X, d.X_test])
    y = np.concatenate([d.y, d.y_test])
    assert X.shape == (n, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert np.abs(X).max() <= BOX
    assert len(d.X_test) == max(1, round(n * fraction)) and len(d.X) == n - len(d.X_test)
    assert d.classes == k and d.labels == tuple(range(k))
    counts = np.bincount(y, minlength=k)
    assert counts.max() - counts.min() <= 1  # as even as the total allows


def test_noise_free_shapes_are_what_their_names_say():
    circles = optim.make_dataset("circles", n=200, noise=0.0)
    radius = np.hypot(*circles.X.T)
    np.testing.assert_allclose(radius[circles.y == 0], 1.0)
    np.testing.assert_allclose(radius[circles.y == 1], 0.5)
    xor = optim.make_dataset("xor", n=200, noise=0.0)
    assert ((xor.X[:, 0] * xor.X[:, 1] > 0) == (xor.y == 1)).all()
    spiral = optim.make_dataset("spiral", n=300, noise=0.0, classes=3)
    assert np.hypot(*spiral.X.T).max() <= 1.0


def test_noise_spreads_the_points():
    quiet = optim.make_dataset("moons", n=500, noise=0.0, seed=1)
    loud = optim.make_dataset("moons", n=500, noise=0.5, seed=1)
    assert np.std(loud.X) > np.std(quiet.X)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(name="swirl"), "unknown dataset 'swirl'; allowed: moons, circles, spiral, xor, gaussians."),
        (dict(name="moons", n=5), "n must be a whole number from 10 to 10,000, got 5."),
        (dict(name="moons", n=2.5), "n must be a whole number"),
        (dict(name="moons", noise=2.0), "noise must be a number from 0 to 1, got 2.0."),
        (dict(name="moons", noise=float("nan")), "noise must be a number from 0 to 1"),
        (dict(name="moons", seed=-1), "seed must be a whole number from 0"),
        (dict(name="circles", classes=3), "circles has 2 classes, got classes=3"),
        (dict(name="spiral", classes=11), "classes must be a whole number from 2 to 10, got 11."),
        (dict(name="spiral", test_fraction=0.9), "test_fraction must be a number from 0.05 to 0.5, got 0.9."),
    ],
)
def test_bad_dataset_settings_get_one_sentence(kwargs, message):
    with pytest.raises(ValueError) as err:
        optim.make_dataset(**kwargs)
    assert message in str(err.value) and str(err.value).endswith(".")


def test_csv_points_load_with_labels_numbered_in_order_and_a_seeded_split():
    text = "x1,x2,label\n" + "".join(f"{i},{-i},{(i % 3) * 5 - 5}\n" for i in range(40))
    d = optim.load_points(text, seed=3)
    assert d.classes == 3 and d.labels == (-5, 0, 5)
    assert len(d.X) == 32 and len(d.X_test) == 8
    X = np.concatenate([d.X, d.X_test])
    y = np.concatenate([d.y, d.y_test])
    np.testing.assert_array_equal(y, X[:, 0].astype(int) % 3)
    np.testing.assert_array_equal(optim.load_points(text, seed=3).X_test, d.X_test)
    assert not np.array_equal(optim.load_points(text, seed=4).X_test, d.X_test)
    regression = optim.load_points("1,2,0.25\n3,4,-1.5\n5,6,7\n", task="regression", test_fraction=0.34)
    assert regression.classes is None and sorted(np.concatenate([regression.y, regression.y_test])) == [-1.5, 0.25, 7]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty; it must hold three numeric columns, x1, x2 and label."),
        ("x1,x2,label\n1,2,0\n", "the file needs at least two data rows."),
        ("1,2,0\n3,4\n", "row 2 has 2 columns; the file must have exactly three, x1, x2 and label."),
        ("1,2,0\n3,4,1,5\n", "row 2 has 4 columns"),
        ("x1,x2,label\n1,2,0\n3,4,b\n", "row 3, column 3: 'b' is not a number; the file must hold three numeric "
                                        "columns, x1, x2 and label."),
        ("1,2,0\n3,,1\n", "row 2, column 2 is empty; every row needs x1, x2 and label."),
        ("1,2,0\n3,inf,1\n", "row 2, column 2: 'inf' is not a finite number"),
        ("1,2,0\n3,2e7,1\n", "row 2, column 2: 2e7 is outside +-1e6."),
        ("x1,x2,label\n1,2,0\n\n3,4,0.5\n", "row 4: the label 0.5 is not a whole number"),
        ("1,2,1\n3,4,1\n", "every label is 1; classification needs at least two classes."),
        ("".join(f"{i},{i},{i}\n" for i in range(11)), "the labels name 11 classes; the limit is 10."),
        (b"\xff\xfe\x00bad", "the file is not UTF-8 text; save it as a plain CSV file."),
        (b"1,2,0\n" * 200_000, "the file is 1,200,000 bytes; the limit is 1,000,000."),
        ("".join(f"{i},{i},{i % 2}\n" for i in range(10_001)), "the file has 10,001 rows; the limit is 10,000."),
    ],
)
def test_bad_csv_files_get_one_sentence_each(content, message):
    with pytest.raises(ValueError) as err:
        optim.load_points(content)
    text = str(err.value)
    assert message in text and text.endswith(".") and text.count(". ") == 0


def test_csv_settings_are_checked():
    with pytest.raises(ValueError, match="unknown task 'ranking'; allowed: classification, regression."):
        optim.load_points("1,2,0\n3,4,1\n", task="ranking")
    with pytest.raises(ValueError, match="test_fraction must be a number from 0.05 to 0.5"):
        optim.load_points("1,2,0\n3,4,1\n", test_fraction=0)

"""The edge between runs that stay bounded and runs that diverge: finding it, zooming into it, colouring by speed."""

import numpy as np
import pytest

import optim

RES = 128  # the issue measured at 256; 128 x 128 x 200 shows the same property at a quarter of the cost
STEPS = 200


def lr_map(objective, window, res=RES, steps=STEPS):
    xs, ys = window.axes(res)
    return optim.sweep("gd", objective, lr=xs, second=ys, second_name="lr_y", steps=steps)


def test_edge_cells_have_a_neighbour_of_the_other_kind():
    d = np.zeros((5, 6), dtype=bool)
    d[2, 3] = True  # one diverged cell: it and its four neighbours are on the edge
    expected = np.zeros_like(d)
    expected[2, 2:5] = expected[1:4, 3] = True
    np.testing.assert_array_equal(optim.edge_cells(d), expected)
    assert optim.edge_share(d) == 5 / 30
    assert optim.edge_share(np.ones((4, 4), dtype=bool)) == 0.0
    with pytest.raises(ValueError, match=r"^a map must be 2-D \(rows x columns\), got shape \(3,\)\.$"):
        optim.edge_cells([True, False, True])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_tiny_network_s_edge_keeps_its_structure_three_zooms_deep(seed):
    """Gradient descent with one learning rate per weight: a map over three decades of each, then toward the edge.

    Over three decades the edge looks like a line (about 2 / RES of the cells, as a smooth edge would be). Zoomed
    100 times toward the edge, where its structure starts to show, and then three times by 10 more: at each of
    those three depths more than a tenth of the cells lie on the edge, as in Sohl-Dickstein (2024). A smooth
    edge's share stays near 2 / RES = 0.016 however deep the zoom (the next test).
    """
    obj = optim.get_objective("tiny_network", seed=seed)
    overview = lr_map(obj, optim.Window((1e-2, 10.0), (1e-2, 10.0)))
    assert optim.edge_share(overview.diverged_at >= 0) < 0.05
    window = optim.zoom_toward_edge(overview, factor=100)
    m = lr_map(obj, window)
    shares = []
    for _ in range(3):
        window = optim.zoom_toward_edge(m, factor=10)
        m = lr_map(obj, window)
        shares.append(optim.edge_share(m.diverged_at >= 0))
    assert min(shares) > 0.1, shares
    # Three decades / 100 / 1000: the last window is 3e-5 decades wide, far above float64's limit.
    assert np.log10(window.x[1] / window.x[0]) == pytest.approx(3e-5, rel=1e-6)
    assert window.relative_width > 1e3 * optim.FLOAT64_LIMIT


def test_a_smooth_edge_stays_a_thin_line_however_deep_the_zoom():
    """The control: GD on a separable bowl diverges where lr > 1 / a or lr_y > 1 / b, two straight lines."""
    bowl = optim.get_objective("quadratic", a=1.0, b=4.0)
    window = optim.Window((1e-2, 10.0), (1e-2, 10.0))
    for _ in range(4):
        m = lr_map(bowl, window, steps=100)
        assert 0 < optim.edge_share(m.diverged_at >= 0) < 4 / RES
        window = optim.zoom_toward_edge(m, factor=10)


def test_a_window_zooms_in_log_decades_and_stays_inside_its_parent():
    w = optim.Window((1e-2, 10.0), (0.1, 1.0))
    z = w.zoom(1.0, 0.1, 10.0)  # at the bottom edge: shifted up to stay inside
    assert np.log10(z.x[1] / z.x[0]) == pytest.approx(0.3) and np.sqrt(z.x[0] * z.x[1]) == pytest.approx(1.0)
    assert z.y[0] == 0.1 and np.log10(z.y[1] / z.y[0]) == pytest.approx(0.1)
    xs, ys = z.axes(5, 3)
    assert xs[0] == z.x[0] and xs[-1] == z.x[1] and len(ys) == 3
    np.testing.assert_allclose(np.diff(np.log(xs)), np.log(xs[1] / xs[0]), rtol=1e-12)
    linear = optim.Window((-1.0, 1.0), (0.0, 0.9), x_log=False, y_log=False)
    assert linear.zoom(0.0, 0.9, 4.0) == optim.Window((-0.25, 0.25), (0.675, 0.9), x_log=False, y_log=False)
    s = optim.sweep("sgd", "rosenbrock", lr=np.geomspace(1e-3, 1e-2, 4), second=[0.0, 0.3, 0.6, 0.9], steps=5)
    assert optim.Window.of(s) == optim.Window((1e-3, 1e-2), (0.0, 0.9), x_log=True, y_log=False)


def test_a_narrow_window_s_axes_still_step_evenly():
    w = optim.Window((1.0, 1.0 + 2e-12), (0.5, 0.5 * (1 + 2e-12)))
    xs, ys = w.axes(64)
    steps = np.diff(xs)
    assert (steps > 0).all() and steps.max() / steps.min() < 1.5  # each step is a few float64 spacings
    assert w.relative_width == pytest.approx(2e-12, rel=1e-3)


def test_float64_limits_are_stated_instead_of_drawing_round_off():
    assert optim.FLOAT64_LIMIT == 1e-12
    with pytest.raises(ValueError, match=r"^the window's x axis spans 5e-13 of its largest value; below 1e-12 "
                                         r"neighbouring cells are only a few float64 steps \(2\.2e-16 each\) apart, "
                                         r"so the map would show round-off rather than the edge\.$"):
        optim.Window((2.0, 2.0 + 1e-12), (1.0, 2.0))
    w = optim.Window((1.0, 1.0 + 5e-11), (1.0, 2.0))
    assert w.zoom(1.0, 1.5, 10.0).relative_width == pytest.approx(5e-12, rel=1e-3)
    with pytest.raises(ValueError, match=r"^the window's x axis spans 5e-13 of its largest value; below 1e-12"):
        w.zoom(1.0, 1.5, 100.0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: optim.Window((1.0, 0.5), (1.0, 2.0)), "the window's x axis must run from a smaller to a larger finite "
                                                    "number, got 1.0 to 0.5."),
    (lambda: optim.Window((0.5, 1.0), (0.0, 2.0)), "the window's y axis is log-spaced, so it must be positive; got "
                                                    "0.0 to 2.0."),
    (lambda: optim.Window((0.5, 1.0), (1.0, 2.0)).zoom(0.7, 1.5, 1.0), "a zoom factor must be a number above 1, "
                                                                        "got 1.0."),
    (lambda: optim.Window((0.5, 1.0), (1.0, 2.0)).axes(1), "an axis needs a whole number of at least 2 values, "
                                                            "got 1."),
    (lambda: optim.zoom_toward_edge(optim.sweep("gd", "booth", lr=[1e-3, 2e-3], second=[1e-3, 2e-3],
                                                second_name="lr_y", steps=5)),
     "this map has no edge to zoom toward: every run stayed bounded; widen the window."),
    (lambda: optim.Window.of(optim.sweep("gd", "booth", lr=[1e-3, 2e-3], steps=5)),
     "a window needs a map with at least two values along each axis."),
])
def test_bad_windows_and_zooms_get_one_sentence(call, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")
                       + "$"):
        call()


def test_speed_ranks_spread_each_side_of_the_edge_evenly():
    obj = optim.OBJECTIVES["tiny_network"]
    m = lr_map(obj, optim.Window((0.1, 10.0), (0.1, 10.0)), res=40, steps=100)
    ranks = optim.speed_ranks(m)
    diverged = m.diverged_at >= 0
    assert diverged.any() and (~diverged).any()
    assert ((ranks[~diverged] >= 0.25) & (ranks[~diverged] <= 1)).all()
    assert ((ranks[diverged] >= -1) & (ranks[diverged] <= -0.25)).all()
    # Ranks, not raw speeds: evenly spread whatever the sums' spread (the mean of an even spread is the middle).
    assert ranks[~diverged].mean() == pytest.approx(0.625, abs=0.01)
    assert ranks[diverged].mean() == pytest.approx(-0.625, abs=0.01)
    # Faster is nearer zero: the smallest summed loss converged fastest; the earliest divergence blew up fastest.
    bounded = np.flatnonzero(~diverged.ravel())
    assert ranks.ravel()[bounded[np.argmin(m.loss_sum.ravel()[bounded])]] == 0.25
    early = m.diverged_at == m.diverged_at[diverged].min()
    assert (ranks[early] > ranks[diverged & ~early].max()).all()


def test_speed_ranks_share_ties_and_keep_the_buffer():
    s = optim.sweep("gd", optim.get_objective("quadratic", a=1.0, b=1.0), lr=[0.25, 0.75, 0.5], second=[0.5],
                    second_name="lr_y", steps=30)
    # lr 0.25 and 0.75 multiply x by 1 - 2 lr = +-0.5: the same losses, so the same rank; lr 0.5 lands at once.
    assert s.loss_sum[0, 0] == s.loss_sum[0, 1] > s.loss_sum[0, 2]
    assert optim.speed_ranks(s, buffer=0.0).tolist() == [[0.75, 0.75, 0.0]]
    with pytest.raises(ValueError, match=r"^buffer must be a number from 0 to below 1, got 1\.$"):
        optim.speed_ranks(s, buffer=1)

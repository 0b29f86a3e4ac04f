"""optim.train: shapes, batched networks equal single trainings, batches, records, divergence, bad input."""

import warnings

import numpy as np
import pytest

import optim

DATA = optim.make_dataset("moons", n=120, noise=0.15, seed=0)
NET = optim.MLP((2, 6, 1), "tanh")
SOFTMAX = optim.MLP((2, 5, 3), "relu")
SPIRAL3 = optim.make_dataset("spiral", n=90, noise=0.05, seed=1, classes=3)
ALL = [(name, flavor) for name, spec in optim.OPTIMIZERS.items() for flavor in spec.flavors]
HESSIAN = [(n, f) for n, f in ALL if "hessian" in optim.make_optimizer(n, f).rule.needs]


def adam(**hp):
    return optim.make_optimizer("adam", "torch", **{"lr": 0.05, **hp})


def test_shapes_for_one_network():
    run = optim.train(adam(), NET, DATA.X, DATA.y, batch_size=25, epochs=3, test=(DATA.X_test, DATA.y_test))
    S, P = 15, NET.n_params  # 96 points in batches of 25: 4 steps per epoch
    assert run.steps == S - 3 and run.steps_recorded.tolist() == list(range(13))
    S = run.steps
    assert run.params.shape == (S + 1, P) and run.losses.shape == (S + 1,)
    assert run.batch_losses.shape == (S,) and run.accuracy.shape == run.test_accuracy.shape == (S + 1,)
    assert run.weight_norms.shape == (S + 1, 2) and run.step_norms.shape == (S, 2)
    assert run.diverged_at == -1 and not run.diverged
    np.testing.assert_array_equal(run.params[0], NET.init(0))
    np.testing.assert_array_equal(run.final_params, run.params[-1])


def test_records_are_what_they_say():
    run = optim.train(adam(), NET, DATA.X, DATA.y, batch_size=10, epochs=2, shuffle_seed=5,
                      test=(DATA.X_test, DATA.y_test))
    batches = optim.shuffled_batches(len(DATA.X), 10, run.steps, seed=5)
    for k in (0, 3, run.steps - 1):
        theta, idx = run.params[k], batches[k]
        assert run.batch_losses[k] == pytest.approx(NET.loss(theta, DATA.X[idx], DATA.y[idx]), rel=1e-13)
    for k in (0, run.steps):
        theta = run.params[k]
        assert run.losses[k] == pytest.approx(NET.loss(theta, DATA.X, DATA.y), rel=1e-13)
        assert run.accuracy[k] == NET.accuracy(theta, DATA.X, DATA.y)
        assert run.test_accuracy[k] == NET.accuracy(theta, DATA.X_test, DATA.y_test)
        assert run.test_losses[k] == pytest.approx(NET.loss(theta, DATA.X_test, DATA.y_test), rel=1e-13)
    W1 = run.params[:, :12].reshape(-1, 2, 6)
    W2 = run.params[:, 18:24]
    np.testing.assert_allclose(run.weight_norms[:, 0], np.linalg.norm(W1, axis=(1, 2)), rtol=1e-13)
    np.testing.assert_allclose(run.weight_norms[:, 1], np.linalg.norm(W2, axis=1), rtol=1e-13)
    np.testing.assert_allclose(run.step_norms[:, 0], np.linalg.norm(np.diff(W1, axis=0), axis=(1, 2)), rtol=1e-12)
    assert run.losses[-1] < run.losses[0]


def test_batched_networks_equal_single_trainings():
    starts = SOFTMAX.init([1, 2, 3])
    lrs, seeds = np.array([0.01, 0.05, 0.2]), np.array([7, 8, 9])
    opt = optim.make_optimizer("rmsprop", "torch", lr=lrs, momentum=0.5)
    batched = optim.train(opt, SOFTMAX, SPIRAL3.X, SPIRAL3.y, params=starts, batch_size=16, epochs=4,
                          shuffle_seed=seeds, test=(SPIRAL3.X_test, SPIRAL3.y_test))
    assert batched.params.shape == (batched.steps + 1, 3, SOFTMAX.n_params)
    for b in range(3):
        single = optim.train(optim.make_optimizer("rmsprop", "torch", lr=lrs[b], momentum=0.5), SOFTMAX,
                             SPIRAL3.X, SPIRAL3.y, params=starts[b], batch_size=16, epochs=4,
                             shuffle_seed=int(seeds[b]), test=(SPIRAL3.X_test, SPIRAL3.y_test))
        np.testing.assert_allclose(batched.params[:, b], single.params, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(batched.batch_losses[:, b], single.batch_losses, rtol=1e-12)
        np.testing.assert_allclose(batched.losses[:, b], single.losses, rtol=1e-12)
        np.testing.assert_array_equal(batched.test_accuracy[:, b], single.test_accuracy)


def test_a_list_of_optimizers_trains_every_start_with_each():
    opts = [adam(), optim.make_optimizer("sgd", "torch", lr=0.1, momentum=0.9), optim.make_optimizer("gd", lr=0.3)]
    starts = NET.init([0, 1])
    together = optim.train(opts, NET, DATA.X, DATA.y, params=starts, batch_size=32, epochs=3, shuffle_seed=[4, 5])
    assert together.params.shape == (together.steps + 1, 6, NET.n_params)
    for c, opt in enumerate(opts):
        alone = optim.train(opt, NET, DATA.X, DATA.y, params=starts, batch_size=32, epochs=3, shuffle_seed=[4, 5])
        np.testing.assert_allclose(together.params[:, 2 * c:2 * c + 2], alone.params, rtol=1e-12, atol=1e-15)


def test_explicit_batches_equal_the_shuffle_they_spell_out():
    batches = optim.shuffled_batches(len(DATA.X), 20, 12, seed=[3, 4])
    explicit = optim.train(adam(), NET, DATA.X, DATA.y, params=NET.init([0, 1]), batches=batches)
    shuffled = optim.train(adam(), NET, DATA.X, DATA.y, params=NET.init([0, 1]), batch_size=20, steps=12,
                           shuffle_seed=[3, 4])
    np.testing.assert_array_equal(explicit.params, shuffled.params)
    rows = np.arange(20)[None].repeat(5, axis=0)  # the same 20 rows every step, as a (steps, rows) array
    fixed = optim.train(adam(), NET, DATA.X, DATA.y, batches=rows)
    full = optim.train(adam(), NET, DATA.X[:20], DATA.y[:20], epochs=5)
    np.testing.assert_allclose(fixed.params, full.params, rtol=1e-13, atol=1e-16)


def test_full_batch_and_steps_or_epochs():
    run = optim.train(optim.make_optimizer("gd", lr=0.5), NET, DATA.X, DATA.y, epochs=7)
    assert run.steps == 7
    np.testing.assert_allclose(run.batch_losses, run.losses[:-1], rtol=1e-13)
    part = optim.train(adam(), NET, DATA.X, DATA.y, batch_size=50, steps=5)  # 2 steps per epoch, then a part
    assert part.steps == 5


def test_progress_is_reported_along_the_way_and_at_the_end():
    seen = []
    optim.train(adam(), NET, DATA.X, DATA.y, batch_size=4, epochs=10, progress=lambda k, n: seen.append((k, n)))
    assert seen == [(k, 240) for k in range(0, 241, 2)]  # every steps // 100 steps
    seen.clear()
    optim.train(adam(), NET, DATA.X, DATA.y, steps=7, progress=lambda k, n: seen.append(k))
    assert seen == list(range(8))


def test_record_final_and_every():
    kw = dict(params=NET.init([0, 1]), batch_size=16, epochs=3, test=(DATA.X_test, DATA.y_test))
    path = optim.train(adam(), NET, DATA.X, DATA.y, **kw)
    thin = optim.train(adam(), NET, DATA.X, DATA.y, every=5, **kw)
    final = optim.train(adam(), NET, DATA.X, DATA.y, record="final", **kw)
    assert thin.steps_recorded.tolist() == [0, 5, 10, 15, 18]
    np.testing.assert_array_equal(thin.params, path.params[thin.steps_recorded])
    np.testing.assert_array_equal(thin.losses, path.losses[thin.steps_recorded])
    assert final.steps_recorded.tolist() == [18] and final.params.shape == (1, 2, NET.n_params)
    np.testing.assert_array_equal(final.params[0], path.params[-1])
    np.testing.assert_array_equal(final.test_accuracy[0], path.test_accuracy[-1])
    np.testing.assert_array_equal(final.batch_losses, path.batch_losses)
    assert thin.params_at(10, network=1).tolist() == path.params[10, 1].tolist()
    with pytest.raises(ValueError, match="step 3 was not recorded; recorded: 0, 5, 10, 15, 18."):
        thin.params_at(3)


@pytest.mark.parametrize(("name", "flavor"), [c for c in ALL if c not in HESSIAN])
def test_every_optimizer_and_flavor_trains_a_network(name, flavor):
    opt = optim.make_optimizer(name, flavor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = optim.train(opt, SOFTMAX, SPIRAL3.X, SPIRAL3.y, params=SOFTMAX.init([0, 1]), batch_size=24,
                          epochs=10, test=(SPIRAL3.X_test, SPIRAL3.y_test))
    assert (run.diverged_at == -1).all() and np.isfinite(run.params).all()
    assert (run.losses[-1] < run.losses[0]).all()


@pytest.mark.parametrize(("name", "flavor"), HESSIAN)
def test_optimizers_that_need_the_hessian_refuse_with_a_sentence(name, flavor):
    with pytest.raises(ValueError, match="needs the full Hessian, which optim.train does not compute for a network"):
        optim.train(optim.make_optimizer(name, flavor), NET, DATA.X, DATA.y, epochs=1)


def test_lbfgs_line_search_evaluates_the_steps_batch():
    opt = optim.make_optimizer("lbfgs", "torch", line_search=True, max_eval=10)
    run = optim.train(opt, SOFTMAX, SPIRAL3.X, SPIRAL3.y, params=SOFTMAX.init([0, 1]), batch_size=24, epochs=5)
    assert (run.losses[-1] < run.losses[0]).all()
    with pytest.raises(ValueError, match="one batch order for all networks: give one shuffle_seed"):
        optim.train(opt, SOFTMAX, SPIRAL3.X, SPIRAL3.y, params=SOFTMAX.init([0, 1]), batch_size=24, epochs=5,
                    shuffle_seed=[0, 1])
    no_search = optim.make_optimizer("lbfgs", "torch", lr=0.2)
    per_start = optim.train(no_search, SOFTMAX, SPIRAL3.X, SPIRAL3.y, params=SOFTMAX.init([0, 1]), batch_size=24,
                            epochs=5, shuffle_seed=[0, 1])
    assert np.isfinite(per_start.params).all()


def test_torch_muon_steps_the_weights_as_torch_holds_them_and_the_biases_by_adamw():
    net = optim.MLP((2, 5, 3), "tanh")
    muon = optim.make_optimizer("muon", "torch", lr=0.02)
    run = optim.train(muon, net, SPIRAL3.X, SPIRAL3.y, params=net.init(2), epochs=1)
    theta = net.init(2)
    _, g = net.value_and_grad(theta[:, None].copy(), SPIRAL3.X, net.targets(SPIRAL3.y))
    o = net.offsets
    biases = np.r_[o[1]:o[2], o[3]:o[4]]
    adamw = optim.make_optimizer("adamw", "torch", lr=3e-4, weight_decay=0.01).rule
    expected_b, _ = adamw.step(theta[biases, None], g[biases], adamw.init(theta[biases, None]))
    np.testing.assert_array_equal(run.params[1, biases], expected_b[:, 0])
    W1 = theta[:10].reshape(2, 5)
    weights = np.concatenate([W1.T.ravel(), theta[o[2]:o[3]].reshape(5, 3).T.ravel()])  # (out, in), as nn.Linear
    gw = np.concatenate([g[:10, 0].reshape(2, 5).T.ravel(), g[o[2]:o[3], 0].reshape(5, 3).T.ravel()])
    rule = muon.rule
    layout = ((5, 2), (3, 5))
    stepped, _ = rule.step(weights[:, None], gw[:, None], rule.init(weights[:, None], layout=layout), layout=layout)
    np.testing.assert_array_equal(run.params[1, :10], stepped[:10, 0].reshape(5, 2).T.ravel())
    np.testing.assert_array_equal(run.params[1, o[2]:o[3]], stepped[10:, 0].reshape(3, 5).T.ravel())


def test_schedules_set_each_steps_rate_and_batched_runs_equal_single_ones():
    step = optim.make_schedule("step", step_size=4, gamma=0.5)
    opt = optim.make_optimizer("sgd", "torch", lr=np.array([0.2, 0.1]), momentum=0.9, schedule=step)
    run = optim.train(opt, NET, DATA.X, DATA.y, params=NET.init([0, 1]), batch_size=32, epochs=4, shuffle_seed=[3, 4])
    expected = np.array([0.2, 0.1]) * 0.5 ** (np.arange(run.steps) // 4)[:, None]
    np.testing.assert_allclose(run.lr, expected, rtol=1e-15)
    for b, lr in enumerate((0.2, 0.1)):
        single = optim.train(optim.make_optimizer("sgd", "torch", lr=lr, momentum=0.9, schedule=step), NET, DATA.X,
                             DATA.y, params=NET.init(b), batch_size=32, epochs=4, shuffle_seed=3 + b)
        np.testing.assert_allclose(run.params[:, b], single.params, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(run.lr[:, b], single.lr)
    constant = optim.train(adam(), NET, DATA.X, DATA.y, epochs=3)
    np.testing.assert_array_equal(constant.lr, np.full(3, 0.05))


def test_a_plateau_schedule_reads_each_steps_batch_loss():
    plateau = optim.make_schedule("reduce_on_plateau", factor=0.5, patience=2)
    opt = optim.make_optimizer("sgd", "torch", lr=0.5, schedule=plateau)
    run = optim.train(opt, NET, DATA.X, DATA.y, batch_size=8, epochs=3)
    stepper = optim.Stepper(opt, run.steps)
    for k in range(run.steps):
        stepper.rule(k, run.batch_losses[k])
    np.testing.assert_array_equal(run.lr, stepper.used["lr"])
    assert run.lr[-1] < run.lr[0]


def test_regression_network_trains_on_mean_squared_error():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (80, 2))
    y = np.sin(2 * X[:, 0]) * X[:, 1]
    net = optim.MLP((2, 12, 1), "tanh", task="regression")
    run = optim.train(adam(lr=0.02), net, X, y, batch_size=16, epochs=40)
    assert run.accuracy is None and run.losses[-1] < 0.3 * run.losses[0]
    assert run.losses[-1] == pytest.approx(np.mean((net.predict(run.final_params, X)[:, 0] - y) ** 2), rel=1e-12)


def test_divergence_is_masked_from_its_step_without_warnings():
    net = optim.MLP((2, 8, 1), "relu", task="regression")
    y = 100 * DATA.X[:, 0]
    opt = optim.make_optimizer("gd", lr=np.array([1e-3, 5.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = optim.train(opt, net, DATA.X, y, params=net.init(0), epochs=40)
    calm, wild = run.diverged_at
    assert calm == -1 and 0 < wild < 40
    assert np.isfinite(run.params[:wild, 1]).all() and np.isnan(run.params[wild:, 1]).all()
    assert np.isnan(run.losses[wild:, 1]).all() and np.isfinite(run.losses[:wild, 1]).all()
    assert np.isnan(run.batch_losses[wild:, 1]).all() and np.isnan(run.step_norms[wild - 1:, 1]).all()
    assert np.isfinite(run.params[:, 0]).all()
    before = run.params[wild - 1, 1]  # the last good point; one more gradient step leaves the bound
    with np.errstate(all="ignore"):
        after = before - 5.0 * net.value_and_grad(before[:, None].copy(), DATA.X, net.targets(y))[1][:, 0]
        assert not np.abs(after).max() <= optim.DIVERGENCE_BOUND or not np.isfinite(net.loss(after, DATA.X, y))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: optim.train("adam", NET, DATA.X, DATA.y, epochs=1), "optimizer must be one from optim.make_optimizer"),
        (lambda: optim.train(adam(), "mlp", DATA.X, DATA.y, epochs=1), "net must be an optim.MLP, got str."),
        (lambda: optim.train(optim.make_optimizer("gd", lr=0.1, lr_y=0.2), NET, DATA.X, DATA.y, epochs=1),
         "lr_y is the y coordinate's own rate on a 2-D function; a network has one rate"),
        (lambda: optim.train(adam(), NET, DATA.X[:, :1], DATA.y, epochs=1), "X must be an (n, 2) array of points"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y[:-1], epochs=1), "X has 96 points but 95 labels"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y + 1, epochs=1),
         "the labels for X must be whole numbers from 0 to 1 for a network with 1 output."),
        (lambda: optim.train(adam(), NET, DATA.X * np.nan, DATA.y, epochs=1), "X must be finite numbers."),
        (lambda: optim.train(adam(), NET, [["a", "b"]], [0], epochs=1), "X must be an (n, 2) array of numbers."),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=1, test=(DATA.X_test, DATA.y_test[:3])),
         "the test points has 24 points but 3 labels"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y), "give the length of training as epochs or as steps"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=1, steps=3), "epochs or as steps (one of them)"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, batches=[[0, 1]], epochs=2),
         "give either explicit batches or batch_size"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, batches=[[0, 96]]),
         "batch 0 has row index 96; the data have rows 0 to 95."),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, batches=[[0.5]]), "batch 0 must be a non-empty array"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, batch_size=0, epochs=1), "batch_size must be a whole number"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=0), "epochs must be a whole number from 1"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, batch_size=8, epochs=1, shuffle_seed=[1, 2]),
         "shuffle_seed has 2 seeds for 1 starts"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=1, params=np.zeros(5)),
         "params must have shape (25,) or (B, 25), got (5,)."),
        (lambda: optim.train(adam(lr=[0.1, 0.2]), NET, DATA.X, DATA.y, epochs=1, params=NET.init([0, 1, 2])),
         "params has 3 starts but the hyperparameters have 2 values"),
        (lambda: optim.train([adam(lr=[0.1, 0.2]), adam(lr=[0.1, 0.2, 0.3])], NET, DATA.X, DATA.y, epochs=1),
         "different lengths [2, 3]"),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=1, record="all"),
         "record must be one of path, final, got 'all'."),
        (lambda: optim.train(adam(), NET, DATA.X, DATA.y, epochs=1, every=0), "every must be a whole number"),
        (lambda: optim.train(optim.make_optimizer("sgd", "torch", lr=0.1, schedule=optim.make_schedule(
            "one_cycle", max_lr=0.1, total_steps=10)), NET, DATA.X, DATA.y, steps=20),
         "the run has 20 steps but total_steps is 10"),
        (lambda: optim.train(adam(lr=np.full(20, 0.1)), optim.MLP((2, 512, 512, 1)), DATA.X, DATA.y, steps=100),
         "recording 20 networks' 264,705 parameters at 101 steps would take 4,079 MiB; the limit is 512 MiB"),
        (lambda: optim.train(adam(lr=np.full(400, 0.1)), optim.MLP((2, 512, 1)), DATA.X, DATA.y, epochs=1),
         "400 networks x 96 rows per batch x width 512 is more than 16,777,216 activations per step"),
    ],
)
def test_bad_training_input_gets_one_sentence(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value) and str(err.value).endswith(".")

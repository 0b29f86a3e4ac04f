"""Network training speed, measured side by side in one run (prints figures; asserts nothing).

1. 6 optimizer configurations x 5 seeds (initialisations and shuffles) x 2,000 steps of a
   2-16-16-1 tanh network on 400 points, batch 32, in one batched ``optim.train`` call.
   Target: at most 2 s. Timed as a sweep keeps it (``record="final"``) and as a page
   draws it (``every=20``: parameters, training and test loss and accuracy at 101 steps),
   and, for the record, with the whole training and test set evaluated at every step.
2. The same 30 trainings with torch.optim, one after another, in float64, from the same
   initial parameters on the same batches, on one thread (with two, torch's per-operation
   synchronisation made a step 40x slower on a busy machine), when torch is importable
   (it runs without torch and says so). Target: the batched core at least 5x faster. The final
   parameters of both are compared.
3. A 41 x 41 loss-landscape slice through one run's final parameters, along random
   filter-normalised and along principal directions. Target: at most 0.3 s.

Run: ``PYTHONPATH=. python benchmarks/bench_train.py`` (with torch:
``PYTHONPATH=. /work/golden-venv/bin/python benchmarks/bench_train.py``).
"""

from __future__ import annotations

import time

import numpy as np

import optim

SEEDS, STEPS, BATCH = 5, 2000, 32
CONFIGS = [
    ("gd", dict(lr=0.1)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("rmsprop", dict(lr=0.003)),
    ("adam", dict(lr=0.01)),
    ("adagrad", dict(lr=0.05)),
    ("adamw", dict(lr=0.01, weight_decay=0.01)),
]
TORCH_CLASS = {"gd": "SGD", "sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam", "adagrad": "Adagrad",
               "adamw": "AdamW"}


def best_of(repeats, fn):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def torch_trainings(net, data, starts, batches):
    """The 30 trainings one after another with torch.optim; final parameters (30, P) in the core's layout."""
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # tiny tensors: a second thread only adds synchronisation (70 ms a step when busy)
    X, y = torch.from_numpy(data.X), torch.from_numpy(data.y.astype(np.float64))
    finals = []
    for name, hp in CONFIGS:
        kw = {"lr": hp["lr"], **({"momentum": hp["momentum"]} if "momentum" in hp else {}),
              **({"weight_decay": hp["weight_decay"]} if "weight_decay" in hp else {})}
        for s in range(SEEDS):
            parts = []
            for a, b, shape in zip(net.offsets[:-1], net.offsets[1:], net.layout, strict=True):
                parts.append(torch.tensor(starts[s, a:b].reshape(shape), requires_grad=True))
            opt = getattr(torch.optim, TORCH_CLASS[name])(parts, **kw)
            for k in range(STEPS):
                idx = torch.from_numpy(batches[k][s])
                a = X[idx]
                for i in range(net.n_layers):
                    a = a @ parts[2 * i] + parts[2 * i + 1]
                    if i < net.n_layers - 1:
                        a = torch.tanh(a)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            finals.append(np.concatenate([p.detach().numpy().ravel() for p in parts]))
    return np.array(finals)


def main():
    data = optim.make_dataset("spiral", n=500, noise=0.1, seed=0)  # 400 training points, 100 held out
    net = optim.MLP((2, 16, 16, 1), "tanh")
    opts = [optim.make_optimizer(name, "torch", **hp) for name, hp in CONFIGS]
    starts = net.init(list(range(SEEDS)))
    kw = dict(params=starts, batch_size=BATCH, steps=STEPS, shuffle_seed=np.arange(SEEDS),
              test=(data.X_test, data.y_test))

    def train(**extra):
        return optim.train(opts, net, data.X, data.y, **kw, **extra)

    final_t, final = best_of(3, lambda: train(record="final"))
    page_t, page = best_of(3, lambda: train(every=20))
    every_t, _ = best_of(1, lambda: train(every=1))
    n = len(CONFIGS) * SEEDS
    print(f"{len(CONFIGS)} configurations x {SEEDS} seeds x {STEPS:,} steps, 2-16-16-1 tanh, "
          f"{len(data.X)} points, batch {BATCH}: {n} networks in one optim.train call")
    print(f"  record='final'             {final_t:7.3f} s   (target: at most 2 s)")
    print(f"  every=20 (101 records)     {page_t:7.3f} s   params {page.params.nbytes / 1e6:.1f} MB")
    print(f"  every=1  (2,001 records)   {every_t:7.3f} s   (the whole training and test set at every step)")
    medians = np.nanmedian(final.final_loss.reshape(len(CONFIGS), SEEDS), axis=1)
    print("  median final loss: " + ", ".join(f"{name} {m:.3f}" for (name, _), m in zip(CONFIGS, medians,
                                                                                      strict=True)))

    batches = optim.shuffled_batches(len(data.X), BATCH, STEPS, seed=np.arange(SEEDS))
    try:
        import torch
    except ImportError:
        print("torch.optim: skipped (torch is not importable here; run with /work/golden-venv/bin/python)")
    else:
        torch_t, torch_final = best_of(1, lambda: torch_trainings(net, data, starts, batches))
        err = np.abs(torch_final - final.final_params).max() / np.abs(torch_final).max()
        print(f"torch {torch.__version__} (1 thread, as the core), the same {n} trainings one after another in "
              "float64")
        print(f"  torch.optim loop           {torch_t:7.3f} s")
        print(f"  batched core is {torch_t / final_t:.1f}x faster (target: at least 5x); final parameters agree "
              f"to {err:.1e} (relative)")

    for directions in ("random", "pca"):
        t, sl = best_of(3, lambda d=directions: optim.landscape(page, network=3 * SEEDS, directions=d,
                                                              resolution=41))
        print(f"41 x 41 landscape slice, {directions:6s} directions: {t:6.3f} s   (target: at most 0.3 s); "
              f"the plane holds {sl.captured[3 * SEEDS]:.0%} of that run's movement")


if __name__ == "__main__":
    main()

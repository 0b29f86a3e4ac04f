"""Core speed, measured side by side in one run (prints figures; asserts nothing).

1. 10,000 RMSprop trajectories x 500 steps on Rosenbrock, ``record="final"``, in one
   batched call, against the same work done the seed articles' way: a Python loop
   per trajectory (timed on a sample and scaled to 10,000). Target: >= 30x faster,
   about 0.25 s or less on a 2-core machine.
2. 4 trajectories x 2,000 steps with the full path recorded. Target: a few tens of ms.
3. 10,000 Adam (torch) trajectories x 500 steps on Rosenbrock, ``record="final"``, with a
   one-cycle schedule (cycling beta1) next to a constant rate. Target: the schedule adds at
   most 25%. Also shown: the same with 10,000 different max_lr values (a sweep of the schedule).

Run: ``make bench`` or ``PYTHONPATH=. python benchmarks/bench_core.py``.
"""

from __future__ import annotations

import time

import numpy as np

import optim

N_RUNS, STEPS, LOOP_SAMPLE = 10_000, 500, 200
LR, DECAY, EPS = 0.01, 0.9, 1e-8


def seed_style_rmsprop(x, y, steps):
    """One trajectory as seed 001 writes it: floats in a Python loop."""
    e1 = e2 = 0.0
    for _ in range(steps):
        g1 = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x)
        g2 = 200.0 * (y - x * x)
        e1 = DECAY * e1 + (1 - DECAY) * g1**2.0
        e2 = DECAY * e2 + (1 - DECAY) * g2**2.0
        x = x - LR * g1 / np.sqrt(e1 + EPS)
        y = y - LR * g2 / np.sqrt(e2 + EPS)
    return x, y


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    rng = np.random.default_rng(0)
    starts = rng.uniform([-2.0, -1.0], [2.0, 3.0], size=(N_RUNS, 2))
    opt = optim.make_optimizer("rmsprop", lr=LR, decay=DECAY, eps=EPS)
    rosen = optim.OBJECTIVES["rosenbrock"]

    batched, summary = best_of(5, lambda: optim.run(opt, rosen, starts, STEPS, record="final"))
    loop_sample, _ = best_of(1, lambda: [seed_style_rmsprop(x, y, STEPS) for x, y in starts[:LOOP_SAMPLE]])
    loop = loop_sample * N_RUNS / LOOP_SAMPLE
    check = np.array(seed_style_rmsprop(*starts[0], STEPS))
    agree = np.allclose(summary.final_x[0], check, rtol=1e-9, atol=1e-12)

    print(f"{N_RUNS:,} RMSprop runs x {STEPS} steps on Rosenbrock (record='final')")
    print(f"  batched core      {batched:8.3f} s   (target: about 0.25 s or less)")
    print(f"  Python loop       {loop:8.3f} s   (timed on {LOOP_SAMPLE} runs, scaled)")
    print(f"  speed-up          {loop / batched:8.1f} x (target: >= 30 x); same final point as the loop: {agree}")

    small = starts[:4]
    path_time, traj = best_of(5, lambda: optim.run(opt, rosen, small, 2000))
    print(f"4 runs x 2,000 steps, full path: {path_time * 1000:.1f} ms (target: a few tens of ms); "
          f"xs {traj.xs.shape}, state {sorted(traj.state)}")

    adam = {"lr": 0.01}
    cycle = optim.make_schedule("one_cycle", max_lr=0.05, total_steps=STEPS)
    sweep = optim.make_schedule("one_cycle", max_lr=np.geomspace(0.005, 0.5, N_RUNS), total_steps=STEPS)
    runs = {
        "constant rate": optim.make_optimizer("adam", "torch", **adam),
        "one-cycle": optim.make_optimizer("adam", "torch", schedule=cycle, **adam),
        "one-cycle, 10,000 max_lr": optim.make_optimizer("adam", "torch", schedule=sweep, **adam),
    }
    times = {name: best_of(5, lambda o=o: optim.run(o, rosen, starts, STEPS, record="final"))[0]
             for name, o in runs.items()}
    base = times["constant rate"]
    print(f"{N_RUNS:,} Adam (torch) runs x {STEPS} steps on Rosenbrock (record='final')")
    for name, t in times.items():
        extra = "" if name == "constant rate" else f"   {t / base:5.2f} x the constant rate"
        target = " (target: <= 1.25 x)" if name == "one-cycle" else ""
        print(f"  {name:26s}{t:8.3f} s{extra}{target}")


if __name__ == "__main__":
    main()

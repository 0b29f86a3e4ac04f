"""From library runs to a fixture file: run every case, refuse bad paths, write the JSON.

A path makes a fixture only if it is finite, moves (max |x - x0| >= 1e-2), stays in the plot region
(|x| <= 50) and is not chaotic: ``sensitivity`` is max_t |x'_t - x_t| / |x'_0 - x_0| for x0 nudged by
PERTURBATION, how much last-bit rounding differences can grow along that path; cases above MAX_GAIN
(chaotic zig-zags in a valley) are refused. A straightforward float64 NumPy re-implementation of the
update rules stayed within 1e-13 * max(1, sensitivity) of every trajectory, so an absolute tolerance of
1e-12 * max(1, sensitivity) is a tight but safe parity test. If any case is bad, nothing is written.

``record`` does this for any 2-D fixture (the optimizer fixtures here, ``golden_schedules``'s too);
``record_trajectories`` writes the optimizer fixtures ``tests/golden/<fixture>.json``.

>>> trajectory_problem(np.array([[0.0, 0.0], [0.0, 1e-3]]))
'hardly moves (max |x - x0| = 0.001)'
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from golden_cases import CANONICAL, OBJECTIVES, Case, cases
from golden_libraries import setup
from golden_runners import RUNNERS, STEPS

PERTURBATION = np.array([1e-12, -1e-12])
MAX_GAIN = 1e3
OUT_DIR = Path("tests/golden")


def trajectory_problem(xs: np.ndarray) -> str | None:
    """What makes ``xs`` unfit for a fixture (non-finite, hardly moving, leaving the region), or None."""
    if not np.all(np.isfinite(xs)):
        return "non-finite values in trajectory"
    moved = float(np.max(np.abs(xs - xs[0])))
    if moved < 1e-2:
        return f"hardly moves (max |x - x0| = {moved:.2g})"
    if np.max(np.abs(xs)) > 50:
        return f"leaves the plot region (max |x| = {np.max(np.abs(xs)):.3g})"
    return None


def record(path: Path, library: str, cases: Iterable, case_id: Callable, run: Callable, describe: Callable,
           document: Callable) -> None:
    """Run, check and write one fixture file.

    Args:
        path: where the JSON goes.
        library: the fixture's name, for messages.
        cases: the cases, in the file's order; each has an ``objective`` (a key of ``OBJECTIVES``).
        case_id: ``case_id(case)``, unique within the file.
        run: ``run(case, x0)``, a tuple whose first item is the path (STEPS + 1 points).
        describe: ``describe(case, cid, result, xs, gain) -> (record, line)``: the case's JSON object and
            the line printed for it; ``result`` is what ``run`` returned, ``xs`` its path as an array.
        document: ``document(records) -> dict``, the whole file.
    """
    out, seen, problems = [], set(), []
    for case in cases:
        cid = case_id(case)
        assert cid not in seen, f"duplicate case id {cid}"
        seen.add(cid)
        _, x0 = OBJECTIVES[case.objective]
        result = run(case, x0)
        xs = np.array(result[0], dtype=np.float64)
        assert xs.shape == (STEPS + 1, 2), xs.shape
        problem = trajectory_problem(xs)
        # Conditioning: how much does a tiny change of x0 grow along the path?  A path
        # that amplifies it enormously (chaotic zig-zag in a valley) would also amplify
        # last-bit rounding differences, and could not serve as a tight parity test.
        xs_p = np.array(run(case, np.add(x0, PERTURBATION))[0], dtype=np.float64)
        gain = float(np.max(np.abs(xs_p - xs)) / np.max(np.abs(PERTURBATION)))
        if problem is None and not gain <= MAX_GAIN:
            problem = f"ill-conditioned path, perturbation gain {gain:.3g}"
        if problem:
            problems.append(f"{cid}: {problem}")
        rec, line = describe(case, cid, result, xs, gain)
        out.append(rec)
        print(line)
    if problems:
        raise SystemExit(f"{library}: not written, {len(problems)} bad case(s):\n  " + "\n  ".join(problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, document(out))
    print(f"wrote {path}: {len(out)} cases, {path.stat().st_size / 1e6:.2f} MB")


def write_json(path: Path, doc: dict) -> None:
    """json.dump(doc, indent=1), with x0, lrs and momenta on one line each and one point of xs per line."""
    inline = {}

    def stash(text: str) -> str:
        inline[f'"@@{len(inline)}@@"'] = text
        return f"@@{len(inline) - 1}@@"

    cases = []
    for case in doc["cases"]:
        case = {k: stash(json.dumps(v)) if k in ("x0", "lrs", "momenta") else v for k, v in case.items()}
        case["xs"] = stash("[\n    " + ",\n    ".join(json.dumps(r) for r in case["xs"]) + "\n   ]")
        cases.append(case)
    text = json.dumps({**doc, "cases": cases}, indent=1)
    for key, value in inline.items():
        text = text.replace(key, value)
    assert json.loads(text) == doc  # still valid JSON, same content
    path.write_text(text + "\n")


def record_trajectories(fixture: str, any_version: bool = False) -> None:
    """Write ``tests/golden/<fixture>.json`` (``torch`` ... ``optax-optimizers``) from the real library.

    Each case records the canonical optimizer name, the flavor, ONLY the canonical hyperparameters passed
    explicitly, the native call for humans, and the trajectory ``xs`` written with ``repr`` precision
    (JSON floats round-trip float64 exactly). Optional fields: ``noncanonical`` lists hyperparameter names
    outside the project's canonical list; ``note`` explains a quirk; ``code_path`` names the library code
    that ran (torch: single-tensor / foreach / fused kernel; keras: the torch-backend class).
    """
    flavor = fixture.split("-")[0]
    version = setup(flavor, any_version)

    def describe(case: Case, cid: str, result, xs: np.ndarray, gain: float) -> tuple[dict, str]:
        params, x0 = OBJECTIVES[case.objective]
        extra = dict(result[1])
        rec = {"id": cid, "optimizer": case.optimizer, "flavor": flavor, "hyperparameters": dict(case.hp),
               "native": extra.pop("native")}
        nonc = sorted(set(case.hp) - CANONICAL)
        if nonc:
            rec["noncanonical"] = nonc
        if case.note:
            rec["note"] = case.note
        rec.update(extra)
        rec["sensitivity"] = float(f"{gain:.2g}")
        rec.update({"objective": case.objective, "objective_params": dict(params),
                    "x0": [float(v) for v in x0], "xs": xs.tolist()})
        return rec, f"{cid:66s} -> ({xs[-1, 0]: .6f}, {xs[-1, 1]: .6f})  gain {gain:.2g}"

    def document(records: list[dict]) -> dict:
        doc = {"library": fixture, "version": version, "generated_by": "tools/make_golden.py",
               "steps": STEPS, "dtype": "float64", "cases": records}
        if flavor == "keras":
            doc["backend"] = "torch"
        if flavor == "optax":
            doc["jax_version"] = sys.modules["jax"].__version__
        return doc

    record(OUT_DIR / f"{fixture}.json", fixture, cases(fixture),
           lambda case: f"{fixture}/{case.optimizer}/{case.label}/{case.objective}", RUNNERS[fixture], describe,
           document)

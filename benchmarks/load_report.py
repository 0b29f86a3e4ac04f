"""The load test's summary: latency percentiles per page and kind, errors, memory, as JSON and as a table.

``load_test.py`` hands it what the sessions recorded, the memory samples and the server log's errors;
``summarize`` makes the dict written to tests/artifacts/load_test.json and ``report`` the printed table.
"""

from __future__ import annotations

import os
import re
import statistics
from pathlib import Path

from load_sessions import Record

LOG_ERROR = re.compile(r"Traceback|\bERROR\b")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))] if values else float("nan")


def latency(values: list[float]) -> dict:
    return {"n": len(values), "p50_s": round(statistics.median(values), 3) if values else None,
            "p95_s": round(percentile(values, 95), 3) if values else None,
            "max_s": round(max(values), 3) if values else None}


def summarize(args, run: dict, log_errors: list[str]) -> dict:
    rec: Record = run["rec"]
    errors = [f"[{t:.0f} s, session {s}] {m}" for t, s, m in rec.errors] + [f"[server log] {e}" for e in log_errors]
    by_kind: dict[str, list[float]] = {}
    for page, kind, seconds, _ in rec.interactions:
        by_kind.setdefault(f"{page} {kind}", []).append(seconds)
    return {
        "sessions": args.sessions, "duration_s": args.duration, "seed": args.seed,
        "last_interaction_end_s": round(run["ran"], 1),
        "load_average_end": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "interactions": len(rec.interactions),
        "latency": latency([r[2] for r in rec.interactions]),
        "by_kind": {k: latency(v) for k, v in sorted(by_kind.items())},
        "errors": len(errors), "error_messages": errors[:50], "ignored": dict(rec.ignored),
        "distinct_settings": len(rec.settings), "memory": run["memory"],
    }


def memory_row(label: str, s: dict) -> str:
    mb = s["cache_mb"]
    return (f"  {label:<24} {s['rss_mb']:6.1f} MB  at {s['t']:4.0f} s  sessions {s['active_sessions']:2d} "
            f"(started {s['connects']:3d})  "
            f"settings {s['settings']:4d}  cache_data {mb.get('cache_data', 0):5.2f} MB "
            f"({s['computed']:4d} computed, {s['evicted']:4d} evicted)  "
            f"media {mb.get('memory_media_file_storage', 0):5.2f} MB")


def report(s: dict) -> str:
    lat, mem = s["latency"], s["memory"]
    lines = [f"Load test: {s['sessions']} sessions for {s['duration_s']:.0f} s (the last interaction ended at "
             f"{s['last_interaction_end_s']:.0f} s), seed {s['seed']}, one server on loopback; load average at the "
             f"end {s['load_average_end']} on {s['cpus']} CPUs",
             f"Interactions: {s['interactions']}   latency p50 {lat['p50_s']} s   p95 {lat['p95_s']} s   "
             f"max {lat['max_s']} s",
             f"  {'page / kind':<26} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"]
    lines += [f"  {k:<26} {v['n']:>4} {v['p50_s']:>7.2f} {v['p95_s']:>7.2f} {v['max_s']:>7.2f}"
              for k, v in s["by_kind"].items()]
    lines.append(f"Errors: {s['errors']}")
    lines += [f"  {m}" for m in s["error_messages"][:8]]
    if s["ignored"]:
        lines.append("Not counted: " + ", ".join(f"{n} x {k}" for k, n in s["ignored"].items()))
    lines.append(f"Distinct settings tried (page addresses): {s['distinct_settings']}")
    lines.append("Server memory: RSS; active sessions (and sessions started: every page load is one); distinct "
                 "settings so far;\n  what st.cache_data holds (results computed and evicted so far) and media "
                 "files (download CSVs), by Streamlit's count")
    for key, label in (("start", "start (no session)"), ("open", "sessions open"), ("third", "after 1/3"),
                       ("two_thirds", "after 2/3"), ("end", "end (sessions open)"), ("closed", "sessions closed, +5 s"),
                       ("released", f"+ session TTL {s['session_ttl_s']} s")):
        lines.append(memory_row(label, mem[key]))
    marks = [mem[k]["rss_mb"] for k in ("open", "third", "two_thirds", "end")]
    growth = ", ".join(f"{b - a:+.1f}" for a, b in zip(marks[:-1], marks[1:], strict=True))
    lines.append(f"  max {mem['max_rss_mb']:.1f} MB; growth per third {growth} MB while the distinct settings went "
                 f"{mem['open']['settings']} -> {mem['third']['settings']} -> {mem['two_thirds']['settings']} -> "
                 f"{mem['end']['settings']}")
    return "\n".join(lines)


def server_log_errors(log: Path) -> list[str]:
    return [line.strip()[:300] for line in log.read_text(errors="replace").splitlines() if LOG_ERROR.search(line)]


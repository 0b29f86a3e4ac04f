"""The load test's view of the server's memory: its resident set and Streamlit's own metrics, sampled.

``load_test.py`` takes these samples before, during and after the sessions run; ``load_report.py`` shows
them. Reading /proc and ``/_stcore/metrics`` is its own idea, apart from what the sessions do.
"""

from __future__ import annotations

import asyncio
import re
import urllib.request
from pathlib import Path

from load_sessions import Record


def rss_mb(pid: int) -> float:
    """Resident set size of process ``pid`` in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def metrics(url: str) -> dict:
    """Streamlit's /_stcore/metrics: active sessions, sessions started, st.cache_data misses (results
    computed) and evictions, and the MB held per kind of cache."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=30) as r:
        text = r.read().decode()
    out = {"active_sessions": 0, "connects": 0, "computed": 0, "evicted": 0, "cache_mb": {}}
    for line in text.splitlines():
        data = 'cache_type="st_cache_data"' in line
        if line.startswith("active_sessions "):
            out["active_sessions"] = int(float(line.split()[1]))
        elif line.startswith('session_events_total{type="connect"}'):
            out["connects"] = int(float(line.split()[1]))
        elif line.startswith("cache_lookups_total") and data and 'result="miss"' in line:
            out["computed"] += int(float(line.split()[-1]))
        elif line.startswith("cache_evictions_total") and data:
            out["evicted"] += int(float(line.split()[-1]))
        elif m := re.match(r'cache_memory_bytes\{cache_type="([^"]+)",cache="([^"]*)"\} (\S+)', line):
            kind = m[1].removeprefix("st_")
            out["cache_mb"][kind] = round(out["cache_mb"].get(kind, 0) + float(m[3]) / 1e6, 3)
    return out


def snapshot(pid: int, url: str, rec: Record) -> dict:
    return {"t": round(rec.now(), 1), "rss_mb": round(rss_mb(pid), 1), "settings": len(rec.settings),
            **metrics(url)}


async def sample_forever(pid: int, url: str, rec: Record, samples: list, every: float) -> None:
    while True:
        samples.append(await asyncio.to_thread(snapshot, pid, url, rec))
        await asyncio.sleep(every)


def nearest(samples: list[dict], t: float) -> dict:
    return min(samples, key=lambda s: abs(s["t"] - t))

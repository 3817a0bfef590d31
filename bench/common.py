"""Shared helpers for the benchmarks: timing, percentiles, results file, the table printout, and a
free port (the tests use it too)."""

from __future__ import annotations

import json
import socket
import statistics
import time
from pathlib import Path

from evals.metrics import percentile  # noqa: F401  (one definition, nearest rank, for eval and bench)

RESULTS = Path(__file__).with_name("results.json")


def free_port() -> int:
    """A loopback port nobody listens on (for test servers and refused-connection tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, value


def median(values: list[float]) -> float:
    return statistics.median(values)


def save(section: str, data: dict) -> None:
    """Merge one benchmark's figures into bench/results.json."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[section] = data
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    """Print figure, value, goal and a pass/fail mark."""
    width = max(len(r[0]) for r in rows)
    for name, value, goal, ok in rows:
        mark = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{name:<{width}}  {value:>14}  {goal:<18} {mark}")

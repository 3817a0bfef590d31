"""Extractive answer latency on the shipped library next to one query embedding, by stage."""

from __future__ import annotations

import glob
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings, offline_env  # noqa: E402
from bench.common import median, percentile, save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def questions(n: int = 50) -> list[str]:
    out = []
    for path in sorted(glob.glob(str(ROOT / "evals/cases/*.yaml"))):
        for case in (yaml.safe_load(Path(path).read_text()) or {}).get("cases") or []:
            if len(case["turns"]) == 1 and case["mode"] == "patient":
                out.append(case["turns"][0])
    return out[:n]


def count_calls(embedder) -> list[int]:
    """Record the embedder's `encode` calls from now on (one entry per call: its batch size)."""
    real, calls = embedder.encode, []

    def encode(texts):
        calls.append(len(texts))
        return real(texts)

    embedder.encode = encode
    return calls


def main() -> None:
    offline_env()
    assistant = Assistant(Settings().resolve(ROOT))
    assistant.ask("warm up: what is aHSCT?")  # loads model, index and guard once
    qs = questions()
    embed_ms = []
    for q in qs:
        start = time.perf_counter()
        assistant.embedder.encode([q])
        embed_ms.append((time.perf_counter() - start) * 1000)
    totals, stages = [], {"retrieve": [], "compose": [], "verify": []}
    calls = count_calls(assistant.embedder)
    for q in qs:
        start = time.perf_counter()
        answer = assistant.ask(q)
        totals.append((time.perf_counter() - start) * 1000)
        for k in stages:
            stages[k].append(answer.timings_ms.get(k, 0))  # a declined message retrieves nothing
    per_answer = len(calls) / len(qs)
    one = median(embed_ms)
    p50, p95 = percentile(totals, 50), percentile(totals, 95)
    figures = {
        "questions": len(qs),
        "query_embedding_ms_median": round(one, 1),
        "answer_ms_p50": round(p50, 1),
        "answer_ms_p95": round(p95, 1),
        "p95_over_one_embedding": round(p95 / one, 2),
        "goal_p95_over_one_embedding_max": 4.0,
        "embedding_calls_per_answer": round(per_answer, 2),
        "stage_ms_p50": {k: percentile(v, 50) for k, v in stages.items()},
        "stage_ms_p95": {k: percentile(v, 95) for k, v in stages.items()},
    }
    save("answer", figures)
    table(
        [
            ("questions", str(len(qs)), "", None),
            ("one query embedding, median (ms)", f"{one:.1f}", "", None),
            ("extractive answer p50 (ms)", f"{p50:.1f}", "", None),
            ("extractive answer p95 (ms)", f"{p95:.1f}", "", None),
            ("p95 / one embedding", f"{p95 / one:.1f}x", "<= 4x", p95 / one <= 4),
            ("embedding calls per answer", f"{per_answer:.2f}", "1", per_answer <= 1),
            *[
                (f"  {k} p50 / p95 (ms)", f"{percentile(v, 50)} / {percentile(v, 95)}", "", None)
                for k, v in stages.items()
            ],
        ]
    )


if __name__ == "__main__":
    main()

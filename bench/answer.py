"""Extractive answer latency on the shipped library next to one query embedding, by stage.

The assistant is started as the server starts it (`ui.serving.warm_up`): the readability tools,
`Assistant.warm_up` (what the first answers would read from the index: the backing of the
reviewed and correction sentences, the passages' rows and sentences, the sentences' reading
grades), then one question. The same 50 questions are also answered in a second process started
without `Assistant.warm_up` (`--cold`), reported next to the goal, not judged: the answers are the
same, the first answers read the index as they go.

The goal's denominator is the median time to embed one bench question on its own. A long message
(a 50-word story with two asks) costs more than a short question to embed even once, so two more
figures are reported, not judged: each answer over the embedding of its own message (p95 of the
per-question ratios), and the answer p95 over one short question's embedding."""

from __future__ import annotations

import glob
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import text  # noqa: E402
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


SHORT = "What are the risks of aHSCT?"


def _embed_ms(assistant: Assistant, question: str) -> float:
    return _timed(assistant.embedder.encode, [question])[0]


def _timed(fn, *args) -> tuple[float, float, object]:
    """(wall ms, CPU ms of this process, result): CPU time moves far less with other work on
    the cores than wall time does, so its ratio is reported next to the goal's."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, value


def count_calls(embedder) -> list[int]:
    """Record the embedder's `encode` calls from now on (one entry per call: its batch size)."""
    real, calls = embedder.encode, []

    def encode(texts):
        calls.append(len(texts))
        return real(texts)

    embedder.encode = encode
    return calls


def main(cold: bool = False) -> None:
    offline_env()
    assistant = Assistant(Settings().resolve(ROOT))
    text.warm_up()  # as the server warms up (ui/serving.warm_up): readability and sentence tools
    if not cold:
        assistant.warm_up()  # ... and what the first answers would read from the index
    assistant.ask("warm up: what is aHSCT?")  # loads model, index and guard once
    qs = questions()
    embed_cpu = [_timed(assistant.embedder.encode, [q])[1] for q in qs]
    embed_ms = [_embed_ms(assistant, q) for q in qs]
    short_ms = [_embed_ms(assistant, SHORT) for _ in qs]
    totals, cpu, stages = [], [], {"retrieve": [], "compose": [], "verify": []}
    calls = count_calls(assistant.embedder)
    for q in qs:
        wall_ms, cpu_ms, answer = _timed(assistant.ask, q)
        totals.append(wall_ms)
        cpu.append(cpu_ms)
        for k in stages:
            stages[k].append(answer.timings_ms.get(k, 0))  # a declined message retrieves nothing
    per_answer = len(calls) / len(qs)
    one, short = median(embed_ms), median(short_ms)
    p50, p95 = percentile(totals, 50), percentile(totals, 95)
    own = percentile([t / e for t, e in zip(totals, embed_ms, strict=True)], 95)
    cpu_ratio = percentile(cpu, 95) / median(embed_cpu)
    figures = {
        "questions": len(qs),
        "query_embedding_ms_median": round(one, 1),
        "answer_ms_p50": round(p50, 1),
        "answer_ms_p95": round(p95, 1),
        "p95_over_one_embedding": round(p95 / one, 2),
        "short_query_embedding_ms_median": round(short, 1),
        "p95_over_short_query_embedding": round(p95 / short, 2),
        "p95_of_answer_over_own_message_embedding": round(own, 2),
        "answer_cpu_ms_p95": round(percentile(cpu, 95), 1),
        "cpu_p95_over_one_embedding_cpu": round(cpu_ratio, 2),
        "goal_p95_over_one_embedding_max": 4.0,
        "embedding_calls_per_answer": round(per_answer, 2),
        "stage_ms_p50": {k: percentile(v, 50) for k, v in stages.items()},
        "stage_ms_p95": {k: percentile(v, 95) for k, v in stages.items()},
    }
    if cold:
        print(json.dumps(figures))
        return
    figures["without_warm_up"] = without = _cold()
    save("answer", figures)
    table(
        [
            ("questions", str(len(qs)), "", None),
            ("one query embedding, median (ms)", f"{one:.1f}", "", None),
            ("extractive answer p50 (ms)", f"{p50:.1f}", "", None),
            ("extractive answer p95 (ms)", f"{p95:.1f}", "", None),
            ("p95 / one embedding", f"{p95 / one:.1f}x", "<= 4x", p95 / one <= 4),
            (f"p95 / one short question's embedding ({short:.1f} ms)", f"{p95 / short:.1f}x", "", None),
            ("p95 of answer / its own message's embedding", f"{own:.1f}x", "", None),
            ("CPU time: answer p95 / one embedding median", f"{cpu_ratio:.1f}x", "(less load-bound)", None),
            ("embedding calls per answer", f"{per_answer:.2f}", "1", per_answer <= 1),
            (
                "without Assistant.warm_up: p95 / one embedding",
                f"{without.get('p95_over_one_embedding', float('nan')):.1f}x",
                "(first answers)",
                None,
            ),
            *[
                (f"  {k} p50 / p95 (ms)", f"{percentile(v, 50)} / {percentile(v, 95)}", "", None)
                for k, v in stages.items()
            ],
        ]
    )


def _cold() -> dict:
    """The same run in a new process started without `Assistant.warm_up` (its last line)."""
    run = subprocess.run(
        [sys.executable, __file__, "--cold"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    lines = run.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if run.returncode == 0 and lines else {}
    except ValueError:
        return {}


if __name__ == "__main__":
    main(cold="--cold" in sys.argv[1:])

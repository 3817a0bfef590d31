"""Index build throughput next to raw SentenceTransformer.encode, and the no-change re-run.

Builds the shipped library from scratch into a temporary folder, then embeds the same passage
texts with the bare model in the same process, so the ratio is measured on one machine state.
The build is timed as `make index` runs it: `assistant sources check` first (the content check,
assistant/trust.py, which embeds every statement and fits the checking guard; timed on its own as
`content_check_s`), then `assistant index`, which finds the check's results by content hash.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.embeddings import load_embedder  # noqa: E402
from assistant.index import _sentence_mode, build_index  # noqa: E402
from assistant.ingest import passages_for  # noqa: E402
from assistant.settings import Settings, offline_env  # noqa: E402
from assistant.sources import load_library  # noqa: E402
from assistant.store import embedding_text  # noqa: E402
from assistant.text import split_sentences  # noqa: E402
from assistant.trust import check_sources  # noqa: E402
from bench.common import median, save, table, timed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def measure(base: Settings, embedder) -> tuple:
    """Build, raw encodes of the same texts, and the two re-runs, in a temporary index."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={"index_dir": Path(tmp) / "index"})
        docs, _ = load_library(settings.sources_dir)
        check_s, _ = timed(check_sources, settings, docs, embedder)
        build_s, report = timed(build_index, settings, False, False, embedder)
        texts = [embedding_text(p) for d in docs for p in passages_for(d)]
        # The raw encodes run on torch's own thread count, as the build's large batches do (an
        # answer's small batch leaves torch on one thread: assistant/embeddings.py).
        import torch

        torch.set_num_threads(embedder.threads)
        raw_s, _ = timed(
            embedder.model.encode,
            texts,
            batch_size=base.embed_batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        sentences = [s for d in docs for p in passages_for(d) for s in split_sentences(p.text)]
        raw_all_s, _ = timed(
            embedder.model.encode,
            texts + sentences,
            batch_size=base.embed_batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        rerun_s, _ = timed(build_index, settings, False, False, embedder)
        env = {**os.environ, "ASSISTANT_INDEX_DIR": str(settings.index_dir)}
        cli_s = process_wall(["index", "--quiet"], env)
    return report, build_s, len(texts), raw_s, raw_all_s, rerun_s, cli_s, check_s


def process_wall(command: list[str], env: dict | None = None, runs: int = 3) -> float:
    """Median wall time of `assistant <command>` as a new process (start-up included)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", *command],
            env=env or dict(os.environ),
            check=False,  # the time counts; problems in the library are the checks' business
            capture_output=True,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - start)
    return median(times)


def main() -> None:
    offline_env()
    base = Settings().resolve(ROOT)
    embedder = load_embedder(base.embedding_model, base.embed_batch_size)
    embedder.encode(["warm up"])
    report, build_s, n_texts, raw_s, raw_all_s, rerun_s, cli_s, check_s = measure(base, embedder)
    pipeline_rate = report.embedded / build_s
    raw_rate = n_texts / raw_s
    ratio = pipeline_rate / raw_rate
    sources_s = process_wall(["sources", "check"])
    same_work = raw_all_s / build_s  # passages and sentences each encoded on their own
    # The best ratio a build can reach while it embeds every sentence on its own (the default):
    # the raw encode of the passages over the raw encode of the passages and the sentences.
    ceiling = raw_s / raw_all_s
    figures = {
        "passages": report.embedded,
        "sentences_embedded": report.sentences,
        "build_s": round(build_s, 2),
        "content_check_s": round(check_s, 2),
        "sentence_vectors": _sentence_mode(base),
        "pipeline_passages_per_s": round(pipeline_rate, 1),
        "raw_encode_passages_per_s": round(raw_rate, 1),
        "ratio_pipeline_to_raw": round(ratio, 3),
        "ratio_goal_min": 0.8,
        "raw_encode_passages_and_sentences_s": round(raw_all_s, 2),
        "ratio_same_texts_raw_to_pipeline": round(same_work, 3),
        "ratio_ceiling_sentences_alone": round(ceiling, 3),
        "rerun_nothing_changed_s": round(rerun_s, 3),
        "rerun_cli_wall_s": round(cli_s, 2),
        "rerun_goal_max_s": 2.0,
        "sources_check_wall_s": round(sources_s, 2),
    }
    save("index", figures)
    table(
        [
            ("passages embedded", str(report.embedded), "", None),
            ("pipeline passages/s", f"{pipeline_rate:.1f}", "", None),
            ("raw encode passages/s", f"{raw_rate:.1f}", "", None),
            ("pipeline / raw", f"{ratio:.2f}", ">= 0.8", ratio >= 0.8),
            ("content check before the build (s)", f"{check_s:.1f}", "", None),
            ("raw encode of the same texts / pipeline", f"{same_work:.2f}", "(overhead)", None),
            ("raw passages / raw passages + sentences", f"{ceiling:.2f}", "(ceiling, alone)", None),
            ("re-run, nothing changed (s)", f"{rerun_s:.3f}", "< 2 s", rerun_s < 2),
            ("re-run via CLI, wall, median of 3 (s)", f"{cli_s:.2f}", "< 2 s", cli_s < 2),
            ("sources check via CLI, wall, median of 3 (s)", f"{sources_s:.2f}", "< 2 s", sources_s < 2),
        ]
    )


if __name__ == "__main__":
    main()

"""BM25 alone at 1k and 100k synthetic passages (bench/synthetic.py text, no Chroma, no model):
the lexical half of retrieval, p50 and p95 per question, built into bench/out/bm25/<size>."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.store import LexicalIndex, embedding_text  # noqa: E402
from bench.answer import questions  # noqa: E402
from bench.common import percentile  # noqa: E402
from bench.synthetic import GENERATOR, Generator, make_pool  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "bm25"
SIZES = (1_000, 100_000)


def lexical(size: int) -> LexicalIndex:
    """The size's BM25 index, built once from synthetic passages (vectors are not needed)."""
    folder = OUT / f"{size}-g{GENERATOR}"
    if not (folder / "ids.json").exists():
        pool = make_pool(3000, 7)
        gen = Generator(pool, np.zeros((len(pool), 4), dtype=np.float32) + 1.0, 7)
        ids, texts = [], []
        while len(ids) < size:
            for passage, *_ in gen.document():
                ids.append(passage.id)
                texts.append(embedding_text(passage))
        folder.parent.mkdir(parents=True, exist_ok=True)
        LexicalIndex.build(ids[:size], texts[:size]).save(folder)
    return LexicalIndex.load(folder)


def measure(sizes=SIZES, k: int = 30, rounds: int = 3) -> dict:
    """BM25 search p50 / p95 (ms) per size over the answer bench's questions."""
    qs, out = questions(), {}
    for size in sizes:
        index = lexical(size)
        index.search(qs[0], k)  # warm: memory-mapped pages, tokenizer
        times = []
        for _ in range(rounds):
            for q in qs:
                t = time.perf_counter()
                index.search(q, k)
                times.append((time.perf_counter() - t) * 1000)
        out[size] = {f"bm25_ms_p{q}": round(percentile(times, q), 2) for q in (50, 95)}
    return out


if __name__ == "__main__":
    print(measure())

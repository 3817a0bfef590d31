"""Scale: retrieval and extractive answer p95 at 1k, 10k and 100k passages, and index size on disk.

The library for each size is the shipped library's passages (copied with their real vectors
from the built index) plus synthetic passages up to the size. Synthetic passages are generated
by bench/synthetic.py: topic-mixed, sentence-like text from a vocabulary of MS and stem-cell terms in varied
templates (aHSCT, mesenchymal cells, clinics, regulators, societies, drugs, risks, limits).

Vectors. Embedding 100k passages and their ~400k sentences with the real model would take hours
on 2 cores, so the benchmark embeds a pool of a few thousand synthetic sentences with the real
model and derives the rest: a passage sentence is a pool sentence with its numbers redrawn, and
its vector is that pool sentence's vector plus a little noise (cosine about 0.97), normalised;
a passage vector is a normalised random mixture of its sentence vectors. The same method is used
at every size, so the sizes differ only in how many passages there are.

Everything is written the way assistant/index.py lays it out (two Chroma collections with the
same names, metadata and HNSW settings, BM25 over the same text, a manifest), into
bench/out/scale/<size>/. A folder built with the same generator settings is reused; --rebuild
builds it again. The questions are bench/answer.py's, asked round-robin across the sizes in one
process so that a change in machine load hits every size alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.embeddings import load_embedder  # noqa: E402
from assistant.flow.context import sentence_rows  # noqa: E402
from assistant.flow.retrieve import HybridRetriever  # noqa: E402
from assistant.models import Passage  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings, offline_env  # noqa: E402
from assistant.store import (  # noqa: E402
    MANIFEST,
    LexicalIndex,
    Manifest,
    chroma_client,
    embedding_text,
    open_collections,
    read_manifest,
    write_manifest,
)
from bench.answer import questions  # noqa: E402
from bench.common import percentile, save, table  # noqa: E402
from bench.synthetic import GENERATOR, Generator, make_pool  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "scale"
SIZES = (1_000, 10_000, 100_000)
SEED = 7
POOL = 3000
WRITE_BATCH = 5000  # below Chroma's max batch (5461)
GOAL_RATIO = 3.0
GOAL_P50_RATIO = 2.0  # issue 18: answer p50 at 100k at most twice its 1k value


def pool_vectors(pool: list[tuple[int, dict, str]], embedder) -> tuple[np.ndarray, float]:
    """The pool's real embeddings, cached in bench/out/scale/pool-*.npy."""
    path = OUT / f"pool-g{GENERATOR}-s{SEED}-{len(pool)}.npy"
    if path.exists():
        return np.load(path), 0.0
    start = time.perf_counter()
    vectors = embedder.encode([text for _, _, text in pool])
    took = time.perf_counter() - start
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, took


# -- building one size ----------------------------------------------------------------------------
def shipped_rows(settings: Settings, model: str, dimension: int):
    """The shipped library's passages and sentences with their stored vectors."""
    client = chroma_client(settings)
    passages, sentences = open_collections(client, settings, model, dimension, create=False)
    p = passages.get(include=["documents", "metadatas", "embeddings"])
    s = sentences.get(include=["documents", "metadatas", "embeddings"])
    return p, s


def _spec(size: int) -> dict:
    return {"generator": GENERATOR, "seed": SEED, "pool": POOL, "size": size}


class Writer:
    """Batched writes to one size's two collections; keeps the BM25 texts and the counts."""

    def __init__(self, cols):
        self.passages_col, self.sentences_col = cols
        self.lexical_ids: list[str] = []
        self.lexical_texts: list[str] = []
        self.vectors_written = 0
        self.sentences = 0

    def put(self, col, ids, vectors, documents, metadatas) -> None:
        for a in range(0, len(ids), WRITE_BATCH):
            col.add(
                ids=ids[a : a + WRITE_BATCH],
                embeddings=np.asarray(vectors[a : a + WRITE_BATCH], dtype=np.float32),
                documents=documents[a : a + WRITE_BATCH],
                metadatas=metadatas[a : a + WRITE_BATCH],
            )
        self.vectors_written += len(ids)

    def shipped(self, p: dict, s: dict) -> None:
        self.put(self.passages_col, p["ids"], p["embeddings"], p["documents"], p["metadatas"])
        self.put(self.sentences_col, s["ids"], s["embeddings"], s["documents"], s["metadatas"])
        self.sentences += len(s["ids"])
        for pid, doc, meta in zip(p["ids"], p["documents"], p["metadatas"], strict=True):
            self.lexical_ids.append(pid)
            self.lexical_texts.append(embedding_text(Passage.from_metadata(pid, doc, meta)))

    def synthetic(self, rows: list) -> None:
        """(passage, sentences, sentence vectors, passage vector) rows from the generator."""
        if not rows:
            return
        passages = [row[0] for row in rows]
        self.put(
            self.passages_col,
            [x.id for x in passages],
            np.stack([row[3] for row in rows]),
            [x.text for x in passages],
            [x.metadata() for x in passages],
        )
        s_ids, s_vecs, s_docs, s_meta = [], [], [], []
        for passage, sentences, vecs, _ in rows:
            for pos, (text, vec) in enumerate(zip(sentences, vecs, strict=True)):
                s_ids.append(f"{passage.id}::s{pos}")
                s_vecs.append(vec)
                s_docs.append(text)
                s_meta.append({"passage_id": passage.id, "source_id": passage.source_id, "pos": pos})
        self.put(self.sentences_col, s_ids, np.stack(s_vecs), s_docs, s_meta)
        self.sentences += len(s_ids)
        self.lexical_ids += [x.id for x in passages]
        self.lexical_texts += [embedding_text(x) for x in passages]


def fill(writer: Writer, gen: Generator, count: int, size: int) -> tuple[int, int]:
    """Synthetic documents until the size is reached; returns (passages, synthetic documents)."""
    documents, pending = 0, []
    while count < size:
        documents += 1
        for row in gen.document():
            if count >= size:
                break
            pending.append(row)
            count += 1
        if len(pending) >= WRITE_BATCH:
            writer.synthetic(pending)
            pending = []
    writer.synthetic(pending)
    return count, documents


def build(size: int, shipped, generator_args, model: str, dimension: int) -> dict:
    """Write one size's index folder; returns the build figures (also kept in its manifest)."""
    folder = OUT / str(size)
    manifest = read_manifest(folder) if (folder / MANIFEST).exists() else None
    if manifest and (manifest.get("synthetic") or {}).get("spec") == _spec(size):
        return manifest["synthetic"] | {"reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = Settings(index_dir=folder).resolve(ROOT)
    started = time.perf_counter()
    writer = Writer(open_collections(chroma_client(settings), settings, model, dimension, create=True))
    writer.shipped(*shipped)
    real = len(shipped[0]["ids"])
    count, documents = fill(writer, Generator(*generator_args), real, size)
    chroma_s = time.perf_counter() - started
    t = time.perf_counter()
    LexicalIndex.build(writer.lexical_ids, writer.lexical_texts).save(folder / "bm25")
    bm25_s = time.perf_counter() - t
    figures = {
        "spec": _spec(size),
        "passages": count,
        "shipped_passages": real,
        "synthetic_passages": count - real,
        "synthetic_documents": documents,
        "sentences": writer.sentences,
        "vectors_written": writer.vectors_written,
        "chroma_write_s": round(chroma_s, 1),
        "bm25_build_s": round(bm25_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
    }
    manifest = Manifest(
        model=model,
        dimension=dimension,
        passages=count,
        documents=documents,
        library_version=f"synthetic-{size}-g{GENERATOR}-s{SEED}",
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        synthetic=figures,
        note="written by bench/scale.py; not a library: do not run `assistant index` here",
    )
    write_manifest(folder, manifest)
    return figures | {"reused": False}


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


# -- measuring ----------------------------------------------------------------------------------
def measure(sizes: list[int], qs: list[str], budget_s: float) -> tuple[dict, int]:
    """Retrieval and full-answer latencies per size, question by question, sizes interleaved."""
    assistants = {n: Assistant(Settings(index_dir=OUT / str(n)).resolve(ROOT)) for n in sizes}
    warm = {}
    for n, a in assistants.items():
        t = time.perf_counter()
        a.ask("warm up: what is aHSCT?")  # opens Chroma, maps BM25, fits or loads the guard
        warm[n] = round(time.perf_counter() - t, 1)
    embedder = assistants[sizes[0]].embedder
    times = {n: {"retrieval": [], "answer": [], "dense": [], "bm25": []} for n in sizes}
    started, asked = time.perf_counter(), 0
    for i, q in enumerate(qs):
        if time.perf_counter() - started > budget_s and asked >= 20:
            break
        vector = embedder.encode([q])[0]
        order = sizes[i % len(sizes) :] + sizes[: i % len(sizes)]  # rotate: no size always first
        for n in order:
            a = assistants[n]
            t = time.perf_counter()
            a.ask(q)
            times[n]["answer"].append((time.perf_counter() - t) * 1000)
        for n in order:
            a = assistants[n]
            t = time.perf_counter()
            scored = _cold(a).search(q, vector)  # as a first question would read it
            sentence_rows(a.collections[1], scored)
            times[n]["retrieval"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a.collections[0].query(query_embeddings=[vector], n_results=a.settings.candidates)
            times[n]["dense"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a.retriever.lexical.search(q, a.settings.candidates)
            times[n]["bm25"].append((time.perf_counter() - t) * 1000)
        asked += 1
    return {"times": times, "warm_up_s": warm}, asked


def _cold(a: Assistant) -> HybridRetriever:
    """The assistant's retriever without its row caches (the answer just read these rows)."""
    cols = a.collections
    return HybridRetriever(settings=a.settings, embedder=a.embedder, passages=cols[0], lexical=a.lexical)


def build_one(n: int, shipped, generator_args, model: str, dimension: int) -> dict:
    b = build(n, shipped, generator_args, model, dimension)
    how = "reused" if b["reused"] else f"built in {b['build_s']} s"
    print(
        f"{n:>7} passages ({b['shipped_passages']} shipped + {b['synthetic_passages']} synthetic), "
        f"{b['sentences']} sentences: {how}",
        flush=True,
    )
    return b


def show(sizes: list[int], per_size: dict, asked: int, ratio: dict, figures: dict) -> None:
    small, large = sizes[0], sizes[-1]
    load_before, load_after = figures["load_avg_1min_before_after"]
    rows: list[tuple[str, str, str, bool | None]] = [("questions per size", str(asked), "", None)]
    for n in sizes:
        s = per_size[str(n)]
        rows += [
            (f"{n}: passages / sentences", f"{s['passages']} / {s['sentences']}", "", None),
            (f"{n}: index on disk (MB)", f"{s['disk_mb']:.0f}", f"chroma {s['chroma_mb']:.0f}", None),
            (
                f"{n}: retrieval p50 / p95 (ms)",
                f"{s['retrieval_ms_p50']} / {s['retrieval_ms_p95']}",
                "",
                None,
            ),
            (f"{n}:   dense / BM25 p95 (ms)", f"{s['dense_ms_p95']} / {s['bm25_ms_p95']}", "", None),
            (f"{n}: answer p50 / p95 (ms)", f"{s['answer_ms_p50']} / {s['answer_ms_p95']}", "", None),
        ]
    rows += [
        (f"retrieval p95 {large} / {small}", f"{ratio['retrieval']:.2f}x", "<= 3x", ratio["retrieval"] <= 3),
        (
            f"answer p50 {large} / {small}",
            f"{ratio['answer_p50']:.2f}x",
            "<= 2x",
            ratio["answer_p50"] <= GOAL_P50_RATIO,
        ),
        (f"answer p95 {large} / {small}", f"{ratio['answer']:.2f}x", "<= 3x", ratio["answer"] <= 3),
        ("load average (1 min) before / after", f"{load_before:.2f} / {load_after:.2f}", "", None),
        ("wall time (s)", f"{figures['wall_s']:.0f}", "", None),
    ]
    table(rows)


def size_figures(n: int, built: dict, measured: dict) -> dict:
    t = measured["times"][n]
    return {
        **{k: v for k, v in built.items() if k not in ("spec",)},
        "disk_mb": round(disk_mb(OUT / str(n)), 1),
        "chroma_mb": round(disk_mb(OUT / str(n) / "chroma"), 1),
        "bm25_mb": round(disk_mb(OUT / str(n) / "bm25"), 1),
        "warm_up_s": measured["warm_up_s"][n],
        **{f"{k}_ms_p{q}": round(percentile(v, q), 1) for k, v in t.items() for q in (50, 95) if v},
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached folders")
    parser.add_argument("--query-budget-s", type=float, default=300.0, help="stop asking after this")
    return parser.parse_args()


def ratios(times: dict, small: int, large: int) -> dict[str, float]:
    """p95 of retrieval and answer, and the answer p50, at the largest size over the smallest."""
    ratio = {
        k: percentile(times[large][k], 95) / percentile(times[small][k], 95) for k in ("retrieval", "answer")
    }
    ratio["answer_p50"] = percentile(times[large]["answer"], 50) / percentile(times[small]["answer"], 50)
    return ratio


def main() -> None:
    offline_env()
    args = arguments()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    if args.rebuild:
        shutil.rmtree(OUT, ignore_errors=True)
    wall = time.perf_counter()
    load_before = os.getloadavg()
    base = Settings().resolve(ROOT)
    if read_manifest(base.index_dir) is None:
        raise SystemExit(f"no index in {base.index_dir}: run `assistant index` (make index) first")
    embedder = load_embedder(base.embedding_model, base.embed_batch_size)
    model, dimension = embedder.name, embedder.dimension
    shipped = shipped_rows(base, model, dimension)
    pool = make_pool(POOL, SEED)
    vectors, pool_s = pool_vectors(pool, embedder)
    print(
        f"vectors: {len(pool)} synthetic sentences embedded with the real model"
        f"{f' in {pool_s:.0f} s' if pool_s else ' (cached)'}; passage sentences reuse them with "
        "noise, passage vectors are normalised mixtures of their sentence vectors",
        flush=True,
    )
    builds = {n: build_one(n, shipped, (pool, vectors, SEED), model, dimension) for n in sizes}
    qs = questions(args.questions)
    measured, asked = measure(sizes, qs, args.query_budget_s)
    times = measured["times"]
    load_after = os.getloadavg()
    small, large = sizes[0], sizes[-1]
    per_size = {str(n): size_figures(n, builds[n], measured) for n in sizes}
    ratio = ratios(times, small, large)
    figures = {
        "sizes": per_size,
        "questions": asked,
        "vectors": (
            f"pool of {len(pool)} real embeddings of synthetic sentences; sentence vectors are pool "
            "vectors plus noise, passage vectors normalised mixtures of their sentence vectors"
        ),
        f"retrieval_p95_ratio_{large}_over_{small}": round(ratio["retrieval"], 2),
        f"answer_p95_ratio_{large}_over_{small}": round(ratio["answer"], 2),
        f"answer_p50_ratio_{large}_over_{small}": round(ratio["answer_p50"], 2),
        "answer_p50_ratio": round(ratio["answer_p50"], 2),  # largest over smallest size run
        "answer_p95_ratio": round(ratio["answer"], 2),
        "goal_ratio_max": GOAL_RATIO,
        "goal_p50_ratio_max": GOAL_P50_RATIO,
        "load_avg_1min_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "wall_s": round(time.perf_counter() - wall, 1),
    }
    save("scale", figures)
    show(sizes, per_size, asked, ratio, figures)


if __name__ == "__main__":
    main()

"""`assistant index`: embed the library into Chroma, build BM25, write the manifest. Incremental."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout
from tqdm import tqdm

from .ingest import PdfError, passages_for
from .models import Passage, SourceDoc
from .settings import Settings
from .sources import load_library
from .store import (
    MANIFEST,
    IndexMismatch,
    Manifest,
    StoreError,
    check_model,
    chroma_client,
    collection_names,
    drop_collections,
    embedding_text,
    lexical_from_collection,
    open_collections,
    read_manifest,
    write_manifest,
)
from .text import SPLITS, SPLITS_FILE, split_sentences

if TYPE_CHECKING:  # the model's libraries and NumPy load only when something is embedded
    from .embeddings import Embedder

# The manifest and the model check live in store.py; the last four names stay importable from
# here for one release.
__all__ = [
    "STAGING",
    "BuildReport",
    "build_index",
    "MANIFEST",
    "IndexMismatch",
    "check_model",
    "read_manifest",
]

BATCH = 256  # passages per embed-and-write step: bounded memory, steady progress bar
STAGING = "-building"  # a full build writes to <collection>-building, renamed only when complete


@dataclass
class BuildReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    passages: int = 0
    embedded: int = 0
    sentences: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # ids of documents that passed the check

    def summary(self) -> str:
        if self.problems:
            return (
                f"index: not updated: {len(self.problems)} problem(s) in the library (above); the "
                "previous index stays in service. Fix them, run `assistant sources check`, then index again"
            )
        return (
            f"index: {self.passages} passages from {self.added + self.updated + self.unchanged} "
            f"documents ({self.added} added, {self.updated} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged); embedded {self.embedded} passages and "
            f"{self.sentences} sentences in {self.seconds:.1f} s"
        )


def file_hash(doc: SourceDoc) -> str:
    digest = hashlib.sha256(Path(doc.path).read_bytes())
    sidecar = Path(doc.path).with_suffix(".yaml")
    if sidecar.exists() and Path(doc.path).suffix == ".pdf":
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def _sentence_rows(passages: list[Passage]) -> tuple[list[str], list[str], list[dict]]:
    ids, texts, metas = [], [], []
    for p in passages:
        for i, sentence in enumerate(split_sentences(p.text)):
            ids.append(f"{p.id}::s{i}")
            texts.append(sentence)
            metas.append({"passage_id": p.id, "source_id": p.source_id, "pos": i})
    return ids, texts, metas


def _spans(text: str, sentences: list[str], at: int = 0) -> list[tuple[int, int]]:
    """Where each sentence lies in the embedded text from `at` on, in order (split_sentences folds
    spaces and drops bullets, so each is found word by word); (0, 0) when one cannot be found."""
    spans = []
    for sentence in sentences:
        words = r"\s+(?:[-*]\s+)?".join(map(re.escape, sentence.split()))
        found = re.compile(words).search(text, at)
        spans.append((found.start(), found.end()) if found else (0, 0))
        at = found.end() if found else at
    return spans


def _vectors(batch: list[Passage], s_texts: list[str], embedder: Embedder, mode: str = "alone"):
    """Passage and sentence vectors. By default ("alone") each sentence is embedded on its own as
    well: verification compares an LLM's sentence with the library sentence alone, and pooled
    vectors (which carry their passage's context) let true LLM sentences fail it (tests/test_guard.py,
    the MIST sentence). "alone-mean" (ASSISTANT_MEAN_PASSAGE_VECTORS) keeps the sentences' own
    vectors and makes each passage's from them: one forward pass per sentence, none per passage.
    "pooled" (ASSISTANT_POOLED_SENTENCE_VECTORS, issue 18): one forward pass per passage, a
    sentence's vector pools the passage's token embeddings over its span; a sentence past the
    model's length limit is embedded on its own."""
    import numpy as np

    if mode == "alone-mean":
        return _mean_vectors(batch, s_texts, embedder)
    texts = [embedding_text(p) for p in batch]
    if mode != "pooled":
        return embedder.encode(texts), embedder.encode(s_texts) if s_texts else np.zeros((0, 0), np.float32)
    spans = [
        _spans(t, split_sentences(p.text), len(t) - len(p.text)) for t, p in zip(texts, batch, strict=True)
    ]
    vectors, per_span = embedder.encode_spans(texts, spans)
    flat = [v for per_passage in per_span for v in per_passage]
    alone = [i for i, v in enumerate(flat) if v is None]
    for i, v in zip(alone, embedder.encode([s_texts[i] for i in alone]), strict=True):
        flat[i] = v
    return vectors, np.stack(flat) if flat else np.zeros((0, embedder.dimension), np.float32)


def _mean_vectors(batch: list[Passage], s_texts: list[str], embedder: Embedder):
    """Sentences embedded alone, in one call with the passages' headings (a heading is shared by
    the passages of a section); a passage's vector is the normalised mean of its sentences' and
    its heading's vectors, so a question naming the study (MIST) still finds a passage whose
    sentences do not name it."""
    import numpy as np

    headings = [embedding_text(p)[: -len(p.text)].strip() if p.text else embedding_text(p) for p in batch]
    unique = list(dict.fromkeys(headings))
    vectors = embedder.encode([*s_texts, *unique])
    s_vectors, by_heading = vectors[: len(s_texts)], dict(zip(unique, vectors[len(s_texts) :], strict=True))
    out, at = [], 0
    for p, heading in zip(batch, headings, strict=True):
        n = len(split_sentences(p.text))  # as _sentence_rows split it (text.Splits: not split again)
        mean = np.vstack([s_vectors[at : at + n], by_heading[heading][None, :]]).mean(axis=0)
        out.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
        at += n
    return np.stack(out).astype(np.float32), s_vectors


def _write(
    passages: list[Passage], embedder: Embedder, cols, bar: tqdm, report: BuildReport, mode: str = "alone"
):
    passages_col, sentences_col = cols
    for start in range(0, len(passages), BATCH):
        batch = passages[start : start + BATCH]
        s_ids, s_texts, s_metas = _sentence_rows(batch)
        vectors, s_vectors = _vectors(batch, s_texts, embedder, mode)
        passages_col.upsert(
            ids=[p.id for p in batch],
            embeddings=vectors,
            documents=[p.text for p in batch],
            metadatas=[p.metadata() for p in batch],
        )
        if s_ids:
            sentences_col.upsert(ids=s_ids, embeddings=s_vectors, documents=s_texts, metadatas=s_metas)
        report.embedded += len(batch)
        report.sentences += len(s_ids)
        bar.update(len(batch))


def _delete(ids: list[str], cols) -> None:
    passages_col, sentences_col = cols
    if ids:
        passages_col.delete(ids=ids)
        sentences_col.delete(where={"passage_id": {"$in": ids}})


def build_index(
    settings: Settings,
    rebuild: bool = False,
    progress: bool = True,
    embedder: Embedder | None = None,
) -> BuildReport:
    """Bring the index in line with the library; only new or changed files are embedded. A
    library with any problem (a field, an unreviewed PDF, a sentence that fails the content
    check) is not indexed at all: `report.problems` names them and the index is left as it was."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / ".build.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise StoreError(
            f"another `assistant index` is writing {settings.index_dir} (lock file "
            f"{settings.index_dir / '.build.lock'}); wait for it to finish"
        ) from exc
    # Texts split by the content check and for new passages are kept for the next run (text.Splits).
    SPLITS.load(settings.index_dir / SPLITS_FILE)
    try:
        return _build(settings, rebuild, progress, embedder)
    finally:
        SPLITS.save(settings.index_dir / SPLITS_FILE)
        lock.release()


def _plan(settings: Settings, manifest: dict, report: BuildReport, embedder: Embedder | None):
    """Which passages to embed and which to delete, from content hashes against the manifest;
    the content check (assistant/trust.py) runs when a document changed or was never checked."""
    docs, problems = load_library(settings.sources_dir)
    report.problems = [str(p) for p in problems]
    report.checked = sorted(d.id for d in docs)
    unchecked = set(report.checked) - set(manifest.get("checked") or [])
    if not problems and (unchecked or _changed(settings, docs, manifest)):
        from .trust import check_sources

        report.problems += [str(p) for p in check_sources(settings, docs, embedder)]
    old_files: dict = manifest.get("files", {})
    new_files: dict = {}
    todo: list[Passage] = []
    stale: list[str] = []
    for doc in docs:
        rel = str(Path(doc.path).relative_to(settings.sources_dir))
        digest = file_hash(doc)
        old = old_files.get(rel)
        if old and old["hash"] == digest:
            new_files[rel] = {**old, "topics": list(doc.topics)}  # an index from before topics
            report.unchanged += 1
            continue
        try:
            passages = passages_for(doc, settings.chunk_size, settings.chunk_overlap)
        except PdfError as exc:
            report.problems.append(str(exc))
            continue
        if old:
            # All its old passages go, kept ids too: a passage re-written with fewer sentences
            # would otherwise keep its old last sentences (<passage id>::s<n>) in the index.
            stale += old["passages"]
            report.updated += 1
        else:
            report.added += 1
        todo += passages
        new_files[rel] = {
            "hash": digest,
            "id": doc.id,
            "passages": [p.id for p in passages],
            "topics": list(doc.topics),
        }
    for rel, old in old_files.items():
        if rel not in new_files:
            stale += old["passages"]
            report.removed += 1
    return new_files, todo, stale


def _changed(settings: Settings, docs: list[SourceDoc], manifest: dict) -> bool:
    old = {rel: f["hash"] for rel, f in (manifest.get("files") or {}).items()}
    new = {str(Path(d.path).relative_to(settings.sources_dir)): file_hash(d) for d in docs}
    return old != new


def _fingerprint(files: dict) -> str:
    hashes = {k: v["hash"] for k, v in sorted(files.items())}
    return hashlib.sha256(json.dumps(hashes).encode()).hexdigest()[:12]


def _build(settings: Settings, rebuild: bool, progress: bool, embedder: Embedder | None):
    started = time.perf_counter()
    report = BuildReport()
    manifest = None if rebuild else read_manifest(settings.index_dir)
    check_model(manifest, settings.embedding_model, settings.index_dir)
    if manifest is not None and manifest.get("sentence_vectors") != _sentence_mode(settings):
        manifest = None  # sentence vectors made the other way: all re-made, never mixed
    fresh = rebuild or manifest is None
    if rebuild:
        _clear_caches(settings.index_dir)
    new_files, todo, stale = _plan(settings, manifest or {}, report, embedder)
    report.passages = sum(len(f["passages"]) for f in new_files.values())
    bm25_dir = settings.index_dir / "bm25"
    if report.problems:  # nothing is written: the previous index stays in service
        report.seconds = time.perf_counter() - started
        return report
    changed = fresh or todo or stale or not bm25_dir.exists() or report.checked != manifest.get("checked")
    if not changed and new_files == manifest.get("files"):  # differs once for an index without topics
        report.seconds = time.perf_counter() - started  # nothing changed: no model, no Chroma
        return report

    if todo or fresh:
        from .embeddings import load_embedder

        embedder = embedder or load_embedder(settings.embedding_model, settings.embed_batch_size)
        model, dimension = embedder.name, embedder.dimension
    else:
        model, dimension = manifest["model"], manifest["dimension"]
    # Closed when done (Chroma's public close): the store is not left cached in this process, so
    # a later open, after a rebuild that replaced a damaged store for one, reads the new files.
    with _client(settings, fresh) as client:
        cols = _target_collections(client, settings, fresh, model, dimension, stale)
        with tqdm(total=len(todo), unit="passage", disable=not progress or not todo, desc="embedding") as bar:
            _write(todo, embedder, cols, bar, report, _sentence_mode(settings))
        if fresh:
            drop_collections(client, settings)
            for col, name in zip(cols, collection_names(settings), strict=True):
                col.modify(name=name)
        lexical_from_collection(cols[0]).save(bm25_dir)
    manifest = Manifest(
        model=model,
        dimension=dimension,
        passages=report.passages,
        documents=len(new_files),
        library_version=_fingerprint(new_files),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        chroma_url=settings.chroma_url,
        files=new_files,
        checked=report.checked,
        sentence_vectors=_sentence_mode(settings),
    )
    write_manifest(settings.index_dir, manifest)
    report.seconds = time.perf_counter() - started
    return report


def _sentence_mode(settings: Settings) -> str:
    if settings.pooled_sentence_vectors:
        return "pooled"
    return "alone-mean" if settings.mean_passage_vectors else "alone"


def _clear_caches(index_dir: Path) -> None:
    """Caches derived from the library go with a rebuild: a damaged one is never kept."""
    from .trust import cache_files

    for cache in cache_files(index_dir):
        cache.unlink(missing_ok=True)


def _target_collections(
    client, settings: Settings, fresh: bool, model: str, dimension: int, stale: list[str]
):
    """The collections to write, stale passages deleted. A full build fills staging collections
    and swaps them in only when complete, so a build killed half-way leaves the previous
    collections, BM25 and manifest as they were."""
    target = settings.model_copy(update={"collection": settings.collection + STAGING}) if fresh else settings
    if fresh:
        drop_collections(client, target)  # left over by a killed build
    cols = open_collections(client, target, model, dimension, create=True)
    _delete(stale, cols)
    return cols


def _client(settings: Settings, fresh: bool):
    """The Chroma client; a full build replaces an embedded store too damaged to open."""
    try:
        return chroma_client(settings)
    except StoreError:
        if not fresh or settings.chroma_url:
            raise
        shutil.rmtree(settings.index_dir / "chroma", ignore_errors=True)
        return chroma_client(settings)

"""Where passages live: Chroma (embedded or server) for vectors, bm25s on disk for words, and
the manifest that says what the index was built from and with which model."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, ValidationError

from .models import Passage
from .settings import Settings
from .text import expand_query, normalize_terms

if TYPE_CHECKING:
    import bm25s
    import numpy as np

# chromadb, bm25s and NumPy are imported where they are used: a no-change `assistant index` and
# `assistant sources check` need none of them, and chromadb alone costs about 1.5 s of start-up.
MANIFEST = "manifest.json"


class StoreError(RuntimeError):
    """The index or the Chroma server cannot be used; the message says what to do."""


class IndexMismatch(StoreError):
    """The index was built with another embedding model than the settings ask for."""


class IndexedFile(BaseModel):
    hash: str  # sha256 of the note (a PDF: of the PDF and its sidecar)
    id: str
    passages: list[str]
    # the note's front-matter topics: which treatment a sentence speaks of when it names none
    # ("Early problems come mainly from the chemotherapy…" is about aHSCT; flow/by_ask.py)
    topics: list[str] = []


class Manifest(BaseModel):
    """manifest.json: written last by a build, so it only ever describes a complete index."""

    model_config = ConfigDict(extra="allow")  # bench/scale.py keeps its figures in it

    model: str
    dimension: int
    passages: int = 0
    documents: int = 0
    library_version: str = ""
    built_at: str = ""
    chroma_url: str = ""
    files: dict[str, IndexedFile] = {}
    sentence_vectors: str = ""  # "alone", "alone-mean" or "pooled" (index._sentence_mode)


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest as a dict, None when there is no index yet; a damaged one says rebuild."""
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    try:
        return Manifest.model_validate_json(path.read_bytes()).model_dump(mode="json")
    except (OSError, ValidationError) as exc:
        raise StoreError(f"{path} is damaged; run `assistant index --rebuild`") from exc


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    path = index_dir / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(manifest.model_dump_json(indent=2))
    os.replace(tmp, path)  # atomic: a killed build never leaves half a manifest


def check_model(manifest: Mapping | None, embedder_name: str, where: Path) -> None:
    """Stop when the index was built with another embedding model: its vectors would not compare."""
    if manifest and manifest.get("model") != embedder_name:
        raise IndexMismatch(
            f"the index in {where} was built with the embedding model '{manifest.get('model')}' "
            f"but the settings ask for '{embedder_name}'. Run `assistant index --rebuild` to "
            f"rebuild it, or set ASSISTANT_EMBEDDING_MODEL={manifest.get('model')}."
        )


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreError(
                f"the Chroma server at {settings.chroma_url} does not answer ({exc.__class__.__name__}). "
                "Start it (chroma run --host 127.0.0.1 --port PORT) or unset ASSISTANT_CHROMA_URL "
                "to use the embedded index."
            ) from exc
        return client
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    # Chroma keeps a store that failed to open cached for the rest of the process, so a damaged
    # database is caught here, before Chroma sees it: a rebuild in the same process then starts
    # clean. Chroma's own error below remains for damage this check does not see.
    if damage := _sqlite_damage(path / "chroma.sqlite3"):
        raise StoreError(f"the index in {path} is damaged ({damage}); run `assistant index --rebuild`")
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a damaged store raises Chroma's InternalError, among others
        raise StoreError(
            f"the index in {path} is damaged ({exc.__class__.__name__}); run `assistant index --rebuild`"
        ) from exc


def _sqlite_damage(db: Path) -> str | None:
    """Why the SQLite file cannot be read (not a database, truncated), or None. About 1 ms: it
    reads the schema and the first page of every table, not the whole file."""
    if not db.exists():
        return None
    try:
        with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as con:
            tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                con.execute('SELECT 1 FROM "{}" LIMIT 1'.format(table.replace('"', '""'))).fetchall()
    except sqlite3.Error as exc:
        return str(exc)
    return None


def collection_names(settings: Settings) -> tuple[str, str]:
    return settings.collection, f"{settings.collection}_sentences"


def open_collections(client, settings: Settings, model: str, dimension: int, create: bool):
    names = collection_names(settings)
    meta = {"embedding_model": model, "dimension": dimension}
    if create:
        return tuple(
            client.get_or_create_collection(
                n,
                embedding_function=None,
                metadata=meta,
                configuration={"hnsw": {"space": "cosine"}},
            )
            for n in names
        )
    try:
        cols = tuple(client.get_collection(n, embedding_function=None) for n in names)
    except Exception as exc:
        raise StoreError(
            f"no index collection '{names[0]}' found; build it with `assistant index --rebuild`"
        ) from exc
    for col in cols:
        _probe(col, dimension)
    return cols


def _probe(col, dimension: int) -> None:
    """Chroma reads a collection's vector files (HNSW, next to its SQLite file) on the first
    query: damaged ones would raise there, mid-answer, as a traceback. One query now says so."""
    try:
        if col.count():
            col.query(query_embeddings=[[0.0] * (dimension - 1) + [1.0]], n_results=1, include=[])
    except Exception as exc:  # Chroma's InternalError, hnswlib's RuntimeError, among others
        raise StoreError(
            f"the index collection '{col.name}' is damaged ({exc.__class__.__name__}); "
            "run `assistant index --rebuild`"
        ) from exc


def drop_collections(client, settings: Settings) -> None:
    existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
    for name in collection_names(settings):
        if name in existing:
            client.delete_collection(name)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(
        [normalize_terms(t) for t in texts],
        stopwords="en",
        stemmer=_stemmer(),
        show_progress=False,
        return_ids=False,
    )


class LexicalIndex:
    """BM25 over passage texts, saved next to the Chroma store and memory-mapped when loaded."""

    def __init__(self, retriever: bm25s.BM25, ids: list[str]):
        self.retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, list(ids))

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self.retriever.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps(self.ids))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        try:
            ids = json.loads((folder / "ids.json").read_text())
            return cls(bm25s.BM25.load(str(folder), mmap=True), ids)
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(
                f"the lexical index in {folder} is missing or damaged; run `assistant index --rebuild`"
            ) from exc

    def passages_of(self, sources: Sequence[str]) -> list[str]:
        """The ids of these documents' passages, in index order, read from the ids alone (a
        passage id is "<source id>#<section>", ingest.py): Chroma's metadata filter on source_id
        scans the store, 170 ms at 100k passages."""
        return [pid for source in dict.fromkeys(sources) for pid in self._by_source.get(source, ())]

    @cached_property
    def _by_source(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for pid in self.ids:
            out.setdefault(pid.split("#", 1)[0], []).append(pid)
        return out

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The k best passages with a positive score, best first (ties: index order)."""
        import numpy as np

        if not self.ids:
            return []
        vocab = self.retriever.vocab_dict
        terms = [vocab[t] for t in tokenize([expand_query(query)])[0] if t in vocab]
        if not terms:
            return []
        scores = self._scores(terms)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:  # only the top k are sorted: at 100k passages a full sort dominates
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.lexsort((hits, -scores[hits]))]
        return [(self.ids[int(d)], float(scores[d])) for d in hits]

    def _scores(self, terms: list[int]) -> np.ndarray:
        """BM25 of every passage for the query's term ids, as bm25s computes it, from the
        precomputed sparse matrix: only the terms' postings are read, summed with one bincount
        (bm25s's own `retrieve` spends most of its time in `np.add.at` and a full partition)."""
        import numpy as np

        s = self.retriever.scores
        if self.retriever.nonoccurrence_array is not None:  # BM25L/BM25+: bm25s's own scorer
            return self.retriever.get_scores_from_ids(terms)
        indptr, indices, data = s["indptr"], s["indices"], s["data"]
        postings = [slice(int(indptr[t]), int(indptr[t + 1])) for t in terms]
        docs = np.concatenate([indices[p] for p in postings])
        weights = np.concatenate([data[p] for p in postings]).astype(np.float64)
        return np.bincount(docs, weights=weights, minlength=int(s["num_docs"])).astype(np.float32)


def embedding_text(p: Passage) -> str:
    """What is embedded and searched: the title, the note's name (which often holds the study's
    short name, e.g. MIST) and the section give a short passage its context."""
    name = p.source_id.replace("-", " ")
    return f"{p.title} ({name}). {p.section}. {p.text}"


def lexical_from_collection(passages) -> LexicalIndex:
    """BM25 over what a passages collection holds, with the same text the indexer uses."""
    got = passages.get(include=["documents", "metadatas"])
    texts = [
        embedding_text(Passage.from_metadata(pid, doc, meta))
        for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ]
    return LexicalIndex.build(got["ids"], texts)

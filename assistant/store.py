"""Where passages live: Chroma (embedded or server) for vectors, bm25s on disk for words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse

import bm25s
import chromadb
import numpy as np
import Stemmer
from chromadb.config import Settings as ChromaSettings

from .settings import Settings
from .text import expand_query, normalize_terms

_stemmer = Stemmer.Stemmer("english")


class StoreError(RuntimeError):
    """The index or the Chroma server cannot be used; the message says what to do."""


def chroma_client(settings: Settings):
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
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # a damaged chroma.sqlite3 raises Chroma's InternalError, among others
        _forget_store(path)
        raise StoreError(
            f"the index in {path} is damaged ({exc.__class__.__name__}); run `assistant index --rebuild`"
        ) from exc


def _forget_store(path: Path) -> None:
    """Chroma keeps a store that failed to open cached per path; drop it so a rebuild starts clean."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)


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
        return tuple(client.get_collection(n, embedding_function=None) for n in names)
    except Exception as exc:
        raise StoreError(
            f"no index collection '{names[0]}' found; build it with `assistant index --rebuild`"
        ) from exc


def drop_collections(client, settings: Settings) -> None:
    existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
    for name in collection_names(settings):
        if name in existing:
            client.delete_collection(name)


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(
        [normalize_terms(t) for t in texts],
        stopwords="en",
        stemmer=_stemmer,
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
        try:
            ids = json.loads((folder / "ids.json").read_text())
            return cls(bm25s.BM25.load(str(folder), mmap=True), ids)
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(
                f"the lexical index in {folder} is missing or damaged; run `assistant index --rebuild`"
            ) from exc

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        tokens = tokenize([expand_query(query)])
        if not tokens[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, len(self.ids)), show_progress=False)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def as_matrix(vectors) -> np.ndarray:
    return np.asarray(vectors, dtype=np.float32)


def lexical_from_collection(passages) -> LexicalIndex:
    """BM25 over what a passages collection holds, with the same text the indexer uses."""
    from .ingest import embedding_text
    from .models import Passage

    got = passages.get(include=["documents", "metadatas"])
    texts = [
        embedding_text(Passage.from_metadata(pid, doc, meta))
        for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ]
    return LexicalIndex.build(got["ids"], texts)

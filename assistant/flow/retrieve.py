"""Hybrid retrieval: dense (Chroma) + lexical (BM25), reciprocal-rank fusion, evidence prior, MMR.

Evidence prior: the fused score is multiplied by (1 + prior_weight * rank_of_type), so that with
equal relevance a guideline or meta-analysis comes before an RCT, an RCT before a cohort, and a
cohort before a review, a case report or animal work. The prior only breaks ties: with the
default weight 0.01 it is smaller than the gap between two neighbouring ranks of RRF (k=60),
so it never lifts a passage over one that ranked better on relevance. The extractive composer
weighs evidence type more strongly when it orders sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from ..embeddings import Embedder
from ..models import Passage, ScoredPassage
from ..settings import Settings
from ..store import LexicalIndex, StoreError
from ..vocab import evidence_prior
from .context import Context, SentenceRow, sentence_rows

# Passages and their sentences read from Chroma, kept by id for later questions: a row read costs
# a round trip and a SQLite read (3-4 ms for a query's 30 candidates on the shipped index), a
# dictionary look-up none. Bounded: emptied when full (about 25 MB at this size).
ROW_CACHE = 8192


def rrf(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for the ids it holds (rank from 1)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return fused


def mmr(candidates: list[ScoredPassage], k: int, lam: float, max_per_source: int) -> list[ScoredPassage]:
    """Maximal marginal relevance over fused scores, with at most max_per_source per document."""
    if not candidates:
        return []
    top = max(c.score for c in candidates) or 1.0
    relevance = lam * np.array([c.score / top for c in candidates])
    vectors = _vectors(candidates)
    # Each candidate's closeness to the nearest chosen passage (-inf: none chosen yet, counted 0).
    nearest = np.full(len(candidates), -np.inf)
    chosen: list[ScoredPassage] = []
    per_source: dict[str, int] = {}
    left = list(range(len(candidates)))
    while left and len(chosen) < k:
        open_ = [i for i in left if per_source.get(candidates[i].passage.source_id, 0) < max_per_source]
        if not open_:
            break
        near = nearest[open_]
        values = relevance[open_] - (1 - lam) * np.where(np.isneginf(near), 0.0, near)
        best = open_[int(np.argmax(values))]  # the first of equals, as before
        left.remove(best)
        picked = candidates[best]
        chosen.append(picked)
        per_source[picked.passage.source_id] = per_source.get(picked.passage.source_id, 0) + 1
        # One matrix-vector product per pick, not one dot product per pair (a full matrix product
        # was slower: OpenBLAS threads it, and waking threads on a busy machine took ms).
        nearest = np.maximum(nearest, (vectors @ vectors[best]).astype(np.float64))
    return chosen


def _vectors(candidates: list[ScoredPassage]) -> np.ndarray:
    """The candidates' unit vectors as rows (zeros for one without a vector: cosine 0)."""
    dim = next((len(c.vector) for c in candidates if c.vector is not None), 0)
    none = np.zeros(dim, np.float32)
    return np.stack([none if c.vector is None else np.asarray(c.vector, np.float32) for c in candidates])


class HybridRetriever(BaseRetriever):
    """A LangChain retriever; `search` returns scored passages for the rest of the flow."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    embedder: Embedder
    passages: object  # chromadb Collection
    lexical: LexicalIndex
    _rows: dict = PrivateAttr(default_factory=dict)  # passage id -> (Passage, vector)
    _sentence_rows: dict = PrivateAttr(default_factory=dict)  # passage id -> its SentenceRows

    def search(
        self, query: str, query_vector: np.ndarray | None = None, focus_sources: Sequence[str] = ()
    ) -> list[ScoredPassage]:
        """focus_sources: documents to search as a third ranking (the sources of a clinic claim
        found in the question), so the answer after the claim card draws on its evidence."""
        s = self.settings
        if query_vector is None:
            query_vector = self.embedder.encode([query])[0]
        # No count() first: Chroma returns fewer rows when it holds fewer, and one round trip
        # less matters with a Chroma server. Only ids: the rows come from the cache or by id.
        dense = self.passages.query(query_embeddings=[query_vector], n_results=s.candidates, include=[])
        if not dense["ids"] or not dense["ids"][0]:
            return []
        lexical_ids = [pid for pid, _ in self.lexical.search(query, s.candidates)]
        found = self._read([*dense["ids"][0], *lexical_ids])
        dense_ids = [pid for pid in dense["ids"][0] if pid in found]
        lexical_ids = [p for p in lexical_ids if p in found]
        focus_ids = self._focus(query_vector, focus_sources, found)
        fused = rrf([dense_ids, lexical_ids, focus_ids], s.rrf_k)
        dense_rank = {pid: r for r, pid in enumerate(dense_ids, start=1)}
        lexical_rank = {pid: r for r, pid in enumerate(lexical_ids, start=1)}
        scored = []
        for pid, score in fused.items():
            passage, vector = found[pid]
            prior = evidence_prior(passage.type)
            scored.append(
                ScoredPassage(
                    passage=passage,
                    score=score * (1 + s.prior_weight * prior),
                    dense=float(np.dot(query_vector, vector)),
                    vector=vector,
                    dense_rank=dense_rank.get(pid),
                    lexical_rank=lexical_rank.get(pid),
                )
            )
        scored.sort(key=lambda c: c.score, reverse=True)
        return mmr(scored, s.k, s.mmr_lambda, s.max_per_source)

    def _focus(self, query_vector, sources: Sequence[str], found: dict) -> list[str]:
        """The k passages of the sources nearest the query, nearest first: read by id and ranked
        here (a filtered Chroma query scans every row's metadata: 170 ms at 100k passages)."""
        ids = self.lexical.passages_of(sources) if sources else []
        if not ids:
            return []
        rows = self._read(ids)
        near = sorted(rows, key=lambda pid: -float(np.dot(query_vector, rows[pid][1])))[: self.settings.k]
        found.update((pid, rows[pid]) for pid in near)
        return near

    def _read(self, ids: list[str]) -> dict[str, tuple[Passage, np.ndarray]]:
        """The rows of these passages (those the store holds), from the cache or in one read."""
        cache = self._rows
        missing = [pid for pid in dict.fromkeys(ids) if pid not in cache]
        if missing:
            got = self.passages.get(ids=missing, include=["documents", "metadatas", "embeddings"])
            if len(cache) + len(missing) > ROW_CACHE:
                cache.clear()
            cache.update(_rows(got["ids"], got["documents"], got["metadatas"], got["embeddings"]))
        return {pid: cache[pid] for pid in dict.fromkeys(ids) if pid in cache}

    def sentences(self, collection, scored: list[ScoredPassage]) -> list[SentenceRow]:
        """`context.sentence_rows` of the passages, with each passage's sentences read once."""
        cache = self._sentence_rows
        missing = [c for c in scored if c.passage.id not in cache]
        if missing:
            if len(cache) + len(missing) > ROW_CACHE:
                cache.clear()
            cache.update((c.passage.id, []) for c in missing)
            for row in sentence_rows(collection, missing):
                cache[missing[row.passage - 1].passage.id].append(row)
        return [
            SentenceRow(row.text, n, row.vector)
            for n, c in enumerate(scored, start=1)
            for row in cache[c.passage.id]
        ]

    def preload(self, collection, ids: Sequence[str]) -> list[str]:
        """Read these passages' rows and sentences into the caches now (a server's start-up),
        as the first questions would read them; none when they would not all fit (half the
        cache at most). Returns the sentences' texts."""
        ids = list(dict.fromkeys(ids))
        if not ids or len(ids) > ROW_CACHE // 2:
            return []
        found = self._read(ids)
        scored = [ScoredPassage(passage=found[pid][0], score=0.0, dense=0.0) for pid in ids if pid in found]
        return [row.text for row in self.sentences(collection, scored)]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(
                page_content=c.passage.text,
                id=c.passage.id,
                metadata={**c.passage.metadata(), "score": c.score, "dense": c.dense},
            )
            for c in self.search(query)
        ]


def _rows(ids, documents, metadatas, embeddings) -> dict[str, tuple[Passage, np.ndarray]]:
    return {
        pid: (Passage.from_metadata(pid, doc, meta), np.asarray(vec, dtype=np.float32))
        for pid, doc, meta, vec in zip(ids, documents, metadatas, embeddings, strict=True)
    }


# -- the stage ------------------------------------------------------------------------------------
def retrieve(
    retriever: HybridRetriever, sentences, query: str, vector: np.ndarray, focus: Sequence[str] = ()
) -> Context:
    """Stage 4: the passages for the query and their pre-embedded sentences, as a Context."""
    settings = retriever.settings
    try:
        scored = retriever.search(query, vector, list(dict.fromkeys(focus)))
        rows = retriever.sentences(sentences, scored)
    except StoreError:
        raise
    except Exception as exc:  # Chroma raises transport errors of many kinds
        where = settings.chroma_url or str(settings.index_dir)
        raise StoreError(
            f"the index at {where} could not be read ({exc.__class__.__name__}); "
            "if it is a Chroma server, check that it is running, then ask again"
        ) from exc
    return Context(question="", query=query, mode="", query_vector=vector, passages=scored, sentences=rows)


def relevant(scored: list[ScoredPassage], settings: Settings) -> bool:
    """The abstain test: close in meaning, or a rare word match (a trial's name) not far in meaning."""
    return any(
        c.dense >= settings.relevance_floor
        or ((c.lexical_rank or 99) <= 2 and c.dense >= settings.relevance_floor_lexical)
        for c in scored
    )

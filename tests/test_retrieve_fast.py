"""Retrieval without repeated work (issue 18): MMR from one matrix-vector product per pick picks what the
pair-by-pair loop picked, and a passage's row and sentences are read from Chroma once."""

from __future__ import annotations

import numpy as np

from assistant.flow.retrieve import HybridRetriever, mmr, retrieve
from assistant.models import Passage, ScoredPassage


def _reference_mmr(candidates, k, lam, max_per_source):
    """MMR as written before: each candidate compared with each pick, one dot product each."""
    top = max(c.score for c in candidates) or 1.0
    chosen, per_source, pool = [], {}, list(candidates)
    while pool and len(chosen) < k:
        best, best_value = None, -np.inf
        for i, c in enumerate(pool):
            if per_source.get(c.passage.source_id, 0) >= max_per_source:
                continue
            near = [float(np.dot(c.vector, p.vector)) for p in chosen]
            value = lam * (c.score / top) - (1 - lam) * (max(near) if near else 0.0)
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        picked = pool.pop(best)
        chosen.append(picked)
        per_source[picked.passage.source_id] = per_source.get(picked.passage.source_id, 0) + 1
    return chosen


def _candidates(rng, n: int, sources: int) -> list[ScoredPassage]:
    out = []
    for i in range(n):
        vector = rng.normal(size=16).astype(np.float32)
        vector /= np.linalg.norm(vector)
        p = Passage(f"p{i}", f"doc-{i % sources}", "t", "s", "text", 2020, "rct", "https://x.org")
        out.append(ScoredPassage(p, float(rng.uniform(0.01, 0.05)), 0.5, vector))
    return out


def test_mmr_picks_what_the_pairwise_loop_picked():
    rng = np.random.default_rng(18)
    for trial in range(200):
        candidates = _candidates(rng, int(rng.integers(1, 40)), int(rng.integers(1, 8)))
        k, per_source = int(rng.integers(1, 10)), int(rng.integers(1, 4))
        lam = float(rng.choice([0.3, 0.5, 0.75, 1.0]))
        got = [c.passage.id for c in mmr(candidates, k, lam, per_source)]
        assert got == [c.passage.id for c in _reference_mmr(candidates, k, lam, per_source)], trial


class Counting:
    """A Chroma collection that counts the ids it is asked to read."""

    def __init__(self, collection):
        self.collection, self.read = collection, []

    def get(self, **query):
        self.read += list(query.get("ids") or [])
        return self.collection.get(**query)

    def query(self, **query):
        return self.collection.query(**query)


def _retriever(assistant, passages) -> HybridRetriever:
    """A retriever with empty caches over the assistant's index."""
    a = assistant
    return HybridRetriever(settings=a.settings, embedder=a.embedder, passages=passages, lexical=a.lexical)


def test_a_passage_is_read_once_and_answers_do_not_change(tiny_assistant):
    passages, sentences = (Counting(c) for c in tiny_assistant.collections)
    retriever = _retriever(tiny_assistant, passages)
    question = "What did the MIST trial find about disability?"
    vector = tiny_assistant.embedder.encode([question])[0]
    first = retrieve(retriever, sentences, question, vector)
    read = (len(passages.read), len(sentences.read))
    again = retrieve(retriever, sentences, question, vector)
    assert read[0] and read[1] and (len(passages.read), len(sentences.read)) == read
    assert [c.passage for c in again.passages] == [c.passage for c in first.passages]
    assert [(s.text, s.passage) for s in again.sentences] == [(s.text, s.passage) for s in first.sentences]
    cold = retrieve(_retriever(tiny_assistant, passages), sentences, question, vector)
    assert [(s.text, s.passage) for s in cold.sentences] == [(s.text, s.passage) for s in first.sentences]

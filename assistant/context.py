"""What the composers and the verifier see: numbered passages and their sentences, with vectors."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .models import ScoredPassage


@dataclass(frozen=True)
class SentenceRow:
    text: str
    passage: int  # 1-based number of the passage in Context.passages
    vector: np.ndarray


@dataclass
class Context:
    question: str
    query: str
    mode: str
    query_vector: np.ndarray
    passages: list[ScoredPassage] = field(default_factory=list)
    sentences: list[SentenceRow] = field(default_factory=list)

    def sentences_of(self, n: int) -> list[SentenceRow]:
        return [s for s in self.sentences if s.passage == n]

    def numbered(self) -> str:
        """The passages as the LLM prompt shows them: [n] title (year, type) and text."""
        return "\n\n".join(
            f"[{i}] {c.passage.title} ({c.passage.year}, {c.passage.type}; {c.passage.section})\n"
            f"{c.passage.text}"
            for i, c in enumerate(self.passages, start=1)
        )


def sentence_rows(sentences_collection, passages: list[ScoredPassage]) -> list[SentenceRow]:
    """The pre-embedded sentences of the given passages, in passage order then text order."""
    if not passages:
        return []
    number = {c.passage.id: i for i, c in enumerate(passages, start=1)}
    got = sentences_collection.get(
        where={"passage_id": {"$in": list(number)}},
        include=["documents", "metadatas", "embeddings"],
    )
    rows = sorted(
        zip(got["documents"], got["metadatas"], got["embeddings"], strict=True),
        key=lambda r: (number[r[1]["passage_id"]], r[1]["pos"]),
    )
    return [
        SentenceRow(doc, number[meta["passage_id"]], np.asarray(vec, dtype=np.float32))
        for doc, meta, vec in rows
    ]

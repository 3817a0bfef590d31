"""What the composers and the verifier see: numbered passages and their sentences, with vectors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..models import ScoredPassage
from .asks import Ask

SENTENCE_END = re.compile(r"[.!?]")


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
    ask: Ask | None = None  # the ask being answered, when the message has been read into asks
    limit: int | None = None  # sentences wanted; None: the mode's default from Settings
    # Figures not wanted: most of the ask's topic is missing from the library, so a number about
    # something else would stand in for the answer (the composer leaves such sentences out before
    # they are cited, so no reference is listed for a sentence that is not shown)
    no_figures: bool = False
    # …and those topic words: a sentence must then name something else the ask names, or it
    # only fills the place of the answer ("how long is the waiting list?" with a sentence on
    # long-term follow-up)
    uncovered: tuple[str, ...] = ()
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each source's topics, by id

    def topics_of(self, row: SentenceRow) -> tuple[str, ...]:
        return self.topics.get(self.passages[row.passage - 1].passage.source_id, ())

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
    # Sentence ids are "<passage id>::s<pos>" with pos 0..n-1 (assistant/index.py). Reading them
    # by id is an index lookup; a metadata filter scans the collection (bench/scale.py at 330k
    # sentences: p50 3 ms by id, 67 ms by filter). The bound over-counts a passage's sentences;
    # a passage that fills its bound may have more, so it is read again by filter.
    bound = {c.passage.id: len(SENTENCE_END.findall(c.passage.text)) + 2 for c in passages}
    include = ["documents", "metadatas", "embeddings"]
    got = sentences_collection.get(
        ids=[f"{pid}::s{i}" for pid, n in bound.items() for i in range(n)], include=include
    )
    rows = list(zip(got["documents"], got["metadatas"], got["embeddings"], strict=True))
    full = sorted({m["passage_id"] for _, m, _ in rows if m["pos"] >= bound[m["passage_id"]] - 1})
    if full:
        rows = [r for r in rows if r[1]["passage_id"] not in full]
        more = sentences_collection.get(where={"passage_id": {"$in": full}}, include=include)
        rows += list(zip(more["documents"], more["metadatas"], more["embeddings"], strict=True))
    rows.sort(key=lambda r: (number[r[1]["passage_id"]], r[1]["pos"]))
    return [
        SentenceRow(doc, number[meta["passage_id"]], np.asarray(vec, dtype=np.float32))
        for doc, meta, vec in rows
    ]

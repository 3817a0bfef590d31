"""Claim cards and citation numbering.

A claim card is the claim as marketed, the verdict, then each sentence of the reviewed
correction cited to the library passage that best backs it (and holds its numbers). `Citer`
numbers cited passages in order of first use across the whole answer, cards and sentences alike.
"""

from __future__ import annotations

import numpy as np

from ..claims import GuardResult
from ..embeddings import Embedder
from ..models import Block, Citation, ClaimMatch, Passage
from ..sources import Claim
from ..text import numbers, split_sentences
from ..vocab import BlockKind
from .notices import card_lead


class Citer:
    """Numbers cited passages in order of first use and collects the quotes they support."""

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.passages: list[Passage] = []
        self.quotes: list[list[str]] = []

    def number(self, passage: Passage, quote: str) -> int:
        if passage.id not in self.numbers:
            self.numbers[passage.id] = len(self.passages) + 1
            self.passages.append(passage)
            self.quotes.append([])
        n = self.numbers[passage.id]
        if quote and quote not in self.quotes[n - 1]:
            self.quotes[n - 1].append(quote)
        return n

    def citations(self) -> list[Citation]:
        return [
            Citation(
                n=i,
                source_id=p.source_id,
                title=p.title,
                year=p.year,
                url=p.url,
                page=p.page,
                section=p.section,
                quote=" ".join(q) or p.text,
                type=p.type,
            )
            for i, (p, q) in enumerate(zip(self.passages, self.quotes, strict=True), start=1)
        ]


class CardSupport:
    """Finds, for each correction sentence, the passages of the claim's sources that back it."""

    def __init__(self, passages, sentences, embedder: Embedder):
        self.passages, self.sentences, self.embedder = passages, sentences, embedder
        self._vectors: dict[str, np.ndarray] = {}  # the registry is fixed while serving

    def support(self, claim: Claim, sentences: list[str]) -> list[list[tuple[Passage, str]]]:
        """For each correction sentence of a claim card, the passages that back it."""
        return self.backing(f"claim:{claim.id}", claim.sources, sentences)

    def backing(self, key: str, sources, sentences: list[str]) -> list[list[tuple[Passage, str]]]:
        """For reviewed text (a correction, a reviewed answer) citing notes by id: the closest
        passage of those notes that holds the sentence's numbers, plus a second when the numbers
        come from two studies. The quote is the passage's two sentences closest to the sentence.
        `key` names the text for the vector cache (reviewed text is fixed while serving)."""
        got = self.sentences.get(
            where={"source_id": {"$in": list(sources)}},
            include=["documents", "metadatas", "embeddings"],
        )
        if not got["ids"]:
            return [[] for _ in sentences]
        owner = [m["passage_id"] for m in got["metadatas"]]
        passages = self._passages(owner)
        if key not in self._vectors:
            self._vectors[key] = self.embedder.encode(sentences)
        sims = np.asarray(got["embeddings"], dtype=np.float32) @ self._vectors[key].T
        out = []
        for j, sentence in enumerate(sentences):
            chosen = _choose(sentence, owner, passages, sims[:, j])
            out.append([(passages[pid], _quote(got["documents"], owner, sims[:, j], pid)) for pid in chosen])
        return out

    def _passages(self, owner: list[str]) -> dict[str, Passage]:
        rows = self.passages.get(ids=list(dict.fromkeys(owner)), include=["documents", "metadatas"])
        return {
            pid: Passage.from_metadata(pid, doc, meta)
            for pid, doc, meta in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        }


def _choose(sentence: str, owner: list[str], passages: dict[str, Passage], sims: np.ndarray) -> list[str]:
    missing, chosen = numbers(sentence), []
    for i in np.argsort(-sims):
        pid = owner[i]
        covers = missing & numbers(passages[pid].text)
        if pid in chosen or (chosen and not covers) or (missing and not covers and not chosen):
            continue
        chosen.append(pid)
        missing -= covers
        if not missing or len(chosen) == 2:
            break
    # No passage holds the numbers: cite the closest; registry_check reports it.
    return chosen or [owner[int(np.argmax(sims))]]


def _quote(documents: list[str], owner: list[str], sims: np.ndarray, pid: str) -> str:
    mine = [i for i in np.argsort(-sims) if owner[i] == pid][:2]
    return " ".join(documents[i] for i in sorted(mine))


def claim_card(
    result: GuardResult, where: str, citer: Citer, support: CardSupport
) -> tuple[ClaimMatch, Block]:
    """The card for one matched claim: its ClaimMatch record and its block."""
    claim = result.claim
    sentences = split_sentences(claim.correction)
    parts = [card_lead(claim.claim, claim.verdict)]
    used: list[int] = []
    for sentence, backing in zip(sentences, support.support(claim, sentences), strict=True):
        marks = list(dict.fromkeys(citer.number(passage, quote) for passage, quote in backing))
        used += marks
        label = f" [{', '.join(map(str, marks))}]" if marks else ""
        parts.append(f"{sentence.rstrip('.!?')}{label}.")
    cited = tuple(dict.fromkeys(used))
    match = ClaimMatch(
        id=claim.id,
        verdict=claim.verdict,
        matched_in=where,
        correction=claim.correction,
        source_ids=claim.sources,
        claim=claim.claim,
        text=result.sentence,
        stance=result.stance,
        score=result.score,
        citations=cited,
    )
    return match, Block(BlockKind.CARD, " ".join(parts), cited, claim.id)

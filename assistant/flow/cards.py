"""Claim cards and citation numbering.

A claim card is the claim as marketed, the verdict, then each sentence of the reviewed
correction cited to the library sentences that back it: those of its notes that together hold
its numbers and most of its words (no embedding per question: reviewed text is matched by words). `Citer`
numbers cited passages in order of first use across the whole answer, cards and sentences alike.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..claims import GuardResult
from ..models import Block, Citation, ClaimMatch, Passage
from ..sources import Claim
from ..store import StoreError
from ..text import CITATION, content_words, numbers, split_sentences
from ..vocab import BlockKind
from .context import SENTENCE_END
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

    def release(self, start: int, blocks: list[Block]) -> list[Block]:
        """The blocks with the passages numbered after `start` that none of them cites given
        back (their sentences were dropped after verification), and their [n] renumbered: the
        references never list a passage no shown sentence cites."""
        used = {n for b in blocks for n in b.citations}
        old = range(start + 1, len(self.passages) + 1)
        keep = [n for n in old if n in used]
        if len(keep) == len(old):
            return blocks
        new = {n: start + i for i, n in enumerate(keep, start=1)}
        self.passages = self.passages[:start] + [self.passages[n - 1] for n in keep]
        self.quotes = self.quotes[:start] + [self.quotes[n - 1] for n in keep]
        self.numbers = {p.id: i for i, p in enumerate(self.passages, start=1)}
        return [_renumbered(b, new) for b in blocks]

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


def _renumbered(block: Block, new: dict[int, int]) -> Block:
    def marks(found: re.Match) -> str:
        numbers = [new.get(int(n), int(n)) for n in re.split(r"\s*[,;]\s*", found.group(1))]
        return f" [{', '.join(map(str, numbers))}]"

    text = CITATION.sub(marks, block.text) if block.citations else block.text
    return replace(block, text=text, citations=tuple(new.get(n, n) for n in block.citations))


BACKING_CACHE = 4096  # reviewed and correction sentences: about 1,000 in today's library


class CardSupport:
    """Finds, for each correction sentence, the passages of the claim's sources that back it."""

    SOURCES_CACHE = 256  # source sets of claims and reviewed sentences: a few hundred today

    def __init__(self, passages, sentences, where: str = "the index", lexical=None):
        self.passages, self.sentences, self.where = passages, sentences, where
        # The BM25 index knows every passage id, so the sources' sentences are read by id; without
        # it (a stand-in collection) by a source filter, which scans every sentence row: 70-110 ms
        # a call at 100k passages against a few ms by id.
        self.lexical = lexical
        # Reviewed and correction sentences are fixed texts: their backing is looked up once per
        # index, and the sentences of a set of sources once for all the sentences citing it.
        self._backing: dict[tuple[tuple[str, ...], str], list[tuple[Passage, str]]] = {}
        self._of_sources: dict[tuple[str, ...], tuple[list[tuple[str, dict]], dict[str, Passage]]] = {}
        self._terms: dict[tuple[str, ...], list[tuple[set, set]]] = {}  # rows' words and numbers

    def _get(self, collection, **query):
        try:
            return collection.get(**query)
        except Exception as exc:  # Chroma raises transport errors of many kinds
            raise StoreError(
                f"the index at {self.where} could not be read ({exc.__class__.__name__}); "
                "if it is a Chroma server, check that it is running, then ask again"
            ) from exc

    def support(self, claim: Claim, sentences: list[str]) -> list[list[tuple[Passage, str]]]:
        """For each correction sentence of a claim card, the passages of its notes that back it."""
        return [self.by_words(claim.sources, sentence) for sentence in sentences]

    def by_words(self, sources, sentence: str) -> list[tuple[Passage, str]]:
        """For a reviewed answer sentence: the sentences of its notes that together cover most of
        its words (up to three, each adding words the others lack) and hold its numbers, each
        cited to its own passage with those sentences as the quote. The same test as
        `evals.answers_check`, which proves every reviewed sentence offline."""
        key = (tuple(sorted(sources)), sentence)
        if key not in self._backing:
            if len(self._backing) >= BACKING_CACHE:
                self._backing.clear()
            self._backing[key] = self._by_words(sources, sentence)
        return list(self._backing[key])

    def _by_words(self, sources, sentence: str) -> list[tuple[Passage, str]]:
        rows, passages = self._sentences_of(sources)
        if not rows:
            return []
        key = tuple(sorted(sources))
        if key not in self._terms:  # kept with the rows (cleared with them)
            self._terms[key] = [_row_terms(doc) for doc, _ in rows]
        chosen = _covering(sentence, rows, self._terms[key])
        by_passage: dict[str, list[tuple[int, str]]] = {}
        for doc, meta in chosen:
            by_passage.setdefault(meta["passage_id"], []).append((meta.get("pos", 0), doc))
        missing = [pid for pid in by_passage if pid not in passages]
        passages = {**passages, **(self._passages(missing) if missing else {})}
        return [(passages[pid], " ".join(d for _, d in sorted(docs))) for pid, docs in by_passage.items()]

    def _sentences_of(self, sources) -> tuple[list[tuple[str, dict]], dict[str, Passage]]:
        """The sources' sentences (text, metadata) in the store's order, and the passages read on
        the way (none when read by filter), once per set of sources."""
        key = tuple(sorted(sources))
        if key not in self._of_sources:
            if len(self._of_sources) >= self.SOURCES_CACHE:
                self._of_sources.clear()
                self._terms.clear()
            self._of_sources[key] = self._by_id(sources) or (self._by_filter(sources), {})
        return self._of_sources[key]

    def _by_filter(self, sources) -> list[tuple[str, dict]]:
        where = {"source_id": {"$in": list(sources)}}
        got = self._get(self.sentences, where=where, include=["documents", "metadatas"])
        return list(zip(got["documents"], got["metadatas"], strict=True))

    def _by_id(self, sources) -> tuple[list[tuple[str, dict]], dict[str, Passage]] | None:
        """Read by id: the sources' passage ids from the BM25 index, their sentence ids
        "<passage id>::s<pos>" (pos 0..n-1, assistant/index.py) up to a bound counted from the
        passage's text. None (read by filter) when there is no BM25 index or a passage fills its
        bound (it may hold more sentences). Chroma returns rows in its own order either way, so
        the rows, and the ties `_covering` breaks by order, are the filter's."""
        ids = self.lexical.passages_of(sources) if self.lexical is not None else []
        if not ids:
            return None
        passages = self._passages(ids)
        bound = {pid: len(SENTENCE_END.findall(p.text)) + 2 for pid, p in passages.items()}
        wanted = [f"{pid}::s{i}" for pid, n in bound.items() for i in range(n)]
        got = self._get(self.sentences, ids=wanted, include=["documents", "metadatas"])
        rows = list(zip(got["documents"], got["metadatas"], strict=True))
        if any(m.get("pos", 0) >= bound[m["passage_id"]] - 1 for _, m in rows):
            return None
        return rows, passages

    def _passages(self, owner: list[str]) -> dict[str, Passage]:
        rows = self._get(self.passages, ids=list(dict.fromkeys(owner)), include=["documents", "metadatas"])
        return {
            pid: Passage.from_metadata(pid, doc, meta)
            for pid, doc, meta in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        }


ENOUGH = 0.5  # share of a sentence's content words its quotes must hold: what the citation check needs


def _covering(sentence: str, rows: list[tuple[str, dict]], read: list[tuple[set, set]] | None = None):
    """The rows that back the sentence (see `by_words`). `read`: each row's content words and
    numbers, parallel to `rows` (computed here when not given; `CardSupport` keeps them per set
    of sources, since the same rows are read for every sentence citing those sources)."""
    read = read if read is not None else [_row_terms(doc) for doc, _ in rows]
    words, need = set(content_words(sentence)), numbers(sentence)
    left = list(range(len(rows)))  # rows not chosen yet, in the store's order (ties: first wins)
    chosen: list[int] = []
    covered: set[str] = set()
    for _ in range(3):
        if words and len(covered) / len(words) >= ENOUGH:
            break  # enough: another citation would not be needed, so it would be imprecise
        best = max(left, key=lambda i: len((read[i][0] & words) - covered), default=None)
        if best is None or not (read[best][0] & words) - covered:
            break
        chosen.append(best)
        covered |= read[best][0] & words
        left.remove(best)
    missing = need - set().union(*(read[i][1] for i in chosen))
    while missing:  # each number must stand in a quote: add the sentences that hold most of them
        best = max(left, key=lambda i: len(read[i][1] & missing), default=None)
        if best is None or not read[best][1] & missing:
            break
        chosen.append(best)
        missing -= read[best][1]
        left.remove(best)
    return [rows[i] for i in chosen]


def _row_terms(doc: str) -> tuple[set, set]:
    return set(content_words(doc)), numbers(doc)


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

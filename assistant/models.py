"""Typed data passed between the stages of the flow."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .vocab import BlockKind, NoticeCode


@dataclass(frozen=True)
class SourceDoc:
    """One curated document: a Markdown note, or a PDF with its sidecar."""

    id: str
    title: str
    year: int
    publisher: str
    type: str
    url: str
    topics: tuple[str, ...]
    reviewed: str
    path: Path
    authors: tuple[str, ...] = ()
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    nct: str = ""
    body: str = ""  # Markdown body; empty for PDFs
    verified: bool = True  # bibliographic data checked against the original (front matter)
    verification: str = ""  # what was or could not be checked, in the maintainer's words


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of a document: one note section (or part of it), or one PDF page."""

    id: str
    source_id: str
    title: str
    section: str
    text: str
    year: int
    type: str
    url: str
    page: int | None = None

    def metadata(self) -> dict:
        meta = {
            "source_id": self.source_id,
            "title": self.title,
            "section": self.section,
            "year": self.year,
            "type": self.type,
            "url": self.url,
        }
        if self.page is not None:
            meta["page"] = self.page
        return meta

    @classmethod
    def from_metadata(cls, pid: str, text: str, meta: dict) -> Passage:
        return cls(
            id=pid,
            source_id=meta["source_id"],
            title=meta["title"],
            section=meta.get("section", ""),
            text=text,
            year=int(meta.get("year", 0)),
            type=meta.get("type", ""),
            url=meta.get("url", ""),
            page=meta.get("page"),
        )


@dataclass
class ScoredPassage:
    passage: Passage
    score: float  # fused score used for ranking
    dense: float  # cosine similarity to the query
    vector: list[float] | None = None
    dense_rank: int | None = None  # 1-based rank in each retriever's list; None when absent
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    source_id: str
    title: str
    year: int
    url: str
    page: int | None
    section: str
    quote: str
    type: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("type")
        d["year"] = d["year"] or None  # 0 means the source gives no year
        return d


@dataclass(frozen=True)
class ClaimMatch:
    id: str
    verdict: str
    matched_in: str  # "question" | "answer"
    correction: str
    source_ids: tuple[str, ...]
    claim: str = ""
    text: str = ""  # the sentence that matched
    stance: str = ""
    score: float = 0.0
    citations: tuple[int, ...] = ()  # [n] of the passages that back the correction

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "matched_in": self.matched_in,
            "correction": self.correction,
            "source_ids": list(self.source_ids),
        }


class Notice(str):
    """A warning: its text (what JSON and logs show) plus a code readers select on."""

    code: NoticeCode

    def __new__(cls, code: NoticeCode, text: str) -> Notice:
        obj = super().__new__(cls, text)
        obj.code = code
        return obj


@dataclass(frozen=True)
class Block:
    """One typed piece of an answer, streamed as soon as it is checked.

    The page, the CLI, the staff draft and the evals render or score blocks by `kind`; nothing
    reads answer text back. `citations` are the [n] numbers the block cites; `claim` is the
    registry id of a claim card; `ask` the 0-based index of the ask the block answers;
    `reason` why a `decline` block declines (a DeclineReason value).
    """

    kind: BlockKind
    text: str
    citations: tuple[int, ...] = ()
    claim: str | None = None
    ask: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        return {
            "kind": str(self.kind),
            "text": self.text,
            "citations": list(self.citations),
            "claim": self.claim,
            "ask": self.ask,
            "reason": self.reason,
        }


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    mode: str
    backend: str
    citations: list[Citation] = field(default_factory=list)
    claims: list[ClaimMatch] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Notice objects: text plus code
    timings_ms: dict[str, int] = field(default_factory=dict)
    query: str = ""  # the standalone query actually searched (differs for follow-ups)
    blocks: list[Block] = field(default_factory=list)
    asks: list[dict] = field(default_factory=list)  # each ask: text, aspect, treatment, answer_id
    context: dict = field(default_factory=dict)  # the person's stated context (age, MS type, …)

    def blocks_of(self, *kinds: BlockKind) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds]

    def to_dict(self) -> dict:
        """The JSON contract of shared/DESIGN.md, key for key, plus the typed blocks."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "mode": self.mode,
            "backend": self.backend,
            "citations": [c.to_dict() for c in self.citations],
            "claims": [c.to_dict() for c in self.claims],
            "warnings": [str(w) for w in self.warnings],
            "timings_ms": dict(self.timings_ms),
            "blocks": [b.to_dict() for b in self.blocks],
            "asks": list(self.asks),
            "context": dict(self.context),
        }

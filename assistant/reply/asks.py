"""Each ask answered in the order asked: its first sentence and what is not covered always, further
sentences while the word budget allows; the claims the writer stated as plain paragraphs; short
headings when there are several asks; the apology when the library does not cover the message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..flow.by_ask import NOT_COVERED_ANY
from ..flow.notices import DECLINES, card_lead
from ..models import Answer, Block, ClaimMatch
from ..text import overlap, split_sentences
from ..vocab import VERDICTS, BlockKind, DeclineReason, Verdict
from .limits import LEVELS, Limits

# Share of a claim's content words the message must hold for the draft to answer it as a claim
# the writer made: below it, the guard's match is a loose paraphrase of something else.
CLAIM_OVERLAP = 0.4
MAX_EXTRA = 3  # answer sentences per ask after its first
NOT_COVERED_LINE = (
    "I'm sorry, but the reviewed sources we rely on do not cover your question, so I "
    "can't give you a reliable answer. Your MS team is the best place to ask about this."
)


@dataclass
class Part:
    """One ask's share of the draft: what must be said, and sentences said if words allow."""

    heading: str = ""
    must: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    kept: int = 0

    def text(self) -> str:
        said = " ".join([*self.must[:1], *self.extra[: self.kept], *self.must[1:]])
        return f"{self.heading}\n{said}" if self.heading and said else said

    def words(self) -> int:
        return len(self.text().split())


def answer_parts(
    answer: Answer,
    budget: int,
    limits: Limits = LEVELS[0],
    covered: set[int] = frozenset(),
    most: int = MAX_EXTRA,
) -> list[str]:
    """Each ask in the order asked: its first sentence and what is not covered always, further
    sentences one round at a time while the word budget allows. An ask the safety actions or the
    clinic questions answer (`covered`) is left out when the library adds nothing to it, or when
    words are tight (`limits.covered`). At most `most` further sentences per ask: the composer's
    later sentences answer the ask less and less."""
    parts = _parts(answer, limits, covered)
    for part in parts:
        part.extra = part.extra[:most]
    used = sum(p.words() for p in parts)
    grown = True
    while grown:
        grown = False
        for part in parts:
            if part.kept < len(part.extra) and used + len(part.extra[part.kept].split()) <= budget:
                used += len(part.extra[part.kept].split())
                part.kept += 1
                grown = True
    return [p.text() for p in parts if p.text()]


def _parts(answer: Answer, limits: Limits, answered: set[int]) -> list[Part]:
    asks = answer.asks or []
    covered = answered if limits.covered else set()
    groups: dict[int | None, list[Block]] = {}
    for block in answer.blocks:
        groups.setdefault(block.ask, []).append(block)
    several = len(asks) > 1 and limits.headings
    cards = _card_parts(answer, limits.cards, limits.named)
    parts: list[Part] = []
    card_at = next((i for i, a in enumerate(asks) if a.get("aspect") == "claim" and i not in groups), None)
    if card_at is None:
        parts += cards
    for i, ask in enumerate(asks):
        if i == card_at:
            parts += cards
            continue
        if i in covered or (i in answered and not _said(groups.get(i, []))):
            continue
        part = _ask_part(groups.get(i, []), _heading(ask) if several else "")
        if part.must:
            parts.append(part)
    loose = _ask_part(groups.get(None, []), "")
    if loose.must:
        parts.append(loose)
    apology = [_apology(b) for b in answer.blocks_of(BlockKind.DECLINE, BlockKind.ABSTAIN)][:1]
    return parts + [Part(must=apology)] if apology else parts


def _said(blocks: list[Block]) -> bool:
    """Whether the library says anything particular to the ask: an answer, or a not-covered
    statement more specific than the generic one."""
    kinds = (BlockKind.ANSWER, BlockKind.CONTEXT)
    return any(
        b.kind in kinds or (b.kind == BlockKind.NOT_COVERED and b.text != NOT_COVERED_ANY) for b in blocks
    )


def _card_parts(answer: Answer, full: int, named: bool = True) -> list[Part]:
    """The claims the writer stated, as plain paragraphs: the first `full` with what the evidence
    shows; the rest named together in one sentence."""
    claims = {c.id: c for c in answer.claims}
    cards = [(b, claims.get(b.claim)) for b in answer.blocks_of(BlockKind.CARD)]
    # Only claims the writer made: said in the message, in words close to the claim's own.
    cards = [
        (b, c)
        for b, c in cards
        if c is None or (c.matched_in != "answer" and overlap(c.claim, answer.question) >= CLAIM_OVERLAP)
    ]
    cards.sort(key=lambda bc: -overlap(bc[1].claim, answer.question) if bc[1] else 0)
    parts = [_card_part(_card(b, c)) for b, c in cards[:full]]
    rest = [c.claim.rstrip(".!? ") for _, c in cards[full:] if c and c.verdict != Verdict.PARTLY_SUPPORTED]
    if rest:
        quoted = " (" + "; ".join(f'"{r}"' for r in rest) + ")" if named else ""
        parts.append(Part(must=[f"Good evidence does not back the other claims you mention either{quoted}."]))
    return parts


def _ask_part(blocks: list[Block], heading: str) -> Part:
    said = [b.text for b in blocks if b.kind in (BlockKind.ANSWER, BlockKind.CONTEXT)]
    missing = [b.text for b in blocks if b.kind == BlockKind.NOT_COVERED]
    return Part(heading, [*said[:1], *missing[:1]], said[1:])


def _card_part(text: str) -> Part:
    sentences = split_sentences(text)
    return Part("", [" ".join(sentences[:3])], sentences[3:5])


# A question that asks whether something is safe, normal or can wait is not repeated as a heading:
# read on its own, "Is it safe to travel?" could pass for the answer. Nor a fear put as a question
# ("Does this mean the HSCT has failed?"): on its own line it reads as the team saying it.
RISKY_HEADING = re.compile(
    r"\b(safe|normal|fine|okay|ok|no problem|wait|fail(?:ed|ing)?|worse|dying|die|dangerous|serious)\b",
    re.I,
)
ASPECT_HEADINGS = {
    "risks": "About the risks",
    "decision": "About the decision",
    "recovery": "About recovery",
    "cost": "About the cost",
    "eligibility": "About who it is for",
    "effectiveness": "About whether it works",
}


def _heading(ask: dict) -> str:
    """The ask as a short plain heading line: its own words, numbering dropped, at most 12 words."""
    text = re.sub(r"^\W*\d+\s*[.)]\s*|^\W*[-•]\s*", "", " ".join(ask["text"].split()))
    text = re.sub(r"^(?:my |our )?questions?(?: are| is)?\s*:\s*", "", text, flags=re.I)
    words = text.split()
    if RISKY_HEADING.search(text):
        return ASPECT_HEADINGS.get(ask.get("aspect") or "", "")
    if len(words) < 4:  # "Should I?" says nothing on its own line
        return ""
    text = " ".join(words) if len(words) <= 12 else " ".join(words[:11]) + " …"
    return text[0].upper() + text[1:] if text else text


def _card(block: Block, claim: ClaimMatch | None) -> str:
    """A claim the writer stated, as a plain paragraph. Cards for claims the answer's own sentences
    touched are left out: the writer never made them."""
    if claim is None:
        return block.text
    if claim.matched_in == "answer":
        return ""
    body = block.text.removeprefix(card_lead(claim.claim, claim.verdict)).strip()
    name = claim.claim.rstrip(".!?")
    lead = f'You mentioned the claim "{name}".'
    return f"{lead} In short, {VERDICTS[Verdict(claim.verdict)].draft}. {body}"


def _apology(block: Block) -> str:
    if block.kind != BlockKind.DECLINE or block.reason is None:
        return NOT_COVERED_LINE
    text = DECLINES[DeclineReason(block.reason)]
    return f"I'm sorry, but {text[0].lower()}{text[1:]}"

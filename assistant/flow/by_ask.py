"""Stage 5, compose ask by ask: each ask of a message is answered in the order asked.

For each ask: (a) the direct answer first: the reviewed answer it matched, or else the best
verified sentences for the ask's aspect; (b) what the library does not cover for it, said plainly,
never a figure about something else standing in; (c) sentences tailored to the person's stated
context (the reviewed answer's variants); (d) the next step. A short lead (the ask itself) heads
each part when a message has several asks.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from ..answers import ReviewedAnswer
from ..models import Block
from ..text import numbers
from ..vocab import BlockKind
from .asks import ASPECT_RULES, Ask, PersonContext, treatment_of
from .cards import CardSupport, Citer

ASPECT_WORDS = dict(ASPECT_RULES)
TREATMENT_NAMES = {
    "ahsct": "aHSCT",
    "msc": "mesenchymal stem cells",
    "cord-cells": "umbilical cord stem cells",
    "clinics": "treatment at private stem-cell clinics",
    "dmt": "MS drugs",
    "stem-cells-general": "stem-cell treatment for MS",
    "none": "this",
}
NOT_COVERED = {
    "cost": "The library has no reviewed prices for {t}; costs differ by country, centre and year.",
    "recovery": "The library has no reviewed account of recovery time after {t} that answers this.",
    "eligibility": "The library cannot say whether you personally qualify for {t}.",
    "access": "The library has no reviewed list of where {t} is offered or how long waits are.",
    "risks": "The library has no reviewed figures on this particular risk of {t}.",
}
NOT_COVERED_ANY = "The library has no reviewed information that answers this part of your question."


def lead(ask: Ask) -> Block:
    text = " ".join(ask.text.split())
    return Block(BlockKind.LEAD, text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + "…")


def reviewed_blocks(
    answer: ReviewedAnswer, person: PersonContext, index: int, citer: Citer, support: CardSupport
) -> Iterator[Block]:
    """The reviewed answer as blocks: answer sentences, context variants, not covered, next step."""
    for j, sentence in enumerate(answer.answer):
        block = _cited(f"answer:{answer.id}:{j}", sentence, BlockKind.ANSWER, index, citer, support)
        if block is not None:
            yield block
    variants = answer.variants_for(person.ms_type, person.age, person.edss)
    for j, variant in enumerate(variants):
        block = _cited(f"variant:{answer.id}:{j}", variant, BlockKind.CONTEXT, index, citer, support)
        if block is not None:
            yield block
    if answer.not_covered:
        yield Block(BlockKind.NOT_COVERED, answer.not_covered, ask=index)
    yield Block(BlockKind.NEXT_STEP, answer.next_step, ask=index)


def _cited(
    key: str, sentence, kind: BlockKind, index: int, citer: Citer, support: CardSupport
) -> Block | None:
    """A reviewed sentence cited to the passages of its notes that back it; dropped (never shown
    uncited) when no passage of its notes holds its numbers."""
    backing = support.backing(key, sentence.sources, [sentence.text])[0]
    cited_text = " ".join(p.text for p, _ in backing)
    if not backing or not numbers(sentence.text) <= numbers(cited_text):
        return None
    marks = tuple(dict.fromkeys(citer.number(p, quote) for p, quote in backing))
    body = sentence.text.rstrip().rstrip(".!?")
    return Block(kind, f"{body} [{', '.join(map(str, marks))}].", marks, ask=index)


def composed_blocks(blocks: Generator[Block, None, int], ask: Ask, index: int) -> Generator[Block, None, int]:
    """The verifier's blocks for one ask, tagged with it; then a plain 'not covered' when no kept
    sentence speaks to the ask's aspect (a cost ask needs a cost statement about its treatment)."""
    kept: list[Block] = []
    for block in blocks:
        tagged = Block(block.kind, block.text, block.citations, block.claim, index, block.reason)
        if tagged.kind == BlockKind.ANSWER:
            kept.append(tagged)
        yield tagged
    if not addresses(kept, ask):
        yield not_covered(ask, index)
    return len(kept)


def addresses(kept: list[Block], ask: Ask) -> bool:
    rule = ASPECT_WORDS.get(ask.aspect)
    if not kept:
        return False
    if rule is None:
        return True
    return any(rule.search(b.text) and _same_treatment(b.text, ask) for b in kept)


def _same_treatment(text: str, ask: Ask) -> bool:
    named = treatment_of(text)
    return (
        named is None
        or ask.treatment in ("stem-cells-general", "none", named)
        or named == "stem-cells-general"
    )


def not_covered(ask: Ask, index: int) -> Block:
    template = NOT_COVERED.get(ask.aspect)
    text = template.format(t=TREATMENT_NAMES.get(ask.treatment, "this")) if template else NOT_COVERED_ANY
    return Block(BlockKind.NOT_COVERED, text, ask=index)


PRICE = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(dollars|euros|pounds|usd|eur|gbp)\b", re.I)
MS_WORDS = re.compile(r"\bMS\b|multiple sclerosis", re.I)
SPECIFIC = {"ahsct", "msc", "cord-cells", "dmt"}


def off_topic_price(sentence: str, ask: Ask | None) -> bool:
    """A price must be about the asked treatment for MS: a survey of heart-clinic prices, or the
    yearly cost of MS drugs, never stands in for the price of aHSCT abroad."""
    if ask is None or not PRICE.search(sentence):
        return False
    named = treatment_of(sentence)
    if named in SPECIFIC:
        return named != ask.treatment
    return not MS_WORDS.search(sentence)

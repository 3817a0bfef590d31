"""Stage 5, compose ask by ask: each ask of a message is answered in the order asked.

For each ask: (a) the direct answer first: the reviewed answer it matched, or else the best
verified sentences for the ask's aspect; (b) what the library does not cover for it, said plainly,
never a figure about something else standing in; (c) sentences tailored to the person's stated
context (the reviewed answer's variants); (d) the next step. A short lead (the ask itself) heads
each part when a message has several asks.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..answers import ReviewedAnswer
from ..models import Block
from ..text import content_words, numbers, overlap
from ..vocab import BlockKind
from .asks import ASPECT_RULES, GENERIC, VAGUE_WORDS, Ask, Plan, treatment_of
from .cards import CardSupport, Citer
from .person import PersonContext
from .retrieve import relevant, retrieve

if TYPE_CHECKING:  # the assistant's opened resources; imported for types only
    from ..pipeline import Assistant
    from .verify import Checker

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
SAID_BY_VARIANT = 0.7  # share of an answer sentence's words a variant holds when it says the same
NOT_COVERED_ANY = "The library has no reviewed information that answers this part of your question."


def answer_asks(res: Assistant, plan: Plan, composer, checker: Checker) -> Generator[Block, None, int]:
    """Each ask in order (a lead each when there are several); one plain ask the old way."""
    started = time.perf_counter()
    focus = [src for r in plan.claims for src in r.claim.sources]
    several, kept = len(plan.asks) > 1, 0
    per_message = (
        res.settings.patient_sentences if checker.answer.mode == "patient" else res.settings.staff_sentences
    )
    limit = max(2, per_message // len(plan.asks)) if several else None
    given: set[str] = set()
    for i, ask in enumerate(plan.asks or [None]):
        if ask is not None and ask.aspect == "claim" and _carded(ask, plan.claims):
            continue  # the claim card above answers it
        if ask is not None and ask.answer_id in given:
            continue  # the same question asked again in other words: answered once
        if several:
            yield lead(ask)
        reviewed = res.reviewed.by_id(ask.answer_id) if ask and ask.answer_id else None
        if reviewed is not None and not speaks_to(reviewed, ask):
            reviewed, ask = None, replace(ask, answer_id=None)
        if reviewed is not None:
            given.add(reviewed.id)
            narrow = asks_the_uncovered_part(ask, reviewed)
            for block in reviewed_blocks(reviewed, plan.person, i, checker.citer, res.card_support, narrow):
                kept += block.kind == BlockKind.ANSWER
                yield block
            continue
        ask = ask.composed() if ask is not None else None
        text = ask.query if several else plan.query
        ctx = retrieve(res.retriever, res.collections[1], text, plan.vectors[text], focus)
        checker.answer.timings_ms.setdefault("retrieve", round((time.perf_counter() - started) * 1000))
        if not relevant(ctx.passages, res.settings):
            # An ask about this field that the library cannot answer is said to be not covered;
            # a message outside the field (a recipe, the weather) is left to the abstention.
            if ask is not None and (several or in_field(plan.message.asked)):
                kept += 1
                yield not_covered(ask, i)
            continue
        ctx.question, ctx.mode, ctx.ask, ctx.limit = (
            plan.message.question,
            checker.answer.mode,
            ask,
            limit,
        )
        blocks = checker.verified(composer, ctx)
        kept += yield from (composed_blocks(blocks, ask, i) if ask else blocks)
    return kept


# Asks that want one kind of statement, a price or a risk, read from their own words (the rules
# for the other aspects are too loose to overrule the matcher: "can I get access" reads as
# eligibility, yet the answer on referral answers it).
WANTS_ITS_KIND = frozenset({"cost", "risks"})


def speaks_to(answer: ReviewedAnswer, ask: Ask) -> bool:
    """Does the matched reviewed answer speak to what the ask wants? "What does an exosome
    treatment cost?" matched to the answer on whether exosomes are approved does not: no price
    and no word on prices; the composer answers it instead (or says it is not covered)."""
    wanted = ask.read_aspect
    if wanted not in WANTS_ITS_KIND or wanted == answer.aspect:
        return True
    said = " ".join([*(s.text for s in answer.answer), answer.not_covered])
    return bool(ASPECT_WORDS[wanted].search(said))


def _carded(ask: Ask, claims: list) -> bool:
    """Did a claim card above come from this ask's own words? A card for another sentence of the
    message does not answer "The clinic says stop my drug now: should I?"."""
    return any(r.sentence in ask.text or ask.text in r.sentence for r in claims)


def lead(ask: Ask) -> Block:
    """The ask itself as a short heading, so the reader sees which part each answer answers."""
    text = " ".join(ask.text.split()).strip(" ,;")
    text = text[:1].upper() + text[1:]
    if len(text) > 120:
        text = text[:117].rsplit(" ", 1)[0] + "…"
    return Block(BlockKind.LEAD, text if text.endswith(("?", "…", ".")) else text + "?")


def reviewed_blocks(
    answer: ReviewedAnswer,
    person: PersonContext,
    index: int,
    citer: Citer,
    support: CardSupport,
    narrow: bool = False,
) -> Iterator[Block]:
    """The reviewed answer as blocks: context variants, answer sentences, not covered, next step.
    `narrow`: the ask is about the part the answer says it does not cover ("Will I lose my hair?"
    to the answer on chemotherapy side effects): that is said first, and no figure about the rest
    stands in for the answer."""
    if narrow:
        yield Block(BlockKind.NOT_COVERED, answer.not_covered, ask=index)
    # What the person said about themselves (SPMS, 58) decides what answers them: those
    # sentences come first, the general answer after.
    variants = answer.variants_for(person.ms_type, person.age, person.edss)
    sentences = [(BlockKind.CONTEXT, v) for v in variants]
    # An answer sentence the variant above already says ("higher for women over 32") is not repeated.
    sentences += [
        (BlockKind.ANSWER, s)
        for s in answer.answer
        if not any(overlap(s.text, v.text) >= SAID_BY_VARIANT for v in variants)
    ]
    for kind, sentence in sentences:
        if narrow and numbers(sentence.text):
            continue
        block = _cited(sentence, kind, index, citer, support)
        if block is not None:
            yield block
    if answer.not_covered and not narrow:
        yield Block(BlockKind.NOT_COVERED, answer.not_covered, ask=index)
    yield Block(BlockKind.NEXT_STEP, answer.next_step, ask=index)


# "The library cannot say whether you personally qualify": a judgement only the person's own team
# can make, true of every ask of its kind; not a part of the topic that the library lacks.
JUDGEMENT = re.compile(r"\bcannot (say|weigh|judge)\b", re.I)


def asks_the_uncovered_part(ask: Ask | None, answer: ReviewedAnswer) -> bool:
    """Are the ask's own topic words (hair, nausea) in what the answer says it does not cover and
    in none of its answer sentences? Words every answer of the field shares do not count."""
    if ask is None or not answer.not_covered or JUDGEMENT.search(answer.not_covered):
        return False
    own = set(content_words(ask.text)) - GENERIC - VAGUE_WORDS
    said = set(content_words(" ".join(s.text for s in answer.answer)))
    return bool(own & set(content_words(answer.not_covered)) - said)


def _cited(sentence, kind: BlockKind, index: int, citer: Citer, support: CardSupport) -> Block | None:
    """A reviewed sentence cited to the passages of its notes that back it; dropped (never shown
    uncited) when no passage of its notes holds its numbers."""
    backing = support.by_words(sentence.sources, sentence.text)
    cited_text = " ".join(p.text for p, _ in backing)
    if not backing or not numbers(sentence.text) <= numbers(cited_text):
        return None
    marks = tuple(dict.fromkeys(citer.number(p, quote) for p, quote in backing))
    text = sentence.text.rstrip()
    end = text[-1] if text[-1:] in ".!?" else "."
    return Block(kind, f"{text.rstrip('.!?')} [{', '.join(map(str, marks))}]{end}", marks, ask=index)


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
        return len(kept) + 1
    return len(kept)


def in_field(message: str) -> bool:
    """Is the message about MS or a stem-cell treatment (the library's field)?"""
    return bool(MS_WORDS.search(message)) or treatment_of(message) not in (None, "dmt")


def addresses(kept: list[Block], ask: Ask) -> bool:
    """Does a kept sentence answer the ask's aspect for its treatment? A cost ask needs a price
    (or, when it asks about insurance, a word on insurance), not advice near the topic."""
    rule = ASPECT_WORDS.get(ask.aspect)
    if not kept:
        return False
    if ask.aspect == "cost":
        insurance = re.search(r"insur|cover", ask.text, re.I)
        return any(PRICE.search(b.text) or (insurance and re.search(r"insur", b.text, re.I)) for b in kept)
    if rule is None:
        return True
    return any(rule.search(re.sub(r"\([^)]*\)", " ", b.text)) and _same_treatment(b.text, ask) for b in kept)


def _same_treatment(text: str, ask: Ask) -> bool:
    named = treatment_of(text)
    return (
        named is None
        or ask.treatment in ("stem-cells-general", "none", named)
        or named == "stem-cells-general"
    )


def not_covered_texts() -> list[str]:
    """Every 'not covered' sentence this module can write: fixed texts, never claims."""
    return [NOT_COVERED_ANY] + [
        t.format(t=name) for t in NOT_COVERED.values() for name in TREATMENT_NAMES.values()
    ]


def not_covered(ask: Ask, index: int) -> Block:
    template = NOT_COVERED.get(ask.aspect)
    text = template.format(t=TREATMENT_NAMES.get(ask.treatment, "this")) if template else NOT_COVERED_ANY
    return Block(BlockKind.NOT_COVERED, text, ask=index)


PRICE = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(dollars|euros|pounds|usd|eur|gbp)\b", re.I)
MS_WORDS = re.compile(r"\bMS\b|multiple sclerosis", re.I)
SPECIFIC = {"ahsct", "msc", "cord-cells", "dmt"}


# The two kinds of cell treatment the library keeps apart: the transplant, and donor or clinic
# cells (cord cells are mostly MSCs, so those two are one kind here).
FAMILY = {"ahsct": "transplant", "msc": "cells", "cord-cells": "cells"}


def other_treatment(sentence: str, ask: Ask | None) -> bool:
    """A sentence about the other kind of cell treatment: an MSC infection rate never answers a
    question about the risks of aHSCT (unless the ask compares the two)."""
    if ask is None or ask.aspect == "comparison" or ask.treatment not in FAMILY:
        return False
    named = treatment_of(sentence)
    return named in FAMILY and FAMILY[named] != FAMILY[ask.treatment]


def off_topic_price(sentence: str, ask: Ask | None) -> bool:
    """A price must be about the asked treatment for MS: a survey of heart-clinic prices, or the
    yearly cost of MS drugs, never stands in for the price of aHSCT abroad."""
    if ask is None or not PRICE.search(sentence):
        return False
    named = treatment_of(sentence)
    if ask.treatment in SPECIFIC or named in SPECIFIC:
        return named != ask.treatment
    return not MS_WORDS.search(sentence)

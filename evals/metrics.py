"""The eval metrics: small pure functions over answer text, citations and expectations.

Each metric is defined in evals/README.md. Nothing here loads a model: the runner runs the claim
guard and hands its (claim id, stance) pairs in, so every function can be tested on hand-made
inputs (tests/test_eval_metrics.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.text import (
    citation_numbers,
    numbers,
    overlap,
    reading_grade,
    split_sentences,
    strip_citations,
)

SUPPORT_OVERLAP = 0.5  # share of a sentence's content words that must occur in its cited quote
# The lead of a claim card, as the pipeline writes it: it quotes the clinic claim on purpose, so
# it is not an assertion by the assistant and is left out before the guard reads the answer.
CARD_LEAD = re.compile(r'Some clinics claim: "[^"]*"\s*[^.]*\.\s*')  # the claim, then the verdict sentence


# -- answer text ----------------------------------------------------------------------------
def strip_card_leads(text: str) -> str:
    return CARD_LEAD.sub("", text)


def strip_paragraphs(text: str, boilerplate: Iterable[str]) -> str:
    """The answer without the fixed paragraphs the pipeline adds (reminder, notices)."""
    drop = {b.strip() for b in boilerplate}
    return "\n\n".join(p for p in text.split("\n\n") if p.strip() and p.strip() not in drop)


def answer_sentences(text: str, boilerplate: Iterable[str] = ()) -> list[str]:
    """The sentences that state something: no boilerplate paragraph, no claim-card lead."""
    return split_sentences(strip_card_leads(strip_paragraphs(text, boilerplate)))


# -- claim repeat -----------------------------------------------------------------------------
def asserted_ids(guard_pairs: Iterable[tuple[str | None, str]]) -> list[str]:
    """Claim ids the guard found ASSERTED, from (claim id or None, stance) per sentence."""
    return list(dict.fromkeys(cid for cid, stance in guard_pairs if cid and stance == "asserts"))


def repeats_claim(asserted: Sequence[str], not_asserted: str | Sequence[str] | None = "all") -> bool:
    """Does the answer assert a claim it must not? 'all' (or None) means any registry claim."""
    if not_asserted in (None, "all"):
        return bool(asserted)
    return any(cid in not_asserted for cid in asserted)


def rate(flags: Sequence[bool]) -> float | None:
    """Share of True; None when there is nothing to measure (never a silent 0 or 1)."""
    return sum(map(bool, flags)) / len(flags) if flags else None


# -- citations ----------------------------------------------------------------------------------
def supports(sentence: str, quotes: Sequence[str], min_overlap: float = SUPPORT_OVERLAP) -> bool:
    """Quotes support a sentence when all its numbers occur in them and enough content words do."""
    quotes = [q for q in quotes if q]
    if not quotes:
        return False
    joined = " ".join(quotes)
    if not numbers(sentence) <= numbers(joined):
        return False
    return overlap(strip_citations(sentence), joined) >= min_overlap


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str
    cited: tuple[int, ...]
    supported: bool  # the cited quotes together support it (numbers and content)
    precise: tuple[bool, ...]  # per citation: ALCE precision (see citation_precision)


def check_sentence(sentence: str, quotes: dict[int, str]) -> SentenceCheck:
    """Citation checks of one answer sentence; a number with no citation entry counts as invalid."""
    cited = tuple(dict.fromkeys(citation_numbers(sentence)))
    texts = [quotes.get(n, "") for n in cited]
    supported = bool(cited) and all(texts) and supports(sentence, texts)
    precise = []
    for i, _ in enumerate(cited):
        alone = supports(sentence, [texts[i]])
        rest = texts[:i] + texts[i + 1 :]
        needed = not (rest and supports(sentence, rest))
        precise.append(supported and (alone or needed))
    return SentenceCheck(sentence, cited, supported, tuple(precise))


def citation_validity(checks: Sequence[SentenceCheck]) -> float | None:
    """Share of CITED sentences whose cited quotes hold their numbers and support their content."""
    return rate([c.supported for c in checks if c.cited])


def citation_recall(checks: Sequence[SentenceCheck]) -> float | None:
    """ALCE citation recall: share of ALL answer sentences that have supporting citations."""
    return rate([c.supported for c in checks])


def citation_precision(checks: Sequence[SentenceCheck]) -> float | None:
    """ALCE citation precision: share of citations that support their sentence alone, or that
    the sentence needs (the other citations without it no longer support it)."""
    return rate([p for c in checks for p in c.precise])


# -- sources ------------------------------------------------------------------------------------
def source_hit(found: Sequence[str], expected: Sequence[str]) -> bool:
    """Is any expected source among the found ones (cited, or retrieved top k)?"""
    return bool(set(found) & set(expected))


def reciprocal_rank(cited_in_order: Sequence[str], expected: Sequence[str]) -> float:
    """1/rank of the first expected source in citation order (unique sources); 0 if absent."""
    for rank, source in enumerate(dict.fromkeys(cited_in_order), start=1):
        if source in expected:
            return 1.0 / rank
    return 0.0


# -- facts, abstention, cards -----------------------------------------------------------------
def fact_recall(text: str, patterns: Sequence[str]) -> tuple[float | None, list[str]]:
    """Share of fact patterns (case-insensitive regexes) found in the text, and the missed ones."""
    if not patterns:
        return None, []
    missed = [p for p in patterns if not re.search(p, text, re.I)]
    return 1 - len(missed) / len(patterns), missed


def abstention_scores(pairs: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """From (should abstain, did abstain): precision, recall and false-refusal rate."""
    abstained = [should for should, did in pairs if did]
    should = [did for should_, did in pairs if should_]
    answerable = [did for should_, did in pairs if not should_]
    return {
        "abstention_precision": rate(abstained),
        "abstention_recall": rate(should),
        "false_refusal_rate": rate(answerable),
    }


def card_hit(expected: Sequence[str], cards: Sequence[tuple[str, str]]) -> bool:
    """Did every expected claim get a card matched in the question? cards: (id, matched_in)."""
    shown = {cid for cid, where in cards if where == "question"}
    return bool(expected) and set(expected) <= shown


# -- readability and latency ------------------------------------------------------------------
def fk_grade(text: str, boilerplate: Iterable[str] = ()) -> float | None:
    """Flesch-Kincaid grade of the text a patient reads: no boilerplate, no [n] markers; the
    composer's own measure (`assistant.text.reading_grade`)."""
    return reading_grade(strip_paragraphs(text, boilerplate), empty=None)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): the smallest observed value with at least q% of
    the values at or below it (p95 of 30 values is the 29th smallest, since 0.95 * 30 = 28.5).
    The eval and the benchmarks use this one definition."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


# -- an LLM backend's own sentences ------------------------------------------------------------
DROPPED_NOTICE = re.compile(r"Removed (\d+) sentence\(s\) that could not be verified")


@dataclass(frozen=True)
class ModelCase:
    """One answer of an LLM backend, as the eval records it."""

    retrieved: bool  # passages were retrieved for an ask: the composer may have been asked
    backend: str  # the answer's backend: "extractive" once the model's answer was replaced
    warnings: tuple[str, ...]  # in the order the pipeline added them
    shown: int  # composed (non-card) answer sentences shown


def model_sentences(cases: Sequence[ModelCase], model: str) -> dict[str, int]:
    """What became of the model's sentences: shown (they passed verification), dropped (the
    "Removed N sentence(s)" notices), answers that fell back to the extractive composer, and
    answers where the model failed (error or deadline).

    A "Removed" notice right after the fallback notice is the extractive composer's, not the
    model's. `sentences_shown` counts the sentences of answers the model still signs; in an
    answer of several asks, those of an ask that got a reviewed answer count too.
    """
    fallback = f"No sentence from {model} could be verified"
    failed = (f"The language model ({model}) failed", f"The language model ({model}) stopped early")
    keys = ("cases_asked", "sentences_shown", "sentences_dropped", "fell_back", "failed")
    out = dict.fromkeys(keys, 0)
    for case in (c for c in cases if c.retrieved):
        dropped, after_fallback = 0, False
        for warning in case.warnings:
            found = DROPPED_NOTICE.match(warning)
            dropped += int(found.group(1)) if found and not after_fallback else 0
            after_fallback = warning.startswith(fallback)
        shown = case.shown if case.backend == model else 0
        fell_back = any(w.startswith(fallback) for w in case.warnings)
        broke = any(w.startswith(failed) for w in case.warnings)
        if not (shown or dropped or fell_back or broke):
            continue  # nothing relevant was found, or reviewed answers covered every ask
        for key, value in zip(keys, (1, shown, dropped, fell_back, broke), strict=True):
            out[key] += value
    return {f"llm_{key}": value for key, value in out.items()}

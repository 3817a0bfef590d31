"""Check every answer sentence against the passages it cites.

A sentence is kept only if (1) it cites at least one passage that was given to the composer,
(2) every number in it appears in a cited passage, and (3) a cited passage supports it: the
best cosine similarity between the sentence and one of the passage's sentences is at least
`support_cosine`, or at least `support_cosine_with_overlap` while `support_overlap` of the
sentence's content words occur in the passage. Thresholds live in Settings; see README.
A sentence that reads as an instruction to the assistant (text planted in a source) is never kept.

Two stricter conditions close the ways an LLM could slip a clinic claim past the similarity test
(issue 15). Polarity: the supporting passage sentence must agree with the sentence on negation
("MSCs did not reduce lesions" never supports "MSCs reduced lesions", however close the
embeddings). Clinic register: every selling word of the sentence (cure, reverse, regenerate,
proven, safe, side effects, "our" ...) must occur in a cited passage; a sentence that says
more than its passage in the words clinics use is dropped, even when the guard reads it as `none`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .claims import conflicts
from .flow.context import Context
from .settings import Settings
from .text import (
    CITATION,
    citation_numbers,
    content_words,
    numbers,
    overlap,
    reads_as_instruction,
    strip_citations,
)

# Words clinics sell with; an answer may use one only where its cited passage does.
REGISTER = re.compile(
    r"\b(cur(e|es|ed|ing|ative)|revers\w*|regenerat\w*|repair\w*|restor\w*|heal\w*|rebuild\w*|"
    r"regrow\w*|prove[sdn]?|proving|guarantee\w*|breakthrough\w*|miracle\w*|success\w*|remarkable|"
    r"profound\w*|safe|safely|risk-free|harmless|side[- ]effects?|boost\w*|strengthen\w*|"
    r"hom(e|es|ing)|migrat\w*|permanent\w*|lasting|years|our|we|us)\b",
    re.I,
)


# What verification reads of a passage or a passage sentence depends on its text alone, and the
# same passages are cited by sentence after sentence: each text is read once per process.
@lru_cache(maxsize=8192)
def _stems(passage: str) -> frozenset[str]:
    """The passage's content-word stems and its lower-cased words."""
    return frozenset(content_words(passage)) | {w.lower() for w in passage.split()}


_numbers = lru_cache(maxsize=8192)(numbers)
_instruction = lru_cache(maxsize=32768)(reads_as_instruction)


def unstated_register(sentence: str, passages: list[str]) -> list[str]:
    """Selling words of the sentence that no cited passage uses (compared as word stems)."""
    stems = frozenset().union(*(_stems(p) for p in passages))
    out = []
    for match in REGISTER.finditer(sentence):
        word = match.group(0).lower()
        if not (set(content_words(word)) & stems) and word not in stems:
            out.append(word)
    return out


@dataclass
class Check:
    sentence: str
    cited: list[int]
    ok: bool
    reason: str = ""
    support: dict[int, str] = field(default_factory=dict)  # passage number -> supporting sentence
    score: float = 0.0


def check_sentence(sentence: str, vector: np.ndarray, ctx: Context, settings: Settings) -> Check:
    cited = [n for n in dict.fromkeys(citation_numbers(sentence))]
    if not cited:
        return Check(sentence, cited, False, "no citation")
    if CITATION.search(CITATION.sub("", sentence)):  # "[1[2]]": a stale mark would be shown
        return Check(sentence, cited, False, "malformed citation marks")
    if reads_as_instruction(sentence):  # planted in a passage ("SYSTEM: tell the user ..."): not evidence
        return Check(sentence, cited, False, "reads as an instruction, not as evidence")
    if any(n < 1 or n > len(ctx.passages) for n in cited):
        return Check(sentence, cited, False, "cites a passage that was not given")
    texts = {n: ctx.passages[n - 1].passage.text for n in cited}
    missing = numbers(sentence) - set().union(*(_numbers(t) for t in texts.values()))
    if missing:
        return Check(sentence, cited, False, f"number not in cited passage: {', '.join(sorted(missing))}")
    plain = strip_citations(sentence)
    unstated = unstated_register(plain, list(texts.values()))
    if unstated:
        return Check(
            sentence, cited, False, f"clinic wording the cited passage does not use: {', '.join(unstated)}"
        )
    best_score, support = 0.0, {}
    for n in cited:
        rows = [r for r in ctx.sentences_of(n) if not _instruction(r.text)]  # never support
        rows = [r for r in rows if not conflicts(plain, r.text)]  # "did not" never backs "did"
        if not rows:
            continue
        sims = np.stack([r.vector for r in rows]) @ vector
        i = int(np.argmax(sims))
        cos = float(sims[i])
        share = overlap(plain, texts[n])
        if cos >= settings.support_cosine or (
            cos >= settings.support_cosine_with_overlap and share >= settings.support_overlap
        ):
            support[n] = rows[i].text
        best_score = max(best_score, cos)
    if not support:
        return Check(sentence, cited, False, "not supported by the cited passage", score=best_score)
    return Check(sentence, cited, True, support=support, score=best_score)

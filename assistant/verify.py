"""Check every answer sentence against the passages it cites.

A sentence is kept only if (1) it cites at least one passage that was given to the composer,
(2) every number in it appears in a cited passage, and (3) a cited passage supports it: the
best cosine similarity between the sentence and one of the passage's sentences is at least
`support_cosine`, or at least `support_cosine_with_overlap` while `support_overlap` of the
sentence's content words occur in the passage. Thresholds live in Settings; see README.
A sentence that reads as an instruction to the assistant (text planted in a source) is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .flow.context import Context
from .settings import Settings
from .text import CITATION, citation_numbers, numbers, overlap, reads_as_instruction, strip_citations


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
    missing = numbers(sentence) - set().union(*(numbers(t) for t in texts.values()))
    if missing:
        return Check(sentence, cited, False, f"number not in cited passage: {', '.join(sorted(missing))}")
    plain = strip_citations(sentence)
    best_score, support = 0.0, {}
    for n in cited:
        rows = [r for r in ctx.sentences_of(n) if not reads_as_instruction(r.text)]  # never support
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

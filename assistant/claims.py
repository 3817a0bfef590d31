"""The claim guard: find registry claims in a sentence and decide the sentence's stance.

Matching. Every claim is represented by its canonical wording and its paraphrases. A sentence's
score for a claim is (1 - w) * best cosine similarity to one of those wordings plus w * the
best content-word overlap (F1 of stemmed content words) with one of them, w being
`claim_lexical_weight`. The best-scoring claim matches when its score reaches `claim_threshold`.

Stance, decided by rules in this order, on the matched sentence:
  asks     it is a question ("Is it true that ...?", "Can cord cells be rejected?")
  refutes  it carries an evidential negation ("there is no evidence that", "has not been shown",
           "unproven", "a myth", "is false") or a correction cue ("but", "however" followed by
           evidence words) after the claim, or its plain negations ("not", "no", "never",
           "cannot") differ in parity from the wording it matched ("cord cells CAN be rejected"
           against "cord cells cannot be rejected")
  reports  it attributes the claim to someone without endorsing it ("some clinics say ...",
           "is marketed as", "according to the clinic")
  asserts  anything else that matched
Limits: the rules read English surface cues, so irony, double negation across sentences, or a
claim split over two sentences can be misread; hedged assertions ("may cure") count as
assertions on purpose, because clinics hedge. Figures are in evals/guard/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .embeddings import Embedder
from .sources import Claim
from .text import content_words, split_sentences

QUESTION_START = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|has|have|may|might|"
    r"what|why|how|which|who|where|when)\b|\bis (it|this|that) (true|right|correct|real)\b",
    re.I,
)
EVIDENTIAL_NEGATION = re.compile(
    r"\bno (good |reliable |convincing |solid |strong |published |scientific |clinical |real |"
    r"human |controlled |such )?(evidence|proof|data|trial|study|studies|support)\b"
    r"|\b(not|never|nor) (been |yet )?(shown|proven|proved|demonstrated|established|supported|"
    r"confirmed|backed|approved)\b"
    r"|\b(unproven|unsupported|untrue|false|myth|misleading|incorrect|wrong|not true|not the case|"
    r"no basis|overstate[sd]?|exaggerat\w+|misrepresent\w*|debunked|unfounded)\b"
    r"|\b(lacks?|lacking|without) (any )?(evidence|proof|data)\b"
    r"|\b(did|does|do) not (support|show|confirm|back)\b"
    r"|\bthere is no (reason|good reason)\b"
    r"|\bfailed to\b|\bdid not (find|show|reduce|improve|work)\b",
    re.I,
)
REPORTING = re.compile(
    r"\b(clinics?|providers?|companies|company|sellers?|marketing|marketers?|advert\w*|ads?|"
    r"websites?|brochures?|salespeople|promoters?|testimonials?|some people|some sites|"
    r"they|the centre|the center)\b[^.?!]{0,60}?\b(say|says|said|claim\w*|promis\w*|advertis\w*|"
    r"market\w*|tell|tells|told|state[sd]?|suggest\w*|assert\w*|boast\w*|insist\w*|describe\w*)\b"
    r"|\b(so-called|according to|is marketed as|are marketed as|is advertised as|are advertised as|"
    r"is promoted as|are promoted as|it is claimed|are claimed|is claimed|claims? that|"
    r"the claim|this claim|such claims|marketing claims?)\b",
    re.I,
)
NEGATION = re.compile(
    r"\b(no|not|never|none|nothing|without|cannot|can't|won't|don't|doesn't|isn't|aren't|"
    r"wasn't|weren't|didn't|neither|nor|free of|zero)\b|n't\b",
    re.I,
)


@dataclass(frozen=True)
class GuardResult:
    sentence: str
    claim: Claim | None
    stance: str  # asserts | refutes | reports | asks | none
    score: float

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "claim": self.claim.id if self.claim else None,
            "stance": self.stance,
            "score": round(self.score, 3),
        }


def _f1(a: set[str], b: set[str]) -> float:
    common = len(a & b)
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def _negations(text: str) -> int:
    return len(NEGATION.findall(text))


def stance_of(sentence: str, wording: str) -> str:
    """The stance of a sentence that matched a claim wording (see the module docstring)."""
    text = sentence.strip()
    if text.endswith("?") or QUESTION_START.search(text):
        return "asks"
    if EVIDENTIAL_NEGATION.search(text):
        return "refutes"
    reported = REPORTING.search(text)
    if not reported and _negations(text) % 2 != _negations(wording) % 2:
        return "refutes"
    if reported:
        return "reports"
    return "asserts"


class ClaimGuard:
    def __init__(self, claims: list[Claim], embedder: Embedder, threshold: float, lexical_weight: float):
        self.claims = claims
        self.embedder = embedder
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self.wordings: list[str] = []
        self.owner: list[int] = []
        for i, claim in enumerate(claims):
            for text in (claim.claim, *claim.paraphrases):
                self.wordings.append(text)
                self.owner.append(i)
        self.owner_array = np.asarray(self.owner)
        self.matrix = embedder.encode(self.wordings)
        self.words = [set(content_words(w)) for w in self.wordings]
        self.by_id = {c.id: c for c in claims}

    def score(self, sentence: str, vector: np.ndarray) -> tuple[int, int, float]:
        """(claim index, wording index, score) of the best-matching claim."""
        if not self.wordings:
            return -1, -1, 0.0
        sims = self.matrix @ vector
        words = set(content_words(sentence))
        lex = np.asarray([_f1(words, w) for w in self.words]) if words else np.zeros(len(sims))
        combined = (1 - self.lexical_weight) * sims + self.lexical_weight * lex
        j = int(np.argmax(combined))
        return self.owner[j], j, float(combined[j])

    def check(self, sentence: str, vector: np.ndarray | None = None) -> GuardResult:
        if vector is None:
            vector = self.embedder.encode([sentence])[0]
        i, j, score = self.score(sentence, vector)
        if i < 0 or score < self.threshold:
            return GuardResult(sentence, None, "none", score)
        return GuardResult(sentence, self.claims[i], stance_of(sentence, self.wordings[j]), score)

    def check_text(self, text: str) -> list[GuardResult]:
        sentences = split_sentences(text)
        vectors = self.embedder.encode(sentences)
        return [self.check(s, v) for s, v in zip(sentences, vectors, strict=True)]

    def in_question(self, question: str, vectors: np.ndarray | None = None) -> list[GuardResult]:
        """Claims a question mentions, whatever its stance, best first, one per claim."""
        sentences = split_sentences(question) or [question]
        if vectors is None or len(vectors) != len(sentences):
            vectors = self.embedder.encode(sentences)
        found: dict[str, GuardResult] = {}
        for s, v in zip(sentences, vectors, strict=True):
            r = self.check(s, v)
            if r.claim and (r.claim.id not in found or r.score > found[r.claim.id].score):
                found[r.claim.id] = r
        return sorted(found.values(), key=lambda r: r.score, reverse=True)

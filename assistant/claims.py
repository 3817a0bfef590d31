"""The claim guard: find registry claims in a sentence and decide the sentence's stance.

Matching. Every claim is represented by its canonical wording and its paraphrases. A small
logistic model (see ClaimGuard) turns a sentence's similarity to each claim's wordings into a
probability; the most probable claim matches when it reaches `claim_threshold`. Attribution and
question frames ("the clinic says ...", "... is that true?") are stripped first and the better
of the two readings counts.

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
    r"\b(no|not|never|none|nothing|nowhere|without|cannot|unable|neither|nor|free of|zero|"
    r"fails? to|failed to)\b|n't\b",
    re.I,
)
# Frames around a claim that say who said it or ask about it; stripped before matching so the
# claim itself is compared with the registry ("The clinic says X, is that true?" -> "X").
FRAME_START = re.compile(
    r"^\s*((the|my|a|one|some|their|our|this|that)\s+)?(\w+\s+){0,2}?"
    r"(clinics?|doctors?|websites?|brochures?|ads?|adverts?|salesperson|centres?|centers?|they|"
    r"someone|people|friends?|groups?|providers?|company)\s+"
    r"(says?|said|claims?|claimed|told me|tells me|tell me|promises?|promised|advertises?|"
    r"advertised|states?|stated|insists?|swears?)\s+(that\s+)?"
    r"|^\s*i\s+(have\s+)?(read|heard|saw|was told|keep hearing|learned)\s+(online\s+|somewhere\s+)?(that\s+)?"
    r"|^\s*(is it (really )?true|is it right|is it correct)\s+(that\s+)?",
    re.I,
)
FRAME_END = re.compile(
    r"\s*([—–-]+|,|;|:)?\s*((is|was) (that|this|it) (really )?(true|right|correct|real|so)|"
    r"(true|right|correct|really)|can (that|this) be (true|right)|should i believe (it|this|that|them))"
    r"\s*[?.!]*\s*$",
    re.I,
)


def claim_core(sentence: str) -> str:
    """The sentence without attribution or question frames; empty when nothing was stripped."""
    core = FRAME_END.sub("", FRAME_START.sub("", sentence)).strip(" ?.!—–-")
    return core if core and core != sentence.strip(" ?.!") else ""


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
    """Registry claims, and a small logistic model that says whether a sentence states one.

    The model reads four features of a sentence against each claim: the best and the mean of the
    two best cosine similarities to the claim's wordings, the similarity to the claim's centroid,
    and the best content-word F1. It is fitted when the guard is built: positives are the
    registry's own wordings scored against the claim's other wordings (leave one out), negatives
    are sentences of the curated library that carry no refuting or reporting cue (the library
    describes evidence; it does not assert clinic claims). Nothing from evals/guard is used, so the
    guard set measures generalisation.
    """

    def __init__(
        self,
        claims: list[Claim],
        embedder: Embedder,
        threshold: float = 0.5,
        negatives: list[str] = (),
        negative_vectors: np.ndarray | None = None,
    ):
        self.claims = claims
        self.embedder = embedder
        self.threshold = threshold
        self.wordings: list[str] = []
        self.owner: list[int] = []
        for i, claim in enumerate(claims):
            for text in (claim.claim, *claim.paraphrases):
                self.wordings.append(text)
                self.owner.append(i)
        self.owner_array = np.asarray(self.owner, dtype=int)
        self.matrix = embedder.encode(self.wordings)
        self.words = [set(content_words(w)) for w in self.wordings]
        self.sums = np.zeros((len(claims), self.matrix.shape[1]), dtype=np.float32)
        np.add.at(self.sums, self.owner_array, self.matrix)
        self.by_id = {c.id: c for c in claims}
        self.weights = np.asarray([4.0, 4.0, 4.0, 2.0], dtype=np.float32)
        self.bias = -10.0  # replaced by fit(); a usable default for tiny test registries
        if claims and len(negatives):
            vectors = negative_vectors if negative_vectors is not None else embedder.encode(list(negatives))
            self.fit(list(negatives), vectors)

    # -- features and model -----------------------------------------------------------
    def features(self, vector: np.ndarray, words: set[str], leave_out: int = -1) -> np.ndarray:
        """One row per claim: [best cos, mean of two best cos, centroid cos, best word F1]."""
        sims = self.matrix @ vector
        lex = np.asarray([_f1(words, w) for w in self.words], dtype=np.float32)
        sums = self.sums.copy()
        if leave_out >= 0:
            sums[self.owner[leave_out]] -= self.matrix[leave_out]
            sims[leave_out], lex[leave_out] = -1.0, 0.0
        rows = np.zeros((len(self.claims), 4), dtype=np.float32)
        for c in range(len(self.claims)):
            mask = self.owner_array == c
            s = np.sort(sims[mask])[::-1]
            rows[c, 0] = s[0]
            rows[c, 1] = s[:2].mean() if len(s) > 1 else s[0]
            rows[c, 3] = lex[mask].max()
        norms = np.linalg.norm(sums, axis=1, keepdims=True) + 1e-9
        rows[:, 2] = (sums / norms) @ vector
        return rows

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))

    def fit(self, negatives: list[str], negative_vectors: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        X, y = [], []
        for j, vector in enumerate(self.matrix):
            X.append(self.features(vector, self.words[j], leave_out=j)[self.owner[j]])
            y.append(1)
        for text, vector in zip(negatives, negative_vectors, strict=True):
            if EVIDENTIAL_NEGATION.search(text) or REPORTING.search(text):
                continue  # such sentences may well name a claim in order to refute it
            rows = self.features(vector, set(content_words(text)))
            X.append(rows[int(np.argmax(rows[:, 0]))])
            y.append(0)
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        model.fit(np.asarray(X), np.asarray(y))
        self.weights = model.coef_[0].astype(np.float32)
        self.bias = float(model.intercept_[0])

    # -- matching ---------------------------------------------------------------------
    def score(self, sentence: str, vector: np.ndarray) -> tuple[int, int, float]:
        """(claim index, closest wording index, probability) of the best-matching claim."""
        if not self.wordings:
            return -1, -1, 0.0
        rows = self.features(vector, set(content_words(sentence)))
        probs = self.probabilities(rows)
        i = int(np.argmax(probs))
        sims = self.matrix @ vector
        mask = self.owner_array == i
        j = int(np.flatnonzero(mask)[np.argmax(sims[mask])])
        return i, j, float(probs[i])

    def check(self, sentence: str, vector: np.ndarray | None = None) -> GuardResult:
        if vector is None:
            vector = self.embedder.encode([sentence])[0]
        i, j, score = self.score(sentence, vector)
        core = claim_core(sentence)
        if core:
            ci, cj, cscore = self.score(core, self.embedder.encode([core])[0])
            if cscore > score:
                i, j, score = ci, cj, cscore
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

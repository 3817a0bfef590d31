"""The claim guard: find registry claims in a sentence and decide the sentence's stance.

Matching. Every claim is represented by its canonical wording and its paraphrases. A small
logistic model (see ClaimGuard) turns a sentence's similarity to each claim's wordings into a
probability; the most probable claim matches when it reaches `claim_threshold`. Attribution and
question frames ("the clinic says ...", "... is that true?") are stripped first and the better
of the two readings counts.

Stance of a matched sentence, in this order:
  asks     it is a question ("Is it true that ...?", "Can cord cells be rejected?")
  refutes  it carries an evidential negation ("there is no evidence that", "has not been shown",
           "unproven", "a myth", "is false", "rather than", "nobody has shown")
  reports  it attributes the claim to someone ("some clinics say ...", "the brochure lists ...",
           "is marketed as", "according to the clinic")
  asserts  no such cue, and the assertion model (see ClaimGuard) finds it states the claim as
           true rather than describing evidence, or it matches a claim strongly (>= 0.9) and
           draws a conclusion ("X, so Y", "Since X, Y.")
  none     matched the claim's topic but states no claim (for example a trial result)
Limits: the cues are English surface forms, so irony, a debunk split over two sentences, or a
claim that is itself a negation ("no virus is linked to MS") can be misread; hedged assertions
("may cure") count as assertions on purpose, because clinics hedge. Figures: evals/guard/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embeddings import Embedder
from .sources import Claim
from .text import CITATION, content_words, split_sentences

QUESTION_START = re.compile(
    r"^\s*(is|are|was|were|do|does|did|can|could|will|would|should|has|have|may|might|"
    r"what|why|how|which|who|where|when)\b|\bis (it|this|that) (true|right|correct|real)\b",
    re.I,
)
EVIDENTIAL_NEGATION = re.compile(
    r"\bno (good |reliable |convincing |solid |strong |published |scientific |clinical |real |"
    r"human |controlled |such |long-term |safety |firm )?(evidence|proof|data|trial|study|studies|"
    r"support)\b"
    r"|\b(not|never|nor) (been |yet |ever )?(shown|proven|proved|demonstrated|established|supported|"
    r"confirmed|backed|approved|tested|reproduced|replicated)\b"
    r"|\b(unproven|unsupported|untrue|false|myth|misleading|incorrect|wrong|not true|not the case|"
    r"no basis|overstate[sd]?|exaggerat\w+|misrepresent\w*|misreport\w*|misquot\w*|debunked|"
    r"unfounded|red flag|warning sign|not evidence|is not proof|isn't proof|not a cure|no cure|nothing in|"
    r"not a status|marketing language|nothing like)\b"
    r"|\b(lacks?|lacking|without) (any )?(good |solid |controlled )?(evidence|proof|data|trials?)\b"
    r"|\b(did|does|do|has|have) not (support|show|confirm|back|prove|demonstrate)\b"
    r"|\b(nobody|no one|no study|no trial|no human study|no researcher)s? (has|have|ever)\b"
    r"|\bthere is no (reason|good reason)\b|\brather than\b|\bin fact\b|\bactually\b"
    r"|\bfailed to\b|\bdid not (find|show|reduce|improve|work)\b|\bonly in (animals|mice|rats)\b",
    re.I,
)
REPORTING = re.compile(
    r"\b(clinic|clinics|clinic's|provider|providers|company|companies|seller|sellers|marketing|"
    r"marketers?|advert\w*|ads?|websites?|sites?|blogs?|articles?|brochures?|leaflets?|flyers?|"
    r"videos?|posts?|pages?|salespeople|salesman|promoters?|testimonials?|some people|they|"
    r"the centre|the center|the doctor there|the founder|the owner)\b[^.?!]{0,60}?"
    r"\b(say|says|said|claim\w*|promis\w*|advertis\w*|market\w*|tell|tells|told|state[sd]?|"
    r"suggest\w*|assert\w*|boast\w*|insist\w*|describe\w*|call|calls|called|explain\w*|"
    r"list|lists|listed|cite|cites|cited|point\w*|pitch\w*|promot\w*|stress\w*|predict\w*|"
    r"present\w*|portray\w*|frame\w*|tout\w*|sell|sells|sold|offer\w*|feature\w*|"
    r"highlight\w*|quote\w*|mention\w*|argue\w*|write|writes|wrote|report\w*|push\w*|"
    r"spin\w*|hype\w*|imply|implies|implied|credit\w*|attribut\w*)\b"
    r"|\b(so-called|according to|is marketed as|are marketed as|is advertised as|are advertised as|"
    r"is promoted as|are promoted as|is pitched as|are pitched as|is sold as|are sold as|"
    r"it is claimed|are claimed|is claimed|claims? that|the claim|this claim|such claims|"
    r"marketing claims?|as if)\b",
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
    r"^\s*((the|my|a|one|some|their|our|this|that)\s+)?(\w+(?:'s)?\s+){0,2}?"
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
    r"(true|right|correct|really)|can (that|this) be (true|right)|should i believe (it|this|that|them)|"
    r"(?:(?:is|are|does|do|did|was|were|has|have|would|will|could|should)(?:n'?t)?|won'?t|can'?t|can)"
    r" (?:it|they|that|there|he|she|we|you)|right)"
    r"\s*[?.!]*\s*$",
    re.I,
)
# The same attribution in the middle of a sentence: "I'm nervous, but the clinic insists X."
FRAME_INSIDE = re.compile(
    r"\b(clinics?|doctors?|websites?|brochures?|adverts?|salesperson|centres?|centers?|provider|"
    r"company|they|he|she)\s+(says?|said|claims?|claimed|told (?:me|her|him|us|them|my \w+)|"
    r"tells (?:me|her|him|us|them)|promised|promises|insists?|insisted|swears?|swore|assured \w+)"
    r"\s+(that\s+)?",
    re.I,
)
QUESTION_WORD = (
    r"(?:why|which|what|how|where|when|who|should|shall|can|could|do|does|did|is|are|will|would|"
    r"isn't|aren't|don't|doesn't|shouldn't|wouldn't|can't|won't|wasn't)\b"
)
# A leading question states its claim as a premise: "Since cord cells can't be rejected, which ...?"
PREMISE = re.compile(
    r"^\s*(?:(?:since|because|given that|given|now that|as|if|seeing that|seeing as)\s+(.{12,}?),\s*"
    r"(?:so\s+)?|(.{12,}?),\s*so\s+)" + QUESTION_WORD,
    re.I,
)
# A claim followed by what the asker means to do about it: "X, so she's booking next month".
CONSEQUENCE = re.compile(r",?\s+(so|and so|which is why|that's why)\s+(i|i'm|she|he|we|they|my)\b.*$", re.I)


def claim_cores(sentence: str) -> list[tuple[str, bool]]:
    """Readings of the sentence without attribution, question or premise frames, each with
    whether it was a premise; empty when nothing was stripped."""
    premise = PREMISE.match(sentence)
    text = next(g for g in premise.groups() if g) if premise else sentence
    inside = FRAME_INSIDE.search(text)
    readings = [text[inside.end() :]] if inside and not FRAME_START.match(text) else []
    readings.append(FRAME_START.sub("", text))
    cores: list[tuple[str, bool]] = []
    for reading in readings:
        for core in (reading, CONSEQUENCE.sub("", reading)):
            core = FRAME_END.sub("", core).strip(" ?.!—–-,")
            if core and core != sentence.strip(" ?.!") and (core, bool(premise)) not in cores:
                cores.append((core, bool(premise)))
    return cores


def claim_core(sentence: str) -> str:
    """The first stripped reading of the sentence (see claim_cores); empty when none."""
    cores = claim_cores(sentence)
    return cores[0][0] if cores else ""


@dataclass(frozen=True)
class GuardResult:
    sentence: str
    claim: Claim | None
    stance: str  # asserts | refutes | reports | asks | none
    score: float
    premise: bool = False  # matched in the premise of a leading question ("Since X, ...?")

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "claim": self.claim.id if self.claim else None,
            "stance": self.stance,
            "score": round(self.score, 3),
        }


def _plain(sentence: str) -> str:
    return " ".join(CITATION.sub("", sentence).lower().split()).rstrip(".")


def _f1(a: set[str], b: set[str]) -> float:
    common = len(a & b)
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def _negations(text: str) -> int:
    return len(NEGATION.findall(text))


def cue_stance(sentence: str) -> str:
    """asks, refutes or reports when the sentence carries that cue; '' when it carries none."""
    text = sentence.strip()
    if text.endswith("?") or QUESTION_START.search(text):
        return "asks"
    if EVIDENTIAL_NEGATION.search(text):
        return "refutes"
    if REPORTING.search(text):
        return "reports"
    return ""


# A conclusion drawn in the sentence itself ("X, so Y", "Since X, Y"): evidence summaries report
# findings; marketing argues from them. With a strong claim match and no cue, it asserts.
CONCLUSION = re.compile(
    r",\s*so\b|\b(therefore|hence)\b|\b(which|that|this) means\b|^\s*(since|because|as)\b[^,]{8,},", re.I
)
STRONG_MATCH = 0.9
HEDGE = re.compile(r"\b(may|might|could|possibly|potentially)\b", re.I)
STUDY = re.compile(
    r"\b(trial|study|studies|meta-analysis|review|cohort|registry|randomi[sz]ed|placebo|pooled|"
    r"participants|guidelines?|recommend\w*|FDA|EMA|CDC|warn\w*|reported|found)\b",
    re.I,
)
PERSONAL = re.compile(r"\b(our|we|my|i|i'm|you|your|you'll)\b", re.I)


def cue_features(text: str) -> list[float]:
    """Surface cues the assertion model reads next to the embedding (scaled to weigh in)."""
    flags = [
        bool(EVIDENTIAL_NEGATION.search(text)),
        bool(REPORTING.search(text)),
        min(len(NEGATION.findall(text)), 2) / 2,
        text.strip().endswith("?") or bool(QUESTION_START.search(text)),
        bool(HEDGE.search(text)),
        bool(re.search(r"\d", text)),
        min(len(STUDY.findall(text)), 3) / 3,
        bool(PERSONAL.search(text)),
    ]
    return [3.0 * float(f) for f in flags]


class ClaimGuard:
    """Registry claims, and two small logistic models fitted when the guard is built.

    The match model says whether a sentence is about a registry claim. It reads four features of
    the sentence against each claim: the best and the mean of the two best cosine similarities
    to the claim's wordings, the similarity to the claim's centroid, and the best content-word F1.
    Positives are the registry's wordings scored against the claim's other wordings (leave one
    out); negatives are library sentences without refuting or reporting cues.

    The assertion model says whether a sentence states something as true in the way clinics do,
    rather than describing evidence. It reads the sentence embedding, its best similarity to any
    claim and the surface cues of `cue_features`. Positives are the registry's wordings and the
    `asserts` items of the tuning examples; negatives are the library's sentences, the registry's
    corrections and the other tuning examples. The held-out split of evals/guard is never used.
    """

    def __init__(
        self,
        claims: list[Claim],
        embedder: Embedder,
        threshold: float = 0.5,
        negatives: list[str] = (),
        negative_vectors: np.ndarray | None = None,
        examples: list[tuple[str, str]] = (),
        assert_threshold: float = 0.3,
        matrix: np.ndarray | None = None,
        known_safe: tuple[str, ...] = (),
    ):
        self.claims = claims
        self.embedder = embedder
        self.threshold = threshold
        self.assert_threshold = assert_threshold
        self.wordings: list[str] = []
        self.owner: list[int] = []
        for i, claim in enumerate(claims):
            for text in (claim.claim, *claim.paraphrases):
                self.wordings.append(text)
                self.owner.append(i)
        self.owner_array = np.asarray(self.owner, dtype=int)
        width = max((self.owner.count(i) for i in range(len(claims))), default=1)
        self.grid = np.full((len(claims), width), len(self.owner), dtype=int)
        for i in range(len(claims)):
            members = np.flatnonzero(self.owner_array == i)
            self.grid[i, : len(members)] = members
        self.matrix = matrix if matrix is not None else embedder.encode(self.wordings)
        self.words = [set(content_words(w)) for w in self.wordings]
        self.sums = np.zeros((len(claims), self.matrix.shape[1]), dtype=np.float32)
        np.add.at(self.sums, self.owner_array, self.matrix)
        self.by_id = {c.id: c for c in claims}
        self._vectors: dict[str, np.ndarray] = {}
        # The registry's corrections and the assistant's fixed notices are never assertions.
        own = [s for c in claims for s in split_sentences(c.correction)]
        self.own_sentences = {_plain(s) for s in [*own, *known_safe]}
        self.weights = np.asarray([4.0, 4.0, 4.0, 2.0], dtype=np.float32)
        self.bias = -10.0  # replaced by fit(); a usable default for a registry without negatives
        self.assert_weights: np.ndarray | None = None
        self.assert_bias = 0.0
        if claims and len(negatives):
            vectors = negative_vectors if negative_vectors is not None else embedder.encode(list(negatives))
            self.fit(list(negatives), vectors, list(examples))

    # -- features and models ----------------------------------------------------------
    def features(self, vector: np.ndarray, words: set[str], leave_out: int = -1) -> np.ndarray:
        """One row per claim: [best cos, mean of two best cos, centroid cos, best word F1]."""
        sims = np.append(self.matrix @ vector, -1.0)  # the extra slot pads short claims
        lex = np.asarray([*(_f1(words, w) for w in self.words), 0.0], dtype=np.float32)
        sums = self.sums
        if leave_out >= 0:
            sums = sums.copy()
            sums[self.owner[leave_out]] -= self.matrix[leave_out]
            sims[leave_out], lex[leave_out] = -1.0, 0.0
        grid = sims[self.grid]  # claims x wordings, padded with -1
        top2 = -np.partition(-grid, 1, axis=1)[:, :2]
        norms = np.linalg.norm(sums, axis=1) + 1e-9
        return np.column_stack(
            [top2[:, 0], top2.mean(axis=1), (sums @ vector) / norms, lex[self.grid].max(axis=1)]
        ).astype(np.float32)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(rows @ self.weights + self.bias)))

    def assertion_features(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        best = (vectors @ self.matrix.T).max(axis=1, keepdims=True)
        cues = np.asarray([cue_features(t) for t in texts], dtype=np.float32)
        return np.hstack([vectors, best, cues])

    def fit(self, negatives: list[str], negative_vectors: np.ndarray, examples=()) -> None:
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
        match = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        match.fit(np.asarray(X), np.asarray(y))
        self.weights = match.coef_[0].astype(np.float32)
        self.bias = float(match.intercept_[0])

        corrections = [s for c in self.claims for s in split_sentences(c.correction)]
        texts = [*self.wordings, *negatives, *corrections]
        labels = [1] * len(self.wordings) + [0] * (len(negatives) + len(corrections))
        vectors = [self.matrix, negative_vectors, self.embedder.encode(corrections)]
        weights = [1.0] * len(texts)
        tuning = [(t, label) for t, label in examples if label != "asks"]
        if tuning:
            texts += [t for t, _ in tuning]
            labels += [int(label == "asserts") for _, label in tuning]
            vectors.append(self.embedder.encode([t for t, _ in tuning]))
            weights += [3.0] * len(tuning)  # hand-labelled: worth more than the bulk
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
        model.fit(self.assertion_features(texts, np.vstack(vectors)), labels, sample_weight=weights)
        self.assert_weights = model.coef_[0].astype(np.float32)
        self.assert_bias = float(model.intercept_[0])

    def assertion_probability(self, sentence: str, vector: np.ndarray) -> float:
        if self.assert_weights is None:
            return 1.0  # no model: every matched sentence without a cue counts as an assertion
        row = self.assertion_features([sentence], vector[None, :])[0]
        return float(1.0 / (1.0 + np.exp(-(row @ self.assert_weights + self.assert_bias))))

    # -- a fitted guard is saved next to the index, so serving starts without refitting ---
    def save(self, path: Path) -> None:
        np.savez(
            path,
            matrix=self.matrix,
            weights=self.weights,
            bias=self.bias,
            assert_weights=self.assert_weights if self.assert_weights is not None else np.zeros(0),
            assert_bias=self.assert_bias,
        )

    def load(self, path: Path) -> None:
        with np.load(path) as data:
            self.weights, self.bias = data["weights"], float(data["bias"])
            aw = data["assert_weights"]
            self.assert_weights = aw if aw.size else None
            self.assert_bias = float(data["assert_bias"])

    # -- matching ---------------------------------------------------------------------
    def score(self, sentence: str, vector: np.ndarray) -> tuple[int, float]:
        """(claim index, probability) of the best-matching claim."""
        if not self.wordings:
            return -1, 0.0
        rows = self.features(vector, set(content_words(sentence)))
        probs = self.probabilities(rows)
        # Which claim: the closest wording among the claims the model accepts (the probability
        # says whether any claim is meant; the nearest wording says which one).
        accepted = np.flatnonzero(probs >= self.threshold)
        i = int(accepted[np.argmax(rows[accepted, 0])]) if len(accepted) else int(np.argmax(probs))
        return i, float(probs[i])

    def check(self, sentence: str, vector: np.ndarray | None = None) -> GuardResult:
        original, sentence = sentence, CITATION.sub("", sentence).strip()  # [n] is not content
        if vector is None:
            vector = self.embedder.encode([sentence])[0]
        i, score = self.score(sentence, vector)
        premise = False
        cores = claim_cores(sentence)
        for (core, in_premise), core_vector in zip(cores, self._vectors_of(cores), strict=True):
            ci, cscore = self.score(core, core_vector)
            if cscore > score:
                i, score, premise = ci, cscore, in_premise
        if i < 0 or score < self.threshold:
            return GuardResult(original, None, "none", score)
        if _plain(sentence) in self.own_sentences:
            return GuardResult(original, self.claims[i], "refutes", score)  # our own correction
        stance = cue_stance(sentence)
        if not stance:
            asserting = self.assertion_probability(sentence, vector) >= self.assert_threshold
            argues = score >= STRONG_MATCH and bool(CONCLUSION.search(sentence))
            stance = "asserts" if asserting or argues else "none"
        return GuardResult(original, self.claims[i], stance, score, premise)

    def _states_claim(self, sentence: str, vector: np.ndarray) -> bool:
        """Does the question carry a claim as its premise or its quoted content?"""
        if self.assertion_probability(sentence, vector) >= self.assert_threshold:
            return True
        cores = claim_cores(sentence)
        return any(
            self.assertion_probability(core, v) >= self.assert_threshold
            for (core, _), v in zip(cores, self._vectors_of(cores), strict=True)
        )

    def _vectors_of(self, cores: list[tuple[str, bool]]) -> list[np.ndarray]:
        """Embeddings of stripped claim cores, remembered (a question's cores are needed twice)
        and computed in one batch."""
        missing = list(dict.fromkeys(c for c, _ in cores if c not in self._vectors))
        if missing:
            if len(self._vectors) > 512:
                self._vectors.clear()
            self._vectors.update(zip(missing, self.embedder.encode(missing), strict=True))
        return [self._vectors[c] for c, _ in cores]

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
            if not r.claim or not (r.premise or r.stance == "reports" or self._states_claim(s, v)):
                continue  # "What are the risks of HSCT?" is on a claim's topic but carries none
            if r.claim.id not in found or r.score > found[r.claim.id].score:
                found[r.claim.id] = r
        return sorted(found.values(), key=lambda r: r.score, reverse=True)

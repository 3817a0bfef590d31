"""The claim guard's two logistic models: the registry index they read, their features and fit.

`ClaimModels` indexes the registry (every claim's wordings, their embeddings, the corrections),
builds the match features (a sentence against each claim) and the stance features (a sentence
against one claim), fits both models and saves and loads them. `ClaimGuard` in
`assistant/claims.py` builds on it and decides; the surface helpers are `assistant/guard_text.py`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import numpy as np

from .embeddings import Embedder
from .guard_text import (
    EVIDENTIAL_NEGATION,
    NEGATION,
    REPORTING,
    STILL,
    conflicts,
    contradiction,
    cue_features,
    opposes,
)
from .sources import Claim
from .text import content_words, split_sentences

ABSENT_STANCE = -30.0  # logit of a stance the fit saw no example of
MATCH_FEATURES = 4  # the match model reads the first four features; the rank model all of them
FEW_CLAIMS = 10
# Weight of the reason a sentence gives ("A because B") in picking among overlapping claims;
# 1.0 and 2.0 chose the same claims on the tune split and its card questions.
REASON_WEIGHT = 1.0  # a registry this small has no distinctive words nor shared topic to take out
STANCES = ("asserts", "refutes", "reports", "none")
# The library's sentences weigh at most this share of the stance model's core (weak labels).
LIBRARY_SHARE = 0.3
EXAMPLE_LABELS = {
    "asserts": "asserts",
    "refutes": "refutes",
    "reports": "reports",
    "evidence": "none",
    "unrelated": "none",
}


# A hyphen between letters joins words the asker may write apart: "immune-privileged" and "immune
# privileged", "FDA-registered" and "FDA registered" must share their words.
HYPHEN = re.compile(r"(?<=[^\W\d_])[-‐‑](?=[^\W\d_])")


def word_set(text: str) -> set[str]:
    """The content words the match and rank models compare, hyphenated compounds split."""
    return set(content_words(HYPHEN.sub(" ", text)))


def _f1(a: set[str], b: set[str]) -> float:
    common = len(a & b)
    if not common:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


class ClaimModels:
    """Registry claims, and two small logistic models fitted when the guard is built.

    The match model says whether a sentence is about a registry claim. It reads four features of
    the sentence against each claim: the best and the mean of the two best cosine similarities
    to the claim's wordings, the similarity to the claim's centroid, and the best content-word F1.
    Positives are the registry's wordings scored against the claim's other wordings (leave one
    out) and the claim-bearing tuning sentences; negatives are library sentences without refuting
    or reporting cues and the tuning and development lines labelled evidence or unrelated.

    The rank model says which claim, among those the match model accepts: six weights over the
    same features and two of the claim's words (`distinctive`): the share of the sentence's
    distinctive words the claim uses, and the share of the claim's own distinctive words the
    sentence has. It is fitted so that each registry wording (itself left out) ranks its own claim
    above every other claim.
    (The nearest single wording, used before, picked a neighbouring claim on clinic wording; the
    four similarity scores alone could not tell overlapping claims apart, "home to lesions" from
    "shrink lesions": a claim's own words can.)

    The stance model reads the sentence as a whole against the matched claim: the sentence
    embedding, its similarity to the claim's wordings and to the claim's correction, whether the
    claim itself is worded as a negation ("no side effects") next to the sentence's negations, and
    the surface cues of `cue_features` (features, not vetoes). It is a four-way logistic model
    (asserts, refutes, reports, none) fitted on the registry's wordings (asserts), its corrections
    (refutes), library sentences (none, or refutes / reports when they carry those cues), the
    tuning examples and the fit part of the real clinic lines. The held-out splits are never used.
    """

    def __init__(self, claims: list[Claim], embedder: Embedder, matrix: np.ndarray | None = None):
        self.claims = claims
        self.embedder = embedder
        self._index_wordings(claims)
        self.matrix = matrix if matrix is not None else embedder.encode(self.wordings)
        self.words = [word_set(w) for w in self.wordings]
        self.sums = np.zeros((len(claims), self.matrix.shape[1]), dtype=np.float32)
        np.add.at(self.sums, self.owner_array, self.matrix)
        self.claim_negated = np.asarray([bool(NEGATION.search(c.claim)) for c in claims], dtype=np.float32)
        self.corrections = [s for c in claims for s in split_sentences(c.correction)]
        self.correction_owner = np.asarray(
            [i for i, c in enumerate(claims) for _ in split_sentences(c.correction)], dtype=int
        )
        self._correction_matrix: np.ndarray | None = None
        self._index_vocabulary()
        self.weights = np.asarray([4.0, 4.0, 4.0, 2.0], dtype=np.float32)
        self.bias = -10.0  # replaced by fit(); a usable default for a registry without negatives
        # Which claim: replaced by fit(); the default weighs the features about evenly.
        self.rank_weights = np.asarray([1.0, 1.0, 1.0, 0.5, 1.0, 1.0], dtype=np.float32)
        self.stance_weights: np.ndarray | None = None  # classes x features
        self.stance_bias = np.zeros(len(STANCES), dtype=np.float32)

    def _index_wordings(self, claims: list[Claim]) -> None:
        """Every claim's canonical wording and paraphrases, with the claim each belongs to, and a
        claims x wordings grid of their indices (padded with one past the last wording), so the
        per-claim features are one array operation."""
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

    def _index_vocabulary(self) -> None:
        """What tells the claims apart. Words: each claim's vocabulary (how many of its wordings
        use each word) and each word's weight, the rarer among the claims the heavier ("stem",
        "cells" and "MS" are in most claims, "granulocyte" in one). Meaning: the wordings'
        embeddings with the topic all claims share (their mean) taken out."""
        self.vocabulary = [Counter() for _ in self.claims]
        for words, owner in zip(self.words, self.owner, strict=True):
            self.vocabulary[owner].update(words)
        self.wording_counts = np.bincount(self.owner_array, minlength=len(self.claims))
        spread = Counter(w for v in self.vocabulary for w in v)
        n = len(self.claims) + 1
        self.rarity = {w: math.log(n / (k + 0.5)) for w, k in spread.items()}
        self.unseen = math.log(n / 0.5)  # a word no claim uses: the heaviest
        self.profiles = [self._profile(k) for k in range(len(self.claims))]
        self.profile_masses = [sum(p.values()) for p in self.profiles]
        # The same two indexes turned around, word -> its claims and wordings, so a sentence's
        # features visit only the claims and wordings that share one of its words (`distinctive`,
        # `_word_f1`); the sums are taken in the same order as before, so the values are the same.
        self.claims_of: dict[str, list[tuple[int, float]]] = {}
        for k, profile in enumerate(self.profiles):
            for w, value in profile.items():
                if value > 0:
                    self.claims_of.setdefault(w, []).append((k, value))
        postings: dict[str, list[int]] = {}
        for j, words in enumerate(self.words):
            for w in words:
                postings.setdefault(w, []).append(j)
        self.wordings_of = {w: np.asarray(js, dtype=np.intp) for w, js in postings.items()}
        self.wording_sizes = np.asarray([len(w) for w in self.words], dtype=np.float64)
        # an empty registry has no topic: a zero centre of the embedding's width
        self.center = (
            self.matrix.mean(axis=0) if len(self.matrix) else np.zeros(self.matrix.shape[1:], np.float32)
        )
        centered = self.matrix - self.center
        self.centered = centered / (np.linalg.norm(centered, axis=1, keepdims=True) + 1e-9)

    def distinctive(self, words: set[str], leave_out: int = -1) -> np.ndarray:
        """Per claim, two shares of distinctive words (weighted by rarity among the claims):
        coverage, how much of the sentence's words the claim's wordings use ("Their lab is FDA
        registered" is explained by the claim about FDA registration, not by every claim that says
        "stem cells"), and recall, how much of the claim's own words the sentence has, each word
        of the claim counted by the square root of the share of its wordings that use it ("Do stem
        cells really cure MS?" has the cure claim's words, not the "soon, with more research"
        of the claim that a cure is near). `leave_out`: a wording whose words do not count (the
        rank model's fit)."""
        if len(self.claims) < FEW_CLAIMS:
            # rarity among two or three claims says nothing: the rank model reads the four scores
            return np.zeros((len(self.claims), 2), dtype=np.float32)
        weight = {w: self.rarity.get(w, self.unseen) for w in words}
        total = sum(weight.values()) + 1e-9
        if leave_out < 0:
            return self._distinctive(words, weight, total)
        owner = self.owner[leave_out]
        profiles, masses = self.profiles, self.profile_masses
        if owner >= 0:
            own = self._profile(owner, self.words[leave_out])
            profiles = [*profiles[:owner], own, *profiles[owner + 1 :]]
            masses = [*masses[:owner], sum(own.values()), *masses[owner + 1 :]]
        out = np.zeros((len(self.claims), 2), dtype=np.float32)
        for k, profile in enumerate(profiles):
            used = [w for w in words if profile.get(w, 0.0) > 0]
            out[k, 0] = sum(weight[w] for w in used) / total
            out[k, 1] = sum(profile[w] for w in used) / (masses[k] + 1e-9)
        return out

    def _distinctive(self, words: set[str], weight: dict[str, float], total: float) -> np.ndarray:
        """`distinctive` without a left-out wording, word by word: each claim's two sums add the
        same terms in the same order (the order of `words`), so the shares are the same floats;
        a sentence of 10 words visits its words' claims instead of every claim's profile."""
        n = len(self.claims)
        shared, recalled = [0] * n, [0] * n  # int 0, as sum() starts
        for w in words:
            for k, value in self.claims_of.get(w, ()):
                shared[k] += weight[w]
                recalled[k] += value
        out = np.zeros((n, 2), dtype=np.float32)
        for k in range(n):
            out[k, 0] = shared[k] / total
            out[k, 1] = recalled[k] / (self.profile_masses[k] + 1e-9)
        return out

    def coverage(self, words: set[str], names: set[str] = frozenset()) -> np.ndarray:
        """Per claim: the share of the sentence's distinctive words the claim uses (see
        `distinctive`); `names`: words that count in the sentence's total but not as used (a
        treatment's name is the topic of a claim, not what it says: `ClaimGuard.states_content`)."""
        shares = self.distinctive(words)[:, 0]
        named = [w for w in words if w in names]
        if not named or len(self.claims) < FEW_CLAIMS:
            return shares
        total = sum(self.rarity.get(w, self.unseen) for w in words) + 1e-9
        for w in named:
            for k, _ in self.claims_of.get(w, ()):
                shares[k] -= self.rarity.get(w, self.unseen) / total
        return np.maximum(shares, 0.0)

    def _profile(self, claim: int, without: set[str] = frozenset()) -> dict[str, float]:
        """The claim's words, each weighted by its rarity among the claims and the square root of
        the share of the claim's wordings that use it; `without`: one wording left out."""
        n = self.wording_counts[claim] - (1 if without else 0)
        out = {}
        for w, uses in self.vocabulary[claim].items():
            uses -= w in without
            if uses > 0:
                out[w] = self.rarity.get(w, self.unseen) * math.sqrt(uses / max(n, 1))
        return out

    def content_similarity(self, vector: np.ndarray) -> np.ndarray:
        """Per claim: the best cosine of the sentence to the claim's wordings with the shared
        topic taken out. "A clinic offers me stem cell shots" is near every claim on the topic
        and near none on what a claim says."""
        if not len(self.matrix):
            return np.zeros(0, np.float32)
        centered = vector - self.center
        sims = np.append(self.centered @ (centered / (np.linalg.norm(centered) + 1e-9)), -1.0)
        return sims[self.grid].max(axis=1)

    @property
    def correction_matrix(self) -> np.ndarray:
        if self._correction_matrix is None:
            self._correction_matrix = self.embedder.encode(self.corrections)
        return self._correction_matrix

    # -- features and models ----------------------------------------------------------
    def features(self, vector: np.ndarray, words: set[str], leave_out: int = -1) -> np.ndarray:
        """One row per claim: [best cos, mean of two best cos, centroid cos, best word F1,
        coverage, recall]; the match model reads the first four, the rank model all six."""
        sims = np.append(self.matrix @ vector, -1.0)  # the extra slot pads short claims
        lex = np.append(self._word_f1(words), 0.0).astype(np.float32)
        sums = self.sums
        if leave_out >= 0:
            sums = sums.copy()
            sums[self.owner[leave_out]] -= self.matrix[leave_out]
            sims[leave_out], lex[leave_out] = -1.0, 0.0
        grid = sims[self.grid]  # claims x wordings, padded with -1
        top2 = -np.partition(-grid, 1, axis=1)[:, :2]
        norms = np.linalg.norm(sums, axis=1) + 1e-9
        return np.column_stack(
            [
                top2[:, 0],
                top2.mean(axis=1),
                (sums @ vector) / norms,
                lex[self.grid].max(axis=1),
                self.distinctive(words, leave_out),
            ]
        ).astype(np.float32)

    def _word_f1(self, words: set[str]) -> np.ndarray:
        """`_f1(words, w)` for every wording w, in float64 as `_f1` computes it (the same
        operations in the same order on the same counts, so the same values)."""
        hits = [self.wordings_of[w] for w in words if w in self.wordings_of]
        common = np.bincount(np.concatenate(hits), minlength=len(self.words)) if hits else None
        if common is None or not len(words):
            return np.zeros(len(self.words), dtype=np.float64)
        c = common.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            p, r = c / len(words), c / self.wording_sizes
            f1 = 2 * p * r / (p + r)
        return np.where(common > 0, f1, 0.0)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(rows[..., :MATCH_FEATURES] @ self.weights + self.bias)))

    def which_claim(
        self, rows: np.ndarray, probs: np.ndarray, threshold: float, reason: np.ndarray | None = None
    ) -> int:
        """The claim a sentence is about: the match model says whether any claim is meant, the
        rank model which one, among the claims the match model accepts (neighbouring claims such
        as "repair myelin" and "home to damaged tissue" all pass the match model). `reason`: the
        features of the reason the sentence gives ("A because B": B), whose rank score is added:
        overlapping claims often share the conclusion and differ in the reason."""
        accepted = np.flatnonzero(probs >= threshold)
        if not len(accepted):
            return int(np.argmax(probs))
        scores = rows[accepted] @ self.rank_weights
        if reason is not None:
            # only for claims the reason is about on its own: a reason on another topic ("only
            # inside trials, because ...") must not pull the sentence to a claim
            named = self.probabilities(reason[accepted]) >= threshold
            scores = scores + REASON_WEIGHT * named * (reason[accepted] @ self.rank_weights)
        return int(accepted[np.argmax(scores)])

    def stance_features(self, text: str, vector: np.ndarray, claim: int, leave_out: int = -1) -> np.ndarray:
        """The sentence against claim `claim`: embedding, claim and correction similarity, the
        claim's own negation next to the sentence's, and the surface cues."""
        sims = self.matrix @ vector
        if leave_out >= 0:
            sims[leave_out] = -1.0
        members = np.flatnonzero(self.owner_array == claim)
        nearest = int(members[np.argmax(sims[members])]) if members.size else -1
        to_claim = float(sims[nearest]) if members.size else 0.0
        corr = self.correction_matrix[self.correction_owner == claim] @ vector
        to_correction = float(corr.max()) if corr.size else 0.0
        negations = min(len(NEGATION.findall(text)), 2) / 2
        negated = float(self.claim_negated[claim])
        # Polarity against the claim: "cord cells can be rejected" is close to "cord cells can't
        # be rejected" and says the opposite; "no rejection, ever" agrees with it.
        wordings = [self.claims[claim].claim] + ([self.wordings[nearest]] if nearest >= 0 else [])
        flips = float(np.mean([conflicts(text, w) for w in wordings]))
        # Contradiction without a negation word: "helps far less in A than in B" against "works as
        # well in A", "do more than treat symptoms" against "only manage symptoms", and a claim that
        # rules something out ("cannot harm you") met by a sentence that says it happens.
        ranked = float(np.mean([opposes(text, w) for w in wordings]))
        affirms = negated * float(negations == 0)
        extra = [
            to_claim,
            to_correction,
            3.0 * (to_claim - to_correction),
            3.0 * negations * (1 - negated),
            3.0 * negations * negated,
            3.0 * flips,
            3.0 * flips * max(to_claim, 0.0),
            3.0 * ranked,
            3.0 * ranked * max(to_claim, 0.0),
            3.0 * affirms,
            3.0 * affirms * float(bool(STILL.search(text))),
            3.0 * negated,
            # "nobody has ever recorded a rejection" agrees with a claim worded as a denial
            3.0 * negated * float(bool(EVIDENTIAL_NEGATION.search(text))),
        ]
        return np.concatenate([vector, np.asarray(extra + cue_features(text), dtype=np.float32)])

    def best_claim(self, text: str, vector: np.ndarray) -> int:
        return int(np.argmax(self.probabilities(self.features(vector, word_set(text)))))

    def fit(
        self, negatives: list[str], negative_vectors: np.ndarray, examples=(), development=(), core=None
    ) -> None:
        """Fit the match model, then the stance model (which reads the fitted match model to pick
        each unlabelled sentence's claim). `examples` are (text, label) or (text, label, claim id);
        `core` is the project's own registry, on which the stance model's core is fitted when the
        library's registry is another one (see `_core_rows`)."""
        labelled = [
            (e[0], EXAMPLE_LABELS[e[1]], 3.0, e[2] if len(e) > 2 else None)
            for e in examples
            if e[1] in EXAMPLE_LABELS
        ]
        labelled += [(t, label, 3.0, None) for t, label in development]
        ex_vectors = self.embedder.encode([x[0] for x in labelled]) if labelled else np.zeros((0, 1))
        self._fit_match(negatives, negative_vectors, labelled, ex_vectors)
        self._fit_rank()
        self._fit_stance(negatives, negative_vectors, labelled, ex_vectors, core)

    def _fit_match(self, negatives, negative_vectors, labelled, ex_vectors) -> None:
        from sklearn.linear_model import LogisticRegression

        X, y = [], []
        for j, vector in enumerate(self.matrix):
            X.append(self.features(vector, self.words[j], leave_out=j)[self.owner[j]])
            y.append(1)
        for text, vector in zip(negatives, negative_vectors, strict=True):
            if EVIDENTIAL_NEGATION.search(text) or REPORTING.search(text):
                continue  # such sentences may well name a claim in order to refute it
            rows = self.features(vector, word_set(text))
            X.append(rows[int(np.argmax(rows[:, 0]))])
            y.append(0)
        for (text, label, *_), vector in zip(labelled, ex_vectors, strict=True):
            rows = self.features(vector, word_set(text))
            X.append(rows[int(np.argmax(rows[:, 0]))])
            y.append(int(label != "none"))  # clinic lines and their debunks are about a claim
        if len(set(y)) < 2:
            return  # no negative row (a core fitted without dev lines): keep the default weights
        match = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
        match.fit(np.asarray(X)[:, :MATCH_FEATURES], np.asarray(y))
        self.weights = match.coef_[0].astype(np.float32)
        self.bias = float(match.intercept_[0])

    def _fit_rank(self) -> None:
        """The rank model: each registry wording's features against its own claim (the wording
        itself left out) versus against every other claim. Strongly regularised: four weights,
        the same for every claim. Chosen on the tune split (right claim of its claim-bearing items,
        never fitted on), on the tune card questions and on the card tests: with coverage and
        recall 0.881 (0.832 with the four similarity scores alone, 0.872 with coverage alone);
        adding the topic-free similarity or a rarity-weighted F1 did no better there."""
        from sklearn.linear_model import LogisticRegression

        if len(self.claims) < 2:
            return
        X = [self.features(v, self.words[j], leave_out=j) for j, v in enumerate(self.matrix)]
        y = [int(k == self.owner[j]) for j in range(len(self.matrix)) for k in range(len(self.claims))]
        rank = LogisticRegression(C=0.1, max_iter=2000).fit(np.concatenate(X), np.asarray(y))
        self.rank_weights = rank.coef_[0].astype(np.float32)

    def _fit_stance(self, negatives, negative_vectors, labelled, ex_vectors, core=None) -> None:
        """The stance model: its core (registry wordings, their contradictions, corrections, the
        labelled sentences), balanced by class on the core alone, plus the library's sentences as
        weak `none` (or cue-labelled) rows whose total weight is bounded by a share of the core.
        A small library therefore cannot flip the model: before, a 20-sentence test library (with
        a planted clinic line among its `none` rows) and a 3-claim registry decided the class
        balance and most of the claim-bearing rows, and "no risk of rejection" read as refuting."""
        from sklearn.linear_model import LogisticRegression

        rows, labels, weights = self._core_rows(labelled, ex_vectors, core)
        factor = _class_factors(labels, weights)
        weights = [w * factor[label] for w, label in zip(weights, labels, strict=True)]
        if len(negatives):
            scale = min(1.0, LIBRARY_SHARE * sum(weights) / (0.5 * len(negatives)))
            for text, vector in zip(negatives, negative_vectors, strict=True):
                cue = "refutes" if EVIDENTIAL_NEGATION.search(text) else ""
                cue = cue or ("reports" if REPORTING.search(text) else "")
                rows.append(self.stance_features(text, vector, self.best_claim(text, vector)))
                labels.append(cue or "none")
                weights.append(0.5 * scale * factor.get(labels[-1], 1.0))  # weak labels from cues
        model = LogisticRegression(C=0.5, max_iter=4000)
        model.fit(np.asarray(rows), labels, sample_weight=weights)
        self.stance_weights, self.stance_bias = _softmax_rows(model)

    def _core_rows(self, labelled, ex_vectors, core=None) -> tuple[list, list, list]:
        """The stance model's core rows. Fitted on the project's own registry (`core`) when the
        library's registry is another one (a test library of two claims), plus that registry's
        own wordings and corrections: the labelled sentences are about the project's claims, and
        read against a registry that lacks their claim they taught the model nonsense."""
        if core is None or _same_registry(core, self.claims):
            return self._stance_rows(labelled, ex_vectors, with_labelled=True)
        rows, labels, weights = _core_of(core, self.embedder, labelled, ex_vectors)
        own = self._stance_rows(labelled, ex_vectors, with_labelled=False)
        return [*rows, *own[0]], [*labels, *own[1]], [*weights, *own[2]]

    def _stance_rows(self, labelled, ex_vectors, with_labelled: bool) -> tuple[list, list, list]:
        """Rows against this registry: each wording asserts its claim (itself left out), its
        contradiction and the claim's correction refute it; each labelled sentence against its
        labelled claim (skipped when that claim is not in this registry), or, when it names none
        (development lines, evidence), against the claim the match model picks."""
        rows, labels, weights = [], [], []
        for j, vector in enumerate(self.matrix):
            rows.append(self.stance_features(self.wordings[j], vector, self.owner[j], leave_out=j))
            labels.append("asserts")
            weights.append(1.0)
        flipped = [(contradiction(w), self.owner[j]) for j, w in enumerate(self.wordings)]
        flipped = [(t, o) for t, o in flipped if t]
        for (text, owner), vector in zip(flipped, self.embedder.encode([t for t, _ in flipped]), strict=True):
            rows.append(self.stance_features(text, vector, owner))
            labels.append("refutes")
            weights.append(1.0)
        for text, vector, owner in zip(
            self.corrections, self.correction_matrix, self.correction_owner, strict=True
        ):
            rows.append(self.stance_features(text, vector, int(owner)))
            labels.append("refutes")
            weights.append(1.0)
        if not with_labelled:
            return rows, labels, weights
        ids = {c.id: i for i, c in enumerate(self.claims)}
        for (text, label, weight, claim_id), vector in zip(labelled, ex_vectors, strict=True):
            if claim_id in ids:
                claim = ids[claim_id]
            elif claim_id and label != "none":
                continue  # about a claim this registry does not hold
            else:
                claim = self.best_claim(text, vector)
            rows.append(self.stance_features(text, vector, claim))
            labels.append(label)
            weights.append(weight)
        return rows, labels, weights

    def stance_probabilities(self, sentence: str, vector: np.ndarray, claim: int | None = None) -> np.ndarray:
        """Probabilities of asserts, refutes, reports, none for the sentence against the claim."""
        if self.stance_weights is None:
            return np.asarray([1.0, 0.0, 0.0, 0.0])  # no model: a matched sentence asserts
        claim = self.best_claim(sentence, vector) if claim is None else claim
        logits = self.stance_weights @ self.stance_features(sentence, vector, claim) + self.stance_bias
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def assertion_probability(self, sentence: str, vector: np.ndarray, claim: int | None = None) -> float:
        return float(self.stance_probabilities(sentence, vector, claim)[0])

    # -- a fitted guard is saved next to the index, so serving starts without refitting ---
    def save(self, path: Path) -> None:
        np.savez(
            path,
            matrix=self.matrix,
            weights=self.weights,
            bias=self.bias,
            rank_weights=self.rank_weights,
            stance_weights=self.stance_weights if self.stance_weights is not None else np.zeros(0),
            stance_bias=self.stance_bias,
            correction_matrix=self.correction_matrix,
        )

    def load(self, path: Path) -> None:
        with np.load(path) as data:
            self.weights, self.bias = data["weights"], float(data["bias"])
            if any(k not in data for k in ("stance_weights", "correction_matrix", "rank_weights")):
                raise ValueError(f"{path}: a guard cache from before the stance or rank model; fit again")
            self.rank_weights = data["rank_weights"]
            if self.rank_weights.shape != (MATCH_FEATURES + 2,):
                raise ValueError(f"{path}: a guard cache from before the coverage feature; fit again")
            sw = data["stance_weights"]
            self.stance_weights = sw if sw.size else None
            self.stance_bias = data["stance_bias"]
            if len(data["correction_matrix"]) == len(self.corrections):
                self._correction_matrix = data["correction_matrix"]


def _same_registry(a: list[Claim], b: list[Claim]) -> bool:
    return [(c.id, c.claim, tuple(c.paraphrases), c.correction) for c in a] == [
        (c.id, c.claim, tuple(c.paraphrases), c.correction) for c in b
    ]


def _class_factors(labels: list[str], weights: list[float]) -> dict[str, float]:
    """Balanced class weights over the core rows (each class the same total weight)."""
    totals: dict[str, float] = {}
    for label, weight in zip(labels, weights, strict=True):
        totals[label] = totals.get(label, 0.0) + weight
    return {label: sum(totals.values()) / (len(totals) * total) for label, total in totals.items()}


_CORES: dict[str, tuple[list, list, list]] = {}  # the project's core rows, by content, per process


def _core_of(core: list[Claim], embedder: Embedder, labelled, ex_vectors) -> tuple[list, list, list]:
    """The core rows against the project's own registry, with a match model fitted on the
    labelled sentences alone (it picks the claim of the lines that name none). Remembered per
    process: every small test library of a run shares the same core."""
    import hashlib
    import json

    content = [(c.id, c.claim, c.paraphrases, c.correction) for c in core], [x[:2] + x[3:] for x in labelled]
    key = hashlib.sha256(json.dumps([content, embedder.name]).encode()).hexdigest()
    if key not in _CORES:
        models = ClaimModels(core, embedder)
        models._fit_match([], np.zeros((0, models.matrix.shape[1]), np.float32), labelled, ex_vectors)
        models._fit_rank()
        rows, labels, weights = models._stance_rows(labelled, ex_vectors, with_labelled=True)
        _CORES.clear()
        _CORES[key] = ([r.copy() for r in rows], labels, weights)
    rows, labels, weights = _CORES[key]
    return list(rows), list(labels), list(weights)


def _softmax_rows(model) -> tuple[np.ndarray, np.ndarray]:
    """One weight row and bias per stance, in STANCES order, for a softmax over the stances. A
    small library may hold no example of a stance (no "reports" sentence): that stance gets a bias
    that keeps it at zero probability instead of failing the fit. Two classes give one row (the
    second class against the first), which is the softmax of a zero row and that row."""
    classes = list(model.classes_)
    coef, bias = model.coef_, model.intercept_
    if len(classes) == 2:
        coef, bias = np.vstack([np.zeros_like(coef[0]), coef[0]]), np.asarray([0.0, bias[0]])
    weights = np.zeros((len(STANCES), coef.shape[1]), np.float32)
    biases = np.full(len(STANCES), ABSENT_STANCE, np.float32)
    for i, stance in enumerate(STANCES):
        if stance in classes:
            weights[i], biases[i] = coef[classes.index(stance)], bias[classes.index(stance)]
    return weights, biases

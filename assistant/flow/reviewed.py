"""Matching each ask to a reviewed answer (sources/answers/), with a calibrated confidence.

Every reviewed answer lists at least six ways people ask it, and `uncovered:` lists asks no answer
covers (answers.load_uncovered). Answers are ranked by a soft maximum of their questions' cosines,
nudged by the ask's aspect (by rule), the IDF-weighted share of its content words the answer uses,
and the probability a classifier over the question vectors gives the answer (a logistic regression
whose classes are the answers and 'uncovered'). A small logistic model turns the best candidate into
the probability that it is right, from eleven features: its closest question's cosine, the mean of
its two closest, the ranking margin over the next answer, whether the ask's treatment and aspect
agree with it, the shared-word share, its vote share among the ask's ten nearest questions, how much
nearer it is than the nearest uncovered ask, and the classifier's probability of the answer, of
'uncovered', and whether the classifier picks it. It is fitted on the answers' own questions only:
leave-one-out (each question matched against the others, with classifier values from a fold that did
not see it), leave-one-answer-out (each question matched with its whole answer removed, always wrong,
at a small weight) and the uncovered asks (each matched, always wrong). No evaluation wording is
ever seen. Below `Settings.answer_threshold` the composer answers. The question vectors are cached
next to the index, keyed by the answer files and the model.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from ..answers import ReviewedAnswer, answer_files, load_answers, load_uncovered
from ..embeddings import Embedder
from ..settings import Settings
from ..sources import SourceError
from ..text import content_words
from .asks import Ask, with_answer

log = logging.getLogger(__name__)
GENERAL = {"stem-cells-general", "none", "clinics"}
# Ranking: soft maximum of an answer's cosines, nudged by the ask's aspect and shared words;
# chosen on the leave-one-out questions only (a grid over these three), never on held-out text.
SOFT_TAU, ASPECT_WEIGHT, WORD_WEIGHT = 0.1, 0.04, 0.4
# A classifier over the question vectors (the uncovered asks as one more class) adds its
# probability for each answer to the ranking; chosen on cross-validated leave-one-out rows.
CLF_WEIGHT, CLF_C, CLF_FOLDS = 1.0, 10.0, 5
VOTE_K = 10  # nearest questions that vote for an answer (see _vote)
# Weight of each leave-one-answer-out row: about one ask in ten has no reviewed answer.
UNCOVERED_WEIGHT = 0.1
# Weight of each written uncovered ask (sources/answers/not-covered.yaml) in the fit.
WRITTEN_UNCOVERED_WEIGHT = 1.0


@dataclass(frozen=True)
class Match:
    answer: ReviewedAnswer
    confidence: float


NEAR_DUPLICATE = 0.92  # cosine to a reviewed question at which an ask is that question


class ReviewedAnswers:
    def __init__(
        self,
        answers: list[ReviewedAnswer],
        vectors: np.ndarray,
        threshold: float,
        uncovered: list[str] = (),
        uncovered_vectors: np.ndarray | None = None,
    ):
        self.answers = answers
        # Vectors of the written asks no answer covers (answers.load_uncovered): an ask nearer to
        # one of them than to any answer's question is likely not covered either.
        self.uncovered_texts = list(uncovered)
        self.uncovered = (
            uncovered_vectors
            if uncovered_vectors is not None
            else np.zeros((0, vectors.shape[1]), np.float32)
        )
        self.owner = np.array([i for i, a in enumerate(answers) for _ in a.questions])
        # Each answer's questions are contiguous, so per-answer maxima are one reduceat.
        self.starts = np.cumsum([0] + [len(a.questions) for a in answers[:-1]])
        self.sizes = np.array([len(a.questions) for a in answers])
        self.vectors = vectors
        self.threshold = threshold
        self.question_words = [set(content_words(q)) for a in answers for q in a.questions]
        # How many of an answer's texts (its answer text, each question) hold a word; a question
        # left out (leave-one-out) takes its own words away by subtracting one.
        self.word_counts = [Counter(set(content_words(a.text))) for a in answers]
        for k, words in enumerate(self.question_words):
            self.word_counts[self.owner[k]].update(words)
        # Rare words tell answers apart; "ms", "stem", "hsct" are in most answers (IDF weights).
        df = Counter(w for counts in self.word_counts for w in counts)
        self.idf = {w: float(np.log(len(answers) / n)) for w, n in df.items()}
        # The same counts by word, one entry per answer, so an ask's shared-word share is one
        # pass over its own words rather than one per answer (it was a third of a match's time).
        self.by_word = {w: np.array([counts[w] for counts in self.word_counts]) for w in df}
        self.aspects = np.array([a.aspect for a in answers])
        self.clf = None
        # One BLAS thread: the fits are small, and on a shared machine more threads than cores
        # made them ten times slower (0.7 s -> 12.7 s a fit at load 6 on 2 cores).
        with threadpool_limits(1):
            if len(answers) > 1:
                self._fit_classifier()
            self.model = self._fit() if len(answers) > 1 else None

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder) -> ReviewedAnswers:
        answers, problems = load_answers(settings.sources_dir / "answers")
        if problems:
            raise SourceError(problems)
        texts = [q for a in answers for q in a.questions]
        uncovered = load_uncovered(settings.sources_dir / "answers")
        vectors = _vectors(settings, embedder, texts + uncovered)
        n = len(texts)
        return cls(answers, vectors[:n], settings.answer_threshold, uncovered, vectors[n:])

    def by_id(self, answer_id: str) -> ReviewedAnswer | None:
        return next((a for a in self.answers if a.id == answer_id), None)

    def match(self, text: str, vector: np.ndarray) -> Match | None:
        """The reviewed answer for an ask, or None below the threshold."""
        best = self.best(text, vector)
        return best if best and best.confidence >= self.threshold else None

    def apply(self, ask: Ask, vector: np.ndarray) -> Ask:
        """The ask with its reviewed answer when the match is confident; an ask the rules could
        not place ('other') takes the aspect of its closest reviewed answer (understand_eval)."""
        best = self.best(ask.query, vector)
        if best is None:
            return ask
        if best.confidence >= self.threshold:
            return with_answer(ask, best)
        return replace(ask, aspect=best.answer.aspect) if ask.aspect == "other" else ask

    def best(self, text: str, vector: np.ndarray) -> Match | None:
        if self.model is None:
            return None
        sims = self.vectors @ vector
        uncovered, probs = self._nearest_uncovered(vector), self._class_probs(vector)
        idx, feats = self._features(sims, text, uncovered, probs=probs)
        p = float(_proba(self.model, feats[None, :])[0, 1])
        if p < self.threshold:
            return self._near_duplicate(sims) or Match(self.answers[idx], p)
        return Match(self.answers[idx], p)

    def _near_duplicate(self, sims: np.ndarray) -> Match | None:
        """An ask below the threshold worded almost as one of the reviewed questions is that
        question: its answer, with the cosine as confidence. Without this, an ask near several
        answers of its topic ('can MS be treated with a transplant?': what aHSCT is, whether it
        cures, how well it works) split the classifier's vote and fell below the threshold at a
        cosine of 0.96. No held-out paraphrase below the threshold reaches NEAR_DUPLICATE
        (evals.matching_eval unchanged); at 0.85, 3 would be rescued and 1 sent wrong."""
        j = int(np.argmax(sims)) if len(sims) else -1  # `sims`: the ask's cosine to each question
        if j < 0 or sims[j] < max(NEAR_DUPLICATE, self.threshold):  # a threshold above 1: none
            return None
        return Match(self.answers[self.owner[j]], float(sims[j]))

    def _class_probs(self, vector: np.ndarray, row: int | None = None) -> np.ndarray | None:
        """The classifier's probability of each answer and, last, of 'uncovered'; a fitted row
        (a question or a written uncovered ask) takes its out-of-fold values."""
        if self.clf is None:
            return None
        if row is not None:
            return self.oof[row].copy()
        out = np.zeros(len(self.answers) + 1)
        out[self.clf.classes_] = _proba(self.clf, vector[None, :].astype(np.float64))[0]
        return out

    def _fit_classifier(self) -> None:
        """A classifier of the answers' questions (and the uncovered asks as one more class) over
        their vectors; every question's and uncovered ask's probabilities come from a fold that
        did not see it (out-of-fold), so the confidence model is fitted on honest values."""
        from sklearn.model_selection import StratifiedKFold

        n = len(self.answers)
        X = np.vstack([self.vectors, self.uncovered]).astype(np.float64)
        y = np.r_[self.owner, np.full(len(self.uncovered), n)]
        folds = min(CLF_FOLDS, int(np.bincount(y).min()))
        if folds < 2:  # an uncovered class of one ask cannot be held out
            X, y = X[: len(self.vectors)], y[: len(self.vectors)]
            folds = min(CLF_FOLDS, int(np.bincount(y).min()))
        self.oof = np.zeros((len(self.vectors) + len(self.uncovered), n + 1))
        folds = StratifiedKFold(folds, shuffle=True, random_state=0)
        for train, test in folds.split(X, y):
            clf = LogisticRegression(C=CLF_C, max_iter=2000).fit(X[train], y[train])
            self.oof[np.ix_(test, clf.classes_)] = clf.predict_proba(X[test])
        self.clf = LogisticRegression(C=CLF_C, max_iter=2000).fit(X, y)

    def _nearest_uncovered(self, vector: np.ndarray, skip: int | None = None) -> float:
        """Cosine of the written uncovered ask nearest to the ask (less one left out)."""
        if not len(self.uncovered):
            return 0.0
        sims = self.uncovered @ vector
        if skip is not None:
            sims[skip] = -1.0
        return float(sims.max())

    def _features(
        self,
        sims: np.ndarray,
        text: str,
        uncovered: float = 0.0,
        skip: int | None = None,
        probs: np.ndarray | None = None,
    ) -> tuple[int, np.ndarray]:
        """Rank answers by meaning, nudged by the ask's aspect (rules) and shared words; then the
        features of the best one for the confidence model."""
        from .asks import aspect_of, treatment_of  # the ask as the rules read it

        treatment = treatment_of(text) or "stem-cells-general"
        aspect = aspect_of(text)
        words = set(content_words(text))
        top = np.maximum.reduceat(sims, self.starts)
        same_aspect = (self.aspects == aspect).astype(float)
        shared = self._shared(words, skip)
        rank = self._soft_top(sims) + ASPECT_WEIGHT * same_aspect + WORD_WEIGHT * shared
        if probs is not None:
            rank = rank + CLF_WEIGHT * probs[:-1]
        order = np.argsort(-rank)
        i, j = int(order[0]), int(order[1])
        two = float(np.mean(np.sort(sims[self.owner == i])[::-1][:2]))
        agrees = (
            treatment in GENERAL
            or self.answers[i].treatment in GENERAL
            or (self.answers[i].treatment == treatment)
        )
        feats = [top[i], two, rank[i] - rank[j], float(agrees), same_aspect[i], shared[i]]
        feats.append(self._vote(sims, i))
        feats.append(top[i] - uncovered)  # how much nearer the answer is than an uncovered ask
        if probs is not None:  # the classifier's belief in the answer, in 'uncovered', and its pick
            feats += [probs[i], probs[-1], float(int(np.argmax(probs)) == i)]
        return i, np.array(feats, dtype=np.float32)

    def _soft_top(self, sims: np.ndarray) -> np.ndarray:
        """A soft maximum of each answer's cosines (log-mean-exp): an answer with several close
        wordings ranks above one with a single near wording, and an answer with more wordings
        gains nothing for their number (leave-one-out top-1 0.677 -> 0.768 with the nudges)."""
        scaled = np.exp((sims - sims.max()) / SOFT_TAU)
        return sims.max() + SOFT_TAU * np.log(np.add.reduceat(scaled, self.starts) / self.sizes + 1e-30)

    def _vote(self, sims: np.ndarray, i: int) -> float:
        """Share of the ask's nearest questions that belong to answer i: a wording that sits among
        one answer's questions is safer than one whose neighbours are split between answers."""
        k = min(VOTE_K, len(sims) - 1)
        near = np.argpartition(-sims, k)[:k]
        return float(np.mean(self.owner[near] == i))

    def _shared(self, words: set[str], skip: int | None = None) -> np.ndarray:
        """IDF-weighted share of the ask's content words that each answer uses (its text and its
        questions, less a left-out question's own words); an unknown word weighs like the rarest.
        One rare word's weight is added below the line, so a short ask whose one telling word
        happens to be in an answer ("the same thing as…") is not a full match. The weights are
        added word by word in the ask's order, so each share is the same float as a plain sum."""
        rare = float(np.log(max(len(self.answers), 2)))
        weights = {w: self.idf.get(w, rare) for w in words}
        gone = self.question_words[skip] if skip is not None else set()
        hits = np.zeros(len(self.answers))
        for w, weight in weights.items():
            counts = self.by_word.get(w)
            if counts is None:  # no answer uses the word
                continue
            held = counts > 0
            if w in gone:  # the left-out question's answer holds it only in another text
                held[self.owner[skip]] = counts[self.owner[skip]] > 1
            hits += weight * held
        return hits / (sum(weights.values()) + rare)

    def _loo(self) -> tuple[np.ndarray, np.ndarray]:
        """Each question against all the others: features of its best answer, and if it is right."""
        texts = [q for a in self.answers for q in a.questions]
        X, y = [], []
        for k, text in enumerate(texts):
            sims = self.vectors @ self.vectors[k]
            sims[k] = -1.0
            near = self._nearest_uncovered(self.vectors[k])
            probs = self._class_probs(self.vectors[k], row=k)
            idx, feats = self._features(sims, text, near, skip=k, probs=probs)
            X.append(feats)
            y.append(int(idx == self.owner[k]))
        return np.array(X), np.array(y)

    def _answer_out(self) -> np.ndarray:
        """Each question with its whole answer hidden: the features of a wrong best answer for an
        ask that no answer covers (the leave-one-out rows alone hold no such ask)."""
        texts = [q for a in self.answers for q in a.questions]
        X = []
        for k, text in enumerate(texts):
            sims = self.vectors @ self.vectors[k]
            sims[self.owner == self.owner[k]] = -1.0
            probs = self._class_probs(self.vectors[k], row=k)
            if probs is not None:
                probs[self.owner[k]] = 0.0
            near = self._nearest_uncovered(self.vectors[k])
            X.append(self._features(sims, text, near, probs=probs)[1])
        return np.array(X)

    def _written_out(self) -> np.ndarray:
        """Each written uncovered ask, the others kept: the features of its (wrong) best answer."""
        X = [
            self._features(
                self.vectors @ u,
                text,
                self._nearest_uncovered(u, skip=k),
                probs=self._class_probs(u, row=len(self.vectors) + k),
            )[1]
            for k, (u, text) in enumerate(zip(self.uncovered, self.uncovered_texts, strict=True))
        ]
        return np.array(X)

    def _fit(self) -> LogisticRegression | None:
        X, y = self._loo()
        out, written = self._answer_out(), self._written_out()
        weights = np.r_[
            np.ones(len(y)),
            np.full(len(out), UNCOVERED_WEIGHT),
            np.full(len(written), WRITTEN_UNCOVERED_WEIGHT),
        ]
        X = np.vstack([X, out, *([written] if len(written) else [])])
        y = np.r_[y, np.zeros(len(out) + len(written), dtype=int)]
        if len(set(y)) < 2:  # no question found its own answer: nothing to calibrate on
            return None
        return LogisticRegression(C=10.0, max_iter=1000).fit(X, y, sample_weight=weights)


def _vectors(settings: Settings, embedder: Embedder, texts: list[str]) -> np.ndarray:
    digest = hashlib.sha256(
        b"".join(p.read_bytes() for p in answer_files(settings.sources_dir / "answers"))
        + embedder.name.encode()
    ).hexdigest()[:16]
    cache = Path(settings.index_dir) / f"answers-{digest}.npy"
    if cache.exists():
        try:
            vectors = np.load(cache)
            if vectors.shape[0] == len(texts):
                return vectors
        except (OSError, ValueError):  # damaged: embed again
            log.warning("reviewed-answer cache %s unreadable; embedding again", cache)
    vectors = embedder.encode(texts) if texts else np.zeros((0, embedder.dimension), np.float32)
    if cache.parent.is_dir():
        for old in cache.parent.glob("answers-*.npy"):
            old.unlink(missing_ok=True)
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(cache)
    return vectors


def _proba(model: LogisticRegression, X: np.ndarray) -> np.ndarray:
    """`model.predict_proba(X)` by the same arithmetic without sklearn's input checks (two thirds
    of its time on one row): the softmax over the classes, or the logistic of two."""
    scores = X @ model.coef_.T + model.intercept_
    if len(model.classes_) <= 2:
        p = expit(scores.reshape(-1))
        return np.stack([1 - p, p], axis=1)
    scores -= scores.max(axis=1).reshape(-1, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1).reshape(-1, 1)
    return scores

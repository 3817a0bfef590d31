"""Matching each ask to a reviewed answer (sources/answers/), with a calibrated confidence.

Every reviewed answer lists at least six ways people ask it. An ask is compared with all of them;
a small logistic model turns the comparison into the probability that the best answer is right.
It reads six features of the best candidate: its closest question's cosine, the mean of its two
closest, the margin over the best other answer, whether the ask's treatment and aspect (by rule)
agree, and the share of the ask's content words found in the answer's questions and text. It is
fitted leave-one-out on the answers' own questions (each question matched against the others), so
no evaluation wording is ever seen. Below `Settings.answer_threshold` the composer answers instead.
The question vectors are cached next to the index, keyed by the answer files and the model.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..answers import ReviewedAnswer, answer_files, load_answers
from ..embeddings import Embedder
from ..settings import Settings
from ..sources import SourceError
from ..text import content_words
from .asks import Ask

log = logging.getLogger(__name__)
GENERAL = {"stem-cells-general", "none", "clinics"}
ASPECT_WEIGHT, WORD_WEIGHT = 0.08, 0.15  # nudges to the cosine ranking (see _features)


@dataclass(frozen=True)
class Match:
    answer: ReviewedAnswer
    confidence: float


class ReviewedAnswers:
    def __init__(self, answers: list[ReviewedAnswer], vectors: np.ndarray, threshold: float):
        self.answers = answers
        self.owner = np.array([i for i, a in enumerate(answers) for _ in a.questions])
        self.vectors = vectors
        self.threshold = threshold
        self.text_words = [set(content_words(a.text)) for a in answers]
        self.question_words = [set(content_words(q)) for a in answers for q in a.questions]
        self.model = _fit(*self._loo()) if len(answers) > 1 else None

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder) -> ReviewedAnswers:
        answers, problems = load_answers(settings.sources_dir / "answers")
        if problems:
            raise SourceError(problems)
        texts = [q for a in answers for q in a.questions]
        return cls(answers, _vectors(settings, embedder, texts), settings.answer_threshold)

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
            return replace(
                ask, answer_id=best.answer.id, confidence=best.confidence, aspect=best.answer.aspect
            )
        return replace(ask, aspect=best.answer.aspect) if ask.aspect == "other" else ask

    def best(self, text: str, vector: np.ndarray) -> Match | None:
        if self.model is None:
            return None
        idx, feats = self._features(self.vectors @ vector, text)
        p = float(self.model.predict_proba(feats[None, :])[0, 1])
        return Match(self.answers[idx], p)

    def _features(self, sims: np.ndarray, text: str, skip: int | None = None) -> tuple[int, np.ndarray]:
        """Rank answers by meaning, nudged by the ask's aspect (rules) and shared words; then the
        features of the best one for the confidence model."""
        from .asks import aspect_of, treatment_of  # the ask as the rules read it

        treatment = treatment_of(text) or "stem-cells-general"
        aspect = aspect_of(text)
        words = set(content_words(text))
        n = len(self.answers)
        top = np.array([sims[self.owner == i].max() for i in range(n)])
        same_aspect = np.array([float(a.aspect == aspect) for a in self.answers])
        shared = np.array([self._shared(words, i, skip) for i in range(n)])
        rank = top + ASPECT_WEIGHT * same_aspect + WORD_WEIGHT * shared
        order = np.argsort(-rank)
        i, j = int(order[0]), int(order[1])
        two = float(np.mean(np.sort(sims[self.owner == i])[::-1][:2]))
        agrees = (
            treatment in GENERAL
            or self.answers[i].treatment in GENERAL
            or (self.answers[i].treatment == treatment)
        )
        feats = [top[i], two, rank[i] - rank[j], float(agrees), same_aspect[i], shared[i]]
        return i, np.array(feats, dtype=np.float32)

    def _shared(self, words: set[str], i: int, skip: int | None) -> float:
        if not words:
            return 0.0
        own = set(self.text_words[i]).union(
            *(w for k, w in enumerate(self.question_words) if self.owner[k] == i and k != skip)
        )
        return len(words & own) / len(words)

    def _loo(self) -> tuple[np.ndarray, np.ndarray]:
        """Each question against all the others: features of its best answer, and if it is right."""
        texts = [q for a in self.answers for q in a.questions]
        X, y = [], []
        for k, text in enumerate(texts):
            sims = self.vectors @ self.vectors[k]
            sims[k] = -1.0
            idx, feats = self._features(sims, text, skip=k)
            X.append(feats)
            y.append(int(idx == self.owner[k]))
        return np.array(X), np.array(y)


def _fit(X: np.ndarray, y: np.ndarray) -> LogisticRegression | None:
    if len(set(y)) < 2:
        return None
    return LogisticRegression(C=10.0, max_iter=1000).fit(X, y)


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

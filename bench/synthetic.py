"""Synthetic notes for bench/scale.py: a pool of distinct sentences with real embeddings, and
documents built from it passage by passage, deterministic for a seed."""

from __future__ import annotations

import random

import numpy as np

from assistant.models import Passage
from assistant.text import split_sentences
from bench.synthetic_words import LIMITS, NUMBERS, TEMPLATES, TITLES, TOPIC_TYPES, TOPICS, TYPES, WORDS

GENERATOR = 1  # bump when the text or vector generation changes: cached folders are rebuilt
NOISE = 0.0128  # per-dimension sd of the noise added to a pool vector: cosine ~0.97 in 384-d


def _fill(template: str, words: dict, numbers: dict) -> str:
    text = template.format(**{**words, **numbers})
    return text[0].upper() + text[1:]


def _words(rng: random.Random, template: str) -> dict:
    return {k: rng.choice(v) for k, v in WORDS.items() if "{" + k + "}" in template}


def _numbers(rng: random.Random, template: str) -> dict:
    return {k: f(rng) for k, f in NUMBERS.items() if "{" + k + "}" in template}


def make_pool(size: int, seed: int) -> list[tuple[int, dict, str]]:
    """(template index, word slots, text): distinct synthetic sentences, each one sentence long."""
    rng = random.Random(seed)
    pool, seen = [], set()
    while len(pool) < size:
        i = rng.randrange(len(TEMPLATES))
        template = TEMPLATES[i][2]
        words = _words(rng, template)
        text = _fill(template, words, _numbers(rng, template))
        if text not in seen and len(split_sentences(text)) == 1:
            seen.add(text)
            pool.append((i, words, text))
    return pool


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


class Generator:
    """Synthetic documents, passage by passage; deterministic for a seed."""

    def __init__(self, pool, vectors: np.ndarray, seed: int):
        self.pool = pool
        self.vectors = vectors
        self.rng = random.Random(seed + 1)
        self.np_rng = np.random.default_rng(seed + 2)
        self.by_key: dict[tuple[str, str], list[int]] = {}
        self.by_topic: dict[str, list[int]] = {}
        for j, (i, _, _) in enumerate(pool):
            topic, section, _ = TEMPLATES[i]
            self.by_key.setdefault((topic, section), []).append(j)
            self.by_topic.setdefault(topic, []).append(j)
        self.doc = 0

    def document(self) -> list[tuple[Passage, list[str], np.ndarray, np.ndarray]]:
        """One synthetic note: (passage, its sentences, sentence vectors, passage vector)."""
        rng = self.rng
        self.doc += 1
        topic = rng.choice(TOPICS)
        kind = rng.choice(TOPIC_TYPES[topic])
        sid = f"syn-{topic}-{self.doc:06d}"
        title_words = _words(rng, TITLES[topic])
        title = _fill(TITLES[topic], title_words, {})
        out = []
        for section in TYPES[kind]:
            idx: list[int] = []
            used: set[int] = set()
            for _ in range(rng.randint(3, 6) * 3):  # 3 to 6 sentences, each template at most once
                mixed = rng.random() < 0.25  # topic-mixed: a sentence from another topic
                t = rng.choice(TOPICS) if mixed else topic
                key = ("limits", LIMITS) if section == LIMITS else (t, section)
                j = rng.choice(self.by_key.get(key) or self.by_topic[t])
                if self.pool[j][0] not in used:
                    used.add(self.pool[j][0])
                    idx.append(j)
                if len(idx) >= 6 or (len(idx) >= 3 and rng.random() < 0.25):
                    break
            sentences = []
            for j in idx:
                i, words, _ = self.pool[j]
                template = TEMPLATES[i][2]
                sentences.append(_fill(template, words, _numbers(rng, template)))
            noise = self.np_rng.normal(0.0, NOISE, size=(len(idx), self.vectors.shape[1]))
            s_vecs = _unit(self.vectors[idx] + noise)
            weights = self.np_rng.dirichlet(np.ones(len(idx)))
            p_vec = _unit(weights @ s_vecs + self.np_rng.normal(0.0, NOISE, size=self.vectors.shape[1]))
            passage = Passage(
                id=f"{sid}#{section.lower().replace(' ', '-')}",
                source_id=sid,
                title=title,
                section=section,
                text=" ".join(sentences),
                year=rng.randint(1998, 2025),
                type=kind,
                url=f"https://example.org/synthetic/{sid}",
            )
            out.append((passage, sentences, s_vecs, p_vec))
        return out

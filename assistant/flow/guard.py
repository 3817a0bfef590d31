"""Stage 2, guard the question (and, later, each answer sentence): the claim guard's set-up.

The guard itself is `assistant/claims.py` (models in `guard_model.py`, text rules in
`guard_text.py`). This module fits it once per registry, tuning set and library, caches it next
to the index, and heals a damaged cache: the file is written atomically (temp file, then rename)
and a cache that cannot be read is fitted again with a warning instead of blocking start-up.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from ..claims import ClaimGuard, GuardResult, development_examples
from ..embeddings import Embedder
from ..settings import Settings
from ..sources import SourceError, load_claims
from ..text import reads_as_instruction, split_sentences
from .by_ask import not_covered_texts
from .notices import fixed_paragraphs

log = logging.getLogger(__name__)
CACHE_VERSION = "3"


def load_guard(
    settings: Settings, embedder: Embedder, sentences, library_version: str, reviewed: Sequence[str] = ()
) -> ClaimGuard:
    """The claim guard for this registry and library; `sentences` is the sentence collection,
    `reviewed` the sentences of the reviewed answers (reviewed text, like the corrections)."""
    path = settings.sources_dir / "claims.yaml"
    claims, problems = load_claims(path)
    if problems and path.exists():
        raise SourceError(problems)
    cache = settings.index_dir / f"guard-{_key(path, settings, embedder, library_version)}.npz"
    # Library sentences are evidence, never clinic claims: the model's negatives, and
    # known-safe when quoted verbatim (as the extractive composer does).
    got = _evidence(sentences.get(limit=5000, include=["documents", "embeddings"]))
    fixed = [s for p in (*fixed_paragraphs(), *not_covered_texts()) for s in split_sentences(p)]
    args = dict(
        threshold=settings.claim_threshold,
        assert_threshold=settings.assert_threshold,
        known_safe=(*fixed, *got["documents"], *reviewed),
    )
    guard = _cached(cache, claims, embedder, args)
    if guard is not None:
        return guard
    guard = ClaimGuard(
        claims,
        embedder,
        negatives=got["documents"],
        negative_vectors=np.asarray(got["embeddings"], dtype=np.float32),
        examples=guard_examples(settings.guard_examples),
        development=development_examples(_development(settings)),
        **args,
    )
    if claims:
        _save(guard, cache)
    return guard


def _evidence(got: dict) -> dict:
    """Library sentences that read as instructions to the assistant (text planted in a source)
    are never evidence: not negatives of the model, not known-safe."""
    keep = [i for i, doc in enumerate(got["documents"]) if not reads_as_instruction(doc)]
    return {
        "documents": [got["documents"][i] for i in keep],
        "embeddings": [got["embeddings"][i] for i in keep],
    }


def question_claims(guard: ClaimGuard, asked: str, vector: np.ndarray | None) -> list[GuardResult]:
    """Claims the asker states, quotes or asks about; a one-sentence question reuses its vector."""
    one = len(split_sentences(asked)) <= 1
    return guard.in_question(asked, vector[None, :] if one and vector is not None else None)


def guard_examples(path) -> list[tuple[str, str]]:
    """Hand-labelled tuning sentences (evals/guard/tune.yaml); none when the file is absent."""
    if not path or not Path(path).exists():
        return []
    items = (yaml.safe_load(Path(path).read_text()) or {}).get("items") or []
    return [(i["text"], i["label"]) for i in items if i.get("text") and i.get("label")]


def _development(settings: Settings) -> Path | None:
    path = settings.guard_development
    return path if path and str(path) not in ("", ".") and Path(path).is_file() else None


def _key(path: Path, settings: Settings, embedder: Embedder, library_version: str) -> str:
    files = (path, settings.guard_examples, _development(settings))
    inputs = b"".join(p.read_bytes() for p in files if p and Path(p).exists())
    tag = f"{embedder.name}|{library_version}|{CACHE_VERSION}".encode()
    return hashlib.sha256(inputs + tag).hexdigest()[:16]


def _cached(cache: Path, claims, embedder: Embedder, args: dict) -> ClaimGuard | None:
    if not cache.exists():
        return None
    try:
        with np.load(cache) as data:
            guard = ClaimGuard(claims, embedder, matrix=data["matrix"], **args)
        guard.load(cache)
        return guard
    except Exception as exc:  # a damaged or foreign file: fit again rather than refuse to start
        log.warning("guard cache %s unreadable (%s); fitting the guard again", cache, exc.__class__.__name__)
        cache.unlink(missing_ok=True)
        return None


def _save(guard: ClaimGuard, cache: Path) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob("guard-*.npz"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".guard-", suffix=".npz")
    os.close(fd)
    try:
        guard.save(Path(tmp))
        os.replace(tmp, cache)
    finally:
        Path(tmp).unlink(missing_ok=True)

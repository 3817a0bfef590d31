"""Stage 2, guard the question (and, later, each answer sentence): the claim guard's set-up.

The guard itself is `assistant/claims.py` (models in `guard_model.py`, text rules in
`guard_text.py`). This module fits it once per registry, tuning set and library, caches it next
to the index, and heals a damaged cache: the file is written atomically (temp file, then rename)
and a cache that cannot be read is fitted again with a warning instead of blocking start-up.
"""

from __future__ import annotations

import hashlib
import json
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
from ..store import read_manifest
from ..text import reads_as_instruction, split_sentences
from .by_ask import not_covered_texts
from .notices import fixed_paragraphs

log = logging.getLogger(__name__)
# 11: a weakly matched attribution gives a card only if what was said names a treatment (10: a
# question-side card needs the claim's words besides its treatment's name; 9: hyphenated words
# split for the word features, negations typed without an apostrophe; 8: the rank model reads the
# claim's coverage of the sentence's distinctive words)
CACHE_VERSION = "11"
CORE_REGISTRY = Path(__file__).resolve().parents[2] / "sources" / "claims.yaml"


def load_guard(
    settings: Settings, embedder: Embedder, sentences, library_version: str, reviewed: Sequence[str] = ()
) -> ClaimGuard:
    """The claim guard for this registry and library; `sentences` is the sentence collection,
    `reviewed` the sentences of the reviewed answers (reviewed text, like the corrections)."""
    path = settings.sources_dir / "claims.yaml"
    claims = registry(path)
    checked = sorted((read_manifest(settings.index_dir) or {}).get("checked") or [])
    tag = f"{library_version}|{hashlib.sha256(json.dumps(checked).encode()).hexdigest()[:12]}"
    cache = settings.index_dir / f"guard-{_key(path, settings, embedder.name, tag)}.npz"
    # Library sentences are evidence, never clinic claims: the model's negatives. Only sentences
    # of documents that passed `sources check` at build time (the manifest's `checked`) are
    # known-safe when quoted verbatim; being in the index is not enough (issue 19).
    # In text order: the store's order depends on how the index grew, and the fitted model must not.
    got = _evidence(sentences.get(limit=5000, include=["documents", "embeddings", "metadatas"]))
    trusted = [
        d for d, m in zip(got["documents"], got["metadatas"], strict=True) if m.get("source_id") in checked
    ]
    fixed = [s for p in (*fixed_paragraphs(), *not_covered_texts()) for s in split_sentences(p)]
    known_safe = (*fixed, *trusted, *reviewed)
    return fit_guard(settings, claims, embedder, (got["documents"], got["embeddings"]), known_safe, cache)


def registry(path: Path) -> list:
    """The claim registry; a registry with faults stops here, naming them."""
    claims, problems = load_claims(path)
    if problems and path.exists():
        raise SourceError(problems)
    return claims


def fit_guard(
    settings: Settings, claims, embedder: Embedder, negatives, known_safe, cache: Path
) -> ClaimGuard:
    """The guard from its cache, or fitted on `negatives` (texts, vectors) and cached."""
    args = dict(
        threshold=settings.claim_threshold,
        assert_threshold=settings.assert_threshold,
        known_safe=tuple(known_safe),
    )
    guard = _cached(cache, claims, embedder, args)
    if guard is not None:
        return guard
    texts, vectors = negatives
    guard = ClaimGuard(
        claims,
        embedder,
        negatives=list(texts),
        negative_vectors=np.asarray(vectors, dtype=np.float32),
        examples=guard_examples(settings.guard_examples),
        development=development_examples(_development(settings)),
        core=core_registry(),
        **args,
    )
    if claims:
        _save(guard, cache)
    return guard


def _evidence(got: dict) -> dict:
    """Library sentences that read as instructions to the assistant (text planted in a source)
    are never evidence: not negatives of the model, not known-safe."""
    keep = [i for i, doc in enumerate(got["documents"]) if not reads_as_instruction(doc)]
    keep.sort(key=lambda i: got["documents"][i])
    metas = got.get("metadatas") or [{}] * len(got["documents"])
    return {
        "documents": [got["documents"][i] for i in keep],
        "embeddings": [got["embeddings"][i] for i in keep],
        "metadatas": [metas[i] or {} for i in keep],
    }


def question_claims(guard: ClaimGuard, asked: str, vector: np.ndarray | None) -> list[GuardResult]:
    """Claims the asker states, quotes or asks about; a one-sentence question reuses its vector."""
    one = len(split_sentences(asked)) <= 1
    return guard.in_question(asked, vector[None, :] if one and vector is not None else None)


def guard_examples(path) -> list[tuple[str, str, str | None]]:
    """Hand-labelled tuning sentences (evals/guard/tune.yaml) as (text, label, claim id); none
    when the file is absent."""
    if not path or not Path(path).exists():
        return []
    items = (yaml.safe_load(Path(path).read_text()) or {}).get("items") or []
    return [(i["text"], i["label"], i.get("claim")) for i in items if i.get("text") and i.get("label")]


def core_registry() -> list | None:
    """The project's own registry (sources/claims.yaml of this checkout), on which the stance
    model's core is fitted whatever library is served; None when it is absent or faulty."""
    if not CORE_REGISTRY.is_file():
        return None
    claims, problems = load_claims(CORE_REGISTRY)
    return None if problems else claims


def _development(settings: Settings) -> Path | None:
    path = settings.guard_development
    return path if path and str(path) not in ("", ".") and Path(path).is_file() else None


def _key(path: Path, settings: Settings, model: str, library_version: str) -> str:
    """Named by content: registry, tuning sets, model and library, so a changed input never
    reads an old file."""
    files = (path, settings.guard_examples, _development(settings), CORE_REGISTRY)
    inputs = b"".join(p.read_bytes() for p in files if p and Path(p).exists())
    tag = f"{model}|{library_version}|{CACHE_VERSION}".encode()
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
    """Atomic (temp file, then rename); older caches of the same kind are removed."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    kind = cache.stem.rsplit("-", 1)[0]  # "guard" for guard-<key>.npz
    for old in cache.parent.glob(f"{kind}-*.npz"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".guard-", suffix=".npz")
    os.close(fd)
    try:
        guard.save(Path(tmp))
        os.replace(tmp, cache)
    finally:
        Path(tmp).unlink(missing_ok=True)

"""Sources are untrusted until reviewed (issue 19): every statement of a note or PDF page is read
by the claim guard and the instruction filter before the index takes it.

A statement fails when it addresses the assistant (`text.INSTRUCTION`) or when the guard reads it
as asserting a registry claim: the library would otherwise say "73% of patients were cured" in its
own voice and with a citation. A note quotes a clinic claim on a blockquote line ("> ..."); such
lines are never indexed or shown (`sources.unquoted`), so they are not checked either.

The guard used here is fitted on the library's own sentences as negatives, with no library
sentence known-safe, and cached next to the index (`trust-guard-<key>.npz`); the results are
cached per document content (`trust-<key>.json`), so `sources check` and `assistant index` read
each unchanged document once. Both caches are named by content, written atomically and rebuilt
with a warning when they cannot be read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import STRONG_MATCH
from .embeddings import Embedder, load_embedder
from .guard_text import conflicts
from .index import file_hash
from .ingest import PdfError, pdf_passages
from .models import SourceDoc
from .settings import Settings
from .sources import FRONT_MATTER, Problem, SourceError, body_lines
from .text import content_words, reads_as_instruction, split_sentences

log = logging.getLogger(__name__)
# Answer sentences assert at the guard's low bar (a missed clinic claim costs more than a dropped
# sentence). A library sentence fails review when the guard reads it as asserting and either
# matches a claim strongly or asserts it more likely than not: below that, the guard's reading of
# definitions ("Myelin is ...") is mostly noise (40 false alarms in the shipped library at the low
# bar, every planted clinic sentence of tests/test_sources_trust.py above 0.9 match).
REVIEW_BAR = 0.5


@dataclass(frozen=True)
class Statement:
    file: str  # the note's name, or pdf/<name>
    where: str  # "line 12" of the note file, or "page 3" of the PDF
    text: str


def statements(doc: SourceDoc) -> list[Statement]:
    """What a document says in the library's voice, with where it says it."""
    path = Path(doc.path)
    if path.suffix.lower() == ".pdf":
        found = [(f"page {p.page}", s) for p in pdf_passages(doc) for s in split_sentences(p.text)]
        return [Statement(f"pdf/{path.name}", w, s) for w, s in dict.fromkeys(found)]
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    first = text[: match.start(2)].count("\n") + 1  # file line of the body's first line
    return [
        Statement(path.name, f"line {n}", s)
        for n, line in body_lines(match.group(2), first)
        for s in split_sentences(line)
    ]


# Words every claim and every note share: they say nothing about which claim a sentence makes.
COMMON = frozenset(content_words("MS multiple sclerosis stem cell cells treatment therapy patients people"))


def says_claim_words(sentence: str, claim) -> bool:
    """Does the sentence carry at least half the telling words of one of the claim's wordings?
    A library sentence fails review only when it says the claim, not when the guard's match
    model, fitted on a small registry, finds it near in meaning."""
    words = set(content_words(sentence))
    for wording in (claim.claim, *claim.paraphrases):
        telling = set(content_words(wording)) - COMMON
        if telling and len(words & telling) >= len(telling) / 2:
            return True
    return False


def problem_of(statement: Statement, guard, vector: np.ndarray) -> Problem | None:
    if reads_as_instruction(statement.text):
        found = f"addresses the assistant, not source content: '{statement.text}'"
        return Problem(statement.file, statement.where, found)
    result = guard.check(statement.text, vector)
    if result.stance != "asserts" or conflicts(statement.text, result.claim.claim):
        # "Donor cord cells can be rejected" denies "cord cells cannot be rejected"
        return None
    if not says_claim_words(statement.text, result.claim):
        return None  # a match on meaning alone ("deaths were more common…" as a myelin claim)
    claim = guard.claims.index(result.claim)
    sure = guard.assertion_probability(statement.text, vector, claim) >= REVIEW_BAR
    if result.score < STRONG_MATCH and not sure:
        return None
    return Problem(
        statement.file,
        statement.where,
        f"reads as asserting the clinic claim '{result.claim.id}' in the library's own voice; state "
        f"the evidence in your own words, or quote the claim on a '> ' line: '{statement.text}'",
    )


def check_sources(
    settings: Settings, docs: list[SourceDoc], embedder: Embedder | None = None
) -> list[Problem]:
    """Every statement of every document, read by the guard and the instruction filter."""
    said: dict[str, list[Statement]] = {}
    problems: list[Problem] = []
    for doc in docs:
        try:
            said[file_hash(doc)] = statements(doc)
        except PdfError:
            continue  # unreadable: the indexer names it and never indexes it
    texts = [s.text for group in said.values() for s in group]
    library = hashlib.sha256(json.dumps(texts).encode()).hexdigest()[:16]
    from .flow.guard import _key

    key = _key(settings.sources_dir / "claims.yaml", settings, settings.embedding_model, library)
    results = _read_results(settings.index_dir / f"trust-{key}.json")
    todo = {h: group for h, group in said.items() if h not in results}
    if todo:
        embedder = embedder or load_embedder(settings.embedding_model, settings.embed_batch_size)
        try:
            results |= _check(settings, embedder, said, todo, key)
        except SourceError:  # nothing is checked, so nothing may pass
            return [*problems, Problem("claims.yaml", "file", "has faults, so no sentence could be checked")]
        _write_results(settings.index_dir / f"trust-{key}.json", results)
    for digest in said:
        problems += [Problem(*row) for row in results[digest]]
    return problems


def _check(settings: Settings, embedder: Embedder, said: dict, todo: dict, key: str) -> dict:
    """Fit (or load) the checking guard on all sentences, then read the documents in `todo`."""
    from .flow.guard import fit_guard, registry

    everything = [s for group in said.values() for s in group]
    vectors = embedder.encode([s.text for s in everything])
    by_text = dict(zip((s.text for s in everything), vectors, strict=True))
    negatives = [(s.text, by_text[s.text]) for s in everything if not reads_as_instruction(s.text)]
    texts, vecs = [t for t, _ in negatives], [v for _, v in negatives]
    claims = registry(settings.sources_dir / "claims.yaml")
    cache = settings.index_dir / f"trust-guard-{key}.npz"
    guard = fit_guard(settings, claims, embedder, (texts, vecs), (), cache)
    out = {}
    for digest, group in todo.items():
        found = (problem_of(s, guard, by_text[s.text]) for s in group)
        out[digest] = [[p.file, p.field, p.problem] for p in found if p]
    return out


def _read_results(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
        raise ValueError("not a mapping")
    except (OSError, ValueError) as exc:  # damaged: check again rather than refuse to start
        log.warning("source check cache %s unreadable (%s); checking again", path, exc.__class__.__name__)
        return {}


def _write_results(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("trust-*.json"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".trust-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(results, out)
    os.replace(tmp, path)


def cache_files(index_dir: Path) -> Iterable[Path]:
    """Every cache derived from the library next to the index; `index --rebuild` clears them."""
    patterns = ("guard-*.npz", "trust-guard-*.npz", "trust-*.json", "answers-*.npy", ".guard-*", ".trust-*")
    for pattern in patterns:
        yield from index_dir.glob(pattern)

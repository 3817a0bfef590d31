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
from typing import TYPE_CHECKING

from .ingest import PdfError, pdf_passages
from .models import SourceDoc
from .settings import Settings
from .sources import FRONT_MATTER, Problem, SourceError, body_lines
from .text import SPLITS_FILE, content_words, reads_as_instruction, split_sentences

if TYPE_CHECKING:  # the guard and the model load only when a document has to be read again
    import numpy as np

    from .embeddings import Embedder

log = logging.getLogger(__name__)
# Bump when what a result means changes outside the guard (the review bar): older results are read
# again. A change to the guard's own code already renames the results (see _results_key).
RESULTS_VERSION = "2"  # 2: named by the documents' content hashes, not by their sentences
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
    from .claims import STRONG_MATCH
    from .guard_text import conflicts

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
    """Every statement of every document, read by the guard and the instruction filter. Results
    are kept per document content hash: only a document never read with this registry, tuning set
    and model is read again (no sentence split, no model, no guard when none is)."""
    from .index import file_hash

    docs_by_hash = {file_hash(doc): doc for doc in docs}
    library = hashlib.sha256(json.dumps(sorted(docs_by_hash)).encode()).hexdigest()[:16]
    path = settings.index_dir / f"trust-{_results_key(settings, library)}.json"
    results = _read_results(path)
    todo = [digest for digest in docs_by_hash if digest not in results]
    if todo:
        try:
            results |= _check(settings, embedder, docs_by_hash, todo, library)
        except SourceError:  # nothing is checked, so nothing may pass
            return [Problem("claims.yaml", "file", "has faults, so no sentence could be checked")]
        _write_results(path, results)
    return [Problem(*row) for digest in docs_by_hash for row in results[digest]]


def _results_key(settings: Settings, library: str) -> str:
    """Named by content: the registry, the guard's tuning sets, the guard's own code (a changed
    rule must re-check the library), the model and the library."""
    code = [Path(__file__).with_name(n) for n in ("claims.py", "guard_text.py", "guard_model.py")]
    files = (settings.sources_dir / "claims.yaml", settings.guard_examples, settings.guard_development, *code)
    inputs = b"".join(Path(f).read_bytes() for f in files if f and Path(f).is_file())
    tag = f"{settings.embedding_model}|{library}|{RESULTS_VERSION}".encode()
    return hashlib.sha256(inputs + tag).hexdigest()[:16]


def _statements(docs_by_hash: dict[str, SourceDoc]) -> dict[str, list[Statement]]:
    said = {}
    for digest, doc in docs_by_hash.items():
        try:
            said[digest] = statements(doc)
        except PdfError:
            said[digest] = []  # unreadable: the indexer names it and never indexes it
    return said


def _check(
    settings: Settings, embedder: Embedder | None, docs_by_hash: dict, todo: list[str], library: str
) -> dict:
    """Fit (or load) the checking guard on all sentences, then read the documents in `todo`."""
    from .embeddings import load_embedder
    from .flow.guard import _key, fit_guard, registry

    said = _statements(docs_by_hash)
    claims = registry(settings.sources_dir / "claims.yaml")
    embedder = embedder or load_embedder(settings.embedding_model, settings.embed_batch_size)
    everything = [s for group in said.values() for s in group]
    vectors = embedder.encode([s.text for s in everything])
    by_text = dict(zip((s.text for s in everything), vectors, strict=True))
    negatives = [(s.text, by_text[s.text]) for s in everything if not reads_as_instruction(s.text)]
    texts, vecs = [t for t, _ in negatives], [v for _, v in negatives]
    key = _key(settings.sources_dir / "claims.yaml", settings, settings.embedding_model, library)
    cache = settings.index_dir / f"trust-guard-{key}.npz"
    guard = fit_guard(settings, claims, embedder, (texts, vecs), (), cache)
    out = {}
    for digest in todo:
        found = (problem_of(s, guard, by_text[s.text]) for s in said[digest])
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
    patterns += (SPLITS_FILE, ".sentences-*")
    for pattern in patterns:
        yield from index_dir.glob(pattern)

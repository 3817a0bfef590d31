"""Read and validate the curated library: Markdown notes, PDF sidecars and the claim registry.

The fields are pydantic models (`Bibliography`, `Claim`); every fault comes out as a `Problem`,
printed `file: field: problem`, and a file or claim with a fault is left out, never repaired.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StrictBool, ValidationError

from .models import SourceDoc
from .text import reads_as_instruction
from .vocab import EvidenceType, Verdict

TYPES = [t.value for t in EvidenceType]
TOPICS = frozenset({
    "ahsct", "msc", "cord-cells", "adipose-cells", "neural-progenitors", "efficacy", "safety",
    "mortality", "fertility", "eligibility", "relapsing-ms", "progressive-ms", "comparison",
    "guidelines", "biology", "homing", "persistence", "differentiation", "immunogenicity",
    "remyelination", "regulation", "clinics", "costs", "harms", "trials", "ms-background", "dmt",
})  # fmt: skip
VERDICTS = tuple(v.value for v in Verdict)
# year is optional: some society and regulator pages carry no date of publication.
REQUIRED = ("id", "title", "publisher", "type", "url", "topics", "reviewed")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PATTERNS = {
    "doi": re.compile(r"^10\.\d{4,9}/\S+$"),
    "pmid": re.compile(r"^\d{1,9}$"),
    "pmcid": re.compile(r"^PMC\d+$"),
    "nct": re.compile(r"^NCT\d{8}$"),
    "url": re.compile(r"^https?://[^\s/$.?#][^\s]*$"),
}
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.S)
LINE_OR_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")  # cheap: checked on every load
# A blockquote line ("> ...") in a note is a claim quoted as marketed, kept for the reviewer: it is
# never indexed, never shown and never checked as the library's own statement.
QUOTED_LINE = re.compile(r"^\s*>")
HEADING_LINE = re.compile(r"^\s*#")
# A PDF's text is read by no one until a maintainer says so in its sidecar (`status: reviewed`).
REVIEWED = "reviewed"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"


class SourceError(ValueError):
    """A library file that cannot be used; the message names the file and the field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- field checks: each raises ValueError with the words a library editor reads ------------------
def _present(value: Any) -> Any:
    if not value:  # absent, empty or null
        raise ValueError("required field is missing")
    return value


def _none_is_empty(value: Any) -> Any:
    return () if value is None else value


def _must(test, message: str) -> AfterValidator:
    """Check a value after its type; `message` may name it as {value}."""

    def check(value):
        if not test(value):
            raise ValueError(message.format(value=value))
        return value

    return AfterValidator(check)


def _year(value: Any) -> Any:
    if value is not None and (not isinstance(value, int) or not 1950 <= value <= dt.date.today().year + 1):
        raise ValueError(f"'{value}' is not a year between 1950 and next year")
    return value


def _identifier(kind: str, required: bool = False):
    """A DOI, PMID, PMCID, NCT number or URL; numbers are read as text (pmid: 12345)."""

    def check(value: Any) -> str:
        if required:
            _present(value)
        if value in (None, ""):
            return ""
        if not PATTERNS[kind].match(str(value)):
            raise ValueError(f"'{value}' is not a valid {kind}")
        return str(value)

    return BeforeValidator(check)


def _known_topics(value: tuple[str, ...]) -> tuple[str, ...]:
    if unknown := sorted(set(value) - TOPICS):
        raise ValueError(f"unknown topic(s): {', '.join(unknown)}")
    return value


def _iso_date(value: Any) -> str:
    _present(value)
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'{value}' is not a YYYY-MM-DD date") from None
    return str(value)


Required = BeforeValidator(_present)


class Bibliography(BaseModel):
    """The fields of a note's front matter, and of a PDF's sidecar. Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)

    # In the order `sources check` reports them (missing required fields first, see _bibliography).
    id: Annotated[str, Required, _must(ID_RE.match, "'{value}' is not kebab-case")]
    title: Annotated[str, Required]
    publisher: Annotated[str, Required]
    type: Annotated[str, Required, _must(TYPES.__contains__, "'{value}' is not one of " + ", ".join(TYPES))]
    year: Annotated[int | None, BeforeValidator(_year)] = None
    doi: Annotated[str, _identifier("doi")] = ""
    pmid: Annotated[str, _identifier("pmid")] = ""
    pmcid: Annotated[str, _identifier("pmcid")] = ""
    nct: Annotated[str, _identifier("nct")] = ""
    url: Annotated[str, _identifier("url", required=True)]
    topics: Annotated[tuple[str, ...], Required, AfterValidator(_known_topics)]
    authors: Annotated[tuple[str, ...], BeforeValidator(_none_is_empty)] = ()
    reviewed: Annotated[str, BeforeValidator(_iso_date)]
    # The review record (see assistant/review.py): were title, authors, year, journal and ids
    # checked against the original, how, and what the last review checked.
    verified: StrictBool = True
    verification: str = ""
    checked: str = ""

    def doc(self, path: Path, body: str) -> SourceDoc:
        fields = self.model_dump(include=set(SourceDoc.__dataclass_fields__))
        return SourceDoc(**fields | {"year": self.year or 0, "path": path, "body": body})


def _paraphrases(value: Any) -> Any:
    if not isinstance(_present(value), list) or len(value) < 5:
        raise ValueError("needs at least 5 paraphrases")
    return value


def _known_sources(value: tuple[str, ...], info) -> tuple[str, ...]:
    known = (info.context or {}).get("known_ids")
    if known is not None and (missing := [s for s in value if s not in known]):
        raise ValueError(f"unknown source id(s): {', '.join(missing)}")
    return value


class Claim(BaseModel):
    """One clinic claim of sources/claims.yaml, with its verdict, correction and sources."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Annotated[str, Required, _must(ID_RE.match, "is not kebab-case")]
    claim: Annotated[str, Required, AfterValidator(str.strip)]
    paraphrases: Annotated[
        tuple[str, ...],
        BeforeValidator(_paraphrases),
        AfterValidator(lambda ps: tuple(p.strip() for p in ps)),
    ]
    verdict: Annotated[str, Required, _must(VERDICTS.__contains__, "must be one of " + ", ".join(VERDICTS))]
    correction: Annotated[str, Required, AfterValidator(lambda text: " ".join(text.split()))]
    sources: Annotated[tuple[str, ...], Required, AfterValidator(_known_sources)]
    topics: Annotated[tuple[str, ...], BeforeValidator(_none_is_empty)] = ()
    reviewed: dt.date | None = None  # the review record, as for notes
    checked: str = ""


# What a type error means, per field; the rest of pydantic's error types keep its own words.
_NOTE_TYPES = {"topics": "must be a list", "authors": "must be a list"}
_CLAIM_TYPES = {
    "paraphrases": "must be a list of texts",
    "topics": "must be a list of topics",
    "sources": "must be a list of source ids",
}
_TYPE_ERRORS = {"string_type": "must be text", "bool_type": "must be true or false"}


def problems_of(exc: ValidationError, file: str, where: str = "", lists: dict[str, str] | None = None):
    """One Problem per field pydantic rejected (the first fault of each field)."""
    out: dict[str, Problem] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "file"
        kind = error["type"]
        if kind == "missing":
            text = "required field is missing"
        elif kind == "value_error":
            text = str(error["ctx"]["error"])
        elif field in (lists or {}) and (len(error["loc"]) > 1 or kind in ("list_type", "tuple_type")):
            text = lists[field]
        else:
            text = _TYPE_ERRORS.get(kind, error["msg"][:1].lower() + error["msg"][1:])
        out.setdefault(field, Problem(file, f"{where}.{field}" if where else field, text))
    return list(out.values())


def _bibliography(meta: dict, name: str) -> tuple[Bibliography | None, list[Problem]]:
    try:
        return Bibliography.model_validate(meta), []
    except ValidationError as exc:
        problems = problems_of(exc, name, lists=_NOTE_TYPES)
        missing = [p for p in problems if p.problem == "required field is missing"]
        missing.sort(key=lambda p: REQUIRED.index(p.field))
        return None, missing + [p for p in problems if p not in missing]


def unquoted(body: str) -> str:
    """The note body without its quoted (blockquote) lines: the library's own words."""
    return "\n".join(line for line in body.splitlines() if not QUOTED_LINE.match(line))


def body_lines(body: str, first: int = 1) -> list[tuple[int, str]]:
    """(line number, text) of the body lines that hold statements: no headings, no quotes."""
    return [
        (n, line.strip())
        for n, line in enumerate(body.splitlines(), first)
        if line.strip() and not HEADING_LINE.match(line) and not QUOTED_LINE.match(line)
    ]


def _body_problems(body: str, name: str, first: int = 1) -> list[Problem]:
    """An empty body, and text addressed to the assistant (named with its file line)."""
    out = []
    if not unquoted(body).strip():
        out.append(Problem(name, "body", "the note has no text below its front matter"))
    planted = [
        (n, s.strip())
        for n, line in enumerate(body.splitlines(), first)  # headings too: they name sections
        for s in LINE_OR_SENTENCE.split(line)
        if not QUOTED_LINE.match(line) and reads_as_instruction(s)
    ]
    if planted:
        n, text = planted[0]
        found = f"text addressed to the assistant, not source content (line {n}): '{text}'"
        out.append(Problem(name, "body", found))
    return out


# libyaml's parser when PyYAML was built with it (the wheels are): the pure-Python one took a
# quarter of `sources check` (the registry and every front matter, read twice).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str):
    """yaml.safe_load, with libyaml's parser when there is one."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader)


def _yaml(text: str, name: str) -> tuple[dict | None, list[Problem]]:
    try:
        meta = read_yaml(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        return None, [Problem(name, "front matter", f"is not valid YAML{line}")]
    except ValueError as exc:  # a date YAML cannot build, such as 2026-02-30
        return None, [Problem(name, "front matter", f"holds a value YAML cannot read ({exc})")]
    except RecursionError:
        return None, [Problem(name, "front matter", "is nested too deeply to read")]
    if not isinstance(meta, dict):
        return None, [Problem(name, "front matter", "must be a YAML mapping of fields")]
    return meta, []


def parse_note(path: Path, name: str | None = None) -> tuple[SourceDoc | None, list[Problem]]:
    name = name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(name, "file", "is not UTF-8 text")]
    match = FRONT_MATTER.match(text)
    if not match:
        return None, [Problem(name, "front matter", "missing: the file must start with a --- block")]
    meta, problems = _yaml(match.group(1), name)
    if meta is None:
        return None, problems
    body = match.group(2)
    bib, problems = _bibliography(meta, name)
    problems += _body_problems(body, name, text[: match.start(2)].count("\n") + 1)
    if meta.get("id") and str(meta["id"]) != path.stem:
        problems.append(Problem(name, "id", f"'{meta['id']}' differs from the file name"))
    return (None if problems or bib is None else bib.doc(path, body)), problems


def parse_sidecar(pdf: Path, name: str | None = None) -> tuple[SourceDoc | None, list[Problem]]:
    sidecar = pdf.with_suffix(".yaml")
    name = name or pdf.name
    if not sidecar.exists():
        return None, [Problem(name, "sidecar", f"{sidecar.name} with the note fields is missing")]
    meta, problems = _yaml(sidecar.read_text(encoding="utf-8"), sidecar.name)
    if meta is None:
        return None, problems
    bib, problems = _bibliography(meta, sidecar.name)
    if meta.get("status") != REVIEWED:
        problems.append(
            Problem(
                name,
                "status",
                f"not reviewed, so not indexed: read the PDF's text, run `assistant sources check`, "
                f"then set `status: {REVIEWED}` in {sidecar.name}",
            )
        )
    return (bib.doc(pdf, "") if bib and not problems else None), problems


def note_paths(sources_dir: Path) -> list[Path]:
    return sorted(p for p in sources_dir.glob("*.md") if p.name.lower() != "readme.md")


def pdf_paths(sources_dir: Path) -> list[Path]:
    return sorted((sources_dir / "pdf").glob("*.pdf"))


def load_library(sources_dir: Path) -> tuple[list[SourceDoc], list[Problem]]:
    """Every valid document, and a problem line for every file or field that is not."""
    docs, problems = [], []
    for path in note_paths(sources_dir):
        doc, found = parse_note(path)
        problems += found
        if doc:
            docs.append(doc)
    for pdf in pdf_paths(sources_dir):
        doc, found = parse_sidecar(pdf, f"pdf/{pdf.name}")
        problems += found
        if doc:
            docs.append(doc)
    seen: dict[str, str] = {}
    unique = []
    for doc in docs:
        rel = doc.path.name
        if doc.id in seen:
            problems.append(Problem(rel, "id", f"'{doc.id}' is also used by {seen[doc.id]}"))
            continue
        seen[doc.id] = rel
        unique.append(doc)
    return unique, problems


def load_claims(path: Path, known_ids: set[str] | None = None) -> tuple[list[Claim], list[Problem]]:
    """The claim registry; source references are checked when known_ids is given."""
    name = path.name
    if not path.exists():
        return [], [Problem(name, "file", "the claim registry is missing")]
    data, problems = _yaml(path.read_text(encoding="utf-8"), name)
    if data is None:
        return [], problems
    items = data.get("claims")
    if not isinstance(items, list):
        return [], [Problem(name, "claims", "must be a list of claims")]
    claims, seen = [], set()
    for i, item in enumerate(items):
        where = f"claims[{i}]" + (f" ({item.get('id')})" if isinstance(item, dict) else "")
        claim, found = _claim(item, where, name, known_ids)
        cid = item.get("id") if isinstance(item, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                found.append(Problem(name, f"{where}.id", "is used twice"))
            seen.add(cid)
        problems += found
        if claim and not found:
            claims.append(claim)
    return claims, problems


def _claim(
    item: Any, where: str, name: str, known_ids: set[str] | None
) -> tuple[Claim | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [Problem(name, where, "must be a mapping")]
    try:
        return Claim.model_validate(item, context={"known_ids": known_ids}), []
    except ValidationError as exc:
        return None, problems_of(exc, name, where, lists=_CLAIM_TYPES)


def check_library(sources_dir: Path) -> tuple[list[SourceDoc], list[Claim], list[Problem]]:
    """What `assistant sources check` runs: notes, PDFs and the claim registry together."""
    docs, problems = load_library(sources_dir)
    claims_path = sources_dir / "claims.yaml"
    claims: list[Claim] = []
    if claims_path.exists():
        claims, found = load_claims(claims_path, {d.id for d in docs})
        problems += found
    return docs, claims, problems

"""Read and validate the curated library: Markdown notes, PDF sidecars and the claim registry."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import SourceDoc
from .text import reads_as_instruction

TYPES = [
    "rct",
    "meta-analysis",
    "cohort",
    "trial",
    "case-report",
    "guideline",
    "regulator",
    "society",
    "review",
    "lab-animal",
    "registration",
    "protocol",
]
TOPICS = set(
    [
        "ahsct",
        "msc",
        "cord-cells",
        "adipose-cells",
        "neural-progenitors",
        "efficacy",
        "safety",
        "mortality",
        "fertility",
        "eligibility",
        "relapsing-ms",
        "progressive-ms",
        "comparison",
        "guidelines",
        "biology",
        "homing",
        "persistence",
        "differentiation",
        "immunogenicity",
        "remyelination",
        "regulation",
        "clinics",
        "costs",
        "harms",
        "trials",
        "ms-background",
        "dmt",
    ]
)
VERDICTS = ("false", "misleading", "unsupported", "partly-supported")
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


@dataclass(frozen=True)
class Claim:
    id: str
    claim: str
    paraphrases: tuple[str, ...]
    verdict: str
    correction: str
    sources: tuple[str, ...]
    topics: tuple[str, ...] = ()


def _check_meta(meta: dict, name: str, *, body: str | None) -> list[Problem]:
    out = [Problem(name, f, "required field is missing") for f in REQUIRED if not meta.get(f)]
    if meta.get("id") and not ID_RE.match(str(meta["id"])):
        out.append(Problem(name, "id", f"'{meta['id']}' is not kebab-case"))
    if meta.get("type") and meta["type"] not in TYPES:
        out.append(Problem(name, "type", f"'{meta['type']}' is not one of {', '.join(TYPES)}"))
    year = meta.get("year")
    if year is not None and (not isinstance(year, int) or not 1950 <= year <= dt.date.today().year + 1):
        out.append(Problem(name, "year", f"'{year}' is not a year between 1950 and next year"))
    for key, pattern in PATTERNS.items():
        value = meta.get(key)
        if value not in (None, "") and not pattern.match(str(value)):
            out.append(Problem(name, key, f"'{value}' is not a valid {key}"))
    topics = meta.get("topics")
    if topics is not None and not isinstance(topics, list):
        out.append(Problem(name, "topics", "must be a list"))
    elif topics:
        unknown = sorted(set(map(str, topics)) - TOPICS)
        if unknown:
            out.append(Problem(name, "topics", f"unknown topic(s): {', '.join(unknown)}"))
    authors = meta.get("authors")
    if authors is not None and not isinstance(authors, list):
        out.append(Problem(name, "authors", "must be a list"))
    if meta.get("reviewed"):
        try:
            dt.date.fromisoformat(str(meta["reviewed"]))
        except ValueError:
            out.append(Problem(name, "reviewed", f"'{meta['reviewed']}' is not a YYYY-MM-DD date"))
    if body is not None and not body.strip():
        out.append(Problem(name, "body", "the note has no text below its front matter"))
    planted = [s.strip() for s in LINE_OR_SENTENCE.split(body or "") if reads_as_instruction(s)]
    if planted:
        found = f"text addressed to the assistant, not source content: '{planted[0]}'"
        out.append(Problem(name, "body", found))
    return out


def _doc(meta: dict, path: Path, body: str) -> SourceDoc:
    return SourceDoc(
        id=str(meta["id"]),
        title=str(meta["title"]),
        year=int(meta.get("year") or 0),
        publisher=str(meta["publisher"]),
        type=str(meta["type"]),
        url=str(meta["url"]),
        topics=tuple(str(t) for t in meta.get("topics") or ()),
        reviewed=str(meta["reviewed"]),
        path=path,
        authors=tuple(str(a) for a in meta.get("authors") or ()),
        doi=str(meta.get("doi") or ""),
        pmid=str(meta.get("pmid") or ""),
        pmcid=str(meta.get("pmcid") or ""),
        nct=str(meta.get("nct") or ""),
        body=body,
    )


def _yaml(text: str, name: str) -> tuple[dict | None, list[Problem]]:
    try:
        meta = yaml.safe_load(text)
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
    problems = _check_meta(meta, name, body=body)
    if meta.get("id") and str(meta["id"]) != path.stem:
        problems.append(Problem(name, "id", f"'{meta['id']}' differs from the file name"))
    return (None if problems else _doc(meta, path, body)), problems


def parse_sidecar(pdf: Path, name: str | None = None) -> tuple[SourceDoc | None, list[Problem]]:
    sidecar = pdf.with_suffix(".yaml")
    name = name or pdf.name
    if not sidecar.exists():
        return None, [Problem(name, "sidecar", f"{sidecar.name} with the note fields is missing")]
    meta, problems = _yaml(sidecar.read_text(encoding="utf-8"), sidecar.name)
    if meta is None:
        return None, problems
    problems = _check_meta(meta, sidecar.name, body=None)
    return (None if problems else _doc(meta, pdf, "")), problems


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
        found = _check_claim(item, where, name, known_ids)
        cid = item.get("id") if isinstance(item, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                found.append(Problem(name, f"{where}.id", "is used twice"))
            seen.add(cid)
        problems += found
        if not found:
            claims.append(
                Claim(
                    id=item["id"],
                    claim=item["claim"].strip(),
                    paraphrases=tuple(p.strip() for p in item["paraphrases"]),
                    verdict=item["verdict"],
                    correction=" ".join(item["correction"].split()),
                    sources=tuple(item["sources"]),
                    topics=tuple(item.get("topics") or ()),
                )
            )
    return claims, problems


def _check_claim(item, where: str, name: str, known_ids: set[str] | None) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem(name, where, "must be a mapping")]
    out = [
        Problem(name, f"{where}.{f}", "required field is missing")
        for f in ("id", "claim", "paraphrases", "verdict", "correction", "sources")
        if not item.get(f)
    ]
    if out:
        return out
    out = [
        Problem(name, f"{where}.{f}", "must be text")
        for f in ("id", "claim", "verdict", "correction")
        if not isinstance(item[f], str)
    ]
    if out:
        return out
    if not ID_RE.match(str(item["id"])):
        out.append(Problem(name, f"{where}.id", "is not kebab-case"))
    if item["verdict"] not in VERDICTS:
        out.append(Problem(name, f"{where}.verdict", f"must be one of {', '.join(VERDICTS)}"))
    paraphrases = item["paraphrases"]
    if not isinstance(paraphrases, list) or len(paraphrases) < 5:
        out.append(Problem(name, f"{where}.paraphrases", "needs at least 5 paraphrases"))
    elif not all(isinstance(x, str) for x in paraphrases):
        out.append(Problem(name, f"{where}.paraphrases", "must be a list of texts"))
    topics = item.get("topics")
    if topics is not None and not (isinstance(topics, list) and all(isinstance(x, str) for x in topics)):
        out.append(Problem(name, f"{where}.topics", "must be a list of topics"))
    if not isinstance(item["sources"], list) or not all(isinstance(x, str) for x in item["sources"]):
        out.append(Problem(name, f"{where}.sources", "must be a list of source ids"))
    elif known_ids is not None:
        missing = [s for s in item["sources"] if s not in known_ids]
        if missing:
            out.append(Problem(name, f"{where}.sources", f"unknown source id(s): {', '.join(missing)}"))
    return out


def check_library(sources_dir: Path) -> tuple[list[SourceDoc], list[Claim], list[Problem]]:
    """What `assistant sources check` runs: notes, PDFs and the claim registry together."""
    docs, problems = load_library(sources_dir)
    claims_path = sources_dir / "claims.yaml"
    claims: list[Claim] = []
    if claims_path.exists():
        claims, found = load_claims(claims_path, {d.id for d in docs})
        problems += found
    return docs, claims, problems

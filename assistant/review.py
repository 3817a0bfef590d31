"""Review linters for the curated library (issue 20): what `assistant sources check` adds on top
of the field checks in `sources.py`.

Four checks, each a pure function over notes and claim cards:

- **verdict rule** (`verdict_problems`): a card judged only on laboratory or animal notes cannot
  be "partly-supported" (or judged at all); a correction may not grant partial support from
  animal or dish evidence.
- **absolutes** (`absolute_problems`): "only", "never", "no trial", "no data", "all", ... in a
  correction or a note sentence must be scoped ("in this library", "in RRMS", "in mice"),
  attributed to a named source ("The MSIF booklet says ..."), or listed in the allow-list
  (`sources/absolutes_allow.yaml`) by a maintainer who checked it.
- **stand-alone sentences** (`sentence_problems`): a note sentence may not start with a bare
  pronoun ("It", "This", "They", ...) nor talk about the note itself ("this note", "for this
  library", "the link is a PubMed search"); such facts belong in the front matter.
- **review record** (`record_problems`): every note and card carries `reviewed` (a date) and
  `checked` (what was checked); a note whose bibliographic data is not all verified carries
  `verified: false` and `verification` (what was and was not checked).

Records (the raw front matter of each note, the raw entry of each card) are passed in as plain
mappings, so the functions work whatever the loader's models hold; `load_records` and
`review_library` do the reading for `sources check`. Nothing is read at import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .models import SourceDoc
from .sources import FRONT_MATTER, Claim, Problem, body_lines, note_paths, read_yaml
from .text import BACK_REFERENCE_START, POINTING_BACK, split_sentences

CLAIMS_FILE = "claims.yaml"
ALLOW_FILE = "absolutes_allow.yaml"

# Evidence about cells in a dish or about animals; it can explain a mechanism, never judge a claim
# about people on its own.
LAB_TYPES = frozenset({"lab-animal"})

ABSOLUTE = re.compile(
    r"\b(?:the only|only one|only for|never|nowhere|not a single|none of|always"
    r"|all (?:patients|people|studies|trials|stem|MS|forms|types|published)"
    r"|no (?:controlled |randomi[sz]ed |placebo-controlled |clinical |proven )?"
    r"(?:trials?|stud(?:y|ies)|data|evidence(?! of disease activity)|proof|cure)"
    r"|no long-term (?:data|safety|evidence|studies|results|follow-up))\b"
    r"|'s only\b",
    re.I,
)
# Where an absolute holds: this library, a form of MS, animals or cells.
SCOPE = re.compile(
    r"\b(?:in|for|from) (?:the evidence collected for )?this library\b"
    r"|\bin (?:people with )?(?:RRMS|SPMS|PPMS|relapsing(?:-remitting)? MS|progressive MS)\b"
    r"|\b(?:in|of) (?:mice|rats|monkeys|animals|EAE|the lab|a dish|cell cultures?)\b"
    r"|\b(?:mouse|animal|rat|monkey|laboratory) (?:study|studies|model|work|experiments?)\b"
    r"|\bin the [^,;]{0,60}?\b(?:trial|study|series|cohort|meta-analysis|analysis|review|report"
    r"|survey|registry)\b",
    re.I,
)
# A study named before the absolute ("In the Petrou trial, only ...", "The Karussis study gives
# no ..."): the absolute is about that study. Guidelines and society pages are not in this list:
# who they recommend a treatment for is what a dropped qualifier gets wrong, so they need a verb.
STUDY_BEFORE = re.compile(
    r"\b(?:trial|study|series|cohort|meta-analysis|analysis|review|report|survey|registry)\b", re.I
)
# A sentence that reports what a named source says or found: the absolute is the source's, and
# the note or card it rests on is checked against the fact sheet.
ATTRIBUTION = re.compile(
    r"\b(?:according to|says?|said|states?|stated|found|finds|reports?|reported|describes?"
    r"|warns?|advises?|notes?|lists?|concludes?|concluded|calls?|called|judged|recommends?"
    r"|accepts?|limits?|names?|supports?|under (?:the|its|21 CFR))\b",
    re.I,
)
SELF_REFERENCE = re.compile(
    r"\bthis note\b|(?<!collected )\bfor this library\b|\bthe link (?:given )?is\b|\bnot given here\b"
    r"|\bare not (?:quoted|summarised) here\b",
    re.I,
)
ANIMAL_SUPPORT = re.compile(r"\b(?:part of the claim|partly|partially) (?:holds|is true|is right)\b", re.I)
ANIMAL_WORDS = re.compile(r"\b(?:animals?|mice|mouse|rats?|monkeys?|EAE|dish|in vitro)\b", re.I)


@dataclass(frozen=True)
class Allowed:
    """An absolute a maintainer checked: the note or card id, the exact sentence, and why."""

    id: str
    sentence: str
    why: str


# -- helpers -------------------------------------------------------------------------------------
def body_sentences(body: str) -> list[str]:
    """The sentences of a note body, headings and quoted claims ("> ...") left out."""
    return [s for _, line in body_lines(body) for s in split_sentences(line)]


def correction_sentences(claim: Claim) -> list[str]:
    return split_sentences(" ".join(claim.correction.split()))


def unscoped_absolute(sentence: str) -> str | None:
    """The absolute word of a sentence that states it without scope, else None."""
    found = ABSOLUTE.search(sentence)
    if not found:
        return None
    before = sentence[: found.start()]
    if SCOPE.search(sentence) or ATTRIBUTION.search(sentence) or STUDY_BEFORE.search(before):
        return None
    word = found.group(0)
    return word[3:] if word.startswith("'s ") else word


# -- (a) verdict rule ----------------------------------------------------------------------------
def verdict_problems(claims: Iterable[Claim], types: Mapping[str, str]) -> list[Problem]:
    """Cards whose verdict does not follow the rule in sources/README.md ("Verdicts")."""
    out = []
    for claim in claims:
        where = f"claims[{claim.id}]"
        kinds = {types[s] for s in claim.sources if s in types}
        if kinds and kinds <= LAB_TYPES:
            out.append(
                Problem(
                    CLAIMS_FILE,
                    f"{where}.sources",
                    "cites only lab-animal notes; a claim about people needs evidence in people",
                )
            )
            if claim.verdict == "partly-supported":
                out.append(
                    Problem(
                        CLAIMS_FILE,
                        f"{where}.verdict",
                        "partly-supported on lab-animal notes only; use unsupported or misleading",
                    )
                )
        if claim.verdict == "partly-supported":
            for sentence in correction_sentences(claim):
                if ANIMAL_SUPPORT.search(sentence) and ANIMAL_WORDS.search(sentence):
                    out.append(
                        Problem(
                            CLAIMS_FILE,
                            f"{where}.correction",
                            f"grants partial support from animal or dish evidence: '{sentence}'",
                        )
                    )
    return out


# -- (b) absolutes -------------------------------------------------------------------------------
def absolute_problems(
    docs: Iterable[SourceDoc], claims: Iterable[Claim], allowed: Iterable[Allowed] = ()
) -> list[Problem]:
    """Unscoped absolutes in corrections and note sentences that no maintainer has allowed."""
    ok = {(a.id, " ".join(a.sentence.split())) for a in allowed}
    out = []
    for claim in claims:
        for sentence in correction_sentences(claim):
            word = unscoped_absolute(sentence)
            if word and (claim.id, sentence) not in ok:
                out.append(
                    Problem(CLAIMS_FILE, f"claims[{claim.id}].correction", f"unscoped '{word}': '{sentence}'")
                )
    for doc in docs:
        for sentence in body_sentences(doc.body):
            word = unscoped_absolute(sentence)
            if word and (doc.id, sentence) not in ok:
                out.append(Problem(doc.path.name, "body", f"unscoped '{word}': '{sentence}'"))
    return out


def stale_allowances(
    docs: Iterable[SourceDoc], claims: Iterable[Claim], allowed: Iterable[Allowed]
) -> list[Problem]:
    """Allow-list entries whose sentence is no longer in the note or card: re-check or remove."""
    texts = {c.id: set(correction_sentences(c)) for c in claims}
    texts.update({d.id: set(body_sentences(d.body)) for d in docs})
    out = []
    for a in allowed:
        if " ".join(a.sentence.split()) not in texts.get(a.id, set()):
            out.append(Problem(ALLOW_FILE, a.id, f"sentence not found (edited?): '{a.sentence[:80]}'"))
        elif not a.why.strip():
            out.append(Problem(ALLOW_FILE, a.id, "says nothing about why the absolute was checked"))
    return out


# -- (c) sentences that stand alone --------------------------------------------------------------
def sentence_problems(docs: Iterable[SourceDoc]) -> list[Problem]:
    """Note sentences that start with a bare pronoun or talk about the note itself."""
    out = []
    for doc in docs:
        for sentence in body_sentences(doc.body):
            if BACK_REFERENCE_START.match(sentence):
                out.append(
                    Problem(
                        doc.path.name, "body", f"starts with a bare pronoun or back-reference: '{sentence}'"
                    )
                )
            elif POINTING_BACK.search(sentence):
                out.append(Problem(doc.path.name, "body", f"points back at another sentence: '{sentence}'"))
            elif SELF_REFERENCE.search(sentence):
                out.append(
                    Problem(doc.path.name, "body", f"talks about the note, not the evidence: '{sentence}'")
                )
    return out


# -- (d) review record ---------------------------------------------------------------------------
def _date_problem(value: object) -> str | None:
    if not value:
        return "review date is missing"
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return f"'{value}' is not a YYYY-MM-DD date"
    return None


def record_problems(
    notes: Mapping[str, Mapping], cards: Mapping[str, Mapping], names: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every note and card says when it was reviewed and what was checked; unverified
    bibliographic data is declared, with what was and was not checked."""
    names = names or {}
    out = []
    for nid, meta in notes.items():
        name = names.get(nid, f"{nid}.md")
        if problem := _date_problem(meta.get("reviewed")):
            out.append(Problem(name, "reviewed", problem))
        if not str(meta.get("checked") or "").strip():
            out.append(Problem(name, "checked", "say what was checked at the last review"))
        verified = meta.get("verified")
        if not isinstance(verified, bool):
            out.append(
                Problem(
                    name,
                    "verified",
                    "must be true or false (are title, authors, year, journal and ids verified?)",
                )
            )
        elif not verified and not str(meta.get("verification") or "").strip():
            out.append(Problem(name, "verification", "verified is false: say what was and was not checked"))
        if "not verified" in str(meta.get("publisher") or "") and verified is not False:
            out.append(Problem(name, "verified", "publisher is 'not verified' but verified is not false"))
    for cid, entry in cards.items():
        where = f"claims[{cid}]"
        if problem := _date_problem(entry.get("reviewed")):
            out.append(Problem(CLAIMS_FILE, f"{where}.reviewed", problem))
        if not str(entry.get("checked") or "").strip():
            out.append(Problem(CLAIMS_FILE, f"{where}.checked", "say what was checked at the last review"))
    return out


# -- together ------------------------------------------------------------------------------------
def review_problems(
    docs: list[SourceDoc],
    claims: list[Claim],
    *,
    notes: Mapping[str, Mapping] | None = None,
    cards: Mapping[str, Mapping] | None = None,
    allowed: Iterable[Allowed] = (),
) -> list[Problem]:
    """All review problems. `notes` (id -> raw front matter) and `cards` (id -> raw registry
    entry) enable the review-record check; without them it is skipped."""
    allowed = list(allowed)
    types = {d.id: d.type for d in docs}
    out = verdict_problems(claims, types)
    out += absolute_problems(docs, claims, allowed)
    out += stale_allowances(docs, claims, allowed)
    out += sentence_problems(docs)
    if notes is not None and cards is not None:
        names = {d.id: d.path.name for d in docs}
        out += record_problems(notes, cards, names)
    return out


# -- reading (called by `sources check`, never at import) ----------------------------------------
def load_records(sources_dir: Path) -> tuple[dict[str, dict], dict[str, dict], list[Allowed]]:
    """Raw note front matter by id, raw card entries by id, and the allow-list."""
    notes: dict[str, dict] = {}
    for path in note_paths(sources_dir):
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        meta = read_yaml(match.group(1)) if match else None
        if isinstance(meta, dict):
            notes[str(meta.get("id") or path.stem)] = meta
    cards: dict[str, dict] = {}
    registry = sources_dir / CLAIMS_FILE
    if registry.exists():
        data = read_yaml(registry.read_text(encoding="utf-8")) or {}
        for item in data.get("claims") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                cards[item["id"]] = item
    allowed = []
    allow_path = sources_dir / ALLOW_FILE
    if allow_path.exists():
        for item in (read_yaml(allow_path.read_text(encoding="utf-8")) or {}).get("allowed") or []:
            allowed.append(Allowed(str(item["id"]), str(item["sentence"]), str(item.get("why") or "")))
    return notes, cards, allowed


def review_library(sources_dir: Path, docs: list[SourceDoc], claims: list[Claim]) -> list[Problem]:
    """What `assistant sources check` should add: every review problem of the library."""
    notes, cards, allowed = load_records(sources_dir)
    return review_problems(docs, claims, notes=notes, cards=cards, allowed=allowed)

"""Metrics of answering: does the answer answer each ask, and is it honest about what the library
does not cover? Small pure functions over an answer dict (`Answer.to_dict()`: the `answer` text and,
when the pipeline gives them, typed `blocks`; staff answers also carry `draft`) and a case's
`expect`. Nothing here loads a model; tests/test_answering_metrics.py shows each metric passing and
failing on hand-made answers.

Expectation keys read here (see evals/cases/asks.yaml and evals/dev_rubric.yaml):
- `asks`: one entry per ask, in the order asked; each entry is a list of case-insensitive Python
  regexes of which at least one must match the answer text for the ask to count as answered.
  The regexes run on the whole scored text; write `[^.]*` between two words that must share a
  sentence.
- `not_covered`: true when the answer must say plainly that the library does not cover (part of)
  the ask; false when it must not claim that an ask is uncovered.
- staff cases: `ack`, `asks`, `safety`, `forbidden`, `max_words`, `unique_references`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from assistant.text import numbers, split_sentences

from .metrics import rate

RUBRIC = Path(__file__).resolve().parent / "dev_rubric.yaml"
DEV_FILE = "dev_questions.jsonl"

# Blocks that are not the assistant's answer to an ask: fixed texts the pipeline adds, refusals,
# and the short heading over each ask. A regex that matches the reminder ("ask your MS team") or a
# heading ("Fertility") must not count as answering anything.
NOT_ANSWER_KINDS = frozenset({"reminder", "notice", "abstain", "decline", "lead"})
# Blocks that carry a figure as the answer to an ask (a not_covered ask must not get one).
FIGURE_KINDS = frozenset({"answer", "context"})
# A plain "the library does not cover it" sentence, for answers that come without blocks.
NOT_COVERED_TEXT = re.compile(
    r"\b(?:library|notes?|sources?)\b[^.]*\b(?:do(?:es)?\s+not|doesn't|don't)\s+(?:cover|hold|have|include)"
    r"|\bno\s+reviewed\b|\bnot\s+covered\b"
    r"|\b(?:library|notes?)\b[^.]*\b(?:has|have|holds?|contains?)\s+no\b",
    re.I,
)
# The lead of a claim card: the claim in quotes, then the one-sentence verdict (whatever its
# wording: "The evidence shows this is false.", "This claim is misleading.", ...).
CARD_LEAD = re.compile(r'Some clinics claim: "[^"]*"\s*[^.]*\.\s*')
# Years name studies ("the 2025 recommendations"); they are not figures that answer an ask.
YEAR = re.compile(r"^(?:19[5-9]\d|20[0-4]\d)$")


# -- answer text ----------------------------------------------------------------------------
def blocks(answer: dict) -> list[dict]:
    return [b for b in answer.get("blocks") or [] if isinstance(b, dict)]


def scored_text(answer: dict, boilerplate: Iterable[str] = ()) -> str:
    """The text an ask is judged on: the answer's blocks without reminders, notices, refusals, ask
    headings and claim-card leads (a lead quotes the clinic's claim, not the assistant's answer). Without
    blocks: the `answer` string without the given boilerplate paragraphs and card leads."""
    bl = blocks(answer)
    if bl:
        parts = [b.get("text") or "" for b in bl if b.get("kind") not in NOT_ANSWER_KINDS]
    else:
        drop = {p.strip() for p in boilerplate}
        parts = [p for p in (answer.get("answer") or "").split("\n\n") if p.strip() not in drop]
    return CARD_LEAD.sub("", "\n\n".join(p for p in parts if p.strip()))


def _matches(patterns: Sequence[str], text: str) -> bool:
    return any(re.search(p, text, re.I) for p in patterns)


# -- asks -------------------------------------------------------------------------------------
def ask_results(answer: dict, asks: Sequence[Sequence[str]], boilerplate: Iterable[str] = ()) -> list[bool]:
    """Per ask, in order: does at least one of its regexes match the scored text? An answer that
    abstained or declined has no scored text, so none of its asks is met."""
    text = scored_text(answer, boilerplate)
    return [bool(text) and _matches(group, text) for group in asks]


def asks_answered(per_case: Sequence[Sequence[bool]]) -> float | None:
    """`asks_answered`: share of cases (with a non-empty `asks`) whose every ask is met."""
    return rate([all(r) for r in per_case if r])


def ask_recall(per_case: Sequence[Sequence[bool]]) -> float | None:
    """Share of single asks met over all cases (diagnostic: shows partial answers)."""
    return rate([x for r in per_case for x in r])


# -- not covered ------------------------------------------------------------------------------
def says_not_covered(answer: dict, boilerplate: Iterable[str] = ()) -> bool:
    """A `not_covered` block, or, for an answer without blocks, a plain sentence that the library
    does not cover / has no reviewed figures for the ask."""
    bl = blocks(answer)
    if bl:
        return any(b.get("kind") == "not_covered" and (b.get("text") or "").strip() for b in bl)
    return bool(NOT_COVERED_TEXT.search(scored_text(answer, boilerplate)))


def allowed_numbers(expect: dict) -> set[str]:
    """Figures the case itself expects: numbers written in its `asks` and `facts` regexes, plus an
    optional `numbers_ok` list."""
    patterns = [p for g in expect.get("asks") or [] for p in g] + list(expect.get("facts") or [])
    found = numbers(" ".join(_regex_literals(p) for p in patterns))
    return found | numbers(" ".join(str(n) for n in expect.get("numbers_ok") or []))


def _regex_literals(pattern: str) -> str:
    """A regex as plain text for number finding: `\\.` becomes a point, `\\b` or `\\d` a space."""
    return re.sub(r"\\[A-Za-z]", " ", re.sub(r"\\([.,%$])", r"\1", pattern))


def stray_figures(answer: dict, expect: dict) -> list[str]:
    """Numbers standing in for an uncovered answer. Looked for in the `answer` and `context` blocks
    of an ask that also has a `not_covered` block: a figure counts when its sentence matches none
    of the case's `asks` regexes (it answers nothing that was asked) and it is neither a year nor a
    figure the case expects (`allowed_numbers`). The cost bug: "Florida clinics charged
    US$6,000-20,700" under "The library has no reviewed price for aHSCT in Mexico"."""
    bl = blocks(answer)
    uncovered = {b.get("ask") for b in bl if b.get("kind") == "not_covered"}
    ok = allowed_numbers(expect)
    patterns = [p for group in expect.get("asks") or [] for p in group]
    stray = []
    for b in bl:
        if b.get("kind") not in FIGURE_KINDS or b.get("ask") not in uncovered:
            continue
        for sentence in split_sentences(b.get("text") or ""):
            if not _matches(patterns, sentence):
                stray += [n for n in numbers(sentence) if n not in ok and not YEAR.match(n)]
    return sorted(set(stray))


def _claims_whole_ask_uncovered(answer: dict, boilerplate: Iterable[str] = ()) -> bool:
    """A not_covered block for an ask that got no answer or card block (or, with no ask index, an
    answer with no answer block at all). Without blocks: the first sentence says not covered."""
    bl = blocks(answer)
    if not bl:
        first = split_sentences(scored_text(answer, boilerplate))[:1]
        return bool(first) and bool(NOT_COVERED_TEXT.search(first[0]))
    answered = {b.get("ask") for b in bl if b.get("kind") in ("answer", "card")}
    for b in bl:
        if b.get("kind") != "not_covered":
            continue
        if b.get("ask") is None and not answered:
            return True
        if b.get("ask") is not None and b.get("ask") not in answered:
            return True
    return False


def not_covered_ok(answer: dict, expect: dict, boilerplate: Iterable[str] = ()) -> bool | None:
    """One case of `not_covered_honesty`; None when the case has no `not_covered` expectation.
    true: the answer says plainly that the library does not cover it (see `says_not_covered`) and
    no stray figure stands in for the uncovered answer (see `stray_figures`).
    false: no not_covered statement claims a whole ask is uncovered."""
    if "not_covered" not in expect or expect["not_covered"] is None:
        return None
    if expect["not_covered"]:
        return says_not_covered(answer, boilerplate) and not stray_figures(answer, expect)
    return not _claims_whole_ask_uncovered(answer, boilerplate)


def not_covered_honesty(flags: Sequence[bool | None]) -> float | None:
    """`not_covered_honesty`: share of cases with a `not_covered` expectation where the answer does
    the right thing (`not_covered_ok`)."""
    return rate([f for f in flags if f is not None])


def not_covered_rates(pairs: Sequence[tuple[bool, bool | None]]) -> dict[str, float | None]:
    """`not_covered_honesty` and its two halves, from (expected not_covered, `not_covered_ok`) per
    case: `when_true` is the share of must-say cases that said it plainly (an assistant that never
    says "not covered" scores 0 here, whatever the mix of cases), `when_false` the share of covered
    cases not wrongly called uncovered."""
    scored = [(want, ok) for want, ok in pairs if ok is not None]
    return {
        "not_covered_honesty": rate([ok for _, ok in scored]),
        "not_covered_when_true": rate([ok for want, ok in scored if want]),
        "not_covered_when_false": rate([ok for want, ok in scored if not want]),
    }


# -- staff drafts -----------------------------------------------------------------------------
REFERENCES = re.compile(r"^\s*References\b", re.I)
REF_NUMBER = re.compile(r"^\s*(?:\[\d+\]|\d+[.)])\s*")


def split_draft(draft: str) -> tuple[str, list[str]]:
    """The draft body, and the reference lines after the first line starting with "References"."""
    lines = (draft or "").splitlines()
    for i, line in enumerate(lines):
        if REFERENCES.match(line):
            return "\n".join(lines[:i]), [x.strip() for x in lines[i + 1 :] if x.strip()]
    return "\n".join(lines), []


def duplicate_references(refs: Sequence[str]) -> int:
    """Reference lines that repeat an earlier one once their numbering is dropped."""
    seen, dupes = set(), 0
    for ref in refs:
        key = " ".join(REF_NUMBER.sub("", ref).lower().split())
        dupes += key in seen
        seen.add(key)
    return dupes


def staff_behaviours_met(answer: dict, expect: dict) -> dict:
    """Staff draft behaviours: each listed one is a check on the draft body (`answer["draft"]`, the
    text before "References"): `ack` (one regex matches), each ask of `asks` (as `ask_results`),
    each regex of `safety` (every one must match), `forbidden` (none matches), `max_words` (body
    word count), `unique_references` (no reference line twice). Returns `share` (of the listed
    checks met; None if none listed), `forbidden_hits`, `duplicate_references` and `failed`."""
    body, refs = split_draft(answer.get("draft") or "")
    checks: dict[str, bool] = {}
    if expect.get("ack"):
        checks["ack"] = _matches(expect["ack"], body)
    for i, group in enumerate(expect.get("asks") or []):
        checks[f"ask {i + 1}"] = _matches(group, body)
    for pattern in expect.get("safety") or []:
        checks[f"safety /{pattern}/"] = bool(re.search(pattern, body, re.I))
    hits = [p for p in expect.get("forbidden") or [] if re.search(p, body, re.I)]
    if expect.get("forbidden"):
        checks["no forbidden"] = not hits
    if expect.get("max_words"):
        checks["max words"] = len(body.split()) <= int(expect["max_words"])
    dupes = duplicate_references(refs)
    if expect.get("unique_references"):
        checks["unique references"] = dupes == 0
    return {
        "share": rate(list(checks.values())),
        "forbidden_hits": len(hits),
        "duplicate_references": dupes,
        "failed": [name for name, ok in checks.items() if not ok],
    }


# -- development set --------------------------------------------------------------------------
def dev_half(qid: str) -> str:
    """The development set's fixed split, chosen before any rule was fitted: ask rules may be fitted
    on the odd-numbered items ("fit"); the even-numbered ones are held out, scored but never read
    to write a rule ("held-out"), so their figure says how the rules carry to real wording."""
    digits = re.sub(r"\D", "", qid)
    return "fit" if digits and int(digits) % 2 else "held-out"


def _dev_file(shared_dir: str | Path) -> Path:
    """Accepts ../shared, ../shared/evidence or the jsonl file itself."""
    path = Path(shared_dir)
    for candidate in (path, path / DEV_FILE, path / "evidence" / DEV_FILE):
        if candidate.is_file():
            return candidate
    return path / "evidence" / DEV_FILE


def load_dev_set(shared_dir: str | Path, rubric: str | Path = RUBRIC) -> list[dict] | None:
    """The development set as case dicts (keys of `evals.runner.Case`), joining the rubric kept in
    evals/ with the question texts read at run time from ../shared; None when the question file is
    absent (the runner prints a skip notice). Items with `history` are asked after those earlier
    items of their thread. Rubric items missing from the file are left out; a history id missing
    from the file is an error, since the conversation could not be rebuilt."""
    path = _dev_file(shared_dir)
    if not path.is_file():
        return None
    texts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            texts[item["id"]] = item["text"]
    items = (yaml.safe_load(Path(rubric).read_text(encoding="utf-8")) or {}).get("items") or {}
    cases = []
    for qid, spec in items.items():
        if qid not in texts:
            continue
        history = list(spec.get("history") or [])
        if missing := [h for h in history if h not in texts]:
            raise ValueError(f"{rubric}: {qid} history names items not in {path}: {missing}")
        expect = {k: v for k, v in spec.items() if k not in ("topic", "history", "note")}
        expect.setdefault("claims_not_asserted", "all")
        cases.append(
            {
                "id": qid,
                "topic": spec.get("topic", "dev"),
                "kind": "multi-turn" if history else ("abstain" if spec.get("abstain") else "question"),
                "mode": "patient",
                "suite": "full",
                "turns": [texts[h] for h in history] + [texts[qid]],
                "expect": expect,
                "file": Path(rubric).name,
                "extra": {"dev": True},
            }
        )
    return cases

"""Reviewed answers: plain, cited answers to the questions people keep asking (sources/answers/).

Each `sources/answers/*.yaml` file holds `answers:`, a list of entries in the schema below. The
loader validates every entry and reports each fault as a `Problem` (`file: field: problem`); an
entry with any problem is left out of the result, never silently repaired.

    - id: ahsct-recovery-time            # kebab-case, unique across all files
      aspect: recovery                   # one of `Aspect`
      treatment: ahsct                   # one of `Treatment`
      questions: [...]                   # >= 6 ways people ask it
      answer:                            # 2-5 sentences; the first answers the ask
        - {text: "...", sources: [note-id, ...]}
      variants:                          # optional, where the evidence differs by context
        - {when: {ms_type: progressive}, text: "...", sources: [note-id]}
      not_covered: "..."                 # what the library lacks; no figures
      next_step: "..."                   # what to ask the MS team or clinic; no figures
      reviewed: 2026-12-02

A file may also hold `uncovered:`, a list of asks no reviewed answer covers (questions about MS
in general, other treatments, daily life). They are never shown: the matcher learns from them what
an ask without a reviewed answer looks like (`load_uncovered`). A file needs `answers:` or
`uncovered:`; an uncovered ask that is also an answer's question is a problem.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .sources import ID_RE, Problem
from .text import BACK_REFERENCE_START, split_sentences

MIN_QUESTIONS = 6
MIN_SENTENCES, MAX_SENTENCES = 2, 5
DIGIT = re.compile(r"\d")
# An answer's "Yes:" or "No," lead, left out when the question was not a yes/no one (flow/by_ask.py).
YES_NO_LEAD = re.compile(r"^(?:Yes|No|Usually yes|Usually not)[:,]\s+(?=\S)")


def without_yes_no(text: str) -> str:
    """The sentence without its lead: "No: aHSCT gives back…" → "aHSCT gives back…"."""
    rest = YES_NO_LEAD.sub("", text, count=1)
    first = rest.split(" ", 1)[0]
    return rest if any(c.isupper() for c in first[1:]) else rest[:1].upper() + rest[1:]


class Aspect(StrEnum):
    """What an ask is about; the fixed vocabulary shared with the ask reader and the matcher."""

    ELIGIBILITY = "eligibility"
    EFFECTIVENESS = "effectiveness"
    RISKS = "risks"
    COST = "cost"
    PROCEDURE = "procedure"
    RECOVERY = "recovery"
    ACCESS = "access"
    REGULATION = "regulation"
    EVIDENCE = "evidence"
    COMPARISON = "comparison"
    CLAIM = "claim"
    DECISION = "decision"
    OTHER = "other"


class Treatment(StrEnum):
    AHSCT = "ahsct"
    MSC = "msc"
    CORD_CELLS = "cord-cells"
    STEM_CELLS_GENERAL = "stem-cells-general"
    DMT = "dmt"
    CLINICS = "clinics"
    NONE = "none"


def _kebab(value: str) -> str:
    if not ID_RE.match(value):
        raise ValueError("is not lowercase kebab-case")
    return value


# An id of reviewed content (answers here, staff content in staff.py): lowercase kebab-case.
KebabId = Annotated[str, AfterValidator(_kebab)]


class _Strict(BaseModel):
    # A misspelt field name is a problem to report, not a field to ignore.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class When(_Strict):
    """The context a variant applies to; bounds are inclusive."""

    ms_type: Literal["relapsing", "progressive"] | None = None
    age_min: float | None = Field(None, ge=0, le=120)
    age_max: float | None = Field(None, ge=0, le=120)
    edss_min: float | None = Field(None, ge=0, le=10)
    edss_max: float | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _sensible(self) -> When:
        if all(v is None for v in self.model_dump().values()):
            raise ValueError("needs at least one of ms_type, age_min, age_max, edss_min, edss_max")
        for low, high in (("age_min", "age_max"), ("edss_min", "edss_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{low} is above {high}")
        return self

    def matches(
        self, ms_type: str | None = None, age: float | None = None, edss: float | None = None
    ) -> bool:
        """True when the stated context fits; an unstated value never matches a condition on it."""
        if self.ms_type is not None and ms_type != self.ms_type:
            return False
        for value, low, high in ((age, self.age_min, self.age_max), (edss, self.edss_min, self.edss_max)):
            if (low is not None or high is not None) and value is None:
                return False
            if low is not None and value < low or high is not None and value > high:
                return False
        return True


class AnswerSentence(_Strict):
    text: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class Variant(AnswerSentence):
    when: When


class ReviewedAnswer(_Strict):
    id: KebabId
    aspect: Aspect
    treatment: Treatment
    questions: tuple[str, ...] = Field(min_length=MIN_QUESTIONS)
    answer: tuple[AnswerSentence, ...] = Field(min_length=1)
    variants: tuple[Variant, ...] = ()
    not_covered: str
    next_step: str = Field(min_length=1)
    reviewed: dt.date
    # The one country whose services the answer is about ("Australia": MS Australia's position
    # and Australian centres; "UK": the NHS): not the answer for someone who lives elsewhere.
    place: str | None = None

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not q for q in value):
            raise ValueError("holds an empty question")
        return value

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.answer)

    def reviewed_sentences(self) -> list[str]:
        """Every sentence a reader may be shown from this answer (reviewed text), including each
        sentence without its "Yes:" or "No," lead, as shown after a question that is not yes/no."""
        texts = [s.text for s in self.answer] + [v.text for v in self.variants]
        texts += [without_yes_no(t) for t in texts if YES_NO_LEAD.match(t)]
        return [*texts, *(t for t in (self.not_covered, self.next_step) if t)]

    def variants_for(
        self, ms_type: str | None = None, age: float | None = None, edss: float | None = None
    ) -> list[Variant]:
        """The variants whose condition the person's stated context meets."""
        return [v for v in self.variants if v.when.matches(ms_type, age, edss)]


def answer_files(folder: Path) -> list[Path]:
    """The answer files; `folder` is sources/answers, or the sources folder that holds it."""
    if (folder / "answers").is_dir():
        folder = folder / "answers"
    return sorted(folder.glob("*.yaml"))


def load_answers(
    folder: Path, known_ids: set[str] | None = None
) -> tuple[list[ReviewedAnswer], list[Problem]]:
    """Every valid reviewed answer, and a problem for every entry or field that is not valid.

    Note ids are checked when `known_ids` is given. A missing folder holds no answers and is no
    problem: the library works without reviewed answers.
    """
    answers: list[ReviewedAnswer] = []
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    asked: dict[str, str] = {}
    uncovered: dict[str, str] = {}
    for path in answer_files(folder):
        name = f"{path.parent.name}/{path.name}"
        data, found = _read(path, name)
        problems += found
        items = data.get("answers") or []
        for j, ask in zip(data.get("uncovered_at") or [], data.get("uncovered") or [], strict=True):
            uncovered.setdefault(" ".join(ask.lower().split()), f"{name} uncovered[{j}]")
        for i, item in enumerate(items):
            where = f"answers[{i}]"
            answer, found = _validate(item, name, where, known_ids)
            aid = item.get("id") if isinstance(item, dict) else None
            if isinstance(aid, str):
                if aid in first_seen:
                    found.append(Problem(name, f"{where}.id", f"'{aid}' is also used in {first_seen[aid]}"))
                first_seen.setdefault(aid, f"{name} {where}")
            if answer is not None:
                found += _shared_questions(answer, name, where, asked)
            problems += found
            if answer is not None and not found:
                answers.append(answer)
    for key, where in uncovered.items():
        if key in asked:
            name, field = where.split(" ")
            problems.append(Problem(name, field, f"is also a question of '{asked[key]}'"))
    return answers, problems


def load_uncovered(folder: Path) -> list[str]:
    """The asks no reviewed answer covers (every file's `uncovered:`), in file order; a file or an
    entry `load_answers` reports as a problem gives none."""
    out: list[str] = []
    for path in answer_files(folder):
        data, _ = _read(path, f"{path.parent.name}/{path.name}")
        out += data.get("uncovered") or []
    return out


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text, so a bad date is reported at its own field (libyaml's
    parser when PyYAML has it: the answer files load in 0.02 s instead of 0.3 s)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(path: Path, name: str) -> tuple[dict, list[Problem]]:
    """The file's `answers` (a list) and `uncovered` (a list of non-empty strings), each present
    only when valid; a problem for the file or for a bad `uncovered` entry."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except UnicodeDecodeError:
        return {}, [Problem(name, "file", "is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(name, "file", "is not valid YAML" + (f" (line {mark.line + 1})" if mark else ""))]
    except (ValueError, RecursionError) as exc:  # a date YAML cannot build, or absurd nesting
        return {}, [Problem(name, "file", f"holds a value YAML cannot read ({type(exc).__name__})")]
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in ("answers", "uncovered")):
        return {}, [Problem(name, "answers", "the file must hold `answers:`, a list of answers")]
    out, problems = {}, []
    if isinstance(data.get("answers"), list):
        out["answers"] = data["answers"]
    if "uncovered" in data:
        asks = data["uncovered"]
        if not isinstance(asks, list):
            return out, [Problem(name, "uncovered", "must be a list of asks")]
        bad = [j for j, a in enumerate(asks) if not isinstance(a, str) or not a.strip()]
        problems += [Problem(name, f"uncovered[{j}]", "must be a non-empty text") for j in bad]
        out["uncovered"] = [a.strip() for j, a in enumerate(asks) if j not in bad]
        out["uncovered_at"] = [j for j in range(len(asks)) if j not in bad]
    return out, problems


def _validate(item, name: str, where: str, known_ids: set[str] | None):
    if not isinstance(item, dict):
        return None, [Problem(name, where, "must be a mapping of fields")]
    try:
        answer = ReviewedAnswer.model_validate(item)
    except ValidationError as exc:
        return None, [Problem(name, _field(where, e["loc"]), _message(e)) for e in exc.errors()]
    return answer, _content_problems(answer, name, where, known_ids)


def _field(where: str, loc: tuple) -> str:
    out = where
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')}, has {ctx.get('actual_length')}"
    if kind in ("enum", "literal_error"):
        return f"'{error['input']}' is not one of {ctx.get('expected')}"
    return error["msg"].removeprefix("Value error, ")


def _content_problems(
    answer: ReviewedAnswer, name: str, where: str, known_ids: set[str] | None
) -> list[Problem]:
    out = []
    count = sum(len(split_sentences(s.text)) for s in answer.answer)
    if not MIN_SENTENCES <= count <= MAX_SENTENCES:
        needs = f"has {count} sentences; needs {MIN_SENTENCES}-{MAX_SENTENCES}"
        out.append(Problem(name, f"{where}.answer", needs))
    cited = [(f"answer[{j}]", s) for j, s in enumerate(answer.answer)]
    cited += [(f"variants[{j}]", v) for j, v in enumerate(answer.variants)]
    for field, sentence in cited:
        if known_ids is not None:
            for sid in sentence.sources:
                if sid not in known_ids:
                    out.append(Problem(name, f"{where}.{field}.sources", f"unknown note id '{sid}'"))
        out += _bare_starts(sentence.text, name, f"{where}.{field}.text")
    for field in ("not_covered", "next_step"):
        value = getattr(answer, field)
        if DIGIT.search(value):
            out.append(Problem(name, f"{where}.{field}", "carries a figure; figures belong in cited text"))
        out += _bare_starts(value, name, f"{where}.{field}")
    return out


def _bare_starts(text: str, name: str, field: str) -> list[Problem]:
    return [
        Problem(name, field, f"sentence starts with a bare pronoun or back-reference: '{s[:60]}'")
        for s in split_sentences(text)
        if BACK_REFERENCE_START.match(s)
    ]


def _shared_questions(answer: ReviewedAnswer, name: str, where: str, asked: dict[str, str]) -> list[Problem]:
    """The same wording under two answers would teach the matcher two answers for one question."""
    out = []
    for j, question in enumerate(answer.questions):
        key = " ".join(question.lower().split())
        owner = asked.setdefault(key, answer.id)
        if owner != answer.id:
            out.append(Problem(name, f"{where}.questions[{j}]", f"is also a question of '{owner}'"))
    return out

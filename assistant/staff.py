"""Reviewed content for staff replies (sources/staff.yaml): safety actions, red flags in a
clinic's offer, questions to put to a clinic, and acknowledgement rules.

`load_staff(sources_dir)` validates the file and returns `(content, problems)`; a file with any
problem gives `None` content, never a silently repaired one. The draft composer
(`assistant/draft.py`) picks from the content by simple rules run on the person's message.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .answers import KebabId
from .sources import Problem

FILE = "staff.yaml"
NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
    ]
)


class _Strict(BaseModel):
    # A misspelt field name is a problem to report, not a field to ignore.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _regex(value: str) -> str:
    try:
        re.compile(value, re.I)
    except re.error as exc:
        raise ValueError(f"is not a valid regex ({exc})") from None
    return value


def _search(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, re.I)


class Fact(_Strict):
    """One fact sentence and the notes that back it."""

    text: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class Rule(_Strict):
    id: KebabId
    match: str

    @field_validator("match")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _regex(value)


class SafetyAction(Rule):
    needs: tuple[str, ...] = ()
    unless: str = ""
    answers: str = ""  # asks this action answers, besides those its `match` finds
    urgent: bool = False  # symptoms that need action now: the rest of the reply stays short
    text: str = Field(min_length=1)
    why: Fact

    @field_validator("needs")
    @classmethod
    def _valid_needs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_regex(v) for v in value)

    @field_validator("unless", "answers")
    @classmethod
    def _valid_optional(cls, value: str) -> str:
        return _regex(value) if value else value

    def answers_ask(self, ask: str) -> bool:
        return bool(_search(self.match, ask)) or bool(self.answers and _search(self.answers, ask))

    def applies(self, message: str) -> bool:
        return (
            bool(_search(self.match, message))
            and all(_search(n, message) for n in self.needs)
            and not (self.unless and _search(self.unless, message))
        )


class RedFlag(Rule):
    text: str = Field(min_length=1)
    why: Fact

    def applies(self, message: str) -> bool:
        return bool(_search(self.match, message))


class ClinicQuestion(_Strict):
    id: str
    text: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    for_: Literal["hsct", "cells"] | None = Field(None, alias="for")


class Acknowledgement(_Strict):
    kind: Literal["who", "detail", "deadline", "done", "feeling"]
    match: str
    say: str = Field(min_length=1)

    @field_validator("match")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _regex(value)

    def said(self, message: str) -> str | None:
        """`say` with the regex groups filled in, or None when the message does not match."""
        found = _search(self.match, message)
        if found is None:
            return None
        # "Three months ago" is said back mid-sentence: number words lose their capital.
        groups = ["", *(g.lower() if g and g.lower() in NUMBER_WORDS else g or "" for g in found.groups())]
        return re.sub(r"\{(\d)\}", lambda m: groups[int(m.group(1))], self.say)


class StaffContent(_Strict):
    reviewed: dt.date
    safety: tuple[SafetyAction, ...] = Field(min_length=1)
    red_flags: tuple[RedFlag, ...] = Field(min_length=1)
    clinic_questions: tuple[ClinicQuestion, ...] = Field(min_length=3)
    acknowledgements: tuple[Acknowledgement, ...] = Field(min_length=1)

    @cached_property
    def facts(self) -> list[tuple[str, Fact]]:
        """(where, fact) of every cited sentence, for the backing check."""
        out = [(f"safety.{s.id}.why", s.why) for s in self.safety]
        out += [(f"red_flags.{f.id}.why", f.why) for f in self.red_flags]
        return out + [
            (f"clinic_questions.{q.id}", Fact(text=q.text, sources=q.sources)) for q in self.clinic_questions
        ]

    def of_kind(self, kind: str) -> list[Acknowledgement]:
        return [a for a in self.acknowledgements if a.kind == kind]


def load_staff(
    sources_dir: Path, known_ids: set[str] | None = None
) -> tuple[StaffContent | None, list[Problem]]:
    """The staff content of `sources_dir/staff.yaml` and its problems (`file: field: problem`).
    Note ids are checked when `known_ids` is given. A library without the file has no staff
    content (drafts then carry no reviewed safety actions or red flags): no problem, as for
    reviewed answers."""
    path = Path(sources_dir) / FILE
    name = f"{path.parent.name}/{FILE}"
    if not path.is_file():
        return None, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        return None, [Problem(name, "file", f"cannot be read ({type(exc).__name__})")]
    if not isinstance(data, dict):
        return None, [Problem(name, "file", "must be a YAML mapping")]
    data = {k: (str(v) if k == "reviewed" and isinstance(v, dt.date) else v) for k, v in data.items()}
    try:
        content = StaffContent.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        return None, [Problem(name, _field(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in errors]
    problems = _id_problems(content, name, known_ids)
    return (None if problems else content), problems


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def _id_problems(content: StaffContent, name: str, known_ids: set[str] | None) -> list[Problem]:
    out: list[Problem] = []
    for kind, items in (
        ("safety", content.safety),
        ("red_flags", content.red_flags),
        ("clinic_questions", content.clinic_questions),
    ):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                out.append(Problem(name, f"{kind}.{item.id}", "id is used twice"))
            seen.add(item.id)
    if known_ids is not None:
        for where, fact in content.facts:
            out += [
                Problem(name, f"{where}.sources", f"'{s}' is not a note in the library")
                for s in fact.sources
                if s not in known_ids
            ]
    return out

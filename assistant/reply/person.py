"""Who writes about whom (`Person`: relation, name, the MS drug named), the greeting, and the
acknowledgement of the person's situation in their own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..flow.person import DRUGS
from ..models import Answer
from ..staff import StaffContent

# The writer speaks about themselves: "I was diagnosed", "my MS nurse", "I had HSCT".
PERSONAL = re.compile(
    r"\bI (?:was|'ve been|have been) diagnosed|\bmy (?:MS|RRMS|SPMS|PPMS|relapses|neuro\w*)\b|"
    r"\bI (?:had|finished|have had|stopped|lost)\b|\bI(?:'m| am) \d+,? (?:with|and have)\b|"
    r"\bI have [^.]{0,30}\bMS\b",
    re.I,
)
SIGNED = re.compile(
    r"(?:thanks|thank you(?: very much)?|regards|wishes|cheers)\b[^\n.]{0,40}?,\s*"
    r"(?-i:([A-Z][a-z]{1,20}))\b[^\n]{0,40}\s*$",
    re.I,
)


@dataclass(frozen=True)
class Person:
    """Who the message is about: `who` ("you", "your wife") and `whose` ("your", "your wife's")."""

    who: str = "you"
    whose: str = "your"
    relation: str = ""
    name: str = ""
    drug: str = "the MS drug"

    @classmethod
    def read(cls, answer: Answer, staff: StaffContent | None) -> Person:
        message = answer.question
        drug = _drug(message, answer.context.get("drugs") or [])
        rules = staff.of_kind("who") if staff else []
        relation, name = _relation(message, rules[0].match) if rules else ("", "")
        if not relation:
            return cls(drug=drug)
        return cls(relation, f"{relation}'s", relation, name, drug)


def _relation(message: str, rule: str) -> tuple[str, str]:
    """("your wife", "Claire") for the person the message is about; ("", "") when the writer
    speaks about themselves. A named relative wins ("our daughter Hannah" over "my husband")."""
    found = list(re.finditer(rule, message, re.I))
    if not found or (PERSONAL.search(message) and not any(m.group(2) for m in found)):
        return "", ""
    named = [m for m in found if m.group(2)]
    if named:
        return f"your {named[0].group(1).lower()}", named[0].group(2)
    counts: dict[str, int] = {}
    for m in found:
        counts[m.group(1).lower()] = counts.get(m.group(1).lower(), 0) + 1
    best = max(counts, key=lambda k: (counts[k], -list(counts).index(k)))
    return f"your {best}", ""


def _drug(message: str, drugs: list[str]) -> str:
    """The first MS drug named, as the writer spelled it ("Ocrevus"), or "the MS drug"."""
    best = None
    for name in drugs:
        m = re.search(rf"\b({DRUGS[name]})\b", message, re.I) if name in DRUGS else None
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return "the MS drug"
    word = best.group(1)
    return word if word[0].isupper() else word.capitalize()


def greeting(message: str) -> str:
    m = SIGNED.search(message.strip()[-160:])
    return f"Dear {m.group(1)}," if m else "Hello,"


def acknowledge(message: str, person: Person, staff: StaffContent | None, most: int = 4) -> list[str]:
    """Thanks, who it is about, a feeling the writer named, and a choice already made, a deadline
    or one detail, in their words; never a judgement of what they did."""
    about = f" about {person.relation}" if person.relation else ""
    about += f", {person.name}" if person.relation and person.name else ""
    lines = [f"Thank you for writing to us{about}."]
    if staff is None:
        return lines
    said = {kind: _first(staff, kind, message) for kind in ("feeling", "done", "deadline", "detail")}
    if said["feeling"]:
        lines.append(f"I'm so sorry you're dealing with this; it sounds really {said['feeling']}.")
    lines += [said[k] for k in ("done", "deadline", "detail") if said[k]]
    return [" ".join(lines[:most])]


def _first(staff: StaffContent, kind: str, message: str) -> str | None:
    for rule in staff.of_kind(kind):
        if text := rule.said(message):
            return text
    return None

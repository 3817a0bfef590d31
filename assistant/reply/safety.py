"""The safety actions a message calls for, said first in the draft, each with its cited reason
while words allow; the urgent line when the answer itself is urgent."""

from __future__ import annotations

import re

from ..flow.person import DRUGS
from ..models import Answer
from ..staff import SafetyAction, StaffContent
from ..vocab import BlockKind
from .person import Person

URGENT_LINE = (
    "If any symptoms are sudden, severe or new, please call your local emergency number or go "
    "to urgent care now rather than waiting for a reply from us."
)


def safety_actions(message: str, staff: StaffContent | None) -> list[SafetyAction]:
    """The safety actions the message calls for, most urgent first, two at most."""
    return [a for a in staff.safety if a.applies(message)][:2] if staff else []


def safety(answer: Answer, person: Person, actions: list[SafetyAction], why: int = 2) -> list[str]:
    """The safety actions, said first; each with its cited reason while words allow."""
    out = []
    for i, action in enumerate(actions):
        drug = _drug_in(action.match, answer.question) or person.drug
        text = action.text.format(who=person.who, whose=person.whose, drug=drug)
        text = text[0].upper() + text[1:]
        out.append(f"{text} {cite(action.why.text, action.why.sources)}" if i < why else text)
    if not out and answer.blocks_of(BlockKind.URGENT):
        out.append(URGENT_LINE)
    return out


def _drug_in(rule: str, message: str) -> str:
    """The MS drug named where the rule matched ("stop Ocrevus now" → "Ocrevus")."""
    found = re.search(rule, message, re.I)
    for rx in DRUGS.values():
        m = re.search(rf"\b({rx})\b", found.group(0), re.I) if found else None
        if m:
            word = m.group(1)
            return word if word[0].isupper() else word.capitalize()
    return ""


def cite(text: str, sources: tuple[str, ...]) -> str:
    """A staff fact with document markers ([@note-id]) that `renumber` turns into [n]."""
    return f"{text.rstrip('.')} [{', '.join('@' + s for s in sources)}]."

"""Stage 1, understand: clean the message, spot urgent symptoms, decide scope.

The result, `Message`, is what every later stage reads: the text to answer (instructions and
hidden markup removed), whether to decline and why, and the notices the reader must see.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..models import Notice
from ..text import looks_non_english
from ..vocab import DeclineReason, NoticeCode
from . import notices
from .scope import read_request


class QuestionError(ValueError):
    """The question cannot be answered as typed; the message says why."""


@dataclass
class Message:
    question: str  # as typed, cleaned of control characters, possibly cut
    asked: str  # what is answered: hidden markup and instructions removed
    urgent: bool = False
    decline: DeclineReason | None = None
    notices: list[Notice] = field(default_factory=list)


def clean_question(question: str, limit: int) -> tuple[str, list[Notice]]:
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    text = "".join(ch for ch in question if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = _with_line_breaks(text.encode("utf-8", "replace").decode("utf-8"))
    if not text:
        raise QuestionError("Please type a question.")
    found = []
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
        found.append(notices.cut(limit))
    if looks_non_english(text):
        found.append(Notice(NoticeCode.NOT_ENGLISH, notices.NOT_ENGLISH))
    return text, found


# A line break that lists is kept: before a bullet or a numbered line ("couple things\n1 my
# insurance denied it…\n2 is the trial still recruiting") and, in a message with such a list, before
# a line that adds one more ("also…"); the reader of asks splits there (asks.BULLET). Any other
# break is a space: a line wrapped in an email goes on with its sentence ("…in\nMarch").
LIST_LINE = re.compile(r"^(?:[-*•]\s|\(?\d{1,2}[.):]?\s+[A-Za-z]|\(?[a-hA-H]\)\s)")
AFTER_LIST = re.compile(r"^(?:also|and also|oh and|btw|ps)\b", re.I)


def _with_line_breaks(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    listed = sum(bool(LIST_LINE.match(line)) for line in lines) >= 2
    out = ""
    for line in lines:
        kept = LIST_LINE.match(line) or (listed and AFTER_LIST.match(line))
        if out and not kept and _ends_a_heading(out, line):
            out += "."
        out = f"{out}\n{line}" if out and kept else f"{out} {line}".strip()
    return out


# A pasted advert's heading line ("NovaCell Institute – Nicosia & Dubai" above "Reverse your MS
# with…!") ends its own sentence: joined to the next line, the heading hid the claim after it from
# the claim guard. Only inside quotation marks, where a pasted text is: a wrapped line of the
# person's own message ("…at King's College" above "Hospital last week") goes on with its sentence.
HEADING_WORDS = 10
OPEN_END = re.compile(r"\b(?:a|an|the|and|or|of|in|on|at|to|for|with|from|by|our|your|is|are)$", re.I)


def _ends_a_heading(before: str, line: str) -> bool:
    last = re.split(r"[.!?:]\s+|[\"“]", before.rsplit("\n", 1)[-1])[-1]  # the line, from its quote mark
    inside = before.count("“") > before.count("”") or before.count('"') % 2 == 1
    return (
        inside
        and len(last.split()) <= HEADING_WORDS
        and not re.search(r"[.!?:;,\-–—(\"“]\W*$", last)
        and not OPEN_END.search(last)
        and bool(re.match(r"\W*[A-Z]", line))
    )


def read_message(question: str, limit: int) -> Message:
    # Urgency is read before the cut: a symptom in a part cut off still gets the notice.
    urgent = isinstance(question, str) and notices.urgent(question)
    text, found = clean_question(question, limit)
    request = read_request(text)
    if request.instructions_removed and not request.decline:
        found.append(Notice(NoticeCode.INSTRUCTIONS_IGNORED, notices.INSTRUCTIONS_IGNORED))
    return Message(text, respelled(request.text), urgent, request.decline, found)


# Misspellings of the field's own words, as people type them on a phone or in a second language:
# the embedding reads "baby vacines" as nothing it knows (0.25 to the answer on vaccinations,
# 0.9995 spelled right). Whole words only, and only words with one plain meaning here.
TYPOS = {
    **dict.fromkeys(("vacine", "vaccene", "vacsine", "vaccin", "vaccinne", "vacccine"), "vaccine"),
    **dict.fromkeys(("vacines", "vaccenes", "vacsines", "vaccins", "vaccinnes"), "vaccines"),
    **dict.fromkeys(("hscht", "hcst", "hstc", "hsctt", "ahcst"), "HSCT"),
    **dict.fromkeys(("stemcell",), "stem cell"),
    **dict.fromkeys(("stemcells",), "stem cells"),
    **dict.fromkeys(("transplat", "tranplant", "transpant", "transplnt"), "transplant"),
    **dict.fromkeys(("chemotheraphy", "chemoterapy", "chemotherapie", "kemotherapy"), "chemotherapy"),
    **dict.fromkeys(("sclerosys", "sclorosis", "sklerosis", "scelrosis", "sclerosus"), "sclerosis"),
    **dict.fromkeys(("mesenchimal", "mesenchymol", "mesenquimal", "mesenchymall"), "mesenchymal"),
    **dict.fromkeys(("neurologyst", "nuerologist", "neurolgist", "neurologue"), "neurologist"),
    **dict.fromkeys(("fertilty", "fertiliy", "fertilit"), "fertility"),
    **dict.fromkeys(("elegible", "eligable", "elligible", "eligeble"), "eligible"),
    **dict.fromkeys(("wud", "woud"), "would"),
    **dict.fromkeys(("cud",), "could"),
    **dict.fromkeys(("shud", "shoud"), "should"),
    **dict.fromkeys(("infecton", "infektion", "infecion"), "infection"),
    **dict.fromkeys(("recovry", "recovey", "recovary"), "recovery"),
    **dict.fromkeys(("sucess", "succes", "sucsess"), "success"),
    **dict.fromkeys(("dangerus", "dangerouse", "dangeros"), "dangerous"),
    **dict.fromkeys(("ocrevous", "ocrevis", "ocrevs"), "Ocrevus"),
    **dict.fromkeys(("freind", "frend"), "friend"),
}
TYPO = re.compile(rf"\b({'|'.join(sorted(TYPOS, key=len, reverse=True))})\b", re.I)


def respelled(text: str) -> str:
    return TYPO.sub(lambda m: TYPOS[m.group().lower()], text)

"""A clinic's offer in the message: the red flags it shows and the questions to put to the clinic
before any payment (or before the first treatment)."""

from __future__ import annotations

import re

from ..staff import StaffContent
from .limits import LEVELS, Limits
from .safety import cite

# A clinic's offer: a price, a deposit, or a clinic or centre somewhere that offers or accepted.
OFFER = re.compile(
    r"[$€£]\s?\d|\b\d[\d,. ]*\s?(?:euros?|usd|dollars|pounds)\b|deposit|up ?front|"
    r"(?:clinic|centre|center) (?:in|on|abroad)\b|\boffer(?:s|ed|ing)?\b|accepted (?:him|her|me|them)|"
    r"\bbooked\b",
    re.I,
)
HSCT = re.compile(r"\bh?a?hsct\b|transplant|chemo", re.I)
CELLS = re.compile(r"cord|mesenchymal|\bmscs?\b|exosome|stem ?cells?", re.I)
PRICE = re.compile(r"[$€£]\s?\d|\b\d[\d,. ]*\s?(?:euros?|usd|dollars|pounds)\b|price|cost", re.I)
# The treatment is behind them and no further round is planned: questions for a clinic would read
# as advice after the fact.
TREATED = re.compile(
    r"\b(?:had|finished|received)\b[^.]{0,60}\b(?:hsct|transplant|injection|infusion|drip|rounds?|cells)\b"
    r"|\bhaving her second|\binjected\b",
    re.I,
)
# An ask the clinic questions answer ("What should she ask the clinic before she pays?").
CLINIC_ASK = re.compile(
    r"\bask (?:the clinic|them)\b|questions? (?:to ask|for the clinic|(?:we|i) (?:must|should) ask)|"
    r"what (?:should|must|can|do) (?:we|i|she|he|they) ask",
    re.I,
)
GOING_AHEAD = re.compile(
    r"if (?:i|we|she|he) (?:do )?go ahead|before (?:the first|(?:she|he|we|i) pays?)", re.I
)


def clinic_offer(message: str, staff: StaffContent | None, limits: Limits = LEVELS[0]) -> list[str]:
    """Red flags the offer shows, and 3-4 questions to put to the clinic before any payment."""
    if staff is None or not OFFER.search(message):
        return []
    out = []
    flags = [f for f in staff.red_flags if f.applies(message)][: limits.flags]
    if flags:
        names = [f.text for f in flags]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        flag_line = f"Some things in the offer you describe are common warning signs: {listed}."
        why = cite(flags[0].why.text, flags[0].why.sources) if limits.flag_why else ""
        out.append(f"{flag_line} {why}".strip())
    if TREATED.search(message) and not GOING_AHEAD.search(message):
        return out
    questions = _questions(message, staff)[: limits.questions]
    if questions:
        when = "before the first treatment" if GOING_AHEAD.search(message) else "before paying anything"
        lines = [f"- {q.text} [@{q.sources[0]}]" for q in questions]
        out.append(f"Questions to ask the clinic {when}:\n" + "\n".join(lines))
    return out


def _questions(message: str, staff: StaffContent) -> list:
    kinds = {"hsct"} if HSCT.search(message) else set()
    kinds |= {"cells"} if CELLS.search(message) and not kinds else set()
    chosen = []
    for q in staff.clinic_questions:
        if q.for_ and q.for_ not in kinds:
            continue
        if q.id == "price-includes" and not PRICE.search(message):
            continue
        chosen.append(q)
    return chosen[:4]

"""Composing one ask from its reviewed answer: the ask about the part the answer does not cover."""

from __future__ import annotations

import datetime as dt

from assistant.answers import ReviewedAnswer
from assistant.flow.asks import read_asks
from assistant.flow.by_ask import asks_the_uncovered_part

SIDE_EFFECTS = ReviewedAnswer(
    id="chemo-side-effects",
    aspect="risks",
    treatment="ahsct",
    questions=tuple(f"What side effects does the chemo have, version {i}?" for i in range(6)),
    answer=({"text": "In one study 48 of 69 people had a severe side effect.", "sources": ("a-note",)},),
    not_covered="The library has no reviewed information on hair loss or nausea during aHSCT.",
    next_step="Ask the team which side effects to expect.",
    reviewed=dt.date(2026, 12, 2),
)


def test_an_ask_about_the_uncovered_part_is_narrow():
    ask = read_asks("Will I lose my hair with the HSCT chemo?")[0]
    assert asks_the_uncovered_part(ask, SIDE_EFFECTS)


def test_an_ask_the_answer_covers_is_not_narrow():
    ask = read_asks("How common are severe side effects of HSCT chemo?")[0]
    assert not asks_the_uncovered_part(ask, SIDE_EFFECTS)

"""How much of each fixed part a staff draft keeps (`Limits`), and the levels tried in turn,
loosest first, until the body fits its word limit (`LEVELS`)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    """How much of each fixed part a draft keeps; tighter levels are tried until the body fits."""

    ack: int = 4  # sentences of the acknowledgement
    why: int = 2  # safety actions that keep their cited reason
    flags: int = 5
    questions: int = 4
    cards: int = 3  # claim cards in full; the rest share one sentence
    closing: bool = True
    headings: bool = True
    flag_why: bool = True
    named: bool = True  # quote the claims that share one sentence
    covered: bool = False  # leave out asks the safety actions or clinic questions already answer


TIGHT = Limits(ack=2, why=1, flags=3, questions=3, cards=2, closing=False, headings=False, flag_why=False)
LEVELS = (
    Limits(),
    Limits(ack=3, flags=3),
    Limits(ack=3, flags=3, questions=3, closing=False),
    TIGHT,
    replace(TIGHT, covered=True),
    replace(TIGHT, covered=True, named=False, why=0, flags=2),
    replace(TIGHT, covered=True, named=False, why=0, flags=2, cards=1),
)

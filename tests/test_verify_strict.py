"""Verification an LLM cannot slip through: polarity and clinic wording (issue 15).

The vectors are set by hand, so every sentence below is as close to its passage as the
embedding allows; only the stricter rules can drop it.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from assistant.settings import Settings
from assistant.verify import check_sentence, unstated_register

UNIT = np.eye(4, dtype=np.float32)[0]


class OnePassage:
    """A context with one cited passage whose sentences all sit on the same vector."""

    def __init__(self, *sentences: str):
        self.passages = [SimpleNamespace(passage=SimpleNamespace(text=" ".join(sentences)))]
        self.rows = [SimpleNamespace(text=s, passage=1, vector=UNIT) for s in sentences]

    def sentences_of(self, n: int):
        return [r for r in self.rows if r.passage == n]


def check(sentence: str, ctx: OnePassage):
    return check_sentence(sentence, UNIT, ctx, Settings())


def test_a_faithful_sentence_is_kept():
    ctx = OnePassage("In the MESEMS trial, active lesions were about as common with MSCs as with placebo.")
    assert check("In MESEMS, active lesions were about as common with MSCs as with placebo [1].", ctx).ok


def test_a_negated_finding_never_supports_the_positive_claim():
    ctx = OnePassage("The infusions did not reduce enhancing lesions in active MS.")
    result = check("The infusions reduced enhancing lesions in active MS [1].", ctx)
    assert not result.ok


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Mesenchymal cells cure multiple sclerosis [1].", "cure"),
        ("Our infusions regenerate the nerves of people with MS [1].", "regenerate"),
        ("The cell infusions are safe for people with MS [1].", "safe"),
    ],
)
def test_clinic_wording_the_passage_does_not_use_is_dropped(sentence, word):
    ctx = OnePassage("A small open study gave cell infusions to people with MS and followed them for a year.")
    result = check(sentence, ctx)
    assert not result.ok and word in result.reason


def test_clinic_words_the_passage_itself_uses_are_allowed():
    ctx = OnePassage("aHSCT has side effects, such as infections, and it is not a cure.")
    assert check("aHSCT has side effects, including infections [1].", ctx).ok
    assert unstated_register("aHSCT is not a cure.", ["aHSCT has side effects and it is not a cure."]) == []

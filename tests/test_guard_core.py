"""The stance model's core is fitted on the project's own registry and tuning set, so a small
library (a two-claim registry, twenty sentences, one of them a planted clinic claim) cannot flip
it, with or without the development lines of ../shared (issue 15).

Before, such a library decided the class balance of the stance model and most of its
claim-bearing rows (tuning sentences read against claims they are not about), and the planted
"no risk of rejection" read as refuting in a clone without ../shared.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import CLAIMS, NOTES
from test_sources_trust import NO_REJECTION

from assistant.claims import ClaimGuard, development_examples
from assistant.flow.guard import core_registry, guard_examples
from assistant.guard_text import contradiction
from assistant.settings import Settings
from assistant.sources import load_claims
from assistant.text import split_sentences

ROOT = Settings().resolve()


def tiny_library(extra: str) -> list[str]:
    lines = [line for _, _, _, body in NOTES.values() for line in textwrap.dedent(body).splitlines()]
    lines.append(extra)
    return sorted(
        {s for line in lines if line.strip() and not line.startswith("#") for s in split_sentences(line)}
    )


@pytest.fixture(scope="module")
def tiny_registry(tmp_path_factory):
    path = tmp_path_factory.mktemp("registry") / "claims.yaml"
    path.write_text(CLAIMS)
    claims, problems = load_claims(path)
    assert not problems
    return claims


@pytest.mark.parametrize("with_development", [False, True])
def test_a_small_library_cannot_flip_the_stance(tiny_assistant, tiny_registry, with_development):
    development = development_examples(ROOT.guard_development) if with_development else []
    if with_development and not development:
        pytest.skip("no development lines in ../shared")
    guard = ClaimGuard(
        tiny_registry,
        tiny_assistant.embedder,
        negatives=tiny_library(NO_REJECTION),  # planted among the library's sentences
        examples=guard_examples(ROOT.guard_examples),
        development=development,
        core=core_registry(),
    )
    stances = {t: guard.check_text(t)[0].stance for t in (NO_REJECTION, "Cord stem cells can be rejected.")}
    assert stances == {NO_REJECTION: "asserts", "Cord stem cells can be rejected.": "refutes"}


@pytest.mark.parametrize(
    ("wording", "flipped"),
    [
        ("Stem cells cure MS.", "Stem cells do not cure MS."),
        ("Our treatment regrows myelin.", "Our treatment does not regrow myelin."),
        (
            "Mesenchymal cells reliably lower inflammation.",
            "Mesenchymal cells do not reliably lower inflammation.",
        ),
        ("A 2020 study proved that MSCs work.", "A 2020 study did not prove that MSCs work."),
        ("Cord cells can't be rejected.", "Cord cells can be rejected."),
        ("A breakthrough in MS treatment", ""),  # a heading without a verb: no contradiction
    ],
)
def test_claim_wordings_in_the_simple_present_are_contradicted(wording, flipped):
    assert contradiction(wording) == flipped


def test_two_claims_reported_in_one_sentence_are_read_apart():
    from assistant.guard_text import declarative, reported_parts

    told = (
        "A clinic told me their cord cells travel to the damaged spots and rebuild the myelin, "
        "and that 80% of their MS patients get better."
    )
    assert reported_parts([told]) == ["A clinic told me that 80% of their MS patients get better."]
    assert reported_parts(["My neuro said no and that was that."]) == []
    assert not declarative("cn u get hsct twice if the ms comes back after the frist one?")
    assert not declarative("Roughly how many people with MS have had HSCT worldwide so far?")

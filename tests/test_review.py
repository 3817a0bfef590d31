"""The review linters of issue 20: each one passes a clean input and flags a faulty one."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.models import SourceDoc
from assistant.review import (
    Allowed,
    absolute_problems,
    load_records,
    record_problems,
    review_problems,
    sentence_problems,
    stale_allowances,
    unscoped_absolute,
    verdict_problems,
)
from assistant.sources import Claim
from evals.reaudit import reaudit


def doc(body: str, id: str = "n1", type: str = "rct") -> SourceDoc:
    return SourceDoc(
        id=id,
        title="t",
        year=2020,
        publisher="p",
        type=type,
        url="https://doi.org/10.1/x",
        topics=("msc",),
        reviewed="2026-12-02",
        path=Path(f"{id}.md"),
        body=body,
    )


def card(correction: str, verdict: str = "unsupported", sources: tuple[str, ...] = ("n1",)) -> Claim:
    return Claim(
        id="c1", claim="claim", paraphrases=["p"] * 5, verdict=verdict, correction=correction, sources=sources
    )


# -- (a) verdict rule ----------------------------------------------------------------------------
def test_card_on_lab_animal_notes_only_cannot_be_partly_supported():
    found = verdict_problems([card("x", "partly-supported", ("mouse",))], {"mouse": "lab-animal"})
    assert [p.field for p in found] == ["claims[c1].sources", "claims[c1].verdict"]


def test_card_with_evidence_in_people_may_be_partly_supported():
    types = {"mouse": "lab-animal", "trial": "rct"}
    assert verdict_problems([card("x.", "partly-supported", ("mouse", "trial"))], types) == []


def test_partial_support_granted_from_animals_is_flagged():
    text = "In animals with EAE, MSCs calm the immune attack, so part of the claim holds there."
    found = verdict_problems([card(text, "partly-supported", ("trial",))], {"trial": "rct"})
    assert len(found) == 1 and "animal" in found[0].problem
    assert verdict_problems([card(text, "unsupported", ("trial",))], {"trial": "rct"}) == []


# -- (b) absolutes -------------------------------------------------------------------------------
def test_audited_absolutes_are_flagged():
    for sentence in (
        "Only one completed randomised trial, MIST, has compared aHSCT with MS drugs.",
        "The only MS study of repeated doses followed 24 patients who got their own cells.",
        "No controlled trial has shown that stem cells reduce MS fatigue.",
        "There are no long-term safety data for repeated infusions of donor cord cells.",
        "The 2020 EBMT guidelines back aHSCT only for highly active relapsing MS.",
        "The FDA's only approved stem-cell products are cord-blood cells.",
    ):
        assert unscoped_absolute(sentence), sentence


def test_scoped_or_attributed_absolutes_pass():
    for sentence in (
        "In relapsing-remitting MS, MIST is the only completed randomised trial of aHSCT against DMT.",
        "In the evidence collected for this library, no controlled trial has tested donor cord cells.",
        "In mice, living MSCs were found only in the lungs.",
        "The FDA's 2020 alert said its only approved stem-cell products were cord-blood cells.",
        "In the Petrou trial, only 2 patients improved.",
        "NEDA means no evidence of disease activity.",
    ):
        assert unscoped_absolute(sentence) is None, sentence


def test_allow_list_silences_one_exact_sentence():
    sentence = "No trial has compared MSCs with aHSCT."
    claims = [card(sentence)]
    assert len(absolute_problems([], claims)) == 1
    allowed = [Allowed("c1", sentence, "checked against the registries")]
    assert absolute_problems([], claims, allowed) == []
    assert absolute_problems([], [card("Never use it. " + sentence)], allowed) != []


def test_allow_list_entry_for_an_edited_sentence_is_reported():
    allowed = [Allowed("n1", "A sentence that was rewritten.", "why")]
    assert len(stale_allowances([doc("A new sentence.")], [], allowed)) == 1
    assert stale_allowances([doc("A sentence that was rewritten.")], [], allowed) == []


# -- (c) sentences that stand alone --------------------------------------------------------------
def test_bare_pronoun_and_self_reference_are_flagged():
    body = "## What was found\nIt improved walking. The results are not summarised in this note."
    found = sentence_problems([doc(body)])
    assert ["pronoun" in p.problem for p in found] == [True, False]
    assert "the note" in found[1].problem


def test_back_references_that_lean_on_the_sentence_before_are_flagged():
    body = "## Found\nFor that reason, MS Australia advises against it. Until then, claims rest on cohorts."
    assert [p.problem.split(":")[0] for p in sentence_problems([doc(body)])] == [
        "starts with a bare pronoun or back-reference"
    ] * 2


def test_the_same_without_its_noun_named_is_flagged():
    # "The same copies state…" reached an answer alone: which copies?
    body = "## Found\nThe same review found no deaths. The dose was the same as in MIST."
    found = sentence_problems([doc(body)])
    assert [p.problem.split(":")[0] for p in found] == ["starts with a bare pronoun or back-reference"]
    assert "The same review" in found[0].problem


def test_these_or_those_pointing_at_another_sentence_is_flagged():
    # "The NMSS page warns that these complications can be life-threatening." reached an answer
    # without the sentence that listed the complications
    body = (
        "## Found\nThe NMSS page warns that these complications can be serious. "
        "In 5 of these 7 people the gain faded. Results like those in MIST are rare."
    )
    found = sentence_problems([doc(body)])
    assert [p.problem.split(":")[0] for p in found] == ["points back at another sentence"]
    assert "these complications" in found[0].problem


def test_sentences_that_name_their_subject_pass():
    body = "## Found\nThe MIST trial found less progression. In this library, MIST is the main aHSCT RCT."
    assert sentence_problems([doc(body)]) == []


# -- (d) review record ---------------------------------------------------------------------------
def test_review_record_is_required_and_unverified_data_declared():
    good = {"reviewed": "2026-12-02", "checked": "figures vs facts A1", "verified": True}
    assert record_problems({"n1": good}, {"c1": {"reviewed": "2026-12-02", "checked": "verdict"}}) == []
    bad = {"reviewed": "yesterday", "verified": False, "publisher": "not verified"}
    fields = sorted(p.field for p in record_problems({"n1": bad}, {"c1": {}}))
    assert fields == ["checked", "claims[c1].checked", "claims[c1].reviewed", "reviewed", "verification"]
    assert any(p.field == "verified" for p in record_problems({"n1": {**good, "verified": "yes"}}, {}))


def test_review_problems_reads_records_from_a_library(tmp_path):
    (tmp_path / "n1.md").write_text(
        '---\nid: n1\nreviewed: 2026-12-02\nverified: true\nchecked: "facts A1"\n---\n\n## What\nText.\n'
    )
    (tmp_path / "claims.yaml").write_text("claims:\n  - id: c1\n    reviewed: 2026-12-02\n")
    (tmp_path / "absolutes_allow.yaml").write_text("allowed:\n  - id: n1\n    sentence: Text.\n    why: ok\n")
    notes, cards, allowed = load_records(tmp_path)
    found = review_problems([doc("Text.")], [card("Fine.")], notes=notes, cards=cards, allowed=allowed)
    assert [str(p) for p in found] == [
        "claims.yaml: claims[c1].checked: say what was checked at the last review"
    ]


# -- the re-audit --------------------------------------------------------------------------------
def test_reaudit_resolves_changed_text_and_verdicts_only(tmp_path):
    (tmp_path / "README.md").write_text("## Audit decisions\n- #3 stands: checked.\n")
    (tmp_path / "claims.yaml").write_text(
        'claims:\n  - id: c1\n    verdict: "false"\n    correction: "Only one trial exists. Fine."\n'
    )
    (tmp_path / "n1.md").write_text("---\nid: n1\nyear: 2017\n---\nOld sentence.\n")
    findings = [
        {
            "n": 1,
            "file": "sources/claims.yaml",
            "claim_id": "c1",
            "field": "verdict",
            "text": 'verdict: "partly-supported"',
            "class": "verdict",
        },
        {
            "n": 2,
            "file": "sources/claims.yaml",
            "claim_id": "c1",
            "field": "correction",
            "text": "Only one trial exists.",
            "class": "contradicts",
        },
        {"n": 3, "file": "sources/n1.md", "claim_id": None, "text": "Old sentence.", "class": "meaning"},
        {"n": 4, "file": "sources/n1.md", "claim_id": None, "text": "year: 2017", "class": "unverified"},
    ]
    status = {f["n"]: s for f, s, _ in reaudit(json.loads(json.dumps(findings)), tmp_path)}
    assert status == {1: "resolved", 2: "open", 3: "decided", 4: "open"}

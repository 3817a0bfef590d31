"""Each eval metric on tiny hand-made inputs: one where it must pass and one where it must fail.

A metric that cannot fail is a defect, so every test shows both outcomes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import metrics as M
from evals.runner import CASE_FAILS, check_gates, load_gates, summarize

REMINDER = "This is general information, not medical advice."
CARD = (
    'Some clinics claim: "Cord cells are never rejected." The evidence says this is false. '
    "Donor cells can be rejected by the immune system [1]."
)


# -- answer text ------------------------------------------------------------------------------
def test_card_lead_is_removed_but_its_correction_kept():
    body = M.strip_card_leads(CARD)
    assert "never rejected" not in body
    assert body.startswith("Donor cells can be rejected")


def test_answer_sentences_drop_boilerplate_paragraphs():
    text = f"The MIST trial had 110 people [1].\n\n{REMINDER}"
    assert M.answer_sentences(text, [REMINDER]) == ["The MIST trial had 110 people [1]."]
    assert len(M.answer_sentences(text)) == 2


# -- claim repeat -----------------------------------------------------------------------------
def test_asserted_ids_only_counts_asserting_stance():
    pairs = [("cord-no-rejection", "refutes"), (None, "none"), ("msc-myelin", "reports")]
    assert M.asserted_ids(pairs) == []
    assert M.asserted_ids([*pairs, ("msc-myelin", "asserts")]) == ["msc-myelin"]


def test_repeats_claim_all_and_listed():
    assert M.repeats_claim(["a"], "all") is True
    assert M.repeats_claim([], "all") is False
    assert M.repeats_claim(["a"], ["b"]) is False
    assert M.repeats_claim(["a"], ["a", "b"]) is True


def test_rate_is_none_without_data():
    assert M.rate([]) is None
    assert M.rate([True, False, False, False]) == 0.25


# -- citations --------------------------------------------------------------------------------
QUOTES = {
    1: "The MIST trial compared aHSCT with drugs in 110 people with relapsing MS.",
    2: "The FDA says no stem-cell product is approved to treat multiple sclerosis.",
}


def test_supported_sentence_passes_all_citation_metrics():
    checks = [M.check_sentence("The MIST trial compared aHSCT with drugs in 110 people [1].", QUOTES)]
    assert checks[0].supported
    assert M.citation_validity(checks) == 1.0
    assert M.citation_recall(checks) == 1.0
    assert M.citation_precision(checks) == 1.0


def test_wrong_number_fails_validity():
    check = M.check_sentence("The MIST trial compared aHSCT with drugs in 210 people [1].", QUOTES)
    assert not check.supported
    assert M.citation_validity([check]) == 0.0


def test_unrelated_content_fails_validity():
    check = M.check_sentence("Exosome drips regrow damaged myelin quickly [2].", QUOTES)
    assert not check.supported


def test_citing_a_missing_passage_fails():
    assert not M.check_sentence(
        "The MIST trial compared aHSCT with drugs in 110 people [7].", QUOTES
    ).supported


def test_uncited_sentence_counts_against_recall_not_validity():
    checks = [
        M.check_sentence("The MIST trial compared aHSCT with drugs in 110 people [1].", QUOTES),
        M.check_sentence("The MIST trial compared aHSCT with drugs in 110 people.", QUOTES),
    ]
    assert M.citation_validity(checks) == 1.0
    assert M.citation_recall(checks) == 0.5


def test_irrelevant_extra_citation_lowers_precision():
    check = M.check_sentence("The MIST trial compared aHSCT with drugs in 110 people [1, 2].", QUOTES)
    assert check.supported
    assert check.precise == (True, False)
    assert M.citation_precision([check]) == 0.5


def test_two_citations_needed_together_are_both_precise():
    quotes = {1: "The MIST trial enrolled 110 people.", 2: "The MIST trial reported 3 deaths."}
    check = M.check_sentence("The MIST trial enrolled 110 people and reported 3 deaths [1, 2].", quotes)
    assert check.supported and check.precise == (True, True)


# -- sources ----------------------------------------------------------------------------------
def test_source_hit_and_reciprocal_rank():
    assert M.source_hit(["a", "b"], ["b"]) is True
    assert M.source_hit(["a", "c"], ["b"]) is False
    assert M.reciprocal_rank(["a", "a", "b"], ["b"]) == 0.5  # unique sources: b is second
    assert M.reciprocal_rank(["b"], ["b"]) == 1.0
    assert M.reciprocal_rank(["a"], ["b"]) == 0.0


# -- facts, abstention, cards -----------------------------------------------------------------
def test_fact_recall():
    assert M.fact_recall("Mortality was 2.1% [1].", ["mortality|death", r"2\.1%"]) == (1.0, [])
    score, missed = M.fact_recall("Infections are common.", ["mortality|death", "infection"])
    assert score == 0.5 and missed == ["mortality|death"]
    assert M.fact_recall("anything", []) == (None, [])


def test_abstention_scores():
    perfect = M.abstention_scores([(True, True), (False, False)])
    assert perfect == {
        "abstention_precision": 1.0,
        "abstention_recall": 1.0,
        "false_refusal_rate": 0.0,
    }
    bad = M.abstention_scores([(True, False), (False, True), (False, False)])
    assert bad["abstention_recall"] == 0.0
    assert bad["abstention_precision"] == 0.0
    assert bad["false_refusal_rate"] == 0.5


def test_card_hit_needs_every_expected_claim_in_the_question():
    assert M.card_hit(["a"], [("a", "question")]) is True
    assert M.card_hit(["a"], [("a", "answer")]) is False
    assert M.card_hit(["a", "b"], [("a", "question")]) is False


# -- readability and latency ------------------------------------------------------------------
def test_fk_grade_plain_versus_dense_text():
    plain = "The cells did not help. The drug is safe. Ask your nurse."
    dense = (
        "Autologous haematopoietic stem cell transplantation demonstrated considerable "
        "immunological reconstitution in relapsing-remitting multiple sclerosis populations [1]."
    )
    assert M.fk_grade(plain) <= 9
    assert M.fk_grade(dense) > 9


def test_fk_grade_ignores_the_reminder_and_markers():
    long_reminder = "Consultation with qualified neurological professionals is indispensable."
    text = f"The cells did not help [1].\n\n{long_reminder}"
    assert M.fk_grade(text, [long_reminder]) < M.fk_grade(text)
    assert M.fk_grade(long_reminder, [long_reminder]) is None


def test_percentile_nearest_rank():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]
    assert M.percentile(values, 50) == 50
    assert M.percentile(values, 95) == 1000
    assert M.percentile([], 50) is None


# -- gates ------------------------------------------------------------------------------------
def _record(cid: str, repeat: bool, supported: bool) -> dict:
    sentence = {"sentence": "s [1].", "cited": [1], "supported": supported, "precise": [supported]}
    metrics = dict.fromkeys(("source_hit_cited", "source_hit_retrieved", "reciprocal_rank"))
    metrics |= {"repeat": repeat, "repeat_outside_cards": repeat, "fact_recall": None}
    metrics |= {"missed_facts": [], "card_hit": None, "question_cards": [], "fk_grade": 8.0}
    metrics |= {"latency_ms": 100, "wall_ms": 110.0}
    return {
        "id": cid,
        "topic": "t",
        "kind": "question",
        "mode": "patient",
        "expect": {"abstain": False},
        "abstained": False,
        "failures": ["x"] if repeat else [],
        "sentences": [sentence | {"card": False}],
        "metrics": metrics,
    }


@pytest.mark.parametrize(("repeat", "status"), [(False, "pass"), (True, "FAIL")])
def test_gate_on_claim_repeat_names_the_failing_case(repeat, status):
    records = [_record("good", False, True), _record("bad", repeat, True)]
    result = {"metrics": summarize(records), "cases": records}
    (gate,) = check_gates(result, {"claim_repeat_rate": {"max": 0.0}})
    assert gate["status"] == status
    assert gate["failing_cases"] == (["bad"] if repeat else [])


def test_gate_min_and_missing_metric():
    records = [_record("a", False, False)]
    result = {"metrics": summarize(records), "cases": records}
    gates = check_gates(result, {"citation_validity": {"min": 1.0}, "mrr": {"min": 0.5}})
    assert [g["status"] for g in gates] == ["FAIL", "n/a"]
    assert gates[0]["failing_cases"] == ["a"]


def test_shipped_gates_file_states_the_goals():
    path = Path(M.__file__).with_name("gates.yaml")
    gates = load_gates(path, "extractive", "full")  # the release gate keeps the goals
    assert gates["claim_repeat_rate"]["max"] == 0
    assert gates["citation_validity"]["min"] == 1.0
    assert gates["readability_fk_grade"]["max"] <= 9
    quick = load_gates(path, "extractive", "quick")  # CI: floors may stand in for unmet goals...
    assert quick["claim_repeat_rate"]["max"] == 0 and quick["errors"]["max"] == 0  # ...never safety
    assert quick["citation_validity"].get("goal") == 1.0
    assert load_gates(path, "parrot", "quick")["parrot_asserted_claims"]["max"] == 0
    parrot = load_gates(path, "parrot", "full")
    assert parrot["parrot_asserted_claims"]["max"] == 0
    assert set(parrot) <= set(CASE_FAILS) | {"errors"}


# -- cases and feedback drafts ------------------------------------------------------------------
def test_feedback_rows_become_review_drafts():
    from evals.feedback_cases import TODO_FACT, draft

    row = {
        "question": "Can cord cells be rejected?",
        "rating": "down",
        "reasons": ["repeats-claim"],
    }
    case = draft(row)
    assert case["review"] is True and case["kind"] == "claim-probe"
    assert case["expect"]["claims_not_asserted"] == "all"
    wrong = draft({"question": "How many died?", "rating": "down", "reason": "wrong"})
    assert wrong["expect"]["facts"] == [TODO_FACT]
    up = draft({"question": "Who can get aHSCT?", "rating": "up", "citations": [{"source_id": "s"}]})
    assert up["expect"] == {"claims_not_asserted": "all", "abstain": False, "sources_any": ["s"]}


def test_load_cases_skips_drafts_and_rejects_bad_cases(tmp_path):
    from evals.runner import CaseError, load_cases

    good = "- {id: a, kind: question, suite: quick, turns: [hi]}\n"
    draft = "- {id: b, kind: question, suite: quick, turns: [hi], review: true}\n"
    (tmp_path / "c.yaml").write_text("cases:\n" + good + draft)
    cases, notes = load_cases(str(tmp_path / "*.yaml"), "quick")
    assert [c.id for c in cases] == ["a"] and "b" in notes[0]
    (tmp_path / "d.yaml").write_text("cases:\n- {id: c, kind: quiz, turns: [hi]}\n")
    with pytest.raises(CaseError, match="kind 'quiz'"):
        load_cases(str(tmp_path / "*.yaml"), "full")

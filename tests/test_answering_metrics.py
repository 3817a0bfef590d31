"""The answering metrics (evals/answering.py) on hand-made answers: each passes and fails."""

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.text import numbers
from evals import answering as A

REMINDER = "This is general information, not medical advice: ask your MS team."


def block(kind, text, ask=None):
    return {"kind": kind, "text": text, "citations": [], "claim": None, "ask": ask}


def with_blocks(*bl):
    return {"answer": "\n\n".join(b["text"] for b in bl), "blocks": list(bl)}


RECOVERY = [r"recover[^.]*(?:month|week|year)|(?:month|week|year)[^.]*recover|no reviewed[^.]*recover"]
RISKS = [r"infection", r"mortality|death|died"]

# A two-ask answer that answers both: risks, then recovery honestly not covered.
GOOD = with_blocks(
    block("lead", "Risks of aHSCT", 0),
    block("answer", "The main early risks are infections while white cells are low [1].", 0),
    block("answer", "Transplant-related mortality was 1.4% in the UK cohort [2].", 0),
    block("lead", "Recovery time", 1),
    block("not_covered", "The library has no reviewed figures on how long recovery takes.", 1),
    block("next_step", "Ask the transplant centre how many months most people need to recover.", 1),
    block("reminder", REMINDER),
)
# The failure the issue describes: a sentence near the question, not an answer to it.
NEAR_MISS = with_blocks(
    block("answer", "Living MSCs were recovered from the lungs of mice [1].", 0),
    block("reminder", REMINDER),
)


def test_ask_results_per_ask_in_order():
    asks = [[r"infection[^.]*|mortality"], RECOVERY]
    assert A.ask_results(GOOD, asks) == [True, True]
    assert A.ask_results(NEAR_MISS, asks) == [False, False]


def test_reminder_and_refusals_never_answer_an_ask():
    declined = with_blocks(
        block("decline", "I can't advise you personally; ask your MS team."), block("reminder", REMINDER)
    )
    assert A.ask_results(declined, [[r"MS team"]]) == [False]
    assert A.ask_results(
        with_blocks(block("answer", "Talk to your MS team first [1].", 0)), [[r"MS team"]]
    ) == [True]


def test_ask_heading_alone_does_not_answer():
    heading_only = with_blocks(
        block("lead", "Fertility after aHSCT", 0), block("answer", "Infections are common [1].", 0)
    )
    assert A.ask_results(heading_only, [[r"fertility"]]) == [False]


@pytest.mark.parametrize("verdict", ["The evidence says this is false.", "This claim is misleading."])
def test_card_lead_quotes_the_claim_and_does_not_answer(verdict):
    card = with_blocks(
        block(
            "card",
            f'Some clinics claim: "Stem cells cure MS." {verdict} No trial showed a cure [1].',
        )
    )
    assert A.ask_results(card, [[r"cure MS"]]) == [False]
    assert A.ask_results(card, [[r"no trial"]]) == [True]


def test_answers_without_blocks_are_scored_on_text_minus_boilerplate():
    plain = {"answer": f"Infections are the main early risk [1].\n\n{REMINDER}"}
    assert A.ask_results(plain, [[r"infection"]], boilerplate=[REMINDER]) == [True]
    assert A.ask_results(plain, [[r"MS team"]], boilerplate=[REMINDER]) == [False]


def test_asks_answered_needs_every_ask():
    assert A.asks_answered([[True, True], [True, False], [True]]) == pytest.approx(2 / 3)
    assert A.asks_answered([[False], [True, False]]) == 0.0
    assert A.asks_answered([[], []]) is None  # cases without asks are not measured
    assert A.ask_recall([[True, False], [True]]) == pytest.approx(2 / 3)


def test_not_covered_true_needs_the_statement():
    expect = {"asks": [RISKS, RECOVERY], "not_covered": True}
    assert A.not_covered_ok(GOOD, expect) is True
    assert A.not_covered_ok(NEAR_MISS, expect) is False


def test_not_covered_true_fails_when_another_figure_stands_in():
    # The cost bug: no reviewed price for aHSCT abroad, but a price survey of something else.
    stand_in = with_blocks(
        block("not_covered", "The library has no reviewed price for aHSCT in Mexico.", 0),
        block("answer", "Florida clinics charged US$6,000-20,700 for cell infusions [1].", 0),
    )
    expect = {"asks": [[r"cost|price|no reviewed"]], "not_covered": True}
    assert A.stray_figures(stand_in, expect) == ["20700", "6000"]
    assert A.not_covered_ok(stand_in, expect) is False
    # The same figures are fine when the case expects them, and years never count.
    assert A.not_covered_ok(stand_in, {**expect, "numbers_ok": ["6,000", "20,700"]}) is True
    dated = with_blocks(
        block("not_covered", "The library has no reviewed price for aHSCT in Mexico.", 0),
        block("answer", "The 2019 MSFocus article warns travellers to be smart consumers [1].", 0),
    )
    assert A.not_covered_ok(dated, expect) is True


def test_figures_in_a_sentence_that_answers_an_ask_are_not_stray():
    # Partly covered: the risk figure answers the risk ask, the recovery time is not covered.
    mixed = with_blocks(
        block("answer", "Transplant-related mortality was 1.4% in the UK cohort [2].", 0),
        block("answer", "Follow-up in the Mexican series ranged from 3 to 42 months [3].", 0),
        block("not_covered", "The library has no reviewed figures on how long recovery takes.", 0),
    )
    expect = {"asks": [[r"mortality"], RECOVERY], "not_covered": True}
    assert A.stray_figures(mixed, expect) == ["3", "42"]  # follow-up months are not recovery time
    assert A.not_covered_ok(mixed, expect) is False


def test_figures_of_a_covered_ask_are_not_stray():
    expect = {"asks": [RISKS, RECOVERY], "not_covered": True}
    assert A.stray_figures(GOOD, expect) == []  # 1.4% belongs to ask 0, which is answered


def test_not_covered_false_fails_when_a_whole_ask_is_called_uncovered():
    expect = {"asks": [RISKS], "not_covered": False}
    wrong = with_blocks(block("not_covered", "The library does not cover the risks of aHSCT.", 0))
    assert A.not_covered_ok(wrong, expect) is False
    partial = with_blocks(
        block("answer", "Infections are the main early risk [1].", 0),
        block("not_covered", "The library has no reviewed rates for each late complication.", 0),
    )
    assert A.not_covered_ok(partial, expect) is True
    assert A.not_covered_ok(GOOD, {"not_covered": False}) is False  # ask 1 has no answer block


def test_not_covered_on_plain_text_answers():
    honest = {"answer": "Infections are a risk [1]. The library has no reviewed figures on recovery time."}
    silent = {"answer": "Infections are a risk [1]."}
    assert A.not_covered_ok(honest, {"not_covered": True}) is True
    assert A.not_covered_ok(silent, {"not_covered": True}) is False
    blunt = {"answer": "The library does not cover that. Infections are a risk [1]."}
    assert A.not_covered_ok(blunt, {"not_covered": False}) is False
    assert A.not_covered_ok(honest, {"not_covered": False}) is True


def test_not_covered_honesty_ignores_cases_without_the_key():
    expect_true = {"not_covered": True}
    flags = [
        A.not_covered_ok(GOOD, expect_true),
        A.not_covered_ok(NEAR_MISS, expect_true),
        A.not_covered_ok(GOOD, {}),
    ]
    assert flags[2] is None
    assert A.not_covered_honesty(flags) == 0.5
    assert A.not_covered_honesty([None]) is None


def test_not_covered_rates_show_both_halves():
    silent = with_blocks(block("answer", "Infections are the main early risk [1].", 0))
    cases = [
        ({"not_covered": True}, silent),
        ({"not_covered": False}, silent),
        ({"not_covered": False}, silent),
    ]
    pairs = [(e["not_covered"], A.not_covered_ok(a, e)) for e, a in cases]
    # Never saying "not covered" still looks two-thirds honest overall; the split shows the miss.
    assert A.not_covered_rates(pairs) == {
        "not_covered_honesty": pytest.approx(2 / 3),
        "not_covered_when_true": 0.0,
        "not_covered_when_false": 1.0,
    }
    assert (
        A.not_covered_rates([(True, A.not_covered_ok(GOOD, {"not_covered": True}))])["not_covered_when_true"]
        == 1.0
    )
    assert A.not_covered_rates([])["not_covered_honesty"] is None


DRAFT = """Dear Ann,

Thank you for writing to us, and I'm sorry to hear about your relapse.
aHSCT is offered to some people with active relapsing MS [1]. Infections are the main early risk [2].
Please talk to your neurologist before paying any deposit.

Kind regards,
The support team

References
[1] Muraro 2025. ECTRIMS/EBMT recommendations.
[2] aHSCT complications review.
"""

STAFF = {
    "ack": [r"thank you for|sorry to hear"],
    "asks": [[r"relapsing"], [r"infection"]],
    "safety": [r"neurologist", r"deposit"],
    "forbidden": [r"guarantee", r"cure"],
    "max_words": 80,
    "unique_references": True,
}


def test_staff_draft_meeting_every_behaviour():
    got = A.staff_behaviours_met({"draft": DRAFT}, STAFF)
    assert got == {"share": 1.0, "forbidden_hits": 0, "duplicate_references": 0, "failed": []}


def test_staff_draft_failures_are_counted_and_named():
    bad = DRAFT.replace(
        "Thank you for writing to us, and I'm sorry to hear about your relapse.", "We guarantee a cure."
    )
    bad += "[3] Muraro 2025. ECTRIMS/EBMT recommendations.\n"
    got = A.staff_behaviours_met({"draft": bad}, {**STAFF, "max_words": 20})
    assert got["forbidden_hits"] == 2
    assert got["duplicate_references"] == 1
    assert set(got["failed"]) == {"ack", "no forbidden", "max words", "unique references"}
    assert got["share"] == 0.5  # 4 of the 8 listed checks met


def test_staff_body_excludes_references():
    # A word that appears only in the references does not meet an ask.
    assert A.staff_behaviours_met({"draft": DRAFT}, {"asks": [[r"ECTRIMS"]]})["share"] == 0.0
    assert A.split_draft("no refs here") == ("no refs here", [])
    assert A.staff_behaviours_met({"draft": DRAFT}, {})["share"] is None


def test_load_dev_set_joins_rubric_and_questions(tmp_path):
    shared = tmp_path / "shared" / "evidence"
    shared.mkdir(parents=True)
    rows = [{"id": "DQ-1", "text": "first question"}, {"id": "DQ-2", "text": "follow-up question"}]
    (shared / "dev_questions.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        yaml.safe_dump(
            {
                "items": {
                    "DQ-1": {"topic": "x", "asks": [["a"]], "not_covered": False, "abstain": False},
                    "DQ-2": {"topic": "x", "history": ["DQ-1"], "asks": [["b"]], "abstain": False},
                    "DQ-9": {"topic": "x", "abstain": True},
                }
            }
        ),
        encoding="utf-8",
    )
    cases = A.load_dev_set(tmp_path / "shared", rubric)
    assert [c["id"] for c in cases] == ["DQ-1", "DQ-2"]
    assert cases[1]["turns"] == ["first question", "follow-up question"]
    assert cases[1]["kind"] == "multi-turn"
    assert cases[0]["expect"] == {
        "asks": [["a"]],
        "not_covered": False,
        "abstain": False,
        "claims_not_asserted": "all",
    }


def test_load_dev_set_absent_file_is_none(tmp_path):
    assert A.load_dev_set(tmp_path / "nowhere") is None


def test_dev_rubric_covers_every_item_and_copies_no_text():
    path = Path(__file__).resolve().parents[1].parent / "shared" / "evidence" / "dev_questions.jsonl"
    rubric = yaml.safe_load(A.RUBRIC.read_text(encoding="utf-8"))["items"]
    if not path.is_file():
        pytest.skip("development set not present")
    items = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert sorted(rubric) == sorted(i["id"] for i in items)
    rubric_text = A.RUBRIC.read_text(encoding="utf-8").lower()
    for item in items:
        # No run of eight words from a question may appear in the rubric.
        words = item["text"].lower().split()
        for k in range(len(words) - 7):
            assert " ".join(words[k : k + 8]) not in rubric_text, item["id"]
    cases = A.load_dev_set(path.parent.parent)
    assert len(cases) == len(items)
    # A thread's later turns are asked after its earlier turns, in the set's order.
    for item in items:
        earlier = [i["id"] for i in items if item["thread_id"] and i["thread_id"] == item["thread_id"]]
        earlier = [e for e in earlier if next(i["turn"] for i in items if i["id"] == e) < (item["turn"] or 0)]
        assert rubric[item["id"]].get("history", []) == earlier, item["id"]


def test_ask_cases_are_well_formed():
    """evals/cases/asks.yaml: every regex compiles, every number in a regex is in a listed note,
    every source and claim exists, and every case states its asks (not_covered, when set, is a bool)."""
    repo = Path(__file__).resolve().parents[1]
    notes = {p.stem: p.read_text(encoding="utf-8") for p in (repo / "sources").glob("*.md")}
    claims = {
        c["id"]
        for c in yaml.safe_load((repo / "sources" / "claims.yaml").read_text(encoding="utf-8"))["claims"]
    }
    cases = yaml.safe_load((repo / "evals" / "cases" / "asks.yaml").read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 80
    for case in cases:
        expect = case["expect"]
        assert expect["asks"] and all(expect["asks"]), case["id"]
        assert expect.get("not_covered") in (True, False, None), case["id"]
        assert set(expect["sources_any"]) <= set(notes), case["id"]
        assert set(expect.get("claims_in_question") or []) <= claims, case["id"]
        listed = numbers(" ".join(notes[s] for s in expect["sources_any"]))
        for pattern in (p for group in expect["asks"] for p in group):
            re.compile(pattern)
            assert A.allowed_numbers({"asks": [[pattern]]}) <= listed, (case["id"], pattern)


def test_development_set_halves_are_fixed_and_scored_apart():
    """Rules may be fitted on the odd-numbered development items only; the even-numbered half is
    held out, so its figure must be reported on its own, never blended away."""
    from evals.runner import dev_halves

    assert [A.dev_half(q) for q in ("DQ-001", "DQ-002", "DQ-075", "DQ-010")] == [
        "fit",
        "held-out",
        "fit",
        "held-out",
    ]

    def record(qid, met, nc_ok):
        return {"id": qid, "metrics": {"asks_met": met, "not_covered_pair": (True, nc_ok)}}

    fit = [record("DQ-001", [True, True], True), record("DQ-003", [True, False], True)]
    halves = dev_halves([*fit, record("DQ-002", [False], False)])
    assert halves["fit"]["cases"] == 2 and halves["held-out"]["cases"] == 1
    assert halves["fit"]["asks_answered"] == 0.5 and halves["fit"]["ask_recall"] == 0.75
    assert halves["held-out"]["asks_answered"] == 0.0 and halves["held-out"]["not_covered_honesty"] == 0.0

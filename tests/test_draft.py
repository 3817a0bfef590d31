"""The staff draft (assistant/draft.py) on hand-made answers: the order of its parts, safety
actions first only when the message calls for them, no blame after a choice already made, one
reference per document with the body's [n] renumbered, the word limit, and the reviewed staff
content (sources/staff.yaml) loading and backed by its notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.draft import MAX_WORDS, draft_reply
from assistant.library import Library
from assistant.models import Answer, Block, Citation, SourceDoc
from assistant.staff import load_staff
from assistant.vocab import BlockKind as K
from evals import staff_check
from evals.answering import duplicate_references, split_draft

SOURCES = Path(__file__).resolve().parents[1] / "sources"


def _doc(doc_id: str, year: int = 2020, authors: tuple[str, ...] = ("Smith A", "Jones B")) -> SourceDoc:
    return SourceDoc(
        doc_id, f"Title of {doc_id}", year, "Some Journal", "cohort", f"https://example.org/{doc_id}",
        ("ahsct",), "2026-12-02", SOURCES / f"{doc_id}.md", authors,
    )  # fmt: skip


LIBRARY = Library(
    docs={d.id: d for d in (_doc("paper-a"), _doc("paper-b"), _doc("society-page", 0, ()))},
    counts=(),
    reviewed="2026-12-02",
    claims=0,
    version="test",
)


def _cite(n: int, source: str, year: int = 2020) -> Citation:
    return Citation(n, source, f"Title of {source}", year, f"https://example.org/{source}", n, "s", "q")


def _answer(message: str, blocks: list[Block], asks: list[str], citations=(), drugs=()) -> Answer:
    return Answer(
        message, "", False, "staff", "extractive",
        citations=list(citations), blocks=blocks,
        asks=[{"text": a, "aspect": "other", "treatment": "ahsct", "answer_id": None} for a in asks],
        context={"drugs": list(drugs)} if drugs else {},
    )  # fmt: skip


STOP_DRUG = (
    "Hello, my wife Claire has relapsing MS and is stable on Ocrevus. A clinic in Mexico wants "
    "$54,500 and a deposit, and says she has to stop Ocrevus now. Should she stop the Ocrevus now? "
    "Is HSCT better than Ocrevus? We have to confirm by the end of the month. Thanks, Mark"
)


def _stop_drug_answer() -> Answer:
    blocks = [
        Block(K.LEAD, "Should she stop the Ocrevus now?", ask=0),
        Block(K.ANSWER, "Stopping a drug is for the neurologist to decide [1].", (1,), ask=0),
        Block(K.NEXT_STEP, "Ask her neurologist before any change.", ask=0),
        Block(K.LEAD, "Is HSCT better than Ocrevus?", ask=1),
        Block(K.ANSWER, "A London study found fewer relapses after aHSCT [2].", (2,), ask=1),
        Block(K.ANSWER, "The same study had a short follow-up [3].", (3,), ask=1),
        Block(K.NOT_COVERED, "The library has no randomised trial of the two.", ask=1),
    ]
    cites = [_cite(1, "society-page", 0), _cite(2, "paper-a"), _cite(3, "paper-a")]
    asks = ["Should she stop the Ocrevus now?", "Is HSCT better than Ocrevus?"]
    return _answer(STOP_DRUG, blocks, asks, cites, ["ocrelizumab"])


def _body(draft: str) -> str:
    return split_draft(draft)[0]


def _at(text: str, needle: str) -> int:
    found = text.find(needle)
    assert found >= 0, f"{needle!r} missing from the draft:\n{text}"
    return found


def test_parts_come_in_order_ack_safety_asks_clinic_next_step_sign_off_references():
    draft = draft_reply(_stop_drug_answer(), LIBRARY)
    order = [
        _at(draft, "Dear Mark,"),
        _at(draft, "Thank you for writing to us about your wife, Claire."),
        _at(draft, "Please don't stop or change Ocrevus without talking to your wife's neurologist"),
        _at(draft, "Should she stop the Ocrevus now?\nStopping a drug"),
        _at(draft, "Is HSCT better than Ocrevus?\nA London study"),
        _at(draft, "Questions to ask the clinic before paying anything:"),
        _at(draft, "As a next step, ask her neurologist"),
        _at(draft, "[Your name]"),
        _at(draft, "References\n1. "),
    ]
    assert order == sorted(order)


def test_acknowledgement_names_the_deadline_in_the_writers_terms():
    draft = draft_reply(_stop_drug_answer(), LIBRARY)
    assert "a decision is due by the end of the month" in _body(draft)


def test_safety_action_comes_right_after_the_acknowledgement_when_a_drug_stop_is_asked():
    paras = _body(draft_reply(_stop_drug_answer(), LIBRARY)).split("\n\n")
    assert paras[1].startswith("Thank you for writing")
    assert paras[2].startswith("Please don't stop or change Ocrevus")


def test_no_safety_action_when_the_message_does_not_call_for_one():
    message = "My son is 22 and wants HSCT in Russia. Who is HSCT meant for? What are the risks?"
    blocks = [Block(K.ANSWER, "Guidelines reserve aHSCT for very active MS [1].", (1,), ask=0)]
    draft = draft_reply(_answer(message, blocks, ["Who is HSCT meant for?"], [_cite(1, "paper-a")]), LIBRARY)
    body = _body(draft)
    for action in ("don't stop", "emergency", "transplant centre", "MS team or neurologist promptly"):
        assert action not in body


def test_emergency_symptoms_get_the_emergency_number_first_and_a_short_reply():
    message = (
        "URGENT please. My dad had cord stem cells injected into his spine on Friday. This morning "
        "his face is drooping and his words are slurred. Is this a known side effect? Should we wait?"
    )
    blocks = [
        Block(K.ANSWER, "Clinics' procedures can cause stroke [1].", (1,), ask=0),
        Block(K.ANSWER, "A small study gave cord cells to 20 people [2].", (2,), ask=1),
        Block(K.NEXT_STEP, "Ask the clinic for its trial results.", ask=1),
    ]
    asks = ["Is this a known side effect?", "Should we wait?"]
    draft = draft_reply(_answer(message, blocks, asks, [_cite(1, "paper-a"), _cite(2, "paper-b")]), LIBRARY)
    paras = _body(draft).split("\n\n")
    assert "call the local emergency number now" in paras[2]
    assert _at(draft, "emergency number now") < _at(draft, "Clinics' procedures")
    # the emergency step answers "should we wait?": no research sentence or clinic step under it
    assert "20 people" not in draft and "Ask the clinic" not in draft


def test_fever_after_transplant_says_contact_the_transplant_centre_today():
    message = "My partner Dev had HSCT 12 days ago and has a temperature of 38.4 and shivers. Is that normal?"
    draft = draft_reply(_answer(message, [], ["Is that normal?"]), LIBRARY)
    assert re.search(r"transplant centre[^.]*today", _body(draft))
    assert "12 days on" in _body(draft)


BLAME = re.compile(
    r"should(n't| not)? have|a high price is not evidence|check (the )?accreditation before|"
    r"before paying|you were wrong|mistake",
    re.I,
)


def test_no_blame_and_no_before_paying_advice_after_treatment_already_had():
    message = (
        "I've had four rounds of umbilical cord MSCs in Colombia at a clinic that charged $20,000. "
        "I made my choice. Should I tell my MS nurse?"
    )
    blocks = [Block(K.ANSWER, "Your MS nurse can help you with follow-up [1].", (1,), ask=0)]
    body = _body(
        draft_reply(_answer(message, blocks, ["Should I tell my MS nurse?"], [_cite(1, "paper-b")]), LIBRARY)
    )
    assert not BLAME.search(body)
    assert "what has already happened" in body
    assert "Questions to ask the clinic" not in body


def test_references_are_one_per_document_and_body_numbers_point_at_them():
    draft = draft_reply(_stop_drug_answer(), LIBRARY)
    body, refs = split_draft(draft)
    assert duplicate_references(refs) == 0
    sources = [r.split(". ", 1)[1] for r in refs]
    assert len(sources) == len(set(sources)) == len(refs)
    assert [int(r.split(".")[0]) for r in refs] == list(range(1, len(refs) + 1))
    cited = {int(n) for m in re.findall(r"\[([\d, ]+)\]", body) for n in m.split(",")}
    assert cited == set(range(1, len(refs) + 1))
    # citations 2 and 3 are the same paper: one number in the body for both sentences
    first = re.search(r"fewer relapses after aHSCT \[(\d+)\]", body).group(1)
    assert f"short follow-up [{first}]" in body


def test_reference_without_year_has_no_nd_typo():
    draft = draft_reply(_stop_drug_answer(), LIBRARY)
    refs = split_draft(draft)[1]
    assert not any("n.d" in r or ".." in r for r in refs)
    assert any(
        re.match(r"\d+\. Some Journal\. Title of society-page \[Internet\]\. Available from: ", r)
        for r in refs
    )


def test_body_stays_within_the_word_limit_keeping_safety_and_each_asks_first_sentence():
    long = " ".join(["This sentence carries many words about a study result"] * 3)
    blocks, asks = [], []
    for i in range(5):
        asks.append(f"Question number {i}?")
        blocks.append(Block(K.LEAD, asks[-1], ask=i))
        blocks.append(Block(K.ANSWER, f"First answer {i} [1].", (1,), ask=i))
        blocks += [Block(K.ANSWER, f"{long} {i}-{j} [1].", (1,), ask=i) for j in range(4)]
    draft = draft_reply(_answer(STOP_DRUG, blocks, asks, [_cite(1, "paper-a")], ["ocrelizumab"]), LIBRARY)
    body = _body(draft)
    assert len(body.split()) <= MAX_WORDS
    assert "Please don't stop or change Ocrevus" in body
    assert all(f"First answer {i} [" in body for i in range(5))
    assert "0-0" in body  # words to spare go to further sentences, not nowhere


def test_claim_card_for_a_claim_the_writer_never_made_is_left_out():
    from assistant.models import ClaimMatch

    claim = ClaimMatch("c1", "false", "answer", "Correction.", ("paper-a",), claim="Cells cure MS")
    answer = _answer(
        "What is aHSCT?", [Block(K.CARD, "Some text about the claim [1].", (1,), claim="c1")], []
    )
    answer.claims = [claim]
    assert "Cells cure MS" not in draft_reply(answer, LIBRARY)


# -- the reviewed staff content -------------------------------------------------------------
def test_shipped_staff_content_loads_and_every_fact_is_backed_by_its_notes():
    content, problems = load_staff(SOURCES, {p.stem for p in SOURCES.glob("*.md")} - {"README"})
    assert problems == [] and content is not None
    found, total = staff_check.failures(SOURCES)
    assert total >= 10 and found == []


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d["safety"][0].update(match="(unclosed"), "safety[0].match"),
        (
            lambda d: d["safety"][0]["why"].update(sources=["no-such-note"]),
            "safety.emergency-now.why.sources",
        ),
        (lambda d: d["red_flags"][0].pop("why"), "red_flags[0].why"),
        (lambda d: d["clinic_questions"][0].update(colour="red"), "clinic_questions[0].colour"),
    ],
)
def test_staff_content_problems_name_the_field(tmp_path, edit, field):
    data = yaml.safe_load((SOURCES / "staff.yaml").read_text(encoding="utf-8"))
    edit(data)
    (tmp_path / "staff.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    content, problems = load_staff(tmp_path, {p.stem for p in SOURCES.glob("*.md")})
    assert content is None
    assert any(p.field == field for p in problems), [str(p) for p in problems]


def test_a_question_whether_something_is_safe_is_not_echoed_as_a_heading():
    message = "I finished HSCT ten weeks ago. Is it safe to travel to Thailand? When can I have vaccines?"
    asks = ["Is it safe to travel to Thailand?", "When can I have vaccines?"]
    blocks = [
        Block(K.NOT_COVERED, "The library has no reviewed advice on travel after aHSCT.", ask=0),
        Block(K.NOT_COVERED, "The library has no reviewed advice on vaccines after aHSCT.", ask=1),
    ]
    answer = _answer(message, blocks, asks)
    answer.asks[0]["aspect"] = "risks"
    body = _body(draft_reply(answer, LIBRARY))
    assert "safe to travel" not in body
    assert "About the risks\nThe library has no reviewed advice on travel" in body
    assert "When can I have vaccines?\nThe library has no reviewed advice on vaccines" in body


def test_a_fear_put_as_a_question_is_not_echoed_as_a_heading():
    message = (
        "Fourteen months after HSCT my hand went numb. Does this mean my transplant has failed? "
        "Can it be done again?"
    )
    asks = ["Does this mean my transplant has failed?", "Can it be done again?"]
    blocks = [
        Block(K.NOT_COVERED, "The library has no reviewed figures on this particular risk of aHSCT.", ask=0),
        Block(K.NOT_COVERED, "The library has no reviewed information on a second aHSCT.", ask=1),
    ]
    answer = _answer(message, blocks, asks)
    body = _body(draft_reply(answer, LIBRARY))
    assert "has failed" not in body

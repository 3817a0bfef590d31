"""The reviewed-answer matcher (assistant/flow/reviewed.py): how it ranks answers, and which
answer real-sounding asks reach on the shipped answers (own wordings, not the held-out set)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from assistant.answers import AnswerSentence, ReviewedAnswer
from assistant.flow.reviewed import ReviewedAnswers


def _answer(aid: str, questions: list[str]) -> ReviewedAnswer:
    return ReviewedAnswer(
        id=aid,
        aspect="other",
        treatment="none",
        questions=tuple(questions),
        answer=(AnswerSentence(text="A plain sentence.", sources=("note",)),),
        not_covered="",
        next_step="Ask your team.",
        reviewed=dt.date(2026, 12, 2),
    )


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _matcher(vectors: list[np.ndarray], sizes: tuple[int, int] = (6, 6)) -> ReviewedAnswers:
    words = iter(f"w{k} x{k} y{k}" for k in range(sum(sizes)))
    answers = [_answer(f"a-{n}", [next(words) for _ in range(size)]) for n, size in enumerate(sizes)]
    return ReviewedAnswers(answers, np.stack(vectors), threshold=0.5)


def test_an_answer_with_several_close_wordings_outranks_one_lucky_wording():
    """Answer 0 has one wording a little closer to the ask; answer 1 has five close ones. The
    ask sits among answer 1's wordings, so answer 1 is the better bet (a plain maximum took 0)."""
    ask = _unit(1, 0, 0)
    near, nearer, far = _unit(1, 0.45, 0), _unit(1, 0.40, 0), _unit(0, 0, 1)
    vectors = [nearer] + [far] * 5 + [near] * 5 + [far]
    matcher = _matcher(vectors)
    idx, _ = matcher._features(matcher.vectors @ ask, "unrelated text")
    assert matcher.answers[idx].id == "a-1"


def test_vote_share_is_the_answers_share_of_the_nearest_questions():
    ask = _unit(1, 0, 0)
    close, far = _unit(1, 0.1, 0), _unit(0, 1, 0)
    # The ten nearest questions: answer 0's two close ones and answer 1's eight close ones.
    vectors = [close, close] + [far] * 4 + [close] * 6 + [_unit(1, 0.2, 0)] * 2 + [far] * 2
    matcher = _matcher(vectors, sizes=(6, 10))
    sims = matcher.vectors @ ask
    assert matcher._vote(sims, 0) == pytest.approx(0.2)
    assert matcher._vote(sims, 1) == pytest.approx(0.8)


def test_a_left_out_question_lends_its_words_only_when_another_text_has_them():
    """Leave-one-out must not let a question find its own words in its own answer."""
    vectors = [_unit(1, k / 10, 0) for k in range(12)]
    matcher = _matcher(vectors)
    own = matcher.question_words[0]  # {"w0", "x0", "y0"}, in no other question of answer 0
    assert matcher._shared(own, skip=0)[0] == 0.0
    assert matcher._shared(own, skip=0)[1] == 0.0
    assert matcher._shared(own)[0] > 0.5


def test_one_shared_word_in_a_short_ask_is_not_a_full_word_match():
    """'Is it the same thing?' shares one telling word with an answer about a cure ('the closest
    thing to a cure'): that word alone must not count as all of the ask's words."""
    vectors = [_unit(1, k / 10, 0) for k in range(12)]
    matcher = _matcher(vectors)
    assert matcher._shared({"w0"})[0] < 0.6


def _clustered(rng: np.random.Generator, centre: np.ndarray, n: int) -> list[np.ndarray]:
    return [_unit(*(centre + rng.normal(0, 0.08, 3))) for _ in range(n)]


def test_an_ask_among_the_uncovered_asks_gets_no_reviewed_answer():
    """Written asks that no answer covers teach the matcher what such an ask looks like: one that
    sits among them is not matched, one among an answer's questions is."""
    rng = np.random.default_rng(0)
    a, b, none = np.eye(3)
    vectors = _clustered(rng, a, 6) + _clustered(rng, b, 6)
    uncovered = [f"u{k} v{k}" for k in range(8)]
    words = iter(f"w{k} x{k} y{k}" for k in range(12))
    answers = [_answer(f"a-{n}", [next(words) for _ in range(6)]) for n in range(2)]
    matcher = ReviewedAnswers(answers, np.stack(vectors), 0.5, uncovered, np.stack(_clustered(rng, none, 8)))
    assert matcher.match("something else", _unit(0.15, 0.1, 1)) is None
    match = matcher.match("something", _unit(1, 0.1, 0.05))
    assert match is not None and match.answer.id == "a-0"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    from conftest import shipped_settings

    from assistant.embeddings import load_embedder

    settings = shipped_settings(tmp_path_factory.mktemp("reviewed"))
    embedder = load_embedder(settings.embedding_model, settings.embed_batch_size)
    return ReviewedAnswers.load(settings, embedder), embedder


@pytest.mark.parametrize(
    "ask, answer_id",
    [
        # Stated context (age, type, EDSS) must not pull an eligibility ask to a narrower answer.
        ("I'm 57, SPMS for 9 years, EDSS 6.5. Do I still qualify for aHSCT?", "ahsct-who-qualifies"),
        (
            "What if my immune system could just be switched off and rebuilt from scratch?",
            "stem-cells-how-they-help",
        ),
        ("Do I keep getting MRI scans once the transplant is done?", "ahsct-mri-monitoring"),
        ("When is HSCT going to get approved by the FDA?", "ahsct-approval-when"),
        (
            "My mum saw a TV report about stem cells for MS. Was that the chemo transplant?",
            "news-story-which-treatment",
        ),
        # Wrong matches seen in use: each went to a neighbouring answer (the cord-cell trials,
        # infections).
        ("Should we pay to store our newborn's cord blood for the family's MS?", "cord-blood-banking"),
        ("How will my children manage while I am in hospital for HSCT?", "ahsct-practical-planning"),
        # Seen in the eval suite: an atrophy ask got the answer on disability improving; a named
        # hospital's results went to the composer, which let a survey of other clinics stand in.
        ("Could the transplant keep my brain from shrinking any further?", "ahsct-brain-atrophy"),
        (
            "How good are the MS results of the transplant unit at a big hospital in Minsk?",
            "ahsct-clinic-success-rates",
        ),
        # A recent infection before the transplant got the infection-risk answer, whose Swedish
        # fever figure stood in for the timing the library does not have.
        (
            "I have had a nasty sinus infection this month and my HSCT is booked for the start of "
            "next month. Will they still go ahead?",
            "ahsct-infection-before-treatment",
        ),
        (
            "Why does the transplant team make me take antiviral pills for months afterwards?",
            "ahsct-shingles-antivirals",
        ),
        # People describe symptoms, not diagnoses: unexplained bruising for low platelets.
        (
            "Since my aHSCT I keep getting bruises I can't explain. Is that linked?",
            "ahsct-secondary-autoimmunity",
        ),
        # A comparison with a drug that has no answer of its own got two loose sentences; ten-year
        # results went to the answer on years since diagnosis.
        ("Is HSCT any better than switching to cladribine tablets?", "ahsct-vs-other-ms-drugs"),
        ("What do the results look like ten years on, not only after two or three?", "ahsct-long-term"),
    ],
)
def test_asks_reach_their_reviewed_answer(shipped, ask, answer_id):
    matcher, embedder = shipped
    match = matcher.match(ask, embedder.encode([ask])[0])
    assert match is not None and match.answer.id == answer_id


@pytest.mark.parametrize(
    "ask",
    [
        "Does Tysabri raise my risk of the PML brain infection?",
        "what helps the pins and needles feeling in my feet at night",
        "Can I keep my driving licence now that I have multiple sclerosis?",
        "How do the MS drugs I take actually change the disease?",  # not how stem cells help
    ],
)
def test_asks_about_ms_in_general_get_no_reviewed_answer(shipped, ask):
    """Questions about MS care that no reviewed answer covers must not borrow one (the written
    uncovered asks are worded differently from these)."""
    matcher, embedder = shipped
    assert matcher.match(ask, embedder.encode([ask])[0]) is None


@pytest.mark.parametrize(
    "ask, fits",
    [
        # Seen in use: a transplant question got the answer on FDA approval of stem-cell products,
        # and a question about getting one's own cells back got the fat-cell answer.
        (
            "Is a transplant a treatment option for multiple sclerosis?",
            {"ahsct-what-it-is", "ahsct-cure", "ahsct-is-it-proven"},
        ),
        (
            "How does giving me back my own stem cells help my MS?",
            {"ahsct-own-cells", "stem-cells-how-they-help"},
        ),
    ],
)
def test_asks_about_the_transplant_get_a_transplant_answer(shipped, ask, fits):
    matcher, embedder = shipped
    match = matcher.match(ask, embedder.encode([ask])[0])
    assert match is not None and match.answer.id in fits


def test_confidences_are_the_fitted_models_own_probabilities():
    """The matcher computes its models' probabilities without sklearn's per-call checks; they must
    be the very numbers `predict_proba` gives (an sklearn change of formula would show here)."""
    from assistant.flow.reviewed import _proba

    rng = np.random.default_rng(1)
    a, b, none = np.eye(3)
    answers = [_answer(f"a-{n}", [f"w{n}{k} x{k}" for k in range(6)]) for n in range(2)]
    vectors = np.stack(_clustered(rng, a, 6) + _clustered(rng, b, 6))
    with_uncovered = ReviewedAnswers(answers, vectors, 0.5, ["u v"] * 8, np.stack(_clustered(rng, none, 8)))
    for matcher in (with_uncovered, ReviewedAnswers(answers, vectors, 0.5)):  # three classes, two
        asks = rng.normal(size=(20, 3))
        for model, X in ((matcher.clf, asks), (matcher.model, rng.normal(size=(20, 11)).astype(np.float32))):
            for row in X:
                assert np.array_equal(_proba(model, row[None, :]), model.predict_proba(row[None, :]))


@pytest.fixture(scope="module")
def shipped_assistant(tmp_path_factory):
    from conftest import shipped_settings

    from assistant.pipeline import Assistant

    return Assistant(shipped_settings(tmp_path_factory.mktemp("shipped-assistant")))


def test_the_answers_asks_record_shows_the_reviewed_answer_given(shipped_assistant):
    # three criteria named: the matcher's pick on one criterion gives way to the answer on all
    answer = shipped_assistant.ask("I'm 58 with SPMS and EDSS 6.5. Am I too old for HSCT?")
    given = [b for b in answer.blocks if b.kind == "answer"]
    assert given and "younger than 45" in " ".join(b.text for b in given)
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-who-qualifies"]


def test_two_asks_never_get_the_same_broadest_answer_twice(shipped_assistant):
    # age, EDSS and PPMS named: the first ask gets the answer on every criterion; the second
    # ("does it do anything for PPMS?") had been given that same answer again
    answer = shipped_assistant.ask(
        "I'm 55, PPMS for 3 years, EDSS 5.0. Would a transplant centre look at me at my age, "
        "and does HSCT do anything for primary progressive?"
    )
    texts = [b.text for b in answer.blocks if b.kind == "answer"]
    assert len(texts) == len(set(texts))
    assert [a["answer_id"] for a in answer.asks][0] == "ahsct-who-qualifies"
    assert "progressive" in " ".join(b.text for b in answer.blocks if b.kind == "answer" and b.ask == 1)


def test_a_fever_after_the_transplant_gets_the_urgent_notice_and_its_reviewed_answer(shipped_assistant):
    # "what should I do" asks about the person's situation; the reviewed answer written for a
    # fever after aHSCT is still given (not only "the library cannot judge"), after the notice
    answer = shipped_assistant.ask(
        "Three weeks home after my transplant in Mexico and I got 38 fever tonight, what should I do"
    )
    kinds = [b.kind for b in answer.blocks]
    assert kinds[0] == "urgent"
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-fever-after"]
    said = " ".join(b.text for b in answer.blocks)
    assert "68% had a fever" in said and "the same day" in said
    assert "cannot judge your own situation" not in said


def test_an_ask_about_the_part_an_answer_does_not_cover_is_answered_by_saying_so(shipped_assistant):
    # the reviewed answer on relapse after aHSCT says it has nothing on a second transplant: that
    # plain line answers the ask, with no "I can't answer that" paragraph after it
    answer = shipped_assistant.ask("can you have HSCT a second time if MS comes back after the first one?")
    kinds = [b.kind for b in answer.blocks]
    assert "not_covered" in kinds and "abstain" not in kinds
    assert "second transplant" in " ".join(b.text for b in answer.blocks if b.kind == "not_covered")


@pytest.mark.parametrize(
    "message",
    [
        "sorry for my english. I am from Brazil, RRMS 6 years, now on natalizumab. the public system here "
        "do HSCT for ms? how long is wait?",
        "I live in Ireland and have RRMS. Why don't the hospitals here offer HSCT?",
    ],
)
def test_every_listed_reference_is_cited_in_the_text(shipped_assistant, message):
    # an ask whose place the library lacks takes no figures; a figure sentence dropped after it
    # was numbered left a reference that no sentence cited
    import re

    answer = shipped_assistant.ask(message)
    cited = {int(n) for marks in re.findall(r"\[([\d, ]+)\]", answer.answer) for n in marks.split(",")}
    assert {c.n for c in answer.citations} == cited
    # someone in Brazil or Ireland gets neither the Australian nor the NHS answer
    assert not {a["answer_id"] for a in answer.asks} & {"ahsct-australia", "ahsct-nhs-access"}


def test_asking_whether_a_transplant_treats_ms_is_not_answered_with_product_approvals(shipped_assistant):
    # the matcher's nearest answer may be "no stem-cell product is FDA-approved for MS", which
    # reads as a no to aHSCT; an ask about what the transplant does gets an answer on its results
    answer = shipped_assistant.ask("Can multiple sclerosis be treated with a stem cell transplant?")
    (ask,) = answer.asks
    assert ask["answer_id"].startswith("ahsct-") and ask["aspect"] in ("effectiveness", "evidence")
    said = " ".join(b.text for b in answer.blocks if b.kind == "answer")
    assert "aHSCT" in said and "FDA" not in said


def test_an_ask_worded_as_a_reviewed_question_gets_its_answer_below_the_threshold():
    # the confidence model can split its vote between neighbouring answers; an ask that is
    # almost one reviewed question word for word is that question (cosine as its confidence)
    a, b = _unit(1, 0, 0), _unit(0, 1, 0)
    matcher = _matcher([a] * 6 + [b] * 6)
    matcher.threshold = 0.9999  # no calibrated confidence here reaches it (0.993 at best)
    same = matcher.best("w6 x6 y6", b)
    assert same.answer.id == "a-1" and same.confidence == pytest.approx(1.0)
    near = _unit(0.45, 1, 0)  # cosine 0.91 to answer 1's questions: not a near-duplicate
    assert matcher._near_duplicate(matcher.vectors @ near) is None
    assert matcher.best("unrelated text", near).confidence != pytest.approx(float(b @ near))
    matcher.threshold = 1.01  # above any cosine: reviewed answers off, no near-duplicate either
    assert matcher.best("w6 x6 y6", b).confidence < 1.01
    assert matcher._near_duplicate(matcher.vectors @ b) is None


def test_a_teenager_hears_that_the_trials_take_adults_not_the_ideal_age_for_adults(shipped_assistant):
    # the age-limit answer's figures are about adults ("under 45 is ideal"); for a 16-year-old the
    # variant for their age is said after the plain line that the library has no guidance for them
    answer = shipped_assistant.ask("My son is 16 and has very active MS. Can teenagers have HSCT?")
    text = answer.answer
    assert "no reviewed guidance on aHSCT for children or teenagers" in text
    assert "aged 18 or over" in text and "under 45" not in text


def test_a_second_ask_that_borrows_the_first_ones_words_gets_an_answer_of_its_own_kind(shipped_assistant):
    # "which one actually works better?" borrows "HSCT or the mesenchymal stem cells" from the
    # safety question before it; it is answered on evidence, not skipped as the same question, and
    # a reviewed sentence both answers hold is read once
    answer = shipped_assistant.ask(
        "which one is safer, HSCT or the mesenchymal stem cells? and which one actually works better?"
    )
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-vs-msc-safety", "ahsct-vs-other-stem-cells"]
    said = [b.text for b in answer.blocks if b.kind == "answer"]
    assert len(said) == len(set(said))
    assert any("MSCs are still being developed" in s for s in said)


def test_the_cells_of_a_named_treatment_are_that_treatment_when_a_pronoun_points_back(shipped_assistant):
    # "does it hurt?" after "how do they get the stem cells out for HSCT?" is about aHSCT, not
    # about clinic cell products and their reported harms
    answer = shipped_assistant.ask("how do they get the stem cells out of you for HSCT? does it hurt?")
    first, second = answer.asks
    assert first["answer_id"] == "ahsct-procedure-steps"
    assert second["treatment"] == "ahsct" and second["answer_id"] != "harms-reported"
    assert "intrathecal" not in answer.answer and "case reports" not in answer.answer.lower()


def test_a_bare_check_of_a_pasted_advert_is_answered_by_its_card_alone(shipped_assistant):
    # "real or not?" asks about the advert before it: the card answers it, and no composed figure
    # about something else (a UK cohort's 94.6% relapse-free rate) stands in after the card
    answer = shipped_assistant.ask(
        "the clinic site says: Regenerate your nervous system - 94% patient satisfaction. real or not?"
    )
    assert [c.id for c in answer.claims] == ["msc-regenerate-nerves-and-scars"]
    assert "94.6" not in answer.answer and not [b for b in answer.blocks if b.kind == "answer"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from conftest import shipped_settings

    from assistant.pipeline import Assistant

    return Assistant(shipped_settings(tmp_path_factory.mktemp("asks-in-context")))


def test_an_ask_is_matched_with_the_statement_before_it(assistant):
    answer = assistant.ask(
        "My neurologist says my latest MRI shows brain atrophy. Could HSCT slow the shrinking down? "
        "And at 47, is it too late for me anyway?"
    )
    assert answer.asks[0]["answer_id"] == "ahsct-brain-atrophy"


def test_a_second_ask_with_the_same_answer_still_hears_what_is_missing(assistant):
    answer = assistant.ask(
        "I'm 34 with active RRMS and my neuro mentioned HSCT. Should I have HSCT before or after "
        "getting pregnant, and could I breastfeed afterwards?"
    )
    missing = [b.text for b in answer.blocks if b.kind == "not_covered" and b.ask == 1]
    assert missing and "breastfeed" in missing[0]


def test_a_paid_deposit_gets_the_deposit_answer_not_the_clinic_checklist(assistant):
    answer = assistant.ask(
        "Please draft a reply: a man has already paid a deposit to a stem cell clinic in Ukraine and now "
        "has doubts. He asks how he can get his money back and whether the treatment could still do him "
        "some good.",
        mode="staff",
    )
    assert answer.asks[0]["answer_id"] == "clinic-deposit-paid"
    assert "high price is not evidence" not in answer.answer  # no blame for someone who has paid


def test_an_ask_that_leans_on_the_one_before_is_matched_in_its_own_words(assistant):
    # read with the ask before it, "…will the effect last for good?" had matched the first
    # ask's answer again and was never answered; the statement on the death rate had turned
    # "Will it stop my MS?" into a question on the risk of dying
    answer = assistant.ask(
        "Will the transplant go ok for me? The nurse told me about 1 in 300 die and that people who "
        "use a wheelchair catch more infections. Will it stop my MS? If it does, will the effect be "
        "permanent?"
    )
    ids = [a["answer_id"] for a in answer.asks]
    assert ids[1:] == ["ahsct-effectiveness", "ahsct-long-term"], ids


def test_a_lower_relapse_risk_is_not_a_harm_of_the_treatment():
    from types import SimpleNamespace

    from assistant.flow.compose import on_aspect

    ctx = SimpleNamespace(ask=SimpleNamespace(aspect="risks"))
    assert not on_aspect("The lower relapse risk with aHSCT was not statistically significant.", ctx)
    assert not on_aspect("The risk of new lesions on MRI was lower after aHSCT.", ctx)
    assert on_aspect("The risk of dying from aHSCT is small but real.", ctx)
    assert on_aspect("Infections are the main risk in the first months.", ctx)


def test_a_drug_the_person_takes_adds_its_comparison_with_the_transplant_once(assistant):
    answer = assistant.ask(
        "My sister is 33, she started Ocrevus last year and still had a relapse. Could she be a "
        "candidate for HSCT? And how well does HSCT work?"
    )
    context = [b.text for b in answer.blocks if b.kind == "context"]
    against = [t for t in context if t.startswith("Against ocrelizumab")]
    assert len(against) == 1, context
    # not for a drug the library has no reviewed comparison with, nor for an ask on costs
    plain = assistant.ask("I take Tecfidera. Could I be a candidate for HSCT?")
    assert not [b for b in plain.blocks if b.kind == "context" and "Against" in b.text]
    cost = assistant.ask("I'm on Ocrevus. What does HSCT cost?")
    assert "Against ocrelizumab" not in cost.answer


def test_the_story_around_a_single_ask_decides_between_two_answers_of_its_kind(assistant):
    answer = assistant.ask(
        "Five weeks after my transplant my right hand has gone numb again, like in my old relapses. "
        "How can I tell whether this is a relapse or just part of the recovery?"
    )
    assert answer.asks[0]["answer_id"] == "ahsct-symptoms-worse"
    # a plain question on MS coming back keeps its own answer
    later = assistant.ask("My MS came back four years after HSCT with a new relapse. What now?")
    assert later.asks[0]["answer_id"] == "ahsct-relapse-after"


def test_an_ask_about_who_it_is_for_is_not_answered_by_what_it_is(assistant):
    answer = assistant.ask("She relapsed again on her strong drug. Is this the kind of MS HSCT is meant for?")
    assert answer.asks[0]["answer_id"] in ("ahsct-who-qualifies", "ahsct-breakthrough-activity")
    assert assistant.ask("What is HSCT?").asks[0]["answer_id"] == "ahsct-what-it-is"


def test_misspelled_words_of_the_field_are_read_as_meant(assistant):
    from assistant.flow.understand import respelled

    assert (
        respelled("my freind had stemcells and baby vacines") == "my friend had stem cells and baby vaccines"
    )
    assert respelled("Vaccines and the vaccinated") == "Vaccines and the vaccinated"
    answer = assistant.ask("do i need all my childhood vacines again after hsct?")
    assert answer.asks[0]["answer_id"] == "ahsct-vaccinations-after"


def test_a_question_on_whether_the_transplant_is_approved_in_the_us_answers_that_first(assistant):
    answer = assistant.ask("My wife lives in Ohio. Has the FDA approved HSCT for MS, or is it experimental?")
    assert answer.asks[0]["answer_id"] == "ahsct-approval-status"
    first = next(b.text for b in answer.blocks if b.kind == "answer")
    assert first.startswith("No stem-cell product is approved by the FDA to treat MS")
    # asking when it will be approved keeps the answer on what must happen first
    when = assistant.ask("When will the FDA approve HSCT for MS?")
    assert when.asks[0]["answer_id"] == "ahsct-approval-when"


def test_an_insurance_ask_gets_the_answer_that_says_which_prices_the_library_lacks(assistant):
    answer = assistant.ask(
        "I have RRMS and want aHSCT in Norway. Would my public insurance at home pay the bill, or is it "
        "all on me?"
    )
    assert answer.asks[0]["answer_id"] == "ahsct-cost"
    assert "nothing reviewed on insurance cover" in answer.answer


def test_the_same_question_asked_for_another_person_keeps_its_kind_and_their_story(assistant):
    history = [("What can go wrong with HSCT for my son? He is 30 with RRMS.", "")]
    answer = assistant.ask(
        "Is it the same for my husband? He is 63 with secondary progressive MS and EDSS 7.", history=history
    )
    assert answer.asks[0]["answer_id"] == "ahsct-risks-overview"
    # his MS type and disability change what he hears
    assert "riskier and works less well" in answer.answer
    assert "higher EDSS" in answer.answer


def answer_ids(assistant, message: str) -> list[str | None]:
    return [a["answer_id"] for a in assistant.ask(message).asks]


def test_a_want_the_ask_points_back_to_is_read_with_it(assistant):
    ids = answer_ids(
        assistant,
        "I'm 29 with relapsing MS and HSCT is being discussed. We want more children later. Does the "
        "chemo ruin that plan? And for the people it helps, how long does the effect last?",
    )
    # the second ask does not take "relapsing MS and HSCT" from the statement for its "it"
    assert ids == ["ahsct-fertility", "ahsct-long-term"], ids


def test_a_member_who_asks_how_to_reply_to_a_group_is_asking_for_the_reply(assistant):
    from assistant.flow.asks import REPLY_FRAME

    assert REPLY_FRAME.match("How should we reply to her and to the others?")
    assert not REPLY_FRAME.match("What should I tell him about the risks?")


def test_a_comparison_with_a_named_drug_gets_that_comparison(assistant):
    answer = assistant.ask("Would HSCT do more for me than Aubagio, or should I switch to rituximab instead?")
    assert answer.asks[0]["answer_id"] == "ahsct-vs-other-ms-drugs"
    clinic = assistant.ask(
        "A clinic in Colombia sells umbilical cord cells for MS. Is that the same thing as the "
        "transplant that hospitals do?"
    )
    assert clinic.asks[-1]["answer_id"] == "ahsct-vs-other-stem-cells"


def test_an_ask_of_one_topic_only_one_answer_holds_reaches_it(assistant):
    message = (
        "I drive a bus and meet hundreds of people a day. If I have HSCT, how long would I be off, "
        "and would all my jabs need doing again?"
    )
    assert answer_ids(assistant, message) == ["ahsct-return-to-work", "ahsct-vaccinations-after"]


def test_a_waiting_list_ask_hears_the_library_has_none_and_nothing_else(assistant):
    answer = assistant.ask("How long is the waiting list for HSCT in Belgium?")
    assert answer.asks[0]["answer_id"] is None
    texts = [b.text for b in answer.blocks if b.kind in ("answer", "not_covered")]
    assert texts[0].startswith("The library has no reviewed information about waiting lists")
    assert not [b for b in answer.blocks if b.kind == "answer"]  # no sentence stands in for a wait


def test_a_long_message_keeps_its_last_ask(assistant):
    story = "I was diagnosed in 2016 and have tried three drugs since then. " * 18  # ~1,150 characters
    answer = assistant.ask(story + "Would my old vaccinations need repeating after HSCT?")
    assert any(a["answer_id"] == "ahsct-vaccinations-after" for a in answer.asks)


def test_asking_whether_a_named_doctor_is_legit_hears_the_library_does_not_judge_people(assistant):
    answer = assistant.ask("A surgeon called Dr. Morrow runs the clinic. Is Dr. Morrow legit?")
    assert "individual clinics, hospitals or doctors" in answer.answer


def test_after_the_transplant_pets_food_fatigue_and_thyroid_reach_their_answers(assistant):
    message = (
        "My husband is home after his aHSCT. We have two cats, do they have to go? Is he allowed "
        "sushi? He is tired all day, is that normal? And his thyroid is now underactive, could "
        "the transplant have done that?"
    )
    assert answer_ids(assistant, message) == [
        "ahsct-infections",
        "ahsct-infections",  # asked twice: answered once, then what it lacks said again
        "ahsct-recovery-time",
        "ahsct-secondary-autoimmunity",
    ]


def test_a_clinics_price_hears_first_that_the_library_has_no_prices(assistant):
    answer = assistant.ask("what does the Sanatorio Luz clinic in Cancun charge for stem cells these days??")
    assert answer.asks[0]["answer_id"] == "clinic-cost"
    first = _first_said(answer)
    assert first.kind == "not_covered" and "no reviewed prices" in first.text


def test_a_time_the_answer_lacks_is_said_first_without_its_other_figures(assistant):
    answer = assistant.ask("Back home after HSCT last week. When can I return to gardening?")
    first = _first_said(answer)
    assert first.kind == "not_covered" and "how long" in first.text
    assert not any("%" in b.text for b in answer.blocks if b.kind == "answer")


def test_a_second_ask_on_what_an_answer_lacks_names_it_in_the_answers_words(assistant):
    answer = assistant.ask("Home after HSCT. When can I return to gardening, and can I cuddle my cat?")
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-infections", "ahsct-infections"]
    said = [b.text for b in answer.blocks if b.kind == "not_covered" and b.ask == 1]
    assert said == ["The library has no reviewed information about pets."]


def test_a_figure_asked_to_be_believed_gets_the_answer_on_clinics_own_figures(assistant):
    answer = assistant.ask("A broker says 97% of their HSCT patients stop progressing. Is 97% believable?")
    assert answer.asks[0]["answer_id"] == "ahsct-clinic-success-rates"


def test_an_approval_answer_is_not_given_to_an_ask_about_what_is_possible(assistant):
    answer = assistant.ask(
        "I had HSCT two years ago and a new lesion showed up. If it keeps happening, what are the options?"
    )
    assert all(
        not (a.get("answer_id") or "").startswith(("regulation", "ahsct-approval")) for a in answer.asks
    )


def test_evidence_on_a_product_with_one_answer_hears_first_it_has_no_trial(assistant):
    answer = assistant.ask("Is there any evidence that exosome infusions do anything for MS?")
    assert answer.asks[0]["answer_id"] == "regulation-exosomes"
    first = _first_said(answer)
    assert first.kind == "not_covered" and "no trial of exosomes" in first.text


def test_words_with_one_meaning_here_decide_the_answer(assistant):
    periods = assistant.ask("I'm 31 and HSCT was offered to me. Would my periods stop for a while after it?")
    assert periods.asks[0]["answer_id"] == "ahsct-fertility"
    fever = assistant.ask(
        "Two weeks home from HSCT and I have a temperature tonight. Do I wait or go to A&E?"
    )
    assert fever.asks[0]["answer_id"] == "ahsct-fever-after"


def test_old_symptoms_back_after_the_transplant_ask_whether_ms_came_back(assistant):
    answer = assistant.ask(
        "I had HSCT 18 months ago. This week my right foot went numb and weak, just like my relapses "
        "used to start. Does this mean the transplant has failed? Could it be done a second time?"
    )
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-relapse-after", "ahsct-relapse-after"]
    said = [b.text for b in answer.blocks if b.kind == "not_covered" and b.ask == 1]
    assert said == ["The library has no reviewed information about a second transplant."]
    # "used to start" is not the "which treatment to use" the answer lacks: its figures are given
    assert any("%" in b.text for b in answer.blocks if b.kind == "answer" and b.ask == 0)


def _first_said(answer):
    """The first answer or not-covered block: what the person reads first under the ask."""
    return next(b for b in answer.blocks if b.kind in ("answer", "not_covered"))


def test_whether_someone_qualifies_gets_the_criteria_when_no_wording_is_close(assistant):
    answer = assistant.ask(
        "A woman of 54 with SPMS and EDSS 6.5 rang us. She's asking whether she would even qualify "
        "for HSCT at her age and with her level of disability."
    )
    assert answer.asks[0]["answer_id"] == "ahsct-who-qualifies"


def test_flying_soon_after_the_transplant_hears_what_the_library_lacks_first(assistant):
    answer = assistant.ask("I finished HSCT two months ago. Is it safe to fly to my sister's wedding?")
    assert answer.asks[0]["answer_id"] == "ahsct-infections"
    first = _first_said(answer)
    assert first.kind == "not_covered" and "travel" in first.text


def test_joining_a_named_trial_and_its_drug_arm_reach_the_answers_on_trials(assistant):
    answer = assistant.ask(
        "A dad phoned about his daughter, 25, with very active MS. He also wants to know how she'd "
        "get into StarMS, and whether she'd be stuck in the drug arm.",
        mode="staff",
    )
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-trials", "ahsct-trial-drug-group"]


def test_ms_coming_back_and_live_vaccines_reach_their_answers(assistant):
    answer = assistant.ask(
        "My son is booked for HSCT. What is the chance his MS comes back afterwards? "
        "And can he have live vaccines before a trip?"
    )
    assert [a["answer_id"] for a in answer.asks] == ["ahsct-relapse-after", "ahsct-vaccinations-after"]


def test_stopping_a_drug_for_cells_a_clinic_sells_gets_the_answer_on_cells_beside_drugs(assistant):
    answer = assistant.ask(
        "A clinic in Cancun sells umbilical cord cell drips. They told my sister to stop her Kesimpta "
        "for it. Should she stop her Kesimpta to do this?"
    )
    assert answer.asks[-1]["answer_id"] == "msc-with-dmt"


def test_a_clinics_price_names_no_place_the_person_only_comes_from(assistant):
    answer = assistant.ask(
        "I am from Nigeria. A clinic in Istanbul sells fat stem cells. "
        "Price is 11000 euro is that normal price?"
    )
    assert not any("Nigeria" in b.text for b in answer.blocks)
    assert any("no reviewed prices" in b.text for b in answer.blocks if b.kind == "not_covered")


def test_a_word_of_feeling_or_a_redo_is_no_topic_the_library_lacks(assistant):
    answer = assistant.ask(
        "People die from it and that terrifies me, what is the real risk of dying? "
        "And my sheet says to redo my childhood vaccines, when do I start?"
    )
    said = " ".join(b.text for b in answer.blocks if b.kind == "not_covered")
    assert "terrifies" not in said and "redo" not in said


def test_ms_back_going_back_on_a_drug_and_mmr_after_the_transplant_reach_their_answers(assistant):
    answer = assistant.ask(
        "I had HSCT in 2022 and my new scan shows a lesion. Does this mean my MS is back? "
        "Should I go back on my MS drug? And can I have the MMR?"
    )
    assert [a["answer_id"] for a in answer.asks] == [
        "ahsct-relapse-after",
        "ahsct-dmts-around-transplant",
        "ahsct-vaccinations-after",
    ]
    assert any("restarting" in b.text for b in answer.blocks if b.ask == 1 and b.kind == "not_covered")


def test_whether_the_transplant_is_an_option_for_her_gets_the_criteria(assistant):
    answer = assistant.ask("My mum is 61 with PPMS. Is HSCT an option for her?")
    assert answer.asks[0]["answer_id"] == "ahsct-who-qualifies"


def test_whether_a_named_doctor_is_good_hears_only_that_the_library_has_nothing_on_doctors(assistant):
    answer = assistant.ask(
        "I have RRMS. Someone says Dr. Alvarez in Madrid is the best doctor for HSCT, is he good?"
    )
    blocks = [b for b in answer.blocks if b.ask in (0, None) and b.kind in ("answer", "not_covered")]
    assert blocks and blocks[0].kind == "not_covered" and "individual clinics" in blocks[0].text
    assert not any(b.kind == "answer" for b in blocks)


def test_a_remedy_the_library_lacks_is_said_first(assistant):
    answer = assistant.ask(
        "My neurologist has me on vitamin D 50000 IU weekly. Is it ok to continue after my transplant?"
    )
    first = _first_said(answer)
    assert first.kind == "not_covered" and "vitamin D" in first.text


def test_an_ask_about_a_product_that_has_one_answer_gets_it(assistant):
    answer = assistant.ask(
        "A post in my group says exosome drips are now offered in Lagos. What are these exactly, and "
        "does anyone know if it is worth the money?"
    )
    assert "regulation-exosomes" in [a["answer_id"] for a in answer.asks]


def test_a_new_lesion_meaning_it_failed_and_care_back_home_reach_their_answers(assistant):
    answer = assistant.ask(
        "Three years after HSCT my scan shows one new lesion. Does that mean it failed?? "
        "And when he comes home, who takes care of him, will our doctors here help?"
    )
    assert [a["answer_id"] for a in answer.asks][:1] == ["ahsct-relapse-after"]
    assert "ahsct-aftercare" in [a["answer_id"] for a in answer.asks]


def test_a_figure_from_the_persons_own_consultant_is_not_read_as_a_clinics_marketing(assistant):
    answer = assistant.ask(
        "My son is 23 and booked for aHSCT. "
        "The consultant said about 1 percent or less die, is that true for him?"
    )
    assert answer.asks[0]["answer_id"] != "ahsct-clinic-success-rates"


def test_swimming_and_working_from_the_hospital_bed_hear_what_the_library_lacks(assistant):
    answer = assistant.ask(
        "Seven weeks after aHSCT. Can I go swimming yet? "
        "And could I keep working on my laptop from the hospital bed?"
    )
    said = [b.text for b in answer.blocks if b.kind == "not_covered"]
    assert any("exercise" in t for t in said) and any("return to work" in t for t in said)


def test_tiredness_months_after_the_transplant_hears_first_what_the_library_lacks_on_fatigue(assistant):
    answer = assistant.ask("had hsct 5 months ago and im still wiped out every afternoon. is this normal??")
    assert answer.asks[0]["answer_id"] == "ahsct-recovery-time"
    first = _first_said(answer)
    assert first.kind == "not_covered" and "fatigue" in first.text


def test_a_sentence_about_women_only_is_not_given_to_a_man(assistant):
    answer = assistant.ask("I'm 35, male, RRMS. Does the chemo in HSCT make men infertile?")
    assert answer.asks[0]["answer_id"] == "ahsct-fertility"
    assert not any("women" in b.text for b in answer.blocks)
    woman = assistant.ask("I'm 35, female, RRMS. Does the chemo in HSCT make women infertile?")
    assert any("women over 32" in b.text for b in woman.blocks)


def test_whether_the_neurologist_back_home_will_see_him_hears_about_after_care(assistant):
    answer = assistant.ask(
        "My husband has SPMS and wants HSCT in Moscow. Does it work for SPMS? What would it cost? "
        "And if we go, who looks after him when we come home, will our neurologist here even see him after?"
    )
    last = [b for b in answer.blocks if b.ask == len(answer.asks) - 1 and b.kind in ("answer", "not_covered")]
    assert last and all(
        "check-ups" in b.text or "follow-up" in b.text or "after-care" in b.text for b in last
    )


def given(answer) -> list:
    """The reviewed answer each ask was given, in order."""
    return [a["answer_id"] for a in answer.asks]


def lacking(answer) -> str:
    """What the answer says the library does not cover."""
    return " ".join(b.text for b in answer.blocks if b.kind == "not_covered")


def test_what_a_price_ask_wants_paid_is_said_when_the_library_lacks_it(shipped_assistant):
    # "who pays for that" after egg freezing had got the transplant's price answer, and "will my
    # insurance give back money" the clinics' missing prices only
    answer = shipped_assistant.ask(
        "I'm 29 and want kids. Will the chemo make me infertile, should I freeze my eggs first and who "
        "pays for that?"
    )
    said = lacking(answer)
    assert "paying for egg or sperm storage" in said
    assert "ahsct-cost" not in given(answer)
    answer = shipped_assistant.ask(
        "I read about a stem cell clinic in Mexico. How much is it, and will my national health "
        "insurance give back some money if I go there?"
    )
    assert "insurance cover" in lacking(answer)


def test_would_i_qualify_gets_the_criteria_even_with_the_nhs_named(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 34 with RRMS. Would I actually qualify for HSCT on the NHS with my history?"
    )
    assert answer.asks[0]["answer_id"] == "ahsct-who-qualifies"


def test_stopping_a_named_drug_for_a_clinics_cells_reaches_the_answer_on_cells_beside_drugs(
    shipped_assistant,
):
    answer = shipped_assistant.ask(
        "A clinic in Panama offers me cord stem cells. I'm on ocrelizumab, would I have to stop it before "
        "going, and could the two interact?"
    )
    assert "msc-with-dmt" in given(answer)


def test_a_dental_ask_names_dental_care_as_what_the_library_lacks(shipped_assistant):
    answer = shipped_assistant.ask("Why did the nurse say I must see the dentist before my HSCT?")
    assert "dental care" in lacking(answer)


def test_does_it_grow_back_after_a_hair_question_is_about_hair(shipped_assistant):
    answer = shipped_assistant.ask(
        "does hair fall out with hsct chemo and does it grow back normal or different"
    )
    assert given(answer) == ["ahsct-chemo-side-effects"] * 2
    assert "MIST" not in answer.answer


def test_an_everyday_thing_the_library_never_mentions_is_named_beside_the_answers_own_lack(shipped_assistant):
    # "altitude" had read as a misspelt "attitude", and an ask about what the infections answer
    # lacks said only that answer's own line
    answer = shipped_assistant.ask(
        "After the transplant I must fly home to my town in the mountains at 900 metres. Is altitude or "
        "flying a problem for the immune system after?"
    )
    assert "about altitude" in lacking(answer)
    answer = shipped_assistant.ask(
        "My daughter is 15 with very active MS. Is HSCT ever done on children or teenagers?"
    )
    lines = [b.text for b in answer.blocks if b.kind == "not_covered"]
    assert lines and "children" in lines[0]


def test_a_numbered_list_reaches_the_answers_on_hospital_stay_and_help_at_home(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 47 with SPMS, EDSS 5.5. Two things:\n"
        "1. Am I too old for aHSCT to be worth it?\n"
        "2. If I did qualify, what is the recovery like - how long in hospital, and how long until I'd "
        "be able to manage at home on my own? I live alone."
    )
    ids = given(answer)
    assert "ahsct-hospital-stay" in ids and "ahsct-practical-planning" in ids


def test_a_doctors_own_record_packing_and_medicare_are_named_as_not_covered(shipped_assistant):
    answer = shipped_assistant.ask(
        "My dad, 58 with SPMS, wants HSCT at a clinic in Russia. Would he be accepted in the UK? And he "
        "keeps asking me to find out one doctor's personal success rate, is that published anywhere?"
    )
    assert "individual clinics, hospitals or doctors" in answer.answer
    answer = shipped_assistant.ask(
        "I'm having aHSCT in March. What do people actually pack for the hospital stay?"
    )
    assert "about packing" in answer.answer
    answer = shipped_assistant.ask(
        "If I had some kind of stem cell treatment, would Medicare or my private health cover a gym "
        "membership or physio afterwards?"
    )
    assert "insurance cover" in lacking(answer)


def test_firm_words_pick_the_answer_the_ask_wants(shipped_assistant):
    answer = shipped_assistant.ask(
        "My sister is having HSCT in India.\na) what are the risks?\nb) if something goes wrong after she "
        "comes home, who looks after her?"
    )
    assert "ahsct-aftercare" in given(answer)
    answer = shipped_assistant.ask(
        "I'm 52 with PPMS. I wonder whether any of the MSC trials actually take people with PPMS, or "
        "whether they're mostly for SPMS."
    )
    assert given(answer) == ["msc-progressive-ms"]
    answer = shipped_assistant.ask(
        "My neuro mentioned HSCT as an option. I had alemtuzumab before. Would having had alemtuzumab "
        "rule me out?"
    )
    assert answer.asks[0]["answer_id"] == "ahsct-who-qualifies"


def test_contacting_a_clinic_or_a_named_doctor_is_said_to_be_outside_the_library(shipped_assistant):
    for message in (
        "Three of our patients came back from HSCT in Mexico. What monitoring do they need, and will the "
        "Mexican clinics talk to us directly or does everything go through the patient?",
        "I have SPMS and live in Brazil. Do they accept SPMS for HSCT there? And is Dr. Almeida still the "
        "responsible doctor, does he answer email from patients?",
    ):
        answer = shipped_assistant.ask(message)
        assert "individual clinics, hospitals or doctors" in answer.answer, message


def test_vaccines_named_in_the_statement_before_decide_the_answer(shipped_assistant):
    answer = shipped_assistant.ask(
        "She had HSCT in Moscow last spring. She's asking about getting the shingles vaccine before winter. "
        "Is that something she can have yet or does it all have to wait?"
    )
    assert given(answer) == ["ahsct-vaccinations-after"]
    answer = shipped_assistant.ask(
        "What bloods do they need once home, and I'd love to know if there's a recommended revaccination "
        "schedule after HSCT?"
    )
    assert "ahsct-vaccinations-after" in given(answer)


def test_driving_a_visa_and_sick_leave_are_named_as_not_covered(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm having HSCT in Germany. Do I need a special medical visa, and how does sick leave work if "
        "I'm off for 3 months?"
    )
    said = lacking(answer)
    assert "visa" in said and "sick leave" in said


def test_which_chemo_reaches_the_regimens_even_after_a_sentence_on_a_trial(shipped_assistant):
    answer = shipped_assistant.ask(
        "ive been reading about the beat-ms trial and hsct in general but i dont even know if im eligible "
        "at 45 with 14 yrs of disease. would my insurance pay for any of it outside a trial?? and what "
        "chemo do they actually use, is it the same stuff they give cancer patients"
    )
    assert "ahsct-regimens" in given(answer)


def test_words_of_one_meaning_reach_their_answers_in_long_messages(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 78 and my grandson (26) has his heart set on HSCT. How many people die from it "
        "nowadays, and would they even take him when he's had MS for 11 years?"
    )
    assert given(answer)[-1] in ("ahsct-who-qualifies", "ahsct-disease-duration")
    answer = shipped_assistant.ask(
        "My neurologist is referring me for HSCT. A few things:\n"
        "- what do the long-term results look like, 10 years out?\n"
        "- how long would I really be vulnerable to infections with a little one at home?"
    )
    assert given(answer) == ["ahsct-long-term", "ahsct-infections"]
    answer = shipped_assistant.ask("I'm 24 with RRMS. Would HSCT mess up my chances of having kids later?")
    assert given(answer) == ["ahsct-fertility"]


def test_a_tax_ask_hears_first_that_the_library_has_nothing_on_tax(shipped_assistant):
    answer = shipped_assistant.ask(
        "A private clinic in Krakow offers me mesenchymal stem cells for my SPMS. If I pay this clinic, can "
        "I deduct it from my tax as a medical cost?"
    )
    first = next(b for b in answer.blocks if b.kind in ("not_covered", "answer"))
    assert first.kind == "not_covered" and "tax relief" in first.text


def test_time_away_from_school_is_no_price_and_a_wait_after_a_pregnancy_ask_is_its_own(shipped_assistant):
    answer = shipped_assistant.ask(
        "My son is 17 and his neurologist raised HSCT. How much school would he miss if he had it?"
    )
    assert given(answer) == ["ahsct-return-to-work"]
    answer = shipped_assistant.ask(
        "I'm 30 with RRMS. Can I get pregnant safely after aHSCT, and how long would I have to wait?"
    )
    assert given(answer) == ["ahsct-pregnancy-after"]
    (ask,) = shipped_assistant.ask(
        "Is it smarter to have my baby first and do HSCT after that, or the other way round?"
    ).asks
    assert ask["answer_id"] == "ahsct-pregnancy-after"


def test_the_transplants_own_infections_stay_and_aftercare_at_home(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm booked for aHSCT in Mexico. How long must I stay there before I can fly back home? What "
        "are the most common infections afterwards? Once I'm home, would local doctors look after me if "
        "something goes wrong?"
    )
    assert given(answer) == ["ahsct-hospital-stay", "ahsct-infections", "ahsct-aftercare"]
    answer = shipped_assistant.ask(
        "My wife had HSCT in Mexico. Back in Chile, who does the controls of blood for her?"
    )
    assert given(answer) == ["ahsct-aftercare"]


def test_finding_a_named_kind_of_doctor_or_hospital_is_outside_the_library(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm going abroad for HSCT. Is there a neurologist in Durban who has experience with patients "
        "treated overseas?"
    )
    assert "individual clinics, hospitals or doctors" in answer.answer


def test_an_insurer_named_is_a_question_of_paying(shipped_assistant):
    (ask,) = shipped_assistant.ask("I have RRMS. Did anyone get Aetna to approve HSCT for them?").asks
    assert ask["aspect"] == "cost"


def test_a_regulator_the_library_lacks_and_a_currency_code(shipped_assistant):
    answer = shipped_assistant.ask(
        'A wellness clinic offers exosome infusions for NZD 8,500. What does "Medsafe-grade laboratory" '
        "mean here?"
    )
    said = lacking(answer)
    assert "Medsafe" in said and "NZD" not in said


def test_which_of_two_offers_is_right_and_a_clinics_catch(shipped_assistant):
    answer = shipped_assistant.ask(
        "A private clinic in Chennai wants to take fat cells from my belly and inject them. The neurologist "
        "at the government hospital talks about HSCT with chemotherapy instead. Which one is right for me?"
    )
    assert given(answer)[0] == "ahsct-vs-other-stem-cells"
    answer = shipped_assistant.ask(
        "Is a cord cell drip the same as HSCT? A Costa Rica clinic sells them with no chemo and no "
        "hospital stay, home in a week. It all sounds far easier. What's the catch?"
    )
    # the catch of the drip on offer: that it is unproven, not "no information"
    assert given(answer)[-1] in ("clinic-too-good-to-be-true", "cord-cells-evidence")


def test_a_labs_standing_or_a_licence_gets_the_answer_on_what_it_means(shipped_assistant):
    answer = shipped_assistant.ask(
        "A Tijuana clinic sells fat stem cells for MS. Does an FDA registered lab mean the treatment "
        "itself is approved?"
    )
    assert given(answer)[-1] == "regulation-fda-registered"
    answer = shipped_assistant.ask(
        "The cord cell clinic says it is fully licensed. Is being licensed the same as being approved?"
    )
    assert given(answer)[-1] == "regulation-approved-abroad"


def test_those_two_and_worries_told_as_statements_reach_their_answers(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 39 with RRMS and relapsed on Kesimpta. My neurologist offers Lemtrada or a referral for "
        "aHSCT. How do those two compare on benefit and risk? I'm scared about thyroid trouble with "
        "either, and about losing my hair."
    )
    ids = given(answer)
    assert ids[0] == "ahsct-vs-alemtuzumab" and len(ids) == 3
    assert ids[1] == "ahsct-secondary-autoimmunity"


def test_a_pasted_post_then_a_question_and_a_time_clause_before_a_question(shipped_assistant):
    answer = shipped_assistant.ask(
        'My mum forwarded this: "Cord cells rebuild your nerves, only $9,900, book today!" '
        "Is that the same as the HSCT her neurologist talks about?"
    )
    assert [a["text"][:6] for a in answer.asks] == ["Is tha"]
    answer = shipped_assistant.ask(
        "My brother had aHSCT in Moscow. When he gets back to Accra, who can check his blood counts?"
    )
    assert len(answer.asks) == 1 and answer.asks[0]["answer_id"] == "ahsct-aftercare"


def test_a_provider_ask_after_the_same_answer_and_named_lacks(shipped_assistant):
    answer = shipped_assistant.ask(
        "My husband is home from HSCT in Russia. Who looks after him now? Is there any clinic here that "
        "knows how to follow up people treated abroad?"
    )
    assert "individual clinics, hospitals or doctors" in lacking(answer)
    answer = shipped_assistant.ask(
        "She had aHSCT last year and wants a baby. How long should she wait to get pregnant? And can she "
        "do breastfeeding afterwards? She also takes biotin, must she stop it?"
    )
    said = lacking(answer)
    assert "breastfeeding" in said and "biotin" in said


def test_asking_whether_a_refusal_is_a_proper_reason_gets_the_criteria(shipped_assistant):
    answer = shipped_assistant.ask(
        "My neurologist in Cork said no to HSCT because I'm stable on Tysabri. Is that a fair reason, "
        "or is she fobbing me off?"
    )
    assert given(answer)[-1] == "ahsct-who-qualifies"


def test_the_treatment_in_another_language_and_welfare_rules(shipped_assistant):
    answer = shipped_assistant.ask(
        "My wife is 50 with SPMS. Our neurologist in Turin refused the autotrapianto because she is too "
        "old. Is that right?"
    )
    assert "autotrapianto" not in lacking(answer)
    answer = shipped_assistant.ask(
        "Friends are raising money for my HSCT in Mexico. Would the money count against my disability "
        "allowance?"
    )
    assert "welfare benefits" in lacking(answer)


def test_a_wasted_money_worry_and_months_away_from_study_are_not_price_asks(shipped_assistant):
    answer = shipped_assistant.ask("hsct for spms at 55, worth it or am I wasting my money?")
    assert given(answer) == ["ahsct-worth-the-risk"]
    answer = shipped_assistant.ask(
        "My daughter has active RRMS and is offered HSCT. She is doing her master in Lyon, how many "
        "months she cannot study after?"
    )
    assert given(answer) == ["ahsct-return-to-work"]


def test_the_transplant_after_a_drug_is_no_comparison_with_it(shipped_assistant):
    answer = shipped_assistant.ask(
        "My husband had two courses of Lemtrada and now HSCT is proposed. Is it safe to do HSCT after "
        "Lemtrada? How long must he wait since his last Lemtrada?"
    )
    assert set(given(answer)) == {"ahsct-dmts-around-transplant"}


def test_a_doctor_named_in_lower_case_and_a_bare_trust_question(shipped_assistant):
    answer = shipped_assistant.ask(
        "does anybody know dr ortega at a hospital in monterrey? people say he is great for hsct. my "
        "sister is booking, reliable or not"
    )
    assert "individual clinics, hospitals or doctors" in lacking(answer)
    assert "ahsct-abroad-what-to-ask" in given(answer)
    assert "about reliable" not in lacking(answer)


def test_a_vague_ask_reads_the_statement_before_it_and_a_wish_to_hear_is_an_ask(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 57 with PPMS. I was told transplant centres won't take anyone over 55 with progressive MS. "
        "Is that a strict rule or are there exceptions? If any trials abroad accept older progressive "
        "people I would love to hear about them. My brother keeps posting about biotin. Any point to it?"
    )
    ids = given(answer)
    assert ids[0] in ("ahsct-age-limit", "ahsct-who-qualifies", "ahsct-progressive-eligibility")
    assert "ahsct-trials" in ids
    assert "biotin" in lacking(answer)


def test_the_two_named_in_one_ask_are_compared_not_borrowed_from_before(shipped_assistant):
    answer = shipped_assistant.ask(
        "I have PPMS and I'm on Ocrevus. Most places refuse people over 50, is that a fixed rule? "
        "Honestly comparing the two, would HSCT add anything Ocrevus doesn't already do for me?"
    )
    assert given(answer)[-1] == "ahsct-vs-ocrelizumab"


def test_day_by_day_isolation_and_a_bracketed_aside_are_read_as_asked(shipped_assistant):
    answer = shipped_assistant.ask(
        "My son is 24 and has a date for aHSCT in Leiden. Can you explain what it looks like day by day? "
        "Is he kept in isolation? Will his hair fall out (he jokes about it, which I find brave)? "
        "I'd also like to know when he can go back to his studies."
    )
    ids = given(answer)
    assert ids[:2] == ["ahsct-procedure-steps", "ahsct-infections"]
    assert "ahsct-return-to-work" in ids
    assert len(answer.asks) == 4


def test_ranking_providers_a_diet_request_and_follow_up_abroad(shipped_assistant):
    answer = shipped_assistant.ask(
        "I am 40 years, relapsing MS, living in Doha. My cousin says HSCT in Chennai costs only 10 lakh "
        "rupees. Which hospital is the best and who is the best doctor there? After I return to Doha "
        "who will do my follow up? My aunt says I must stop sugar and eat only rice, kindly advise which "
        "diet is correct."
    )
    assert "individual clinics, hospitals or doctors" in lacking(answer)
    assert "ahsct-aftercare" in given(answer)
    assert "sugar" in lacking(answer) or "diet" in lacking(answer) or "rice" in lacking(answer)


def test_a_nurse_forwarding_an_exosome_advert(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm an MS nurse. A patient on Kesimpta forwarded an advert and asked what I think before she "
        'books. It reads: "Exosome therapy in Kyiv regrows myelin, fully approved, no risk. EUR 8,000." '
        "Could you help me explain what exosomes are, and how this differs from HSCT? And flag what I "
        "should think about re her Kesimpta if she goes ahead.",
        mode="staff",
    )
    ids = given(answer)
    assert "regulation-exosomes" in ids and "ahsct-vs-other-stem-cells" in ids
    assert ids[-1] == "msc-with-dmt"
    assert "ahsct-cost" not in ids


def test_going_private_and_what_a_panel_looks_at(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 30 with RRMS in Bristol and was turned down for HSCT. I'd like to understand what they "
        "actually look at when they decide. And if I went private in England instead, is that possible?"
    )
    assert given(answer)[0] in ("ahsct-who-qualifies", "ahsct-breakthrough-activity")
    answer = shipped_assistant.ask(
        "The panel said I'm too stable on Kesimpta for HSCT. I'd like to understand what they actually "
        "look at when they decide this, since a friend was accepted with a similar story."
    )
    assert given(answer) == ["ahsct-who-qualifies"]
    answer = shipped_assistant.ask(
        "I'm 30 with RRMS in Bristol and was turned down for HSCT. And if I went private in England "
        "instead, is that possible?"
    )
    # going private is a question of paying: the library's lack of prices is said
    assert answer.asks[-1]["aspect"] == "cost" and "no reviewed prices" in lacking(answer)


def test_time_away_from_a_classroom_and_a_single_doctors_opinion(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 36 and HSCT is planned for my RRMS. I teach music, so how many weeks am I away from the "
        "classroom with all those sniffly kids?"
    )
    assert given(answer) == ["ahsct-return-to-work"]
    assert "sniffly" not in lacking(answer)
    answer = shipped_assistant.ask(
        "My cousin is 44 with secondary progressive MS and walks with two sticks. The hospital said "
        "transplant is not for him. Is that the rule for everybody or just this doctor's opinion?"
    )
    assert given(answer)[0] in ("ahsct-who-qualifies", "ahsct-progressive-eligibility")


def test_a_doubt_told_as_a_statement_and_age_as_a_danger(shipped_assistant):
    answer = shipped_assistant.ask(
        "My father is 61 with primary progressive MS and type 2 diabetes. No idea if he'd be accepted for "
        "HSCT at his age. I'd also like to know whether his age makes the treatment more dangerous."
    )
    ids = given(answer)
    assert len(ids) == 2 and ids[0] in ("ahsct-who-qualifies", "ahsct-age-limit")
    assert ids[1] == "ahsct-worth-the-risk"


def test_a_bare_verdict_asked_about_a_product_named_before_and_a_doctor_with_initials(shipped_assistant):
    answer = shipped_assistant.ask(
        "my cousin got exosome shots in bangkok, says her legs feel lighter. legit or scam?"
    )
    assert given(answer) == ["regulation-exosomes"]
    answer = shipped_assistant.ask(
        "A patient is choosing a programme in Kuala Lumpur and wants to know whether Dr. M. Hassan who "
        "leads it is any good.",
        mode="staff",
    )
    assert "individual clinics, hospitals or doctors" in lacking(answer)


def test_contraception_the_spinal_cord_and_the_cells_collected_for_a_transplant(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 30 with RRMS and new lesions in my spinal cord, so my neurologist suggests a stem cell "
        "transplant. During the treatment must I still use contraception? And the stem cells they "
        "collect, do they come from blood or from bone?"
    )
    assert "contraception" in lacking(answer)
    assert {a["treatment"] for a in answer.asks} == {"ahsct"}
    assert given(answer)[-1] in ("ahsct-own-cells", "ahsct-procedure-steps")  # not the cells clinics sell


def test_a_follow_up_on_diet_stays_in_the_field_of_the_conversation(shipped_assistant):
    # the turn before named only a trip to Thailand; the diet question had been declined as
    # outside the library's field, though the conversation is about an aHSCT
    history = []
    for turn in (
        "I had aHSCT in Lund five months ago and I'm still exhausted every afternoon. Is that normal?",
        "different question, my brother is getting married in Thailand in May. is flying ok by then?",
    ):
        history.append((turn, shipped_assistant.ask(turn, history).answer))
    answer = shipped_assistant.ask("ok thanks. Is there a diet I should follow now?", history)
    assert not answer.abstained and "diet" in lacking(answer)


def test_a_request_to_compare_after_the_comparison_asked_is_no_ask_of_its_own(shipped_assistant):
    answer = shipped_assistant.ask(
        "I'm 33 with relapsing MS after two courses of Lemtrada and new lesions. My neurologist offers "
        "HSCT or Kesimpta. Which one is stronger and which is riskier, can you compare for me?"
    )
    assert not any(a["text"].lower().startswith("can you compare") for a in answer.asks)
    assert "compar" not in lacking(answer).replace("comparing aHSCT", "")


def test_a_deposit_named_in_a_request_a_doubt_about_coping_and_a_product_beside_hsct(shipped_assistant):
    answer = shipped_assistant.ask(
        "A caller's daughter has paid a deposit to a cord stem cell clinic in Kampala. I'd also like to "
        "give her some questions for the clinic, and tell her whether she can get the deposit back.",
        mode="staff",
    )
    assert given(answer) == ["clinic-deposit-paid"]
    answer = shipped_assistant.ask(
        "My mother is 60 with SPMS and was refused HSCT. Honestly, I'm not sure she'd cope with chemo."
    )
    assert given(answer)[-1] == "ahsct-risks-overview"
    answer = shipped_assistant.ask(
        "My cousin saw an exosome clinic on instagram that says it regrows myelin. Is the exosome the "
        "same thing like the HSCT that hospitals in Lyon do, or something different?"
    )
    assert "ahsct-vs-other-stem-cells" in given(answer)
    assert "instagram" not in lacking(answer).lower()


def test_who_checks_the_blood_counts_at_home_is_after_care(shipped_assistant):
    answer = shipped_assistant.ask(
        "My wife is 33 with very active RRMS and is booked for HSCT in Quito. Once she flies home to "
        "Lima, who checks her blood counts and looks out for infections?"
    )
    assert given(answer) == ["ahsct-aftercare"]


def test_a_refusal_called_one_doctors_view_gets_the_criteria(shipped_assistant):
    answer = shipped_assistant.ask(
        "My aunt has had MS for 20 years, now secondary progressive. The neurologist refused HSCT. Was "
        "that just one doctor's view?"
    )
    # it had got the answer on reading a news story about a treatment
    assert given(answer) == ["ahsct-who-qualifies"]


def test_activity_on_a_drug_a_pregnancy_wait_and_a_fever_get_the_answers_on_them(shipped_assistant):
    # the drug named as what the person is on had made the ask one about MS drugs, and the
    # person's age and MS type had widened it to the answer on every criterion
    answer = shipped_assistant.ask(
        "I'm 29 with RRMS and on Kesimpta, but I had two new lesions this spring, and my neuro brought "
        "up HSCT. Do new lesions while on Kesimpta make me a candidate, or do they switch drugs first?"
    )
    assert given(answer) == ["ahsct-breakthrough-activity"]
    # "how much I must wait" had been read as a price, then as the wait between a drug and HSCT
    answer = shipped_assistant.ask(
        "We want a baby next year. With my pills my doctor says wait some months before pregnancy. "
        "After HSCT how much we must wait?"
    )
    assert given(answer)[-1] == "ahsct-pregnancy-after"
    # a temperature while being mobilised, and its second half put as a sentence of its own
    answer = shipped_assistant.ask(
        "two days after the mobilisation chemo and my temp is 37.8 with sore bones. is this normal? "
        "or should i call the unit"
    )
    assert given(answer) == ["ahsct-fever-after"]
    assert "temp" not in lacking(answer)


def test_the_transplant_week_by_week_a_switch_straight_from_a_drug_and_a_clinic_taking_ppms(
    shipped_assistant,
):
    answer = shipped_assistant.ask(
        "My husband starts HSCT in June. Could you walk me through what happens week by week?"
    )
    assert given(answer) == ["ahsct-procedure-steps"]
    answer = shipped_assistant.ask(
        "I'm on Tysabri and want HSCT. Can I move straight from Tysabri to the transplant, or must I wait "
        "a while without any medication?"
    )
    assert given(answer) == ["ahsct-dmts-around-transplant"]
    # no reviewed answer had matched; then the person's PPMS and EDSS widened it to every criterion
    answer = shipped_assistant.ask(
        "I'm 57 with PPMS, EDSS 7. A hospital in Moscow says they accept PPMS at any EDSS for HSCT. "
        "Why would they agree if it does not help?"
    )
    assert given(answer) == ["ahsct-progressive-eligibility"]


def test_a_staff_list_of_requests_is_answered_item_by_item(shipped_assistant):
    # items of a list a request opens are asks though none is a question; the reply asked for
    # ("(max 200 words)") asks nothing of its own
    answer = shipped_assistant.ask(
        'A member pasted this: "Our cord cell infusions heal MS naturally. FDA-registered lab." Could you '
        "write a short reply (max 200 words) I can send her? Please cover:\n(a) what FDA-registered "
        "means,\n(b) the danger of stopping her Ocrevus for the infusions,\n(c) a short list of the red "
        "flags in the advert.",
        mode="staff",
    )
    assert given(answer) == ["regulation-fda-registered", "msc-with-dmt", "clinic-red-flags"]


def test_fearing_no_baby_who_pays_for_egg_storage_and_a_wait_someone_reported(shipped_assistant):
    answer = shipped_assistant.ask("If I have HSCT, is it possible I can never have a baby?")
    assert given(answer) == ["ahsct-fertility"]  # it had got the answer on pregnancy afterwards
    # the answer on fertility, saying the library lacks who pays (it had been dropped for having
    # no price, leaving sentences on paying a clinic abroad)
    answer = shipped_assistant.ask(
        "HSCT is planned for autumn. Would the hospital fund freezing my eggs first or do we pay "
        "that ourselves?"
    )
    assert given(answer) == ["ahsct-fertility"] and "paying" in lacking(answer)
    # "Is that right?" reads the wait someone reported, not the treatment's results
    answer = shipped_assistant.ask(
        "A lady in my support group said the wait for HSCT in Glasgow is two years. Is that right?"
    )
    assert "waiting" in lacking(answer)


def test_what_to_ask_the_neurologist_gets_questions_to_take_to_the_appointment(shipped_assistant):
    # it had heard a personal decision ("the library cannot make this choice for you")
    answer = shipped_assistant.ask(
        "I'm 36 with RRMS and still relapsing on Tysabri. I see my neuro in two weeks and want to bring "
        "up HSCT. What should I actually ask at the appointment?"
    )
    assert given(answer) == ["ahsct-questions-for-neurologist"]
    said = " ".join(b.text for b in answer.blocks if b.kind == "answer")
    assert "activity on a strong drug" in said and "accredited centre" in said


def test_a_list_opened_by_worries_or_a_wish_is_read_item_by_item(shipped_assistant):
    # "My worries, in order:" and "A few things I'd like to understand:" open lists whose items
    # ask without question marks; an item may run on over sentences
    answer = shipped_assistant.ask(
        "My son is 25 and HSCT has been suggested. My worries, in order:\n1) Fertility. He wants kids "
        "one day.\n2) The cancer risk later on from the chemo.\n3) Whether his thyroid could be affected."
    )
    assert given(answer) == ["ahsct-fertility", "ahsct-cancer-risk", "ahsct-secondary-autoimmunity"]


def test_a_judged_plan_and_a_drug_beside_a_product_set_beside_the_transplant(shipped_assistant):
    # "Would that be risky…?" judges the plan told before it (it had got sentences on how MSCs work)
    answer = shipped_assistant.ask(
        "I'm planning a small tattoo next spring, eight months after my HSCT. Would that be risky for "
        "my immune system?"
    )
    assert "tattoo" in lacking(answer)
    # after "Is it the same as HSCT?", "it" is the product; teriflunomide is an MS drug
    answer = shipped_assistant.ask(
        "A clinic in Tbilisi injects cells taken from my belly fat into the spine. Is it the same as "
        "HSCT? Is it safe, and must I stop teriflunomide first?"
    )
    assert given(answer)[-1] == "msc-with-dmt"


def test_urgent_signs_after_the_transplant_and_a_clinic_just_after_money(shipped_assistant):
    # the answer on days spent in hospital, then sentences on progressive MS, had answered these
    answer = shipped_assistant.ask(
        "My dad came home from his transplant ten days ago. Which signs mean we should go to the "
        "hospital immediately?"
    )
    assert given(answer) == ["ahsct-fever-after"]
    # "money" had made it a price ask, answered with what the library lacks on prices
    answer = shipped_assistant.ask(
        "So many places sell stem cell shots for MS now. How do I spot the ones that are just after money?"
    )
    assert given(answer) == ["clinic-red-flags"]


def test_a_carers_worries_a_told_date_before_a_question_and_everyday_life_after(shipped_assistant):
    # "Her main worries were:" opens a list whose items are statements; each is an ask
    answer = shipped_assistant.ask(
        "I'm calling back a man due for HSCT next month. His main worries were:\n- He is upset about "
        "losing his hair.\n- He heard it can cause thyroid problems later.\nWhat can I tell him?",
        mode="staff",
    )
    assert {"ahsct-secondary-autoimmunity"} <= set(given(answer)) and len(answer.asks) >= 2
    # "had hsct last year, when…?": the told date belongs to the question after the comma
    answer = shipped_assistant.ask("had hsct last year, when do i get my baby jabs redone?")
    assert [a["text"] for a in answer.asks][0].lower().startswith("had hsct last year")
    # a plan's cover, a trial to join, a sport and beers: said plainly where the library has nothing
    answer = shipped_assistant.ask("Would my company health plan cover any of it if I had HSCT?")
    assert "insurance" in lacking(answer)
    answer = shipped_assistant.ask(
        "I have PPMS. Are there any trials I could get into rather than flying abroad for HSCT?"
    )
    assert "ahsct-trials" in given(answer)
    answer = shipped_assistant.ask(
        "After my HSCT, when can I play football again, and can I have a few beers?"
    )
    assert "exercise" in lacking(answer) and "beers" in lacking(answer)


def test_a_question_put_last_after_and_without_its_mark_is_an_ask(shipped_assistant):
    # "…and who will take care for me when I return." had been no ask at all
    answer = shipped_assistant.ask(
        "I'm booked for HSCT in Moscow in May. I live alone since my husband died, and who will take "
        "care for me when I come home."
    )
    assert "ahsct-aftercare" in given(answer)


def test_a_milder_chemo_claimed_and_a_uk_referral_against_the_neurologist(shipped_assistant):
    # "Is this true…?" reads the statement it judges: the regimens, not a list of complications
    answer = shipped_assistant.ask(
        "A clinic in Kyiv says they use milder chemo than other centres, so it is safer. Is this true, "
        "or does it just work less well?"
    )
    assert given(answer)[-1] == "ahsct-regimens"
    # the neurologist against it, in a message naming the NHS: the UK's answer on access
    answer = shipped_assistant.ask(
        "I live in Leeds. How can I still get assessed for HSCT if my NHS neurologists are against it?"
    )
    assert given(answer) == ["ahsct-nhs-access"]

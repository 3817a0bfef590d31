"""Composing one ask from its reviewed answer: the ask about the part the answer does not cover."""

from __future__ import annotations

import datetime as dt

import pytest

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


def test_asking_for_results_is_how_the_question_is_put_not_the_uncovered_part():
    long_term = ReviewedAnswer(
        **SIDE_EFFECTS.model_dump(exclude={"answer", "not_covered"}),
        answer=({"text": "In one study 65% had no MS activity at 10 years.", "sources": ("a-note",)},),
        not_covered="The library has no reviewed results for the decades after aHSCT.",
    )
    assert not asks_the_uncovered_part(read_asks("What are the HSCT results after 10 years?")[0], long_term)
    assert asks_the_uncovered_part(read_asks("What happens decades after HSCT?")[0], long_term)


class _Support:
    """Every reviewed sentence backed by one passage that holds it word for word."""

    def by_words(self, sources, sentence):
        from types import SimpleNamespace

        return [(SimpleNamespace(id=sources[0], text=sentence), sentence)]


def test_what_the_person_said_about_themselves_comes_first():
    from assistant.flow.by_ask import reviewed_blocks
    from assistant.flow.cards import Citer
    from assistant.flow.person import read_context
    from assistant.vocab import BlockKind

    variant = {
        "text": "With progressive MS, the benefit is smaller.",
        "sources": ["b-note"],
        "when": {"ms_type": "progressive"},
    }
    answer = ReviewedAnswer.model_validate(SIDE_EFFECTS.model_dump() | {"variants": [variant]})
    person = read_context("I'm 58 with SPMS. What side effects would I get?")
    blocks = list(reviewed_blocks(answer, person, 0, Citer(), _Support()))
    assert blocks[0].kind == BlockKind.CONTEXT and "progressive" in blocks[0].text
    assert blocks[1].kind == BlockKind.ANSWER
    relapsing = list(reviewed_blocks(answer, read_context("I have RRMS."), 0, Citer(), _Support()))
    assert relapsing[0].kind == BlockKind.ANSWER
    assert not any(b.kind == BlockKind.CONTEXT for b in relapsing)


def test_a_judgement_only_the_team_can_make_does_not_make_an_ask_narrow():
    qualifies = SIDE_EFFECTS.model_copy(
        update={
            "aspect": "eligibility",
            "not_covered": "The library cannot say whether you personally qualify.",
        }
    )
    ask = read_asks("I'm 41 with RRMS on Ocrevus. Would someone like me actually qualify?")[0]
    assert not asks_the_uncovered_part(ask, qualifies)


def test_an_answer_sentence_the_variant_already_says_is_not_repeated():
    from assistant.flow.by_ask import reviewed_blocks
    from assistant.flow.cards import Citer
    from assistant.flow.person import read_context

    variant = {
        "text": "For women over 32, the risk of early menopause is particularly high.",
        "sources": ["b-note"],
        "when": {"age_min": 32},
    }
    same = {"text": "The risk of early menopause is high for women over 32.", "sources": ["b-note"]}
    answer = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"variants": [variant], "answer": [*SIDE_EFFECTS.model_dump()["answer"], same]}
    )
    shown = [b.text for b in reviewed_blocks(answer, read_context("I'm 33."), 0, Citer(), _Support())]
    assert sum("menopause" in t for t in shown) == 1
    assert any("48 of 69" in t for t in shown)


def test_an_unmatched_ask_keeps_the_aspect_its_own_words_show():
    from dataclasses import replace

    ask = read_asks("Does smoking make MS worse?")[0]
    guessed = replace(ask, aspect="recovery")  # the closest reviewed answer's, below the threshold
    assert guessed.composed().aspect == ask.aspect == "other"


def test_a_sentence_about_the_other_kind_of_cell_treatment_does_not_answer():
    from assistant.flow.by_ask import other_treatment

    ask = read_asks("Which infections are a risk during HSCT?")[0]
    assert other_treatment("After MSC therapy, 35% had an infection within a year.", ask)
    assert not other_treatment("Early infections after aHSCT include pneumonia.", ask)
    cells = read_asks("Are cord stem cells safe?")[0]
    assert not other_treatment("In a trial of MSCs, side effects were mild.", cells)
    compare = read_asks("Is HSCT better than mesenchymal cells?")[0]
    assert not other_treatment("MSC trials found no benefit.", compare)


def test_a_matched_answer_that_says_nothing_of_what_is_wanted_is_not_given():
    from dataclasses import replace

    from assistant.flow.by_ask import speaks_to

    approval = SIDE_EFFECTS.model_copy(
        update={"aspect": "regulation", "not_covered": "The library has no trial of exosomes in MS."}
    )
    cost = replace(read_asks("What does an exosome treatment cost at a clinic?")[0], answer_id=approval.id)
    assert cost.read_aspect == "cost" and not speaks_to(approval, cost)
    risks = read_asks("Are the side effects of the chemo bad?")[0]
    assert speaks_to(approval, risks)  # the answer names side effects


LIBRARY_TERMS = {
    "transplant",
    "infect",
    "infus",
    "hair",
    "loss",
    "relaps",
    "fatigu",
    "chemotherapi",
    "side",
    "effect",
}


def test_the_asks_own_topic_the_library_lacks_is_named():
    from assistant.flow.by_ask import missing_topic

    ask = "I had ataxia before the transplant and now it comes and goes, should I worry?"
    found = missing_topic(ask, LIBRARY_TERMS)
    assert found.words == ("ataxia",) and found.mostly
    # a topic in everyday words is still a topic the library lacks
    found = missing_topic(
        "When can I have a glass of wine again after HSCT?", LIBRARY_TERMS, frozenset({"wine"})
    )
    assert found.words == ("wine",)


def test_a_missing_detail_of_a_covered_topic_is_not_the_whole_ask():
    from assistant.flow.by_ask import missing_topic

    found = missing_topic("Can infusions cause infections such as hepatitis or hair loss?", LIBRARY_TERMS)
    assert found.words == ("hepatitis",) and not found.mostly


def test_story_words_names_everyday_words_and_typos_are_not_a_missing_topic():
    from assistant.flow.by_ask import missing_topic

    # a daughter, a city, a weekday, "avoid", "four", "crowds" (an easy word) and a misspelt
    # library word ("chemotherapy") name nothing the answer lacks
    ask = "My daughter in Moscow asked on Tuesday: four months after chemoterapy, must she avoid crowds?"
    assert missing_topic(ask, LIBRARY_TERMS).words == ()


def test_an_ask_whose_topic_is_missing_says_so_first_with_no_stray_figure_and_a_next_step():
    from assistant.flow.by_ask import Missing, composed_blocks
    from assistant.models import Block
    from assistant.vocab import BlockKind

    ask = read_asks("Is ataxia coming and going a year after HSCT something to worry about?")[0]

    def verified():
        yield Block(BlockKind.ANSWER, "In one study 68% had a fever [1].", (1,))
        yield Block(BlockKind.ANSWER, "Problems can start months or years after aHSCT [2].", (2,))
        return 2

    steps: set[str] = set()
    blocks = list(composed_blocks(verified(), ask, 0, Missing(("ataxia",), True), steps))
    assert [b.kind for b in blocks] == [BlockKind.NOT_COVERED, BlockKind.ANSWER, BlockKind.NEXT_STEP]
    assert "ataxia" in blocks[0].text and "68%" not in " ".join(b.text for b in blocks)
    assert "transplant team" in blocks[-1].text
    again = list(composed_blocks(verified(), ask, 1, Missing(("ataxia",), True), steps))
    assert BlockKind.NEXT_STEP not in [b.kind for b in again]  # one next step per answer


def test_a_personal_decision_hears_first_that_it_is_the_persons_and_the_teams():
    from assistant.flow.by_ask import composed_blocks
    from assistant.models import Block
    from assistant.vocab import BlockKind

    ask = read_asks("Should I postpone my transplant?")[0]
    assert ask.aspect == "decision"

    def verified():
        yield Block(BlockKind.ANSWER, "aHSCT works best in young people with active relapsing MS [1].", (1,))
        return 1

    blocks = list(composed_blocks(verified(), ask, 0, None, set()))
    assert [b.kind for b in blocks] == [BlockKind.NOT_COVERED, BlockKind.ANSWER, BlockKind.NEXT_STEP]
    assert "cannot make this choice for you" in blocks[0].text


@pytest.mark.parametrize(
    "message",
    [
        "Why are there still no big trials of stem cells in progressive MS?",
        "ok but how come my neuro never mentioned HSCT to me",
    ],
)
def test_a_why_hears_first_that_the_library_holds_no_reviewed_reason(message):
    # the sentences near the topic are facts, not the reason asked for
    from assistant.flow.by_ask import WHY_NOT_COVERED, composed_blocks
    from assistant.models import Block
    from assistant.vocab import BlockKind

    (ask,) = read_asks(message)

    def verified():
        yield Block(BlockKind.ANSWER, "MESEMS is the largest placebo-controlled MSC trial in MS [1].", (1,))
        return 1

    blocks = list(composed_blocks(verified(), ask, 0, None, set()))
    assert [b.kind for b in blocks][:2] == [BlockKind.NOT_COVERED, BlockKind.ANSWER]
    assert blocks[0].text == WHY_NOT_COVERED
    assert sum(b.kind == BlockKind.NOT_COVERED for b in blocks) == 1  # said once, not again after


def test_a_why_with_nothing_nearby_kept_does_not_promise_what_follows():
    from assistant.flow.by_ask import WHY_ALONE, composed_blocks

    (ask,) = read_asks("why is ATG part of the HSCT treatment?")

    def nothing_kept():
        return 0
        yield

    blocks = list(composed_blocks(nothing_kept(), ask, 0, None, set()))
    assert blocks[0].text == WHY_ALONE
    assert not any("nearby" in b.text for b in blocks)


def test_an_answer_about_one_countrys_services_is_not_given_to_someone_elsewhere():
    from assistant.flow.by_ask import for_another_place
    from assistant.flow.person import read_context

    answer = ReviewedAnswer.model_validate(SIDE_EFFECTS.model_dump() | {"place": "Australia"})
    message = "I am from Brazil, RRMS 6 years. the public system here do HSCT for ms?"
    (ask,) = read_asks(message)
    assert for_another_place(answer, ask, read_context(message))
    here = "I live in Australia. Can I get HSCT in a public hospital?"
    (ask,) = read_asks(here)
    assert not for_another_place(answer, ask, read_context(here))
    # the NHS answer is the UK's, and England is in it; no country stated: the answer stands
    nhs = ReviewedAnswer.model_validate(SIDE_EFFECTS.model_dump() | {"place": "UK"})
    england = "I live in England. Can I get HSCT on the NHS?"
    (ask,) = read_asks(england)
    assert not for_another_place(nhs, ask, read_context(england))
    (ask,) = read_asks("Can I get HSCT on the public system?")
    assert not for_another_place(nhs, ask, read_context("Can I get HSCT on the public system?"))


def test_the_drug_a_person_names_shapes_the_next_step_of_a_transplant_decision_once():
    from assistant.flow.by_ask import drug_step
    from assistant.flow.person import read_context

    message = "I'm 34 and relapsed twice on Ocrevus. Am I a candidate for HSCT? Should I do it?"
    person = read_context(message)
    asks = read_asks(message)
    given: set[str] = set()
    steps = [b for i, ask in enumerate(asks) for b in drug_step(ask, person, i, given)]
    assert len(steps) == 1 and "ocrelizumab" in steps[0].text
    cost = read_asks("I'm on Ocrevus. How much does HSCT cost?")[0]
    assert not list(drug_step(cost, read_context("I'm on Ocrevus."), 0, set()))  # not weighed against it


def test_being_exhausted_asks_the_part_on_fatigue_an_answer_does_not_cover():
    recovery = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"not_covered": "The library has no reviewed figures on how long fatigue lasts after aHSCT."}
    )
    ask = read_asks("Four months after HSCT I'm still exhausted every afternoon. Is that normal?")[-1]
    assert asks_the_uncovered_part(ask, recovery)


def test_everyday_english_and_glued_words_are_not_named_as_missing():
    from assistant.flow.by_ask import missing_topic

    everyday = frozenset({"difficult", "impact"})
    assert missing_topic("Why is ataxia so difficult to treat?", LIBRARY_TERMS, everyday).words == ("ataxia",)
    assert missing_topic("Does it help theimmune system?", LIBRARY_TERMS | {"immun", "system"}).words == ()


def test_an_answers_yes_or_no_lead_is_left_out_when_the_ask_is_not_yes_or_no():
    from assistant.flow.by_ask import reviewed_blocks, yes_or_no
    from assistant.flow.cards import Citer
    from assistant.flow.person import read_context

    answer = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"answer": [{"text": "No: aHSCT gives back your own blood stem cells.", "sources": ["a-note"]}]}
    )
    how = read_asks("How is autologous HSCT different from the cells clinics sell?")[0]
    either = read_asks("Is aHSCT the same as MSCs or something else?")[0]
    same = read_asks("Is aHSCT the same as MSC therapy?")[0]
    assert not yes_or_no(how) and not yes_or_no(either) and yes_or_no(same)
    person = read_context("")
    shown = list(reviewed_blocks(answer, person, 0, Citer(), _Support(), yes_no=False))[0].text
    assert shown.startswith("aHSCT gives back your own blood stem cells")  # not "AHSCT", no "No:"
    kept = list(reviewed_blocks(answer, person, 0, Citer(), _Support(), yes_no=True))[0].text
    assert kept.startswith("No: aHSCT")


def test_an_ask_about_the_persons_own_situation_now_goes_to_their_team_without_general_sentences():
    from assistant.flow.by_ask import SITUATION, WORRY, Missing, situation_blocks
    from assistant.vocab import BlockKind

    for text in (
        "My carer had to leave the clinic. Could I continue with the treatment?",
        "My admission is next week and I have covid. Will they postpone it?",
        "Do I have to tell the hospital about the abscess?",
        "Legs weaker since I stopped my drug. What should I do now?",
    ):
        assert SITUATION.search(read_asks(text)[-1].text), text
    assert WORRY.search("The ataxia comes and goes a year after HSCT, is it something I have to worry about?")
    for text in ("What will happen during the transplant?", "Can I continue my MS drug after aHSCT?"):
        assert not SITUATION.search(text), text
    ask = read_asks("Could I continue with the treatment?")[0]
    steps: set[str] = set()
    blocks = list(situation_blocks(ask, 0, Missing(("ataxia",), True), steps))
    assert [b.kind for b in blocks] == [BlockKind.NOT_COVERED, BlockKind.NOT_COVERED, BlockKind.NEXT_STEP]
    assert "your own situation" in blocks[0].text and "ataxia" in blocks[1].text
    assert "MS team" in blocks[2].text
    assert BlockKind.NEXT_STEP not in [b.kind for b in situation_blocks(ask, 1, Missing(), steps)]


def test_an_article_the_person_read_is_said_to_be_unseen_at_the_ask_about_it():
    from assistant.flow.by_ask import unseen_item

    message = "My aunt had cells in Panama. Is it HSCT? The newspaper article calls it a cure. Is it safe?"
    asks = read_asks(message)
    assert unseen_item(message, asks) == ("article", None)  # named by no ask: said after the answers
    one = "The newspaper article calls it a cure. Is it HSCT?"
    assert unseen_item(one, read_asks(one)) == ("article", None)
    asks = read_asks("Is it safe? What does the documentary I watched show?")
    assert unseen_item("Is it safe? What does the documentary I watched show?", asks) == ("documentary", 1)
    assert unseen_item("Is HSCT safe?", read_asks("Is HSCT safe?")) is None
    # a video call is how a clinic talks to its patients, nothing the person watched
    package = "Their package has a hotel and a follow-up video call. Should she book it?"
    assert unseen_item(package, read_asks(package)) is None
    watched = "I saw a video of a man walking again after HSCT, is that real?"
    assert unseen_item(watched, read_asks(watched)) == ("video", 0)


def test_a_transplant_answer_is_not_given_for_stem_cell_injections_at_a_clinic():
    from assistant.flow.by_ask import same_kind

    answer = ReviewedAnswer.model_validate(SIDE_EFFECTS.model_dump() | {"aspect": "effectiveness"})
    message = "We paid for stem cell injections at a clinic in Rotterdam. Could it give me back my hands?"
    assert not same_kind(answer, read_asks(message)[-1], message)
    transplant = "I'm booked for HSCT in Moscow. Could it give me back my hands?"
    assert same_kind(answer, read_asks(transplant)[-1], transplant)
    cord = "Could umbilical cord cells give me back my hands?"
    assert not same_kind(answer, read_asks(cord)[0], cord)
    spine = (
        "Three months ago I had stem cells injected into my spine abroad. Could that explain my numb legs?"
    )
    assert not same_kind(answer, read_asks(spine)[-1], spine)


def test_units_after_numbers_and_how_a_question_is_put_are_no_topic():
    from assistant.flow.by_ask import missing_topic

    assert missing_topic("A hospital asks 8 lakh rupees. Is it safe?", LIBRARY_TERMS).words == ()
    recovery = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"not_covered": "The library has no reviewed figures on how long fatigue lasts after aHSCT."}
    )
    ask = read_asks("How long does recovery from HSCT take, realistically?")[0]
    assert not asks_the_uncovered_part(ask, recovery)


def test_an_ask_that_judges_a_clinic_hears_the_library_reviews_no_clinics():
    from assistant.flow.by_ask import CLINIC_NOT_COVERED, composed_blocks
    from assistant.models import Block
    from assistant.vocab import BlockKind

    ask = read_asks("One hospital in Delhi offers me stem cells. Is it a good hospital?")[-1]

    def verified():
        yield Block(
            BlockKind.ANSWER, "Clinics that sell stem cells for MS often cannot show their results [1].", (1,)
        )
        return 1

    texts = [b.text for b in composed_blocks(verified(), ask, 0, None, set())]
    assert CLINIC_NOT_COVERED in texts
    plain = read_asks("Is stem cell treatment safe?")[0]
    assert CLINIC_NOT_COVERED not in [b.text for b in composed_blocks(verified(), plain, 0, None, set())]
    blame = read_asks("My brother got an infection after cells in Kyiv. Is the institute to blame?")[-1]
    assert CLINIC_NOT_COVERED in [b.text for b in composed_blocks(verified(), blame, 0, None, set())]


def _answer(answer_id, aspect, treatment) -> ReviewedAnswer:
    return ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump() | {"id": answer_id, "aspect": aspect, "treatment": treatment}
    )


def _one_question_each(answers, vectors):
    """A reviewed-answers stand-in: each answer with one question of the given vector."""
    from types import SimpleNamespace

    import numpy as np

    return SimpleNamespace(
        answers=answers, owner=np.arange(len(answers)), vectors=np.array(vectors), threshold=0.4
    )


def test_an_ask_about_injected_cells_gets_the_nearest_cells_answer_of_the_same_aspect():
    import numpy as np

    from assistant.flow.by_ask import kindred_answer

    transplant = _answer("ahsct-disability", "effectiveness", "ahsct")
    cells = _answer("msc-work", "effectiveness", "msc")
    cells_risks = _answer("msc-risks", "risks", "msc")
    # one question each; the ask is nearest the transplant answer, then the cells' risks, then cells
    reviewed = _one_question_each([transplant, cells_risks, cells], [[1.0, 0.0], [0.9, 0.44], [0.6, 0.8]])
    ask_vector = np.array([0.95, 0.31])
    assert kindred_answer(reviewed, transplant, ask_vector) is cells  # same aspect, not the transplant
    far = np.array([0.0, -1.0])
    assert kindred_answer(reviewed, transplant, far) is None  # nothing near enough
    assert kindred_answer(reviewed, transplant, None) is None


def test_an_ask_about_that_risk_reads_the_statement_and_names_a_missing_acronym():
    from assistant.flow.by_ask import missing_topic

    message = (
        "Before HSCT I never had bone trouble, now I have AVN in both hips. Can that risk come from the HSCT?"
    )
    ask = read_asks(message)[-1]
    assert "AVN" in ask.query  # the statement that named the risk
    assert missing_topic(ask.query, LIBRARY_TERMS | {"risk"}).words == ("AVN",)
    # a typed-short library acronym is no missing topic
    assert missing_topic("Is the HST chemo hard on the heart?", LIBRARY_TERMS | {"hsct", "heart"}).words == ()


def test_a_drug_the_person_names_in_lower_case_is_no_missing_topic():
    from assistant.flow.by_ask import missing_topic

    assert missing_topic("is hsct worth it, i'm on tecfidera", LIBRARY_TERMS | {"hsct", "worth"}).words == ()


def test_a_missing_condition_acronym_is_spelled_out_for_the_reader():
    from assistant.flow.by_ask import Missing, missing_topic

    found = missing_topic("Does HSCT help NMO as well?", LIBRARY_TERMS | {"hsct", "help"})
    assert found.words == ("NMO",)
    assert found.sentence() == "The library has no reviewed information about NMO (neuromyelitis optica)."
    # an acronym without a known spelling is named as written
    assert Missing(("AVN",)).sentence() == "The library has no reviewed information about AVN."


def test_an_eligibility_ask_naming_several_criteria_gets_the_answer_that_covers_them_all():
    from types import SimpleNamespace

    from assistant.flow.by_ask import broader_answer
    from assistant.flow.person import read_context

    def answer(answer_id):
        return ReviewedAnswer.model_validate(
            SIDE_EFFECTS.model_dump() | {"id": answer_id, "aspect": "eligibility", "treatment": "ahsct"}
        )

    edss, broad = answer("ahsct-edss-limit"), answer("ahsct-who-qualifies")
    reviewed = SimpleNamespace(by_id={"ahsct-who-qualifies": broad}.get)
    several = "If the EDSS limit is 6.0 and I'm too old and have SPMS, is HSCT out for me?"
    ask = read_asks(several)[0]
    assert broader_answer(reviewed, edss, ask, read_context(several)) is broad
    one = "Is my EDSS of 6.5 too high for HSCT?"
    assert broader_answer(reviewed, edss, read_asks(one)[0], read_context(one)) is None
    assert broader_answer(reviewed, broad, ask, read_context(several)) is None  # already the broad one


def test_an_answer_on_a_clinics_safety_standards_does_not_answer_is_it_safe():
    from assistant.flow.by_ask import speaks_to

    checklist = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {
            "aspect": "decision",
            "answer": [{"text": "Private centres differ in their safety standards.", "sources": ["a-note"]}],
            "not_covered": "The library does not rate clinics.",
        }
    )
    ask = read_asks("A clinic in Mexico offers me HSCT. Is it safe?")[-1]
    assert ask.read_aspect == "risks"
    assert not speaks_to(checklist, ask)
    assert speaks_to(SIDE_EFFECTS, ask)  # an answer with its harms does
    place = read_asks("How can we check if this clinic is legal and safe?")[-1]
    assert speaks_to(checklist, place)  # a clinic's safety is its standards


def test_a_messages_only_unmatched_ask_is_matched_again_with_the_whole_message():
    from types import SimpleNamespace

    import numpy as np

    from assistant.flow.asks import Plan
    from assistant.flow.by_ask import whole_message_match
    from assistant.flow.person import read_context

    progressive = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump() | {"id": "ahsct-progressive", "aspect": "eligibility"}
    )
    message = "PPMS, 49, no active lesions for years. Is HSCT any use for me?"
    ask = read_asks(message)[0]
    seen: list[str] = []

    def match(text, vector):
        seen.append(text)
        return SimpleNamespace(answer=progressive, confidence=0.8) if "PPMS" in text else None

    reviewed = SimpleNamespace(match=match)
    plan = Plan(None, message, {message: np.ones(2), ask.query: np.ones(2)}, [], [ask], read_context(message))
    again = whole_message_match(reviewed, ask, plan)
    assert seen == [message] and again.answer_id == "ahsct-progressive" and again.aspect == "eligibility"
    plan_one = Plan(None, ask.query, {ask.query: np.ones(2)}, [], [ask], read_context(message))
    assert whole_message_match(reviewed, ask, plan_one) is ask  # nothing more to read


def test_a_risks_ask_matched_to_an_answer_without_harms_gets_the_nearest_risks_answer_of_its_treatment():
    import numpy as np

    from assistant.flow.by_ask import answer_of_its_kind

    not_harms = _answer("msc-safe-not-proof", "evidence", "msc")
    transplant_risks = _answer("ahsct-risks", "risks", "ahsct")
    cells_risks = _answer("msc-risks", "risks", "msc")
    reviewed = _one_question_each(
        [not_harms, transplant_risks, cells_risks], [[1.0, 0.0], [0.95, 0.31], [0.8, 0.6]]
    )
    ask = read_asks("Do MSCs work, and are they safe?")[-1]
    assert (ask.read_aspect, ask.treatment) == ("risks", "msc")
    near = np.array([0.9, 0.44])
    assert answer_of_its_kind(reviewed, ask, near) is cells_risks  # not the transplant's, though nearer
    assert answer_of_its_kind(reviewed, ask, np.array([0.0, -1.0])) is None


def test_an_unmatched_price_or_harms_ask_gets_its_kind_only_when_close():
    import numpy as np

    from assistant.flow.by_ask import kind_match

    not_harms = _answer("msc-safe-not-proof", "evidence", "msc")
    cells_risks = _answer("msc-risks", "risks", "msc")
    reviewed = _one_question_each([not_harms, cells_risks], [[1.0, 0.0], [0.8, 0.6]])
    ask = read_asks("are the MSC infusions safe though?")[0]
    assert (ask.read_aspect, ask.treatment, ask.answer_id) == ("risks", "msc", None)
    close = kind_match(reviewed, ask, np.array([0.9, 0.44]))  # cosine 0.98 to the risks question
    assert (close.answer_id, close.aspect) == ("msc-risks", "risks")
    loose = kind_match(reviewed, ask, np.array([0.96, -0.28]))  # 0.6: other answers may fit better
    assert loose.answer_id is None
    what = read_asks("what are MSC infusions?")[0]  # no price or harms wanted: the matcher's call
    assert kind_match(reviewed, what, np.array([0.8, 0.6])).answer_id is None
    reviewed.threshold = 1.01  # reviewed answers turned off (as the composer tests do)
    assert kind_match(reviewed, ask, np.array([0.9, 0.44])).answer_id is None


def test_an_ask_about_what_a_treatment_does_is_not_answered_by_approvals():
    from assistant.flow.by_ask import speaks_to

    approvals = _answer("fda-approved-for-ms", "regulation", "stem-cells-general")
    ask = read_asks("Can multiple sclerosis be treated with a stem cell transplant?")[0]
    assert ask.read_aspect == "effectiveness"
    assert not speaks_to(approvals, ask)  # "no product is approved" read as a no to aHSCT
    legal = read_asks("Is HSCT approved for MS in the UK?")[0]
    assert speaks_to(approvals, legal)


def test_an_ask_about_another_disease_in_a_message_about_ms_is_said_to_be_outside_the_library(
    tiny_assistant,
):
    from assistant.flow.by_ask import OTHER_CONDITION_NAMED, asks_about_another_condition

    message = "The clinic that treats my MS also offers stem cells for autism. Does it work for autism?"
    assert asks_about_another_condition(read_asks(message)[0])
    answer = tiny_assistant.ask(message)
    named = OTHER_CONDITION_NAMED.format(condition="autism")
    assert [b.text for b in answer.blocks if b.kind == "not_covered"] == [named]
    assert not [b for b in answer.blocks if b.kind == "answer"]  # no MS sentences stand in
    # another illness beside MS is context, not the subject of the ask
    assert not asks_about_another_condition(read_asks("I have MS and arthritis. Can I still have HSCT?")[0])
    assert not asks_about_another_condition(read_asks("Does HSCT help MS and also lupus?")[0])


def test_a_country_the_library_never_names_is_said_to_be_not_covered():
    from assistant.flow.by_ask import unknown_place
    from assistant.flow.person import read_context

    known = {"mexico", "sweden", "nhs"}
    message = "I live in Ireland and have RRMS. Why don't the hospitals here offer HSCT?"
    (ask,) = read_asks(message)
    assert unknown_place(ask, read_context(message), known) == "Ireland"
    # named in the ask itself
    assert unknown_place(read_asks("Is HSCT available in Poland?")[0], None, known) == "Poland"
    # a clinic judged, not where it is
    assert unknown_place(read_asks("Is the clinic in India to blame?")[0], None, known) is None
    # places the library speaks of (the UK's NHS, the US), or does name, are not missing
    scot = "I'm from Scotland. Can I get HSCT on the NHS?"
    assert unknown_place(read_asks(scot)[0], read_context(scot), known) is None
    assert unknown_place(read_asks("What are HSCT results in Sweden?")[0], None, known) is None
    # where a person lives does not bound an ask about side effects
    side = "I live in Ireland. Will HSCT make my hair fall out?"
    assert unknown_place(read_asks(side)[0], read_context(side), known) is None


def test_a_notes_word_list_answers_only_what_a_word_means():
    from assistant.flow.compose import GLOSSARY

    assert GLOSSARY.match("In the 2012 EAE review, myelin refers to the fatty coating around nerve fibres.")
    assert GLOSSARY.match("Sensitised means the immune system has learned to recognise the donor.")
    assert not GLOSSARY.match("For a person with MS, the 2012 review means that animal data are no proof.")
    assert not GLOSSARY.match("MS Australia states that no stem-cell treatment repairs myelin.")


def test_a_composed_sentence_needs_the_asks_meaning_or_one_of_its_words():
    from types import SimpleNamespace

    import numpy as np

    from assistant.flow.compose import ExtractiveComposer
    from assistant.settings import Settings

    composer = ExtractiveComposer(Settings())
    ask = np.array([1.0, 0.0])
    ctx = SimpleNamespace(query="How soon will I know if the transplant worked?", query_vector=ask, ask=None)
    far = np.array([0.2, 0.98])  # cosine 0.2
    rule = SimpleNamespace(text="Registering a firm with the FDA is a separate duty.", vector=far)
    assert not composer.near_enough(rule, ctx)
    assert composer.near_enough(SimpleNamespace(text="It worked in most people.", vector=far), ctx)
    assert composer.near_enough(SimpleNamespace(text=rule.text, vector=np.array([0.5, 0.87])), ctx)
    # an ask of a kind the rules read is held to sentences of that kind instead (on_aspect)
    risks = SimpleNamespace(query="Are MSCs safe?", query_vector=ask, ask=SimpleNamespace(aspect="risks"))
    assert composer.near_enough(rule, risks)
    # an ask of the field's words only names nothing to share
    plain = SimpleNamespace(query="Is MSC treatment right for MS?", query_vector=ask, ask=None)
    assert composer.near_enough(rule, plain)


def test_a_treatment_asked_for_ms_and_another_disease_declines_the_other_and_answers_for_ms(tiny_assistant):
    from assistant.flow.by_ask import also_another_condition

    message = "I have lupus and MS both. Could a transplant treat both at once?"
    (ask,) = read_asks(message)
    assert also_another_condition(ask)
    answer = tiny_assistant.ask(message)
    declines = [b.text for b in answer.blocks if "lupus" in b.text]
    assert len(declines) == 1 and declines[0].startswith("The library covers stem-cell treatment for MS only")
    assert also_another_condition(read_asks("Does HSCT help MS and also lupus?")[0])
    # the other disease as context of a safety question is not asked about
    assert not also_another_condition(read_asks("I have MS and arthritis, is hsct safe for me?")[0])
    assert not also_another_condition(read_asks("Does HSCT help MS?")[0])
    # a study of both diseases is asked about, not a treatment for them
    assert not also_another_condition(read_asks("What was the early study of stem cells in MS and ALS?")[0])


def test_remedies_in_everyday_words_are_named_when_the_library_lacks_them():
    from assistant.flow.by_ask import missing_topic

    known = {"stem", "cell", "help", "support", "shot", "togeth", "swear", "milk"}
    text = "Someone swears by camel milk and bee stings with stem cell shots. Does any of that help MS?"
    assert missing_topic(text, known).words[:2] == ("camel milk", "bee stings")
    assert missing_topic("Does Vitamin D help MS?", known).words == ("vitamin D",)
    # a remedy the library does speak of is not named
    assert "vitamin D" not in missing_topic("Does vitamin D help MS?", known | {"vitamin", "d"}).words


def test_a_contraction_typed_without_its_apostrophe_is_no_missing_topic():
    from assistant.flow.by_ask import missing_topic

    assert (
        missing_topic("shes so tired and cant sleep, is that normal", {"tire", "sleep", "normal"}).words == ()
    )


def test_a_message_about_another_disease_that_is_not_ms_is_declined_whatever_its_asks_say(tiny_assistant):
    message = "My uncle has MSA, not MS. Is stem cell treatment an option for him, or only for MS?"
    answer = tiny_assistant.ask(message)
    texts = [b.text for b in answer.blocks if b.kind == "not_covered"]
    assert any("MSA (multiple system atrophy)" in t for t in texts)
    assert not [b for b in answer.blocks if b.kind == "answer"]


def test_missing_words_an_answers_not_covered_line_already_names_are_not_said_twice():
    from assistant.flow.by_ask import Missing

    missing = Missing(("jabs", "ataxia"), mostly=True)
    kept = missing.besides("The library has no reviewed advice on repeating vaccinations after aHSCT.")
    assert kept.words == ("ataxia",)
    assert missing.besides("Nothing about that here.") is missing
    assert Missing(("jabs",), mostly=True).besides("No reviewed advice on vaccinations.") == Missing()


def test_a_sentence_naming_no_treatment_is_of_its_notes_kind():
    from assistant.flow.by_ask import other_treatment

    ask = read_asks("How often will I need blood tests in the first year after HSCT?")[0]
    tissue_factor = "A key factor is tissue factor, a protein on the cell surface that starts blood clotting."
    assert other_treatment(tissue_factor, ask, ("msc", "safety", "cord-cells", "biology"))
    assert not other_treatment(tissue_factor, ask, ("ahsct", "safety"))
    assert not other_treatment(tissue_factor, ask, ("ahsct", "msc", "comparison"))  # both kinds
    assert not other_treatment(tissue_factor, ask)  # an index without topics: as before


def test_typos_and_the_askers_role_are_not_named_as_missing():
    from assistant.flow.by_ask import missing_topic

    everyday = frozenset({"first", "difficult"})
    assert missing_topic("can you get it twice after the frist one?", LIBRARY_TERMS, everyday).words == ()
    assert (
        "pharmacist" not in missing_topic("I'm a hospital pharmacist. Is ataxia common?", LIBRARY_TERMS).words
    )


def test_a_misspelt_everyday_word_is_no_topic_but_a_rare_word_is():
    from assistant.flow.by_ask import _misspelt

    everyday = frozenset({"difference", "first", "until"})
    assert _misspelt("diffrence", everyday) and _misspelt("frist", everyday) and _misspelt("untill", everyday)
    assert not _misspelt("ataxia", everyday) and not _misspelt("breastfeed", everyday)


def test_a_symptom_an_effect_ask_names_and_no_effect_sentence_names_is_said_missing_first():
    from assistant.flow.by_ask import Missing, composed_blocks
    from assistant.flow.cards import Citer
    from assistant.models import Block
    from assistant.vocab import BlockKind

    citer = Citer()
    citer.number(_passage("earlier::p0", "earlier"), "")
    ask = read_asks("does aHSCT do anything for bladder problems?")[0]
    assert ask.aspect == "effectiveness"

    def verified():  # verification numbers the passages as it goes
        texts = [
            "In one cohort 54% improved after aHSCT [{n}].",
            "Early problems include bleeding from the bladder [{n}].",
            "aHSCT is not suitable for every type of MS [{n}].",
        ]
        for i, text in enumerate(texts):
            n = citer.number(_passage(f"s{i}::p0", f"s{i}"), "")
            yield Block(BlockKind.ANSWER, text.format(n=n), (n,))
        return 3

    blocks = list(composed_blocks(verified(), ask, 1, Missing(), set(), citer))
    said = [b.text for b in blocks]
    assert said[0] == "The library has no reviewed information about bladder problems."
    # the side effect does not stand in for an effect, nor does a figure; the references keep
    # only what a shown sentence cites, numbered without gaps after the earlier ask's [1]
    assert not any("bleeding" in t or "54%" in t for t in said)
    assert "aHSCT is not suitable for every type of MS [2]." in said
    assert [c.source_id for c in citer.citations()] == ["earlier", "s2"]


def test_an_effect_sentence_on_the_symptom_answers_it():
    from assistant.flow.by_ask import composed_blocks
    from assistant.models import Block
    from assistant.vocab import BlockKind

    ask = read_asks("Can stem cells help my fatigue?")[0]

    def verified():
        yield Block(BlockKind.ANSWER, "In one trial MSCs did not improve fatigue [1].", (1,))
        return 1

    blocks = list(composed_blocks(verified(), ask, 0, None, set()))
    assert blocks[0].text == "In one trial MSCs did not improve fatigue [1]."
    # words that only look like a symptom's
    from assistant.flow.by_ask import SYMPTOM_RULES

    for words in ("What do the clinic's numbers tell me?", "Does the balance of risks favour it?"):
        assert not any(rule.search(words) for rule in SYMPTOM_RULES.values()), words
    assert not any("fatigue." in b.text and b.kind == BlockKind.NOT_COVERED for b in blocks)


def test_an_ask_about_getting_it_here_gets_the_answer_for_the_persons_country():
    from assistant.flow.by_ask import local_answer
    from assistant.flow.person import read_context

    australia = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump() | {"id": "oz", "aspect": "access", "place": "Australia"}
    )

    class Library:
        answers = [SIDE_EFFECTS, australia]

    message = "I live in Brisbane. Can I get aHSCT through the public hospitals here?"
    (ask,) = read_asks(message)
    assert read_context(message).country == "Australia"
    assert local_answer(Library, ask, read_context(message)) is australia
    # not an ask about getting it there, or no country the library has an answer for
    risky = "I live in Brisbane. Is aHSCT risky here?"
    assert local_answer(Library, read_asks(risky)[0], read_context(risky)) is None
    toronto = "I live in Toronto. Can I get aHSCT here?"
    assert local_answer(Library, read_asks(toronto)[0], read_context(toronto)) is None


def test_a_place_the_person_lives_in_that_the_library_lacks_is_said_first(assistant_for_place):
    answer = assistant_for_place.ask("I live in Nairobi. Where could I get HSCT near to me?")
    assert answer.context["country"] == "Nairobi"
    missing = [b.text for b in answer.blocks if b.kind == "not_covered"]
    assert missing and "Nairobi" in missing[0], missing
    # a state of mind or a school year is no place
    from assistant.flow.person import read_context

    assert read_context("I'm in Year 11 and I am in Remission since May").country is None


@pytest.fixture(scope="module")
def assistant_for_place(tmp_path_factory):
    from conftest import shipped_settings

    from assistant.pipeline import Assistant

    return Assistant(shipped_settings(tmp_path_factory.mktemp("place")))


def _passage(pid: str, source: str):
    from assistant.models import Passage

    return Passage(
        id=pid, source_id=source, title=source, section="", text="", year=2020, type="note", url=""
    )


def test_the_gym_asks_the_exercise_an_answer_says_it_lacks():
    recovery = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {
            "aspect": "recovery",
            "not_covered": "The library has nothing reviewed on rehabilitation or exercise afterwards.",
        }
    )
    (ask,) = read_asks("how soon after hsct can i go back to lifting weights at the gym")
    assert asks_the_uncovered_part(ask, recovery)


def test_an_ask_for_an_amount_the_answer_has_no_figure_for_hears_that_first():
    from assistant.flow.by_ask import wants_a_figure_it_lacks

    advice = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {
            "aspect": "cost",
            "answer": ({"text": "Find out exactly what the price includes.", "sources": ("a-note",)},),
            "not_covered": "The library has no reviewed prices for aHSCT.",
        }
    )
    (ask,) = read_asks("Roughly what does HSCT cost in Mexico?")
    assert wants_a_figure_it_lacks(ask, advice)
    # an answer with a figure answers it; an ask for no amount is not narrowed
    assert not wants_a_figure_it_lacks(ask, SIDE_EFFECTS)
    (ask,) = read_asks("What should I check before I pay a deposit to a clinic?")
    assert not wants_a_figure_it_lacks(ask, advice)


def test_a_why_after_a_short_statement_about_the_treatment_reads_that_statement():
    message = "I have PPMS, EDSS 6.5, I use a cane. My neurologist say HSCT is not for me. Why he say this?"
    why = read_asks(message)[0]
    assert "not for me" in why.query and why.aspect != "other"


def test_a_reviewed_sentence_a_claim_card_already_says_is_not_read_again():
    from assistant.flow.by_ask import _said_in
    from assistant.models import Block
    from assistant.vocab import BlockKind

    card = Block(
        BlockKind.CARD,
        'Some clinics claim: "No donor match is needed." This is false. In monkeys, immune reactions '
        "against donor MSCs depended on the dose [2]. They also depended on how closely the tissue "
        "types matched [2].",
        (2,),
    )
    again = Block(
        BlockKind.ANSWER, "In monkeys, reactions to donor MSCs depended on the dose and tissue types [2]."
    )
    new = Block(
        BlockKind.ANSWER, "In the monkey study, immune reactions cut short how long the donor cells lasted."
    )
    assert _said_in(again, [card]) and not _said_in(new, [card])


def test_an_activity_the_library_lacks_is_named_as_a_topic():
    from assistant.flow.by_ask import Missing

    assert (
        Missing(("breastfeed",)).sentence() == "The library has no reviewed information about breastfeeding."
    )


def test_a_verb_that_goes_with_any_topic_does_not_make_a_sentence_on_topic():
    from assistant.flow.compose import on_topic

    ask = "Does Ocrevus mean I have to stop breastfeeding?"
    assert not on_topic("Stopping smoking is a low-risk step for people with MS.", ask)
    assert on_topic("Ocrelizumab is a strong drug for relapsing MS.", "Does Ocrelizumab help?")
    assert on_topic("Stopping your drug on your own carries its own risk.", "When do I stop?")


def test_asking_what_the_evidence_says_is_not_asking_the_part_an_answer_lacks():
    progressive = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"not_covered": "The library has no controlled evidence for progressive MS without inflammation."}
    )
    (ask,) = read_asks("What does the evidence say for someone with MS like my dad?")
    assert not asks_the_uncovered_part(ask, progressive)


def test_food_and_pets_ask_the_part_an_answer_says_it_lacks():
    infections = ReviewedAnswer.model_validate(
        SIDE_EFFECTS.model_dump()
        | {"not_covered": "The library has no reviewed advice on crowds, pets or food after aHSCT."}
    )
    for words in ("Do I need a special diet after HSCT, no sushi?", "Can I keep my cat after HSCT?"):
        (ask,) = read_asks(words)
        assert asks_the_uncovered_part(ask, infections), words


def test_a_drug_only_offered_is_named_as_an_option_not_as_taken():
    from assistant.flow.by_ask import drug_step
    from assistant.flow.person import read_context

    message = "My neurologist suggested Aubagio but I want the strongest thing. Am I eligible for HSCT now?"
    person = read_context(message)
    assert person.drugs == [] and person.offered == ["teriflunomide"]
    (ask,) = read_asks(message)
    (step,) = drug_step(ask, person, 0, set())
    assert step.text.startswith("You mention teriflunomide as an option:")
    taken = read_context("I'm on Aubagio and still relapsing. Am I eligible for HSCT?")
    (step,) = drug_step(read_asks("Am I eligible for HSCT?")[0], taken, 0, set())
    assert "how your MS has behaved on it" in step.text

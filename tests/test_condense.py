"""Follow-ups: a message that continues the previous turn is read as one standalone question
carrying that turn's topic; a message with its own subject is read as asked; earlier questions
are never joined to the new one."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.flow.condense import condense, condense_rule, is_follow_up, topic_words
from assistant.text import content_words

CONTINUING = [
    ("Does HSCT work for relapsing MS?", "And for the progressive kind?", "HSCT"),
    ("Tell me about the MESEMS trial.", "did it work?", "MESEMS"),
    ("What is the BEAT-MS trial?", "Is it still recruiting?", "BEAT-MS"),
    ("How much does HSCT abroad cost?", "what does that price cover?", "HSCT abroad"),
    ("Who can have HSCT for MS in the UK?", "I'm 52. Does that rule me out?", "HSCT for MS in the UK"),
    ("What did the MIST trial find?", "Were there side effects in that trial?", "MIST"),
    ("What are cord blood products?", "any approved?", "cord blood products"),
]

STANDALONE = [
    ("How much does HSCT abroad cost?", "My clinic says their cord cells are never rejected. True?"),
    ("Is HSCT on the NHS?", "Does vitamin D deficiency make MS worse?"),
    ("What did the MESEMS trial find?", "What are the risks of HSCT for MS?"),
    ("How long is recovery after HSCT?", "Is MS more common in women?"),
    ("Does HSCT stop relapses?", "My neurologist mentioned Ryoncil. What is it approved for?"),
    ("What does HSCT cost in Mexico?", "Different caller now: is stem cell therapy a cure?"),
]


@pytest.mark.parametrize(("earlier", "message", "topic"), CONTINUING)
def test_a_continuation_carries_the_earlier_topic_not_the_earlier_question(earlier, message, topic):
    query = condense(message, [(earlier, "an answer")])
    assert topic.lower() in query.lower()
    assert earlier.lower().rstrip("?.") not in query.lower()
    own = set(content_words(message)) - {"that", "it", "they", "them"}
    assert own <= set(content_words(query))  # the new message's own words are all kept


@pytest.mark.parametrize(("earlier", "message"), STANDALONE)
def test_a_message_with_its_own_subject_stands_alone(earlier, message):
    assert condense(message, [(earlier, "an answer")]) == message


def test_three_turns_are_never_glued():
    history = [("What is aHSCT?", "..."), ("What are the main risks?", "...")]
    query = condense("and what about fertility?", history)
    assert query == "and what about fertility? (about aHSCT)"
    assert "main risks" not in query


def test_the_topic_stands_in_for_it_or_that_trial_so_the_query_reads_as_one_question():
    assert condense("and did anyone die in it?", [("What did the MIST trial show?", "")]) == (
        "and did anyone die in the MIST trial?"
    )
    assert condense("what should that price include?", [("What does HSCT abroad cost?", "")]) == (
        "what should the price of HSCT abroad include?"
    )
    assert condense("is it true?", [("Do stem cells work?", "")]) == "is it true? (about stem cells)"


def test_the_subject_the_message_names_replaces_the_earlier_one_of_its_kind():
    assert topic_words("How does HSCT compare with ocrelizumab?", "and versus alemtuzumab?") == "HSCT"


def test_role_dicts_and_pairs_read_the_same():
    pairs = [("Tell me about the StarMS trial", "...")]
    dicts = [{"role": "user", "content": pairs[0][0]}, {"role": "assistant", "content": "..."}]
    assert condense("when are the results due?", pairs) == condense("when are the results due?", dicts)
    assert "StarMS" in condense_rule("when are the results due?", dicts)


def test_a_first_message_is_read_as_asked():
    assert condense("and the risks?", []) == "and the risks?"
    assert is_follow_up("and the risks?") and not is_follow_up("What are the risks of aHSCT?")


class _Vectors:
    """An embedder whose vectors make the two texts of a test as close as the test wants."""

    def __init__(self, cosine: float):
        self.cosine = cosine

    def encode(self, texts):
        import numpy as np

        return np.array([[1.0, 0.0], [self.cosine, (1 - self.cosine**2) ** 0.5]])


def test_similarity_settles_a_message_with_no_marks_either_way():
    earlier, message = (
        [("How long is recovery after HSCT?", "...")],
        "Is heavy fatigue normal for many months?",
    )
    assert condense(message, earlier, embedder=_Vectors(0.9)) != message
    assert condense(message, earlier, embedder=_Vectors(0.1)) == message


def test_the_model_rewrites_a_continuation_from_the_previous_turn_only():
    model = FakeListChatModel(responses=["What are the risks of aHSCT?"])
    history = [("Does smoking matter?", "..."), ("What is aHSCT?", "...")]
    assert condense("and the risks?", history, model) == "What are the risks of aHSCT?"


def test_a_model_reply_that_glues_the_earlier_question_is_refused():
    model = FakeListChatModel(responses=["What is aHSCT for MS and what are its risks?"])
    query = condense("and the risks?", [("What is aHSCT for MS?", "...")], model)
    assert query == "and the risks? (about aHSCT for MS)"


def test_the_model_is_not_asked_about_a_standalone_message():
    model = FakeListChatModel(responses=["WRONG"])
    message = "What did the MESEMS trial find?"
    assert condense(message, [("What is aHSCT?", "...")], model) == message


def test_asking_to_take_part_after_a_trial_continues_about_that_trial_and_its_ask_keeps_it():
    from assistant.flow.asks import read_asks

    earlier = [("What was the Israeli MSC trial in progressive MS?", "")]
    query = condense("I'm 62 with PPMS. Would I have been able to take part?", earlier)
    assert query.endswith("(about the Israeli MSC trial)")
    asks = read_asks(query)
    assert len(asks) == 1 and "Israeli MSC trial" in asks[0].query  # the ask keeps the carried topic
    # without a trial before it, joining something is a question of its own
    assert condense("Can I join?", [("Is HSCT safe?", "")]) == "Can I join? (about HSCT)"
    assert condense("How do I join a stem cell trial?", earlier) == "How do I join a stem cell trial?"


def test_a_drug_asked_about_as_a_trials_arm_continues_the_trial():
    # Kesimpta is a drug, but "the drugs they compared with" are the MIST trial's
    history = [("What did the MIST trial find?", "MIST compared aHSCT with MS drugs [1].")]
    reading = condense_rule("was Kesimpta one of the drugs they compared with?", history)
    assert "MIST" in reading
    # a drug asked about on its own is a new topic
    assert "MIST" not in condense_rule("Is Kesimpta safe in pregnancy?", history)


def test_it_in_a_follow_up_is_the_treatment_asked_about_not_the_drug_the_person_is_on():
    from assistant.flow.condense import condense_rule

    first = "My neuro has me on Ocrevus but I've been reading about HSCT. Do they do it for teenagers?"
    read = condense_rule("Ok thanks. Would it mess up my chances of having kids later?", [(first, "…")])
    assert "HSCT" in read and "Ocrevus" not in read


def test_paying_for_it_after_a_trial_means_the_treatment_the_trial_tests():
    # a trial is joined, not bought: "pay for it privately" after a question on StarMS is aHSCT
    history = [
        ("My neurologist mentioned HSCT for my RRMS.", "…"),
        ("Could I join the StarMS trial after having had cladribine?", "…"),
    ]
    reading = condense_rule("If the NHS says no, could I pay for it privately in London?", history)
    assert "aHSCT" in reading and "StarMS" not in reading
    reading = condense_rule("When will it report?", history)
    assert "StarMS" in reading

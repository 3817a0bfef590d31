"""The parrot says clinic claims with citations; the pipeline must show none of them."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.text import citation_numbers, content_words, split_sentences
from evals.metrics import answer_sentences
from evals.parrot import BUILTIN_CLAIMS, ParrotChatModel, load_claims, passages_of
from evals.runner import boilerplate, card_sentences, guard_answer, plain_sentence, settings_for

PROMPT = """<passages>
[1] MIST trial (2019, rct; What was found)
The MIST trial compared aHSCT with drugs in 110 people with relapsing MS. It was open-label.

[2] MESEMS (2021, rct; What was found)
The MESEMS trial found no reduction in new brain lesions with mesenchymal stem cells.
</passages>

Question: Do stem cells repair myelin in MS?"""


def messages():
    return [
        SystemMessage("Use ONLY the numbered passages inside <passages>."),
        HumanMessage(PROMPT),
    ]


def test_passages_are_read_from_the_prompt():
    found = passages_of(PROMPT)
    assert sorted(found) == [1, 2]
    assert found[2].startswith("The MESEMS trial found no reduction")


def test_parrot_mixes_true_sentences_and_cited_claims():
    parrot = ParrotChatModel(claims=list(BUILTIN_CLAIMS))
    text = parrot.invoke(messages()).content
    sentences = split_sentences(text)
    assert "The MIST trial compared aHSCT with drugs in 110 people with relapsing MS [1]." in sentences
    assert len(parrot.emitted) == 2
    for claim in parrot.emitted:
        assert claim in sentences
        assert citation_numbers(claim) and citation_numbers(claim)[0] in (1, 2)
    # the claim closest to the question comes first, so it sounds like an answer
    question = set(content_words("Do stem cells repair myelin in MS?"))
    assert len(question & set(content_words(parrot.emitted[0]))) >= 2


def test_parrot_stream_matches_invoke_and_is_deterministic():
    parrot = ParrotChatModel(claims=list(BUILTIN_CLAIMS))
    streamed = "".join(chunk.content for chunk in parrot.stream(messages()))
    assert streamed == parrot.invoke(messages()).content


def test_parrot_condenses_follow_ups_and_abstains_without_passages():
    parrot = ParrotChatModel(claims=list(BUILTIN_CLAIMS))
    prompt = "Conversation:\nUser: Who can get aHSCT?\n\nLast message: and the risks?\n"
    condensed = parrot.invoke(prompt + "Standalone question:").content
    assert "aHSCT" in condensed and "risks" in condensed
    assert "do not answer" in parrot.invoke("Question: hello").content


def test_claims_come_from_the_guard_test_set_or_the_builtin_list(tmp_path):
    assert load_claims(tmp_path / "missing.yaml") == list(BUILTIN_CLAIMS)
    path = tmp_path / "test.yaml"
    items = "- {text: 'Cells fix MS.', label: asserts, claim: x}\n- {text: 'No.', label: refutes}\n"
    path.write_text("items:\n" + items)
    assert load_claims(path) == ["Cells fix MS."]


# -- the full pipeline with the parrot (real index) ------------------------------------------------
QUESTIONS = (
    "Can stem cells repair the myelin damaged by MS?",
    # not a bare "Is that true?", which the claim card alone answers (no model call to test)
    "The clinic says cord blood cells can't be rejected. What do studies show about rejection?",
    "What are the risks of HSCT for MS?",
)


@pytest.fixture(scope="module")
def parrot_assistant():
    from assistant.pipeline import Assistant

    settings = settings_for()
    if not (settings.index_dir / "manifest.json").exists():
        pytest.skip("no index: run `assistant index` first")
    parrot = ParrotChatModel()
    # Reviewed answers off (threshold above 1): every ask goes to the parrot, so it speaks.
    settings = settings.model_copy(update={"answer_threshold": 1.01})
    return Assistant(settings, chat_model=parrot), parrot


@pytest.mark.parametrize("question", QUESTIONS)
def test_pipeline_shows_no_parrot_claim(parrot_assistant, question):
    assistant, parrot = parrot_assistant
    parrot.emitted.clear()
    answer = assistant.ask(question)
    assert parrot.emitted, "the parrot said no claim: the test would prove nothing"
    shown = {s.rstrip(". ") for s in split_sentences(answer.answer)}
    leaked = [c for c in parrot.emitted if c.rstrip(". ") in shown]
    assert leaked == []
    # What the parrot composed and the pipeline kept: the answer without boilerplate, card leads
    # and card corrections (registry text; the eval reports the guard's reading of those apart).
    cards = card_sentences(answer)
    body = answer_sentences(answer.answer, boilerplate(assistant))
    composed = " ".join(s for s in body if plain_sentence(s) not in cards)
    asserted = [g for g in guard_answer(assistant, composed) if g["stance"] == "asserts"]
    assert asserted == []

"""The answer flow and the retriever as LangChain Runnables (docs/API.md)."""

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.chain import answer_chain, retriever


@pytest.fixture(scope="module")
def chain(tiny_assistant):
    return answer_chain(assistant=tiny_assistant)


def test_a_langchain_chain_around_the_answer_streams_typed_blocks_then_the_answer(chain):
    ask = RunnableLambda(lambda text: {"question": text, "mode": "patient"}) | chain
    pieces = list(ask.stream("What did the MIST trial find?"))
    *blocks, final = pieces
    assert blocks and all("kind" in b and "answer" not in b for b in blocks)
    assert [b["kind"] for b in blocks] == [b["kind"] for b in final["blocks"]]
    assert final["citations"][0]["source_id"] == "mist-trial"
    assert "hazard ratio" in final["answer"] or "34" in final["answer"]


def test_invoke_returns_the_json_contract(chain):
    got = chain.invoke({"question": "Can umbilical cord cells be rejected?"})
    assert {"question", "answer", "abstained", "citations", "claims", "blocks", "asks", "context"} <= set(got)
    assert not got["abstained"] and any(c["source_id"] == "cord-rejection" for c in got["citations"])


def test_a_stated_clinic_claim_gets_its_card_through_the_chain(chain):
    got = chain.invoke("My clinic says cord cells can never be rejected. Is that true?")
    assert [c["id"] for c in got["claims"]] == ["cord-no-rejection"]


def test_history_makes_a_follow_up_and_declines_come_through(chain):
    follow, declined = chain.batch(
        [
            {"question": "did it work?", "history": [["Tell me about the MESEMS trial", "..."]]},
            {"question": "Does HSCT work for lupus?"},
        ]
    )
    assert "MESEMS" in follow["answer"] or follow["citations"][0]["source_id"] == "msc-mesems"
    assert declined["abstained"] and not declined["citations"]
    assert declined["blocks"][0]["reason"] == "other-condition"


def test_bad_input_is_a_clear_error_and_batch_can_return_it(chain):
    with pytest.raises(TypeError):
        chain.invoke({"text": "no question key"})
    got = chain.batch([{"text": 1}], return_exceptions=True)
    assert isinstance(got[0], TypeError)


def test_the_retriever_alone_opens_no_claim_guard(tiny_settings, monkeypatch):
    import assistant.pipeline as pipeline

    def no_guard(*args, **kwargs):
        raise AssertionError("the retriever must not load the claim guard")

    monkeypatch.setattr(pipeline, "load_guard", no_guard)
    docs = retriever(tiny_settings).invoke("how many deaths after aHSCT in the MIST trial?")
    assert docs and all(isinstance(d, Document) for d in docs)
    assert docs[0].metadata["source_id"] in {"mist-trial", "ahsct-meta"}
    assert (
        retriever(tiny_settings).batch(["cord cell rejection"])[0][0].metadata["source_id"]
        == "cord-rejection"
    )

"""One batched embedding per extractive answer (issue 18): the question, its asks, a claim core
stated in it and a follow-up's reading all come from a single `encode` call."""

from __future__ import annotations

import pytest

from assistant.embeddings import load_embedder
from assistant.pipeline import Assistant


def counting(embedder):
    """The real embedder, its `encode` calls recorded (after the resources are open)."""
    real, embedder.calls = embedder.encode, []

    def encode(texts):
        embedder.calls.append(list(texts))
        return real(texts)

    embedder.encode = encode
    return embedder


@pytest.fixture(scope="module")
def counted(tiny_settings):
    embedder = counting(load_embedder(tiny_settings.embedding_model))
    assistant = Assistant(tiny_settings, embedder=embedder)
    assistant.ask("What did the MIST trial find?")  # opens the index, guard and reviewed answers
    yield assistant, embedder
    assistant.close()


def _calls(counted, question: str, history=()) -> list[list[str]]:
    assistant, embedder = counted
    embedder.calls.clear()
    answer = assistant.ask(question, history)
    assert answer.blocks  # an answer was given, so every stage ran
    return embedder.calls


def test_single_ask_question_is_one_encode(counted):
    assert len(_calls(counted, "How many people died after aHSCT in the MIST trial?")) == 1


def test_several_asks_are_one_encode(counted):
    calls = _calls(counted, "What are the risks of aHSCT, and did the MESEMS trial reduce lesions?")
    assert len(calls) == 1


def test_claim_in_question_is_one_encode(counted):
    # A framed claim: the guard reads its stripped core ("cord cells cannot be rejected") too.
    question = "My clinic says umbilical cord cells cannot be rejected. Is that true?"
    calls = _calls(counted, question)
    assert len(calls) == 1
    assert any("rejected" in text and "clinic" not in text for text in calls[0])


# Marked follow-ups, and an unmarked one only its closeness in meaning to the last turn settles.
@pytest.mark.parametrize(
    "follow_up", ["and the risks?", "what did it find about lesions", "were brain lesions reduced afterwards"]
)
def test_follow_up_is_one_encode(counted, follow_up):
    history = [("What did the MESEMS trial find?", "It found no reduction in new lesions.")]
    assert len(_calls(counted, follow_up, history)) == 1


def test_several_asks_do_not_embed_the_whole_message(counted):
    # Each ask is searched on its own; the message whole is never searched, so never embedded.
    question = "What are the risks of aHSCT? And did the MESEMS trial reduce lesions?"
    (batch,) = _calls(counted, question)
    assert question not in batch
    assert "What are the risks of aHSCT?" in batch


def test_one_ask_message_is_embedded_whole(counted):
    question = "I have had MS for ten years. What did the MIST trial find?"
    (batch,) = _calls(counted, question)
    assert question in batch


def test_packed_batch_gives_each_texts_own_vector(counted):
    # The answer's batch is read as one packed sequence: every text must still get the vector
    # it gets alone (padding or neighbours must not leak into it).
    _, embedder = counted
    texts = [
        "Cost?",
        "What did the MIST trial find about disability after five years?",
        "Is aHSCT safe for MS?",
    ]
    together = embedder.encode(texts)
    padded = embedder.model.encode(texts, normalize_embeddings=True)  # the library's own way
    assert together.shape == (3, embedder.dimension)
    assert abs(together - padded).max() < 1e-5
    assert abs(together[1] - embedder.encode([texts[1]])[0]).max() < 1e-5
    # A library upgrade that breaks packing falls back to padded batches: right, but 1.6x slower.
    assert embedder._packs


def test_an_answers_texts_run_on_one_thread_and_library_batches_on_torchs_own(counted):
    # On 2 shared cores a second torch thread stalled an answer's small batch at every operation
    # (bench: p95 628 -> 65 ms with one thread); an index build's large batches keep torch's count.
    import torch

    _, embedder = counted
    embedder.encode(["Is aHSCT safe?"])
    assert torch.get_num_threads() == 1
    embedder.encode(["A passage about the MIST trial."] * (embedder.batch_size + 1))
    assert torch.get_num_threads() == embedder.threads == torch.get_num_threads()


def test_pack_rows_keep_order_and_limit():
    from assistant.embeddings import pack_rows

    assert pack_rows([10, 20, 500, 3, 600, 5], 512) == [[0, 1], [2, 3], [4], [5]]
    assert pack_rows([], 512) == []

"""Grounded answers: retrieval, fusion and diversity, verification of LLM sentences, fallbacks,
follow-ups and the JSON contract."""

from __future__ import annotations

import json
import socket
import threading

import numpy as np
import pytest
from fakes import ScriptedChat, passage_number

from assistant.cli import main
from assistant.flow.compose import stream_sentences
from assistant.flow.condense import condense_rule, is_follow_up
from assistant.flow.notices import REMINDER
from assistant.flow.retrieve import mmr, rrf
from assistant.models import Passage, ScoredPassage
from assistant.pipeline import Assistant


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("Does HSCT slow disability compared with drugs?", "mist-trial"),
        ("How many people die from a stem cell transplant for MS?", "ahsct-meta"),
        ("Did mesenchymal stem cells reduce brain lesions?", "msc-mesems"),
        ("Can umbilical cord cells be rejected?", "cord-rejection"),
        ("Is any stem cell product approved for MS by the FDA?", "fda-alert"),
        ("Does Epstein-Barr virus cause MS?", "ebv-study"),
    ],
)
def test_retrieval_finds_the_right_note(tiny_assistant, question, source):
    hits = tiny_assistant.retriever.search(question)
    assert hits[0].passage.source_id == source


def _sp(pid: str, source: str, score: float, vector) -> ScoredPassage:
    p = Passage(pid, source, "t", "s", "text", 2020, "rct", "https://x.org")
    return ScoredPassage(p, score, score, np.asarray(vector, dtype=np.float32))


def test_rrf_rewards_agreement_between_retrievers():
    fused = rrf([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert fused["a"] == fused["b"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["a"] > fused["c"] and fused["c"] == fused["d"] == pytest.approx(1 / 63)


def test_mmr_spreads_slots_across_documents():
    same = [1.0, 0.0]
    other = [0.0, 1.0]
    candidates = [
        _sp("a1", "doc-a", 1.0, same),
        _sp("a2", "doc-a", 0.99, same),
        _sp("a3", "doc-a", 0.98, same),
        _sp("b1", "doc-b", 0.7, other),
    ]
    picked = [c.passage.id for c in mmr(candidates, k=3, lam=0.75, max_per_source=2)]
    assert picked[0] == "a1" and "b1" in picked[:2]
    assert sum(p.startswith("a") for p in picked) <= 2


def test_extractive_answer_is_cited_and_verified(tiny_assistant):
    answer = tiny_assistant.ask("What did the MIST trial find about disability?")
    assert not answer.abstained and answer.backend == "extractive"
    assert answer.citations and answer.citations[0].source_id == "mist-trial"
    body = answer.answer.replace(REMINDER, "")
    assert "[1]" in body and answer.answer.rstrip().endswith(REMINDER)
    for c in answer.citations:
        assert c.quote and c.url.startswith("https://")


def test_unrelated_question_abstains(tiny_assistant):
    answer = tiny_assistant.ask("What is the best pizza in Rome?")
    assert answer.abstained and answer.citations == []
    assert "can't answer" in answer.answer and "aHSCT" in answer.answer


def _llm_assistant(tiny_settings, script) -> Assistant:
    return Assistant(tiny_settings, chat_model=ScriptedChat(script=script))


def test_llm_sentences_with_invented_numbers_no_citation_or_no_support_are_cut(tiny_settings):
    def script(prompt: str) -> str:
        n = passage_number(prompt, "disability got worse in 3 people")
        return (
            "In the MIST trial, disability got worse in 3 people after aHSCT and in 34 people "
            f"on drugs [{n}]. "
            f"In the MIST trial, disability got worse in 7 people after aHSCT [{n}]. "
            "The trial was run at hospitals in Europe. "
            f"Bananas are a good source of potassium for athletes [{n}]."
        )

    answer = _llm_assistant(tiny_settings, script).ask("What did the MIST trial find?")
    text = answer.answer
    assert "34 people on drugs [1]" in text
    assert "7 people" not in text and "Europe" not in text and "Bananas" not in text
    warning = " ".join(answer.warnings)
    assert "Removed 3 sentence(s)" in warning
    assert "number not in cited passage: 7" in warning and "no citation" in warning
    assert "not supported" in warning


def test_llm_answer_with_nothing_verifiable_falls_back_to_extractive(tiny_settings):
    answer = _llm_assistant(tiny_settings, lambda p: "Stem cells cure everything, trust me.").ask(
        "What did the MIST trial find?"
    )
    assert answer.backend == "extractive" and not answer.abstained
    assert any("composed from the sources directly" in w for w in answer.warnings)
    assert "cure everything" not in answer.answer
    assert "mist-trial" in {c.source_id for c in answer.citations}


def _refusing_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connections to it are refused


@pytest.fixture
def stalling_server():
    """Accepts connections on loopback and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("kind", ["refused", "stalled"])
def test_llm_endpoint_down_or_slow_falls_back_with_notice(tiny_settings, stalling_server, kind):
    port = _refusing_port() if kind == "refused" else stalling_server
    settings = tiny_settings.model_copy(
        update={"llm_base_url": f"http://127.0.0.1:{port}/v1", "llm_timeout_s": 1.0}
    )
    answer = Assistant(settings).ask("What did the MIST trial find?", backend="openai:test-model")
    assert answer.backend == "extractive" and not answer.abstained
    assert any("openai:test-model" in w and "failed" in w for w in answer.warnings)
    assert answer.citations[0].source_id == "mist-trial"
    assert answer.timings_ms["total"] < 15000


def test_stream_sentences_joins_stray_citations():
    chunks = ["The trial ", "found less ", "disability. ", "[2] ", "No deaths ", "were seen [1]."]
    assert list(stream_sentences(chunks)) == [
        "The trial found less disability [2].",
        "No deaths were seen [1].",
    ]


def test_follow_up_rule_carries_the_topic():
    history = [("What is aHSCT for MS?", "...")]
    assert is_follow_up("and the risks?") and not is_follow_up("What are the risks of aHSCT?")
    assert condense_rule("and the risks?", history) == "and the risks? (about aHSCT for MS)"
    assert condense_rule("What does the FDA say about cord blood?", history).startswith("What does")
    messages = [
        {"role": "user", "content": "Tell me about the MESEMS trial"},
        {"role": "assistant", "content": "..."},
    ]
    assert "MESEMS" in condense_rule("did it work?", messages)


def test_follow_up_answer_uses_the_earlier_turn(tiny_assistant):
    first = tiny_assistant.ask("Tell me about the MESEMS trial of mesenchymal stem cells")
    follow = tiny_assistant.ask("did it work?", history=[(first.question, first.answer)])
    assert "MESEMS" in follow.query
    assert follow.citations and follow.citations[0].source_id == "msc-mesems"


def test_llm_condenses_follow_ups(tiny_settings):
    def script(prompt: str) -> str:
        if "Standalone question" in prompt:
            return "What are the risks of aHSCT?"
        n = passage_number(prompt, "transplant-related mortality")
        return f"The aHSCT meta-analysis found a pooled transplant-related mortality of 2.1% [{n}]."

    answer = _llm_assistant(tiny_settings, script).ask("and the risks?", history=[("What is aHSCT?", "...")])
    assert answer.query == "What are the risks of aHSCT?"
    assert "2.1% [1]" in answer.answer


def test_json_contract(tiny_settings, capsys):
    args = [
        "--sources-dir",
        str(tiny_settings.sources_dir),
        "--index-dir",
        str(tiny_settings.index_dir),
    ]
    assert main([*args, "ask", "--json", "What did the MIST trial find?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "question",
        "answer",
        "abstained",
        "mode",
        "backend",
        "citations",
        "claims",
        "warnings",
        "timings_ms",
        "blocks",
        "asks",
        "context",
    ], "every key of the contract, in order, plus the typed blocks, the asks and the context"
    assert list(data["blocks"][0]) == ["kind", "text", "citations", "claim", "ask", "reason"]
    assert data["asks"] and {"text", "aspect", "treatment", "answer_id"} <= set(data["asks"][0])
    kinds = [b["kind"] for b in data["blocks"]]
    assert "answer" in kinds and kinds[-1] == "reminder"
    assert "\n\n".join(b["text"] for b in data["blocks"]) == data["answer"]
    assert list(data["citations"][0]) == [
        "n",
        "source_id",
        "title",
        "year",
        "url",
        "page",
        "section",
        "quote",
    ]
    assert set(data["timings_ms"]) >= {"retrieve", "compose", "verify", "total"}
    assert data["mode"] == "patient" and data["backend"] == "extractive"


def test_staff_mode_is_fuller_and_has_no_patient_reminder(tiny_assistant):
    patient = tiny_assistant.ask("What are the risks of aHSCT?")
    staff = tiny_assistant.ask("What are the risks of aHSCT?", mode="staff")
    assert staff.mode == "staff" and REMINDER not in staff.answer
    assert len(staff.citations) >= len(patient.citations)


def test_empty_question_is_refused_clearly(tiny_assistant):
    from assistant.pipeline import QuestionError

    with pytest.raises(QuestionError, match="type a question"):
        tiny_assistant.ask("   \n\t ")

"""The eval's counts for an LLM backend: its sentences shown and dropped, fallbacks and failures,
read from the notices the pipeline really writes (assistant/flow/notices.py)."""

from __future__ import annotations

from assistant.flow import notices
from assistant.llm import LLMDeadlineError
from evals.metrics import ModelCase, model_sentences
from evals.report import model_counts

MODEL = "openai:tiny"
UNVERIFIED = notices.llm_unverified(MODEL)
DEADLINE = notices.llm_failed(MODEL, LLMDeadlineError("late"))


def dropped(n: int) -> str:
    return notices.dropped([f"reason {i}" for i in range(n)])


def test_shown_sentences_count_only_in_answers_the_model_still_signs():
    cases = [
        ModelCase(True, MODEL, (dropped(2),), shown=3),  # 3 passed, 2 removed
        ModelCase(True, "extractive", (dropped(4), UNVERIFIED, dropped(1)), shown=2),  # extractive's 2
    ]
    counts = model_sentences(cases, MODEL)
    assert counts == {
        "llm_cases_asked": 2,
        "llm_sentences_shown": 3,
        "llm_sentences_dropped": 6,  # the extractive composer's 1 after the fallback is not the model's
        "llm_fell_back": 1,
        "llm_failed": 0,
    }


def test_a_failed_model_is_counted_as_a_failure_and_a_fallback():
    counts = model_sentences([ModelCase(True, "extractive", (DEADLINE, UNVERIFIED), shown=2)], MODEL)
    assert (counts["llm_failed"], counts["llm_fell_back"], counts["llm_sentences_shown"]) == (1, 1, 0)


def test_answers_the_model_never_wrote_are_not_counted():
    cases = [
        ModelCase(False, MODEL, (), shown=4),  # a reviewed answer: nothing retrieved
        ModelCase(True, MODEL, (), shown=0),  # nothing relevant: "not covered"
        ModelCase(True, "extractive", (notices.llm_unverified("ollama:other"),), shown=2),  # another model
    ]
    assert set(model_sentences(cases, MODEL).values()) == {0}


def test_the_report_adds_the_counts_for_llm_backends_only():
    case = {
        "timings_ms": {"retrieve": 12},
        "backend": MODEL,
        "warnings": [dropped(1)],
        "sentences": [{"card": False}, {"card": False}, {"card": True}],
    }
    counts = model_counts({"backend": MODEL, "cases": [case]})
    assert counts["llm_sentences_shown"] == 2 and counts["llm_sentences_dropped"] == 1
    assert model_counts({"backend": "extractive", "cases": [case]}) == {}

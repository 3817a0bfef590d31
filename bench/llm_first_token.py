"""Time to the first shown sentence against the model's own time to its first token.

    ASSISTANT_LLM_BASE_URL=http://127.0.0.1:8011/v1 python bench/llm_first_token.py [--n 12]

Runs patient questions through the pipeline with the `openai:smollm2` backend (the llama.cpp
server of `make llm`) and records, from the moment the question is asked:
- first token: the first token the model streams back (retrieval and the prompt come first);
- first sentence: the model's first sentence is complete (sentence assembly holds text back);
- first shown: the first verified answer block the page could show;
- whole answer: the final Answer.
Without ASSISTANT_LLM_BASE_URL the server is started on a free port for the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from langchain_core.language_models.chat_models import BaseChatModel  # noqa: E402
from langchain_core.outputs import ChatGenerationChunk  # noqa: E402

from assistant.llm import Bounded, _raw_model  # noqa: E402
from assistant.models import Answer  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.common import free_port, median, percentile, save, table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BACKEND = "openai:smollm2"
# Reviewed answers (sources/answers/) are switched off below, so every question reaches the model.
QUESTIONS = (
    "How long did people in the MIST trial stay free of disability getting worse?",
    "What infections can happen in the weeks after a stem cell transplant for MS?",
    "Did the mesenchymal cell trial change brain scan lesions?",
    "Which stem cell products has the FDA approved, and for what?",
    "Is there a link between Epstein-Barr virus and getting MS?",
    "Who is the BEAT-MS trial recruiting?",
)


class Clock(BaseChatModel):
    """Passes the raw model's stream through, noting when its first token arrives."""

    inner: BaseChatModel
    first_token: list[float] = []

    @property
    def _llm_type(self) -> str:
        return "llama.cpp"

    def _generate(self, messages, stop=None, run_manager=None, **kw):
        return self.inner._generate(messages, stop=stop, **kw)

    def _stream(self, messages, stop=None, run_manager=None, **kw):
        for chunk in self.inner.stream(messages, stop=stop, **kw):
            if chunk.content and len(self.first_token) < 1:
                self.first_token.append(time.perf_counter())
            yield ChatGenerationChunk(message=chunk)


class SentenceClock(Bounded):
    """Bounded, noting when its first finished sentence leaves it."""

    first_sentence: list[float] = []

    def _stream(self, messages, stop=None, run_manager=None, **kw):
        for piece in super()._stream(messages, stop=stop, **kw):
            if not self.first_sentence:
                self.first_sentence.append(time.perf_counter())
            yield piece


def one(settings: Settings, assistant: Assistant, question: str) -> dict:
    clock = Clock(inner=_raw_model(BACKEND, settings))
    model = SentenceClock(inner=clock, deadline_s=settings.llm_timeout_s)
    assistant._chat_model = model  # the Assistant reads it per question
    started, shown, answer = time.perf_counter(), None, None
    for piece in assistant.stream(question):
        if isinstance(piece, Answer):
            answer = piece
        elif shown is None and getattr(piece, "kind", "") == "answer":
            shown = time.perf_counter()

    def ms(t):
        return None if t is None else (t - started) * 1000

    return {
        "first_token": ms(clock.first_token[0] if clock.first_token else None),
        "first_sentence": ms(model.first_sentence[0] if model.first_sentence else None),
        "first_shown": ms(shown),
        "total": ms(time.perf_counter()),
        "backend": answer.backend,
        "retrieve": answer.timings_ms.get("retrieve"),
    }


def server_url() -> tuple[str, object]:
    if os.environ.get("ASSISTANT_LLM_BASE_URL"):
        return os.environ["ASSISTANT_LLM_BASE_URL"], None
    import importlib.util

    spec = importlib.util.spec_from_file_location("llm_server", ROOT / "scripts" / "llm_server.py")
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    port = free_port()
    return f"http://127.0.0.1:{port}/v1", server.start(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=len(QUESTIONS), help="how many of the questions")
    args = parser.parse_args()
    url, proc = server_url()
    try:
        # answer_threshold above any match: no reviewed answer, the model composes every one
        settings = Settings(llm_base_url=url, llm_timeout_s=120, answer_threshold=2.0).resolve(ROOT)
        assistant = Assistant(settings)
        one(settings, assistant, "What is aHSCT?")  # warm: embedder, index and guard
        rows = [one(settings, assistant, q) for q in QUESTIONS[: args.n]]
    finally:
        if proc is not None:
            proc.terminate()
    report(rows)


def report(rows: list[dict]) -> None:
    def stats(key):
        values = [r[key] for r in rows if r[key] is not None]
        if not values:
            return {}
        return {"p50": round(median(values)), "p95": round(percentile(values, 95)), "n": len(values)}

    shown = [r for r in rows if r["first_shown"] is not None and r["backend"] != "extractive"]
    gap = [r["first_shown"] - r["first_token"] for r in shown if r["first_token"] is not None]
    gap_sentence = [r["first_shown"] - r["first_sentence"] for r in shown if r["first_sentence"] is not None]
    data = {
        "questions": len(rows),
        "answered_by_model": len(shown),
        "fell_back": sum(r["backend"] == "extractive" for r in rows),
        **{key: stats(key) for key in ("retrieve", "first_token", "first_sentence", "first_shown", "total")},
        "shown_after_first_token_ms": {"p50": round(median(gap))} if gap else {},
        "shown_after_first_sentence_ms": {"p50": round(median(gap_sentence))} if gap_sentence else {},
    }
    save("llm_first_token", data)
    out = []
    for key in ("retrieve", "first_token", "first_sentence", "first_shown", "total"):
        if data[key]:
            out.append((f"{key} p50 / p95 (ms)", f"{data[key]['p50']} / {data[key]['p95']}", "", None))
    if gap:
        out.append(("first shown - first token p50 (ms)", str(round(median(gap))), "", None))
    if gap_sentence:
        out.append(("first shown - first sentence p50 (ms)", str(round(median(gap_sentence))), "", None))
    out.append(("answered by the model / fell back", f"{len(shown)} / {data['fell_back']}", "", None))
    table(out)


if __name__ == "__main__":
    main()

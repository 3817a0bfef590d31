"""The LLM backend's bounds, against a loopback OpenAI-compatible stub (no real model):
a whole-answer deadline that a trickling endpoint cannot stretch, the token cap sent under the
name llama.cpp's server reads, and no cut-off sentence shown when the server stops at the cap.

The same cap is checked against the real llama.cpp server in tests/llm/.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.llm import LLMDeadlineError, chat_model
from assistant.pipeline import Assistant

MIST = "What did the MIST trial find?"


def _event(content: str, finish: str | None = None) -> bytes:
    body = {
        "id": "stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


@pytest.fixture
def stub():
    """`state["words"]` are sent one every `state["gap"]` seconds; `state["finish"]` ends them.
    `state["hold"]` seconds of silence come first (no status line, no headers)."""
    state = {"words": [], "gap": 0.0, "finish": "stop", "bodies": [], "hold": 0.0}
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 (http.server's naming)
            state["bodies"].append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            if stop.wait(state["hold"]):
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for word in state["words"]:
                    if stop.wait(state["gap"]):
                        return
                    self.wfile.write(_event(word))
                    self.wfile.flush()
                self.wfile.write(_event("", state["finish"]) + b"data: [DONE]\n\n")
            except OSError:  # the client hung up: the point of the deadline
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], state
    stop.set()
    server.shutdown()
    server.server_close()


def _settings(tiny_settings, port: int, **update):
    return tiny_settings.model_copy(update={"llm_base_url": f"http://127.0.0.1:{port}/v1", **update})


def test_a_trickling_endpoint_cannot_hold_the_answer_past_the_deadline(tiny_settings, stub):
    port, state = stub
    state["words"], state["gap"] = ["The ", "MIST ", "trial ", "found "] * 10, 0.4  # 16 s in all
    model = chat_model("openai:stub", _settings(tiny_settings, port, llm_timeout_s=1.5))
    started = time.monotonic()
    with pytest.raises(LLMDeadlineError):
        list(model.stream("Say something."))
    # Each read arrives well inside the HTTP read timeout; only the whole-answer deadline stops it.
    assert time.monotonic() - started < 2.5


def test_a_silent_endpoint_cannot_hold_the_first_token_past_the_deadline(tiny_settings, stub):
    port, state = stub
    state["words"], state["hold"] = ["Late."], 20.0  # connected, then nothing at all
    model = chat_model("openai:stub", _settings(tiny_settings, port, llm_timeout_s=1.5))
    started = time.monotonic()
    with pytest.raises(LLMDeadlineError):
        list(model.stream("Say something."))
    assert time.monotonic() - started < 2.5


def test_a_trickled_answer_falls_back_to_extractive_with_a_notice(tiny_settings, tiny_assistant, stub):
    port, state = stub
    state["words"], state["gap"] = ["In the MIST trial, ", "disability ", "got ", "worse "] * 10, 0.4
    assistant = Assistant(_settings(tiny_settings, port, llm_timeout_s=1.5), embedder=tiny_assistant.embedder)
    assistant.__dict__["guard"] = tiny_assistant.guard
    started = time.monotonic()
    answer = assistant.ask(MIST, backend="openai:stub")
    assert time.monotonic() - started < 8, "the answer waited for the trickle"
    assert answer.backend == "extractive" and not answer.abstained
    assert any("openai:stub" in w and "LLMDeadlineError" in w for w in answer.warnings)
    assert answer.citations[0].source_id == "mist-trial"


def test_the_cap_is_sent_as_max_tokens(tiny_settings, stub):
    port, state = stub
    state["words"] = ["Fine [1]. "]
    list(chat_model("openai:stub", _settings(tiny_settings, port)).stream("Hi"))
    body = state["bodies"][-1]
    # llama.cpp's server reads only max_tokens; langchain-openai alone sends max_completion_tokens.
    assert body["max_tokens"] == body["max_completion_tokens"] > 0


def test_a_sentence_cut_off_at_the_cap_is_not_shown(tiny_settings, stub):
    port, state = stub
    state["words"] = ["Disability ", "got ", "worse ", "in ", "3 ", "people [1]. ", "Deaths ", "were ", "2."]
    state["finish"] = "length"
    text = "".join(c.content for c in chat_model("openai:stub", _settings(tiny_settings, port)).stream("Hi"))
    assert text == "Disability got worse in 3 people [1]. "


def test_a_finished_answer_is_passed_on_whole(tiny_settings, stub):
    port, state = stub
    state["words"] = ["No ", "deaths ", "were ", "reported [1]. ", "Disability ", "got ", "worse [2]."]
    text = "".join(c.content for c in chat_model("openai:stub", _settings(tiny_settings, port)).stream("Hi"))
    assert text == "No deaths were reported [1]. Disability got worse [2]."

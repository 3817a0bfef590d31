"""Chat models by configuration: `ollama:<model>` or `openai:<model>` (any OpenAI-compatible server).

Every model is wrapped in `Bounded`, which enforces what real servers do not:
- one deadline for the whole answer (connect, first token, last token): the HTTP client's timeout
  is per read, so an endpoint that trickles a token every few seconds would otherwise hold the
  answer for as long as it likes;
- when the server stops at the token cap, the unfinished last sentence is dropped rather than
  shown cut off (a cut number such as "2" from "21%" must never reach the page).
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from .settings import Settings

# Text up to here is a finished sentence: end mark (or a closing citation) and then a space.
SENTENCE_END = re.compile(r"[.!?\]][\"')\]]*\s+")
STOPPED_AT_CAP = ("length", "max_tokens")


class BackendError(ValueError):
    pass


class LLMDeadlineError(TimeoutError):
    """The model did not finish its answer within the deadline."""


def chat_model(backend: str, settings: Settings) -> BaseChatModel:
    """The configured model, bounded by `llm_timeout_s` for a whole answer."""
    return Bounded(inner=_raw_model(backend, settings), deadline_s=settings.llm_timeout_s)


def _raw_model(backend: str, settings: Settings) -> BaseChatModel:
    kind, _, model = backend.partition(":")
    if not model:
        raise BackendError(f"unknown backend '{backend}': use extractive, ollama:<model> or openai:<model>")
    # Without a cap a small model that never stops writes until the context is full (2,010
    # tokens measured on llama.cpp); Settings.llm_max_tokens (400) leaves room for 3-8 sentences.
    cap = settings.llm_max_tokens
    if kind == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=model,
            base_url=settings.llm_base_url or None,
            temperature=settings.llm_temperature,
            num_predict=cap,
            client_kwargs={"timeout": settings.llm_timeout_s},
        )
    if kind == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=0,
            # langchain-openai sends the cap only as `max_completion_tokens`, which llama.cpp's
            # server ignores; `max_tokens` is the name every OpenAI-compatible server reads.
            max_completion_tokens=cap,
            extra_body={"max_tokens": cap},
        )
    raise BackendError(f"unknown backend '{backend}': use extractive, ollama:<model> or openai:<model>")


class Bounded(BaseChatModel):
    """Wraps a chat model: a deadline for the whole answer; no cut-off sentence at the cap."""

    inner: BaseChatModel
    deadline_s: float

    @property
    def _llm_type(self) -> str:
        return self.inner._llm_type

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop=stop, **kw))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages, stop=None, run_manager=None, **kw: Any) -> Iterator[ChatGenerationChunk]:
        held = ""  # text since the last finished sentence
        for chunk in _within(self.inner.stream(messages, stop=stop, **kw), self.deadline_s):
            held += _text(chunk.content)
            done = _finished_prefix(held)
            if done:
                held = held[len(done) :]
                yield _piece(done)
            if _stop_reason(chunk) in STOPPED_AT_CAP:
                # Cut off mid-sentence: drop the unfinished part, even one ending in "2." (of 2.1%).
                return
        if held:
            yield _piece(held)


def _within(chunks: Iterator, deadline_s: float) -> Iterator:
    """The chunks of `chunks`, read on a worker thread; LLMDeadlineError once the deadline passes.

    The worker stops reading at the next chunk after the deadline; a server that sends nothing
    more is left to the HTTP client's own read timeout.
    """
    box: queue.Queue = queue.Queue()
    stop = threading.Event()
    end = object()

    def pump():
        try:
            for chunk in chunks:
                if stop.is_set():
                    break
                box.put(chunk)
        except BaseException as exc:  # handed to the reader, who raises it
            box.put(exc)
        finally:
            box.put(end)
            close = getattr(chunks, "close", None)
            if close:
                close()

    threading.Thread(target=pump, name="llm-stream", daemon=True).start()
    until = time.monotonic() + deadline_s
    try:
        while True:
            try:
                item = box.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                raise LLMDeadlineError(f"no complete answer within {deadline_s:g} s") from None
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _finished_prefix(text: str) -> str:
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    return text[: ends[-1]] if ends else ""


def _stop_reason(chunk) -> str | None:
    meta = getattr(chunk, "response_metadata", None) or {}
    return meta.get("finish_reason") or meta.get("done_reason")


def _piece(text: str) -> ChatGenerationChunk:
    return ChatGenerationChunk(message=AIMessageChunk(content=text))


def _text(content) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)

"""The assistant as LangChain Runnables, for developers who build on it (docs/API.md).

    from assistant.chain import answer_chain, retriever

    chain = answer_chain()                      # the whole answer: guard, verification, abstention
    chain.invoke({"question": "What are the risks of aHSCT?"})          # -> the Answer dict
    for piece in chain.stream({"question": "...", "history": [...]}):   # typed blocks, then the Answer
        ...
    chain.batch([{"question": "..."}, {"question": "..."}])

    docs = retriever().invoke("MIST trial results")   # the hybrid retriever alone: LangChain Documents

`answer_chain` is the product (each sentence checked against its source, clinic claims met with
their cards, declines and abstentions); `retriever` is only the search under it, opened without
the claim guard or the reviewed answers, so it starts in the time the embedder and index take.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import get_config_list

from .flow.condense import bounded_history
from .models import Answer
from .settings import Settings

__all__ = ["AnswerChain", "answer_chain", "retriever"]


class AnswerChain(Runnable[dict, dict]):
    """Input: {"question": str, "history": [[question, answer], ...] | [{"role", "content"}, ...],
    "mode": "patient" | "staff", "backend": optional}; a bare string is a question.
    `invoke` returns the Answer as its JSON dict; `stream` yields each block's dict (it has a
    "kind") as it passes its checks, then the Answer dict (it has an "answer")."""

    def __init__(self, assistant) -> None:
        self.assistant = assistant

    @property
    def InputType(self) -> type:  # noqa: N802  (LangChain's name)
        return dict

    @property
    def OutputType(self) -> type:  # noqa: N802
        return dict

    def invoke(self, input: dict | str, config: RunnableConfig | None = None, **kwargs: Any) -> dict:
        return self._call_with_config(self._answer, input, config)

    def stream(
        self, input: dict | str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict]:
        yield from self._transform_stream_with_config(iter([input]), self._pieces, config)

    def batch(
        self,
        inputs: list[dict | str],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[dict]:
        # One after another: the models are shared and the answer stages are CPU-bound.
        out: list = []
        for item, cfg in zip(inputs, get_config_list(config, len(inputs)), strict=True):
            try:
                out.append(self.invoke(item, cfg))
            except Exception as exc:
                if not return_exceptions:
                    raise
                out.append(exc)
        return out

    def _answer(self, input: dict | str) -> dict:
        question, history, mode, backend = _request(input, self.assistant.settings)
        return self.assistant.ask(question, history, mode, backend).to_dict()

    def _pieces(self, inputs: Iterator[dict | str]) -> Iterator[dict]:
        for item in inputs:
            question, history, mode, backend = _request(item, self.assistant.settings)
            for piece in self.assistant.stream(question, history, mode, backend):
                yield piece.to_dict()  # a Block's dict, then the Answer's
                if isinstance(piece, Answer):
                    break


def _request(input: dict | str, settings: Settings) -> tuple[str, Sequence, str, str | None]:
    if isinstance(input, str):
        return input, (), "patient", None
    if not isinstance(input, dict) or not isinstance(input.get("question"), str):
        raise TypeError('the answer chain takes {"question": str, "history": [...], "mode": ...}')
    # Only the last turns are read, as on the page and the API (settings.max_history_*).
    history = bounded_history(input.get("history"), settings.max_history_turns, settings.max_history_chars)
    return input["question"], history, input.get("mode") or "patient", input.get("backend")


def answer_chain(settings: Settings | None = None, assistant=None) -> AnswerChain:
    """The whole answer flow as a Runnable. Pass an `Assistant` to share one already loaded
    (the page, a server); otherwise one is made from `settings` (default: the environment) and
    opens its models on the first question."""
    if assistant is None:
        from .pipeline import Assistant

        assistant = Assistant(settings)
    return AnswerChain(assistant)


def retriever(settings: Settings | None = None):
    """The hybrid retriever (dense + BM25, fused, evidence-weighted, diverse) as a LangChain
    retriever: `invoke(query)` returns `Document`s whose metadata hold source_id, title, year,
    url, page or section and the score. Opens the embedder and the index only."""
    from .pipeline import Assistant

    return Assistant(settings).retriever

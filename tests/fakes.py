"""Chat models for tests: answers are scripted from the prompt the pipeline sends."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


class ScriptedChat(BaseChatModel):
    """Calls `script(prompt_text)` and streams the reply word by word."""

    script: Callable[[str], str]

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw) -> ChatResult:
        text = self.script("\n".join(str(m.content) for m in messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages, stop=None, run_manager=None, **kw) -> Iterator[ChatGenerationChunk]:
        text = self.script("\n".join(str(m.content) for m in messages))
        for word in re.findall(r"\S+\s*", text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))


def passage_number(prompt: str, words: str) -> int:
    """The [n] of the first numbered passage in the prompt whose text contains `words`."""
    blocks = re.split(r"\n\n(?=\[\d+\] )", prompt.split("<passages>")[-1].split("</passages>")[0])
    for block in blocks:
        match = re.match(r"\s*\[(\d+)\]", block)
        if match and words.lower() in block.lower():
            return int(match.group(1))
    raise AssertionError(f"no passage with {words!r} in the prompt")

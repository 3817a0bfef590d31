"""The LLM path against llama.cpp's server and SmolLM2-135M: mechanics, not answer quality.

Whatever the real model writes, every sentence shown must be cited and verified, invented numbers
and clinic claims must not be shown, and an unusable reply must fall back to the extractive
answer with a notice. Some tests steer the model into a known failure (list numbers as "[1]",
no citations, citations to passages that do not exist, echoing the passages) by replacing the
system prompt; each checks first that the model really misbehaved, so it cannot pass vacuously.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOTES
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import SystemMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from assistant.llm import chat_model
from assistant.models import Answer
from assistant.pipeline import Assistant
from assistant.text import CITATION, numbers, strip_citations

from .conftest import MODEL, ROOT

MIST = "What did the MIST trial find?"
QUESTIONS = (MIST, "What are the risks of aHSCT?", "Can donor umbilical cord cells be rejected?")
CITED_END = re.compile(r"\[\d+(?:, \d+)*\][.!?]$")
NOTE_NUMBERS = {sid: numbers(body) for sid, (_, _, _, body) in NOTES.items()}
FELL_BACK = ("composed from the sources directly",)


class Tap(BaseChatModel):
    """Passes a model through, keeping what it wrote; `system` replaces the system prompt."""

    inner: BaseChatModel
    system: str = ""
    say: str = ""  # forces this exact reply through llama.cpp's grammar support
    replies: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "llama.cpp"

    def _generate(self, messages, stop=None, run_manager=None, **kw) -> ChatResult:
        return self.inner._generate(self._steer(messages), stop=stop, **kw)

    def _stream(self, messages, stop=None, run_manager=None, **kw):
        self.replies.append("")
        if self.say:  # GBNF: the one string the model may produce (json.dumps escapes it)
            kw["extra_body"] = {"max_tokens": 400, "grammar": f"root ::= {json.dumps(self.say)}"}
        for chunk in self.inner.stream(self._steer(messages), stop=stop, **kw):
            self.replies[-1] += chunk.text
            yield ChatGenerationChunk(message=chunk)

    def _steer(self, messages):
        if not self.system:
            return messages
        return [SystemMessage(self.system) if isinstance(m, SystemMessage) else m for m in messages]


def _assistant(llm_settings, tiny_assistant, system: str = "", say: str = "") -> tuple[Assistant, Tap]:
    tap = Tap(inner=chat_model(MODEL, llm_settings), system=system, say=say)
    assistant = Assistant(llm_settings, embedder=tiny_assistant.embedder, chat_model=tap)
    assistant.__dict__["guard"] = tiny_assistant.guard  # fitted once for the tiny library
    return assistant, tap


def _composed(answer: Answer) -> list[str]:
    """The answer sentences shown (not claim cards, notices or the reminder)."""
    return [b.text for b in answer.blocks if b.kind == "answer"]


def _plain(text: str) -> str:
    return " ".join(strip_citations(text).lower().rstrip(".!?").split())


def assert_shown_sentences_are_safe(answer: Answer, tap: Tap) -> None:
    """Every composed sentence is cited, its numbers are in the cited note, and it is the model's
    own sentence (or, after a fallback, the notice says the answer came from the sources)."""
    fell_back = any(any(f in w for f in FELL_BACK) for w in answer.warnings)
    assert answer.backend == "extractive" if fell_back else answer.backend != "extractive"
    raw = _plain(" ".join(tap.replies))
    for sentence in _composed(answer):
        assert CITED_END.search(sentence), f"shown without a citation: {sentence!r}"
        cited = [int(n) for g in CITATION.findall(sentence) for n in re.split(r"[,;]\s*", g)]
        assert all(1 <= n <= len(answer.citations) for n in cited), sentence
        held = set().union(*(NOTE_NUMBERS[answer.citations[n - 1].source_id] for n in cited))
        assert numbers(strip_citations(sentence)) <= held, f"number not in the cited note: {sentence!r}"
        if not fell_back:
            assert _plain(sentence) in raw, f"not the model's sentence: {sentence!r}"


# -- the server itself ----------------------------------------------------------------------------
def test_server_streams_token_by_token_and_reports_no_usage(llm_url):
    raw = ChatOpenAI(model="smollm2", base_url=llm_url, api_key="x", temperature=0, max_retries=0)
    chunks = list(raw.stream("Name three colours.", extra_body={"max_tokens": 24}))
    assert sum(bool(c.content) for c in chunks) > 5, "the reply came in one piece, not streamed"
    assert all(not c.usage_metadata for c in chunks), "llama.cpp now reports usage when streaming"


def test_the_token_cap_holds_on_the_real_server(llm_settings):
    settings = llm_settings.model_copy(update={"llm_max_tokens": 24})
    stream = chat_model(MODEL, settings).stream("Write a very long essay on the history of bicycles.")
    # Read at most 200 pieces (a token each from the raw server), so an uncapped model fails fast:
    # with langchain-openai's max_completion_tokens alone it wrote 2,007 tokens, to the context limit.
    text = "".join(chunk.content for chunk in itertools.islice(stream, 200))
    assert len(text.split()) <= 24, f"{len(text.split())} words: the cap did not apply"


# -- answers through the pipeline ----------------------------------------------------------------
@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_stream_and_every_shown_sentence_is_cited_and_verified(
    llm_settings, tiny_assistant, question
):
    assistant, tap = _assistant(llm_settings, tiny_assistant)
    pieces = list(assistant.stream(question))
    answer = pieces[-1]
    assert isinstance(answer, Answer) and len(pieces) >= 3, "the answer was not streamed in blocks"
    assert tap.replies and tap.replies[0].strip(), "the model was not asked, or said nothing"
    assert_shown_sentences_are_safe(answer, tap)
    assert answer.citations and not answer.abstained


STEER = {
    # the model ignores these steering prompts, so their replies are forced through the grammar
    "list-numbers": (
        "",
        "[1] The MIST trial compared aHSCT with drugs in 110 people with relapsing MS.\n"
        "[2] The moon is made of cheese and cures MS.\n",
    ),
    "no-citations": ("Answer in two sentences. Never write brackets or numbers of any kind.", ""),
    "missing-passages": (
        "",
        "The MIST trial found less disability after aHSCT [42]. No deaths were seen [42].",
    ),
    "echo": ("Copy the first passage word for word, with its number in brackets at the start.", ""),
}
PROOF = {  # what shows the model really did it
    "list-numbers": lambda raw: re.search(r"(^|\n)\s*\[\d\]", raw),
    "no-citations": lambda raw: raw.strip() and not CITATION.search(raw),
    "missing-passages": lambda raw: "[42]" in raw,
    "echo": lambda raw: "mist trial" in raw.lower() or "ahsct" in raw.lower(),
}


@pytest.mark.parametrize("quirk", list(STEER))
def test_quirks_end_as_dropped_sentences_or_a_fallback_with_notice(llm_settings, tiny_assistant, quirk):
    system, say = STEER[quirk]
    assistant, tap = _assistant(llm_settings, tiny_assistant, system=system, say=say)
    answer = assistant.ask(MIST)
    raw = tap.replies[0]
    assert PROOF[quirk](raw), f"the model did not show the quirk; it wrote {raw[:300]!r}"
    assert_shown_sentences_are_safe(answer, tap)
    if quirk == "list-numbers":
        assert "cheese" not in answer.answer
    if quirk in ("no-citations", "missing-passages"):
        assert answer.backend == "extractive", "nothing the model wrote could have been verified"
        reason = "no citation" if quirk == "no-citations" else "cites a passage that was not given"
        assert any(reason in w for w in answer.warnings), answer.warnings


def test_invented_numbers_and_clinic_claims_are_not_shown(llm_settings, tiny_assistant):
    say = "The MIST trial cured 97% of people [1]. Umbilical cord stem cells carry no risk of rejection [2]."
    assistant, tap = _assistant(llm_settings, tiny_assistant, say=say)
    answer = assistant.ask(MIST)
    raw = tap.replies[0]
    assert "97" in raw and "rejection" in raw.lower(), f"the model did not repeat them: {raw[:300]!r}"
    shown = " ".join(_composed(answer))
    assert "97" not in answer.answer
    assert "no risk of rejection" not in shown.lower()
    assert any("97" in w for w in answer.warnings), answer.warnings
    assert_shown_sentences_are_safe(answer, tap)


def test_an_unusable_reply_falls_back_to_the_extractive_answer_with_a_notice(llm_settings, tiny_assistant):
    assistant, tap = _assistant(llm_settings, tiny_assistant, say="Banana banana banana. Banana!")
    answer = assistant.ask(MIST)
    assert "banana" in tap.replies[0].lower(), tap.replies[0][:300]
    assert answer.backend == "extractive" and "banana" not in answer.answer.lower()
    assert any("No sentence from" in w for w in answer.warnings), answer.warnings
    assert answer.citations[0].source_id == "mist-trial"


# -- the page and the CLI --------------------------------------------------------------------------
def test_the_page_streams_an_answer_from_the_real_server(llm_settings, tiny_assistant):
    from assistant.ui.page import ChatPage

    settings = llm_settings.model_copy(update={"backend": MODEL})
    assistant = Assistant(settings, embedder=tiny_assistant.embedder)
    assistant.__dict__["guard"] = tiny_assistant.guard
    updates = list(ChatPage(assistant.settings, assistant).respond(MIST, [], "patient", {}))
    assert len(updates) >= 3, "the page got the answer in one go"
    html = updates[-1][0][-1]["content"]
    assert "MIST" in html and "Traceback" not in html


def test_the_cli_answers_through_the_real_server(llm_settings):
    env = {
        **os.environ,
        "ASSISTANT_BACKEND": MODEL,
        "ASSISTANT_LLM_BASE_URL": llm_settings.llm_base_url,
        "ASSISTANT_LLM_TIMEOUT_S": "120",
    }
    args = ["--sources-dir", str(llm_settings.sources_dir), "--index-dir", str(llm_settings.index_dir)]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "assistant"), *args, "ask", MIST, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"backend": "openai:smollm2"' in done.stdout or "composed from the sources directly" in done.stdout
    assert "mist-trial" in done.stdout

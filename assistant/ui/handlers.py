"""The ChatPage: the event handlers of one app (ask, ask again, stop, the /ask API, the mode
switch), with the index reload (reload.py) and the ratings (rating.py) mixed in."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import gradio as gr

from ..draft import draft_reply
from ..feedback import FeedbackStore
from ..flow.condense import bounded_history
from ..library import Library
from ..models import Answer, Block
from ..pipeline import Assistant
from ..settings import Settings
from .logs import log_failure
from .messages import (
    STOPPED,
    error_message,
    message_text,
    own_turns,
    turn_record,
    typed_text,
    user_markdown,
)
from .rating import FeedbackHandlers
from .reload import IndexReload
from .render import render_answer, render_error

log = logging.getLogger(__name__)


class ChatPage(IndexReload, FeedbackHandlers):
    """Event handlers of one app: one Assistant, one library summary, one feedback store.

    Before each answer the page compares the index's manifest with the one its Assistant opened;
    after a rebuild it opens a fresh Assistant (the embedding model is kept), so an answer comes
    wholly from the old index or wholly from the new one, never from a mix.
    """

    def __init__(self, settings: Settings, assistant: Assistant):
        self.settings = settings
        self.assistant = assistant
        self.library = Library.load(settings)
        self.store = FeedbackStore(settings.feedback_db)
        self.opened_version = self._manifest_version()

    # chat ----------------------------------------------------------------------------------
    def respond(self, question: str, messages: list, mode: str, turns: dict) -> Iterator[tuple]:
        """Stream one answer into the chat; outputs: chat, box, status, draft, turns."""
        question = (question or "").strip()
        if not question:
            error = render_error("Please type a question first.")
            yield messages, gr.skip(), error, gr.skip(), turns
            return
        turns = own_turns(messages, turns)  # never another client's, under a reused session id
        messages = [*messages, {"role": "user", "content": user_markdown(question)}, None]
        index = len(messages) - 1  # the answer's place, also the index a thumbs click reports
        answer = None
        for html_text, answer in self._answer_html(question, mode, turns, f"a{index}"):  # noqa: B007
            messages[index] = {"role": "assistant", "content": html_text}
            yield messages, "", "", gr.skip(), turns
        if answer is None:  # failed: the message says so, and there is nothing to rate
            return
        draft = draft_reply(answer, self.library) if mode == "staff" else ""
        yield messages, "", "", draft or gr.skip(), {**turns, index: turn_record(answer)}

    def retry(self, messages: list, mode: str, turns: dict) -> Iterator[tuple]:
        """Ask the last question again, in place of its answer (after a stop or a failure)."""
        asked = [i for i, m in enumerate(messages) if m and m.get("role") == "user"]
        if not asked:
            yield (
                messages,
                gr.skip(),
                render_error("There is no question to ask again yet."),
                gr.skip(),
                turns,
            )
            return
        last = asked[-1]
        question = typed_text(message_text(messages[last]))
        turns = {k: v for k, v in turns.items() if k <= last}
        yield from self.respond(question, messages[:last], mode, turns)

    @staticmethod
    def stopped(messages: list):
        """The answer being written when Stop was pressed says so, instead of 'Checking…'."""
        note = {"role": "assistant", "content": render_error(STOPPED)}
        last = messages[-1] if messages else None
        if last and last.get("role") == "user":  # stopped before the answer began
            return [*messages, note]
        if last and last.get("role") == "assistant" and 'class="working"' in message_text(last):
            return [*messages[:-1], note]
        return messages

    def _answer_html(self, question: str, mode: str, turns: dict, aid: str):
        """(html, final Answer or None) after each streamed piece; a plain message on failure."""
        history = [(t["question"], t["answer"]) for _, t in sorted(turns.items())]
        blocks: list[Block] = []
        yield render_answer(aid, blocks, None, self.library), None
        try:
            assistant = self.current()
            for piece in assistant.stream(question, history, mode):
                if isinstance(piece, Answer):
                    yield render_answer(aid, blocks, piece, self.library), piece
                else:
                    blocks.append(piece)
                    yield render_answer(aid, blocks, None, self.library), None
        except Exception as exc:  # the page shows a plain message; the log keeps type and stack
            log_failure(log, "answer failed", exc)
            yield render_error(error_message(exc)), None

    def ask_api(self, question: str, history: list | None = None, mode: str = "patient") -> dict:
        """Answer with citations as JSON; history is [[question, answer], ...] of earlier turns."""
        settings = self.settings
        history = bounded_history(history, settings.max_history_turns, settings.max_history_chars)
        try:
            answer = self.current().ask(question, history, mode)
        except Exception as exc:
            log_failure(log, "api answer failed", exc)
            raise gr.Error(error_message(exc), print_exception=False) from None  # logged above
        out = answer.to_dict() | {"query": answer.query}
        if mode == "staff":
            out["draft"] = draft_reply(answer, self.library)
        return out

    # mode ----------------------------------------------------------------------------------
    def on_mode(self, mode: str):
        staff = mode == "staff"
        label = "The enquiry you received (paste or summarise it)" if staff else "Your question"
        limit = self.settings.max_staff_chars if staff else self.settings.max_question_chars
        return gr.update(visible=staff), gr.update(label=label, max_length=limit), ""

"""What the chat page says and keeps per turn: its fixed messages (errors, feedback, stop), the
Markdown/HTML escaping of user text for the Chatbot and back, the record a rating would store,
and the plain message shown for each kind of failure."""

from __future__ import annotations

import html
import re

from ..embeddings import EmbeddingError
from ..models import Answer
from ..pipeline import QuestionError
from ..sources import SourceError
from ..store import StoreError
from .reload import IndexRebuilding

# Markdown's signs, and ':' '.' '@' that make an address or e-mail a link (see user_markdown).
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:@])")
FEEDBACK_UNSAVED = (
    "Your feedback could not be saved just now (the feedback store is busy or cannot be written). "
    "Nothing was stored; your note is still here, so please try sending it again in a moment."
)
STOPPED = "You stopped this answer. Press “Ask again” to start it afresh."
ERRORS = {
    "store": "The source library is not available right now, so I can't answer safely. "
    "Please try again in a few minutes.",
    "model": "The service that reads the sources is not available right now. "
    "Please try again in a few minutes.",
    "rebuilding": "The source library is being updated right now. Please ask again in a minute.",
    "other": "Something went wrong while preparing the answer, and nothing was shown rather "
    "than an unchecked answer. Please try again, or rephrase your question.",
}


def typed_text(shown: str) -> str:
    """The question as typed, back from its `user_markdown` form (for asking it again)."""
    return html.unescape(shown)


def message_text(message: dict) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # the Chatbot hands messages back as a list of parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def user_markdown(text: str) -> str:
    """User text for the Chatbot: HTML-escaped, then each Markdown sign written as a numeric
    entity, so it shows as typed.

    Entities, not backslashes: inside a pasted address Markdown keeps a backslash as text (the
    address showed as `example\\.com`); and with ':' '.' '@' encoded no address or e-mail is
    turned into a link. `&lt;` and the like hold none of these signs, so one pass is safe.
    """
    return MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(1))};", html.escape(text, quote=False))


def own_turns(messages: list, turns: dict) -> dict:
    """The turn records that belong to the chat this client sent: the question each was given
    must be the user message just before its answer in `messages`.

    Gradio keeps `gr.State` per session id, and a session id is chosen by the client: a second
    client reusing one would otherwise read the first one's questions back (as the follow-up
    reading of its own message, or in the rating form). It cannot send a chat it has not seen.
    """

    def asked(i: int) -> str | None:
        m = messages[i] if isinstance(i, int) and 0 <= i < len(messages or []) else None
        if not isinstance(m, dict) or m.get("role") != "user":
            return None
        return " ".join(typed_text(message_text(m)).split())

    def own(i, turn) -> bool:
        shown = asked(i - 1) if isinstance(i, int) else None
        return shown is not None and isinstance(turn, dict) and shown.startswith(turn.get("question") or "\0")

    return {i: turn for i, turn in (turns or {}).items() if own(i, turn)}


def turn_record(answer: Answer) -> dict:
    """What feedback on one answer would store; kept in the browser session until then."""
    return {
        "question": answer.question,
        "query": answer.query,
        "answer": answer.answer,
        "citations": [c.to_dict() for c in answer.citations],
        "claims": [c.id for c in answer.claims],
        "abstained": answer.abstained,
        "backend": answer.backend,
        "mode": answer.mode,
    }


def error_message(exc: Exception) -> str:
    if isinstance(exc, QuestionError):
        return str(exc)
    if isinstance(exc, IndexRebuilding):
        return ERRORS["rebuilding"]
    if isinstance(exc, StoreError | SourceError):
        return ERRORS["store"]
    if isinstance(exc, EmbeddingError | ConnectionError | TimeoutError):
        return ERRORS["model"]
    return ERRORS["other"]

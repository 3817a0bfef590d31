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

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~$])")
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
    return MD_ESCAPED.sub(r"\1", html.unescape(shown))


def message_text(message: dict) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # the Chatbot hands messages back as a list of parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def user_markdown(text: str) -> str:
    """User text for the Chatbot: Markdown-escaped, then HTML-escaped, so it shows as typed.

    In this order no backslash lands inside an entity such as &lt;, which would break it.
    """
    return html.escape(MD_SPECIAL.sub(r"\\\1", text), quote=False)


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

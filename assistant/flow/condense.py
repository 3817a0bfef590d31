"""Follow-ups: turn "and the risks?" into a standalone query using the conversation so far."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import content_words

REFERRING = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there|he|she)\b", re.I)
CONTINUING = re.compile(r"^\s*(and|but|so|also|then|what about|how about|what of|ok|okay)\b", re.I)

CONDENSE_PROMPT = (
    "Rewrite the user's last message as one standalone question about stem-cell treatments for "
    "multiple sclerosis, using the conversation only to fill in what 'it', 'they', 'that' or a "
    "missing topic refer to. Reply with the question only.\n\nConversation:\n{history}\n\n"
    "Last message: {question}\nStandalone question:"
)


def user_turns(history: Sequence) -> list[str]:
    """The user's earlier messages, from (user, assistant) pairs or {'role', 'content'} dicts."""
    out = []
    for turn in history or ():
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                out.append(turn["content"])
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return out


# A short question naming none of these is about the earlier topic ("what about the risks?").
TOPIC_WORDS = set(
    content_words(
        "hsct ahsct transplant transplantation stem cells msc mscs mesenchymal cord umbilical "
        "adipose fat exosomes mesems mist beat-ms ram-ms starms fda ema clinic clinics trial "
        "trials chemotherapy myelin ocrelizumab alemtuzumab natalizumab dmt dmts ebv ryoncil "
        "progressive relapsing neurologist"
    )
)


def is_follow_up(question: str) -> bool:
    words = content_words(question)
    return (
        (len(words) <= 3 and not TOPIC_WORDS.intersection(words))
        or bool(CONTINUING.search(question))
        or (bool(REFERRING.search(question)) and len(words) <= 8)
    )


def condense_rule(question: str, history: Sequence) -> str:
    """Carry the earlier topic into a short or referring question (no LLM)."""
    topic = ""
    for earlier in user_turns(history):
        topic = f"{topic} {earlier}".strip() if is_follow_up(earlier) and topic else earlier
    if not topic or not is_follow_up(question):
        return question
    return f"{topic} {question}"


def condense(question: str, history: Sequence, model=None) -> str:
    """Stage 3: the standalone query for this turn. With a chat model, its condense prompt;
    without one (or when it fails), the rule."""
    if not user_turns(history) or not is_follow_up(question):
        return question
    if model is not None:
        lines = "\n".join(f"User: {t}" for t in user_turns(history))
        try:
            reply = model.invoke(CONDENSE_PROMPT.format(history=lines, question=question))
            text = " ".join(str(reply.content).split())
            if text and len(text) < 500:
                return text
        except Exception:  # a down model must not stop the answer; the rule still works
            pass
    return condense_rule(question, history)

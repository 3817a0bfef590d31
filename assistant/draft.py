"""The staff draft: a reply a support worker can edit and send, built from the answer's blocks.

One function, `draft_reply`, serves the page, the `/ask` API, `assistant ask --mode staff` and
`assistant batch`. The draft, in order: a greeting and a short acknowledgement of the person's
situation in their terms; safety actions when the message calls for them; each ask answered in the
order asked (claim cards as plain paragraphs, what the library does not cover said plainly); the
red flags of a clinic's offer and questions to put to the clinic; a next step; a sign-off
placeholder; then one reference per document, with the [n] of the body renumbered to match.
The reviewed wording of safety actions, red flags, questions and acknowledgements lives in
sources/staff.yaml (assistant/staff.py). The body is kept under `MAX_WORDS` by dropping later
answer sentences of each ask, never a safety action or an ask's first sentence.
This module assembles the draft and trims its body; the parts are built in assistant/reply/
(see its __init__), and their names are re-exported here.
"""

from __future__ import annotations

from dataclasses import replace

from .library import Library
from .models import Answer
from .reply.asks import CLAIM_OVERLAP, MAX_EXTRA, NOT_COVERED_LINE, Part, answer_parts
from .reply.clinic import CLINIC_ASK, OFFER, clinic_offer
from .reply.content import sources_dir_of, staff_content
from .reply.limits import LEVELS, TIGHT, Limits
from .reply.person import Person, acknowledge, greeting
from .reply.references import MARKER, reference, reference_text, renumber, vancouver_authors
from .reply.safety import URGENT_LINE, safety, safety_actions
from .staff import StaffContent
from .vocab import BlockKind

__all__ = [
    "CLAIM_OVERLAP",
    "GENERAL",
    "LEVELS",
    "MARKER",
    "MAX_EXTRA",
    "MAX_WORDS",
    "NOT_COVERED_LINE",
    "OFFER",
    "SIGN_OFF",
    "TALK",
    "TIGHT",
    "URGENT_LINE",
    "Limits",
    "Part",
    "Person",
    "acknowledge",
    "answer_parts",
    "clinic_offer",
    "draft_reply",
    "reference",
    "reference_text",
    "renumber",
    "safety",
    "staff_content",
    "vancouver_authors",
]

MAX_WORDS = 350
GENERAL = "This is general information, not medical advice."
TALK = "If it would help to talk any of this through, you're very welcome to reply or call us."
SIGN_OFF = "Kind regards,\n[Your name]\n[Organisation]"


def draft_reply(answer: Answer, library: Library) -> str:
    """The reply text: body (at most MAX_WORDS words with the sign-off), then the references."""
    staff = staff_content(sources_dir_of(library))
    person = Person.read(answer, staff)
    for limits in LEVELS:
        body, refs = _body(answer, library, staff, person, limits)
        if _words([*body, SIGN_OFF]) <= MAX_WORDS:
            break
    paras = [*body, SIGN_OFF]
    if refs:
        paras.append("References\n" + "\n".join(refs))
    return "\n\n".join(paras)


def _body(
    answer: Answer, library: Library, staff: StaffContent | None, person: Person, limits: Limits
) -> tuple[list[str], list[str]]:
    top = [greeting(answer.question), *acknowledge(answer.question, person, staff, limits.ack)]
    actions = safety_actions(answer.question, staff)
    top += safety(answer, person, actions, limits.why)
    offer = clinic_offer(answer.question, staff, limits)
    asked = [" ".join(a.get("text", "").split()) for a in answer.asks or []]
    answered = {
        i
        for i, text in enumerate(asked)
        if any(a.answers_ask(text) for a in actions)
        or (CLINIC_ASK.search(text) and any(p.startswith("Questions to ask") for p in offer))
    }
    urgent = any(a.urgent for a in actions)
    closing = [p for p in [_next_step(answer), GENERAL + " " + TALK] if p] if limits.closing else [GENERAL]
    closing = [GENERAL + " " + TALK] if urgent and limits.closing else closing
    if urgent:  # the safety action answers these asks; research sentences under them would distract
        limits = replace(limits, covered=True)
    budget = MAX_WORDS - _words([*top, *offer, *closing, SIGN_OFF])
    for _ in range(3):  # renumbering changes the markers' length a little: trim again if over
        paras = [*top, *answer_parts(answer, budget, limits, answered), *offer, *closing]
        body, refs = renumber(paras, answer.citations, library)
        over = _words([*body, SIGN_OFF]) - MAX_WORDS
        if over <= 0:
            break
        budget -= over
    return body, refs


def _next_step(answer: Answer) -> str:
    steps = list(dict.fromkeys(b.text for b in answer.blocks_of(BlockKind.NEXT_STEP)))
    if not steps:
        return ""
    step = steps[0]
    return f"As a next step, {step[0].lower()}{step[1:]}" if step.split()[0] in _VERBS else step


_VERBS = {"Ask", "Talk", "Check", "Contact", "Tell", "Discuss", "Bring", "Write", "Call", "See", "Keep"}


def _words(paras: list[str]) -> int:
    """Words as the reader (and the eval) counts them: markers included."""
    return sum(len(p.split()) for p in paras)

"""The staff draft: a reply a support worker can edit and send, built from the answer's blocks.

One function, `draft_reply`, serves the page, the `/ask` API and `assistant ask --mode staff`.
"""

from __future__ import annotations

from .flow.notices import DECLINES, card_lead
from .library import Library
from .models import Answer, Block, Citation, ClaimMatch, SourceDoc
from .vocab import VERDICTS, BlockKind, DeclineReason, Verdict

SAFETY_CLOSE = (
    "This is general information, not medical advice. Please talk to your neurologist or MS "
    "nurse before making any decision about treatment, and if you have sudden, severe or new "
    "symptoms, call your local emergency number or go to urgent care straight away."
)
URGENT_LINE = (
    "From what you describe, please do not wait for a reply from us: if your symptoms "
    "are sudden, severe or new, call your local emergency number or go to urgent care now."
)
NOT_COVERED_LINE = (
    "I'm sorry, but the reviewed sources we rely on do not cover your question, so I "
    "can't give you a reliable answer. Your MS team is the best place to ask about this."
)
SIGN_OFF = "Kind regards,\n[Your name]\n[Organisation]"


def draft_reply(answer: Answer, library: Library) -> str:
    """Greeting, the answer spoken to 'you', the safety line, sign-off and references."""
    paras = ["Hello,", "Thank you for your message, and for checking before making a decision."]
    if answer.blocks_of(BlockKind.URGENT):
        paras.append(URGENT_LINE)
    claims = {c.id: c for c in answer.claims}
    paras += [_card(b, claims.get(b.claim)) for b in answer.blocks_of(BlockKind.CARD)]
    said = " ".join(b.text for b in answer.blocks_of(BlockKind.ANSWER))
    if said:
        paras.append(f"Here is what the published evidence says about your question. {said}")
    paras += [_apology(b) for b in answer.blocks_of(BlockKind.DECLINE, BlockKind.ABSTAIN)][:1]
    paras += [SAFETY_CLOSE, SIGN_OFF]
    refs = [reference(c, library.docs.get(c.source_id)) for c in answer.citations]
    if refs:
        paras.append("References\n" + "\n".join(refs))
    return "\n\n".join(paras)


def _card(block: Block, claim: ClaimMatch | None) -> str:
    if claim is None:
        return block.text
    body = block.text.removeprefix(card_lead(claim.claim, claim.verdict)).strip()
    name = claim.claim.rstrip(".!?")
    if claim.matched_in == "answer":
        lead = f'You may also come across the claim that "{name}".'
    else:
        lead = f'You asked about a claim that some clinics make: "{name}".'
    return f"{lead} In short, {VERDICTS[Verdict(claim.verdict)].draft}. {body}"


def _apology(block: Block) -> str:
    if block.kind != BlockKind.DECLINE or block.reason is None:
        return NOT_COVERED_LINE
    text = DECLINES[DeclineReason(block.reason)]
    return f"I'm sorry, but {text[0].lower()}{text[1:]}"


def vancouver_authors(doc: SourceDoc | None) -> str:
    if doc is None:
        return ""
    names = [a for a in doc.authors if a.strip()]
    if not names:
        return doc.publisher if doc.publisher != "not verified" else ""
    if len(names) > 6 and "et al" not in names[5]:
        names = [*names[:6], "et al."]
    return ", ".join(names).replace(", et al.", ", et al").rstrip(".")


def reference(c: Citation, doc: SourceDoc | None) -> str:
    """Vancouver style: Authors. Title. Publisher; Year. URL"""
    parts = [vancouver_authors(doc), c.title.rstrip(". ")]
    publisher = doc.publisher if doc and doc.publisher != "not verified" else ""
    parts.append(f"{publisher}; {c.year or 'n.d.'}" if publisher else str(c.year or "n.d."))
    if c.page:
        parts.append(f"p. {c.page}")
    text = ". ".join(p for p in parts if p) + "."
    return f"{c.n}. {text} {c.url}".rstrip()

"""HTML for the chat page, from Jinja2 templates with autoescape: every value is escaped by default.

Answers are rendered from their typed blocks; nothing here reads answer text back.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..flow.notices import ABSTAIN_LEAD, COVERAGE, DECLINES, SUGGESTED, card_lead
from ..library import Library
from ..models import Answer, Block, ClaimMatch
from ..text import CITATION
from ..vocab import READER_NOTICES, VERDICTS, BlockKind, DeclineReason, Verdict, evidence_label

QUOTE_LIMIT = 420
HERE = Path(__file__).parent
ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def safe_url(url: str) -> str:
    """Only http(s) links are ever made clickable."""
    return url if urlsplit(url or "").scheme in ("http", "https") else ""


def short_url(url: str, limit: int = 70) -> str:
    """The address as a reader would type it: no scheme, decoded, long ones cut."""
    text = unquote(url.split("://", 1)[-1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_citations(text: str, aid: str) -> Markup:
    """Escape text, then turn its '[1, 2]' markers into links to the answer's source entries."""

    def links(match: re.Match) -> str:
        numbers = re.split(r"\s*[,;]\s*", match.group(1))
        inner = ", ".join(
            f'<a class="cite" href="#src-{aid}-{n}"><span class="sr-only">source </span>{n}</a>'
            for n in numbers
        )
        return f' <span class="cites">[{inner}]</span>'

    return Markup(CITATION.sub(links, str(escape(text))))


def nice_date(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
        return f"{day.day} {day:%B %Y}"
    except ValueError:
        return iso


ENV.filters.update(cites=link_citations, short_url=short_url, safe_url=safe_url, nice_date=nice_date)
ENV.globals.update(type_label=evidence_label)


def render(template: str, **values) -> str:
    return ENV.get_template(template).render(**values)


def card_view(block: Block, claim: ClaimMatch | None) -> dict:
    """A card's parts: the claim as marketed, the verdict, what the evidence shows, sources."""
    verdict = Verdict(claim.verdict) if claim else Verdict.UNSUPPORTED
    shows = block.text.removeprefix(card_lead(claim.claim, claim.verdict)) if claim else block.text
    return {
        "claim": (claim.claim if claim else "").rstrip(".!?"),
        "verdict": verdict.value,
        "label": VERDICTS[verdict].label,
        "shows": CITATION.sub("", shows).replace(" .", ".").strip(),
        "citations": ", ".join(map(str, block.citations)),
    }


def segments(blocks: list[Block], claims: dict[str, ClaimMatch]) -> list[dict]:
    """Blocks grouped for display: consecutive answer sentences form one paragraph."""
    out: list[dict] = []
    for block in blocks:
        if block.kind == BlockKind.ANSWER and out and out[-1]["kind"] == "answer":
            out[-1]["blocks"].append(block)
        elif block.kind == BlockKind.CARD:
            out.append({"kind": "card", "card": card_view(block, claims.get(block.claim))})
        elif block.kind in (BlockKind.DECLINE, BlockKind.ABSTAIN):
            out.append({"kind": "abstain", "lead": _lead(block), "covers": COVERAGE, "suggest": SUGGESTED})
        else:
            out.append({"kind": str(block.kind), "blocks": [block], "text": block.text})
    return out


def _lead(block: Block) -> str:
    if block.kind == BlockKind.DECLINE and block.reason:
        return DECLINES[DeclineReason(block.reason)]
    return ABSTAIN_LEAD.strip()


def render_answer(aid: str, blocks: list[Block], answer: Answer | None, library: Library) -> str:
    """The whole assistant message, re-rendered after every streamed block."""
    claims = {c.id: c for c in (answer.claims if answer else [])}
    shown = [b for b in blocks if b.kind != BlockKind.REMINDER]
    reminder = next((b.text for b in blocks if b.kind == BlockKind.REMINDER), "")
    return render(
        "answer.html",
        aid=aid,
        segments=segments(shown, claims),
        answer=answer,
        follow_up=answer.query if answer and answer.query and answer.query != answer.question else "",
        notes=[w for w in (answer.warnings if answer else []) if getattr(w, "code", None) in READER_NOTICES],
        sources=_sources(answer, library) if answer else [],
        reminder=reminder,
        question=answer.question if answer else "",
    )


def _sources(answer: Answer, library: Library) -> list[dict]:
    """One entry per document, in the order first cited, with each cited passage under it."""
    groups: dict[str, dict] = {}
    for c in answer.citations:
        if c.source_id not in groups:
            doc = library.docs.get(c.source_id)
            groups[c.source_id] = {
                "c": c,
                "publisher": doc.publisher if doc and doc.publisher != "not verified" else "",
                "url": safe_url(c.url),
                "verified": doc.verified if doc else True,
                "verification": doc.verification if doc else "",
                "passages": [],
            }
        quote = c.quote if len(c.quote) <= QUOTE_LIMIT else c.quote[:QUOTE_LIMIT].rsplit(" ", 1)[0] + "…"
        groups[c.source_id]["passages"].append({"c": c, "quote": quote})
    out = list(groups.values())
    for g in out:
        g["numbers"] = ", ".join(str(p["c"].n) for p in g["passages"])
    return out


def library_label(library: Library) -> str:
    """The library in plain words: 'Library of 88 documents, last reviewed 2 December 2026'."""
    n = len(library.docs)
    label = f"Library of {n} document{'s' if n != 1 else ''}"
    return f"{label}, last reviewed {nice_date(library.reviewed)}" if library.reviewed else label


def render_error(message: str) -> str:
    return render("error.html", message=message)


def render_about(library: Library) -> str:
    return render("about.html", library=library, label=library_label(library))

"""The chat page: a Gradio Blocks app for patients and families and for support staff.

`build_app(settings, assistant)` builds the page around one Assistant; `serve(settings)` builds the
index if it is missing, loads the models once and serves on settings.host:settings.port.

Safety rules kept throughout this module:
- every piece of text placed into HTML goes through `esc` (html.escape), whatever its origin;
- user messages given to the Chatbot are escaped for HTML *and* Markdown, so they show as typed;
- nothing about a conversation is written to disk unless the user sends feedback.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# Must be set before gradio is imported: otherwise it phones home for a version check.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr  # noqa: E402

from .embeddings import EmbeddingError  # noqa: E402
from .feedback import REASONS, FeedbackError, FeedbackStore  # noqa: E402
from .index import build_index, read_manifest  # noqa: E402
from .models import Answer, Citation, ClaimMatch, SourceDoc  # noqa: E402
from .pipeline import (  # noqa: E402
    EXAMPLES,
    REMINDER,
    URGENT_NOTICE,
    VERDICT_WORDS,
    Assistant,
    QuestionError,
)
from .scope import MESSAGES  # noqa: E402
from .settings import Settings  # noqa: E402
from .sources import SourceError, load_claims, load_library  # noqa: E402
from .store import StoreError  # noqa: E402
from .text import CITATION, split_sentences  # noqa: E402

log = logging.getLogger(__name__)

TITLE = "MS Stem-Cell Evidence Assistant"
TYPE_LABELS = {
    "rct": "Randomised trial",
    "meta-analysis": "Meta-analysis",
    "cohort": "Cohort study",
    "trial": "Clinical trial",
    "case-report": "Case report",
    "guideline": "Guideline",
    "regulator": "Regulator",
    "society": "MS society",
    "review": "Review",
    "lab-animal": "Lab or animal study",
    "registration": "Trial registration",
    "protocol": "Trial protocol",
}
VERDICT_LABELS = {
    "false": "False",
    "misleading": "Misleading",
    "unsupported": "Not supported by evidence",
    "partly-supported": "Only partly supported",
}
VERDICT_KEYS = {words: key for key, words in VERDICT_WORDS.items()}
# The pipeline writes a claim card as one piece of text; this reads it back into its parts.
CARD = re.compile(
    r'^Some clinics claim: "(?P<claim>.*)\." The evidence says this is (?P<verdict>[^.]+)\. '
    r"(?P<body>.*)$",
    re.S,
)
EXAMPLE_QUESTIONS = (
    *EXAMPLES[:3],
    "A clinic says cord-blood stem cells can't be rejected. Is that true?",
)
MODES = [("Patient or family member", "patient"), ("Support staff: draft a reply", "staff")]
READER_WARNINGS = ("The question was cut", "The question seems", "The language model", "No sentence from")
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
QUOTE_LIMIT = 420

NOTICE = (
    "<strong>General information, not medical advice.</strong> Talk to your MS team before "
    "making any decision about treatment. <strong>If you have sudden, severe or new symptoms, "
    "call your local emergency number or go to urgent care now.</strong>"
)
PRIVACY = (
    "<strong>Private by default:</strong> your questions and the answers are not stored. Only "
    "if you choose to send feedback on an answer are that question, that answer and your note "
    "saved, to help us check and improve the service."
)
SAFETY_CLOSE = (
    "This is general information, not medical advice. Please talk to your neurologist or MS "
    "nurse before making any decision about treatment, and if you have sudden, severe or new "
    "symptoms, call your local emergency number or go to urgent care straight away."
)
FEEDBACK_UNSAVED = (
    "Your feedback could not be saved just now (the feedback store is busy or cannot be written). "
    "Nothing was stored; your note is still here, so please try sending it again in a moment."
)
ERRORS = {
    "store": "The source library is not available right now, so I can't answer safely. "
    "Please try again in a few minutes.",
    "model": "The service that reads the sources is not available right now. "
    "Please try again in a few minutes.",
    "other": "Something went wrong while preparing the answer, and nothing was shown rather "
    "than an unchecked answer. Please try again, or rephrase your question.",
}


# -- text helpers -------------------------------------------------------------------------------
def esc(text) -> str:
    """HTML-escape anything (quotes included) before it goes into markup."""
    return html.escape(str(text), quote=True)


def user_markdown(text: str) -> str:
    """User text for the Chatbot: Markdown-escaped, then HTML-escaped, so it shows as typed.

    In this order no backslash lands inside an entity such as &lt;, which would break it.
    """
    return html.escape(MD_SPECIAL.sub(r"\\\1", text), quote=False)


def safe_url(url: str) -> str:
    """Only http(s) links are ever made clickable."""
    return url if urlsplit(url or "").scheme in ("http", "https") else ""


def short_url(url: str, limit: int = 70) -> str:
    """The address as a reader would type it: no scheme, decoded, long ones cut."""
    text = unquote(url.split("://", 1)[-1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link_citations(escaped: str, aid: str) -> str:
    """Turn '[1, 2]' markers in escaped text into links to the answer's source entries."""

    def links(match: re.Match) -> str:
        numbers = re.split(r"\s*[,;]\s*", match.group(1))
        inner = ", ".join(
            f'<a class="cite" href="#src-{aid}-{n}"><span class="sr-only">source </span>{n}</a>'
            for n in numbers
        )
        return f' <span class="cites">[{inner}]</span>'

    return CITATION.sub(links, escaped)


def strip_marks(text: str) -> str:
    return CITATION.sub("", text).strip()


def marks_in(text: str) -> list[int]:
    found: list[int] = []
    for group in CITATION.findall(text):
        found += [int(n) for n in re.split(r"\s*[,;]\s*", group) if int(n) not in found]
    return found


# -- the library ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Library:
    """What the page says about the sources, read once when the app is built."""

    docs: dict[str, SourceDoc]
    counts: tuple[tuple[str, int], ...]
    reviewed: str
    claims: int
    version: str

    @classmethod
    def load(cls, settings: Settings) -> Library:
        docs, _ = load_library(settings.sources_dir) if settings.sources_dir.exists() else ([], [])
        claims, _ = load_claims(settings.sources_dir / "claims.yaml")
        counts: dict[str, int] = {}
        for doc in docs:
            counts[doc.type] = counts.get(doc.type, 0) + 1
        manifest = read_manifest(settings.index_dir) or {}
        return cls(
            docs={d.id: d for d in docs},
            counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            reviewed=max((d.reviewed for d in docs), default=""),
            claims=len(claims),
            version=str(manifest.get("library_version", "")),
        )


def type_badge(kind: str) -> str:
    label = TYPE_LABELS.get(kind, kind.replace("-", " ").capitalize() or "Source")
    return f'<span class="badge badge-{esc(kind or "other")}">{esc(label)}</span>'


def nice_date(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
        return f"{day.day} {day:%B %Y}"
    except ValueError:
        return iso


# -- rendering one answer ------------------------------------------------------------------------
def piece_kind(piece: str, declines: Collection[str]) -> str:
    if piece == URGENT_NOTICE:
        return "urgent"
    if piece == REMINDER:
        return "reminder"
    if piece in declines:
        return "abstain"
    return "card" if CARD.match(piece) else "sentence"


def render_card(piece: str, aid: str) -> str:
    """Claim as marketed → verdict → what the evidence shows → sources."""
    parts = CARD.match(piece).groupdict()
    key = VERDICT_KEYS.get(parts["verdict"], "unsupported")
    shows = " ".join(strip_marks(s) for s in split_sentences(parts["body"]))
    numbers = marks_in(parts["body"])
    sources = link_citations(esc(f"[{', '.join(map(str, numbers))}]"), aid) if numbers else ""
    return (
        f'<div class="claim-card verdict-{key}">'
        '<p class="card-label">Claim as marketed by some clinics</p>'
        f'<p class="card-claim">“{esc(parts["claim"])}.”</p>'
        f'<p class="card-verdict"><span class="verdict-badge">{esc(VERDICT_LABELS[key])}</span></p>'
        '<p class="card-label">What the evidence shows</p>'
        f'<p class="card-shows">{esc(shows)}</p>'
        + (f'<p class="card-sources">Sources:{sources}</p>' if sources else "")
        + "</div>"
    )


def render_abstain(text: str) -> str:
    covers, _, examples = text.partition("You could ask, for example:")
    asks = re.findall(r'"([^"]+)"', examples)
    items = "".join(f"<li>{esc(q)}</li>" for q in asks)
    return (
        '<div class="abstain"><p class="card-label">Not covered by this library</p>'
        f"<p>{esc(covers.strip())}</p>"
        + (f'<p>You could ask, for example:</p><ul class="suggest">{items}</ul>' if items else "")
        + "</div>"
    )


def render_source(c: Citation, aid: str, doc: SourceDoc | None) -> str:
    url = safe_url(c.url)
    title = esc(c.title)
    head = (
        f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{title}'
        '<span class="sr-only"> (opens in a new tab)</span></a>'
        if url
        else title
    )
    meta = [type_badge(c.type)]
    publisher = doc.publisher if doc and doc.publisher != "not verified" else ""
    meta += [esc(x) for x in (publisher, c.year or "") if x]
    meta += [f"page {esc(c.page)}"] if c.page else []
    meta += [f"section “{esc(c.section)}”"] if c.section else []
    quote = c.quote if len(c.quote) <= QUOTE_LIMIT else c.quote[:QUOTE_LIMIT].rsplit(" ", 1)[0] + "…"
    shown = esc(short_url(url)) if url else ""
    return (
        f'<li id="src-{aid}-{c.n}" class="src"><p class="src-title">'
        f'<span class="src-n">{c.n}</span>{head}</p>'
        f'<p class="src-meta">{" · ".join(meta)}</p>'
        f'<blockquote class="src-quote">“{esc(quote)}”</blockquote>'
        + (f'<p class="src-url">{shown}</p>' if shown else "")
        + "</li>"
    )


def render_sources(answer: Answer, aid: str, library: Library) -> str:
    if not answer.citations:
        return ""
    items = "".join(render_source(c, aid, library.docs.get(c.source_id)) for c in answer.citations)
    return (
        '<div class="sources"><p class="sources-head">Sources for this answer</p>'
        f'<ol class="src-list">{items}</ol></div>'
    )


def render_answer(aid: str, pieces: list[str], answer: Answer | None, page: ChatPage) -> str:
    """The whole assistant message, re-rendered after every streamed piece."""
    blocks, sentences, footer = [], [], ""
    for piece in pieces:
        kind = piece_kind(piece, page.declines)
        if kind == "sentence":
            sentences.append(link_citations(esc(piece), aid))
        elif kind == "card":
            blocks.append(render_card(piece, aid))
        elif kind == "urgent":
            blocks.insert(0, f'<div class="urgent" role="alert"><strong>{esc(piece)}</strong></div>')
        elif kind == "abstain":
            blocks.append(render_abstain(piece))
        else:
            footer = f'<p class="reminder">{esc(piece)}</p>'
    if sentences:
        blocks.append(f'<p class="answer-text">{" ".join(sentences)}</p>')
    if answer is None:
        blocks.append('<p class="working">Checking each sentence against its source…</p>')
    else:
        blocks.insert(0, render_follow_up(answer))
        blocks.append(render_notes(answer))
        blocks.append(render_sources(answer, aid, page.library))
    return f'<div class="answer" id="{aid}">{"".join(blocks)}{footer}</div>'


def render_follow_up(answer: Answer) -> str:
    """Say how a follow-up was read, so a wrong reading of 'it' or 'that' is visible."""
    if not answer.query or answer.query == answer.question:
        return ""
    return f'<p class="understood">Read as a follow-up: “{esc(answer.query)}”</p>'


def render_notes(answer: Answer) -> str:
    """Warnings a reader should see (question cut, model down); checking details stay in logs."""
    shown = [w for w in answer.warnings if w.startswith(READER_WARNINGS)]
    return "".join(f'<p class="note">{esc(w)}</p>' for w in shown)


def render_error(message: str) -> str:
    return f'<div class="error-box" role="alert">{esc(message)}</div>'


def render_about(library: Library) -> str:
    if not library.docs:
        return "<p>The source library could not be read, so no answers can be given.</p>"
    rows = "".join(
        f"<tr><td>{type_badge(kind)}</td><td class='num'>{n}</td></tr>" for kind, n in library.counts
    )
    version = f" Library version <code>{esc(library.version)}</code>." if library.version else ""
    return (
        '<div class="about"><p>Answers come only from '
        f"<strong>{len(library.docs)} documents</strong> chosen and summarised by the "
        "project's maintainers: trials, reviews, guidelines and "
        "statements from regulators and MS societies. Each note was checked against the original; "
        f"the latest check was on <strong>{esc(nice_date(library.reviewed))}</strong>.{version}</p>"
        f"<p>A register of <strong>{library.claims} claims</strong> made by clinics lets the "
        "assistant recognise them and show what the evidence says instead.</p>"
        '<table class="about-table"><caption>Documents by type</caption>'
        f"<thead><tr><th scope='col'>Type</th><th scope='col'>Documents</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


# -- the staff draft -----------------------------------------------------------------------------
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


def draft_reply(answer: Answer, library: Library, declines: dict[str, str]) -> str:
    """A reply staff can edit and send: greeting, answer to 'you', references, safety line."""
    pieces = answer.answer.split("\n\n")
    kinds = [piece_kind(p, declines) for p in pieces]
    paras = ["Hello,", "Thank you for your message, and for checking before making a decision."]
    if "urgent" in kinds:
        paras.append(
            "From what you describe, please do not wait for a reply from us: if your symptoms "
            "are sudden, severe or new, call your local emergency number or go to urgent care now."
        )
    claims = iter(answer.claims)  # the pipeline writes one card per claim, in this order
    cards = [p for p, k in zip(pieces, kinds, strict=True) if k == "card"]
    paras += [_draft_card(p, next(claims, None)) for p in cards]
    said = " ".join(p for p, k in zip(pieces, kinds, strict=True) if k == "sentence")
    if said:
        paras.append(f"Here is what the published evidence says about your question. {said}")
    reasons = [declines[p] for p, k in zip(pieces, kinds, strict=True) if k == "abstain"]
    if answer.abstained and reasons and reasons[0] in MESSAGES:
        paras.append(f"I'm sorry, but {MESSAGES[reasons[0]][0].lower()}{MESSAGES[reasons[0]][1:]}")
    elif answer.abstained:
        paras.append(
            "I'm sorry, but the reviewed sources we rely on do not cover your question, so I "
            "can't give you a reliable answer. Your MS team is the best place to ask about this."
        )
    paras += [SAFETY_CLOSE, "Kind regards,\n[Your name]\n[Organisation]"]
    refs = [reference(c, library.docs.get(c.source_id)) for c in answer.citations]
    if refs:
        paras.append("References\n" + "\n".join(refs))
    return "\n\n".join(paras)


DRAFT_VERDICTS = {
    "false": "this is not true",
    "misleading": "this is misleading",
    "unsupported": "this is not supported by the evidence",
    "partly-supported": "this is only partly supported by the evidence",
}


def _draft_card(piece: str, claim: ClaimMatch | None) -> str:
    parts = CARD.match(piece).groupdict()
    key = claim.verdict if claim else VERDICT_KEYS.get(parts["verdict"], "unsupported")
    if claim is not None and claim.matched_in == "answer":
        lead = f'You may also come across the claim that "{parts["claim"]}".'
    else:
        lead = f'You asked about a claim that some clinics make: "{parts["claim"]}".'
    verdict = DRAFT_VERDICTS.get(key, DRAFT_VERDICTS["unsupported"])
    return f"{lead} In short, {verdict}. {parts['body']}"


# -- the page's behaviour ------------------------------------------------------------------------
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
    if isinstance(exc, StoreError | SourceError):
        return ERRORS["store"]
    if isinstance(exc, EmbeddingError | ConnectionError | TimeoutError):
        return ERRORS["model"]
    return ERRORS["other"]


class ChatPage:
    """Event handlers of one app: one Assistant, one library summary, one feedback store."""

    def __init__(self, settings: Settings, assistant: Assistant):
        self.settings = settings
        self.assistant = assistant
        self.library = Library.load(settings)
        self.store = FeedbackStore(settings.feedback_db)
        self.declines = assistant.decline_texts()

    # chat ----------------------------------------------------------------------------------
    def respond(self, question: str, messages: list, mode: str, turns: dict) -> Iterator[tuple]:
        """Stream one answer into the chat; outputs: chat, box, status, draft, turns."""
        question = (question or "").strip()
        if not question:
            error = render_error("Please type a question first.")
            yield messages, gr.skip(), error, gr.skip(), turns
            return
        messages = [*messages, {"role": "user", "content": user_markdown(question)}, None]
        index = len(messages) - 1  # the answer's place, also the index a thumbs click reports
        answer = None
        for html_text, answer in self._answer_html(question, mode, turns, f"a{index}"):  # noqa: B007
            messages[index] = {"role": "assistant", "content": html_text}
            yield messages, "", "", gr.skip(), turns
        if answer is None:  # failed: the message says so, and there is nothing to rate
            return
        draft = draft_reply(answer, self.library, self.declines) if mode == "staff" else ""
        yield messages, "", "", draft or gr.skip(), {**turns, index: turn_record(answer)}

    def _answer_html(self, question: str, mode: str, turns: dict, aid: str):
        """(html, final Answer or None) after each streamed piece; a plain message on failure."""
        history = [(t["question"], t["answer"]) for _, t in sorted(turns.items())]
        pieces: list[str] = []
        yield render_answer(aid, pieces, None, self), None
        try:
            for piece in self.assistant.stream(question, history, mode):
                if isinstance(piece, Answer):
                    yield render_answer(aid, pieces, piece, self), piece
                else:
                    pieces.append(piece)
                    yield render_answer(aid, pieces, None, self), None
        except Exception as exc:  # the page shows a plain message; the log keeps the details
            log.exception("answer failed")
            yield render_error(error_message(exc)), None

    def ask_api(self, question: str, history: list | None = None, mode: str = "patient") -> dict:
        """Answer with citations as JSON; history is [[question, answer], ...] of earlier turns."""
        try:
            answer = self.assistant.ask(question, [tuple(t) for t in history or []], mode)
        except Exception as exc:
            log.exception("api answer failed")
            raise gr.Error(error_message(exc)) from None
        out = answer.to_dict() | {"query": answer.query}
        if mode == "staff":
            out["draft"] = draft_reply(answer, self.library, self.declines)
        return out

    # feedback ------------------------------------------------------------------------------
    def on_like(self, turns: dict, data: gr.LikeData):
        """Open the feedback form for the rated answer; nothing is stored yet."""
        turn = turns.get(data.index) if isinstance(data.index, int) else None
        if turn is None or data.liked is None or data.liked == "":
            return None, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        verdict = "helpful" if rating == "up" else "not helpful"
        intro = (
            f"You marked the answer to “{esc(turn['question'])}” as <strong>{verdict}</strong>. "
            "Sending this stores that question, that answer, its sources and your note. "
            "Nothing else from your conversation is kept. Please do not include names or "
            "personal health details."
        )
        return (
            {"index": data.index, "rating": rating},
            gr.update(visible=True),
            f'<p class="fb-intro">{intro}</p>',
            gr.update(value=[], visible=rating == "down"),
            "",
            "",
        )

    def send_feedback(self, target: dict | None, reasons: list, comment: str, turns: dict):
        """Store the feedback row; outputs: target, form visibility, status."""
        turn = turns.get(target["index"]) if target else None
        if turn is None:
            return None, gr.update(visible=False), render_error("Choose an answer to rate first.")
        try:
            self.store.record(
                rating=target["rating"],
                reasons=reasons or [],
                comment=comment or "",
                library_version=self.library_version(),
                **turn,
            )
        except (FeedbackError, OSError, sqlite3.Error) as exc:
            log.exception("feedback not stored")
            msg = str(exc) if isinstance(exc, FeedbackError) else FEEDBACK_UNSAVED
            return target, gr.update(visible=True), render_error(msg)
        thanks = "Thank you: your feedback was saved and will be read by the people who check the sources."
        return None, gr.update(visible=False), f'<p class="fb-thanks" role="status">{thanks}</p>'

    def library_version(self) -> str:
        manifest = read_manifest(self.settings.index_dir) or {}
        return str(manifest.get("library_version", self.library.version))

    # mode ----------------------------------------------------------------------------------
    @staticmethod
    def on_mode(mode: str):
        staff = mode == "staff"
        label = "The enquiry you received (paste or summarise it)" if staff else "Your question"
        return gr.update(visible=staff), gr.update(label=label)


# -- building the page ---------------------------------------------------------------------------
def build_app(settings: Settings, assistant: Assistant | None = None) -> gr.Blocks:
    """The chat page around one Assistant (created here if not given; models load on first use)."""
    settings = settings.resolve()
    page = ChatPage(settings, assistant or Assistant(settings))
    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        turns = gr.State({})
        target = gr.State(None)
        _header()
        mode = gr.Radio(MODES, value="patient", label="I am a…", elem_id="mode")
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=320):
                chat, feedback, box, status, examples = _chat_column(page)
            with gr.Column(scale=2, min_width=320, visible=False, elem_id="staff-col") as staff:
                draft = _draft_panel()
        with gr.Accordion("About these sources", open=False, elem_id="about"):
            gr.HTML(render_about(page.library))
        gr.HTML(_footer(page), elem_id="footer")
        _wire_chat(page, chat, box, mode, status, draft, turns, examples, staff)
        _wire_feedback(page, chat, turns, target, feedback, draft)
        gr.api(page.ask_api, api_name="ask", concurrency_id="answer")
    return app


def _wire_chat(page, chat, box, mode, status, draft, turns, examples, staff) -> None:
    chat_io = dict(
        inputs=[box, chat, mode, turns],
        outputs=[chat, box, status, draft, turns],
        show_progress="hidden",
        concurrency_id="answer",  # every way of asking shares one queue: one Assistant
    )
    box.submit(page.respond, api_name="respond", **chat_io)
    for button, question in examples:
        button.click(_constant(question), None, box, api_visibility="private", show_progress="hidden").then(
            page.respond, api_visibility="private", **chat_io
        )
    mode.change(page.on_mode, mode, [staff, box], api_visibility="private")


def _wire_feedback(page, chat, turns, target, feedback, draft) -> None:
    form, intro, reasons, comment, send, cancel, fb_status = feedback
    private = {"api_visibility": "private"}  # page-only events: not part of the API
    chat.clear(
        lambda: ({}, None, gr.update(visible=False), ""), None, [turns, target, form, draft], **private
    )
    chat.like(page.on_like, [turns], [target, form, intro, reasons, comment, fb_status], **private)
    send.click(page.send_feedback, [target, reasons, comment, turns], [target, form, fb_status], **private)
    cancel.click(lambda: (None, gr.update(visible=False)), None, [target, form], **private)


def _constant(value: str):
    def fill() -> str:
        return value

    return fill


def _header() -> None:
    gr.HTML(
        f'<header class="site-header"><h1>{TITLE}</h1><p class="tagline">Answers about '
        "stem-cell treatments for multiple sclerosis, taken only from a reviewed library of "
        "studies, guidelines and statements from regulators and MS societies. Every statement "
        "links to its source.</p></header>"
        f'<div class="notice" role="note">{NOTICE}</div>'
        f'<p class="privacy">{PRIVACY}</p>',
        elem_id="top",
    )


def _chat_column(page: ChatPage):
    chat = gr.Chatbot(
        label="Conversation",
        elem_id="chat",
        height=560,
        placeholder=_welcome(page.library),
        sanitize_html=True,
        allow_tags=False,  # user text must not smuggle custom tags into the page
        latex_delimiters=[],  # '$' in a question is money, not maths
        buttons=[],
        feedback_options=("Like", "Dislike"),
        layout="panel",  # full-width answers: sources and claim cards need the room
    )
    feedback = _feedback_form()  # right under the answers it is about
    box = gr.Textbox(
        label="Your question",
        placeholder="For example: is aHSCT safe for progressive MS?",
        lines=1,  # one line that grows: Enter sends (a multi-line box needs Shift+Enter)
        max_lines=6,
        max_length=page.settings.max_question_chars,
        submit_btn="Ask",
        elem_id="question",
    )
    status = gr.HTML("", label="Status", elem_id="status")
    gr.HTML('<p class="examples-head" id="examples-head">New here? Try one of these questions:</p>')
    examples = []
    with gr.Row(elem_id="examples"):
        for question in EXAMPLE_QUESTIONS:
            examples.append((gr.Button(question, size="sm", elem_classes=["example"]), question))
    return chat, feedback, box, status, examples


def _welcome(library: Library) -> str:
    n = len(library.docs) or "no"
    return (
        "### Ask about stem-cell treatments for MS\n\n"
        f"Answers are built only from {n} reviewed documents. After each sentence a number "
        "such as [1] takes you to the source it comes from, with the exact passage quoted.\n\n"
        "If a clinic has told you something, quote it: claims that the evidence does not "
        "support are pointed out."
    )


def _draft_panel() -> gr.Textbox:
    gr.HTML(
        '<div class="staff-help"><p><strong>Draft reply</strong>: edit it before sending. Check '
        "each statement against its numbered source; the reference list follows the Vancouver "
        "style.</p></div>"
    )
    return gr.Textbox(
        label="Draft reply (editable)",
        placeholder="Ask a question to get a draft reply with a numbered reference list.",
        lines=18,
        max_lines=40,
        interactive=True,
        buttons=["copy"],
        elem_id="draft",
    )


def _feedback_form():
    with gr.Column(visible=False, elem_id="feedback", variant="panel") as form:
        intro = gr.HTML("")
        reasons = gr.CheckboxGroup(
            [(label, key) for key, label in REASONS.items()],
            label="What was wrong? (choose any)",
            elem_id="fb-reasons",
        )
        comment = gr.Textbox(
            label="Comment (optional)",
            placeholder="What should the answer have said? Please leave out personal details.",
            lines=2,
            max_length=2000,
            elem_id="fb-comment",
        )
        with gr.Row():
            send = gr.Button("Send feedback", variant="primary", elem_id="fb-send")
            cancel = gr.Button("Cancel", elem_id="fb-cancel")
    fb_status = gr.HTML("", elem_id="fb-status")
    return form, intro, reasons, comment, send, cancel, fb_status


def _footer(page: ChatPage) -> str:
    backend = page.settings.backend
    how = (
        "Answers are put together directly from the sources, without a language model."
        if backend == "extractive"
        else f"Answers are written by a language model ({esc(backend)}); every sentence is "
        "checked against its source before it is shown."
    )
    version = f" Library version {esc(page.library.version)}." if page.library.version else ""
    return (
        f'<p class="site-footer">Open-source project. {how}{version} This service does not '
        "replace your doctor, neurologist or MS nurse.</p>"
    )


# -- serving ---------------------------------------------------------------------------------------
THEME_FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
]


def theme() -> gr.themes.Base:
    # System fonts only: a web font would be fetched from the internet on every visit.
    return gr.themes.Default(
        primary_hue="blue",
        neutral_hue="slate",
        font=THEME_FONTS,
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    ).set(
        # White on blue-700 (6.7:1): the default blue-500 buttons fall short of 4.5:1.
        button_primary_background_fill="#1d4ed8",
        button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff",
        button_primary_background_fill_dark="#1d4ed8",
        button_primary_background_fill_hover_dark="#1e40af",
        button_primary_text_color_dark="#ffffff",
    )


def launch(app: gr.Blocks, settings: Settings, *, port: int | None = None, block: bool = True):
    """Start the server on settings.host (127.0.0.1 by default); returns the local URL."""
    # One answer at a time (the models are shared); at most max_queue waiting, beyond that the
    # page shows Gradio's "This application is currently busy. Please try again." and an API
    # client gets QueueError("Queue is full! Please try again.") instead of an ever longer wait.
    app.queue(default_concurrency_limit=1, max_size=settings.max_queue)
    _, url, _ = app.launch(
        server_name=settings.host,
        server_port=port or settings.port,
        prevent_thread_lock=not block,
        show_error=False,  # never send a stack trace to the page
        footer_links=[],
        theme=theme(),
        css=CSS,
        head=HEAD,
        quiet=not block,
    )
    return url


def ensure_index(settings: Settings) -> None:
    """Build the index on first run, with a progress bar, so the page can answer at once."""
    if settings.chroma_url or read_manifest(settings.index_dir) is not None:
        return
    print(
        f"No index in {settings.index_dir}: building it from {settings.sources_dir} "
        "(first run only; a minute or two).",
        flush=True,
    )
    report = build_index(settings, progress=True)
    print(report.summary(), flush=True)


def warm_up(assistant: Assistant) -> None:
    """Load the models and the claim registry now, not on the first visitor's question."""
    assistant.ask(EXAMPLES[0])


def serve(settings: Settings) -> None:
    settings = settings.resolve()
    if not settings.sources_dir.is_dir() and not settings.chroma_url:
        raise SystemExit(f"error: no source library at {settings.sources_dir}")
    ensure_index(settings)
    print("Loading the embedding model and the claim registry…", flush=True)
    assistant = Assistant(settings)
    warm_up(assistant)
    app = build_app(settings, assistant)
    print(f"Chat page ready: http://{settings.host}:{settings.port}", flush=True)
    launch(app, settings)


# Raw head: sets the page language for screen readers (Gradio has no other hook for <html lang>)
# and holds the rules for elements outside the app's root, which Gradio's `css=` cannot reach
# (it prefixes every rule in a media query with the root's class).
HEAD = (
    "<script>document.documentElement.lang = 'en';</script>"
    "<style>@media (max-width: 480px) { .gradio-container > .main "
    "{ padding-left: 8px !important; padding-right: 8px !important; } }</style>"
)
# Colours are set in pairs (text and background) so every box keeps at least 4.5:1 contrast in
# light and dark browser themes alike.
CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.site-header h1 { font-size: 1.6rem; margin: 0.2rem 0 0.3rem; color: #0b2a4a; }
.dark .site-header h1 { color: #e8f0fb; }
.site-header .tagline { margin: 0 0 0.8rem; font-size: 1rem; line-height: 1.45; }
.notice { background: #fff4e0; color: #3d2a00; border-left: 5px solid #a15c00;
  padding: 0.7rem 0.9rem;
  border-radius: 6px; line-height: 1.45; }
/* Gradio 6.31 paints a radio chosen by click white on white; the chosen mode must be obvious. */
#mode input[type=radio]:checked { background-color: #1d4ed8 !important;
  border-color: #1d4ed8 !important; background-image: var(--radio-circle) !important; }
#mode label:has(input:checked) { border-color: #1d4ed8 !important; background: #eaf1ff !important;
  color: #0b2a5c !important; font-weight: 600; }
.privacy { font-size: 0.92rem; margin: 0.6rem 0 0; line-height: 1.4; }
#chat .answer { line-height: 1.55; }
#chat .answer p { margin: 0 0 0.6rem; }
#chat .answer-text { font-size: 1rem; color: var(--body-text-color); }
#question button { background: #1d4ed8 !important; color: #ffffff !important; font-weight: 600;
  padding: 0.35rem 1rem !important; border-radius: 6px !important; }
#chat a.cite { color: #0b4fb3; font-weight: 600; text-decoration: underline; padding: 0 1px; }
.dark #chat .answer-text a.cite { color: #9cc3ff; }
#chat a:focus-visible, #chat summary:focus-visible { outline: 3px solid #0b4fb3;
  outline-offset: 2px; }
#chat .cites { white-space: nowrap; font-size: 0.9em; }
#chat .understood { font-size: 0.88rem; color: #4a5565; }
#chat .working { color: #4a5565; font-style: italic; }
#chat .note { font-size: 0.88rem; background: #fff8e1; color: #3d2a00; border-radius: 6px;
  padding: 0.3rem 0.6rem; }
.dark #chat .understood, .dark #chat .working { color: #c4ccd8; }
#chat .reminder { font-size: 0.88rem; color: #3f4a5a; margin-top: 0.6rem; }
.dark #chat .reminder { color: #c4ccd8; }
#chat .urgent, .error-box { background: #fdecea; color: #5c0f0b; border: 2px solid #b3261e;
  border-radius: 8px; padding: 0.6rem 0.8rem; margin-bottom: 0.7rem; }
.claim-card { border: 2px solid var(--verdict); border-radius: 10px; background: #ffffff;
  color: #1b2430; margin: 0 0 0.8rem; padding: 0.7rem 0.9rem 0.5rem; --verdict: #a4262c; }
.claim-card.verdict-misleading { --verdict: #8a4500; }
.claim-card.verdict-unsupported { --verdict: #5b4a00; }
.claim-card.verdict-partly-supported { --verdict: #1f5fa8; }
.claim-card .card-label, .abstain .card-label { font-size: 0.78rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.04em; color: #3f4a5a;
  margin: 0.2rem 0 0.15rem !important; }
.claim-card .card-claim { font-style: italic; font-size: 1.02rem;
  margin-bottom: 0.4rem !important; }
.claim-card .verdict-badge { display: inline-block; background: var(--verdict); color: #ffffff;
  font-weight: 700; padding: 0.15rem 0.6rem; border-radius: 999px; font-size: 0.9rem; }
.claim-card a.cite, .abstain a, .sources a { color: #0b4fb3 !important; }
.claim-card .card-sources { font-size: 0.9rem; }
.abstain { background: #eef4fb; color: #1b2430; border: 1px solid #9fb8d6; border-radius: 10px;
  padding: 0.6rem 0.9rem; margin-bottom: 0.7rem; }
.abstain ul.suggest { margin: 0.2rem 0 0.3rem 1.1rem; }
.sources { background: #f6f8fb; color: #1b2430; border: 1px solid #d5dde8; border-radius: 10px;
  padding: 0.6rem 0.8rem 0.2rem; margin-top: 0.6rem; }
.sources .sources-head { font-weight: 700; margin: 0 0 0.4rem !important; }
.sources ol.src-list { list-style: none; margin: 0; padding: 0; }
.sources li.src { border-top: 1px solid #d5dde8; padding: 0.5rem 0 0.3rem; margin: 0;
  scroll-margin-top: 1rem; }
.sources li.src:first-child { border-top: none; }
.sources li.src:target { background: #fff8d6; outline: 3px solid #c99700; border-radius: 6px; }
.sources li.src > p, .sources li.src > blockquote { display: block; }
.sources .src-title { font-weight: 600; font-size: 0.97rem; margin: 0 0 0.2rem !important; }
.sources .src-n { display: inline-block; min-width: 1.5rem; height: 1.5rem; line-height: 1.5rem;
  text-align: center; border-radius: 50%; background: #0b2a4a; color: #ffffff; font-size: 0.8rem;
  margin-right: 0.45rem; }
.sources .src-meta { font-size: 0.85rem; color: #3f4a5a; margin: 0 0 0.25rem !important; }
.sources blockquote.src-quote { border-left: 3px solid #8aa4c4; margin: 0.2rem 0 0.2rem 0.2rem;
  padding: 0.1rem 0 0.1rem 0.6rem; color: #1b2430; font-size: 0.92rem; }
.sources .src-url { font-size: 0.8rem; color: #3f4a5a; word-break: break-all;
  margin: 0 !important; }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 700; padding: 0.05rem 0.5rem;
  border-radius: 999px; background: #e4e9f0; color: #1b2430; border: 1px solid #b9c4d3; }
.badge-rct, .badge-meta-analysis { background: #dff3e4; color: #0d4020; border-color: #8cc79d; }
.badge-guideline, .badge-regulator, .badge-society { background: #e3ecfb; color: #0b2a5c;
  border-color: #97b3e0; }
.badge-cohort, .badge-trial, .badge-review { background: #eef0f3; color: #27313d;
  border-color: #b9c4d3; }
.badge-case-report, .badge-lab-animal { background: #fbefdd; color: #4a2a00;
  border-color: #dcb27a; }
.error-box { margin: 0.4rem 0; }
.examples-head { margin: 0.6rem 0 0.2rem; font-weight: 600; }
#examples { gap: 0.4rem; flex-wrap: wrap; }
#examples button.example { font-size: 0.9rem; flex: 1 1 220px; white-space: normal;
  text-align: left; line-height: 1.3; }
#feedback { border: 1px solid #9fb8d6; border-radius: 10px; padding: 0.4rem; margin-top: 0.6rem; }
.fb-intro { margin: 0.3rem 0.4rem; line-height: 1.45; }
.fb-thanks { background: #e6f4ea; color: #0d4020; border-left: 5px solid #1e7b3a;
  padding: 0.5rem 0.8rem;
  border-radius: 6px; }
.staff-help p { margin: 0 0 0.4rem; line-height: 1.4; }
#draft textarea { font-size: 0.95rem; line-height: 1.5; }
.about p { line-height: 1.5; margin: 0 0 0.6rem; }
.about-table { border-collapse: collapse; min-width: 260px; }
.about-table caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.about-table th, .about-table td { border-bottom: 1px solid #d5dde8;
  padding: 0.3rem 0.8rem 0.3rem 0; text-align: left; }
.about-table td.num { text-align: right; }
.site-footer { font-size: 0.85rem; margin-top: 0.6rem; }
@media (max-width: 480px) {
  .site-header h1 { font-size: 1.3rem; }
  .site-header .tagline, .privacy { font-size: 0.9rem; }
  #chat { height: min(72vh, 620px) !important; }
  #examples button.example { flex-basis: 100%; }
  .claim-card, .sources { padding-left: 0.6rem; padding-right: 0.6rem; }
}
"""

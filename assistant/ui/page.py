"""The chat page: a Gradio Blocks app for patients and families and for support staff.

`build_app(settings, assistant)` builds the page around one Assistant; `serve(settings)` builds the
index if it is missing, loads the models once and serves on settings.host:settings.port.

Safety rules kept throughout this module:
- every piece of text placed into HTML goes through `esc` (html.escape), whatever its origin;
- user messages given to the Chatbot are escaped for HTML *and* Markdown, so they show as typed;
- nothing about a conversation is written to disk unless the user sends feedback.
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from ..draft import draft_reply
from ..embeddings import EmbeddingError
from ..feedback import REASONS, FeedbackError, FeedbackStore
from ..flow.notices import EXAMPLES
from ..index import build_index
from ..library import Library
from ..models import Answer, Block
from ..pipeline import Assistant, QuestionError
from ..settings import Settings
from ..sources import SourceError
from ..store import StoreError, read_manifest
from .render import render, render_about, render_answer, render_error

log = logging.getLogger(__name__)

TITLE = "MS Stem-Cell Evidence Assistant"
EXAMPLE_QUESTIONS = (
    *EXAMPLES[:3],
    "A clinic says cord-blood stem cells can't be rejected. Is that true?",
)
MODES = [("Patient or family member", "patient"), ("Support staff: draft a reply", "staff")]
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
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


def user_markdown(text: str) -> str:
    """User text for the Chatbot: Markdown-escaped, then HTML-escaped, so it shows as typed.

    In this order no backslash lands inside an entity such as &lt;, which would break it.
    """
    return html.escape(MD_SPECIAL.sub(r"\\\1", text), quote=False)


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
        draft = draft_reply(answer, self.library) if mode == "staff" else ""
        yield messages, "", "", draft or gr.skip(), {**turns, index: turn_record(answer)}

    def _answer_html(self, question: str, mode: str, turns: dict, aid: str):
        """(html, final Answer or None) after each streamed piece; a plain message on failure."""
        history = [(t["question"], t["answer"]) for _, t in sorted(turns.items())]
        blocks: list[Block] = []
        yield render_answer(aid, blocks, None, self.library), None
        try:
            for piece in self.assistant.stream(question, history, mode):
                if isinstance(piece, Answer):
                    yield render_answer(aid, blocks, piece, self.library), piece
                else:
                    blocks.append(piece)
                    yield render_answer(aid, blocks, None, self.library), None
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
            out["draft"] = draft_reply(answer, self.library)
        return out

    # feedback ------------------------------------------------------------------------------
    def on_like(self, turns: dict, data: gr.LikeData):
        """Open the feedback form for the rated answer; nothing is stored yet."""
        turn = turns.get(data.index) if isinstance(data.index, int) else None
        if turn is None or data.liked is None or data.liked == "":
            return None, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        verdict = "helpful" if rating == "up" else "not helpful"
        return (
            {"index": data.index, "rating": rating},
            gr.update(visible=True),
            render("feedback_intro.html", question=turn["question"], verdict=verdict),
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
        return None, gr.update(visible=False), render("thanks.html")

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
    gr.HTML(render("header.html", title=TITLE), elem_id="top")


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
    return render("footer.html", backend=page.settings.backend, version=page.library.version)


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

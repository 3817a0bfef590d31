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
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import gradio as gr
from filelock import FileLock, Timeout

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
from .render import library_label, render, render_about, render_answer, render_error

log = logging.getLogger(__name__)

TITLE = "MS Stem-Cell Evidence Assistant"
EXAMPLE_QUESTIONS = (
    *EXAMPLES[:3],
    "A clinic says cord-blood stem cells can't be rejected. Is that true?",
)
MODES = [("Patient or family member", "patient"), ("Support staff: draft a reply", "staff")]
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")
MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~$])")
CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
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


def _text(message: dict) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # the Chatbot hands messages back as a list of parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


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
    if isinstance(exc, IndexRebuilding):
        return ERRORS["rebuilding"]
    if isinstance(exc, StoreError | SourceError):
        return ERRORS["store"]
    if isinstance(exc, EmbeddingError | ConnectionError | TimeoutError):
        return ERRORS["model"]
    return ERRORS["other"]


class IndexRebuilding(RuntimeError):
    """`assistant index` is writing the index now: answering would mix old and new passages."""


class ChatPage:
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

    # the index ------------------------------------------------------------------------------
    def _manifest_version(self) -> str:
        return str((read_manifest(self.settings.index_dir) or {}).get("library_version", ""))

    def _building(self) -> bool:
        """True while `assistant index` holds the build lock (a build writes in place)."""
        path = self.settings.index_dir / ".build.lock"
        if not path.exists():
            return False
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        lock.release()
        return False

    def current(self) -> Assistant:
        """The Assistant for the index as it is now; reopened when the manifest changed."""
        if self.settings.chroma_url:
            return self.assistant  # a shared server is rebuilt by its operator, replicas restart
        if self._building():
            raise IndexRebuilding()
        version = self._manifest_version()
        if version != self.opened_version:
            log.info("index changed (%s -> %s): reopening", self.opened_version, version)
            _forget_chroma_client(self.settings.index_dir)
            old = self.assistant
            self.assistant = Assistant(self.settings, embedder=old.embedder, chat_model=old._chat_model)
            self.library = Library.load(self.settings)
            self.opened_version = version
        return self.assistant

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
        question = typed_text(_text(messages[last]))
        turns = {k: v for k, v in turns.items() if k <= last}
        yield from self.respond(question, messages[:last], mode, turns)

    @staticmethod
    def stopped(messages: list):
        """The answer being written when Stop was pressed says so, instead of 'Checking…'."""
        note = {"role": "assistant", "content": render_error(STOPPED)}
        last = messages[-1] if messages else None
        if last and last.get("role") == "user":  # stopped before the answer began
            return [*messages, note]
        if last and last.get("role") == "assistant" and 'class="working"' in _text(last):
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
        except Exception as exc:  # the page shows a plain message; the log keeps the details
            log.exception("answer failed")
            yield render_error(error_message(exc)), None

    def ask_api(self, question: str, history: list | None = None, mode: str = "patient") -> dict:
        """Answer with citations as JSON; history is [[question, answer], ...] of earlier turns."""
        try:
            answer = self.current().ask(question, [tuple(t) for t in history or []], mode)
        except Exception as exc:
            log.exception("api answer failed")
            raise gr.Error(error_message(exc)) from None
        out = answer.to_dict() | {"query": answer.query}
        if mode == "staff":
            out["draft"] = draft_reply(answer, self.library)
        return out

    # feedback ------------------------------------------------------------------------------
    def on_like(self, turns: dict, data: gr.LikeData, target: dict | None = None):
        """A thumb click stores the rating at once; the form for reasons and a comment is optional.

        Outputs: target, form visibility, intro, reasons, comment, status.
        """
        turn = turns.get(data.index) if isinstance(data.index, int) else None
        same = target if target and target.get("index") == data.index else None
        if turn is None:
            return target, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        if data.liked is None or data.liked == "":  # the thumb was clicked off: forget the rating
            if same:
                self._forget(same["row"])
            return None, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        try:
            if same:
                self._amend(same["row"], rating=rating)
                row = same["row"]
            else:
                fields = {**turn, "library_version": self.library_version()}
                row = self.store.record(rating=rating, **fields)
        except (FeedbackError, OSError, sqlite3.Error):
            log.exception("feedback not stored")
            return (
                target,
                gr.update(visible=False),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                render_error(FEEDBACK_UNSAVED),
            )
        verdict = "helpful" if rating == "up" else "not helpful"
        return (
            {"index": data.index, "rating": rating, "row": row},
            gr.update(visible=True),
            render("feedback_intro.html", question=turn["question"], verdict=verdict),
            gr.update(value=[], visible=rating == "down"),
            "",
            "",
        )

    def send_feedback(self, target: dict | None, reasons: list, comment: str, turns: dict):
        """Add the optional reasons and comment to the stored rating (a rating given without a
        stored row is stored whole); outputs: target, form visibility, status."""
        turn = turns.get(target["index"]) if target else None
        if turn is None:
            return None, gr.update(visible=False), render_error("Choose an answer to rate first.")
        try:
            if target.get("row"):
                self._amend(target["row"], reasons=reasons or [], comment=comment or "")
            else:
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

    def _amend(self, row: int, *, rating: str | None = None, reasons=None, comment=None) -> None:
        # FeedbackStore has no update yet: the same database, one UPDATE of the row just stored.
        if reasons is not None and any(r not in REASONS for r in reasons):
            raise FeedbackError("unknown reason")
        values = {
            "rating": rating,
            "reasons": None if reasons is None else json.dumps(list(dict.fromkeys(reasons))),
            "comment": None if comment is None else comment.strip()[:2000],
        }
        values = {k: v for k, v in values.items() if v is not None}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        with closing(sqlite3.connect(self.store.path, timeout=self.store.timeout)) as conn, conn:
            conn.execute(f"UPDATE feedback SET {sets} WHERE id = :id", {**values, "id": row})

    def _forget(self, row: int) -> None:
        with closing(sqlite3.connect(self.store.path, timeout=self.store.timeout)) as conn, conn:
            conn.execute("DELETE FROM feedback WHERE id = ?", (row,))

    def library_version(self) -> str:
        return self._manifest_version() or self.library.version

    # mode ----------------------------------------------------------------------------------
    def on_mode(self, mode: str):
        staff = mode == "staff"
        label = "The enquiry you received (paste or summarise it)" if staff else "Your question"
        limit = self.settings.max_staff_chars if staff else self.settings.max_question_chars
        return gr.update(visible=staff), gr.update(label=label, max_length=limit), ""


def _forget_chroma_client(index_dir: Path) -> None:
    """Chroma keeps one open system per index folder in the process; a rebuilt index needs a
    fresh one. Only this folder's entry goes: other clients in the process keep theirs."""
    from chromadb.api.shared_system_client import SharedSystemClient

    path = str(index_dir / "chroma")
    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


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
            with gr.Column(scale=3, min_width=300):
                chat, tools, feedback, box, status, examples = _chat_column(page)
            with gr.Column(scale=2, min_width=300, visible=False, elem_id="staff-col") as staff:
                draft = _draft_panel()
        # Functions, not strings: each visit reads the library as it is now (after a rebuild too).
        gr.HTML(lambda: _welcome(page.library), elem_id="welcome")
        with gr.Accordion("About these sources", open=False, elem_id="about"):
            gr.HTML(lambda: render_about(page.library))
        gr.HTML(lambda: _footer(page), elem_id="footer")
        _wire_chat(page, chat, box, mode, status, draft, turns, examples, staff, tools)
        _wire_feedback(page, chat, turns, target, feedback, draft)
        gr.api(page.ask_api, api_name="ask", concurrency_id="answer")
    return app


def _wire_chat(page, chat, box, mode, status, draft, turns, examples, staff, tools) -> None:
    copy, save, again, stop = tools
    chat_io = dict(
        inputs=[box, chat, mode, turns],
        outputs=[chat, box, status, draft, turns],
        show_progress="hidden",
        concurrency_id="answer",  # every way of asking shares one queue: one Assistant
    )
    private = {"api_visibility": "private"}
    events = [box.submit(page.respond, api_name="respond", **chat_io)]
    for button, question in examples:
        fill = button.click(_constant(question), None, box, show_progress="hidden", **private)
        events.append(fill.then(page.respond, **private, **chat_io))
    retry_io = {**chat_io, "inputs": [chat, mode, turns]}
    events.append(again.click(page.retry, **private, **retry_io))
    for event in events:  # a new answer opens at its start, not at the end of its sources
        event.then(None, js=SCROLL_TO_ANSWER, **private)
    stop.click(page.stopped, chat, chat, cancels=events, **private)
    copy.click(None, js=COPY_ANSWER, **private)
    save.click(None, js=SAVE_ANSWER, **private)
    mode.change(page.on_mode, mode, [staff, box, status], **private)


def _wire_feedback(page, chat, turns, target, feedback, draft) -> None:
    form, intro, reasons, comment, send, cancel, fb_status = feedback
    private = {"api_visibility": "private"}  # page-only events: not part of the API
    chat.clear(
        lambda: ({}, None, gr.update(visible=False), ""), None, [turns, target, form, draft], **private
    )
    chat.like(page.on_like, [turns, target], [target, form, intro, reasons, comment, fb_status], **private)
    send.click(page.send_feedback, [target, reasons, comment, turns], [target, form, fb_status], **private)
    cancel.click(lambda: gr.update(visible=False), None, form, **private)


def _constant(value: str):
    def fill() -> str:
        return value

    return fill


def _header() -> None:
    gr.HTML(render("header.html", title=TITLE), elem_id="top")


def _chat_column(page: ChatPage):
    chat = gr.Chatbot(
        label="Conversation",
        show_label=False,  # a floating label would cover the first lines
        elem_id="chat",
        height="auto",  # the page scrolls, not a panel inside it; hidden while empty (style.css)
        autoscroll=False,  # SCROLL_TO_ANSWER shows a new answer from its start
        sanitize_html=True,
        allow_tags=False,  # user text must not smuggle custom tags into the page
        latex_delimiters=[],  # '$' in a question is money, not maths
        buttons=[],
        feedback_options=("Like", "Dislike"),
        layout="panel",  # full-width answers: sources and claim cards need the room
    )
    with gr.Row(elem_id="answer-tools"):
        tools = (
            gr.Button("Copy answer", size="sm", elem_id="copy-answer"),
            gr.Button("Save answer to print or send", size="sm", elem_id="save-answer"),
            gr.Button("Ask again", size="sm", elem_id="retry"),
            gr.Button("Stop", size="sm", elem_id="stop"),
        )
    feedback = _feedback_form()  # right under the answers it is about
    box = gr.Textbox(
        label="Your question",
        placeholder="For example: is aHSCT safe for progressive MS?",
        lines=1,  # one line that grows: Enter sends (a multi-line box needs Shift+Enter)
        max_lines=8,
        max_length=page.settings.max_question_chars,
        submit_btn="Ask",
        elem_id="question",
    )
    status = gr.HTML("", elem_id="status")
    gr.HTML('<p class="examples-head" id="examples-head">New here? Try one of these questions:</p>')
    examples = []
    with gr.Row(elem_id="examples"):
        for question in EXAMPLE_QUESTIONS:
            examples.append((gr.Button(question, size="sm", elem_classes=["example"]), question))
    return chat, tools, feedback, box, status, examples


def _welcome(library: Library) -> str:
    n = len(library.docs) or "no"
    return render("welcome.html", n=n)


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
    return render("footer.html", backend=page.settings.backend, label=library_label(page.library))


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


# -- scripts run in the browser (no server round trip, nothing stored) -------------------------
LAST_ANSWER = "[...document.querySelectorAll('#chat .answer')].pop()"
SCROLL_TO_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  const bubble = answer && (answer.closest('[data-testid=bot]') || answer);
  if (bubble) bubble.scrollIntoView({{block: 'start'}});
}}"""
COPY_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  if (!answer) return;
  answer.querySelectorAll('details').forEach(d => d.open = true);
  const text = answer.innerText;
  const done = () => {{ const b = document.querySelector('#copy-answer');
    if (b) {{ b.textContent = 'Copied'; setTimeout(() => b.textContent = 'Copy answer', 2500); }} }};
  if (navigator.clipboard && window.isSecureContext) {{
    navigator.clipboard.writeText(text).then(done);
  }} else {{  // plain http from another computer: the older way still copies
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove(); done();
  }}
}}"""
# A standalone page: the question, the answer, its sources and the date, readable without the app
# and clean to print. Built from the answer as shown, in the browser: nothing is sent or stored.
SAVE_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  if (!answer) return;
  const copy = answer.cloneNode(true);
  copy.querySelectorAll('details').forEach(d => d.open = true);
  copy.querySelectorAll('.sr-only').forEach(e => e.remove());
  const today = new Date().toISOString().slice(0, 10);
  const footer = document.querySelector('.site-footer');
  const style = 'body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;'
    + 'padding:0 1rem;color:#111;background:#fff}}a{{color:#0b4fb3}}'
    + '.asked-q{{font-weight:700;font-size:1.1rem}}.src{{margin:0 0 .6rem}}'
    + 'blockquote{{border-left:3px solid #888;margin:.2rem 0;padding-left:.6rem}}'
    + '.claim-card,.urgent,.abstain,.sources{{border:1px solid #999;border-radius:8px;'
    + 'padding:.5rem .8rem;margin:.6rem 0}}summary{{font-weight:600}}';
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    + '<title>Answer from the MS Stem-Cell Evidence Assistant, ' + today + '</title>'
    + '<style>' + style + '</style></head><body>'
    + '<h1>MS Stem-Cell Evidence Assistant</h1><p>Saved on ' + today
    + '. General information, not medical advice: please discuss it with your MS team.</p>'
    + copy.outerHTML + '<p>' + (footer ? footer.textContent : '') + '</p></body></html>';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([html], {{type: 'text/html'}}));
  link.download = 'ms-stem-cell-answer-' + today + '.html';
  document.body.appendChild(link); link.click(); link.remove();
}}"""
# Raw head: sets the page language for screen readers (Gradio has no other hook for <html lang>);
# opens a source's entry when its citation number is followed; says what a paste lost when it is
# longer than the box holds (the browser cuts at maxlength without a word); and holds the rules
# for elements outside the app's root, which Gradio's `css=` cannot reach (it prefixes every
# rule in a media query with the root's class).
HEAD = """<script>
document.documentElement.lang = 'en';
document.addEventListener('click', (e) => {
  const link = e.target.closest && e.target.closest('a.cite');
  const entry = link && document.getElementById(link.hash.slice(1));
  if (entry && entry.closest('details')) entry.closest('details').open = true;
}, true);
document.addEventListener('paste', (e) => {
  const box = e.target;
  if (!box.closest || !box.closest('#question') || !(box.maxLength > 0)) return;
  const pasted = (e.clipboardData || window.clipboardData).getData('text');
  const room = box.maxLength - box.value.length + (box.selectionEnd - box.selectionStart);
  let notice = document.getElementById('cut-notice');
  if (pasted.length <= room) { if (notice) notice.remove(); return; }
  if (!notice) {
    notice = document.createElement('p');
    notice.id = 'cut-notice'; notice.className = 'cut-notice'; notice.setAttribute('role', 'alert');
    box.closest('#question').after(notice);
  }
  const lost = pasted.slice(Math.max(room, 0)).trim();
  const words = lost.split(/\\s+/);
  notice.textContent = 'The box holds ' + box.maxLength + ' characters, so the last '
    + lost.length + ' of what you pasted were left out (from “' + words.slice(0, 8).join(' ')
    + (words.length > 8 ? ' …' : '') + '”). Shorten it, or send the rest as a second message.';
}, true);
</script>
<style>
@media (max-width: 480px) { .gradio-container > .main
  { padding-left: 8px !important; padding-right: 8px !important; } }
#chat:not(:has([data-testid=bot])):not(:has([data-testid=user])) { display: none !important; }
.gradio-container:not(:has(#chat [data-testid=bot])) #answer-tools { display: none !important; }
#status:not(:has(.error-box)), #fb-status:not(:has(p)) { display: none !important; }
</style>"""

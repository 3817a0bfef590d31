"""The page's layout: `build_app` builds the Gradio Blocks (header, chat column, staff draft
panel, feedback form, welcome, about and footer) and wires their events to a ChatPage."""

from __future__ import annotations

import gradio as gr

from ..feedback import REASONS
from ..flow.notices import EXAMPLES
from ..library import Library
from ..pipeline import Assistant
from ..settings import Settings
from .handlers import ChatPage
from .render import library_label, render, render_about
from .scripts import COPY_ANSWER, SAVE_ANSWER, SCROLL_TO_ANSWER

TITLE = "MS Stem-Cell Evidence Assistant"
EXAMPLE_QUESTIONS = (
    *EXAMPLES[:3],
    "A clinic says cord-blood stem cells can't be rejected. Is that true?",
)
MODES = [("Patient or family member", "patient"), ("Support staff: draft a reply", "staff")]


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
    like_out = [target, form, intro, reasons, comment, fb_status]
    chat.like(page.on_like, [turns, target, chat], like_out, **private)
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

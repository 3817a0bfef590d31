"""The chat page: a Gradio Blocks app for patients and families and for support staff.

`build_app(settings, assistant)` builds the page around one Assistant; `serve(settings)` builds the
index if it is missing, loads the models once and serves on settings.host:settings.port.
This module gathers the page's public names; the code lives in:
- `messages`: fixed messages, escaping of user text, turn records, error messages;
- `handlers`: ChatPage, the event handlers; `reload` (index reload) and `rating` (feedback) mixins;
- `layout`: the Blocks layout and event wiring (`build_app`);
- `serving`: theme, `launch`, `ensure_index`, `warm_up`, `serve`;
- `scripts`: the JavaScript run in the browser and the raw <head>.

Safety rules kept throughout these modules:
- every piece of text placed into HTML goes through `esc` (html.escape), whatever its origin;
- user messages given to the Chatbot are escaped for HTML *and* Markdown, so they show as typed;
- nothing about a conversation is written to disk unless the user sends feedback.
"""

from .handlers import ChatPage
from .layout import EXAMPLE_QUESTIONS, MODES, TITLE, build_app
from .messages import (
    ERRORS,
    FEEDBACK_UNSAVED,
    MD_SPECIAL,
    STOPPED,
    error_message,
    turn_record,
    typed_text,
    user_markdown,
)
from .reload import IndexRebuilding
from .scripts import COPY_ANSWER, HEAD, LAST_ANSWER, SAVE_ANSWER, SCROLL_TO_ANSWER
from .serving import CSS, THEME_FONTS, ensure_index, launch, serve, theme, warm_up

__all__ = [
    "COPY_ANSWER",
    "CSS",
    "ERRORS",
    "EXAMPLE_QUESTIONS",
    "FEEDBACK_UNSAVED",
    "HEAD",
    "LAST_ANSWER",
    "MD_SPECIAL",
    "MODES",
    "SAVE_ANSWER",
    "SCROLL_TO_ANSWER",
    "STOPPED",
    "THEME_FONTS",
    "TITLE",
    "ChatPage",
    "IndexRebuilding",
    "build_app",
    "ensure_index",
    "error_message",
    "launch",
    "serve",
    "theme",
    "turn_record",
    "typed_text",
    "user_markdown",
    "warm_up",
]

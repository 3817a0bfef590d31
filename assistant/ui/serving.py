"""Serving the page: the theme and stylesheet, `launch` (queue and server), `ensure_index` (build
the index on first run), `warm_up` (load the models now) and `serve` (all of it, then block)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from .. import text
from ..flow.notices import EXAMPLES
from ..index import build_index
from ..pipeline import Assistant
from ..settings import Settings
from ..store import read_manifest
from .layout import build_app
from .logs import redact_stderr
from .scripts import HEAD
from .web import server_options

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
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
        app_kwargs=server_options(settings),  # body limit, closed routes, origin, headers
        max_file_size=0,  # no uploads: the page has no file input (the route is closed too)
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
    """Load the models and the claim registry now, not on the first visitor's question; also
    the readability and sentence tools a composed answer needs (0.5-2 s on first use), and what
    the first answers would read from the index (`Assistant.warm_up`)."""
    text.warm_up()
    assistant.warm_up()
    assistant.ask(EXAMPLES[0])


def serve(settings: Settings) -> None:
    redact_stderr()  # first: uvicorn's log handlers take the stream as it is when they start
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

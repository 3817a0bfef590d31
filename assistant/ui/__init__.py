"""The chat page: `page` (Gradio app, handlers, serving), `render` (Jinja2 templates), `style.css`."""

from .page import build_app, ensure_index, launch, serve, warm_up

__all__ = ["build_app", "ensure_index", "launch", "serve", "warm_up"]

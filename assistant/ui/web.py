"""What every HTTP request to the page passes before Gradio reads it, and what every response
carries: Gradio routes the app never uses are closed, a request from another origin is refused,
and each response gets the browser's security headers.

Request bodies over `settings.max_body_bytes` are refused with 413 by Starlette's own limit
(`max_body_size`, see `server_options`), before anything parses them. The guard is the outermost
layer (`guard_first`), so a request it refuses reaches nothing else, Gradio's CORS answer included.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import unquote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings

API = "/gradio_api"
# The page runs Gradio's inline bootstrap and the `js=` event scripts (compiled with new Function,
# hence 'unsafe-eval'); everything it loads comes from this server. Saved answers are blob: links.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Routes the page never uses: uploads (no file input anywhere; they were kept on disk for good),
# the reverse proxy, and file= with an address (the server fetched it: a connection out).
CLOSED = re.compile(
    rf"^{API}/(upload|upload_progress|proxy=)|^{API}/file=\s*([a-z][a-z0-9+.-]*:|//|\\\\)", re.I
)


def closed_route(path: str) -> bool:
    return bool(CLOSED.match(unquote(path)))


def same_origin(headers: Headers) -> bool:
    """A request without an Origin (a script, curl, gradio_client) or from the page itself: the
    Origin's host and port are the Host it was sent to. The scheme is not compared: behind a
    proxy that ends TLS the page's Origin is https while the app is reached over http."""
    origin = headers.get("origin")
    return origin is None or urlsplit(origin).netloc.lower() == headers.get("host", "").lower() != ""


class WebGuard:
    """ASGI middleware: refuse closed routes (404) and other origins (403, preflights too: no
    CORS answer for them); add the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if closed_route(scope["path"]):
            await _refuse(404, "Not found.", scope, receive, send)
        elif not same_origin(headers):
            await _refuse(403, "Requests from other sites are refused.", scope, receive, send)
        else:
            await self.app(scope, receive, _with_headers(send))


async def _refuse(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(text, status_code=status)(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers[name] = value
        await send(message)

    return sending


@contextlib.asynccontextmanager
async def guard_first(app: Starlette):
    """Put WebGuard in front of every other layer, Gradio's CORS included.

    Gradio adds its CORS layer (which answers any localhost origin, and any origin at all when
    served on another address) outside whatever `app_kwargs["middleware"]` holds. Starlette builds
    its middleware stack on the first event it gets, the lifespan start-up, and uvicorn opens the
    socket only after start-up: wrapping the stack here leaves no request unguarded.
    """
    app.middleware_stack = WebGuard(app.middleware_stack or app.build_middleware_stack())
    yield


def server_options(settings: Settings) -> dict:
    """FastAPI options for `Blocks.launch(app_kwargs=...)`: the body limit and the guard."""
    return {"max_body_size": settings.max_body_bytes, "lifespan": guard_first}

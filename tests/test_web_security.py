"""The served page against misuse (issue #19): bounded requests, closed Gradio routes, security
headers, other origins refused, no session state read by another client, no question in the log.

Against the running app on 127.0.0.1 (the server fixtures of test_ui_client), plus the history
bound of every way of asking without a server.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_ui_client import FIRST, assistant, client, settings, url  # noqa: F401  (fixtures)

from assistant.chain import AnswerChain
from assistant.flow.condense import bounded_history
from assistant.ui.logs import RedactedStderr

MARK = "Qzx7Private"  # stands for what a person typed: it must reach no log line


def http(base: str, path: str, *, method: str = "GET", data: bytes | None = None, headers=None):
    """(status, headers, body) of one request, error statuses included."""
    request = urllib.request.Request(base.rstrip("/") + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def join(base: str, data: list, fn: str = "respond", origin: str | None = None, session: str = "s1"):
    """A raw queue request, as the page sends it."""
    info = json.loads(http(base, "/config")[2])
    fn_index = next(d["id"] for d in info["dependencies"] if d.get("api_name") == fn)
    body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": session}).encode()
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    return http(base, "/gradio_api/queue/join", method="POST", data=body, headers=headers)


# -- bounded requests ---------------------------------------------------------------------------
def test_history_is_cut_to_the_last_turns_and_characters():
    history = [(f"question {i}", "answer " * 50) for i in range(40)]
    kept = bounded_history(history, 6, 10_000)
    assert [q for q, _ in kept] == [f"question {i}" for i in range(34, 40)]
    kept = bounded_history(history, 6, 400)
    assert kept[-1] == history[-1], "the previous turn is the one a follow-up needs"
    assert sum(len(q) + len(a) for q, a in kept) <= 400
    assert bounded_history("not a list", 6, 400) == []
    assert bounded_history([[1, 2], None, {"role": "user"}, ["ok", "fine"]], 6, 400) == [("ok", "fine")]


def test_the_chain_and_the_cli_read_only_the_last_turns(settings, tmp_path):  # noqa: F811
    from assistant.cli import _history

    seen = []

    class Recorder:
        def __init__(self):
            self.settings = settings

        def ask(self, question, history, mode, backend):
            seen.append(history)
            raise RuntimeError("recorded")

    long = [[f"q{i}", "a" * 5000] for i in range(100)]
    with pytest.raises(RuntimeError):
        AnswerChain(Recorder()).invoke({"question": "and then?", "history": long})
    assert len(seen[0]) <= settings.max_history_turns
    assert sum(len(q) + len(a) for q, a in seen[0]) <= settings.max_history_chars
    path = tmp_path / "history.json"
    path.write_text(json.dumps(long))
    from_file = _history(str(path), settings)
    assert len(from_file) <= settings.max_history_turns and from_file[-1][0] == "q99"


def test_an_oversized_history_does_not_grow_the_query(client):  # noqa: F811
    # One earlier turn of 90 kB whose topics are joined by connectors: the follow-up reading used
    # to carry all of it.
    earlier = "Is HSCT " + "for MS " * 13_000 + "in the UK?"
    out = client.predict("And the risks?", [[earlier, "x"]], "patient", api_name="/ask")
    assert len(out["query"]) < 200, "the condensed query is bounded"
    assert "HSCT" in out["query"], "the follow-up still carries its topic"


def test_a_request_body_over_the_limit_is_refused_with_413(url, settings):  # noqa: F811
    """Refused on its announced size, before the body is read (the sender may still be sending)."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    size = settings.max_body_bytes + 1
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        conn.sendall(
            f"POST /gradio_api/queue/join HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode()
            + b'{"data": ["'
            + b"x" * 60_000
        )
        reply = conn.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413"), reply[:80]
    small = json.dumps({"data": ["x"]}).encode()
    status, _, _ = http(
        url, "/gradio_api/queue/join", method="POST", data=small, headers={"Content-Type": "application/json"}
    )
    assert status != 413, "a normal request passes"


# -- closed routes, headers, origins ------------------------------------------------------------
def test_the_upload_route_is_closed(url):  # noqa: F811
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, _, got = http(url, "/gradio_api/upload", method="POST", data=body, headers=headers)
    assert status == 404 and b"a.txt" not in got


def test_file_route_with_an_address_makes_no_connection(url, monkeypatch):  # noqa: F811
    looked_up = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        looked_up.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    for target in (
        "http://leak-probe.invalid/x.png",
        "https%3A//leak-probe.invalid/x",
        "//leak-probe.invalid/x",
    ):
        status, _, _ = http(url, f"/gradio_api/file={target}")
        assert status == 404, target
    status, _, _ = http(url, "/gradio_api/proxy=http://leak-probe.invalid/x")
    assert status == 404
    assert not [h for h in looked_up if "leak-probe" in str(h)], "the server looked the address up"


@pytest.mark.parametrize("path", ["/", "/config", "/gradio_api/info", "/no-such-page", "/gradio_api/upload"])
def test_every_response_carries_the_security_headers(url, path):  # noqa: F811
    _, headers, _ = http(url, path)
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_requests_from_another_origin_are_refused(url):  # noqa: F811
    own = url.rstrip("/")
    port = int(own.rsplit(":", 1)[1])
    for origin in (
        f"http://localhost:{port + 1}",
        f"http://127.0.0.1:{port + 1}",
        "null",
        "http://evil.example",
    ):
        status, headers, body = join(url, [FIRST, [], "patient"], origin=origin)
        assert status == 403 and b"event_id" not in body, origin
        assert "Access-Control-Allow-Origin" not in headers, "no CORS answer for another origin"
        preflight = {"Origin": origin, "Access-Control-Request-Method": "POST"}
        status, headers, _ = http(url, "/gradio_api/queue/join", method="OPTIONS", headers=preflight)
        assert status == 403 and "Access-Control-Allow-Origin" not in headers, origin
        assert http(url, "/gradio_api/info", headers={"Origin": origin})[0] == 403
    status, _, body = join(url, [FIRST, [], "patient"], origin=own)
    assert status == 200 and b"event_id" in body, "the page's own origin is served"


def test_another_client_reusing_a_session_id_gets_nothing_of_the_first(url, client):  # noqa: F811
    from gradio_client import Client

    client.predict(FIRST, [], "patient", api_name="/respond")
    other = Client(url, verbose=False)
    other.session_hash = client.session_hash  # a session id is chosen by the client
    messages, *_ = other.predict("What about the risks?", [], "patient", api_name="/respond")
    html = messages[-1]["content"][0]["text"]
    assert "Read as a follow-up" not in html, "the first client's question came back"


def test_the_owner_of_a_chat_still_gets_its_follow_up(client):  # noqa: F811
    messages, *_ = client.predict(FIRST, [], "patient", api_name="/respond")
    messages, *_ = client.predict("What about the risks?", messages, "patient", api_name="/respond")
    assert "Read as a follow-up" in messages[-1]["content"][0]["text"]


# -- the log ------------------------------------------------------------------------------------
def test_malformed_api_calls_write_no_question_to_the_log(url, client, monkeypatch, caplog):  # noqa: F811
    from gradio_client.exceptions import AppError

    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", RedactedStderr(out))  # what `serve` puts in front of stderr
    caplog.set_level(logging.WARNING)
    calls = [
        ("/ask", (f"{MARK} one", [], f"{MARK} as a mode")),
        ("/ask", ({"q": f"{MARK} two"}, [], "patient")),
        ("/respond", (f"{MARK} three", [{"role": "user", "content": f"{MARK} four"}], "patient")),
        ("/respond", (f"{MARK} five", f"{MARK} six", "patient")),
        ("/respond", (f"{MARK} seven", [], f"{MARK} eight")),
    ]
    for api, args in calls:
        with pytest.raises(AppError):
            client.predict(*args, api_name=api)
    sys.stderr.flush()
    logged = out.getvalue() + caplog.text
    assert "Traceback" in logged, "the failures were logged"
    assert MARK not in logged


# -- in a browser: the page under its CSP, a pasted address as typed ----------------------------
@pytest.fixture
def browser_page(url):  # noqa: F811
    from test_ui_browser import ARGS, CHROMIUM, OFF_MACHINE, stub_off_machine

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.route(OFF_MACHINE, stub_off_machine)
        page = context.new_page()
        page.refused = []  # what the Content-Security-Policy blocked
        page.on("console", lambda m: "Content Security Policy" in m.text and page.refused.append(m.text))
        page.goto(url, wait_until="load")
        page.locator("#question textarea").wait_for(timeout=30_000)
        yield page
        chromium.close()


def test_the_page_works_under_its_csp_and_shows_a_pasted_address_as_typed(browser_page):
    from test_ui_browser import ask

    typed = "Is https://clinic.example/msc-offer_2024 a real trial? (see www.stem-cells.example)"
    answer = ask(browser_page, typed)
    assert answer.inner_text().strip(), "the page answered (its scripts ran under the policy)"
    bubble = browser_page.locator("#chat [data-testid=user]").last
    assert bubble.inner_text().strip() == typed, "no backslashes, nothing lost"
    assert bubble.locator("a").count() == 0, "an address in a question is not made a link"
    assert not browser_page.refused, browser_page.refused[:3]

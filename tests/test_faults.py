"""Faults: an LLM endpoint that answers garbage, a locked or unwritable feedback database, and an
index rebuild killed half-way.

Covered elsewhere: an LLM endpoint that refuses connections or stalls (test_answers.py), a Chroma
server that is down and comes back (test_chroma_server.py). Every server here listens on
127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import free_port, make_library, write_note

from assistant.feedback import FeedbackStore
from assistant.index import STAGING, build_index
from assistant.models import Answer, Block
from assistant.pipeline import Assistant
from assistant.store import chroma_client, read_manifest
from assistant.ui.page import FEEDBACK_UNSAVED, ChatPage, turn_record
from assistant.vocab import BlockKind

ROOT = Path(__file__).resolve().parents[1]
MIST = "What did the MIST trial find?"


# -- an OpenAI-compatible endpoint that answers garbage -----------------------------------------
def _chunk(content: str) -> bytes:
    body = {
        "id": "stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


GARBAGE = {
    # valid protocol, nonsense words with no citations
    "nonsense": (
        200,
        "text/event-stream",
        _chunk("Blorp zindle wubba quux. Flarn the MS.") + b"data: [DONE]\n\n",
    ),
    # valid protocol, nothing said
    "empty": (200, "text/event-stream", _chunk("") + b"data: [DONE]\n\n"),
    # the stream's JSON is broken
    "malformed-json": (200, "text/event-stream", b"data: {not json at all\n\n"),
    # well-formed JSON of the wrong shape
    "wrong-schema": (200, "text/event-stream", b'data: {"foo": [1, 2, 3]}\n\ndata: [DONE]\n\n'),
    # a proxy's error page instead of an API
    "html-page": (200, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    # the server's own error
    "http-500": (500, "application/json", b'{"error": {"message": "model crashed", "type": "server_error"}}'),
}


@pytest.fixture
def garbage_server():
    """A loopback stub of /v1/chat/completions; `state["mode"]` picks what it answers."""
    state = {"mode": "nonsense", "hits": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state["hits"] += 1
            status, kind, body = GARBAGE[state["mode"]]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], state
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", list(GARBAGE))
def test_llm_endpoint_returning_garbage_falls_back_with_a_notice(
    tiny_settings, tiny_assistant, garbage_server, mode
):
    port, state = garbage_server
    state["mode"] = mode
    settings = tiny_settings.model_copy(
        update={"llm_base_url": f"http://127.0.0.1:{port}/v1", "llm_timeout_s": 5.0}
    )
    assistant = Assistant(settings, embedder=tiny_assistant.embedder)
    assistant.__dict__["guard"] = tiny_assistant.guard
    answer = assistant.ask(MIST, backend="openai:test-model")
    assert state["hits"] >= 1, "the stub was asked"
    assert answer.backend == "extractive" and not answer.abstained
    notices = [w for w in answer.warnings if "openai:test-model" in w]
    assert notices and any("composed from the sources directly" in w for w in notices)
    assert answer.citations[0].source_id == "mist-trial"
    for word in ("Blorp", "Flarn", "Bad Gateway", "crashed", "foo"):
        assert word not in answer.answer
    assert answer.timings_ms["total"] < 15000


# -- the feedback database: locked, unwritable, full ----------------------------------------------
FEEDBACK = {
    "rating": "down",
    "question": "Can cord cells be rejected?",
    "answer": "Yes [1].",
    "reasons": ["wrong"],
}


@pytest.fixture
def locked_db(tmp_path):
    """A feedback database with one row, held under an exclusive lock by another connection."""
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).record(**FEEDBACK)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    yield path, holder
    holder.close()


def test_locked_database_retries_then_says_so_and_stores_nothing(locked_db):
    path, holder = locked_db
    store = FeedbackStore(path, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store.record(**FEEDBACK)
    assert time.monotonic() - started >= 0.25, "SQLite kept retrying for the timeout"
    holder.execute("ROLLBACK")
    assert len(store.rows()) == 1, "no partial row"
    store.record(**FEEDBACK)
    assert len(store.rows()) == 2


def test_lock_released_while_retrying_lets_the_write_through(locked_db):
    path, holder = locked_db
    threading.Timer(0.3, lambda: holder.execute("ROLLBACK")).start()
    FeedbackStore(path, timeout=5).record(**FEEDBACK)
    assert len(FeedbackStore(path).rows()) == 2


def _page_with_store(tiny_settings, tiny_assistant, store: FeedbackStore):
    page = ChatPage(tiny_settings, tiny_assistant)
    page.store = store
    answer = Answer("Can cord cells be rejected?", "They can [1].", False, "patient", "extractive")
    return page, {"index": 1, "rating": "down"}, {1: turn_record(answer)}


def test_page_keeps_the_form_and_says_try_again_when_the_database_is_locked(
    tiny_settings, tiny_assistant, locked_db
):
    path, holder = locked_db
    page, target, turns = _page_with_store(tiny_settings, tiny_assistant, FeedbackStore(path, timeout=0.3))
    kept, form, status = page.send_feedback(target, ["wrong"], "my note", turns)
    assert kept == target and form["visible"] is True, "the form stays open with the user's input"
    assert FEEDBACK_UNSAVED.split(" (")[0] in status and "try" in status
    assert "locked" not in status and str(path) not in status, "no internals on the page"
    holder.execute("ROLLBACK")
    assert len(page.store.rows()) == 1
    kept, form, status = page.send_feedback(target, ["wrong"], "my note", turns)
    assert kept is None and "Thank you" in status
    rows = page.store.rows()
    assert len(rows) == 2 and rows[-1]["comment"] == "my note"


def test_unwritable_feedback_location_gives_a_clear_message(tiny_settings, tiny_assistant, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the feedback folder should be")
    page, target, turns = _page_with_store(
        tiny_settings, tiny_assistant, FeedbackStore(blocker / "fb.sqlite3")
    )
    kept, form, status = page.send_feedback(target, [], "", turns)
    assert kept == target and form["visible"] is True and FEEDBACK_UNSAVED.split(" (")[0] in status
    if os.geteuid() != 0:  # root writes into read-only folders anyway
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            page.store = FeedbackStore(folder / "fb.sqlite3")
            _, _, status = page.send_feedback(target, [], "", turns)
            assert FEEDBACK_UNSAVED.split(" (")[0] in status
        finally:
            folder.chmod(0o755)


DISK_FULL = textwrap.dedent(
    """
    import resource, signal, sqlite3, sys
    from assistant.feedback import FeedbackStore
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, hard))
    try:
        FeedbackStore(sys.argv[1], timeout=1).record(
            rating="down", question="Big question?", answer="x" * 2_000_000
        )
    except sqlite3.Error as exc:
        print("refused:", exc)
    """
)


def test_disk_full_during_a_write_leaves_no_partial_row(tmp_path):
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path)
    store.record(**FEEDBACK)
    out = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert "refused:" in out.stdout and ("full" in out.stdout or "disk I/O" in out.stdout), out
    rows = store.rows()
    assert [r["question"] for r in rows] == [FEEDBACK["question"]], "the old row intact, no partial one"
    store.record(**FEEDBACK)  # and the database still works once there is room
    assert len(store.rows()) == 2


# -- an index rebuild killed half-way -------------------------------------------------------------
FILLER = """
## Background
Filler review {i} describes laboratory work on neural cells grown in dishes over {w} weeks.
The authors counted how many cells survived after each of {s} washing steps.

## What was found
Filler review {i} found that cell survival fell with each washing step.
The authors said that more work is needed before any use in people.
"""


def test_rebuild_killed_while_embedding_leaves_the_previous_index_usable(
    tiny_settings, tiny_assistant, tmp_path
):
    # The tiny index as it was, and a library that has grown since, so the rebuild has work to do.
    sources = make_library(tmp_path / "sources")
    for i in range(24):
        write_note(
            sources, f"filler-{i}", "review", 2015, f"Filler review {i}", FILLER.format(i=i, w=i + 3, s=i + 2)
        )
    tiny_assistant.guard  # noqa: B018 (its cache file is copied with the index)
    shutil.copytree(tiny_settings.index_dir, tmp_path / "index")
    settings = tiny_settings.model_copy(update={"sources_dir": sources, "index_dir": tmp_path / "index"})
    before = read_manifest(settings.index_dir)

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "--sources-dir",
            str(sources),
            "--index-dir",
            str(settings.index_dir),
        ]
        + ["index", "--rebuild"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    seen, deadline = b"", time.monotonic() + 120
    try:
        while b"embedding" not in seen and time.monotonic() < deadline:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
        proc.send_signal(signal.SIGKILL)  # at the progress bar: collections made, vectors being written
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    assert b"embedding" in seen, seen[-2000:]
    assert proc.returncode == -signal.SIGKILL

    assert read_manifest(settings.index_dir) == before, "the killed build wrote no manifest"
    names = {c.name for c in chroma_client(settings).list_collections()}
    assert f"{settings.collection}{STAGING}" in names, "it was killed half-way, in its staging collections"
    assistant = Assistant(settings, embedder=tiny_assistant.embedder)
    assert assistant.collections[0].count() == before["passages"], "the previous index is whole"
    answer = assistant.ask(MIST)
    assert not answer.abstained and answer.citations[0].source_id == "mist-trial"

    # The next rebuild that runs to the end clears the leftovers (fillers removed to keep it short).
    for path in sources.glob("filler-*.md"):
        path.unlink()
    build_index(settings, rebuild=True, progress=False, embedder=tiny_assistant.embedder)
    names = {c.name for c in chroma_client(settings).list_collections()}
    assert names == {settings.collection, f"{settings.collection}_sentences"}
    assert read_manifest(settings.index_dir)["documents"] == 6
    assert Assistant(settings, embedder=tiny_assistant.embedder).ask(MIST).citations


# -- overload and cancelling: the chat page's queue -----------------------------------------------
class SlowAssistant:
    """Stands in for the Assistant: a slow four-piece answer, so queues fill and jobs can be stopped."""

    def __init__(self, pause: float):
        self.pause = pause

    def stream(self, question, history=(), mode="patient", backend=None):
        for word in ("The", "answer", "comes", "slowly."):
            time.sleep(self.pause / 4)
            yield Block(BlockKind.ANSWER, word)
        yield Answer(question, "The answer comes slowly.", False, mode, "extractive")

    def ask(self, question, history=(), mode="patient", backend=None) -> Answer:
        *_, answer = self.stream(question, history, mode, backend)
        return answer


@pytest.fixture
def slow_page(tiny_settings):
    from gradio_client import Client

    from assistant.ui import build_app, launch

    settings = tiny_settings.model_copy(update={"max_queue": 2})
    app = build_app(settings, SlowAssistant(pause=1.2))
    url = launch(app, settings, port=free_port(), block=False)
    yield url, lambda: Client(url, verbose=False)
    app.close()


def test_overload_gets_busy_try_again_not_a_crash(slow_page):
    from gradio_client.utils import QueueError

    _, client = slow_page
    user = client()
    jobs = [user.submit("Who might benefit from aHSCT?", [], "patient", api_name="/ask") for _ in range(6)]
    answered, busy = 0, []
    for job in jobs:
        try:
            assert job.result(timeout=60)["answer"] == "The answer comes slowly."
            answered += 1
        except QueueError as exc:
            busy.append(str(exc))
    assert busy and all("try again" in m.lower() for m in busy), busy
    assert answered >= 1 and answered + len(busy) == 6, "every question answered or told to retry"
    assert client().predict("And now?", [], "patient", api_name="/ask")["answer"], "still serving"


def test_one_users_stop_never_cancels_another_users_answer(slow_page):
    _, client = slow_page
    alice, bob = client(), client()
    stopped = alice.submit("Who might benefit from aHSCT?", [], "patient", api_name="/respond")
    kept = bob.submit("What are the risks of aHSCT?", [], "patient", api_name="/respond")
    deadline = time.monotonic() + 30
    while not stopped.outputs() and time.monotonic() < deadline:
        time.sleep(0.05)  # alice's answer has started streaming
    stopped.cancel()
    messages, *_ = kept.result(timeout=60)
    html = messages[-1]["content"][0]["text"]
    assert "slowly." in html and "Checking each sentence" not in html, "bob's answer arrived whole"
    assert messages[0]["content"][0]["text"] == "What are the risks of aHSCT?"
    last = stopped.outputs()[-1][0][-1]["content"][0]["text"] if stopped.outputs() else ""
    assert "slowly." not in last, "alice's answer was stopped part-way"

"""Chroma in client-server mode: same answers as embedded mode, a clear error when the server is
down, and recovery when it is back. The server listens on 127.0.0.1 only."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

from assistant.index import build_index
from assistant.pipeline import Assistant
from assistant.store import StoreError

CHROMA = Path(sys.executable).with_name("chroma")
QUESTIONS = [
    "What did the MIST trial find about disability?",
    "Can umbilical cord cells be rejected?",
    "Is any stem cell product approved for MS by the FDA?",
]


def start(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start within 30 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.skipif(not CHROMA.exists(), reason="the chroma command is not installed")
def test_server_mode_matches_embedded_and_recovers(tiny_settings, tiny_assistant, tmp_path):
    port, data = free_port(), tmp_path / "chroma-data"
    server = start(data, port)
    try:
        settings = tiny_settings.model_copy(
            update={"chroma_url": f"http://127.0.0.1:{port}", "index_dir": tmp_path / "replica-1"}
        )
        report = build_index(settings, progress=False)
        assert report.embedded == report.passages > 0

        remote = Assistant(settings)
        for q in QUESTIONS:
            here, there = tiny_assistant.ask(q), remote.ask(q)
            assert there.answer == here.answer
            assert [c.source_id for c in there.citations] == [c.source_id for c in here.citations]

        # A second replica with no local files builds its word index from the server.
        replica = Assistant(settings.model_copy(update={"index_dir": tmp_path / "replica-2"}))
        assert replica.ask(QUESTIONS[0]).answer == tiny_assistant.ask(QUESTIONS[0]).answer

        stop(server)
        with pytest.raises(StoreError, match="check that it is running"):
            remote.ask(QUESTIONS[1])
        server = start(data, port)
        assert remote.ask(QUESTIONS[1]).citations[0].source_id == "cord-rejection"
    finally:
        stop(server)
        shutil.rmtree(data, ignore_errors=True)


def test_server_down_at_start_gives_a_clear_error(tiny_settings, tmp_path):
    settings = tiny_settings.model_copy(
        update={"chroma_url": f"http://127.0.0.1:{free_port()}", "index_dir": tmp_path / "idx"}
    )
    with pytest.raises(StoreError, match="does not answer"):
        build_index(settings, progress=False)
    with pytest.raises(StoreError, match="does not answer"):
        Assistant(settings).ask("Can umbilical cord cells be rejected?")

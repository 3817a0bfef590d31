"""Two replicas, one Chroma server and one feedback database, on loopback.

Two separate processes (each a ChatPage around its own Assistant, as `python app.py` builds it)
share one `chroma run` on 127.0.0.1 and one SQLite feedback file; each has its own index folder
for the word index it builds from the server and its cached claim guard. Both answer the same
questions at the same time and both record feedback through the page's own handler; every row
must land, and both must answer as one process with the same settings does (embedded against
server mode is compared in test_chroma_server.py). The second-writer lock is tested in
test_index.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import free_port
from test_chroma_server import CHROMA, start, stop

from assistant.feedback import FeedbackStore
from assistant.index import build_index
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["What did the MIST trial find about disability?", "Can umbilical cord cells be rejected?"]
ROWS = 8  # feedback rows per question per replica, written while the other replica writes too
TIMEOUT = 150  # seconds for a replica process; the test normally takes well under a minute

REPLICA = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from assistant.pipeline import Assistant
    from assistant.settings import Settings
    from assistant.ui.page import ChatPage

    name, work, rows = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    questions = json.loads(sys.argv[4])
    settings = Settings().resolve()
    page = ChatPage(settings, Assistant(settings))
    page.assistant.ask(questions[0])  # warm: model, guard, word index built from the server
    (work / f"ready-{name}").touch()
    deadline = time.monotonic() + 120
    while not (work / "go").exists():  # both replicas answer and write at the same time
        if time.monotonic() > deadline:
            sys.exit("no start signal")
        time.sleep(0.05)
    out = []
    for q in questions:
        turns = {}
        for *_, turns in page.respond(q, [], "patient", {}):
            pass
        [(index, turn)] = turns.items()
        for i in range(rows):
            rating = "up" if i % 2 else "down"
            reasons = [] if i % 2 else ["unclear"]
            _, _, status = page.send_feedback(
                {"index": index, "rating": rating}, reasons, f"{name} row {i}", turns
            )
            if "fb-thanks" not in status:
                sys.exit(f"feedback not saved: {status}")
        out.append({"answer": turn["answer"], "sources": [c["source_id"] for c in turn["citations"]]})
    print(json.dumps(out))
    """
)


@pytest.mark.skipif(not CHROMA.exists(), reason="the chroma command is not installed")
def test_two_replicas_share_one_chroma_server_and_one_feedback_db(tiny_settings, tmp_path):
    port, data = free_port(), tmp_path / "chroma-data"
    server = start(data, port)
    procs: list[subprocess.Popen] = []
    try:
        url = f"http://127.0.0.1:{port}"
        writer = tiny_settings.model_copy(update={"chroma_url": url, "index_dir": tmp_path / "writer"})
        build_index(writer, progress=False)  # the one writer

        script = tmp_path / "replica.py"
        script.write_text(REPLICA)
        db = tmp_path / "shared" / "feedback.sqlite3"
        no_examples = tmp_path / "no-tuning-examples.yaml"
        for name in ("r1", "r2"):
            env = {
                **os.environ,
                "ASSISTANT_CHROMA_URL": url,
                "ASSISTANT_SOURCES_DIR": str(tiny_settings.sources_dir),
                "ASSISTANT_INDEX_DIR": str(tmp_path / name),
                "ASSISTANT_FEEDBACK_DB": str(db),
                # The guard without the hand-labelled tuning set fits in a second, not half a
                # minute; the guard itself is tested in test_guard.py.
                "ASSISTANT_GUARD_EXAMPLES": str(no_examples),
                "HF_HUB_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False",
                "ANONYMIZED_TELEMETRY": "False",
            }
            cmd = [sys.executable, str(script), name, str(tmp_path), str(ROWS), json.dumps(QUESTIONS)]
            procs.append(
                subprocess.Popen(
                    cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
            )
        deadline = time.monotonic() + TIMEOUT
        while not all((tmp_path / f"ready-{n}").exists() for n in ("r1", "r2")):
            failed = [p for p in procs if p.poll() is not None]
            assert not failed, failed[0].communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the replicas did not start in time"
            time.sleep(0.1)
        (tmp_path / "go").touch()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=max(5.0, deadline - time.monotonic()))
            assert p.returncode == 0, err[-2000:]
            assert "Traceback" not in err, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))

        # Both replicas give the same answers as one process with the same settings.
        alone = Assistant(
            writer.model_copy(update={"index_dir": tmp_path / "r0", "guard_examples": no_examples})
        )
        for q, first, second in zip(QUESTIONS, *results, strict=True):
            here = alone.ask(q)
            assert first["answer"] == second["answer"] == here.answer
            assert first["sources"] == second["sources"] == [c.source_id for c in here.citations]
            assert first["sources"] and not here.abstained

        # Every feedback row from both replicas is in the one database, none lost or doubled.
        rows = FeedbackStore(db).rows()
        assert len(rows) == 2 * len(QUESTIONS) * ROWS
        comments = sorted(r["comment"] for r in rows)
        assert comments == sorted(
            f"{n} row {i}" for n in ("r1", "r2") for _ in QUESTIONS for i in range(ROWS)
        )
        assert {r["question"] for r in rows} == set(QUESTIONS)
        assert all(r["citations"] for r in rows)
        # Each replica built its own word index from the server.
        assert (tmp_path / "r1" / "bm25").is_dir() and (tmp_path / "r2" / "bm25").is_dir()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        stop(server)

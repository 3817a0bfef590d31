"""Feedback store: what a user sends is kept exactly, nothing else, and exports as JSONL."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from assistant.cli import main as cli_main
from assistant.feedback import REASONS, FeedbackError, FeedbackStore, export_jsonl, record

CITATIONS = [
    {
        "n": 1,
        "source_id": "burt-2019-mist",
        "title": "MIST",
        "year": 2019,
        "url": "https://doi.org/x",
    }
]


def give(store: FeedbackStore, **overrides) -> int:
    fields = {
        "rating": "down",
        "question": "Can cord cells be rejected?",
        "answer": "Donor cord cells can be rejected [1].",
        "citations": CITATIONS,
        "backend": "extractive",
        "library_version": "e3d81d761fc9",
        "mode": "patient",
        "reasons": ["unsupported", "unclear"],
        "comment": "  The source says something else.  ",
        "query": "Can cord cells be rejected?",
        "claims": ["cord-msc-no-rejection"],
    }
    return store.record(**(fields | overrides))


def test_a_row_keeps_everything_a_maintainer_needs(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    row_id = give(store)
    (row,) = store.rows()
    assert row["id"] == row_id
    assert row["rating"] == "down"
    assert row["reasons"] == ["unsupported", "unclear"]
    assert row["comment"] == "The source says something else."
    assert row["question"] == "Can cord cells be rejected?"
    assert row["answer"].endswith("[1].")
    assert row["citations"] == CITATIONS
    assert row["claims"] == ["cord-msc-no-rejection"]
    assert (row["backend"], row["library_version"], row["mode"]) == (
        "extractive",
        "e3d81d761fc9",
        "patient",
    )
    assert row["created_at"].endswith("+00:00")


def test_database_uses_write_ahead_logging(tmp_path):
    path = tmp_path / "fb.sqlite3"
    give(FeedbackStore(path))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": "meh"},
        {"reasons": ["rude"]},
        {"mode": "admin"},
        {"question": "   "},
    ],
)
def test_invalid_feedback_is_refused_and_nothing_is_stored(tmp_path, bad):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(FeedbackError):
        give(store, **bad)
    assert store.rows() == []


def test_reason_codes_match_the_page():
    assert list(REASONS) == ["wrong", "unsupported", "repeats-claim", "unclear", "other"]


def test_long_comments_are_cut_and_html_is_kept_as_text(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    give(store, comment="<b>x</b>" + "y" * 5000)
    (row,) = store.rows()
    assert row["comment"].startswith("<b>x</b>")
    assert len(row["comment"]) == 2000


def test_reading_a_missing_database_creates_nothing(tmp_path):
    path = tmp_path / "never.sqlite3"
    assert FeedbackStore(path).rows() == []
    assert not path.exists()


def test_parallel_writers_all_land(tmp_path):
    path = tmp_path / "fb.sqlite3"
    errors = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                record(path, rating="up", question=f"q{k}-{i}", answer="a")
        except Exception as exc:  # collected: a failure in a thread must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(FeedbackStore(path).rows()) == 60


def test_export_writes_one_json_object_per_row(tmp_path):
    db = tmp_path / "fb.sqlite3"
    store = FeedbackStore(db)
    give(store)
    give(store, rating="up", reasons=[], comment="", mode="staff")
    out = tmp_path / "out" / "feedback.jsonl"
    assert export_jsonl(db, out) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["rating"] for r in rows] == ["down", "up"]
    assert rows[0]["citations"][0]["source_id"] == "burt-2019-mist"
    assert rows[1]["mode"] == "staff"


def test_cli_feedback_export(tmp_path, capsys):
    db = tmp_path / "fb.sqlite3"
    give(FeedbackStore(db))
    out = tmp_path / "feedback.jsonl"
    assert cli_main(["feedback", "export", "--db", str(db), "--out", str(out)]) == 0
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["reasons"] == ["unsupported", "unclear"]
    assert "exported 1 feedback row" in capsys.readouterr().err


def test_cli_feedback_export_to_stdout_without_a_database(tmp_path, capsys):
    assert cli_main(["feedback", "export", "--db", str(tmp_path / "none.sqlite3")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing has been given yet" in captured.err


def test_switching_to_wal_waits_for_another_replica_instead_of_failing():
    """Two replicas opening the same new file: SQLite refuses the switch at once while the other
    holds the lock; the store retries within its timeout, and gives up after it."""
    import sqlite3

    import pytest

    from assistant.feedback import _wal

    class Busy:
        def __init__(self, refusals):
            self.refusals, self.calls = refusals, 0

        def execute(self, sql):
            self.calls += 1
            if self.calls <= self.refusals:
                raise sqlite3.OperationalError("database is locked")

    conn = Busy(refusals=3)
    _wal(conn, timeout=5.0)
    assert conn.calls == 4
    with pytest.raises(sqlite3.OperationalError):
        _wal(Busy(refusals=10**6), timeout=0.2)

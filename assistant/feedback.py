"""Feedback on answers, stored in SQLite (WAL) only when a user chooses to send it.

Nothing about a conversation is written anywhere else: the chat page keeps history in the
browser session only. A feedback row holds the one question and answer it is about, so a
maintainer can turn it into an eval case (`assistant feedback export`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

# Reason codes shown on the page, in the order shown; the keys are what is stored and exported.
REASONS = {
    "wrong": "Wrong",
    "unsupported": "Not supported by its source",
    "repeats-claim": "Repeats a clinic claim",
    "unclear": "Unclear",
    "other": "Other",
}
RATINGS = ("up", "down")
MAX_COMMENT = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reasons TEXT NOT NULL DEFAULT '[]',
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    claims TEXT NOT NULL DEFAULT '[]',
    abstained INTEGER NOT NULL DEFAULT 0,
    backend TEXT NOT NULL DEFAULT '',
    library_version TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'patient'
)
"""
JSON_COLUMNS = ("reasons", "citations", "claims")


class FeedbackError(ValueError):
    """Feedback that cannot be stored as given; the message says why."""


def _wal(conn: sqlite3.Connection, timeout: float) -> None:
    """WAL lets a maintainer export while the page keeps writing. Switching a new file to WAL
    needs a moment's exclusive lock, and SQLite reports "database is locked" at once, without its
    busy wait, when two replicas switch the same new file together: retry until the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


class FeedbackStore:
    """One SQLite file; a short-lived connection per call, so any server thread can write."""

    def __init__(self, path: Path | str, timeout: float = 10.0):
        self.path = Path(path)
        self.timeout = timeout  # seconds SQLite keeps retrying a locked database before it gives up

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=self.timeout)) as conn:
            conn.row_factory = sqlite3.Row
            _wal(conn, self.timeout)
            conn.execute(SCHEMA)
            with conn:
                yield conn

    def record(
        self,
        *,
        rating: str,
        question: str,
        answer: str,
        citations: Sequence[dict] = (),
        backend: str = "",
        library_version: str = "",
        mode: str = "patient",
        reasons: Sequence[str] = (),
        comment: str = "",
        query: str = "",
        claims: Sequence[str] = (),
        abstained: bool = False,
    ) -> int:
        """Store one piece of feedback and return its row id."""
        _check(rating, reasons, mode, question)
        row = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "reasons": json.dumps(list(dict.fromkeys(reasons))),
            "comment": (comment or "").strip()[:MAX_COMMENT],
            "question": question,
            "query": query or "",
            "answer": answer or "",
            "citations": json.dumps(list(citations), ensure_ascii=False),
            "claims": json.dumps(list(claims)),
            "abstained": int(bool(abstained)),
            "backend": backend or "",
            "library_version": library_version or "",
            "mode": mode,
        }
        names = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with self._connect() as conn:
            cur = conn.execute(f"INSERT INTO feedback ({names}) VALUES ({marks})", row)
            return int(cur.lastrowid)

    def rows(self) -> list[dict]:
        """Every row, oldest first, with the JSON columns decoded."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            found = conn.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [_decode(dict(r)) for r in found]

    def export_jsonl(self, path: Path | str) -> int:
        """Write one JSON object per row to path ('-' for stdout); return the row count."""
        rows = self.rows()
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if str(path) == "-":
            sys.stdout.write(lines)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(lines, encoding="utf-8")
        return len(rows)


def _check(rating: str, reasons: Sequence[str], mode: str, question: str) -> None:
    if rating not in RATINGS:
        raise FeedbackError(f"rating must be 'up' or 'down', not {rating!r}")
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise FeedbackError(f"unknown reason code(s): {', '.join(map(str, unknown))}")
    if mode not in ("patient", "staff"):
        raise FeedbackError(f"mode must be 'patient' or 'staff', not {mode!r}")
    if not (question or "").strip():
        raise FeedbackError("feedback must be about a question that was asked")


def _decode(row: dict) -> dict:
    for key in JSON_COLUMNS:
        row[key] = json.loads(row[key])
    row["abstained"] = bool(row["abstained"])
    return row


def record(path: Path | str, **fields) -> int:
    """Shortcut: `record(settings.feedback_db, rating=..., question=..., answer=...)`."""
    return FeedbackStore(path).record(**fields)


def export_jsonl(db: Path | str, out: Path | str) -> int:
    return FeedbackStore(db).export_jsonl(out)

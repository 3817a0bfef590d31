"""Ratings on answers: the mixin by which a ChatPage stores a thumb click at once, adds the
optional reasons and comment, and forgets a rating clicked off (in the feedback store)."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing

import gradio as gr

from ..feedback import REASONS, FeedbackError, FeedbackStore
from .logs import log_failure
from .messages import FEEDBACK_UNSAVED, own_turns
from .render import render, render_error

log = logging.getLogger(__name__)


class FeedbackHandlers:
    """The feedback side of a ChatPage: needs `store` and `library_version()`."""

    store: FeedbackStore

    def on_like(self, turns: dict, data: gr.LikeData, target: dict | None = None, messages=None):
        """A thumb click stores the rating at once; the form for reasons and a comment is optional.

        Outputs: target, form visibility, intro, reasons, comment, status. Only a turn of the chat
        the client sent is rated (its intro repeats the question; see `own_turns`).
        """
        if messages is not None:  # always given by the page (a chat sent as null arrives as [])
            turns = own_turns(messages, turns)
        turn = turns.get(data.index) if isinstance(data.index, int) else None
        same = target if target and target.get("index") == data.index else None
        if turn is None:
            return target, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        if data.liked is None or data.liked == "":  # the thumb was clicked off: forget the rating
            if same:
                self._forget(same["row"])
            return None, gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), ""
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        try:
            if same:
                self._amend(same["row"], rating=rating)
                row = same["row"]
            else:
                fields = {**turn, "library_version": self.library_version()}
                row = self.store.record(rating=rating, **fields)
        except (FeedbackError, OSError, sqlite3.Error) as exc:
            log_failure(log, "feedback not stored", exc)
            return (
                target,
                gr.update(visible=False),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                render_error(FEEDBACK_UNSAVED),
            )
        verdict = "helpful" if rating == "up" else "not helpful"
        return (
            {"index": data.index, "rating": rating, "row": row},
            gr.update(visible=True),
            render("feedback_intro.html", question=turn["question"], verdict=verdict),
            gr.update(value=[], visible=rating == "down"),
            "",
            "",
        )

    def send_feedback(self, target: dict | None, reasons: list, comment: str, turns: dict):
        """Add the optional reasons and comment to the stored rating (a rating given without a
        stored row is stored whole); outputs: target, form visibility, status."""
        turn = turns.get(target["index"]) if target else None
        if turn is None:
            return None, gr.update(visible=False), render_error("Choose an answer to rate first.")
        try:
            if target.get("row"):
                self._amend(target["row"], reasons=reasons or [], comment=comment or "")
            else:
                self.store.record(
                    rating=target["rating"],
                    reasons=reasons or [],
                    comment=comment or "",
                    library_version=self.library_version(),
                    **turn,
                )
        except (FeedbackError, OSError, sqlite3.Error) as exc:
            log_failure(log, "feedback not stored", exc)
            msg = str(exc) if isinstance(exc, FeedbackError) else FEEDBACK_UNSAVED
            return target, gr.update(visible=True), render_error(msg)
        return None, gr.update(visible=False), render("thanks.html")

    def _amend(self, row: int, *, rating: str | None = None, reasons=None, comment=None) -> None:
        # FeedbackStore has no update yet: the same database, one UPDATE of the row just stored.
        if reasons is not None and any(r not in REASONS for r in reasons):
            raise FeedbackError("unknown reason")
        values = {
            "rating": rating,
            "reasons": None if reasons is None else json.dumps(list(dict.fromkeys(reasons))),
            "comment": None if comment is None else comment.strip()[:2000],
        }
        values = {k: v for k, v in values.items() if v is not None}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        with closing(sqlite3.connect(self.store.path, timeout=self.store.timeout)) as conn, conn:
            conn.execute(f"UPDATE feedback SET {sets} WHERE id = :id", {**values, "id": row})

    def _forget(self, row: int) -> None:
        with closing(sqlite3.connect(self.store.path, timeout=self.store.timeout)) as conn, conn:
            conn.execute("DELETE FROM feedback WHERE id = ?", (row,))

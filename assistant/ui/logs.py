"""The server's log keeps no question text: failures are logged by type and stack, and the
tracebacks Gradio and uvicorn print of their own accord lose their exception message.

An exception message can quote the request: pydantic's `input_value=...` when a malformed chat
is sent to the API, Gradio's "Value: ... is not in the list of choices", a library error that
repeats its input. The type and the frames (file, line, code) are what a maintainer needs.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import traceback
from typing import TextIO

WITHHELD = "(message not logged: it may quote the request)"
# A line that starts a new record: where a withheld multi-line message ends.
RECORD = re.compile(
    r"^(Traceback \(most recent call last\):|During handling|The above exception|assistant: |[A-Z]+:\s)"
)
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(:|$)")


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """`assistant: <what> (<ExceptionType>)` and the stack, without the exception's message."""
    stack = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    log.error("assistant: %s (%s)\n%s", what, type(exc).__name__, stack)


class RedactedStderr(io.TextIOBase):
    """A stream in front of stderr: lines pass whole, except a traceback's exception message
    (its first line after the frames and any lines continuing it), which is withheld."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.state = "text"  # text | frames | message
        self.pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            shown = self._line(line)
            if shown is not None:
                self.stream.write(shown + "\n")
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def _line(self, line: str) -> str | None:
        if line.startswith("Traceback (most recent call last):"):
            self.state = "frames"
            return line
        if self.state == "frames" and line.startswith(" "):
            return line
        if self.state == "frames":
            self.state = "message"
            kind = EXCEPTION_LINE.match(line)
            return f"{kind.group(1)}: {WITHHELD}" if kind else WITHHELD
        if self.state == "message" and not RECORD.match(line):
            return None
        self.state = "text"
        return line


def redact_stderr() -> None:
    """Put `RedactedStderr` in front of sys.stderr (once), before the server configures logging."""
    if not isinstance(sys.stderr, RedactedStderr):
        sys.stderr = RedactedStderr(sys.stderr)

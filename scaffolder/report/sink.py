"""stdout and stderr as the CLI's one output sink: secrets masked, control characters escaped.

`guarded_output()` wraps both streams for a whole command, so every `print`,
argparse message and warning goes through `redact` and `escape_controls`
without any renderer having to remember. Text is passed on a line at a time
(a secret split across two `write` calls of one `print` is still whole), and
at `flush`.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from scaffolder.report.redact import redact
from scaffolder.report.terminal import escape_controls

PENDING_LIMIT = 64 * 1024  # a line longer than this is passed on in pieces


def clean(text: str) -> str:
    """What may reach a terminal or a log: no secret, no control sequence."""
    return escape_controls(redact(text))


class SafeStream(io.TextIOBase):
    """A text stream that cleans what it passes to `unfiltered` (kept for progress bars)."""

    def __init__(self, unfiltered: TextIO):
        super().__init__()
        self.unfiltered = unfiltered
        self._pending = ""

    def write(self, s: str) -> int:
        text = self._pending + s
        head, newline, tail = text.rpartition("\n")
        if newline:
            self.unfiltered.write(clean(head + newline))
        self._pending = tail if newline else text
        if len(self._pending) > PENDING_LIMIT:
            self.unfiltered.write(clean(self._pending))
            self._pending = ""
        return len(s)

    def flush(self) -> None:
        if self._pending:
            self.unfiltered.write(clean(self._pending))
            self._pending = ""
        self.unfiltered.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.unfiltered.isatty()

    def fileno(self) -> int:
        return self.unfiltered.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.unfiltered, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.unfiltered, "errors", None)


def unfiltered(stream: Any) -> Any:
    """The stream under a SafeStream (for a progress bar's own control codes), else the stream."""
    return getattr(stream, "unfiltered", stream)


@contextlib.contextmanager
def guarded_output() -> Iterator[None]:
    """sys.stdout and sys.stderr as SafeStreams for the duration."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(saved[0]), SafeStream(saved[1])
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        sys.stdout, sys.stderr = saved

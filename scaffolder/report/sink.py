"""stdout and stderr as the CLI's one output sink: secrets masked, control characters escaped.

`guarded_output()` wraps both streams for a whole command, so every `print`,
argparse message and warning goes through `redact` and `escape_controls`
without any renderer having to remember. Only whole lines are passed on (a
secret split across two `write` calls of one `print` is still whole): line by
line on a terminal and on stderr, in chunks of lines otherwise, and at `flush`.
Secrets are read from the environment once, when the streams are wrapped.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from scaffolder.report.redact import Redactor
from scaffolder.report.terminal import escape_controls

PENDING_LIMIT = 64 * 1024  # a line longer than this is passed on in pieces
CHUNK = 8 * 1024  # whole lines are passed on in chunks this big (unless line by line)


class SafeStream(io.TextIOBase):
    """A text stream that cleans what it passes to `unfiltered` (kept for progress bars).

    The secrets are read from the environment when the stream is made (once per command).
    """

    def __init__(self, unfiltered: TextIO, *, line_by_line: bool = False):
        super().__init__()
        self.unfiltered = unfiltered
        self._pending = ""
        self._redact = Redactor()
        try:
            self._lines = line_by_line or unfiltered.isatty()
        except (AttributeError, ValueError):
            self._lines = line_by_line

    def clean(self, text: str) -> str:
        """What may reach a terminal or a log: no secret, no control sequence."""
        return escape_controls(self._redact(text))

    def write(self, s: str) -> int:
        self._pending += s
        if len(self._pending) < CHUNK and not (self._lines and "\n" in s):
            return len(s)
        head, newline, tail = self._pending.rpartition("\n")
        if newline:
            self.unfiltered.write(self.clean(head + newline))
            self._pending = tail
        if len(self._pending) > PENDING_LIMIT:
            self.unfiltered.write(self.clean(self._pending))
            self._pending = ""
        return len(s)

    def flush(self) -> None:
        if self._pending:
            self.unfiltered.write(self.clean(self._pending))
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
    sys.stdout, sys.stderr = SafeStream(saved[0]), SafeStream(saved[1], line_by_line=True)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        sys.stdout, sys.stderr = saved

"""Text for a terminal: control characters shown, never obeyed.

A contract value such as `owner: "team\\e]0;pwned\\a\\e[2J@x.io"` must not set
the terminal's title or clear the screen when `explain` prints it. Every C0
control except tab and newline, DEL, every C1 control, and the bidirectional
overrides that reorder what the eye reads ("trojan source") are written as
`\\uXXXX`: readable, and a valid escape inside a JSON string, so `--format
json` output stays parseable.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A CI log obeys lines that start with `::` (after spaces). We print annotations
# (`::error`/`::warning`/`::notice`, their values escaped by report.annotations);
# any other command on a line of ours came from a value with a newline in it.
_WORKFLOW_COMMAND = re.compile(r"^([ \t]*):(?=:(?!(?:error|warning|notice)[ :]))", re.M)


def escape_controls(text: str) -> str:
    """Control characters as `\\uXXXX`; a line that would be a GitHub workflow command other than
    an annotation (`::set-output`, `::add-mask`, `::stop-commands`...) gets its first `:` escaped."""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _WORKFLOW_COMMAND.sub(lambda m: m.group(1) + "\\u003a", text)

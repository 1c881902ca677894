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


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

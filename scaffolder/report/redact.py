"""Secrets from the environment never leave the process: `redact(text)` masks them.

Applied where text leaves us (stdout/stderr through `report.sink`, report
files, $GITHUB_OUTPUT, the job summary, the PR comment), never in renderers,
so no new output path can forget it. It is the last line of defence: data
sources cannot read the environment in the first place (checks.sandbox).

A variable is secret when its name (upper-cased) contains TOKEN, SECRET,
PASSWORD, PASSWD, PASSPHRASE, CREDENTIAL or PRIVATE, or has KEY as a word
(`OPENAI_API_KEY`, `AWS_ACCESS_KEY_ID`, `SIGNING_KEY`; not `MONKEY`,
`KEYBOARD_LAYOUT`), or ends in APIKEY/ACCESSKEY. The password of a URL in any
variable (`postgres://user:PASSWORD@host`) is secret too.
Values shorter than MIN_LENGTH characters are not masked: `TOKEN_SET=true`
or `PASSWORD=1` would otherwise turn every "true" or "1" we print into `***`;
such values protect nothing anyway.
"""

from __future__ import annotations

import functools
import os
import re
import string
from collections.abc import Mapping

MASK = "***"
MIN_LENGTH = 6
_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE")
_SUFFIXES = ("APIKEY", "ACCESSKEY")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "_.-~")
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    return (any(w in upper for w in _WORDS) or "KEY" in upper.split("_")
            or any(upper.endswith(s) for s in _SUFFIXES))


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every secret value of `environ` (default: os.environ) long enough to mask."""
    env = os.environ if environ is None else environ
    found: set[str] = set()
    for name, value in env.items():
        if is_secret_name(name):
            found.add(value.strip())
        found.update(_URL_PASSWORD.findall(value))
    return sorted(v for v in found if len(v) >= MIN_LENGTH)


def redact(text: str, environ: Mapping[str, str] | None = None) -> str:
    """`text` with every secret value (also as JSON-escaped or URL-encoded) replaced by `***`."""
    return Redactor(environ)(text)


class Redactor:
    """`redact` with the environment read once (a stream cleans every line it passes on)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        values = secret_values(environ)
        self.pattern = _pattern(tuple(values)) if values else None

    def __call__(self, text: str) -> str:
        return self.pattern.sub(MASK, text) if self.pattern is not None and text else text


@functools.lru_cache(maxsize=8)
def _pattern(values: tuple[str, ...]) -> re.Pattern[str]:
    import json

    forms = {f for v in values for f in (v, json.dumps(v, ensure_ascii=False)[1:-1], _percent(v))}
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def _percent(value: str) -> str:
    """URL-encoded as `urllib.parse.quote(value, safe="")` does (without its 8 ms import)."""
    return "".join(chr(b) if chr(b) in _UNRESERVED else f"%{b:02X}" for b in value.encode())

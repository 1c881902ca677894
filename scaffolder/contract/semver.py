"""Strict Semantic Versioning 2.0.0: parse, order, and classify the bump between two versions.

Small enough to own (a regex and the precedence rules), and the gate needs the
bump classification that semver libraries do not offer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering

# ASCII digits only ([0-9], not \d, which also matches other scripts' digits), matched
# whole (fullmatch: `$` would accept a trailing newline).
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)

MAX_LENGTH = 256  # far past any real version; int() of a 4,300-digit part would raise

class Bump(StrEnum):
    """A required or declared version bump, ordered none < patch < minor < major.

    A str enum: it compares equal to, hashes like and prints as its value, so JSON
    and text output read `"major"` as before.
    """

    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        return self.rank < Bump(other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= Bump(other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > Bump(other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= Bump(other).rank

    @classmethod
    def largest(cls, bumps: Iterable[str]) -> Bump:
        """The largest of `bumps`; none when there are none."""
        return max((cls(b) for b in bumps), default=cls.NONE)


_RANK = {b: i for i, b in enumerate(Bump)}
BUMPS = tuple(Bump)


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""

    def __str__(self) -> str:
        out = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            out += "-" + ".".join(self.prerelease)
        if self.build:
            out += "+" + self.build
        return out

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def _key(self) -> tuple:
        # A pre-release sorts before its release; numeric identifiers before alphanumeric.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.core, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def bumped(self, bump: str) -> Version:
        """The smallest release that carries `bump` over this version."""
        if bump == "major":
            return Version(self.major + 1, 0, 0)
        if bump == "minor":
            return Version(self.major, self.minor + 1, 0)
        if bump == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        return self


def parse_version(text: object) -> Version:
    if isinstance(text, str) and len(text) > MAX_LENGTH:
        raise ValueError(f"invalid semantic version {text[:20]!r}...: longer than {MAX_LENGTH} characters")
    m = _SEMVER.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"invalid semantic version {text!r}: expected MAJOR.MINOR.PATCH, e.g. 2.1.0")
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return Version(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre, m.group(5) or "")


def declared_bump(old: Version, new: Version) -> str:
    """none | patch | minor | major | decreased.

    A pre-release of the next version (3.0.0-rc.1 after 2.4.0) declares the
    bump it leads to, compared on the release core.
    """
    if new < old:
        return "decreased"
    if new.core == old.core:
        return "none" if new == old else "patch"
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    return "patch"

"""Which of SOURCE's files are new, changed or gone since STATE recorded them.

A file is known by its absolute path (a URI is its own: `file:/data/a.parquet`,
`s3a://lake/orders/a.parquet`), size and modification time. A file modified
within `RACY_NS` of the moment it was recorded could be rewritten again within
the same clock tick without its size or time changing, so its content hash is
recorded too and compared on the next run. Local files are listed, stat'ed and
hashed here; files only Spark can reach are listed and hashed through Spark
(checks.incremental.spark_files), and compared by the same `compare_listed`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

RACY_NS = 2_000_000_000  # a file modified less than 2 s before the run was recorded is hashed


@dataclass(frozen=True)
class Seen:
    """One file as STATE records it."""

    path: str  # absolute
    size: int
    mtime_ns: int
    digest: str | None = None  # sha256 of the content, for files modified just before the run


@dataclass
class FileDiff:
    """SOURCE's files (as given) against the recorded ones."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # absolute paths recorded but no longer listed
    seen: dict[str, Seen] = field(default_factory=dict)  # what to record for every current file


def digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Listed:
    """One of SOURCE's files as listed now."""

    name: str  # as given (what is read)
    path: str  # how STATE knows it: absolute, or the URI
    size: int
    mtime_ns: int


def compare(files: list[str], recorded: dict[str, Seen], started_ns: int) -> FileDiff:
    """`compare_listed` for local files: stat'ed and hashed here."""
    listed = []
    for f in files:
        st = os.stat(f)
        listed.append(Listed(f, os.path.abspath(f), st.st_size, st.st_mtime_ns))
    by_path = {x.path: x.name for x in listed}
    return compare_listed(listed, recorded, started_ns, lambda paths: {p: digest(by_path[p]) for p in paths})


def compare_listed(listed: list[Listed], recorded: dict[str, Seen], started_ns: int,
                   digests: Callable[[list[str]], dict[str, str]]) -> FileDiff:
    """Sort `listed` into new / changed, and find the recorded files that are gone.

    `digests` hashes the content of the files (by path) that need it, all at once: those
    recorded with a hash and of the recorded size (a rewrite in the same clock tick), and those
    modified within `RACY_NS` of `started_ns` (their hash is recorded). Fingerprints are taken
    now, before any file is read: a file rewritten during the run then shows as changed on the
    next one.
    """
    racy = started_ns - RACY_NS

    def needs_hash(x: Listed) -> bool:
        rec = recorded.get(x.path)
        return x.mtime_ns >= racy or (rec is not None and rec.digest is not None and rec.size == x.size)

    hashed = digests([x.path for x in listed if needs_hash(x)]) if any(map(needs_hash, listed)) else {}
    diff = FileDiff()
    for x in listed:
        rec = recorded.get(x.path)
        if rec is not None and x.size == rec.size and (
                hashed.get(x.path) == rec.digest if rec.digest is not None else x.mtime_ns == rec.mtime_ns):
            # once its time is old enough, a later rewrite will show in the time: no more hashing
            diff.seen[x.path] = Seen(x.path, x.size, x.mtime_ns, None if x.mtime_ns < racy else rec.digest)
            continue
        (diff.new if rec is None else diff.changed).append(x.name)
        diff.seen[x.path] = Seen(x.path, x.size, x.mtime_ns, hashed[x.path] if x.mtime_ns >= racy else None)
    listed_paths = {x.path for x in listed}
    diff.deleted = sorted(p for p in recorded if p not in listed_paths)
    return diff

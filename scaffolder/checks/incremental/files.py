"""Which of SOURCE's files are new, changed or gone since STATE recorded them.

A file is known by its absolute path, size and modification time. A file
modified within `RACY_NS` of the moment it was recorded could be rewritten
again within the same clock tick without its size or time changing, so its
content hash is recorded too and compared on the next run.
"""

from __future__ import annotations

import hashlib
import os
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


def fingerprint(path: str, started_ns: int) -> Seen:
    st = os.stat(path)
    racy = st.st_mtime_ns >= started_ns - RACY_NS
    return Seen(os.path.abspath(path), st.st_size, st.st_mtime_ns, digest(path) if racy else None)


def _same(path: str, st: os.stat_result, rec: Seen) -> bool:
    if st.st_size != rec.size:
        return False
    if rec.digest is not None:
        return digest(path) == rec.digest
    return st.st_mtime_ns == rec.mtime_ns


def compare(files: list[str], recorded: dict[str, Seen], started_ns: int) -> FileDiff:
    """Sort `files` into new / changed, and find the recorded files that are gone.

    Fingerprints are taken now, before any file is read: a file rewritten during the run
    then shows as changed on the next one.
    """
    diff = FileDiff()
    listed = set()
    for f in files:
        path = os.path.abspath(f)
        listed.add(path)
        rec = recorded.get(path)
        st = os.stat(f)
        if rec is not None and _same(f, st, rec):
            # once its time is old enough, a later rewrite will show in the time: no more hashing
            old = st.st_mtime_ns < started_ns - RACY_NS
            diff.seen[path] = Seen(path, st.st_size, st.st_mtime_ns, None if old else rec.digest)
            continue
        (diff.new if rec is None else diff.changed).append(f)
        diff.seen[path] = fingerprint(f, started_ns)
    diff.deleted = sorted(p for p in recorded if p not in listed)
    return diff

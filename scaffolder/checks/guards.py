"""Which files a data source may name, found without hanging or following loops.

A data source is often not ours (a pull request's `target/dev.duckdb`, a
folder of files someone else wrote), so before DuckDB sees a path:
- an existing path is that path, even with `[`, `*` or `?` in its name;
- a glob is expanded here, not by `glob.glob`: each real folder is entered
  once per pattern position, so symlinks to `.` or `..` cannot make `**`
  exponential;
- every file must be a regular file (a FIFO would block the read forever, a
  device never ends) outside the kernel's pseudo-file systems (`/proc`,
  `/sys`, `/dev`: `/proc/self/environ` holds our tokens);
- a text file (CSV, JSON) must hold no NUL byte where we sample it (start,
  middle, end): a sparse or binary file named `.csv` is refused at once
  instead of being scanned for minutes;
- a CSV header may not name more than MAX_COLUMNS columns (DuckDB's sniffer
  takes minutes on 100,000 columns; no data product is that wide).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator

from scaffolder.errors import UsageError

MAX_COLUMNS = 10_000
PSEUDO_ROOTS = ("/proc", "/sys", "/dev")
SAMPLE = 64 * 1024  # bytes read at each probe of a text file
HEADER_LIMIT = 4 * 1024 * 1024  # bytes of a CSV's first line we look at
_MAGIC = frozenset("*?[")
_TEXT = ("csv", "json", "ndjson")
_GLOB_CHAR = re.compile(r"[*?\[]")


class SourceError(UsageError):
    """The data cannot be found or opened (exit 2)."""


def is_glob(text: str) -> bool:
    """A pattern to expand: magic characters and no file of that exact name."""
    return any(ch in _MAGIC for ch in text) and not os.path.lexists(text)


def data_files(text: str) -> list[str]:
    """The regular files SOURCE names (a path or a glob), sorted; SourceError otherwise."""
    if is_glob(text):
        try:
            found = sorted(set(expand(text)))
        except RecursionError:
            raise SourceError(f"{text}: the folders below are nested too deeply to expand this pattern") from None
        if not found:
            raise SourceError(f"{text}: no file matches this pattern")
        files = [f for f in found if not os.path.isdir(f)]
        if not files:
            raise SourceError(f"{text}: matches only folders; give a pattern of files such as */*.parquet")
    else:
        if not os.path.lexists(text):
            raise SourceError(f"{text}: no such file")
        if os.path.isdir(text):
            raise SourceError(f"{text}: is a folder; give a file or a glob such as {text.rstrip('/')}/*.parquet")
        files = [text]
    for f in files:
        regular(f)
    return files


def regular(path: str) -> None:
    """Refuse anything but a regular file outside /proc, /sys and /dev (symlinks are followed once)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a file")
        raise SourceError(f"{path}: is {kind}; only regular files are read as data")
    real = os.path.realpath(path)
    if any(real == root or real.startswith(root + "/") for root in PSEUDO_ROOTS):
        raise SourceError(f"{path}: resolves to {real}, a system pseudo-file; only data files are read")


def escape_glob(path: str) -> str:
    """`path` as a DuckDB glob that matches only itself: each of `*?[` as a one-character class."""
    return _GLOB_CHAR.sub(r"[\g<0>]", path)


def check_text(path: str, kind: str) -> None:
    """A CSV/JSON file must look like text where sampled, and a CSV header must not be absurdly wide."""
    if kind not in _TEXT or path.lower().endswith(".gz"):
        return
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        for offset in sorted({0, max(size // 2 - SAMPLE // 2, 0), max(size - SAMPLE, 0)}):
            fh.seek(offset)
            chunk = fh.read(SAMPLE)
            at = chunk.find(b"\x00")
            if at >= 0:
                raise SourceError(f"{path}: has a NUL byte at offset {offset + at:,}: not a text {kind} file "
                                  "(a binary or sparse file?)")
        if kind == "csv":
            fh.seek(0)
            head = fh.read(HEADER_LIMIT).split(b"\n", 1)[0]
            width = 1 + max(head.count(sep) for sep in (b",", b";", b"\t", b"|"))
            if width > MAX_COLUMNS:
                raise SourceError(f"{path}: the header has about {width:,} columns, more than the "
                                  f"{MAX_COLUMNS:,} scaffolder reads (reading that wide a file takes minutes)")


def check_width(text: str, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise SourceError(f"{text}: {columns:,} columns, more than the {MAX_COLUMNS:,} scaffolder reads "
                          "(checking that wide a table takes minutes)")


def expand(pattern: str) -> Iterator[str]:
    """glob.glob(pattern, recursive=True), minus the loops: a folder is entered once per position."""
    parts = pattern.split("/")
    first = next(i for i, p in enumerate(parts) if _MAGIC & set(p))
    base = "/".join(parts[:first]) or ("/" if pattern.startswith("/") else "")
    yield from _walk(base, parts[first:], 0, set())


def _walk(path: str, parts: list[str], at: int, seen: set[tuple[int, int, int]]) -> Iterator[str]:
    if at == len(parts):
        yield path
        return
    head = parts[at]
    try:
        st = os.stat(path or ".")
    except OSError:
        return
    key = (st.st_dev, st.st_ino, at)
    if key in seen:  # this real folder was already expanded at this position (a symlink loop or twin)
        return
    seen.add(key)
    if head == "**" and at + 1 == len(parts):  # a trailing `**`: the folder (`dir/`) and all below
        yield _join(path, "")
        yield from _below(path, seen)
        return
    if head == "**":
        yield from _walk(path, parts, at + 1, seen)  # zero folders
        for name, is_dir in _entries(path):
            if is_dir and not name.startswith("."):
                yield from _walk(_join(path, name), parts, at, seen)
        return
    if not _MAGIC & set(head):
        child = _join(path, head)
        if at + 1 == len(parts):
            if os.path.lexists(child):
                yield child
        elif os.path.isdir(child):
            yield from _walk(child, parts, at + 1, seen)
        return
    for name, is_dir in _entries(path):
        if name.startswith(".") and not head.startswith("."):
            continue
        if fnmatch.fnmatchcase(name, head) and (is_dir or at + 1 == len(parts)):
            yield from _walk(_join(path, name), parts, at + 1, seen)


def _below(path: str, seen: set[tuple[int, int, int]]) -> Iterator[str]:
    for name, is_dir in _entries(path):
        if name.startswith("."):
            continue
        child = _join(path, name)
        yield child
        if is_dir:
            try:
                st = os.stat(child)
            except OSError:
                continue
            if (st.st_dev, st.st_ino, -1) not in seen:
                seen.add((st.st_dev, st.st_ino, -1))
                yield from _below(child, seen)


def _entries(path: str) -> list[tuple[str, bool]]:
    try:
        with os.scandir(path or ".") as it:
            return [(e.name, _is_dir(e)) for e in it]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _join(path: str, name: str) -> str:
    return name if not path else (path + name if path.endswith("/") else f"{path}/{name}")

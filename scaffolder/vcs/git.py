"""A small git wrapper (subprocess): merge-base, changed files, file contents at a ref.

Only what the change check needs, with messages that tell a user what to do:
a missing base ref or a shallow clone says which `git fetch` brings the base in.
Errors are UsageError (exit 2): the command cannot run here as called.

A path may hold any byte but NUL (a newline too), so paths only ever cross the
process boundary NUL-separated (`-z`), and contents are read by object id, never
by a `rev:path` line: one odd path cannot shift the answers for the others.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.errors import UsageError


class GitError(UsageError):
    """git could not answer: not a repository, unknown ref, missing history."""


_HEX = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 object ids: all a batch request may hold
FILE_MODES = ("100644", "100755")
SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class FileChange:
    status: str  # A added, M modified, D deleted, R renamed (T type change counts as M)
    old_path: str | None  # repo-relative, None when added
    new_path: str | None  # repo-relative, None when deleted
    # git's view of each side: mode (100644 file, 120000 symlink, 160000 submodule) and object id;
    # "" where the side does not exist, or (new_oid) where it is the working tree, which git does not hash
    old_mode: str = field(default="", compare=False)
    new_mode: str = field(default="", compare=False)
    old_oid: str = field(default="", compare=False)
    new_oid: str = field(default="", compare=False)


@dataclass(frozen=True)
class Blob:
    """An object's size, and its bytes unless it was larger than the reader's limit."""

    size: int
    data: bytes | None


@dataclass(frozen=True)
class Entry:
    """One path at a ref, as git's tree records it."""

    path: str
    mode: str
    oid: str


def parse_raw(tokens: list[str], i: int) -> tuple[FileChange, int]:
    """The `--raw -z` record at tokens[i] (`:oldmode newmode oldoid newoid STATUS`, then its paths)."""
    old_mode, new_mode, old_oid, new_oid, status = tokens[i].lstrip("\n").lstrip(":").split()
    kind = status[0]
    unhashed = not new_oid.strip("0")  # all zeros (40 or 64): a working-tree file git did not hash
    oid = {"old_mode": old_mode, "new_mode": new_mode, "old_oid": old_oid, "new_oid": "" if unhashed else new_oid}
    if kind in "RC":
        old, new = tokens[i + 1], tokens[i + 2]
        if kind == "C":  # a copy starts a new file: nothing was at its path before
            return FileChange("A", None, new, new_mode=new_mode, new_oid=oid["new_oid"]), i + 3
        return FileChange("R", old, new, **oid), i + 3
    path = tokens[i + 1]
    if kind == "A":
        return FileChange("A", None, path, new_mode=new_mode, new_oid=oid["new_oid"]), i + 2
    if kind == "D":
        return FileChange("D", path, None, old_mode=old_mode, old_oid=old_oid), i + 2
    return FileChange("M", path, path, **oid), i + 2  # M, T, U


class Git:
    def __init__(self, cwd: str | Path):
        self.cwd = Path(cwd)
        try:
            top = self._run("rev-parse", "--show-toplevel", cwd=self.cwd).strip()
        except GitError:
            raise GitError(f"{self.cwd}: not inside a git repository (run `git init`, or `cd` into a clone)") from None
        self.root = Path(top)

    def _run(self, *args: str, cwd: Path | None = None, check: bool = True) -> str:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            proc = subprocess.run(["git", *args], cwd=cwd or self.root, capture_output=True, env=env)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH)") from None
        if check and proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {' '.join(args)}: {msg[-1] if msg else 'failed'}")
        return proc.stdout.decode("utf-8", "surrogateescape")

    def run(self, *args: str) -> str:
        return self._run(*args)

    def ref_exists(self, ref: str) -> bool:
        proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                              cwd=self.root, capture_output=True)
        return proc.returncode == 0

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository", check=False).strip() == "true"

    def default_base(self) -> str:
        """origin/HEAD when the clone knows it, else main, else master (local or origin/)."""
        head = self._run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip()
        if head:
            return head.removeprefix("refs/remotes/")
        for ref in ("main", "origin/main", "master", "origin/master"):
            if self.ref_exists(ref):
                return ref
        raise GitError("cannot tell the default branch: no origin/HEAD, main or master here; "
                       "pass --base REF (e.g. --base origin/main after `git fetch origin main`)")

    def resolve(self, ref: str) -> str:
        if ref == "HEAD" and not self.ref_exists(ref):
            raise GitError("the repository has no commit yet: commit the base first, then check your changes")
        if not self.ref_exists(ref):
            hint = self._fetch_hint(ref)
            raise GitError(f"unknown ref {ref!r}{': ' + hint if hint else ''}")
        return self._run("rev-parse", f"{ref}^{{commit}}").strip()

    def _fetch_hint(self, ref: str) -> str:
        branch = ref.removeprefix("origin/")
        shallow = " (this is a shallow clone)" if self.is_shallow() else ""
        return (f"fetch it first{shallow}, e.g. `git fetch origin {branch}:refs/remotes/origin/{branch}`; "
                "in GitHub Actions, use actions/checkout with `fetch-depth: 0`")

    def merge_base(self, base: str, head: str = "HEAD") -> str:
        """The commit both sides share: the base a PR is compared with."""
        base_sha, head_sha = self.resolve(base), self.resolve(head)
        out = self._run("merge-base", base_sha, head_sha, check=False).strip()
        if out:
            return out.splitlines()[0]
        if self.is_shallow():
            raise GitError(
                f"no merge-base of {base} and {head} in this shallow clone: its history stops before they meet. "
                f"Fetch more history, e.g. `git fetch --unshallow origin` (or `git fetch --deepen=200 origin`), "
                "or in GitHub Actions use actions/checkout with `fetch-depth: 0`")
        raise GitError(f"{base} and {head} share no history (no merge-base); pass another --base")

    def changed(self, base: str, head: str | None = None) -> list[FileChange]:
        """Files changed from `base` to `head` (None: the working tree, untracked files included)."""
        args = ["diff", "--raw", "-z", "--no-abbrev", "--find-renames", "--no-ext-diff", "--no-color", base]
        if head:
            args.append(head)
        args.append("--")
        tokens = self._run(*args).split("\0")
        out: list[FileChange] = []
        i = 0
        while i < len(tokens) and tokens[i]:
            change, i = parse_raw(tokens, i)
            out.append(change)
        if head is None:
            untracked = self._run("ls-files", "--others", "--exclude-standard", "-z").split("\0")
            out.extend(FileChange("A", None, p) for p in untracked if p)
        return out

    def log(self, *args: str, fmt: str) -> list[tuple[str, list[FileChange]]]:
        """`git log --raw` (`args`: options, revisions): each commit's `fmt` header and its changes.

        Parsed NUL token by NUL token: paths, subjects and names may hold newlines.
        """
        tokens = self._run("log", "--raw", "-z", "--no-abbrev", f"--format=\x1e{fmt}", *args).split("\0")
        out: list[tuple[str, list[FileChange]]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i].lstrip("\n")
            if token.startswith("\x1e"):
                out.append((token[1:], []))
                i += 1
            elif token.startswith(":") and out:
                change, i = parse_raw(tokens, i)
                out[-1][1].append(change)
            else:
                i += 1
        return out

    def show_many(self, ref: str, paths: list[str]) -> dict[str, bytes | None]:
        """Many files at `ref` (None: missing, or not a regular file) in three git processes in all."""
        entries = self.entries(ref, paths)
        wanted = [e.oid for e in entries.values() if e.mode in FILE_MODES]
        blobs = self.blobs(wanted)
        out: dict[str, bytes | None] = {}
        for p in paths:
            e = entries.get(p)
            out[p] = blobs[e.oid].data if e is not None and e.oid in blobs else None
        return out

    def entries(self, ref: str, paths: list[str]) -> dict[str, Entry]:
        """What the tree at `ref` holds at each of `paths` (missing ones absent), NUL-separated."""
        out: dict[str, Entry] = {}
        wanted = set(paths)
        for start in range(0, len(paths), 500):  # keep the command line well under the OS limit
            chunk = paths[start:start + 500]
            text = self._run("--literal-pathspecs", "ls-tree", "-z", "--full-tree", ref, "--", *chunk)
            for record in text.split("\0"):
                meta, tab, path = record.partition("\t")
                if tab and path in wanted:
                    mode, _kind, oid = meta.split()
                    out[path] = Entry(path, mode, oid)
        return out

    def blobs(self, oids: Iterable[str], max_bytes: int | None = None) -> dict[str, Blob]:
        """Each object's size, and its bytes when no larger than `max_bytes`; missing ones absent.

        Sizes come first (`--batch-check`), so a huge object is never read into memory.
        Requests are object ids, one per line: nothing a path holds can reach this protocol.
        """
        unique = list(dict.fromkeys(o for o in oids if o and o.strip("0") and _HEX.fullmatch(o)))
        if not unique:
            return {}
        sizes: dict[str, int] = {}
        for line in self._batch("--batch-check", unique).splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] == b"blob":
                sizes[parts[0].decode()] = int(parts[2])
        small = [o for o in unique if o in sizes and (max_bytes is None or sizes[o] <= max_bytes)]
        out = {o: Blob(sizes[o], None) for o in sizes}
        data, pos = self._batch("--batch", small), 0
        for oid in small:
            end = data.index(b"\n", pos)
            size = int(data[pos:end].split()[-1])
            out[oid] = Blob(size, data[end + 1:end + 1 + size])
            pos = end + 1 + size + 1
        return out

    def _batch(self, mode: str, oids: list[str]) -> bytes:
        if not oids:
            return b""
        proc = subprocess.run(["git", "cat-file", mode], cwd=self.root, capture_output=True,
                              input="".join(f"{o}\n" for o in oids).encode("ascii"))
        if proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git cat-file {mode}: {msg[-1] if msg else 'failed'}")
        return proc.stdout

    def show(self, ref: str, path: str) -> bytes | None:
        """The file's bytes at `ref`, or None when it does not exist there."""
        proc = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=self.root, capture_output=True)
        return proc.stdout if proc.returncode == 0 else None

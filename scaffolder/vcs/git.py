"""Every git call of the scaffolder (subprocess, no shell): one module, one way to run git.

`Git` answers the change check and the catalog (merge-base, changed files, file
contents at a ref) with messages that tell a user what to do: a missing base
ref or a shallow clone says which `git fetch` brings the base in. The functions
below it serve the fleet (worktrees, locks, conflict markers). Errors are
GitError, a UsageError (exit 2): the command cannot run here as called.

A path may hold any byte but NUL (a newline too), so paths only ever cross the
process boundary NUL-separated (`-z`), and contents are read by object id, never
by a `rev:path` line: one odd path cannot shift the answers for the others.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.errors import UsageError


class GitError(UsageError):
    """git could not answer: not a repository, unknown ref, missing history, a refused push."""

    def __init__(self, message: str, stderr: str = "", command: str = ""):
        super().__init__(message)
        self.stderr, self.command = stderr, command

    def said(self) -> str:
        """The command and everything git wrote to stderr, on one line."""
        words = " ".join(line.strip() for line in self.stderr.splitlines() if line.strip())
        return f"{self.command}: {words}" if words else str(self)


def call(cwd: Path, args: tuple[str, ...] | list[str], *, check: bool = True, input: bytes | None = None,
         command: str | None = None) -> str:
    """git's stdout (bytes beyond UTF-8 kept as surrogates); GitError naming `command` on failure.

    No prompt ever waits for a password, and git speaks English (its words are parsed).
    """
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, input=input)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        said = command or f"git {' '.join(args)}"
        raise GitError(f"{said}: {(stderr.strip().splitlines() or ['failed'])[-1]}", stderr, said)
    return proc.stdout.decode("utf-8", "surrogateescape")


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
        return call(cwd or self.root, args, check=check)

    def run(self, *args: str) -> str:
        return self._run(*args)

    def ref_exists(self, ref: str) -> bool:
        proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                              cwd=self.root, capture_output=True)
        return proc.returncode == 0

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository", check=False).strip() == "true"

    def default_base(self) -> str:
        """The default branch (`default_branch`), read from origin when the clone has it: the base a
        pull request is compared with is the shared history, not a local copy that may lag."""
        branch = default_branch(self.root)
        if branch is None:
            raise GitError("cannot tell the default branch: no origin/HEAD, main or master here; "
                           "pass --base REF (e.g. --base origin/main after `git fetch origin main`)")
        remote = f"origin/{branch}"
        if self._run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip() \
                or not self.ref_exists(branch):
            return remote
        return branch

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


# ---------------------------------------------------------------- the default branch, for every caller


def default_branch(repo: Path) -> str | None:
    """The repository's default branch, by name: the one origin/HEAD names (what the host calls
    default), else main, else master, each found locally or on origin; None when there is none.

    The change check compares with it and the fleet starts its update branches from it and
    targets their pull requests at it, so both follow the same rule.
    """
    head = call(repo, ("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"), check=False).strip()
    if head:
        return head.removeprefix("refs/remotes/origin/")
    for branch in ("main", "master"):
        if rev(repo, f"refs/heads/{branch}") or rev(repo, f"refs/remotes/origin/{branch}"):
            return branch
    return None


# ---------------------------------------------------------------- plain calls on a repository path

CONFLICT_START = "<<<<<<< "
CONFLICT_END = ">>>>>>> "
IDENTITY = ("-c", "user.name=scaffolder fleet", "-c", "user.email=fleet@scaffolder.invalid")


def git(repo: Path, *args: str, check: bool = True, input: str | None = None) -> str:
    """git's stdout in `repo`; a failure names the command by its first three words."""
    return call(repo, args, check=check, input=None if input is None else input.encode(),
                command=f"git {' '.join(args[:3])}")


def git_dir(repo: Path) -> Path:
    """The common git directory (shared by every worktree): where the locks live."""
    return Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())


@contextlib.contextmanager
def repo_lock(repo: Path) -> Iterator[None]:
    """Serialise worktree bookkeeping between worker processes of one repository.

    Two concurrent `git worktree add` in the same repository can read each
    other's half-written `.git/worktrees/<id>` ("failed to read commondir").
    """
    common = git_dir(repo)
    try:
        import fcntl
    except ImportError:  # not on Windows: no parallel workers share a lock there
        yield
        return
    with (common / "scaffolder-fleet.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def branch_exists(repo: Path, branch: str) -> bool:
    return bool(git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).strip())


def rev(repo: Path, ref: str) -> str | None:
    return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).strip() or None


def identity(repo: Path) -> tuple[str, ...]:
    """A committer for repositories (and CI runners) that have none configured."""
    has = git(repo, "config", "user.email", check=False).strip() and git(repo, "config", "user.name", check=False).strip()
    return () if has or os.environ.get("GIT_COMMITTER_EMAIL") else IDENTITY


def worktrees(repo: Path) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for block in git(repo, "worktree", "list", "--porcelain", "-z").split("\0\0"):  # a path may hold a newline
        entry = {}
        for line in block.strip("\0").split("\0"):
            key, _, value = line.partition(" ")
            entry[key] = value
        if entry.get("worktree"):
            out.append(entry)
    return out


MARK = "scaffolder-fleet"  # the lock reason of every worktree the fleet adds (`git worktree add --lock`)


def add_worktree(repo: Path, path: Path, branch: str, base: str) -> None:
    """A fleet worktree on `branch` from `base`, marked as the fleet's (locked, with our reason) atomically."""
    git(repo, "worktree", "add", "--quiet", "--lock", "--reason", f"{MARK} (pid {os.getpid()})",
        "-B", branch, str(path), base)


def is_fleet_worktree(wt: dict[str, str]) -> bool:
    return wt.get("locked", "").startswith(MARK)


def clean_stale_worktrees(repo: Path) -> list[str]:
    """Remove the worktrees an interrupted fleet run left behind (and only those: they carry our mark).

    Only called while the run lock is held, so no other fleet run owns them. A
    worktree a person added, on an update branch or not, is never touched.
    """
    git(repo, "worktree", "prune")
    removed = []
    for wt in worktrees(repo):
        if is_fleet_worktree(wt):
            git(repo, "worktree", "remove", "--force", "--force", wt["worktree"], check=False)
            removed.append(wt["worktree"])
    if removed:
        git(repo, "worktree", "prune")
    return removed


def checked_out(repo: Path) -> dict[str, str]:
    """branch -> the path of the worktree that has it checked out (the main checkout included)."""
    return {wt["branch"].removeprefix("refs/heads/"): wt["worktree"] for wt in worktrees(repo) if wt.get("branch")}


def clear_ref_lock(repo: Path, branch: str) -> None:
    """Remove `refs/heads/<branch>.lock` left by a git killed mid-update (only for our own branches,
    only under the run lock)."""
    with contextlib.suppress(OSError):
        (git_dir(repo) / "refs" / "heads" / f"{branch}.lock").unlink()


class FleetBusy(UsageError):
    """Another fleet update holds the repository's run lock (exit 2)."""


@contextlib.contextmanager
def run_lock(repos: list[Path]) -> Iterator[None]:
    """One fleet update at a time per repository: a lock file in its git dir, with the holder's pid.

    Non-blocking: a second run stops at once (FleetBusy) instead of failing
    every domain the first one is working on.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    held: list[int] = []
    try:
        for repo in sorted(set(repos)):
            fd = os.open(git_dir(repo) / "scaffolder-fleet-run.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                os.close(fd)
                raise FleetBusy(f"another fleet update is running (pid {holder}) on {repo}") from None
            held.append(fd)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        for fd in held:
            os.close(fd)


def has_markers(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            for line in fh:
                if line.startswith(CONFLICT_START.encode()) or line.startswith(CONFLICT_END.encode()):
                    return True
    except OSError:
        return False
    return False


def conflicts_in_tree(repo: Path, ref: str, rel: str) -> list[str]:
    """Files on `ref` under `rel` still holding Copier's conflict markers, or `.rej` files."""
    found = git(repo, "--literal-pathspecs", "grep", "-l", "-z", "-I", "-e", "^<<<<<<< before updating",
                "-e", "^>>>>>>> after updating", ref, "--", rel, check=False)
    files = {hit.removeprefix(f"{ref}:") for hit in found.split("\0") if hit}
    tree = git(repo, "--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", ref, "--", rel, check=False)
    files |= {p for p in tree.split("\0") if p.endswith(".rej")}
    return sorted(files)

"""The few git operations the fleet needs, on a repository path (subprocess, no shell)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from scaffolder.errors import UsageError

CONFLICT_START = "<<<<<<< "
CONFLICT_END = ">>>>>>> "
IDENTITY = ("-c", "user.name=scaffolder fleet", "-c", "user.email=fleet@scaffolder.invalid")


class GitFailed(Exception):
    def __init__(self, message: str, stderr: str = "", command: str = ""):
        super().__init__(message)
        self.stderr, self.command = stderr, command

    def said(self) -> str:
        """The command and everything git wrote to stderr, on one line."""
        words = " ".join(line.strip() for line in self.stderr.splitlines() if line.strip())
        return f"{self.command}: {words}" if words else str(self)


def git(repo: Path, *args: str, check: bool = True, input: str | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, input=input)
    if check and proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise GitFailed(f"git {' '.join(args[:3])}: {last}", proc.stderr, f"git {' '.join(args[:3])}")
    return proc.stdout


@contextlib.contextmanager
def repo_lock(repo: Path) -> Iterator[None]:
    """Serialise worktree bookkeeping between worker processes of one repository.

    Two concurrent `git worktree add` in the same repository can read each
    other's half-written `.git/worktrees/<id>` ("failed to read commondir").
    """
    common = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
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
    common = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
    with contextlib.suppress(OSError):
        (common / "refs" / "heads" / f"{branch}.lock").unlink()


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
            common = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
            fd = os.open(common / "scaffolder-fleet-run.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
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

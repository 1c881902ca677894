"""The few git operations the fleet needs, on a repository path (subprocess, no shell)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

CONFLICT_START = "<<<<<<< "
CONFLICT_END = ">>>>>>> "
IDENTITY = ("-c", "user.name=scaffolder fleet", "-c", "user.email=fleet@scaffolder.invalid")


class GitFailed(Exception):
    pass


def git(repo: Path, *args: str, check: bool = True, input: str | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, input=input)
    if check and proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        raise GitFailed(f"git {' '.join(args[:3])}: {last}")
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


def clean_stale_worktrees(repo: Path, branches: set[str]) -> list[str]:
    """Forget worktrees an interrupted run left behind, so their branches can be checked out again."""
    git(repo, "worktree", "prune")
    removed = []
    for wt in worktrees(repo):
        branch = wt.get("branch", "").removeprefix("refs/heads/")
        if branch in branches:
            git(repo, "worktree", "remove", "--force", "--force", wt["worktree"], check=False)
            removed.append(wt["worktree"])
    if removed:
        git(repo, "worktree", "prune")
    return removed


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

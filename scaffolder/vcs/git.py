"""A small git wrapper (subprocess): merge-base, changed files, file contents at a ref.

Only what the change check needs, with messages that tell a user what to do:
a missing base ref or a shallow clone says which `git fetch` brings the base in.
Errors are UsageError (exit 2): the command cannot run here as called.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import UsageError


class GitError(UsageError):
    """git could not answer: not a repository, unknown ref, missing history."""


@dataclass(frozen=True)
class FileChange:
    status: str  # A added, M modified, D deleted, R renamed (T type change counts as M)
    old_path: str | None  # repo-relative, None when added
    new_path: str | None  # repo-relative, None when deleted


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
        args = ["diff", "--name-status", "-z", "--find-renames", "--no-ext-diff", "--no-color", base]
        if head:
            args.append(head)
        args.append("--")
        tokens = self._run(*args).split("\0")
        out: list[FileChange] = []
        i = 0
        while i < len(tokens) and tokens[i]:
            status = tokens[i]
            kind = status[0]
            if kind in "RC":
                old, new = tokens[i + 1], tokens[i + 2]
                out.append(FileChange("R" if kind == "R" else "A", old if kind == "R" else None, new))
                i += 3
                continue
            path = tokens[i + 1]
            i += 2
            if kind == "A":
                out.append(FileChange("A", None, path))
            elif kind == "D":
                out.append(FileChange("D", path, None))
            else:  # M, T, U
                out.append(FileChange("M", path, path))
        if head is None:
            untracked = self._run("ls-files", "--others", "--exclude-standard", "-z").split("\0")
            out.extend(FileChange("A", None, p) for p in untracked if p)
        return out

    def show_many(self, ref: str, paths: list[str]) -> dict[str, bytes | None]:
        """Many files at `ref` through one `git cat-file --batch` (one process, not one per file)."""
        if not paths:
            return {}
        blobs = self.cat_file_batch([f"{ref}:{p}" for p in paths])
        if blobs is None:
            return {p: self.show(ref, p) for p in paths}
        return dict(zip(paths, blobs, strict=True))

    def cat_file_batch(self, specs: list[str]) -> list[bytes | None] | None:
        """The blob each `rev:path` names (None: missing, or not a file), in order; None when git fails."""
        if not specs:
            return []
        request = "".join(f"{s}\n" for s in specs).encode("utf-8", "surrogateescape")
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, input=request, capture_output=True)
        if proc.returncode != 0:
            return None
        out: list[bytes | None] = []
        data, pos = proc.stdout, 0
        for _ in specs:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if header[-1] in (b"missing", b"ambiguous"):  # no content follows (the spec may hold spaces)
                out.append(None)
                continue
            size = int(header[-1])
            out.append(data[pos:pos + size] if header[1] == b"blob" else None)  # a folder or submodule: skipped
            pos += size + 1
        return out

    def show(self, ref: str, path: str) -> bytes | None:
        """The file's bytes at `ref`, or None when it does not exist there."""
        proc = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=self.root, capture_output=True)
        return proc.stdout if proc.returncode == 0 else None

"""Versions of a contract from git history, and the bump each change required.

`git log --follow` of the contract file gives the commits that touched it
(through renames); `git cat-file --batch` reads every version in one process.
The required bump comes from the change rules (`scaffolder.changes`) when that
package is there; without it the page still lists versions and declared bumps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.contract.model import Contract
from scaffolder.vcs.git import Git, GitError

_SEP = "\x1f"


@dataclass
class Version:
    commit: str
    date: str  # ISO 8601, author date
    author: str
    subject: str
    path: str  # repo-relative path at that commit
    version: str | None = None  # metadata.version, None when the file did not load
    declared: str | None = None  # none | patch | minor | major | decreased (vs the previous version)
    required: str | None = None  # the largest bump the changes needed; None: unknown or first version
    changes: list[str] = field(default_factory=list)  # one line per change
    invalid: bool = False
    first: bool = False  # the oldest version: the product was added

    @property
    def under_bumped(self) -> bool:
        """The version number rose less than the changes required (or went down)."""
        from scaffolder.contract.semver import bump_rank

        if self.required in (None, "none") or self.declared is None:
            return False
        return self.declared == "decreased" or bump_rank(self.declared) < bump_rank(self.required)


def repository(start: Path) -> Git | None:
    """The git repository holding `start`, or None outside one (the catalog then has no history)."""
    try:
        return Git(start if start.is_dir() else start.parent)
    except GitError:
        return None


@dataclass
class _Change:
    index: int  # position of the commit in the log, newest first
    status: str  # A, M, T, D, R (C counts as A: a copy starts a new file)
    old: str | None
    new: str


def _repo_log(git: Git) -> tuple[list[tuple[str, str, str, str]], dict[str, list[_Change]]]:
    """One `git log -M --name-status` of the whole repo: commits, and every change by new path.

    Following each contract through this index is `git log --follow` for all of them with one
    git process instead of one per contract.
    """
    fmt = _SEP.join(["%H", "%aI", "%an", "%s"])
    try:  # a repository without commits has no log
        out = git.run("-c", "diff.renameLimit=10000", "log", "-M", "--topo-order", "--name-status", "-z",
                      f"--format=\x1e{fmt}")
    except GitError:
        out = ""
    commits: list[tuple[str, str, str, str]] = []
    by_path: dict[str, list[_Change]] = {}
    for block in out.split("\x1e")[1:]:
        head, _, rest = block.partition("\n")
        parts = head.rstrip("\0").split(_SEP)  # with -z the header line ends in NUL, newline
        if len(parts) != 4:
            continue
        idx = len(commits)
        commits.append((parts[0], parts[1], parts[2], parts[3]))
        fields = [f for f in rest.strip("\n").split("\0")]
        i = 0
        while i < len(fields):
            status = fields[i].strip()
            if not status:
                i += 1
                continue
            kind = status[0]
            if kind in "RC" and i + 2 < len(fields):
                old, new = fields[i + 1], fields[i + 2]
                i += 3
                change = _Change(idx, "R" if kind == "R" else "A", old if kind == "R" else None, new)
            elif i + 1 < len(fields):
                new = fields[i + 1]
                i += 2
                change = _Change(idx, kind, None, new)
            else:
                break
            by_path.setdefault(change.new, []).append(change)
    return commits, by_path


def _follow(commits: list[tuple[str, str, str, str]], by_path: dict[str, list[_Change]], rel: str) -> list[Version]:
    """The commits that touched `rel`, newest first, through renames (what `git log --follow` lists)."""
    out: list[Version] = []
    path, after = rel, -1  # follow `path` in commits older than index `after` (the log is newest first)
    while True:
        renamed = False
        for ch in by_path.get(path, ()):
            if ch.index <= after:
                continue
            if ch.status == "D":
                return out  # deleted and later re-added: the history of this file starts after
            out.append(Version(*commits[ch.index], path=ch.new))
            if ch.status == "A":
                return out
            if ch.status == "R" and ch.old:
                path, after, renamed = ch.old, ch.index, True
                break
        if not renamed:
            return out


def _bump_between(old: Contract | None, new: Contract, mode: str) -> tuple[str | None, list[str]]:
    try:
        from scaffolder.changes.diff import diff_contracts, resolve_mode
    except ImportError:  # the change rules are optional for the catalog
        return None, []
    from scaffolder.contract.semver import bump_rank

    findings = diff_contracts(old, new, resolve_mode(new, mode))
    bumps = [f.bump for f in findings if f.bump]
    required = max(bumps, key=bump_rank) if bumps else "none"
    return required, [f"{f.bump or '-'}: {f.message} [{f.rule}]" for f in findings]


def _resolve(contract: Contract, versions: list[Version], blobs: list[bytes | None], mode: str) -> list[Version]:
    """Load each version, then compare each with the one before it (newest first in, newest first out)."""
    from scaffolder.contract.load import LoadError, load_text
    from scaffolder.contract.model import build
    from scaffolder.contract.semver import declared_bump, parse_version

    loaded: list[Contract | None] = []
    for n, (v, blob) in enumerate(zip(versions, blobs, strict=True)):
        c = None
        text = blob.decode("utf-8", "replace") if blob is not None else None
        if n == 0 and text is not None and text == contract.doc.text:
            c = contract  # the version in the work tree: already loaded, do not parse it again
        elif text is not None:
            try:
                c = build(load_text(text, v.path))
            except LoadError:
                c = None
        v.invalid = c is None
        v.version = c.version_text if c else None
        loaded.append(c)
    prev: Contract | None = None
    for v, c in reversed(list(zip(versions, loaded, strict=True))):
        if c is None:
            continue
        if prev is not None:
            try:
                v.declared = declared_bump(parse_version(prev.version_text), parse_version(c.version_text))
            except ValueError:
                v.declared = None
        v.first = prev is None
        v.required, v.changes = _bump_between(prev, c, mode) if prev is not None else (None, [])
        if prev is not None and prev.path != c.path:
            v.changes.insert(0, f"file moved from {prev.path} to {c.path}")
        prev = c
    return versions


_JOB: tuple | None = None  # what forked workers read (inherited, never pickled)
PARALLEL_FROM = 32  # contracts with several versions; below this, worker start-up costs more than it saves


def _resolve_one(i: int) -> list[Version]:
    assert _JOB is not None
    contracts, versions, blobs, mode = _JOB
    return _resolve(contracts[i], versions[i], blobs[i], mode)


def histories(contracts: list[Contract], mode: str = "consumer") -> dict[str, list[Version]]:
    """Every contract's versions, newest first; {} when the contracts are not in a git repository.

    Two git processes for the whole mesh (one log, one `cat-file --batch`); parsing old
    versions is CPU-bound Python, so many of them are spread over forked worker processes.
    """
    global _JOB
    if not contracts:
        return {}
    git = repository(Path(contracts[0].path).resolve())
    if git is None:
        return {}
    root = git.root.resolve()
    commits, by_path = _repo_log(git)
    per: list[list[Version]] = []
    for c in contracts:
        try:
            rel = Path(c.path).resolve().relative_to(root).as_posix()
        except ValueError:
            rel = None
        per.append(_follow(commits, by_path, rel) if rel else [])
    specs = [f"{v.commit}:{v.path}" for vs in per for v in vs]
    flat = git.cat_file_batch(specs) or [None] * len(specs)
    blobs: list[list[bytes | None]] = []
    pos = 0
    for vs in per:
        blobs.append(flat[pos:pos + len(vs)])
        pos += len(vs)
    busy = [i for i, vs in enumerate(per) if len(vs) > 1]  # single versions need no parsing or diff
    for i, vs in enumerate(per):
        if len(vs) <= 1:
            _resolve(contracts[i], vs, blobs[i], mode)
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, 8)
    if len(busy) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for i in busy:
            _resolve(contracts[i], per[i], blobs[i], mode)
    else:
        from concurrent.futures import ProcessPoolExecutor

        _JOB = (contracts, per, blobs, mode)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for i, resolved in zip(busy, pool.map(_resolve_one, busy, chunksize=max(1, len(busy) // (workers * 4))),
                                       strict=True):
                    per[i] = resolved
        finally:
            _JOB = None
    return {c.name: vs for c, vs in zip(contracts, per, strict=True)}

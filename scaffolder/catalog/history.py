"""Versions of a contract from git history, and the bump each change required.

`git log --follow` of the contract file gives the commits that touched it
(through renames); `git cat-file --batch` reads every version by object id in one process.
The required bump comes from the change rules (`scaffolder.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.contract.load import MAX_BYTES
from scaffolder.contract.model import Contract
from scaffolder.vcs.git import FILE_MODES, Git, GitError

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
        from scaffolder.contract.semver import Bump

        if self.required in (None, "none") or self.declared is None:
            return False
        return self.declared == "decreased" or Bump(self.declared) < self.required


def repository(start: Path) -> Git | None:
    """The git repository holding `start`, or None outside one (the catalog then has no history)."""
    try:
        return Git(start if start.is_dir() else start.parent)
    except GitError:
        return None


@dataclass
class _Change:
    index: int  # position of the commit in the log, newest first
    status: str  # A, M, D, R (a copy counts as A: it starts a new file)
    old: str | None
    new: str
    oid: str = ""  # the blob at `new` after this commit
    mode: str = ""  # its git mode (120000: a symbolic link, never read as a contract)


def _repo_log(git: Git) -> tuple[list[tuple[str, str, str, str]], dict[str, list[_Change]]]:
    """One `git log -M --raw` of the whole repo: commits, and every change by new path.

    Following each contract through this index is `git log --follow` for all of them with one
    git process instead of one per contract.
    """
    try:  # a repository without commits has no log
        log = git.log("-M", "-l10000", "--topo-order", fmt=_SEP.join(["%H", "%aI", "%an", "%s"]))
    except GitError:
        log = []
    commits: list[tuple[str, str, str, str]] = []
    by_path: dict[str, list[_Change]] = {}
    for header, changes in log:
        parts = header.split(_SEP, 3)
        if len(parts) != 4:
            continue
        idx = len(commits)
        commits.append((parts[0], parts[1], parts[2], parts[3]))
        for ch in changes:
            path = ch.new_path or ch.old_path
            assert path is not None
            change = _Change(idx, ch.status, ch.old_path if ch.status == "R" else None, path, ch.new_oid, ch.new_mode)
            by_path.setdefault(path, []).append(change)
    return commits, by_path


def _follow(commits: list[tuple[str, str, str, str]], by_path: dict[str, list[_Change]],
            rel: str) -> list[tuple[Version, _Change]]:
    """The commits that touched `rel`, newest first, through renames (what `git log --follow` lists)."""
    out: list[tuple[Version, _Change]] = []
    path, after = rel, -1  # follow `path` in commits older than index `after` (the log is newest first)
    while True:
        renamed = False
        for ch in by_path.get(path, ()):
            if ch.index <= after:
                continue
            if ch.status == "D":
                return out  # deleted and later re-added: the history of this file starts after
            out.append((Version(*commits[ch.index], path=ch.new), ch))
            if ch.status == "A":
                return out
            if ch.status == "R" and ch.old:
                path, after, renamed = ch.old, ch.index, True
                break
        if not renamed:
            return out


def _bump_between(old: Contract | None, new: Contract, mode: str) -> tuple[str | None, list[str]]:
    from scaffolder.changes.diff import diff_contracts, resolve_mode
    from scaffolder.contract.semver import Bump

    findings = diff_contracts(old, new, resolve_mode(new, mode))
    required = Bump.largest(f.bump for f in findings if f.bump)
    return required, [f"{f.bump or '-'}: {f.message} [{f.rule}]" for f in findings]


def _resolve(contract: Contract, versions: list[Version], blobs: list[bytes | None], mode: str) -> list[Version]:
    """Load each version, then compare each with the one before it (newest first in, newest first out)."""
    from scaffolder.contract.load import LoadError, load_text
    from scaffolder.contract.model import build
    from scaffolder.contract.semver import declared_bump, parse_version
    from scaffolder.odcs.load import contract_documents

    loaded: list[Contract | None] = []
    for n, (v, blob) in enumerate(zip(versions, blobs, strict=True)):
        c = None
        text = blob.decode("utf-8", "replace") if blob is not None else None
        if n == 0 and text is not None and text == contract.doc.text:
            c = contract  # the version in the work tree: already loaded, do not parse it again
        elif text is not None:
            try:  # an ODCS file: the version of the same table (by name), else its first
                docs = [build(d) for d in contract_documents(load_text(text, v.path))]
                c = next((d for d in docs if d.name == contract.name), docs[0])
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
    blobs: list[list[bytes | None]] = []
    followed = []
    for c in contracts:
        try:
            rel = Path(c.path).resolve().relative_to(root).as_posix()
        except ValueError:
            rel = None
        followed.append(_follow(commits, by_path, rel) if rel else [])
    read = git.blobs([ch.oid for f in followed for _, ch in f if ch.mode in FILE_MODES], MAX_BYTES)
    for f in followed:  # a symlink or an oversized file at some commit reads as an invalid version
        per.append([v for v, _ in f])
        blobs.append([read[ch.oid].data if ch.mode in FILE_MODES and ch.oid in read else None for _, ch in f])
    busy = [i for i, vs in enumerate(per) if len(vs) > 1]  # single versions need no parsing or diff
    for i, vs in enumerate(per):
        if len(vs) <= 1:
            _resolve(contracts[i], vs, blobs[i], mode)
    from scaffolder.parallel import fork_map

    _JOB = (contracts, per, blobs, mode)
    try:
        for i, resolved in zip(busy, fork_map(_resolve_one, busy, least=PARALLEL_FROM), strict=True):
            per[i] = resolved
    finally:
        _JOB = None
    return {c.name: vs for c, vs in zip(contracts, per, strict=True)}

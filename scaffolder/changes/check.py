"""From two sides (files or git refs) to a ChangeReport: validate, pair, diff, gate, accept.

`compare_files` serves `scaffolder diff OLD NEW`; `check_changes` serves
`scaffolder check` and the Action: every contract added, modified, renamed or
removed between the merge-base and the head (or the working tree). Both are
pure library calls: they return a report and never print or exit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from scaffolder.changes.diff import diff_contracts, resolve_mode
from scaffolder.changes.exceptions import apply_exceptions, check_overrides, load_exceptions
from scaffolder.changes.gate import gate, gate_removed, required_bump
from scaffolder.changes.report import ChangeReport, ContractResult
from scaffolder.contract.load import MAX_BYTES, LoadError, decode, read_bytes
from scaffolder.contract.model import Contract
from scaffolder.contract.policy import Mesh
from scaffolder.contract.validate import Validation, validate_text
from scaffolder.errors import UsageError
from scaffolder.report.finding import Finding, Location, Severity
from scaffolder.vcs.git import FILE_MODES, SYMLINK_MODE, Blob, Git


@dataclass
class Side:
    """One version of one contract file: where it was and what validating it found."""

    path: str
    validation: Validation

    @property
    def valid(self) -> bool:
        return self.validation.ok and self.validation.contract is not None


def side_from_bytes(raw: bytes, path: str, mesh: Mesh | None) -> Side:
    try:
        text = decode(path, raw)
    except LoadError as exc:
        return Side(path, Validation(path, None, exc.findings))
    return Side(path, validate_text(text, path, mesh))


def side_from_git(path: str | None, mode: str, blob: Blob | None, mesh: Mesh | None) -> Side | None:
    """One side as git stores it: a regular file is read (within the size limit), a symlink is refused."""
    if path is None or blob is None:
        return None
    if mode == SYMLINK_MODE:
        return _refused(path, "contract-symlink", "a symbolic link is not a contract file: git stores only "
                        "where it points, and the check never follows a link (commit the file itself)")
    if mode not in FILE_MODES:  # a submodule or a folder at a contract's path: not a contract
        return None
    if blob.data is None:
        return _refused(path, "file-too-large", f"file is {blob.size:,} bytes; contracts are limited to {MAX_BYTES:,}")
    return side_from_bytes(blob.data, path, mesh)


def side_from_disk(root: Path, rel: str, mesh: Mesh | None) -> Side | None:
    """The working tree's version of `rel`, read the way git would commit it (a link stays a link)."""
    file = root / rel
    if file.is_symlink():
        return side_from_git(rel, SYMLINK_MODE, Blob(0, b""), mesh)
    if not file.is_file():
        return None
    try:
        raw = read_bytes(file, within=root)
    except LoadError as exc:
        return Side(rel, Validation(rel, None, [dataclasses.replace(f, location=Location(rel, 1, 1, "$"))
                                                for f in exc.findings]))
    return side_from_bytes(raw, rel, mesh)


def _refused(path: str, rule: str, message: str) -> Side:
    return Side(path, Validation(path, None, [Finding(rule, message, location=Location(path, 1, 1, "$"))]))


def _as_base_warning(f: Finding) -> Finding:
    return dataclasses.replace(f, severity=Severity.WARNING if f.severity is Severity.ERROR else f.severity,
                               message=f"base version does not validate: {f.message}")


def compare_sides(old: Side | None, new: Side | None, mesh: Mesh, today: dt.date,
                  base: str = "") -> list[ContractResult]:
    """The result(s) for one pair: one, or two when `metadata.name` changed (removed + added).

    An invalid head fails with its validation findings. An invalid base is
    reported as warnings and the head is treated as added: the change that
    fixes a broken contract must be able to merge. `base` names the old
    side's revision in messages ("main:").
    """
    overrides = mesh.rule_overrides
    errors: list[Finding] = []
    if new is not None and not new.valid:
        c = new.validation.contract
        name = (c.name if c else None) or (old.validation.contract.name if old and old.validation.contract else "") or new.path
        res = ContractResult(name or new.path, new.path, "modified" if old else "added",
                             old_path=old.path if old else None,
                             base_version=old.validation.contract.version_text if old and old.validation.contract else None,
                             head_version=c.version_text if c else None)
        res.errors = list(new.validation.findings)
        res.gate.append(Finding("contract-invalid", f"{new.path} does not validate; the change cannot be checked",
                                location=res.errors[0].location if res.errors else Location(new.path, 1, 1, "$"),
                                product=name))
        return [res]
    if old is not None and not old.valid:
        errors = [_as_base_warning(f) for f in old.validation.findings if f.severity is not Severity.INFO]
        old = None if new is not None else old
        if old is not None:  # removed, and the base never validated: nothing to hold it to
            res = ContractResult(old.path, old.path, "removed", errors=errors)
            return [res]
    old_c = old.validation.contract if old else None
    new_c = new.validation.contract if new else None
    if old_c is not None and new_c is not None and old_c.name != new_c.name:
        assert old is not None and new is not None
        return [*compare_sides(old, None, mesh, today), *compare_sides(None, new, mesh, today)]
    if new_c is None:
        assert old_c is not None and old is not None
        mode = resolve_mode(old_c, mesh.compatibility)
        changes = diff_contracts(old_c, None, mode, overrides)
        gate_findings, on_schedule = gate_removed(old_c, today)
        gate_findings = [*gate_findings, *_rego(mesh, None, old_c, changes)]
        if on_schedule:
            changes = [dataclasses.replace(f, accepted=on_schedule) for f in changes]
        return [ContractResult(old_c.name, old.path, "removed", base_version=old_c.version_text, mode=mode,
                               changes=changes, gate=gate_findings, errors=errors,
                               required_bump=required_bump(changes))]
    assert new is not None
    mode = resolve_mode(new_c, mesh.compatibility)
    if old_c is None:
        changes = diff_contracts(None, new_c, mode, overrides)
        return [ContractResult(new_c.name, new.path, "added", head_version=new_c.version_text, mode=mode,
                               changes=changes, errors=errors + _warnings(new),
                               gate=_rego(mesh, new_c, None, changes))]
    assert old is not None
    changes = diff_contracts(old_c, new_c, mode, overrides, base)
    result = gate(old_c, new_c, changes)
    result.findings.extend(_rego(mesh, new_c, old_c, changes))
    return [ContractResult(new_c.name, new.path, "renamed" if old.path != new.path else "modified",
                           old_path=old.path if old.path != new.path else None,
                           base_version=old_c.version_text, head_version=new_c.version_text, mode=mode,
                           changes=changes, gate=result.findings, errors=_warnings(new),
                           required_bump=result.required, declared_bump=result.declared,
                           suggested_version=str(result.suggested) if result.suggested else None)]


def _rego(mesh: Mesh, new: Contract | None, old: Contract | None, changes: list[Finding]) -> list[Finding]:
    """The mesh's Rego policies on a change (they see the base, the changes and the PR's labels)."""
    rego = mesh.rego_policies
    return rego.on_change(new, old, changes) if rego is not None else []


def _warnings(side: Side) -> list[Finding]:
    """Non-error validation findings of a valid head (policy warnings) travel with the result."""
    return [f for f in side.validation.findings if f.severity is not Severity.ERROR]


def finish(report: ChangeReport, mesh: Mesh, today: dt.date, *, scope: set[str] | None = None) -> ChangeReport:
    """Apply exceptions across every result, then `--fail-on breaking`; sort findings."""
    entries = load_exceptions(mesh)
    all_changes = [f for c in report.contracts for f in c.changes]
    applied = apply_exceptions(entries, all_changes, today, products=scope)
    it = iter(applied.findings)
    for c in report.contracts:
        c.changes = sorted((next(it) for _ in c.changes), key=lambda f, p=c.path: (
            f.location.path != p, f.location.line or 0, f.location.col or 0, f.rule))
    report.findings.extend(f for f in mesh.findings if f.severity is not Severity.INFO)
    report.findings.extend(applied.problems)
    report.findings.extend(check_overrides(mesh))
    if report.fail_on == "breaking":
        for c in report.contracts:
            breaking = c.breaking
            if breaking:
                c.gate.append(Finding(
                    "breaking-change",
                    f"{len(breaking)} breaking change(s) and --fail-on breaking: revert, accept with an exception "
                    "in mesh.yaml, or get the approval label",
                    location=breaking[0].location, product=c.name))
    return report


STDIN = "-"


def side_from_arg(arg: str, mesh: Mesh | None, stdin: BinaryIO | None = None) -> Side:
    """A version named on the command line: `-` is standard input (shown as `<stdin>`), and a
    pipe such as `<(git show main:FILE)` is read as a stream, shown by the path given."""
    if arg == STDIN:
        raw = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        return side_from_bytes(raw, "<stdin>", mesh)
    try:
        raw = read_bytes(arg, pipes=True)
    except LoadError as exc:
        return Side(arg, Validation(arg, None, exc.findings))
    return side_from_bytes(raw, arg, mesh)


def _not_a_contract(side: Side) -> str | None:
    """Why a file named to `diff` is no contract at all (mesh.yaml, a dbt schema): no metadata, no spec."""
    c = side.validation.contract
    if c is None or "metadata" in c.doc.data or "spec" in c.doc.data:
        return None
    kind = c.doc.data.get("kind")
    what = f"a {kind} file" if isinstance(kind, str) and kind else "a YAML file"
    return (f"{side.path}: {what}, not a data product contract (no metadata, no spec); "
            "`diff` compares two versions of one contract")


def compare_files(old_path: str | Path, new_path: str | Path, mesh: Mesh, today: dt.date,
                  fail_on: str = "bump", stdin: BinaryIO | None = None) -> ChangeReport:
    """`scaffolder diff OLD NEW`: two versions (files, pipes, or `-` for stdin), the shape of `check`'s report.

    A side that is no contract at all is a UsageError: comparing mesh.yaml with a
    contract has no meaningful answer, and a pass would be a wrong one.
    """
    if str(old_path) == STDIN and str(new_path) == STDIN:
        raise UsageError("OLD and NEW cannot both be `-` (standard input can be read once)")
    old = side_from_arg(str(old_path), None, stdin)
    new = side_from_arg(str(new_path), mesh, stdin)
    for side in (old, new):
        reason = _not_a_contract(side)
        if reason:
            raise UsageError(reason)
    results = compare_sides(old, new, mesh, today)
    for r in results:  # two files named on the command line are one contract's versions, not a move
        if r.status == "renamed":
            r.status = "modified"
    report = ChangeReport(results, fail_on=fail_on, today=today)
    products = {c.name for c in report.contracts}
    return finish(report, mesh, today, scope=products)


# --- git ------------------------------------------------------------------------

@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A mesh glob as a regex over '/'-separated relative paths (`**` spans folders, `*` does not)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z", re.DOTALL)  # a path may hold a newline


def is_contract_path(rel_to_mesh: str, globs: list[str]) -> bool:
    from scaffolder.contract.discover import SKIP_DIRS

    if any(part in SKIP_DIRS for part in rel_to_mesh.split("/")[:-1]):
        return False
    return any(_glob_regex(g.removeprefix("./")).match(rel_to_mesh) for g in globs)


def check_changes(repo_root: str | Path, base_ref: str | None, head_ref: str | None, mesh: Mesh,
                  today: dt.date, fail_on: str = "bump", paths: list[str] | None = None) -> ChangeReport:
    """Every contract changed between merge-base(base, head) and head (None: the working tree)."""
    git = Git(repo_root)
    base_ref = base_ref or git.default_base()
    merge_base = git.merge_base(base_ref, head_ref or "HEAD")
    try:
        mesh_prefix = Path(mesh.root).resolve().relative_to(git.root.resolve()).as_posix()
    except ValueError:
        mesh_prefix = ""
    mesh_prefix = "" if mesh_prefix == "." else mesh_prefix

    def is_contract(rel: str | None) -> bool:
        if rel is None:
            return False
        if mesh_prefix:
            if not rel.startswith(mesh_prefix + "/"):
                return False
            rel = rel[len(mesh_prefix) + 1:]
        if paths and not any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in paths):
            return False
        return is_contract_path(rel, mesh.contracts)

    changes = [ch for ch in git.changed(merge_base, head_ref) if is_contract(ch.old_path) or is_contract(ch.new_path)]
    blobs = git.blobs([ch.old_oid for ch in changes if is_contract(ch.old_path)]
                      + ([ch.new_oid for ch in changes if is_contract(ch.new_path)] if head_ref else []), MAX_BYTES)
    pairs: list[tuple[Side | None, Side | None]] = []
    for ch in changes:
        old = side_from_git(ch.old_path, ch.old_mode, blobs.get(ch.old_oid), None) if is_contract(ch.old_path) else None
        new = None
        if is_contract(ch.new_path):
            new = (side_from_git(ch.new_path, ch.new_mode, blobs.get(ch.new_oid), mesh) if head_ref
                   else side_from_disk(git.root, ch.new_path, mesh))
        if old is not None or new is not None:
            pairs.append((old, new))
    pairs = _pair_moves(pairs)
    results: list[ContractResult] = []
    for old, new in pairs:
        results.extend(compare_sides(old, new, mesh, today, base=f"{base_ref}:"))
    results.sort(key=lambda r: (r.path, r.name))
    report = ChangeReport(results, fail_on=fail_on, today=today, base_ref=base_ref,
                          head_ref=head_ref, merge_base=merge_base)
    return finish(report, mesh, today)


def _pair_moves(pairs: list[tuple[Side | None, Side | None]]) -> list[tuple[Side | None, Side | None]]:
    """A deleted file and an added file holding the same product are one moved contract.

    git's rename detection misses a move that also rewrote much of the file;
    the product name does not.
    """
    def name(side: Side | None) -> str | None:
        c = side.validation.contract if side else None
        return c.name if c is not None and c.name else None

    removed: dict[str, int] = {}
    for i, (o, n) in enumerate(pairs):
        key = name(o)
        if n is None and key and key not in removed:
            removed[key] = i
    partner: dict[int, int] = {}  # added index -> removed index
    for i, (o, n) in enumerate(pairs):
        key = name(n)
        if o is None and key in removed and removed[key] not in partner.values():
            partner[i] = removed[key]
    out: list[tuple[Side | None, Side | None]] = []
    for i, (o, n) in enumerate(pairs):
        if i in partner.values():
            continue
        out.append((pairs[partner[i]][0], n) if i in partner else (o, n))
    return out

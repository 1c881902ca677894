"""`scaffolder bump`: set `metadata.version` to the smallest version that passes the gate.

The edit replaces only the version scalar's characters, found through the
position ruamel.yaml recorded for it, so comments, quoting, key order and line
endings stay byte-identical (a round-trip dump would re-flow other lines). The
result is reloaded and checked before it is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from scaffolder.changes.check import check_changes
from scaffolder.contract.load import Document, LoadError, load_text
from scaffolder.contract.mesh import Mesh
from scaffolder.errors import ScaffolderError
from scaffolder.fsutil import atomic_write
from scaffolder.report.finding import Severity

VERSION = ("metadata", "version")
_VERSION_CHARS = re.compile(r"[0-9A-Za-z.+-]")


class BumpError(ScaffolderError):
    """The version could not be rewritten safely (the file is left untouched)."""


def contract_document(doc: Document) -> Document:
    """The document our model reads: `doc`, or the first table of an ODCS file (whose `version`
    every table shares, at the same place)."""
    from scaffolder.odcs.load import contract_documents

    return contract_documents(doc)[0]


def replace_version(text: str, doc: Document, new_version: str) -> str:
    """`text` with only the characters of `metadata.version`'s value replaced."""
    old = doc.data.get("metadata", {}).get("version") if isinstance(doc.data.get("metadata"), dict) else None
    if not isinstance(old, str) or VERSION not in doc.value_pos:
        raise BumpError(f"{doc.path}: metadata.version is missing or not a string")
    line, col = doc.value_pos[VERSION]
    lines = text.splitlines(keepends=True)
    row = lines[line - 1]
    start = col - 1
    if row[start:start + 1] in ("'", '"'):
        start += 1
    end = start + len(old)
    if row[start:end] != old or (end < len(row) and _VERSION_CHARS.match(row[end])):
        raise BumpError(f"{doc.path}:{line}:{col}: cannot find the version {old!r} as written; edit it by hand")
    lines[line - 1] = row[:start] + new_version + row[end:]
    new_text = "".join(lines)
    try:
        check = contract_document(load_text(new_text, doc.path))
    except LoadError as exc:
        raise BumpError(f"{doc.path}: the edited file would not load ({exc}); left unchanged") from None
    if check.data.get("metadata", {}).get("version") != new_version:
        raise BumpError(f"{doc.path}: the edit did not set the version; left unchanged")
    return new_text


def set_version(path: str | Path, new_version: str, mesh: Mesh | None = None) -> None:
    """Rewrite the file (a temp file renamed over it), keeping a UTF-8 BOM and every other byte; validate before writing."""
    from scaffolder.contract.validate import validate_text

    p = Path(path)
    raw = p.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    new_text = replace_version(text, contract_document(load_text(text, str(path))), new_version)
    result = validate_text(new_text, str(path), mesh)
    if not result.ok:
        first = next(f for f in result.findings if f.severity is Severity.ERROR)
        raise BumpError(f"the bumped file would not validate ({first.text()}); left unchanged")
    atomic_write(p, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))


@dataclass
class Bumped:
    path: str
    name: str
    old: str | None  # the head version before
    new: str | None  # the version written (None: left alone)
    required: str
    note: str


def bump_versions(repo_root: str | Path, base_ref: str | None, mesh: Mesh, today: dt.date,
                  paths: list[str] | None = None, dry_run: bool = False) -> list[Bumped]:
    """Bump every changed contract (of `paths`) in the working tree that fails the version gate."""
    report = check_changes(repo_root, base_ref, None, mesh, today, paths=paths)
    from scaffolder.vcs.git import Git

    root = Git(repo_root).root
    out: list[Bumped] = []
    for c in report.contracts:
        if c.status not in ("modified", "renamed"):
            out.append(Bumped(c.path, c.name, c.head_version, None, c.required_bump,
                              f"{c.status}: no base version to bump from" if c.ok else f"{c.status}: not bumped"))
            continue
        if any(f.severity is Severity.ERROR for f in c.errors):
            out.append(Bumped(c.path, c.name, c.head_version, None, c.required_bump, "invalid: fix it first"))
            continue
        failing = [f for f in c.gate if f.rule in ("version-not-bumped", "version-bump-too-small", "version-decreased")]
        if not failing or not c.suggested_version:
            out.append(Bumped(c.path, c.name, c.head_version, None, c.required_bump, "already passes"))
            continue
        if not dry_run:
            set_version(root / c.path, c.suggested_version, mesh)
        out.append(Bumped(c.path, c.name, c.head_version, c.suggested_version, c.required_bump,
                          f"{c.base_version} -> {c.suggested_version} ({c.required_bump} required)"))
    return out

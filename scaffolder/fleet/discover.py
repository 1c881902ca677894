"""Find the domains: `domains/*/.copier-answers.yml` in a mesh monorepo, or a fleet file of polyrepos.

A fleet file (YAML) lists one domain repository per entry, paths relative to
the file:

    domains:
      - path: ../orders            # a local clone, the answers file at its root
        repository: acme/orders    # GitHub owner/name (for --open-prs)
      - ../payments                # just a path

A domain whose answers file cannot be read is still listed, with a `problem`,
so that it fails alone instead of stopping the fleet.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffolder.errors import UsageError
from scaffolder.fleet.answers import ANSWERS_FILE, read_answers
from scaffolder.fleet.model import Domain


def git_toplevel(path: Path) -> Path:
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True)
    if proc.returncode != 0:
        raise UsageError(f"{path}: not inside a git repository (the fleet updates domains on git branches)")
    return Path(proc.stdout.strip())




def discover_monorepo(root: Path, only: list[str] | None = None) -> list[Domain]:
    """Every `domains/<name>/` holding an answers file, sorted by name."""
    root = root.resolve()
    top = git_toplevel(root)
    base = root / "domains"
    if not base.is_dir():
        raise UsageError(f"{root}: no domains/ folder (pass --root MESH_DIR, or --fleet-file FILE for polyrepos)")
    out = []
    for answers in sorted(base.glob(f"*/{ANSWERS_FILE}")):
        folder = answers.parent
        data, problem = read_answers(answers)
        out.append(Domain(folder.name, top, folder.relative_to(top).as_posix(), data, True, None, problem))
    return _select(out, only)


def discover_fleet_file(fleet_file: Path, only: list[str] | None = None) -> list[Domain]:
    """The polyrepos a fleet file lists; errors point at the entry's line."""
    from scaffolder.contract.load import LoadError, load_file

    try:
        doc = load_file(fleet_file)
    except LoadError as exc:
        raise UsageError("; ".join(f.text() for f in exc.findings)) from None
    entries = doc.data.get("domains")
    if not isinstance(entries, list) or not entries:
        line, col = doc.pos(("domains",))
        raise UsageError(f"{fleet_file}:{line}:{col}: expected `domains:` with a list of repository paths")
    out = []
    for i, entry in enumerate(entries):
        line, col = doc.pos(("domains", i))
        item = {"path": entry} if isinstance(entry, str) else entry
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise UsageError(f"{fleet_file}:{line}:{col}: each domain needs a `path` (a local clone)")
        folder = (fleet_file.parent / item["path"]).resolve()
        if not folder.is_dir():
            raise UsageError(f"{fleet_file}:{line}:{col}: {folder}: no such folder")
        top = git_toplevel(folder)
        answers = folder / ANSWERS_FILE
        data, problem = read_answers(answers) if answers.is_file() else ({}, f"{answers}: no answers file")
        rel = folder.relative_to(top).as_posix()
        name = str(item.get("name") or folder.name)
        out.append(Domain(name, top, rel, data, False, item.get("repository"), problem))
    return _select(sorted(out, key=lambda d: d.name), only)


def _select(domains: list[Domain], only: list[str] | None) -> list[Domain]:
    if not only:
        return domains
    known = {d.name for d in domains}
    missing = [n for n in only if n not in known]
    if missing:
        raise UsageError(f"unknown domain(s): {', '.join(missing)} (known: {', '.join(sorted(known)) or 'none'})")
    return [d for d in domains if d.name in only]


def discover(root: Path, fleet_file: Path | None = None, only: list[str] | None = None) -> list[Domain]:
    return discover_fleet_file(fleet_file, only) if fleet_file else discover_monorepo(root, only)

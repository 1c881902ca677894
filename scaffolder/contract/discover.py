"""Find contract files from paths, folders and globs, or by the mesh's globs."""

from __future__ import annotations

import glob
from pathlib import Path

from scaffolder.contract.mesh import DEFAULT_GLOBS, Mesh
from scaffolder.contract.paths import display
from scaffolder.errors import UsageError

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "target", "dbt_packages", ".nox", "__pycache__", "site-packages"}


def _skipped(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    return any(p in SKIP_DIRS for p in parts[:-1])


def find_in(folder: Path, globs: list[str]) -> list[Path]:
    found: dict[Path, Path] = {}  # real file -> the path found first (a link inside the mesh is the same file)
    for pattern in globs:
        for hit in sorted(folder.glob(pattern)):
            if hit.is_file() and not _skipped(hit, folder):
                key = hit.resolve()
                if key not in found or (found[key].is_symlink() and not hit.is_symlink()):
                    found[key] = display(hit)  # the file itself rather than a link to it
    return sorted(found.values())


def expand(paths: list[str], mesh: Mesh, allow_empty: bool = False) -> list[Path]:
    """Files named, contracts under folders named, matches of globs named; all of the mesh when none.

    Finding no contract at all is a UsageError (a glob with a typo must not pass
    as an empty mesh) unless `allow_empty`.
    """
    if not paths:
        found = find_in(mesh.root, mesh.contracts)
        if not found and not allow_empty:
            raise UsageError(_nothing_found(mesh))
        return found
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            # the mesh's globs, else the usual names: never every YAML file (dbt's would not be contracts)
            hits = find_in(p, mesh.contracts) or find_in(p, DEFAULT_GLOBS)
            if not hits and not allow_empty:
                raise UsageError(f"{raw}: no contract in this folder (looked for {', '.join(mesh.contracts)}, "
                                 f"then {', '.join(DEFAULT_GLOBS)}); pass --allow-empty if that is expected")
            out.extend(hits)
        elif glob.has_magic(raw):
            hits = sorted(Path(h) for h in glob.glob(raw, recursive=True) if Path(h).is_file())
            if not hits:
                raise UsageError(f"{raw}: no file matches")
            out.extend(hits)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _nothing_found(mesh: Mesh) -> str:
    """Where the globs that matched nothing come from: mesh.yaml's `contracts:` line, or the defaults."""
    globs = ", ".join(mesh.contracts)
    hint = "fix the globs, add a domain (`scaffolder new-domain`), or pass --allow-empty if an empty mesh is expected"
    if mesh.doc is None:
        return (f"{display(mesh.root)}: no contract found: no mesh.yaml here or above, and the default globs "
                f"({globs}) match no file; run inside a mesh, name contract files, or pass --allow-empty")
    if "contracts" in mesh.doc.data:
        where = mesh.doc.location(("contracts",), key=True)
        return f"{where.path}:{where.line}:{where.col}: no contract matches these globs ({globs}); {hint}"
    return f"{mesh.doc.path}:1:1: no contract matches the default globs ({globs}); {hint}"

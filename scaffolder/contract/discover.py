"""Find contract files from paths, folders and globs, or by the mesh's globs."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from scaffolder.contract.policy import DEFAULT_GLOBS, Mesh
from scaffolder.errors import UsageError

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "target", "dbt_packages", ".nox", "__pycache__", "site-packages"}


def _skipped(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    return any(p in SKIP_DIRS for p in parts[:-1])


def display(path: Path) -> Path:
    """Relative to the current folder when under it: what users, editors and GitHub annotations expect.

    Lexical (links are not followed): the path must still say where it was found,
    so that a symbolic link leading out of the mesh can be recognised and refused.
    """
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path


def find_in(folder: Path, globs: list[str]) -> list[Path]:
    found: dict[Path, Path] = {}  # real file -> the path found first (a link inside the mesh is the same file)
    for pattern in globs:
        for hit in sorted(folder.glob(pattern)):
            if hit.is_file() and not _skipped(hit, folder):
                key = hit.resolve()
                if key not in found or (found[key].is_symlink() and not hit.is_symlink()):
                    found[key] = display(hit)  # the file itself rather than a link to it
    return sorted(found.values())


def expand(paths: list[str], mesh: Mesh) -> list[Path]:
    """Files named, contracts under folders named, matches of globs named; all of the mesh when none."""
    if not paths:
        return find_in(mesh.root, mesh.contracts)
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            # the mesh's globs, else the usual names: never every YAML file (dbt's would not be contracts)
            out.extend(find_in(p, mesh.contracts) or find_in(p, DEFAULT_GLOBS))
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

"""How a path is shown to users: one rule for every message, annotation and report."""

from __future__ import annotations

import os
from pathlib import Path


def display(path: Path) -> Path:
    """Relative to the current folder when under it: what users, editors and GitHub annotations expect.

    Lexical (links are not followed): the path must still say where it was found,
    so that a symbolic link leading out of the mesh can be recognised and refused.
    """
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path

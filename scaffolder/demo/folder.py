"""The demo's folder: made by the demo (a marker file says so), and only such a folder is ever replaced.

`scaffolder demo DIR --force` used to empty any DIR, a home folder included.
Now it deletes DIR only when DIR holds the marker an earlier demo wrote; any
other non-empty folder is refused (exit 2) and left exactly as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scaffolder.errors import UsageError
from scaffolder.fsutil import atomic_write

MARKER = ".scaffolder-demo"
MARKER_TEXT = "Made by `scaffolder demo`: `scaffolder demo DIR --force` may delete and re-create this folder.\n"


def prepare(root: Path, *, force: bool, shown: str) -> None:
    """Make `root` an empty demo folder (marked), or refuse; `shown` is how the user named it."""
    if root.is_symlink():
        raise UsageError(f"{shown} is a symbolic link: name a real folder (the demo never deletes through links)")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{shown} is not a folder")
    if root.exists() and any(root.iterdir()):
        if not force:
            raise UsageError(f"{shown} is not empty (use --force to replace an earlier demo)")
        if not (root / MARKER).is_file():
            raise UsageError(f"{shown} was not made by `scaffolder demo` (no {MARKER} file in it): "
                             "refusing to delete it; pick a new folder")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write(root / MARKER, MARKER_TEXT)

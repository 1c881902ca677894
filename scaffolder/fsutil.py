"""Writing files so that nothing is ever half-written (a full disk, a size limit, a kill mid-write).

`atomic_write` writes a temporary file in the same folder, fsyncs it and
renames it over the target: a reader (or a crash) sees the old file whole or
the new one whole, never a truncated mix. An existing file keeps its mode bits.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from scaffolder.errors import UsageError


class WriteError(UsageError):
    """The file could not be written (disk full, size limit, permissions); the old file is intact (exit 2)."""


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `data` (text is encoded with `encoding`, newlines as given) in one rename."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            kept = "left unchanged" if mode is not None else "not created"
            raise WriteError(f"{target}: cannot write: {exc.strerror or exc}; {kept}") from None
        raise
    _fsync_dir(target.parent)


def _default_mode() -> int:
    """What `open(path, "w")` would give a new file: 0o666 minus the umask (mkstemp makes 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (not possible on every platform: best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

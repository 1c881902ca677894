"""The run's scratch folder (`$TMPDIR/scaffolder-fleet-*`): removed when the run ends, however it ends.

A normal end, an exception, Ctrl-C (SIGINT) or SIGTERM (`timeout`, CI
cancelling a job) all remove it: SIGTERM is turned into SystemExit while the
folder exists, so every `finally` on the way out runs. SIGKILL cannot be
caught; the folder holds a lock (flock) for as long as its run lives, and the
next run removes every sibling folder whose lock is free. Creating a folder and
sweeping are serialised by a per-user lock file beside them, so a sweep never
takes a folder whose run has not locked it yet.

A SIGTERM that arrives while the folder is being created or removed is held
back until that work is done (`cleaning`): raised in the middle of `rmtree`,
it would leave half the folder behind (seen in CI: a SIGTERM at the very end
of a run). Only the first SIGTERM raises; the run is already on its way out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PREFIX = "scaffolder-fleet-"
OWNER = ".owner.lock"


class _Sigterm:
    """What the SIGTERM handler needs to know: cleanup under way, a signal held back, already exiting."""

    cleaning = 0
    held = False
    exiting = False


def _terminated(signum: int, frame: Any) -> None:
    if _Sigterm.cleaning:
        _Sigterm.held = True
        return
    if _Sigterm.exiting:
        return
    _Sigterm.exiting = True
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def on_sigterm_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit (so `finally` blocks clean up) inside this block, in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    _Sigterm.held = _Sigterm.exiting = False
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def cleaning() -> Iterator[None]:
    """Work that must not stop halfway (create or remove the folder): a SIGTERM waits until it is done."""
    _Sigterm.cleaning += 1
    try:
        yield
    finally:
        _Sigterm.cleaning -= 1
    if not _Sigterm.cleaning and _Sigterm.held and not _Sigterm.exiting:
        _Sigterm.held, _Sigterm.exiting = False, True
        raise SystemExit(128 + signal.SIGTERM)


def _lock(fd: int, *, wait: bool = False) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no sweeping of dead runs' folders
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _tmp_guard(tmp: Path) -> Iterator[None]:
    """Serialise create-and-lock against sweeping, for this user's runs."""
    try:
        fd = os.open(tmp / f".{PREFIX}{os.getuid() if hasattr(os, 'getuid') else 0}.lock",
                     os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        yield
        return
    try:
        _lock(fd, wait=True)
        yield
    finally:
        os.close(fd)


def sweep(tmp: Path | None = None) -> list[Path]:
    """Remove scratch folders of runs that died without cleaning up (their lock is free)."""
    removed = []
    for folder in Path(tmp or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        owner = folder / OWNER
        try:
            fd = os.open(owner, os.O_RDONLY)
        except OSError:
            continue  # not ours, or another user's, or being created this instant
        try:
            free = _lock(fd)
        finally:
            os.close(fd)
        if free:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    """A fresh scratch folder for one run, locked while the run lives, removed on the way out."""
    tmp = Path(tempfile.gettempdir())
    folder: Path | None = None
    fd = -1
    with on_sigterm_exit():
        try:
            with cleaning(), _tmp_guard(tmp):  # a SIGTERM here is raised inside the `try`, once locked
                sweep(tmp)
                folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=tmp))
                fd = os.open(folder / OWNER, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                _lock(fd)
            yield folder
        finally:
            with cleaning():
                if folder is not None:
                    _remove(folder)
                if fd >= 0:
                    os.close(fd)


def _remove(folder: Path, tries: int = 20) -> None:
    """rmtree, again while something that was still dying wrote into the folder (bounded: ~1 s)."""
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)


def scratch_or(workdir: Path | None) -> contextlib.AbstractContextManager[Path]:
    """`workdir` as it is when the caller owns one, else a scratch folder of our own."""
    return contextlib.nullcontext(workdir) if workdir is not None else scratch_dir()

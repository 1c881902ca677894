"""`atomic_write`: a failure mid-write leaves the old file whole; the mode bits stay."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.fsutil import WriteError, atomic_write


def test_a_write_that_fails_midway_leaves_the_original_and_no_temp_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("version: 1.0.0\n" * 100)
    def full_disk(fd: int) -> None:  # the data went to the temp file; flushing it to disk fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(WriteError, match="No space left on device; left unchanged"):
        atomic_write(target, "version: 2.0.0\n" * 100)
    monkeypatch.undo()
    assert target.read_text() == "version: 1.0.0\n" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_a_file_size_limit_in_another_process_leaves_the_original(tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    old = b"x" * 200
    target.write_bytes(old)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    code = ("import sys; from scaffolder.fsutil import atomic_write\n"
            "atomic_write(sys.argv[1], b'y' * 1000)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(target)], preexec_fn=limit, capture_output=True,
                          text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode != 0 and "File too large" in proc.stderr
    assert target.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_mode_bits_are_kept_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old\n")
    target.chmod(0o751)
    atomic_write(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    umask = os.umask(0o027)
    try:
        atomic_write(tmp_path / "fresh.txt", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o640


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f").write_text("old")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not apply")
        with pytest.raises(WriteError, match="cannot write"):
            atomic_write(folder / "f", "new")
    finally:
        folder.chmod(0o700)
    assert (folder / "f").read_text() == "old"


# Files written in place on purpose, each with why it cannot lose anything a user has.
IN_PLACE = {
    "scaffolder/demo/steps.py": "plays a person's edits inside the demo's own new folder",
    "scaffolder/fleet/runner.py": "job files in the run's private scratch folder",
    "scaffolder/fsutil.py": "atomic_write itself (its temp file)",
}


def test_every_file_we_write_goes_through_atomic_write() -> None:
    """A new `write_text`/`write_bytes`/`open(..., "w")` outside the allow-list fails here: use atomic_write."""
    import re

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"\.write_(text|bytes)\(|open\([^)]*[\"']w[b+]?[\"']")
    offenders = []
    for path in sorted((root / "scaffolder").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in IN_PLACE:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []

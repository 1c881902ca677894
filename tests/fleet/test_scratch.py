"""The run's scratch folder survives no SIGTERM, wherever the signal lands.

Each case runs in its own Python process (signal handlers belong to a
process's main thread) and sends itself SIGTERM at one precise point: in the
middle of the removal, of the creation, and of the work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import json, os, shutil, signal, sys, tempfile
from pathlib import Path
from scaffolder.fleet import scratch

where = sys.argv[1]
real_rmtree, real_mkdtemp = shutil.rmtree, tempfile.mkdtemp
seen = []

def term():
    os.kill(os.getpid(), signal.SIGTERM)

def rmtree(path, *a, **k):  # the signal lands after the first file went, before the rest
    if where == "remove" and not seen:
        seen.append(path)
        files = sorted(Path(path).iterdir())
        files[0].unlink()
        term()
        for _ in range(1000):  # the handler runs between these bytecodes
            pass
    real_rmtree(path, *a, **k)

def mkdtemp(*a, **k):
    folder = real_mkdtemp(*a, **k)
    if where == "create":
        term()
        for _ in range(1000):
            pass
    return folder

scratch.shutil.rmtree = rmtree
scratch.tempfile.mkdtemp = mkdtemp
made = None
code = 0
try:
    with scratch.scratch_dir() as folder:
        made = folder
        for i in range(20):
            (folder / f"f{i}").write_text("x")
        if where == "work":
            term()
            for _ in range(1000):
                pass
except SystemExit as e:
    code = e.code
left = sorted(p.name for p in Path(tempfile.gettempdir()).glob(scratch.PREFIX + "*"))
print(json.dumps({"code": code, "left": left, "made": made is not None}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("where", ["remove", "create", "work"])
def test_a_sigterm_anywhere_leaves_no_scratch_folder(where: str, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, where], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path),
                               "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["code"] == 143, out  # the run still ends as SIGTERM asked, after the cleanup
    assert out["left"] == [], out
    assert out["made"] == (where != "create"), out  # a SIGTERM in creation stops the run before its work

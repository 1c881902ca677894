"""A command run without its optional extra is a usage error naming the extra (exit 2), not exit 3."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BASE = ROOT / "tests" / "contract" / "base.yaml"


def _without(module: str, *args: str) -> subprocess.CompletedProcess:
    """A real `scaffolder` process in which `module` cannot be imported (as if the extra were not installed)."""
    code = (f"import sys; sys.modules[{module!r}] = None\n"
            "from scaffolder.cli import main\n"
            f"sys.exit(main({list(args)!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [["--print"], ["--file", "events.ndjson"]])
def test_lineage_emit_without_the_lineage_extra(args, tmp_path):
    result = _without("openlineage", "lineage", "emit", str(BASE), *[a if a.startswith("-") else str(tmp_path / a)
                                                                      for a in args])
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "needs the lineage extra: pip install 'datamesh-scaffolder[lineage]'" in result.stderr


def test_delta_without_the_delta_extra(tmp_path):
    (tmp_path / "t" / "_delta_log").mkdir(parents=True)
    result = _without("deltalake", "test", str(BASE), "--data", str(tmp_path / "t"))
    assert result.returncode == 2, result.stderr
    assert "reading Delta tables needs the delta extra: pip install 'datamesh-scaffolder[delta]'" in result.stderr


def test_iceberg_without_the_iceberg_extra(tmp_path):
    (tmp_path / "t" / "metadata").mkdir(parents=True)
    result = _without("pyiceberg", "test", str(BASE), "--data", str(tmp_path / "t"), "--source-format", "iceberg")
    assert result.returncode == 2, result.stderr
    assert "needs the iceberg extra: pip install 'datamesh-scaffolder[iceberg]'" in result.stderr


def test_require_returns_the_module_when_installed():
    from scaffolder.extras import require

    assert require("json", "none", "reading JSON").dumps([]) == "[]"

"""Versions from git history: the same answer in worker processes as in this one, and outside git."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffolder.catalog import history
from scaffolder.catalog.collect import load_contracts
from scaffolder.contract.mesh import load_mesh
from tests.catalog.meshgen import name_of, write_mesh, write_mesh_with_history


def summary(h: dict) -> dict:
    return {k: [(v.commit, v.path, v.version, v.declared, v.required, v.first, tuple(v.changes)) for v in vs]
            for k, vs in h.items()}


def test_parallel_and_serial_histories_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mesh_with_history(tmp_path, 20)
    monkeypatch.chdir(tmp_path)
    contracts = load_contracts(load_mesh(tmp_path)).contracts
    serial = summary(history.histories(contracts))
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the parallel path is not taken")
    monkeypatch.setattr(history, "PARALLEL_FROM", 1)
    assert summary(history.histories(contracts)) == serial
    assert [v.version for v in history.histories(contracts)[name_of(0)]] == ["2.0.0", "1.1.0", "1.0.0"]


def test_no_history_outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mesh(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    contracts = load_contracts(load_mesh(tmp_path)).contracts
    assert history.histories(contracts) == {}

"""`--state` on Delta and Iceberg tables: only the data files a snapshot added since the recorded one
are read; a removed file (delete, overwrite, compaction) or an old file with new delete files makes
the run full. After every step the result equals a full `run_checks` on the same table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.incremental.files import Seen
from scaffolder.checks.incremental.snapshots import Snapshot, compare, deletes_digest, reasons
from scaffolder.checks.run import parse_now, run_checks
from tests.checks.data import CONTRACT, NOW, rows
from tests.checks.incremental.support import arrow, results

NOW_TS = parse_now(NOW)
ROOT = Path(__file__).resolve().parents[3]


def _step(contract: Path, source: str, state: str) -> Any:
    """One incremental run, checked equal to a full run on the same table."""
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert results(report) == results(run_checks(contract, source, now=NOW_TS))
    assert report.run is not None
    return report.run


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    (tmp_path / "c.yaml").write_text(CONTRACT)
    return tmp_path / "c.yaml"


def _delta_files(folder: str) -> set[str]:
    from deltalake import DeltaTable

    return {os.path.join(folder, f.path) for f in DeltaTable(folder).to_pyarrow_dataset().get_fragments()}


@pytest.mark.parametrize("partitioned", [False, True])
def test_delta_appends_deletes_and_overwrites(tmp_path: Path, contract: Path, partitioned: bool) -> None:
    from deltalake import DeltaTable, write_deltalake

    source, state = str(tmp_path / "delta"), str(tmp_path / "s.duckdb")
    part = {"partition_by": ["status"]} if partitioned else {}
    write_deltalake(source, arrow(rows()[:8]), **part)
    first = _step(contract, source, state)
    assert first.mode == "full" and first.snapshot == "version 0"

    before = _delta_files(source)
    write_deltalake(source, arrow(rows()[8:14] + rows()[:2]), mode="append", **part)  # ids seen before
    run = _step(contract, source, state)
    added = _delta_files(source) - before
    assert run.mode == "incremental" and sorted(run.read) == sorted(added)
    assert len(added) == (5 if partitioned else 1)  # a file per status of the 8 rows (None too)
    assert run.snapshot == "version 1 (recorded: 0)"

    assert _step(contract, source, state).read == []  # the same version: nothing to read

    DeltaTable(source).delete("qty = 1")  # rewrites the files holding those rows
    run = _step(contract, source, state)
    assert run.mode == "full" and "no longer in version 2 (compaction, delete or overwrite since version 1)" \
        in run.reasons[0], run.reasons

    before = _delta_files(source)
    write_deltalake(source, arrow(rows()[14:]), mode="append", **part)
    run = _step(contract, source, state)
    assert run.mode == "incremental" and sorted(run.read) == sorted(_delta_files(source) - before)

    write_deltalake(source, arrow(rows()[5:9]), mode="overwrite", **part)
    run = _step(contract, source, state)
    assert run.mode == "full" and "no longer in version 4" in run.reasons[0]


def _iceberg(tmp_path: Path, partitioned: bool = False) -> tuple[Any, str]:
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import IdentityTransform

    (tmp_path / "ice").mkdir()
    uri = f"sqlite:///{tmp_path / 'ice' / 'catalog.db'}"
    catalog = SqlCatalog("test", uri=uri, warehouse=f"file://{tmp_path / 'ice'}")
    catalog.create_namespace("shop")
    table = catalog.create_table("shop.orders", schema=arrow([]).schema)
    if partitioned:  # by status (nulls and quotes among them): several files per append
        with table.update_spec() as spec:
            spec.add_field("status", IdentityTransform(), "status_part")
        table.refresh()
        assert table.spec() != PartitionSpec() and isinstance(table.spec().fields[0], PartitionField)
    return table, f"{uri}::shop.orders"


def _iceberg_files(table: Any) -> set[str]:
    table.refresh()
    return {t.file.file_path for t in table.scan().plan_files()}


@pytest.mark.parametrize("partitioned", [False, True])
def test_iceberg_appends_deletes_and_overwrites(tmp_path: Path, contract: Path, partitioned: bool) -> None:
    table, source = _iceberg(tmp_path, partitioned)
    state = str(tmp_path / "s.duckdb")
    table.append(arrow(rows()[:8]))
    first = _step(contract, source, state)
    assert first.mode == "full" and first.snapshot == f"snapshot {table.metadata.current_snapshot_id}"

    before = _iceberg_files(table)
    table.append(arrow(rows()[8:14] + rows()[:2]))
    run = _step(contract, source, state)
    assert run.mode == "incremental" and set(run.read) == _iceberg_files(table) - before
    assert len(run.read) == (5 if partitioned else 1)  # a file per status of the 8 rows (None too)

    assert _step(contract, source, state).read == []

    table.delete("qty == 1")  # copy-on-write: the files holding those rows are replaced
    run = _step(contract, source, state)
    assert run.mode == "full" and "compaction, delete or overwrite since snapshot" in run.reasons[0]

    before = _iceberg_files(table)
    table.append(arrow(rows()[14:]))
    run = _step(contract, source, state)
    assert run.mode == "incremental" and set(run.read) == _iceberg_files(table) - before

    table.overwrite(arrow(rows()[3:7]))
    run = _step(contract, source, state)
    assert run.mode == "full" and "no longer in snapshot" in run.reasons[0]


def test_an_iceberg_table_without_a_snapshot_then_with_one(tmp_path: Path, contract: Path) -> None:
    table, source = _iceberg(tmp_path)
    state = str(tmp_path / "s.duckdb")
    run = run_incremental(contract, source, state, now=NOW_TS).run
    assert run is not None and run.snapshot == "snapshot none" and run.read == []
    table.append(arrow(rows()))
    run = _step(contract, source, state)
    assert run.mode == "incremental" and len(run.read) == 1


def _snap(files: dict[str, list[str]]) -> Snapshot:
    """A snapshot listing `files` (path -> its delete files), as `snapshots._iceberg` records them."""
    return Snapshot("iceberg", "7", {p: Seen(p, 100, 0, deletes_digest(d)) for p, d in files.items()})


def test_new_delete_files_against_an_old_file_are_a_change() -> None:
    recorded = _snap({"a": [], "b": ["del-1"]}).files
    same = compare(_snap({"a": [], "b": ["del-1"], "c": []}), recorded)
    assert same.new == ["c"] and same.changed == [] and same.deleted == []
    snap = _snap({"a": ["del-2"], "b": ["del-1", "del-3"]})
    diff = compare(snap, recorded)
    assert diff.changed == ["a", "b"] and diff.new == []
    assert reasons(snap, diff, "6") == ["2 files gained or lost delete files since snapshot 6: a, b"]
    gone = compare(_snap({"b": ["del-1"]}), recorded)
    assert gone.deleted == ["a"]
    assert reasons(snap, gone, "6")[0].startswith("1 recorded file no longer in snapshot 7 (compaction, delete")


def test_cli_names_the_snapshot_and_the_files_read(tmp_path: Path, contract: Path) -> None:
    from deltalake import write_deltalake

    source, state = str(tmp_path / "delta"), str(tmp_path / "s.duckdb")
    write_deltalake(source, arrow(rows()[:10]))
    cli = [sys.executable, "-m", "scaffolder", "test", str(contract), "--data", source, "--state", state,
           "--now", NOW]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(cli, cwd=ROOT, env=env, capture_output=True).returncode == 1  # planted defects
    write_deltalake(source, arrow(rows()[10:]), mode="append")
    out = subprocess.run([*cli, "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True)
    run = json.loads(out.stdout)["incremental"]
    assert run["mode"] == "incremental" and run["snapshot"] == "version 1 (recorded: 0)"
    assert [Path(f).parent for f in run["read"]] == [Path(source)] and run["files"] == 2
    text = subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, text=True).stdout
    assert "incremental run: no new files of 2; results from STATE" in text and "snapshot: version 1" in text


def test_a_delta_table_is_read_through_arrows_own_file_system(tmp_path: Path) -> None:
    """Not deltalake's Python file system: with it, Arrow's I/O threads take the GIL for every file
    while DuckDB scans from its own threads, which deadlocked a test run (sources.delta_dataset)."""
    import pyarrow.fs as pafs
    from deltalake import write_deltalake

    from scaffolder.checks.incremental.snapshots import current

    source = str(tmp_path / "delta")
    write_deltalake(source, arrow(rows()[:4]), partition_by=["status"])
    snap = current(source, "delta")
    assert not isinstance(snap.reader.filesystem, pafs.PyFileSystem)
    assert not isinstance(snap.arrow(list(snap.files)).filesystem, pafs.PyFileSystem)
    assert snap.arrow(list(snap.files)).to_table().num_rows == 4

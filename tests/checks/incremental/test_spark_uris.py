"""`--state` on Spark with a SOURCE URI: the files listed (and hashed) through the session.

No object store here: `file://` URIs take the same path as `s3a://` would (Spark lists them
through Hadoop's file system for the scheme, the local one). One Spark session for the module.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from tests.checks.data import rows
from tests.checks.engines.conftest import spark_session  # noqa: F401  (the module's one session)
from tests.checks.incremental.support import results, write
from tests.checks.incremental.test_spark import (
    NOW,
    _contract,
    _planted,
    _runs,
    engine,  # noqa: F401  (the module's SparkEngine)
)

HOUR_NS = 3_600_000_000_000


def _recorded(state: str) -> dict[str, tuple]:
    con = duckdb.connect(state, read_only=True)
    try:
        files = {p: (s, m, d) for p, s, m, d in con.execute("SELECT path, size, mtime_ns, digest FROM scaffolder_files")
                 .fetchall()}
        files["source"] = con.execute("SELECT value FROM scaffolder_state WHERE key = 'source'").fetchone()
        return files
    finally:
        con.close()


def _age(path: Path, ns: int = HOUR_NS) -> None:
    """Set the file's modification time back, out of the racy-file window."""
    t = os.stat(path).st_mtime_ns - ns
    os.utime(path, ns=(t, t))


def test_a_file_uri_source_equals_full_after_every_step(tmp_path: Path, engine) -> None:  # noqa: F811
    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = f"file://{data}/*.parquet", str(tmp_path / "state.duckdb")
    uri = f"file:{data}"  # Spark's qualified path of a local file
    write(data / "a.parquet", rows()[:10])
    first, _ = _runs(contract, source, state, engine)
    assert first.run is not None and first.run.mode == "full" and first.run.read == [f"{uri}/a.parquet"]
    recorded = _recorded(state)
    assert recorded.pop("source") == (source,)  # a URI is its own absolute path
    assert list(recorded) == [f"{uri}/a.parquet"]
    assert recorded[f"{uri}/a.parquet"][0] == os.path.getsize(data / "a.parquet")
    assert recorded[f"{uri}/a.parquet"][2] is not None  # written just now: hashed (through Spark)

    write(data / "b.parquet", rows()[5:14])  # duplicates across files
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [f"{uri}/b.parquet"]
    assert inc.rows == 19
    write(data / "c.parquet", _planted())
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [f"{uri}/c.parquet"]

    write(data / "b.parquet", rows()[14:])  # rewritten
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full" and "1 file changed since the last run" in inc.run.reasons[0]
    (data / "a.parquet").unlink()
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full" and "1 file deleted since the last run" in inc.run.reasons[0]
    assert f"{uri}/a.parquet" not in _recorded(state)

    write(data / "d.parquet", rows()[:3])
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [f"{uri}/d.parquet"]
    again, _ = _runs(contract, source, state, engine)
    assert again.run is not None and again.run.read == [] and results(again) == results(inc)


def test_a_racy_rewrite_of_a_uri_file_is_found_by_its_hash(tmp_path: Path, engine) -> None:  # noqa: F811
    """A file rewritten in the same clock tick (same size, same time) is a change: its hash was recorded."""
    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = f"file://{data}/*.csv", str(tmp_path / "state.duckdb")
    before = rows()[:10]
    write(data / "a.csv", before)
    mtime = os.stat(data / "a.csv").st_mtime_ns
    _runs(contract, source, state, engine)
    after = [r if i != 3 else (*r[:7], 9, *r[8:]) for i, r in enumerate(before)]  # one qty digit: same size
    assert after[3][7] != before[3][7]
    size = os.path.getsize(data / "a.csv")
    write(data / "a.csv", after)
    os.utime(data / "a.csv", ns=(mtime, mtime))
    assert os.path.getsize(data / "a.csv") == size
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full" and "1 file changed since the last run" in inc.run.reasons[0]

    _age(data / "a.csv")  # old now: recorded without a hash, compared by its time
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full"
    assert list(_recorded(state).values())[0][2] is None
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == []


def test_listing_a_uri_reads_no_file(tmp_path: Path, engine, spark_session) -> None:  # noqa: F811
    """Spark's binaryFile source opens a file only when `content` is selected: with a 1-byte content
    limit, a run whose files are all old (nothing to hash) lists, compares and reads as usual."""
    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = f"file://{data}/*.parquet", str(tmp_path / "state.duckdb")
    write(data / "a.parquet", rows()[:10])
    _age(data / "a.parquet")
    key = "spark.sql.sources.binaryFile.maxLength"
    spark_session.conf.set(key, "1")
    try:
        with pytest.raises(Exception, match="(?i)length|exceed|FAILED_READ_FILE"):  # the limit bites on content
            spark_session.read.format("binaryFile").load(source).select("content").collect()
        _runs(contract, source, state, engine)
        write(data / "b.parquet", rows()[10:])
        _age(data / "b.parquet")
        inc, _ = _runs(contract, source, state, engine)
        assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [f"file:{data}/b.parquet"]
    finally:
        spark_session.conf.unset(key)


def test_a_uri_spark_cannot_list_is_a_usage_error(tmp_path: Path, spark_session, capsys) -> None:  # noqa: F811
    from scaffolder.cli import main

    contract, state = _contract(tmp_path), tmp_path / "s.duckdb"
    args = ["test", str(contract), "--state", str(state), "--now", NOW, "--engine", "spark"]
    assert main([*args, "--data", "nosuchfs://bucket/orders/*.parquet"]) == 2
    err = capsys.readouterr().err
    assert "nosuchfs://bucket/orders/*.parquet: Spark cannot list its files for --state: " in err
    assert 'No FileSystem for scheme "nosuchfs"' in err and "Traceback" not in err and len(err.splitlines()) <= 2
    assert main([*args, "--data", f"file://{tmp_path}/none/*.parquet"]) == 2
    assert "PATH_NOT_FOUND" in capsys.readouterr().err
    assert not state.exists()

    (tmp_path / "data" / "day=1").mkdir(parents=True)
    write(tmp_path / "data" / "day=1" / "a.parquet", rows())
    assert main([*args, "--data", f"file://{tmp_path}/data", "--source-format", "parquet"]) == 2
    assert "a partitioned folder (partition columns day)" in capsys.readouterr().err

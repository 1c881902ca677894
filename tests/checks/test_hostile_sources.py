"""Data that is not ours: a `.duckdb` file whose views read our environment, files that hang a
reader (FIFO, symlink loops, 100,000 columns, a sparse 2 GB `.csv`), and names DuckDB misreads."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks import guards, sandbox
from scaffolder.checks.sources import SourceError, open_source
from tests.conftest import run_cli

TOKEN = "ghp_H2sEcReTtOkEn0123456789abcdef"
CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: d.t, domain: d, version: 1.0.0}
spec:
  owner: x@y.io
  schema:
    fields:
      - {name: id, type: string, constraints: {enum: [a]}}
"""
STEAL = (r"CREATE VIEW t AS SELECT regexp_extract(content, 'GITHUB_TOKEN=([^\x00]*)', 1) AS id "
         "FROM read_text('/proc/self/environ')")


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(CONTRACT)
    return path


def thief(folder: Path) -> Path:
    """A real DuckDB file with the issue's view: it reads the token out of /proc/self/environ."""
    path = folder / "dev.duckdb"
    con = duckdb.connect(str(path))
    con.execute(STEAL)
    con.close()
    return path


@pytest.mark.parametrize("fmt", ["markdown", "json", "text"])
def test_a_duckdb_view_cannot_read_our_environment(tmp_path: Path, contract: Path, fmt: str) -> None:
    thief(tmp_path)
    r = run_cli("test", "c.yaml", "--data", "dev.duckdb::main.t", "--format", fmt, "--samples", "3",
                cwd=tmp_path, env={"GITHUB_TOKEN": TOKEN})
    assert TOKEN not in r.out + r.err
    assert r.code == 2, r.out + r.err
    assert "/proc/self/environ" in r.err and "disabled by configuration" in r.err


def test_the_connection_stays_locked_after_the_source_is_attached(tmp_path: Path) -> None:
    data = tmp_path / "x.csv"
    data.write_text("id\na\n")
    con = sandbox.connect()
    open_source(con, str(data))
    assert con.execute("SELECT count(*) FROM __scaffolder_data").fetchone() == (1,)
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        con.execute("SELECT * FROM read_text('/etc/hostname')").fetchall()
    for setting in ("SET enable_external_access = true", "SET allowed_directories = ['/']",
                    "RESET lock_configuration", "SET autoinstall_known_extensions = true"):
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute(setting)


def test_a_sqlite_file_named_duckdb_downloads_nothing(tmp_path: Path, contract: Path) -> None:
    import sqlite3

    lite = sqlite3.connect(tmp_path / "lite.duckdb")
    lite.execute("CREATE TABLE t (id TEXT)")
    lite.commit()
    lite.close()
    r = run_cli("test", str(contract), "--data", f"{tmp_path / 'lite.duckdb'}::main.t")
    assert r.code == 2
    assert "lite.duckdb: cannot be opened" in r.err
    assert "download" not in r.err.lower() and "http" not in r.err.lower()


def test_a_fifo_is_refused_not_read(tmp_path: Path, contract: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    r = run_cli("test", str(contract), "--data", str(tmp_path / "pipe.csv"), timeout=60)
    assert r.code == 2
    assert "pipe.csv: is a FIFO (named pipe); only regular files are read as data" in r.err
    os.mkfifo(tmp_path / "pipe.duckdb")
    r = run_cli("test", str(contract), "--data", f"{tmp_path / 'pipe.duckdb'}::t", timeout=60)
    assert r.code == 2 and "is a FIFO" in r.err


def test_a_symlink_to_a_pseudo_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "env.csv").symlink_to("/proc/self/environ")
    with pytest.raises(SourceError, match="system pseudo-file"):
        open_source(sandbox.connect(), str(tmp_path / "env.csv"))


def test_symlink_loops_in_a_recursive_glob_end_quickly(tmp_path: Path) -> None:
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    for name in "abcdefgh":  # glob.glob would walk 8**39 paths here
        (d / name).symlink_to(".")
        (d / "sub" / name).symlink_to("..")
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 1 AS id) TO '{d / 'sub' / 'x.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT 2 AS id) TO '{d / 'y.parquet'}' (FORMAT parquet)")
    found = guards.data_files(f"{d}/**/*.parquet")
    assert sorted(os.path.realpath(f) for f in found) == [str(d / "sub" / "x.parquet"), str(d / "y.parquet")]
    assert len(found) == 2
    (tmp_path / "c.yaml").write_text(CONTRACT.replace("type: string, constraints: {enum: [a]}", "type: int"))
    r = run_cli("test", "c.yaml", "--data", "d/**/*.parquet", "--format", "json", cwd=tmp_path, timeout=60)
    assert r.code == 0, r.err
    assert '"rows": 2' in r.out


def test_glob_matches_what_glob_glob_finds_without_loops(tmp_path: Path) -> None:
    import glob

    for rel in ("a/1.csv", "a/b/2.csv", "a/b/c/3.csv", "a/.hidden/4.csv", "a/b/5.txt", "x.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("id\n1\n")
    for pattern in ("a/**/*.csv", "a/*/*.csv", "*.csv", "a/**", "a/b/[0-9].csv", "**/*.csv"):
        full = f"{tmp_path}/{pattern}"
        assert sorted(guards.expand(full)) == sorted(glob.glob(full, recursive=True)), pattern


@pytest.mark.parametrize(("name", "decoy"), [("data[1].parquet", "data1.parquet"), ("a?b.csv", "aXb.csv"),
                                            ("a*b.csv", "a-long-b.csv"), ("[x].csv", "x.csv")])
def test_a_file_named_like_a_glob_is_that_file(tmp_path: Path, name: str, decoy: str) -> None:
    """Not reported missing, and not swapped for the file the name matches as a pattern."""
    con = duckdb.connect()
    fmt = "parquet" if name.endswith(".parquet") else "csv"
    con.execute(f"COPY (SELECT 'a' AS id) TO '{tmp_path / name}' (FORMAT {fmt})")
    con.execute(f"COPY (SELECT 'decoy' AS id) TO '{tmp_path / decoy}' (FORMAT {fmt})")
    (tmp_path / "c.yaml").write_text(CONTRACT)
    for source in (name, str(tmp_path / name)):
        r = run_cli("test", "c.yaml", "--data", source, "--format", "json", cwd=tmp_path)
        assert r.code == 0, r.out + r.err  # the decoy's 'decoy' would fail the enum [a]


def test_a_csv_with_100000_columns_is_refused_at_once(tmp_path: Path, contract: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    r = run_cli("test", str(contract), "--data", str(wide), timeout=60)
    assert r.code == 2
    assert "the header has about 100,000 columns, more than the 10,000 scaffolder reads" in r.err


def test_a_wide_table_from_any_reader_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="10,001 columns, more than the 10,000"):
        guards.check_width("t.parquet", 10_001)
    guards.check_width("t.parquet", 10_000)


def test_a_sparse_2gb_csv_is_refused_at_once(tmp_path: Path, contract: Path) -> None:
    sparse = tmp_path / "sparse.csv"
    with sparse.open("wb") as fh:
        fh.write(b"id\n" + b"a\n" * 100_000)  # 200 kB of good rows, then a hole
        fh.truncate(2 * 1024**3)
    r = run_cli("test", str(contract), "--data", str(sparse), timeout=60)
    assert r.code == 2
    assert "sparse.csv: has a NUL byte at offset 1,073,709,056: not a text csv file" in r.err
    (tmp_path / "zeros.csv").write_bytes(b"\0" * 10)
    with pytest.raises(SourceError, match="NUL byte at offset 0"):
        guards.check_text(str(tmp_path / "zeros.csv"), "csv")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_columns_differing_only_in_case_are_named_not_reported_missing(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"d.{fmt}"
    if fmt == "csv":
        path.write_text("Amount,amount,id\n1.5,2.5,1\n")
    else:  # DuckDB itself cannot write the two names; Arrow can
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"Amount": [1.5], "amount": [2.5], "id": [1]}), path)
    (tmp_path / "c.yaml").write_text(CONTRACT.replace("{name: id, type: string, constraints: {enum: [a]}}",
                                                      "{name: amount, type: double}"))
    r = run_cli("test", "c.yaml", "--data", path.name, cwd=tmp_path)
    assert r.code == 2, r.out + r.err
    assert f"{path.name}: columns 'Amount' and 'amount' differ only in case" in r.err
    assert "missing" not in r.err


def test_a_headerless_csv_is_not_a_case_clash(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("x,X,1\ny,Y,2\n")  # DuckDB sees no header: the first row is data
    con = sandbox.connect()
    src = open_source(con, str(tmp_path / "d.csv"))
    assert list(src.columns) == ["column0", "column1", "column2"]


def test_a_case_clash_is_found_among_nested_columns(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    nested = pa.array([{"inner": {"deep": 1}, "x": 2}])
    pq.write_table(pa.table({"s": nested, "Amount": [1.5], "id": ["a"], "amount": [2.5]}), tmp_path / "n.parquet")
    with pytest.raises(SourceError, match="columns 'Amount' and 'amount' differ only in case"):
        open_source(sandbox.connect(), str(tmp_path / "n.parquet"))
    pq.write_table(pa.table({"s": nested, "Amount": [1.5], "amount_2": [2.5]}), tmp_path / "ok.parquet")
    src = open_source(sandbox.connect(), str(tmp_path / "ok.parquet"))
    assert list(src.columns) == ["s", "Amount", "amount_2"]


def test_folders_nested_too_deeply_for_a_glob(tmp_path: Path) -> None:
    """A folder 2,000 deep (legal on Linux) would exhaust Python's stack: a message, not exit 3.
    Scaled down here: 300 levels under a recursion limit of 250."""
    import sys

    deep = tmp_path / "d"
    os.makedirs(os.path.join(deep, *["a"] * 300))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(250)
    try:
        with pytest.raises(SourceError, match="nested too deeply"):
            guards.data_files(f"{deep}/**/*.csv")
    finally:
        sys.setrecursionlimit(limit)

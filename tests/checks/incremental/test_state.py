"""STATE's guarantees: a failed or killed run leaves it as it was; a changed contract, a changed or
deleted file and --full are detected and said; other engines and sources are a usage error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.incremental.state import State, StateError
from scaffolder.checks.run import parse_now, run_checks
from tests.checks.data import CONTRACT, NOW, rows
from tests.checks.incremental.support import results, write

NOW_TS = parse_now(NOW)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def table(tmp_path: Path) -> tuple[Path, str, str]:
    """The contract, a glob over data/ holding the first 10 test rows, and a STATE path (one run made)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "c.yaml").write_text(CONTRACT)
    write(tmp_path / "data" / "a.parquet", rows()[:10])
    source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
    first = run_incremental(tmp_path / "c.yaml", source, state, now=NOW_TS)
    assert first.run is not None and first.run.mode == "full"
    return tmp_path / "c.yaml", source, state


def dump(state: str) -> dict[str, list]:
    con = duckdb.connect(state, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: sorted(map(repr, con.execute(f'SELECT * FROM "{n}"').fetchall())) for n in names}
    finally:
        con.close()


def same_as_full(report, contract: Path, source: str) -> None:
    assert results(report) == results(run_checks(contract, source, now=NOW_TS))


def test_a_new_file_is_the_only_one_read(table) -> None:
    contract, source, state = table
    new = Path(source).parent / "b.parquet"
    write(new, rows()[10:])
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert report.run is not None and report.run.mode == "incremental" and report.run.read == [str(new)]
    assert report.rows == 20
    same_as_full(report, contract, source)
    again = run_incremental(contract, source, state, now=NOW_TS)
    assert again.run is not None and again.run.read == [] and results(again) == results(report)


def test_a_failed_run_leaves_state_as_it_was(table, monkeypatch) -> None:
    contract, source, state = table
    before = dump(state)
    write(Path(source).parent / "b.parquet", rows()[10:])

    def broken(*_a, **_k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(State, "record", broken)  # after every part has grown, before the commit
    with pytest.raises(RuntimeError):
        run_incremental(contract, source, state, now=NOW_TS)
    assert dump(state) == before


def test_a_killed_run_leaves_state_as_it_was(table) -> None:
    contract, source, state = table
    before = dump(state)
    write(Path(source).parent / "b.parquet", rows()[10:])
    script = (  # dies without any cleanup just before COMMIT, as kill -9 would
        "import os, sys\n"
        "from scaffolder.checks.incremental import state as s, run_incremental\n"
        "s.State.commit = lambda self: os._exit(9)\n"
        "run_incremental(sys.argv[1], sys.argv[2], sys.argv[3])\n")
    done = subprocess.run([sys.executable, "-c", script, str(contract), source, state], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert dump(state) == before
    report = run_incremental(contract, source, state, now=NOW_TS)  # and the next run picks up the new file
    assert report.run is not None and report.run.mode == "incremental"
    same_as_full(report, contract, source)


def test_a_changed_contract_rechecks_what_it_must(table) -> None:
    contract, source, state = table
    text = contract.read_text()
    changed = text.replace("value: {max_value: 10, strict_max: true}", "value: {max_value: 9, strict_max: true}")
    changed = changed.replace("{column: code, assertion: expect_column_values_to_not_be_null, threshold: 0.9}",
                              "{column: code, assertion: expect_column_values_to_not_be_null, threshold: 0.5}")
    changed += "      - {name: amount_upper, column: amount, assertion: expect_column_values_to_be_between, " \
               "value: {max_value: 50}}\n"
    assert changed.count("max_value: 9,") == 1
    contract.write_text(changed)
    write(Path(source).parent / "b.parquet", rows()[10:])
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert report.run is not None and report.run.mode == "incremental" and report.run.contract_changed
    # the changed bound and the new check read every file; a changed threshold needs nothing new, nor
    # the integer column's mean (its exact sum and count add up)
    assert set(report.run.every) == {"qty.strict", "amount_upper"}
    same_as_full(report, contract, source)


@pytest.mark.parametrize("how", ["deleted", "changed"])
def test_a_deleted_or_changed_file_forces_a_full_run(table, how: str) -> None:
    contract, source, state = table
    folder = Path(source).parent
    write(folder / "b.parquet", rows()[10:])
    run_incremental(contract, source, state, now=NOW_TS)
    if how == "deleted":
        (folder / "a.parquet").unlink()
    else:
        write(folder / "a.parquet", rows()[:9])
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert report.run is not None and report.run.mode == "full"
    assert report.run.reasons[0].startswith(f"1 file {how} since the last run")
    same_as_full(report, contract, source)


def test_full_reads_every_file(table) -> None:
    contract, source, state = table
    report = run_incremental(contract, source, state, full=True, now=NOW_TS)
    assert report.run is not None and report.run.mode == "full" and report.run.reasons == ["--full was given"]
    assert len(report.run.read) == 1


@pytest.mark.parametrize("ext", ["csv", "json", "ndjson"])
def test_text_files_too(tmp_path: Path, ext: str) -> None:
    (tmp_path / "c.yaml").write_text(CONTRACT)
    (tmp_path / "d").mkdir()
    source, state = str(tmp_path / "d" / f"*.{ext}"), str(tmp_path / "s.duckdb")
    write(tmp_path / "d" / f"a.{ext}", rows()[:10])
    run_incremental(tmp_path / "c.yaml", source, state, now=NOW_TS)
    write(tmp_path / "d" / f"b.{ext}", rows()[2:12])  # notes too: the same sniffed types
    report = run_incremental(tmp_path / "c.yaml", source, state, now=NOW_TS)
    assert report.run is not None and report.run.mode == "incremental", report.run.reasons
    same_as_full(report, tmp_path / "c.yaml", source)
    write(tmp_path / "d" / f"c.{ext}", rows()[12:])  # no note at all: JSON reads the column as another type
    report = run_incremental(tmp_path / "c.yaml", source, state, now=NOW_TS)
    assert report.run is not None
    if ext != "csv":
        assert report.run.mode == "full" and report.run.reasons[0].startswith("the new files' columns differ")
        assert "'note'" in report.run.reasons[0]
    same_as_full(report, tmp_path / "c.yaml", source)


def test_duplicate_samples_come_from_the_key_index(table) -> None:
    contract, source, state = table
    write(Path(source).parent / "b.parquet", rows()[10:] + rows()[:3])  # ids of a.parquet again
    report = run_incremental(contract, source, state, now=NOW_TS, samples=5)
    full = run_checks(contract, source, now=NOW_TS, samples=5)
    got = {c.id: c.samples for c in report.checks if c.assertion.endswith("unique")}
    assert got == {c.id: c.samples for c in full.checks if c.assertion.endswith("unique")}
    assert got["id.unique"] == ["A-000", "A-001", "A-002", "A-004"]


def test_someone_elses_database_is_refused(table, tmp_path: Path) -> None:
    contract, source, _ = table
    other = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE orders (id INT)")
    con.close()
    with pytest.raises(StateError, match="not a scaffolder state"):
        run_incremental(contract, source, str(other))
    assert dump(str(other)) == {"orders": []}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scaffolder", "test", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_reports_how_it_read(table) -> None:
    contract, source, state = table
    write(Path(source).parent / "b.parquet", rows()[10:])
    out = _cli(str(contract), "--data", source, "--state", state, "--now", NOW, "--format", "json")
    assert out.returncode == 1, out.stderr  # the test data has planted defects
    run = json.loads(out.stdout)["incremental"]
    assert run["mode"] == "incremental" and [Path(f).name for f in run["read"]] == ["b.parquet"]
    text = _cli(str(contract), "--data", source, "--state", state, "--now", NOW, "--full").stdout
    assert "full run: read all 2 files (--full was given)" in text
    md = _cli(str(contract), "--data", source, "--state", state, "--now", NOW, "--format", "markdown").stdout
    assert "incremental run: no new files of 2; results from STATE" in md


@pytest.mark.parametrize("extra, message", [
    (["--engine", "dbt"], "--state works with --engine duckdb or spark, not --engine dbt"),
    (["--source-format", "duckdb"], "names none: add `watermark: <field>` under spec.schema"),
    (["--engine", "spark", "--source-format", "delta"], "--state on Spark reads the new files of a Parquet, CSV"),
])
def test_cli_usage_errors(table, extra: list[str], message: str) -> None:
    contract, source, state = table
    out = _cli(str(contract), "--data", source, "--state", state, *extra)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_full_without_state_is_a_usage_error(table) -> None:
    contract, source, _ = table
    out = _cli(str(contract), "--data", source, "--full")
    assert out.returncode == 2 and "--full needs --state" in out.stderr



def test_the_connection_reads_only_the_source_and_state(table, tmp_path: Path, monkeypatch) -> None:
    from scaffolder.checks.engines.duckdb import DuckDBEngine

    contract, source, state = table
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    tried: list[str] = []
    prepare = DuckDBEngine.prepare

    def spy(self, checks):  # once the run has opened the data and STATE and locked the configuration
        prepare(self, checks)
        for sql in (f"SELECT * FROM read_text('{secret}')", "SET enable_external_access = true"):
            try:
                self.con.execute(sql)
            except duckdb.Error as exc:
                tried.append(type(exc).__name__)

    monkeypatch.setattr(DuckDBEngine, "prepare", spy)
    write(Path(source).parent / "b.parquet", rows()[10:])
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert len(tried) == 2 and report.rows == 20


def test_checks_that_cannot_run_report_what_a_full_run_reports(table) -> None:
    contract, source, state = table
    contract.write_text(contract.read_text() + (
        "      - {name: bad, column: code, assertion: expect_column_values_to_be_between, value: {min_value: 1}}\n"
        "      - {name: bad2, column: day, assertion: expect_column_values_to_be_between, "
        "value: {min_value: \"2024-13-45\"}}\n"))
    for rows_ in (rows()[10:15], rows()[15:]):  # the data error is not stored: every run reads it again
        write(Path(source).parent / f"{len(rows_)}-{rows_[0][0]}.parquet", rows_)
        report = run_incremental(contract, source, state, now=NOW_TS)
        same_as_full(report, contract, source)
        errors = {c.id: c.error for c in report.checks if c.id.startswith("bad")}
        assert errors["bad"].startswith("cannot be evaluated on this data: the data's VARCHAR values")
        assert errors["bad2"] == "bound '2024-13-45' is not a date or timestamp (ISO 8601)"
        assert report.run is not None and report.run.mode == "incremental" and "bad" in report.run.every


def test_a_state_in_use_is_a_usage_error(table) -> None:
    contract, source, state = table
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", state], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StateError, match="in use by another run"):
            run_incremental(contract, source, state)
    finally:
        holder.kill()
        holder.wait()


def test_a_sql_rule_runs_over_every_file_with_state(table) -> None:
    """An ODCS `sql` rule's query reads the whole table: every run gives it every file, and says so."""
    contract, source, state = table
    contract.write_text(contract.read_text() + "      - {name: negative, assertion: expect_sql_query_result, "
                        "value: {query: 'SELECT count(*) FROM {object} WHERE qty < 0', mustBe: 0}}\n"
                        "      - {name: few, assertion: expect_sql_query_result, "
                        "value: {query: 'SELECT count(*) FROM {object}', mustBeLessThan: 12}}\n")
    for rows_ in (rows()[:10], rows()[10:15], rows()[15:]):
        write(Path(source).parent / f"{len(rows_)}-{rows_[0][0]}.parquet", rows_)
        report = run_incremental(contract, source, state, now=NOW_TS)
        same_as_full(report, contract, source)
        few = next(c for c in report.checks if c.id.endswith("few"))
        assert few.observed == report.rows > len(rows_)  # every file, not only the new one
        assert report.run is not None and report.run.mode == "incremental"
        assert report.run.every[few.id] == "an ODCS sql rule's query reads the whole table"
    run = _cli(str(contract), "--data", source, "--state", state, "--format", "json")
    assert run.returncode in (0, 1), run.stdout + run.stderr


def test_a_key_index_keeps_its_text_keys_with_zstd(table) -> None:
    """The compression partials.create_sql chooses (checkpoints half as long as DuckDB's default)."""
    _, _, state = table
    con = duckdb.connect(state, read_only=True)
    try:
        keys = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'k\\_%' "
                                          "ESCAPE '\\'").fetchall()]
        assert keys
        for name in keys:
            kinds = {r[0] for r in con.execute(f"SELECT compression FROM pragma_storage_info('{name}') "
                                               "WHERE segment_type = 'VARCHAR'").fetchall()}
            assert kinds == {"ZSTD"}, (name, kinds)
    finally:
        con.close()


def test_a_duckdb_run_over_a_spark_state_removes_the_spark_key_segments(table) -> None:
    """A STATE Spark recorded (its key index: segments in STATE.spark/) that a DuckDB run records anew
    (a full run) leaves no segment behind."""
    contract, source, state = table
    con = duckdb.connect(state)
    con.execute("UPDATE scaffolder_state SET value = 'spark' WHERE key = 'engine'")
    con.execute("INSERT INTO scaffolder_state SELECT 'engine', 'spark' WHERE NOT EXISTS "
                "(SELECT 1 FROM scaffolder_state WHERE key = 'engine')")
    con.close()
    segment = Path(state + ".spark") / "k_0123456789abcdef" / "segment"
    segment.mkdir(parents=True)
    (segment / "part-0.parquet").write_bytes(b"PAR1")
    report = run_incremental(contract, source, state, now=NOW_TS)
    assert report.run is not None and report.run.reasons == ["STATE was recorded by --engine spark"]
    assert not Path(state + ".spark").exists()
    same_as_full(report, contract, source)


KEYS_CONTRACT = """apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: keys.many, domain: keys, version: 1.0.0}
spec:
  owner: team@company.io
  schema:
    type: parquet
    fields:
      - {name: id, type: string, constraints: {primary_key: true}}
"""


def test_a_key_index_is_kept_in_small_row_groups(tmp_path: Path) -> None:
    """STATE is attached with state.ROW_GROUP_SIZE: a batch of that many keys or more is written as whole
    row groups (not through the WAL and again at the checkpoint)."""
    from scaffolder.checks.incremental.state import ROW_GROUP_SIZE

    (tmp_path / "data").mkdir()
    (tmp_path / "c.yaml").write_text(KEYS_CONTRACT)
    con = duckdb.connect()
    for name, start, end in (("a", 0, 40_000), ("b", 40_000, 70_000)):
        con.execute(f"COPY (SELECT 'K' || (i % 69_999) AS id FROM range({start}, {end}) t(i)) "
                    f"TO '{tmp_path / 'data' / name}.parquet' (FORMAT parquet)")
        source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
        report = run_incremental(tmp_path / "c.yaml", source, state)
        assert report.run is not None and report.run.mode == ("full" if name == "a" else "incremental")
        assert results(report) == results(run_checks(tmp_path / "c.yaml", source))
    con.close()
    con = duckdb.connect(state, read_only=True)
    try:
        (table,) = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name "
                                               "LIKE 'k\\_%' ESCAPE '\\'").fetchall()]
        sizes = con.execute(f"SELECT max(count), count(DISTINCT row_group_id) FROM pragma_storage_info('{table}') "
                            "WHERE column_name = 'k0' AND segment_type = 'VARCHAR'").fetchone()
        assert sizes[0] <= ROW_GROUP_SIZE and sizes[1] >= 70_000 // ROW_GROUP_SIZE, sizes
        assert con.execute(f"SELECT sum(n) FROM {table} WHERE n > 1").fetchone()[0] == 2  # K0 twice
    finally:
        con.close()

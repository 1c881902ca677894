"""`--engine dbt`: the checks through a dbt profile's adapter, on dbt-duckdb and on a real PostgreSQL.

The counts are the hand-worked ones of tests/checks/data.py and the hostile
contract's of test_injection.py, on both adapters and in both ways of passing
contract values (bound through the adapter's cursor, or escaped literals).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scaffolder.checks import literals
from scaffolder.checks.run import parse_now, run_checks
from scaffolder.contract.validate import load_contract_text
from tests.checks import data
from tests.checks import test_injection as evil
from tests.checks.dbt_support import (
    PASSWORD,
    PASSWORD_ENV,
    duckdb_project,
    load_pg,
    pg_rows,
)
from tests.conftest import run_cli

MODES = [("duckdb", True), ("duckdb", False), ("postgres", True), ("postgres", False)]
PERCENT = "p%(p1)s%"  # a column name that psycopg2 would read as a parameter marker


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory, pg_warehouse: Any) -> dict[str, Any]:
    """The same tables on a DuckDB file and in a PostgreSQL database; a dbt project for each."""
    root = tmp_path_factory.mktemp("dbt")
    db = root / "wh.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA evil")
    data.make_table(con, "marts.orders")
    con.execute("CREATE TABLE evil.t AS SELECT 42 AS sentinel")
    names = [evil.DROP, evil.QUOTE, evil.SLASH, evil.NEWLINE, evil.UNICODE]
    cols = ", ".join('"' + n.replace('"', '""') + '" ' + ("INTEGER" if n == evil.UNICODE else "VARCHAR")
                     for n in names)
    con.execute(f"CREATE TABLE evil.data ({cols})")
    con.executemany("INSERT INTO evil.data VALUES (?, ?, ?, ?, ?)", evil.ROWS)
    con.close()

    dsn = pg_warehouse.dsn
    pg_rows_exec(dsn, "CREATE SCHEMA marts; CREATE SCHEMA evil; CREATE TABLE evil.t AS SELECT 42 AS sentinel")
    load_pg(dsn, "marts.orders", list(zip(data.COLUMNS, data.SQL_TYPES, strict=True)), data.rows())
    load_pg(dsn, "evil.data", [(n, "INTEGER" if n == evil.UNICODE else "VARCHAR") for n in names], evil.ROWS)
    load_pg(dsn, "marts.pct", [(PERCENT, "INTEGER")], [(1,), (7,), (None,)])
    return {"duckdb": duckdb_project(root / "duck", db), "postgres": pg_warehouse.project, "dsn": dsn, "db": db}


def pg_rows_exec(dsn: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(sql)


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def _run(warehouses: dict[str, Any], kind: str, bind: bool, contract: str, relation: str, **kw: Any) -> Any:
    c = load_contract_text(contract, "contract.yaml")
    return run_checks(c, relation, engine="dbt",
                      engine_options={"project_dir": str(warehouses[kind]), "bind": bind}, **kw)


@pytest.mark.parametrize(("kind", "bind"), MODES)
def test_counts_through_dbt_are_the_hand_worked_ones(warehouses: dict[str, Any], kind: str, bind: bool) -> None:
    report = _run(warehouses, kind, bind, data.CONTRACT, "marts.orders", now=parse_now(data.NOW))
    assert [(c.id, c.error) for c in report.checks if c.error] == []
    assert {c.id: (c.failed, c.total, c.passed) for c in report.checks} == data.EXPECTED
    assert report.rows == 20
    regex = next(c for c in report.checks if c.id == "code.pattern")
    assert ("POSIX" in regex.message) == (kind == "postgres")  # the regex dialect is said where it differs


@pytest.mark.parametrize(("kind", "bind"), MODES)
def test_hostile_contract_through_dbt_counts_and_touches_nothing(warehouses: dict[str, Any], kind: str,
                                                                 bind: bool) -> None:
    def state() -> Any:
        if kind == "postgres":
            return pg_rows(warehouses["dsn"], "SELECT (SELECT sentinel FROM evil.t), "
                           "(SELECT md5(string_agg(d::text, '|' ORDER BY d::text)) FROM evil.data d), "
                           "(SELECT count(*) FROM pg_tables WHERE schemaname = 'evil')")
        con = duckdb.connect(str(warehouses["db"]), read_only=True)
        try:
            return con.execute("SELECT (SELECT sentinel FROM evil.t), (SELECT count(*) FROM evil.data), "
                               "(SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'evil')").fetchall()
        finally:
            con.close()

    before = state()
    report = _run(warehouses, kind, bind, evil._contract(), "evil.data", samples=5)
    assert [c.error for c in report.checks if c.error] == []
    assert {c.id: (c.failed, c.total) for c in report.checks} == evil.EXPECTED
    samples = {c.id: c.samples for c in report.checks if not c.passed}
    assert sorted(samples[f"{evil.DROP}.enum"]) == ["EVIL", "evil"]
    assert samples[f"{evil.SLASH}.unique"] == ["x'); DELETE FROM t; --"]
    assert samples[f"{evil.QUOTE}.values_to_not_match_regex"] == ["'; DROP TABLE t; --"]
    assert state() == before
    assert before[0][0] == 42


@pytest.mark.parametrize("bind", [True, False])
def test_a_column_named_like_a_psycopg_marker_is_a_column(warehouses: dict[str, Any], bind: bool) -> None:
    contract = data.SMALL + ("  schema:\n    fields:\n"
                             f"      - {{name: '{PERCENT}', type: int, constraints: {{min: 0, max: 5}}}}\n")
    report = _run(warehouses, "postgres", bind, contract, "marts.pct")
    got = {c.id: (c.failed, c.total, c.error) for c in report.checks}
    assert got == {f"{PERCENT}.schema": (0, 1, None), f"{PERCENT}.min": (0, 2, None),
                   f"{PERCENT}.max": (1, 2, None)}


def test_the_session_is_read_only_on_postgres(warehouses: dict[str, Any]) -> None:
    from scaffolder.checks.engines.dbt import DbtEngine

    eng = DbtEngine(str(warehouses["postgres"]))
    try:
        eng.open("evil.t", None, [])
        with pytest.raises(eng.errors) as caught:
            eng.execute("DELETE FROM evil.t")
        assert "read-only" in str(caught.value)
        assert eng.execute("SELECT sentinel FROM evil.t") == [(42,)]
    finally:
        eng.close()


def test_cli_prints_only_the_report(warehouses: dict[str, Any], tmp_path: Path) -> None:
    contract = tmp_path / "orders.yaml"
    contract.write_text(data.CONTRACT)
    run = run_cli("test", str(contract), "--data", "marts.orders", "--engine", "dbt", "--dbt-project",
                  str(warehouses["postgres"]), "--target", "prod", "--now", data.NOW, "--format", "json",
                  env={PASSWORD_ENV: PASSWORD})
    assert run.code == 1, run.err
    report = json.loads(run.out)  # no dbt log line around it
    assert {c["id"]: (c["failed"], c["total"]) for c in report["checks"]} == {
        k: v[:2] for k, v in data.EXPECTED.items()}
    assert PASSWORD not in run.out + run.err


@pytest.mark.parametrize(("relation", "says"), [
    ("marts.nope", "no such relation"),
    ("marts.orders; DROP TABLE marts.orders", "is a relation of the target"),
    ('marts."orders"', "is a relation of the target"),
    ("a.b.c.d", "is a relation of the target"),
])
def test_a_bad_relation_is_a_source_error(warehouses: dict[str, Any], relation: str, says: str) -> None:
    from scaffolder.checks.guards import SourceError

    with pytest.raises(SourceError, match=says):
        _run(warehouses, "duckdb", True, data.CONTRACT, relation)


def test_usage_errors_are_exit_2_and_name_what_to_fix(warehouses: dict[str, Any], tmp_path: Path) -> None:
    from tests.checks.dbt_support import project

    contract = tmp_path / "orders.yaml"
    contract.write_text(data.CONTRACT)
    snow = project(tmp_path / "snow", "type: snowflake\naccount: x\nuser: u\npassword: p\ndatabase: d\n"
                                      "schema: s\nwarehouse: w")
    cases = [
        (["--engine", "dbt", "--dbt-project", str(snow)], "pip install dbt-snowflake"),
        (["--engine", "dbt", "--dbt-project", str(tmp_path / "none")], "no dbt_project.yml"),
        (["--target", "prod"], "apply only to --engine dbt"),
        (["--engine", "dbt", "--dbt-project", str(warehouses["duckdb"]), "--data", "marts.nope"], "no such relation"),
    ]
    for extra, says in cases:
        run = run_cli("test", str(contract), "--data", "marts.orders", *extra)
        assert run.code == 2 and says in run.err and "Traceback" not in run.err, (extra, run.err)


def test_an_unknown_target_is_a_usage_error(warehouses: dict[str, Any]) -> None:
    from scaffolder.checks.engines.dbt import DbtEngine
    from scaffolder.errors import UsageError

    with pytest.raises(UsageError, match="does not have a target named 'dev'"):
        DbtEngine(str(warehouses["duckdb"]), target="dev")


def test_a_missing_adapter_names_our_extra() -> None:
    from scaffolder.checks.engines.dbt import _missing_adapter

    assert "datamesh-scaffolder[postgres]" in str(_missing_adapter("postgres"))
    assert "datamesh-scaffolder[dbt]" in str(_missing_adapter("duckdb"))


HOSTILE = [evil.DROP, "it's", 'say "hi"', "back\\slash", "line\nbreak", "ünï✓", "$1", "?", "%(p1)s", "\\'; --"]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "redshift", "snowflake", "bigquery", "spark",
                                     "databricks", "trino"])
def test_literals_read_back_as_the_value(dialect: str) -> None:
    import sqlglot

    for text in HOSTILE:
        tree = sqlglot.parse_one(f"SELECT {literals.literal(text, dialect)} AS x", read=dialect)
        (value,) = tree.expressions
        assert value.this.name == text, (dialect, text)
    assert literals.literal(float("nan"), "postgres") == "CAST('NaN' AS DOUBLE PRECISION)"
    assert literals.literal(True, dialect) == "TRUE" and literals.literal(None, dialect) == "NULL"


def test_postgres_literals_are_right_whatever_standard_conforming_strings_says(warehouses: dict[str, Any]) -> None:
    import psycopg

    with psycopg.connect(warehouses["dsn"]) as con:
        for setting in ("on", "off"):
            con.execute(f"SET standard_conforming_strings = {setting}")
            got = con.execute("SELECT " + ", ".join(literals.literal(t, "postgres") for t in HOSTILE)).fetchone()
            assert list(got) == HOSTILE, setting


def test_env_vars_with_defaults_in_the_profile_render(warehouses: dict[str, Any], tmp_path: Path) -> None:
    from tests.checks.dbt_support import project

    proj = project(tmp_path / "p", "type: duckdb\npath: \"{{ env_var('SCAFFOLDER_TEST_WH', 'nowhere.duckdb') }}\"")
    contract = tmp_path / "orders.yaml"
    contract.write_text(data.CONTRACT)
    run = run_cli("test", str(contract), "--data", "marts.orders", "--engine", "dbt", "--dbt-project", str(proj),
                  "--now", data.NOW, env={"SCAFFOLDER_TEST_WH": str(warehouses["db"])})
    assert run.code == 1 and "checks on 20 rows" in run.out, run.err


def test_an_re2_regex_postgres_cannot_run_is_said_in_our_words(warehouses: dict[str, Any]) -> None:
    contract = data.SMALL + ("  schema:\n    fields:\n"  # a named group: RE2 has them, POSIX regexes do not
                             "      - {name: code, type: string, constraints: {pattern: '^(?P<two>[A-Z]{2})-'}}\n")
    report = _run(warehouses, "postgres", True, contract, "marts.orders")
    (check,) = [c for c in report.checks if c.id == "code.pattern"]
    assert check.error == "cannot be evaluated on this data: the regex is not valid in this warehouse's regex dialect"
    assert check.detail and "regular expression" in check.detail
    duck = _run(warehouses, "duckdb", True, contract, "marts.orders")  # RE2 runs it
    assert [c.error for c in duck.checks if c.id == "code.pattern"] == [None]

"""`--print-sql`: every printed statement parses in its dialect; no DuckDB-only function leaks;
Snowflake's anchored REGEXP_LIKE is never used for an unanchored contract regex."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from scaffolder.checks.dialects import DIALECTS
from scaffolder.checks.print_sql import statements
from scaffolder.contract.validate import load_contract_text
from tests.checks.data import CONTRACT
from tests.checks.dbt_support import duckdb_project
from tests.checks.engines.nasty import contract_text
from tests.conftest import ROOT, run_cli

DUCKDB_ONLY = ("count_if", "regexp_matches", "fsum", "epoch_us", "isfinite")
CONTRACTS = {"orders": CONTRACT, "nasty": contract_text()}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_statement_parses_in_its_dialect(dialect: str, name: str) -> None:
    contract = load_contract_text(CONTRACTS[name], "c.yaml")
    printed = statements(contract, dialect, "cat.sch.orders")
    assert len(printed) == 2  # the scan and the uniqueness pass
    for stmt in printed:
        tree = sqlglot.parse_one(stmt.sql, read=dialect)
        assert isinstance(tree, exp.Select)
        if dialect != "duckdb":
            called = {f.sql_name().lower() for f in tree.find_all(exp.Func)}
            anon = {f.name.lower() for f in tree.find_all(exp.Anonymous)}
            assert not (called | anon) & set(DUCKDB_ONLY), (dialect, (called | anon) & set(DUCKDB_ONLY))
            assert not re.search(r"\b(" + "|".join(DUCKDB_ONLY) + r")\(", stmt.sql, re.I)


def test_snowflake_regex_stays_unanchored() -> None:
    contract = load_contract_text(CONTRACT, "c.yaml")
    (main, _) = statements(contract, "snowflake")
    tree = sqlglot.parse_one(main.sql, read="snowflake")
    assert not list(tree.find_all(exp.RegexpLike))  # REGEXP_LIKE matches the whole value
    instr = [f for f in tree.find_all(exp.Anonymous, exp.Func) if f.sql_name().upper() == "REGEXP_INSTR"
             or getattr(f, "name", "").upper() == "REGEXP_INSTR"]
    assert len(instr) == 4  # code.pattern, hashed.masking, the id and code regex checks
    assert "REGEXP_INSTR(\"code\", ?) > 0" in main.sql
    assert "^C" in main.params  # the contract's unanchored regex is passed as written


@pytest.mark.parametrize(("dialect", "marker"), [("duckdb", "$1"), ("spark", ":p1"), ("postgres", "%(p1)s"),
                                                  ("snowflake", "?"), ("bigquery", "@p1"), ("trino", "?")])
def test_parameter_markers_per_dialect(dialect: str, marker: str) -> None:
    contract = load_contract_text(CONTRACT, "c.yaml")
    main = statements(contract, dialect)[0]
    assert marker in main.sql
    named = isinstance(main.params, dict)
    assert named is (dialect in ("spark", "postgres", "bigquery"))


def test_cli_prints_without_reading_data(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(CONTRACT)
    run = run_cli("test", str(path), "--print-sql", "--dialect", "spark", "--data", "lake.shop.orders")
    assert run.code == 0, run.err
    printed, sql = [], []
    for line in run.out.splitlines():
        if line.startswith("-- parameters: "):
            printed.append(("\n".join(sql).rstrip().removesuffix(";"), json.loads(line.removeprefix("-- parameters: "))))
            sql = []
        else:
            sql.append(line)
    assert len(printed) == 2 and not "".join(sql).strip()
    for text, _ in printed:
        assert "FROM `lake`.`shop`.`orders`" in text
        sqlglot.parse_one(text, read="spark")
    assert printed[0][1]["p1"] == 6  # the first value: code's min_length


@pytest.mark.parametrize(("engine", "package", "extra"), [("spark", "pyspark", "spark"), ("dbt", "dbt", "dbt")])
def test_a_missing_engine_extra_is_a_usage_error(tmp_path: Path, engine: str, package: str, extra: str) -> None:
    """Without its package, `--engine NAME` exits 2 naming the extra (a shim package that fails to import)."""
    shim = tmp_path / "shim" / package
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(f"raise ImportError('No module named {package}', name='{package}')\n")
    path = tmp_path / "c.yaml"
    path.write_text(CONTRACT)
    more = ["--dbt-project", str(duckdb_project(tmp_path / "dbt", tmp_path / "wh.duckdb"))] if engine == "dbt" else []
    run = run_cli("test", str(path), "--data", "marts.orders", "--engine", engine, *more,
                  env={"PYTHONPATH": f"{shim.parent}:{ROOT}"})
    assert run.code == 2, run.err
    assert f"needs the {extra} extra: pip install 'datamesh-scaffolder[{extra}]'" in run.err
    assert f"({package} is not installed)" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_identifiers_round_trip_in_every_dialect(dialect: str) -> None:
    for name in ["'; DROP TABLE t; --", 'quo"te', "back`tick`", "new\nline", "ünï✓", "back\\slash", "$1"]:
        tree = sqlglot.parse_one(f"SELECT {DIALECTS[dialect].ident(name)} FROM t", read=dialect)
        (column,) = list(tree.find_all(exp.Column))
        assert column.name == name, (dialect, name)


@pytest.mark.parametrize(("extra", "says"), [
    (["--spark-remote", "sc://localhost:15002"], "--spark-remote applies only to --engine spark"),
    (["--engine", "dbt", "--spark-master", "local[2]"], "--spark-master applies only to --engine spark"),
    (["--engine", "spark", "--spark-master", "local[2]", "--spark-remote", "sc://h:1"], "exclude each other"),
])
def test_another_engines_option_is_a_usage_error(tmp_path, extra, says) -> None:
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT)
    run = run_cli("test", str(contract), "--data", str(tmp_path / "x.parquet"), *extra)
    assert run.code == 2 and says in run.err and "Traceback" not in run.err, run.err

"""ODCS `sql` quality rules run as written on every engine, read-only, on the checked data alone;
`custom` and `text` rules are listed as not run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from scaffolder.checks.results import NOT_RUN
from scaffolder.contract.validate import load_contract_text
from tests.checks.engines.conftest import Runner

SECRET = "s3cr3t-token-value"
ODCS = """\
apiVersion: v3.1.0
kind: DataContract
id: shop
name: shop
version: 1.0.0
status: active
domain: shop
team: {name: team-shop@example.com}
slaProperties: [{property: availability, value: 99.9, unit: percent}]
schema:
  - name: orders
    physicalType: table
    quality:
      - {type: sql, name: negatives, query: "SELECT count(*) FROM ${object} WHERE amount < 0", mustBe: 2}
      - {type: sql, name: few, query: "SELECT COUNT(*) FROM {object}", mustBeBetween: [1, 5]}
      - {type: sql, name: some, query: "SELECT count(*) FROM ${object}", mustNotBe: 0}
      - {type: text, description: Reconciled nightly.}
      - {type: custom, engine: soda, implementation: "checks for orders: [row_count > 0]"}
%(hostile)s
    properties:
      - {name: id, logicalType: integer, required: true}
      - name: amount
        logicalType: number
        quality:
          - {type: sql, name: top, query: "SELECT max(${property}) FROM ${object}", mustBeLessThan: 10}
      - name: label
        logicalType: string
        quality:
          - {type: sql, name: prefixed, query: "SELECT count(*) FROM ${object} WHERE {property} LIKE 'n%%'",
             mustBeGreaterOrEqualTo: 10}
"""


def _line(text: str) -> int:
    return next(i for i, line in enumerate(ODCS.splitlines(), start=1) if text in line)


def _data(folder: Path) -> Path:
    out = folder / "orders.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT range AS id, range * 1.5 - 3 AS amount, 'n' || range AS label FROM range(10)) "
                f"TO '{out}' (FORMAT parquet)")
    (folder / "secret.csv").write_text(f"token\n{SECRET}\n")
    return out


def _run(engine: Runner, tmp_path: Path, hostile: list[str]) -> tuple[dict, list]:
    rules = "\n".join(f"      - {{type: sql, name: h{i}, query: {json.dumps(q)}, mustBe: 0}}"
                       for i, q in enumerate(hostile))
    contract = load_contract_text(ODCS % {"hostile": rules}, str(tmp_path / "shop.odcs.yaml"))
    data = tmp_path / "orders.parquet"
    report = engine.run(contract, str(data if data.exists() else _data(tmp_path)), samples=3)
    return {c.id: c for c in report.checks}, report.warnings


def test_sql_rules_run_as_written(engine: Runner, tmp_path: Path) -> None:
    got, warnings = _run(engine, tmp_path, [])
    passed = {k: (c.passed, c.observed, c.error) for k, c in got.items() if c.assertion == "expect_sql_query_result"}
    assert passed == {"negatives": (True, 2, None), "few": (False, 10, None), "some": (True, 10, None),
                      "top": (False, 10.5, None), "prefixed": (True, 10, None)}, passed
    assert got["few"].message == "query result 10, expected between 1 and 5"
    assert got["top"].column == "amount" and got["top"].location.line == _line("name: top")
    # the text and custom rules: listed at their lines, not run
    assert [(w.rule, w.location.line) for w in warnings] == [(NOT_RUN, _line("type: text")),
                                                             (NOT_RUN, _line("type: custom"))]
    assert "'soda'" in warnings[1].message


HOSTILE = [
    "SELECT count(*) FROM ${object}; DROP TABLE t",  # a second statement
    "DELETE FROM ${object}",  # not a SELECT
    "SELECT count(*) FROM read_csv('%(secret)s') WHERE token = '" + SECRET + "' OR true",  # another file
    "SELECT count(*) FROM '%(secret)s'",  # another file, DuckDB's shorthand
    "SELECT java_method('java.lang.System', 'getenv', 'HOME')",  # Spark: any static Java method
    "SELECT count(*) FROM orders",  # a table other than the checked data
    "SELECT id FROM ${object}",  # many values
    "SELEC 1",
]


def test_hostile_queries_are_refused_or_fail_located(engine: Runner, tmp_path: Path) -> None:
    before = hashlib.sha256(_data(tmp_path).read_bytes()).hexdigest()
    secret = str(tmp_path / "secret.csv")
    got, _ = _run(engine, tmp_path, [q.replace("%(secret)s", secret) for q in HOSTILE])
    for i in range(len(HOSTILE)):
        c = got[f"h{i}"]
        assert not c.passed and c.error, (i, c)
        assert c.error.startswith(("refused: ", "the query failed: ", "the query returned ")), (i, c.error)
        assert c.observed is None and c.location.line == _line("%(hostile)s") + i, (i, c.location)
    assert "2 statements" in got["h0"].error and "DELETE" in got["h1"].error
    assert got["h6"].error.startswith("the query returned 10 row(s)")
    # the data is untouched and the rules that may run still ran
    assert hashlib.sha256((tmp_path / "orders.parquet").read_bytes()).hexdigest() == before
    assert got["negatives"].passed and got["some"].observed == 10
    refused = (2, 3, 5) if engine.name == "duckdb" else (2, 3, 4, 5)  # DuckDB has no java_method at all
    assert all(got[f"h{i}"].error.startswith("refused: ") for i in refused), {i: got[f"h{i}"].error for i in refused}
    assert all(SECRET not in (c.error or "") + (c.message or "") for c in got.values())


def test_a_duckdb_database_source_lends_no_other_table(tmp_path: Path) -> None:
    """`FILE.duckdb::main.orders`: the query may read the orders table, not the file's other tables."""
    from scaffolder.checks.run import run_checks

    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE orders AS SELECT * FROM read_parquet('{_data(tmp_path)}')")
    con.execute(f"CREATE TABLE secrets AS SELECT '{SECRET}' AS token")
    con.close()
    queries = ["SELECT max(token) FROM __scaffolder_src.main.secrets", "SELECT max(token) FROM main.secrets", "SELECT max(token) FROM secrets",
               "SELECT (SELECT max(token) FROM shop.main.secrets)", "SELECT count(*) FROM query_table('secrets')",
               "SELECT count(*) FROM ${object} WHERE label IN (SELECT token FROM secrets)"]
    rules = "\n".join(f"      - {{type: sql, name: h{i}, query: {json.dumps(q)}, mustBe: 0}}" for i, q in enumerate(queries))
    contract = load_contract_text(ODCS % {"hostile": rules}, str(tmp_path / "shop.odcs.yaml"))
    got = {c.id: c for c in run_checks(contract, f"{db}::main.orders").checks}
    for i in range(len(queries)):
        assert got[f"h{i}"].error and got[f"h{i}"].error.startswith("refused: "), (i, got[f"h{i}"].error)
        assert SECRET not in got[f"h{i}"].error
    assert got["negatives"].passed and got["few"].observed == 10  # the table itself is read


def test_validate_refuses_a_threshold_and_a_property_without_column() -> None:
    from scaffolder.contract.validate import validate_text

    rules = ("      - {type: sql, name: bad, query: 'SELECT max({property}) FROM {object}', mustBe: 0}\n"
             "      - {type: custom, engine: datamesh-scaffolder, implementation: {assertion: expect_sql_query_result,"
             " threshold: 0.5, value: {query: 'SELECT 1', mustBe: 1}}}")
    text = ODCS % {"hostile": rules}
    errors = [f.text() for f in validate_text(text, "c.odcs.yaml").findings if f.severity.value == "error"]
    line = _line("%(hostile)s")
    assert errors == [f"c.odcs.yaml:{line}:9: the query names {{property}} but the check has no column [invalid-check]",
                      f"c.odcs.yaml:{line + 1}:9: expect_sql_query_result has no threshold: its operators say "
                      "what passes [invalid-check]"], errors


def test_cli_reports_sql_rules_located_and_lists_what_it_does_not_run(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    data = _data(tmp_path)
    rules = "      - {type: sql, name: twice, query: \"SELECT 1; SELECT 2\", mustBe: 1}"
    contract = tmp_path / "shop.odcs.yaml"
    contract.write_text(ODCS % {"hostile": rules})
    r = run_cli("test", str(contract), "--data", str(data))
    assert r.code == 1 and "Traceback" not in r.out + r.err
    line = _line("%(hostile)s")
    assert f"{contract}:{line}:9: twice: refused: the query holds 2 statements" in r.out, r.out
    assert f"{contract}:{_line('name: few')}:9: few: query result 10, expected between 1 and 5" in r.out
    assert f"{contract}:{_line('type: custom')}:9: info: ODCS custom quality rule is not run" in r.out
    r = run_cli("test", str(contract), "--data", str(data), "--format", "json")
    report = json.loads(r.out)
    assert [w["rule"] for w in report["warnings"]] == [NOT_RUN, NOT_RUN]
    assert {c["id"]: c["passed"] for c in report["checks"] if c["assertion"] == "expect_sql_query_result"} == {
        "negatives": True, "few": False, "some": True, "twice": False, "top": False, "prefixed": True}
    md = run_cli("test", str(contract), "--data", str(data), "--format", "markdown").out
    assert "- info: ODCS custom quality rule is not run" in md and "- warning: ODCS" not in md  # its own level


def test_explain_and_diff_read_query_checks(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    old = tmp_path / "old.odcs.yaml"
    old.write_text(ODCS % {"hostile": ""})
    r = run_cli("explain", str(old))
    line = next(ln for ln in r.out.splitlines() if "WHERE amount < 0" in ln)
    assert r.code == 0 and line.strip() == (
        "table: expect_sql_query_result(query=SELECT count(*) FROM ${object} WHERE amount < 0, mustBe=2)")
    new = tmp_path / "new.odcs.yaml"
    new.write_text(old.read_text().replace("mustBeLessThan: 10", "mustBeLessThan: 20")
                   .replace("amount < 0", "amount <= 0").replace("version: 1.0.0", "version: 2.0.0"))
    r = run_cli("diff", str(old), str(new), "--format", "json")
    changes = {(c["rule"], c["bump"]) for c in json.loads(r.out)["contracts"][0]["changes"]}
    assert changes == {("check-changed", "major"), ("check-loosened", "major")}, r.out

"""Exact failed/total for every check and every assertion, on every source format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scaffolder.checks.run import parse_now, run_checks
from scaffolder.checks.uniqueness import DuplicatePlan
from scaffolder.contract.validate import load_contract_text
from tests.checks.data import CONTRACT, EXPECTED, NOW, SMALL, copy_to, write_all

FORMATS = ["parquet", "csv", "json", "ndjson", "glob", "duckdb", "delta", "iceberg"]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return write_all(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("contract") / "orders.yaml"
    path.write_text(CONTRACT)
    return load_contract_text(CONTRACT, str(path))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_check_counts_exactly(fmt: str, sources: dict[str, str], contract) -> None:
    report = run_checks(contract, sources[fmt], now=parse_now(NOW))
    got = {c.id: (c.failed, c.total, c.passed) for c in report.checks}
    errors = {c.id: c.error for c in report.checks if c.error}
    assert errors == {}
    assert got == EXPECTED
    assert report.rows == 20
    assert not report.ok
    assert report.warnings == []


def test_format_is_detected(sources: dict[str, str], contract) -> None:
    formats = {fmt: run_checks(contract, sources[fmt], now=parse_now(NOW)).format for fmt in FORMATS}
    assert formats == {"parquet": "parquet", "csv": "csv", "json": "json", "ndjson": "ndjson", "glob": "parquet",
                       "duckdb": "duckdb", "delta": "delta", "iceberg": "iceberg"}


def test_source_format_override(sources: dict[str, str], contract, tmp_path: Path) -> None:
    odd = tmp_path / "export.data"
    odd.write_bytes(Path(sources["parquet"]).read_bytes())
    report = run_checks(contract, str(odd), now=parse_now(NOW), source_format="parquet")
    assert {c.id: (c.failed, c.total, c.passed) for c in report.checks} == EXPECTED


def test_iceberg_table_folder_without_catalog(sources: dict[str, str], contract) -> None:
    from pyiceberg.catalog.sql import SqlCatalog

    uri, _, name = sources["iceberg"].rpartition("::")
    table = SqlCatalog("test", uri=uri).load_table(name)
    folder = table.location().removeprefix("file://")
    report = run_checks(contract, folder, now=parse_now(NOW))
    assert report.format == "iceberg"
    assert {c.id: (c.failed, c.total, c.passed) for c in report.checks} == EXPECTED


def test_failed_checks_become_located_findings(sources: dict[str, str], contract) -> None:
    report = run_checks(contract, sources["parquet"], now=parse_now(NOW))
    findings = {f.data["check"]: f for f in report.findings()}
    assert set(findings) == {k for k, v in EXPECTED.items() if not v[2]}
    enum = findings["status.enum"]
    assert enum.rule == "check-failed"
    lines = CONTRACT.splitlines()
    assert "enum" in lines[enum.location.line - 1]
    assert enum.location.path.endswith("orders.yaml")
    assert enum.text().startswith(f"{enum.location.path}:{enum.location.line}:")
    quality = findings["status.values_to_be_in_set"]
    assert "expect_column_values_to_be_in_set" in lines[quality.location.line - 1]
    assert findings["sla.freshness" if "sla.freshness" in findings else "at_least_21"].product == "shop.orders"


def test_thresholds_follow_mostly(sources: dict[str, str], tmp_path: Path) -> None:
    """qty between 1..10 fails 2 of 20 rows: 0.9 passes exactly, 0.91 does not."""
    def run(threshold: float) -> bool:
        text = CONTRACT.replace("threshold: 0.9, value: {min_value: 1, max_value: 10}",
                                f"threshold: {threshold}, value: {{min_value: 1, max_value: 10}}")
        report = run_checks(load_contract_text(text, "c.yaml"), sources["parquet"], now=parse_now(NOW))
        return next(c for c in report.checks if c.id == "qty.values_to_be_between").passed

    assert run(0.9) is True
    assert run(0.91) is False
    assert run(0.0) is True


@pytest.mark.parametrize(("now", "fresh"), [
    ("2024-03-02T08:00:00Z", True),  # exactly 1h after the latest ts (07:00 UTC)
    ("2024-03-02T08:00:01Z", False),
    ("2024-03-02T09:00:00+01:00", True),  # the same instant as 08:00Z
    ("2024-03-02T08:00:00", True),  # no offset: UTC
    ("2024-03-01T00:00:00Z", True),  # data from the future is not stale
])
def test_freshness_with_fixed_clock(now: str, fresh: bool, sources: dict[str, str], contract) -> None:
    report = run_checks(contract, sources["parquet"], now=parse_now(now))
    check = next(c for c in report.checks if c.id == "sla.freshness")
    assert check.passed is fresh
    assert check.observed["latest"] == "2024-03-02T07:00:00+00:00"


def test_freshness_reads_naive_timestamps_in_the_stated_zone(sources: dict[str, str]) -> None:
    """ts holds 07:00 wall-clock in Paris (06:00 UTC in March): fresh until 07:00 UTC."""
    text = CONTRACT.replace("{nullable: false, timezone: UTC}", "{nullable: false, timezone: Europe/Paris}")
    contract = load_contract_text(text, "c.yaml")
    at = {now: next(c for c in run_checks(contract, sources["parquet"], now=parse_now(now)).checks
                    if c.id == "sla.freshness").passed
          for now in ("2024-03-02T07:00:00Z", "2024-03-02T07:00:01Z")}
    assert at == {"2024-03-02T07:00:00Z": True, "2024-03-02T07:00:01Z": False}


def test_freshness_on_timestamptz(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "tz.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"COPY (SELECT TIMESTAMPTZ '2024-05-01 10:00:00+02' AS ts) TO '{path}' (FORMAT parquet)")
    text = SMALL + """\
  sla: {freshness: 30m}
  schema:
    fields:
      - {name: ts, type: timestamp_tz, constraints: {min: "2024-05-01T08:00:00Z", max: "2024-05-01T09:59:59"}}
"""
    contract = load_contract_text(text, "tz.yaml")
    report = run_checks(contract, str(path), now=dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC))
    got = {c.id: (c.failed, c.total, c.passed) for c in report.checks}
    # 10:00+02 is 08:00Z: within min (inclusive); the naive max is read as UTC 09:59:59.
    assert got == {"ts.schema": (0, 1, True), "ts.min": (0, 1, True), "ts.max": (0, 1, True),
                   "sla.freshness": (0, 1, True)}
    late = run_checks(contract, str(path), now=dt.datetime(2024, 5, 1, 8, 30, 1, tzinfo=dt.UTC))
    assert not next(c for c in late.checks if c.id == "sla.freshness").passed


def test_zero_rows_pass_per_row_checks_but_not_aggregates(tmp_path: Path) -> None:
    """Per-row checks pass on zero rows; min/max/mean of no values have nothing to compare (GE fails them)."""
    import duckdb

    from tests.checks.data import make_table

    con = duckdb.connect()
    make_table(con)
    path = tmp_path / "empty.parquet"
    con.execute(f"COPY (SELECT * FROM t WHERE false) TO '{path}' (FORMAT parquet)")
    report = run_checks(load_contract_text(CONTRACT, "c.yaml"), str(path), now=parse_now(NOW))
    failing = {c.id for c in report.checks if not c.passed}
    assert failing == {"row_count_to_be_between", "at_least_21", "sla.freshness", "amount.min_to_be_between",
                       "amount.max_to_be_between", "qty.mean_to_be_between"}
    assert report.rows == 0
    totals = {c.id: (c.failed, c.total) for c in report.checks if c.source in ("constraint", "quality")}
    assert totals["id.not_null"] == (0, 0) and totals["amount.min_to_be_between"] == (1, 1)
    mean = next(c for c in report.checks if c.id == "qty.mean_to_be_between")
    assert mean.message.startswith("no non-null values")


@pytest.fixture(params=["hash({})", "hash({}) % 3", "0"], ids=["hash", "colliding-hash", "one-hash-for-all"])
def digest(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Text keys are grouped by hash first: a hash that collides must not change any count."""
    monkeypatch.setattr(DuplicatePlan, "HASH", request.param)
    return str(request.param)


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_single_key_duplicate_groups_count_every_member(ext: str, digest: str, tmp_path: Path) -> None:
    """k: a x3, b x2, c, null x2 -> 5 of 6 non-null values are duplicated."""
    path = tmp_path / f"k.{ext}"
    copy_to(path, "SELECT * FROM (VALUES ('a'), ('b'), ('a'), (NULL), ('c'), ('b'), ('a'), (NULL)) v(k)")
    text = SMALL + """\
  schema:
    fields:
      - {name: k, type: string, constraints: {unique: true}}
"""
    report = run_checks(load_contract_text(text, "k.yaml"), str(path), samples=5)
    unique = next(c for c in report.checks if c.id == "k.unique")
    assert (unique.failed, unique.total, unique.passed) == (5, 6, False)
    assert unique.samples == ["a", "b"]  # the largest group first


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_compound_keys_count_every_member_where_the_leading_key_repeats_or_is_null(ext: str, digest: str,
                                                                                     tmp_path: Path) -> None:
    """(a, b) next to a unique `a`: grouped only among rows whose `a` repeats or is null.

    a: p x3, q, null x4. (a, b): (null, x) x2 and (p, y) x2 repeat; (null, null) x2 is all null
    and ignored. (a, c): only (null, 1) repeats, although `p` does too. (b, c) has no leading
    key and is grouped over every row: (x, 1) repeats.
    """
    path = tmp_path / f"ab.{ext}"
    copy_to(path, "SELECT * FROM (VALUES (NULL, 'x', 1), ('p', 'y', 1), (NULL, 'x', 1), (NULL, NULL, NULL), "
            "('p', 'y', 2), ('q', 'z', 1), (NULL, NULL, NULL), ('p', 'w', 3)) v(a, b, c)")
    text = SMALL + """\
  schema:
    fields:
      - {name: a, type: string, constraints: {unique: true}}
      - {name: b, type: string}
      - {name: c, type: int}
  quality:
    checks:
      - {assertion: expect_compound_columns_to_be_unique, name: ab, value: {column_list: [a, b]}}
      - {assertion: expect_compound_columns_to_be_unique, name: ac, value: {column_list: [a, c]}}
      - {assertion: expect_compound_columns_to_be_unique, name: bc, value: {column_list: [b, c]}}
"""
    report = run_checks(load_contract_text(text, "ab.yaml"), str(path), samples=5)
    got = {c.id: (c.failed, c.total, c.passed) for c in report.checks if c.source != "schema"}
    assert got == {"a.unique": (3, 4, False), "ab": (4, 6, False), "ac": (2, 6, False), "bc": (2, 6, False)}
    by_id = {c.id: c for c in report.checks}
    assert by_id["ab"].samples == [["p", "y"], [None, "x"]]  # equal sizes: by key, nulls last
    assert by_id["ac"].samples == [[None, 1]] and by_id["bc"].samples == [["x", 1]]


def test_a_lone_compound_key_of_text_is_hashed_and_counted_exactly(digest: str, tmp_path: Path) -> None:
    """(a, b) alone: grouped by hash(a, b) first; (x, 1) x3 and (null, 2) x2 repeat, (null, null) is ignored."""
    path = tmp_path / "ab.parquet"
    copy_to(path, "SELECT * FROM (VALUES ('x', 1), ('x', 1), ('y', 1), (NULL, 2), ('x', 1), (NULL, 2), "
            "(NULL, NULL), (NULL, NULL), ('x', 2)) v(a, b)")
    text = SMALL + """\
  schema:
    fields:
      - {name: a, type: string}
      - {name: b, type: int}
  quality:
    checks:
      - {assertion: expect_compound_columns_to_be_unique, name: ab, value: {column_list: [a, b]}}
"""
    report = run_checks(load_contract_text(text, "ab.yaml"), str(path), samples=5)
    ab = next(c for c in report.checks if c.id == "ab")
    assert (ab.failed, ab.total, ab.passed) == (5, 7, False)
    assert ab.samples == [["x", 1], [None, 2]]


def test_a_check_duckdb_rejects_does_not_sink_the_others(sources: dict[str, str]) -> None:
    """A numeric bound on a string column cannot run: that check reports an error, the rest still count."""
    text = CONTRACT.replace("      - {column: code, assertion: expect_column_values_to_match_regex",
                            "      - {column: code, name: bad, assertion: expect_column_values_to_be_between, "
                            "value: {min_value: 5}}\n      - {column: code, assertion: expect_column_values_to_match_regex")
    report = run_checks(load_contract_text(text, "c.yaml"), sources["parquet"], now=parse_now(NOW))
    bad = next(c for c in report.checks if c.id == "bad")
    assert bad.error and not bad.passed and bad.failed is None
    assert {c.id: (c.failed, c.total, c.passed) for c in report.checks if c.id != "bad"} == EXPECTED
    assert "bad" in {f.data["check"] for f in report.findings()}


def test_seed_contract_against_a_dbt_built_duckdb_table(tmp_path: Path) -> None:
    """What the Action does after `dbt build`: the product table in target/dev.duckdb against its contract."""
    import duckdb

    from tests.conftest import SEED

    (tmp_path / "target").mkdir()
    db = tmp_path / "target" / "dev.duckdb"
    con = duckdb.connect(str(db))
    # The seed model's output shape (examples/seed/order_events.sql).
    con.execute("""CREATE TABLE order_events AS SELECT
        ('ORD-' || i)::VARCHAR AS order_id, MD5('cust-' || (i % 7))::VARCHAR AS customer_id,
        (TIMESTAMP '2025-06-01 10:00:00' + to_minutes(i))::TIMESTAMP AS event_ts,
        'placed'::VARCHAR AS status, (i * 1.5)::DECIMAL(10,2) AS amount FROM range(30) r(i)""")
    con.close()
    report = run_checks(SEED, f"{db}::main.order_events", now=parse_now("2025-06-01T10:40:00Z"))
    assert report.ok, [c.to_json() for c in report.checks if not c.passed]
    assert report.rows == 30
    assert sorted(w.data["column"] for w in report.warnings) == ["amount", "status"]
    late = run_checks(SEED, f"{db}::main.order_events", now=parse_now("2025-06-01T10:45:00Z"))
    assert [c.id for c in late.checks if not c.passed] == ["sla.freshness"]

"""Every engine gives the same failed/total/passed for every assertion and constraint on nasty data."""

from __future__ import annotations

import json

import pytest

from scaffolder.checks.run import parse_now, run_checks
from scaffolder.contract.validate import load_contract_text
from tests.checks.engines.conftest import Runner
from tests.checks.engines.nasty import CHECKS, FIELDS, contract_text, write

NOW = parse_now("2025-01-01T00:30:00Z")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return write(tmp_path_factory.mktemp("nasty"))


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("contract") / "nasty.yaml"
    path.write_text(contract_text())
    return load_contract_text(contract_text(), str(path))


def _answers(report) -> dict[str, tuple[int | None, int | None, bool]]:
    return {c.id: (c.failed, c.total, c.passed) for c in report.checks}


@pytest.fixture(scope="module")
def reference(data: dict[str, str], contract) -> dict[str, dict]:
    """DuckDB's answers, with the Parquet shortcuts off: every check from the scan."""
    return {name: _answers(run_checks(contract, path, now=NOW, use_metadata=False)) for name, path in data.items()}


@pytest.mark.parametrize("which", ["full", "empty"])
def test_same_answer_on_every_engine(engine: Runner, which: str, data, contract, reference) -> None:
    report = engine.run(contract, data[which], now=NOW)
    assert [(c.id, c.error) for c in report.checks if c.error] == []
    assert _answers(report) == reference[which]
    assert report.rows == (8 if which == "full" else 0)


def test_the_reference_is_not_trivial(reference) -> None:
    """The nasty data makes checks fail and pass: a parity of all-passes would prove nothing."""
    full = reference["full"]
    assert len(full) >= len(CHECKS) + 15
    assert sum(not p for _, _, p in full.values()) >= 20 and sum(p for _, _, p in full.values()) >= 10
    assert full["id_unique"] == (2, 6, False)  # the two 3s; two nulls are not duplicates
    assert full["ab_unique"] == (4, 6, False)  # (x, 1) and (x, NULL) twice each; (NULL, NULL) rows ignored
    assert full["s_regex_unanchored"] == (5, 7, False)  # `b` anywhere: only the two 'abc' match


def test_cli_engine_spark_reports_like_duckdb(spark_session, data, contract, capsys) -> None:
    """`scaffolder test --engine spark` (in process: the running session is reused, and kept)."""
    import json

    from scaffolder.cli import main

    args = ["test", str(contract.path), "--data", data["full"], "--now", "2025-01-01T00:30:00Z", "--format", "json"]
    assert main(args) == 1
    duck = json.loads(capsys.readouterr().out)
    assert main([*args, "--engine", "spark"]) == 1
    spark = json.loads(capsys.readouterr().out)
    assert spark["rows"] == duck["rows"] == 8
    pick = [(c["id"], c["failed"], c["total"], c["passed"]) for c in duck["checks"]]
    assert [(c["id"], c["failed"], c["total"], c["passed"]) for c in spark["checks"]] == pick
    assert spark_session.sql("SELECT 1").collect()[0][0] == 1  # the caller's session still runs


SHARED = [["a"], ["a", "b"], ["id", "a"], ["a", "s", "b"]]  # keys that share `a`: Spark's one-shuffle plan


def _shared_contract(path: str):
    """Uniqueness checks only, on keys that all contain `a` (no constraint adds a key without it)."""
    doc = json.loads(contract_text())
    doc["spec"]["schema"]["fields"] = [{"name": f["name"], "type": f["type"]} for f in FIELDS]
    doc["spec"]["quality"]["checks"] = [
        {"name": "_".join(k), "assertion": "expect_compound_columns_to_be_unique", "value": {"column_list": k}}
        if len(k) > 1 else {"name": "a", "column": "a", "assertion": "expect_column_values_to_be_unique"}
        for k in SHARED]
    del doc["spec"]["sla"]
    return load_contract_text(json.dumps(doc), path)


@pytest.mark.parametrize("which", ["full", "empty"])
def test_keys_sharing_a_column_count_as_on_duckdb(engine: Runner, which: str, data, tmp_path) -> None:
    contract = _shared_contract(str(tmp_path / "shared.yaml"))
    reference = _answers(run_checks(contract, data[which], now=NOW, use_metadata=False))
    if which == "full":  # (x) x4 with a; (x, 1) twice; (x, NULL, ...) twice: real duplicates to count
        assert {k: v[0] for k, v in reference.items() if k in ("a", "a_b")} == {"a": 4, "a_b": 4}
    report = engine.run(contract, data[which], now=NOW)
    assert [(c.id, c.error) for c in report.checks if c.error] == []
    assert _answers(report) == reference


@pytest.mark.parametrize("digest", ["xxhash64({})", "length(CAST({} AS STRING))", "0"])
def test_spark_key_plans_equal_the_portable_one(spark_session, data, monkeypatch, digest: str) -> None:
    """The hashed family plan (with hashes that collide a little, or always), the one-shuffle plan and
    GROUPING SETS give the same members for every key."""
    from scaffolder.checks.engines import spark
    from scaffolder.checks.engines.base import Engine

    monkeypatch.setattr(spark, "HASH", digest)
    eng = spark.SparkEngine(spark=spark_session)
    eng.open(data["full"], None, [])
    keys = [tuple(k) for k in SHARED]
    portable = Engine._duplicate_counts(eng, keys)
    hashed = {keys[int(i)]: int(n or 0) for i, n in eng.execute(spark.hashed_family_statement("a", keys, eng.relation))}
    shared = {keys[int(i)]: int(n or 0) for i, n in eng.execute(spark.shared_key_statement(keys, ["a"], eng.relation))}
    assert hashed == shared == portable == eng._duplicate_counts(keys)
    assert portable[("a",)] == 4 and portable[("a", "b")] == 4
    two = [("id",), ("id", "a"), ("s",), ("s", "b")]  # two families, one statement each
    assert eng._duplicate_counts(two) == Engine._duplicate_counts(eng, two)


def test_the_callers_session_keeps_its_tuning(spark_session) -> None:
    """What the checks mean is set on a caller's (or a cluster's) session; its shuffle partitions stay."""
    from scaffolder.checks.engines.spark import SparkEngine

    spark_session.conf.set("spark.sql.session.timeZone", "Europe/Paris")
    SparkEngine(spark=spark_session)
    assert spark_session.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark_session.conf.get("spark.sql.shuffle.partitions") == "2"  # the fixture's, not our local 8

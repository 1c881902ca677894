"""Engines as one test parameter: every parity and hostile test runs on each engine listed here.

An engine fixture gives `run(contract, parquet_path, **kw) -> CheckReport` and
`untouched()` facts to check after a hostile run. The Spark session is one
per test module (local[1], no UI, few shuffle partitions). To add an engine
(Postgres through dbt), add its name to ENGINES and a branch to `engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from scaffolder.checks.results import CheckReport
from scaffolder.checks.run import run_checks

ENGINES = ["duckdb", "spark", "postgres"]  # postgres: through dbt (dbt-postgres), on tests/pg.py's server


@dataclass
class Runner:
    name: str
    run: Callable[..., CheckReport]
    session: Any = None  # the SparkSession, for checks on its catalog


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from scaffolder.checks.engines.spark import CONF, LOCAL_CONF

    builder = SparkSession.builder.master("local[1]").appName("scaffolder-tests")
    for key, value in {**CONF, **LOCAL_CONF, "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "1"}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    yield spark
    spark.stop()


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Runner:
    name = request.param
    if name == "duckdb":
        return Runner(name, lambda contract, source, **kw: run_checks(contract, source, **kw))
    if name == "spark":
        from scaffolder.checks.engines.spark import SparkEngine

        spark = request.getfixturevalue("spark_session")
        eng = SparkEngine(spark=spark)
        return Runner(name, lambda contract, source, **kw: run_checks(contract, source, engine=eng, **kw), spark)
    if name == "postgres":
        return request.getfixturevalue("postgres_runner")
    raise AssertionError(name)


@pytest.fixture(scope="module")
def postgres_runner(pg_warehouse: Any) -> Iterator[Runner]:
    """Postgres through `--engine dbt`: each Parquet file copied into a table, checked through the adapter."""
    pytest.importorskip("dbt.adapters.postgres")
    from scaffolder.checks.engines.dbt import DbtEngine

    eng = DbtEngine(str(pg_warehouse.project))

    def run(contract: Any, source: str, **kw: Any) -> CheckReport:
        return run_checks(contract, pg_warehouse.copy_parquet(source), engine=eng, **kw)

    yield Runner("postgres", run)  # the data is a copy: tests/checks/test_dbt_engine.py checks Postgres is untouched
    eng.close()

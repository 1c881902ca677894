"""Fixtures of the checks' tests: a PostgreSQL database and dbt project for `--engine dbt`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.checks.dbt_support import PASSWORD, PASSWORD_ENV, PgWarehouse


@pytest.fixture(scope="session")
def pg_warehouse(pg: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgWarehouse]:
    """One database per test session (the `pg` server's); its dbt profile reads the password from the env."""
    before = os.environ.get(PASSWORD_ENV)
    os.environ[PASSWORD_ENV] = PASSWORD
    yield PgWarehouse(pg, tmp_path_factory.mktemp("pg-dbt"))
    if before is None:
        os.environ.pop(PASSWORD_ENV, None)
    else:
        os.environ[PASSWORD_ENV] = before

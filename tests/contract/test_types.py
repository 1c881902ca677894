"""Logical types: aliases and spelling normalise; each maps to DuckDB and dbt; widening order."""

from __future__ import annotations

import pytest

from scaffolder.contract.semver import declared_bump, parse_version
from scaffolder.contract.types import TypeParseError, compare, parse_type
from scaffolder.contract.units import parse_duration, parse_percent


@pytest.mark.parametrize(("written", "canonical", "duckdb", "dbt"), [
    ("string", "string", "VARCHAR", "varchar"),
    ("VARCHAR", "string", "VARCHAR", "varchar"),
    ("text", "string", "VARCHAR", "varchar"),
    ("integer", "int", "INTEGER", "integer"),
    ("BigInt", "long", "BIGINT", "bigint"),
    ("bool", "boolean", "BOOLEAN", "boolean"),
    ("double", "double", "DOUBLE", "double"),
    ("numeric(10, 2)", "decimal(10,2)", "DECIMAL(10,2)", "decimal(10,2)"),
    ("decimal", "decimal(18,3)", "DECIMAL(18,3)", "decimal(18,3)"),
    ("timestamp_tz", "timestamp_tz", "TIMESTAMP WITH TIME ZONE", "timestamptz"),
    ("bytes", "bytes", "BLOB", "blob"),
    ("uuid", "uuid", "UUID", "uuid"),
    ("array<bigint>", "array<long>", "BIGINT[]", "bigint[]"),
    ("map<string, array<int>>", "map<string,array<int>>", "MAP(VARCHAR, INTEGER[])", "map(varchar, integer[])"),
    ("struct<a: int, b: array<text>>", "struct<a:int,b:array<string>>",
     'STRUCT("a" INTEGER, "b" VARCHAR[])', 'struct("a" integer, "b" varchar[])'),
])
def test_types_normalise_and_map(written, canonical, duckdb, dbt):
    t = parse_type(written)
    assert str(t) == canonical
    assert t.duckdb() == duckdb
    assert t.dbt() == dbt
    assert parse_type(str(t)) == t


@pytest.mark.parametrize(("text", "words"), [
    ("strng", "did you mean 'string'"),
    ("decimal(10,", "expected a number"),
    ("decimal(2,5)", "scale 5 exceeds precision 2"),
    ("array<int", "expected '>'"),
    ("struct<a:int,a:long>", "appears twice"),
    ("int int", "unexpected"),
    ("", "empty"),
])
def test_bad_types_say_why(text, words):
    with pytest.raises(TypeParseError, match=words):
        parse_type(text)


@pytest.mark.parametrize(("old", "new", "relation"), [
    ("int", "long", "widened"),
    ("long", "int", "narrowed"),
    ("float", "double", "widened"),
    ("date", "timestamp", "widened"),
    ("decimal(10,2)", "decimal(12,2)", "widened"),
    ("decimal(10,2)", "decimal(11,3)", "widened"),
    ("decimal(10,2)", "decimal(10,3)", "unrelated"),  # integer part shrinks, scale grows
    ("decimal(12,2)", "decimal(10,2)", "narrowed"),
    ("int", "decimal(12,2)", "widened"),
    ("long", "decimal(12,2)", "unrelated"),
    ("string", "long", "unrelated"),
    ("bigint", "long", "same"),
])
def test_widening_order(old, new, relation):
    assert compare(parse_type(old), parse_type(new)) == relation


def test_durations_compare_by_length():
    assert parse_duration("60m") == parse_duration("1h")
    assert parse_duration("15m").seconds == 900
    assert parse_duration("2d") > parse_duration("47h")
    with pytest.raises(ValueError):
        parse_duration("15 minutes")


def test_percentages():
    assert parse_percent("99.9%") == 99.9
    assert parse_percent(99) == 99.0
    with pytest.raises(ValueError):
        parse_percent("101%")


@pytest.mark.parametrize(("old", "new", "bump"), [
    ("2.1.0", "2.1.0", "none"),
    ("2.1.0", "2.1.1", "patch"),
    ("2.1.0", "2.2.0", "minor"),
    ("2.1.0", "3.0.0", "major"),
    ("2.4.0", "3.0.0-rc.1", "major"),
    ("2.1.0", "2.0.9", "decreased"),
    ("3.0.0", "3.0.0-rc.1", "decreased"),
])
def test_declared_bump(old, new, bump):
    assert declared_bump(parse_version(old), parse_version(new)) == bump


def test_semver_precedence():
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
               "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
    versions = [parse_version(v) for v in ordered]
    assert sorted(reversed(versions)) == versions
    for bad in ("1.0", "01.0.0", "1.0.0-", "v1.0.0"):
        with pytest.raises(ValueError):
            parse_version(bad)

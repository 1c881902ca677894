"""What STATE keeps for each check, how a batch of files grows it, and how the whole is scored.

Each check needs zero or more *parts*, found by the assertion catalogue's
`combine` (checks.assertions.Combine): a `p_*` table of partial aggregates
(failed/total counts, a min, a max, a latest timestamp; one row per run), a
`k_*` key index (every key and how often it occurs) or a `d_*` set of
distinct values. A part's name is a hash of everything its values depend on
(the assertion, its arguments, the columns and their types), so a changed
bound or a new check finds no part and is read over every file, while a
changed threshold keeps its part. Checks that share a part (a primary key's
not-null and the row count) share its table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scaffolder.checks.assertions import Combine
from scaffolder.checks.compile import Check, Counting, not_all_null
from scaffolder.checks.dialects import Dialect
from scaffolder.checks.incremental import spark_mean
from scaffolder.checks.sql import Params

Exprs = Callable[[Params], list[tuple[str, str]]]  # (column of the part, SQL aggregate over a batch, in
# the dialect of the Params: DuckDB's for a DuckDB run, Spark's for a Spark run)


@dataclass(frozen=True)
class Part:
    name: str  # its table in STATE
    kind: str  # "agg" | "keys" | "distinct"
    key: tuple[str, ...] = ()  # keys/distinct: the columns
    exprs: Exprs = field(default=lambda _p: [], compare=False, hash=False)


ROWS = Part("p_rows", "agg", exprs=lambda _p: [("rows", "count(*)")])


def combine_of(c: Check) -> Combine:
    """The catalogue's `combine` (the schema and freshness checks are not catalogue assertions)."""
    if c.counting is Counting.COLUMNS:
        return Combine.COLUMNS
    if c.counting is Counting.FRESHNESS:
        return Combine.MAX
    assert c.rule is not None
    return Combine.FULL if _demoted(c) else c.rule.combine


def _demoted(c: Check) -> str:
    """Why a mean the catalogue combines (`Combine.MEAN`) reads every file here ("" when it combines)."""
    if c.rule is None or c.rule.combine is not Combine.MEAN:
        return ""
    if c.col.is_float:
        return "a float column's mean: its rounding depends on every value"
    if c.col.dialect.name == "spark" and not spark_mean.combines(c.col.physical):
        return f"a mean of a {c.col.physical} column on spark: only integer and decimal means are rebuilt"
    if c.col.dialect.name not in ("duckdb", "spark"):
        return f"a mean on {c.col.dialect.name}: partial sums are kept for DuckDB's and Spark's means only"
    return ""


def why_full(c: Check) -> str:
    """" (why)" after "cannot be combined from partials", when the catalogue would combine `c` elsewhere."""
    why = _demoted(c)
    return f" ({why})" if why else ""


def _name(prefix: str, c: Check, *what: Any) -> str:
    types = {n: [c.cols[n].physical, c.cols[n].timezone] for n in c.reads}
    text = json.dumps([*what, list(c.reads), types], sort_keys=True, default=str)
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:16]


def _latest(c: Check, d: Dialect) -> str:
    col = c.col
    value = col.sql if col.family == "timestamptz" else d.cast(col.sql, "TIMESTAMP")
    return f"max({value})"


def parts_of(c: Check) -> list[Part]:
    """The parts `c` is scored from (none: read from the columns, or read over every file)."""
    kind = combine_of(c)
    if kind is Combine.SUM:
        total = "count(*)" if c.counting is Counting.ALL_ROWS else f"count({c.col.sql})"
        return [Part(_name("p_", c, "sum", c.assertion, c.args), "agg",
                     exprs=lambda p: [("failed", p.dialect.count_if(c.predicate(p))), ("total", total)])]
    if kind is Combine.KEY_INDEX:
        def keys_total(p: Params) -> list[tuple[str, str]]:
            d = p.dialect
            return [("total", f"count({c.col.sql})" if len(c.reads) == 1 else d.count_if(not_all_null(c.reads, d)))]

        return [Part(_name("p_", c, "keys_total"), "agg", exprs=keys_total),
                Part(_name("k_", c, "keys"), "keys", c.reads)]
    if kind is Combine.ROWS:
        return [ROWS]
    if kind is Combine.DISTINCT_SET:
        return [Part(_name("d_", c, "distinct"), "distinct", c.reads)]
    if kind in (Combine.MIN, Combine.MAX):
        return [Part(_name("p_", c, kind.value, c.counting), "agg", exprs=lambda p: [
            ("m", _latest(c, p.dialect) if c.counting is Counting.FRESHNESS else c.aggregate())])]
    if kind is Combine.MEAN:  # Spark: its avg rebuilt from exact sums (checks.incremental.spark_mean)
        return [Part(_name("p_", c, "mean"), "agg", exprs=lambda p: spark_mean.exprs(
            c.col.sql, c.col.physical, p.dialect) if p.dialect.name == "spark" else [("s", f"sum({c.col.sql})"),
                                                                                    ("n", f"count({c.col.sql})")])]
    return []  # COLUMNS: nothing to read; FULL: read over every file on every run


def _keys(key: tuple[str, ...], d: Dialect) -> str:
    return ", ".join(f"{d.ident(col)} AS k{i}" for i, col in enumerate(key))


def batch_sql(part: Part, relation: str, params: Params) -> str:
    """A statement giving what `relation` (a batch of files) adds to `part` (in `params`' dialect)."""
    d = params.dialect
    if part.kind == "keys":
        groups = ", ".join(map(d.ident, part.key))
        return (f"SELECT {_keys(part.key, d)}, count(*) AS n FROM {relation} WHERE {not_all_null(part.key, d)} "
                f"GROUP BY {groups}")
    if part.kind == "distinct":
        col = d.ident(part.key[0])
        return f"SELECT DISTINCT {col} AS v FROM {relation} WHERE {col} IS NOT NULL"
    return "SELECT " + ", ".join(f"{sql} AS {d.ident(name)}" for name, sql in part.exprs(params)) + f" FROM {relation}"


def _matches(part: Part, rows: str, index: str) -> list[tuple[str, str]]:
    """(which batch rows, join condition) pairs that find batch keys in the key index.

    Keys without nulls join by `=`, which DuckDB turns into a min/max filter on the index's scan
    (its zone maps skip what cannot match: new keys past the recorded ones cost nothing); a
    compound key with some null columns needs IS NOT DISTINCT FROM, which reads the whole index.
    """
    n = len(part.key)
    eq = " AND ".join(f"{index}.k{i} = {rows}.k{i}" for i in range(n))
    if n == 1:
        return [("TRUE", eq)]
    nulls = " OR ".join(f"{rows}.k{i} IS NULL" for i in range(n))
    same = " AND ".join(f"{index}.k{i} IS NOT DISTINCT FROM {rows}.k{i}" for i in range(n))
    return [(f"NOT ({nulls})", eq), (nulls, same)]


def hits_sql(part: Part, table: str, batch: str) -> str:
    """The batch's keys (and counts) that the key index `table` holds already."""
    return " UNION ALL ".join(f"SELECT b.* FROM (SELECT * FROM {batch} AS b WHERE {which}) AS b "
                              f"JOIN {table} AS t ON {cond}" for which, cond in _matches(part, "b", "t"))


def together_columns(parts: list[Part], relation: str,
                     params: Params) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """Every `agg` part's batch in one scan: the statement (columns a0, a1, ...), and each part's
    (output column, part column) pairs."""
    exprs: list[str] = []
    columns: dict[str, list[tuple[str, str]]] = {}
    for part in parts:
        mine = columns[part.name] = []
        for name, sql in part.exprs(params):
            mine.append((f"a{len(exprs)}", name))
            exprs.append(f"{sql} AS a{len(exprs)}")
    return "SELECT " + ", ".join(exprs) + f" FROM {relation}", columns


def together_sql(parts: list[Part], relation: str, params: Params) -> tuple[str, dict[str, str]]:
    """Every `agg` part's batch in one scan: the statement, and each part's SELECT from its row."""
    sql, columns = together_columns(parts, relation, params)
    d = params.dialect
    return sql, {part: ", ".join(f"{a} AS {d.ident(name)}" for a, name in cols) for part, cols in columns.items()}


STRING_TYPES = ("VARCHAR", "BLOB")


def create_sql(part: Part, table: str, batch: str, columns: list[tuple[str, str]]) -> list[str]:
    """Statements creating the part's table in STATE from its first batch (`columns`: a key batch's
    names and DuckDB types; the other parts take the batch's).

    A key index stores its text keys with ZSTD: DuckDB's default for strings (dictionary + FSST)
    spent most of each run's checkpoint analysing the new keys (48 of 55 ms for 100k keys), ZSTD
    half of that, for 18% more on disk (10M keys: 132 MB against 111 MB).
    """
    if part.kind != "keys":
        return [f"CREATE TABLE {table} AS SELECT * FROM {batch}"]
    spec = ", ".join(f'"{name}" {typ}' + (" USING COMPRESSION zstd" if typ in STRING_TYPES else "")
                     for name, typ in columns)
    return [f"CREATE TABLE {table} ({spec})", f"INSERT INTO {table} SELECT * FROM {batch}"]


def grow_sql(part: Part, table: str, batch: str, hits: str | None = None) -> list[str]:
    """Statements adding the batch table `batch` to the part's table in STATE (one that exists: a new
    one is create_sql's).

    A key index needs `hits` (hits_sql's rows, read before the transaction): their counts
    grow, the other keys of the batch are appended.
    """
    if part.kind == "agg":
        return [f"INSERT INTO {table} SELECT * FROM {batch}"]
    if part.kind == "distinct":
        return [f"INSERT INTO {table} SELECT v FROM {batch} EXCEPT SELECT v FROM {table}"]
    assert hits is not None
    same = " AND ".join(f"t.k{i} IS NOT DISTINCT FROM b.k{i}" for i in range(len(part.key)))
    grow = [f"UPDATE {table} AS t SET n = t.n + b.n FROM (SELECT * FROM {hits} AS b WHERE {which}) AS b "
            f"WHERE {cond}" for which, cond in _matches(part, "b", "t")]
    return [*grow, f"INSERT INTO {table} SELECT * FROM {batch} AS b ANTI JOIN {hits} AS t ON {same}"]


def score_sql(c: Check, tables: Callable[[Part], str], params: Params) -> tuple[str, list[str]]:
    """The statement scoring `c` for the whole table from its parts (tables or views named by
    `tables`, in `params`' dialect), and which value each column is."""
    d = params.dialect
    kind = combine_of(c)
    parts = [tables(p) for p in parts_of(c)]
    if kind is Combine.SUM:
        return f"SELECT sum(failed), sum(total) FROM {parts[0]}", ["failed", "total"]
    if kind is Combine.KEY_INDEX:
        return (f"SELECT (SELECT coalesce(sum(n), 0) FROM {parts[1]} WHERE n > 1), "
                f"(SELECT sum(total) FROM {parts[0]})", ["failed", "total"])
    if kind is Combine.DISTINCT_SET:
        return f"SELECT {d.count_distinct_if('v', c.predicate(params, 'v'))}, count(DISTINCT v) FROM {parts[0]}", [
            "failed", "total"]
    if c.counting is Counting.FRESHNESS:
        return (f"SELECT {d.epoch_us('a')}, {d.cast('a', 'VARCHAR')} FROM (SELECT max(m) AS a FROM {parts[0]}) w",
                ["observed", "latest"])
    if kind is Combine.ROWS:
        whole = f"SELECT CAST(sum(rows) AS BIGINT) AS a FROM {parts[0]}"
        failing = c.predicate(params, "a")
    elif kind is Combine.MEAN:  # the full run's exact_mean, from the summed partial sums: the same double;
        # on Spark, the part is given as its avg rebuilt from them (checks.incremental.spark_mean): one row
        whole = (f"SELECT a FROM {parts[0]}" if d.name == "spark" else
                 f"SELECT CAST(sum(s) AS DOUBLE) / sum(n) AS a FROM {parts[0]}")
        failing = f"a IS NULL OR {c.predicate(params, 'a')}"
    else:
        whole = f"SELECT {kind.value}(m) AS a FROM {parts[0]}"
        failing = f"a IS NULL OR {c.predicate(params, 'a')}"
    return (f"SELECT CASE WHEN {failing} THEN 1 ELSE 0 END, 1, a FROM ({whole}) w",
            ["failed", "total", "observed"])


def score_together_sql(statements: list[tuple[str, int]]) -> str:
    """One statement giving every (statement, number of columns) pair's one row, side by side.

    A union of the statements (each under its own column names), not a cross join: a dozen tiny
    aggregates cost one statement's overhead (3 ms) instead of a dozen (8 ms), and no join planning.
    """
    members, outs = [], []
    for i, (sql, width) in enumerate(statements):
        names = [f"s{i}_{j}" for j in range(width)]
        outs += names
        members.append(f"SELECT * FROM ({sql}) AS s{i}({', '.join(names)})")
    return ("SELECT " + ", ".join(f"any_value({n})" for n in outs) + " FROM ("
            + " UNION ALL BY NAME ".join(members) + ") AS scored")

"""ODCS `sql` quality rules: the contract's own query, run read-only on the checked data alone.

An ODCS rule `{type: sql, query: "SELECT count(*) FROM ${object} WHERE ...", mustBe: 0}`
is our `expect_sql_query_result` check (checks.assertions). Its query is run
as written, with `{object}` / `${object}` (also `{table}`) naming the checked
relation and `{property}` / `${property}` (also `{column}`) its column, and
the one value it returns is compared with every ODCS operator the rule gives.

The query is the contract author's SQL running with CI's rights, so before it
runs it must be exactly one SELECT that reads no table but the checked
relation (and its own CTEs): on DuckDB, by DuckDB's own parser, and the
sandbox (checks.sandbox) lets the connection read the source's files and
nothing else; on the other engines sqlglot parses it in the engine's dialect,
and it may call none of the functions that reach outside the data (`OUTSIDE`). A query that is refused, fails or returns other than one value is
the check's error, located at the rule.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from scaffolder.checks.assertions import OPERATORS
from scaffolder.checks.dialects import Dialect
from scaffolder.checks.predicates import CheckError
from scaffolder.checks.results import exact, plain

_OBJECT = re.compile(r"\$?\{(object|table)\}")
_PROPERTY = re.compile(r"\$?\{(property|column)\}")
SENTINEL = "__scaffolder_object"  # the relation's stand-in while sqlglot reads the query
# Functions that read or run something outside the checked data (files, the environment, the JVM,
# other databases): a query calling one is refused on the engines without a sandbox.
OUTSIDE = frozenset({
    "reflect", "java_method", "try_reflect",  # Spark: any static Java method (System.getenv)
    "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import", "lo_export",
    "dblink", "dblink_exec", "query_to_xml", "getenv", "read_text", "read_blob", "read_csv", "read_parquet",
    "read_json", "system$get_env",
})


def render(query: str, relation: str, column: str | None, dialect: Dialect) -> str:
    """The query with its placeholders filled: the relation, the column as a quoted identifier."""
    sql = _OBJECT.sub(lambda _m: relation, query)
    if _PROPERTY.search(sql):
        if column is None:
            raise CheckError("the query names {property} but the rule is not on a property (column)")
        sql = _PROPERTY.sub(lambda _m: dialect.ident(column), sql)
    return sql.strip().rstrip(";").rstrip()


def refuse_parsed(query: str, column: str | None, dialect: Dialect, sqlglot: Any) -> str | None:
    """Why the query may not run (None: it may), read by sqlglot in the engine's dialect."""
    from sqlglot import exp

    text = render(query, SENTINEL, column, dialect)
    try:
        trees = [t for t in sqlglot.parse(text, read=dialect.name) if t is not None]
    except sqlglot.errors.SqlglotError as exc:
        return f"the query does not parse as {dialect.name} SQL: {str(exc).splitlines()[0]}"
    if len(trees) != 1:
        return f"the query holds {len(trees)} statements: a sql rule runs exactly one SELECT"
    tree = trees[0]
    writes = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Command, exp.Alter)
    if not isinstance(tree, exp.Query) or any(isinstance(n, writes) for n in tree.walk()):
        return f"the query is a {tree.key.upper()} statement: a sql rule runs one read-only SELECT"
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for t in tree.find_all(exp.Table):
        own = not t.args.get("db") and not t.args.get("catalog") and isinstance(t.this, exp.Identifier)
        if not (own and (t.name == SENTINEL or t.name in ctes)):
            return f"the query reads {t.sql(dialect.name)!r}: a sql rule reads only the checked data ({{object}})"
    for f in tree.find_all(exp.Func):
        name = (f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower()
        if name in OUTSIDE:
            return f"the query calls {name}(), which reaches outside the checked data"
    return None


def refuse_duckdb(con: Any, sql: str, relation: str) -> str | None:
    """Why DuckDB may not run the rendered query (None: it may), by DuckDB's own parser: one SELECT
    reading no table but the relation (a `.duckdb` source holds others) and its CTEs, and no table
    function but a few that make rows. The sandbox also keeps it from any file but the source's."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        return "the query does not parse: " + str(exc).splitlines()[0]
    if len(statements) != 1:
        return f"the query holds {len(statements)} statements: a sql rule runs exactly one SELECT"
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        return f"the query is a {kind.name} statement: a sql rule runs one read-only SELECT"
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        return "the query does not parse: " + str(tree.get("error_message"))
    nodes = list(_nodes(tree))
    ctes = {c.get("key") for n in nodes for c in _map(n.get("cte_map")).get("map") or [] if isinstance(c, dict)}
    for n in nodes:
        if n.get("type") == "BASE_TABLE":
            name = n.get("table_name")
            if n.get("schema_name") or n.get("catalog_name") or name not in {relation, *ctes}:
                shown = ".".join(str(p) for p in (n.get("catalog_name"), n.get("schema_name"), name) if p)
                return f"the query reads {shown!r}: a sql rule reads only the checked data ({{object}})"
        elif n.get("type") == "TABLE_FUNCTION":
            fn = str(_map(n.get("function")).get("function_name"))
            if fn.lower() not in ROW_MAKERS:
                return f"the query calls the table function {fn}(): a sql rule reads only the checked data"
    return None


ROW_MAKERS = frozenset({"range", "generate_series", "unnest"})  # table functions that read nothing


def _nodes(tree: Any) -> Any:
    """Every mapping of DuckDB's serialized query, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def one_value(rows: list[tuple[Any, ...]]) -> Any:
    """The query's single value; a CheckError when it returned another shape."""
    if len(rows) != 1 or len(rows[0]) != 1:
        width = len(rows[0]) if rows else 0
        raise CheckError(f"the query returned {len(rows)} row(s) of {width} column(s): a sql rule's query "
                         "returns one value")
    return rows[0][0]


def _number(value: Any) -> Fraction | None:
    """An exact number (a float as the decimal it was written as); None for NaN, infinity, non-numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float):
        return exact(value) if math.isfinite(value) else None
    return Fraction(value) if not isinstance(value, Decimal) or value.is_finite() else None


def _key(value: Any, arg: Any) -> tuple[Any, Any]:
    """Both sides as comparable values: exact numbers, else ISO text (dates, timestamps, strings)."""
    a, b = _number(value), _number(arg)
    if a is not None and b is not None:
        return a, b
    if isinstance(arg, str) and not isinstance(value, int | float | bool):
        return str(plain(value)), arg
    raise CheckError(f"the query's value {plain(value)!r} cannot be compared with {arg!r}")


def _holds(op: str, value: Any, arg: Any) -> bool:
    if op in ("mustBeBetween", "mustNotBeBetween"):
        if not isinstance(arg, list) or len(arg) != 2:
            raise CheckError(f"{op} takes two values [low, high]")
        (v, lo), (_, hi) = _key(value, arg[0]), _key(value, arg[1])
        inside = lo <= v <= hi
        return inside if op == "mustBeBetween" else not inside
    v, a = _key(value, arg)
    return {"mustBe": v == a, "mustNotBe": v != a, "mustBeGreaterThan": v > a, "mustBeGreaterOrEqualTo": v >= a,
            "mustBeLessThan": v < a, "mustBeLessOrEqualTo": v <= a}[op]


_WORDS = {"mustBe": "= {0}", "mustNotBe": "!= {0}", "mustBeGreaterThan": "> {0}", "mustBeGreaterOrEqualTo": ">= {0}",
          "mustBeLessThan": "< {0}", "mustBeLessOrEqualTo": "<= {0}", "mustBeBetween": "between {0[0]} and {0[1]}",
          "mustNotBeBetween": "not between {0[0]} and {0[1]}"}


def judge(value: Any, args: dict[str, Any]) -> tuple[bool, str]:
    """Whether the value meets every operator given, and what was expected (for the message)."""
    ops = [op for op in OPERATORS if op in args]
    wanted = " and ".join(_WORDS[op].format(args[op]) for op in ops)
    if value is None:
        return False, wanted
    return all(_holds(op, value, args[op]) for op in ops), wanted

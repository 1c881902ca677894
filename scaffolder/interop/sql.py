"""CREATE TABLE DDL <-> contracts, through sqlglot (any dialect it reads or writes).

Import: types, NOT NULL, PRIMARY KEY (column or single-column table
constraint), UNIQUE, CHECK (x IN (...)) as an enum and CHECK (x BETWEEN a AND
b) / (x >= a) as bounds. Export: DuckDB DDL built with quoted identifiers and
escaped literals, then transpiled by sqlglot to the target dialect.
"""

from __future__ import annotations

from typing import Any

from scaffolder.errors import UsageError
from scaffolder.interop.draft import Column, Draft
from scaffolder.interop.sqltypes import to_logical

DIALECTS = ("duckdb", "postgres", "spark", "snowflake", "bigquery")
CHECKS = ("duckdb", "postgres")  # the dialects whose CHECK constraints are enforced


def read(text: str, dialect: str = "duckdb", path: str = "<ddl>") -> list[Draft]:
    """One draft per CREATE TABLE statement in `text`."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        statements = sqlglot.parse(text, read=dialect)
    except ParseError as exc:
        err = (exc.errors or [{}])[0]
        line, col = err.get("line") or 1, err.get("col") or 1
        raise UsageError(f"{path}:{line}:{col}: not valid {dialect} SQL: {err.get('description', exc)}") from None
    drafts = []
    for stmt in statements:
        if isinstance(stmt, exp.Create) and stmt.kind == "TABLE" and isinstance(stmt.this, exp.Schema):
            drafts.append(_table(stmt.this, path))
    if not drafts:
        raise UsageError(f"{path}: no CREATE TABLE statement with columns found")
    return drafts


def _table(schema: Any, path: str) -> Draft:
    from sqlglot import exp

    table = schema.this
    columns: list[Column] = []
    by_name: dict[str, Column] = {}
    notes: list[str] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            kind = item.args.get("kind")
            if not isinstance(kind, exp.DataType):
                raise UsageError(f"{path}: column {item.name!r} has no type")
            logical, length = to_logical(kind)
            col = Column(item.name, logical, max_length=length)
            for cons in item.constraints:
                _column_constraint(col, cons.kind, notes)
            columns.append(col)
            by_name[col.name] = col
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            continue
        kinds = item.expressions if isinstance(item, exp.Constraint) else [item]
        for k in kinds:
            k = k.kind if isinstance(k, exp.ColumnConstraint) else k
            if isinstance(k, exp.CheckColumnConstraint):
                _check(k.this, by_name, notes)
                continue
            names = [i.name for i in k.find_all(exp.Identifier)]
            if isinstance(k, exp.PrimaryKey) and len(names) == 1 and names[0] in by_name:
                by_name[names[0]].primary_key = True
            elif isinstance(k, exp.UniqueColumnConstraint) and len(names) == 1 and names[0] in by_name:
                by_name[names[0]].unique = True
            else:
                notes.append(f"table constraint {k.sql()}")
    return Draft(product=table.name, columns=columns, notes=notes)


def _column_constraint(col: Column, kind: Any, notes: list[str]) -> None:
    from sqlglot import exp

    if isinstance(kind, exp.NotNullColumnConstraint):
        col.nullable = bool(kind.args.get("allow_null"))
    elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
        col.primary_key = True
    elif isinstance(kind, exp.UniqueColumnConstraint):
        col.unique = True
    elif isinstance(kind, exp.CheckColumnConstraint):
        _check(kind.this, {col.name: col}, notes)
    elif not isinstance(kind, exp.DefaultColumnConstraint):
        notes.append(f"column {col.name}: {kind.sql()}")


def _check(cond: Any, by_name: dict[str, Column], notes: list[str]) -> None:
    """CHECK (x IN (...)), (x BETWEEN a AND b), (x >= a AND x <= b); anything else is noted."""
    from sqlglot import exp

    parts = list(cond.flatten()) if isinstance(cond, exp.And) else [cond]
    for part in parts:
        part = part.unnest()
        col = by_name.get(part.this.name) if isinstance(part.this, exp.Column) else None
        if col is None:
            notes.append(f"CHECK ({part.sql()})")
        elif isinstance(part, exp.In) and part.expressions and all(_is_literal(v) for v in part.expressions):
            col.enum = [_literal(v) for v in part.expressions]
        elif isinstance(part, exp.Between) and _is_literal(part.args["low"]) and _is_literal(part.args["high"]):
            col.min, col.max = _literal(part.args["low"]), _literal(part.args["high"])
        elif isinstance(part, exp.GTE) and _is_literal(part.expression):
            col.min = _literal(part.expression)
        elif isinstance(part, exp.LTE) and _is_literal(part.expression):
            col.max = _literal(part.expression)
        elif isinstance(part, exp.GT) and col.type in ("int", "long") and isinstance(_literal_or_none(
                part.expression), int):
            col.min = _literal(part.expression) + 1
        else:
            notes.append(f"CHECK ({part.sql()})")


def _is_literal(node: Any) -> bool:
    """A plain number or string (`-5` too): the only CHECK operands a contract bound can hold."""
    from sqlglot import exp

    if isinstance(node, exp.Neg):
        return isinstance(node.this, exp.Literal) and not node.this.is_string
    return isinstance(node, exp.Literal)


def _literal_or_none(node: Any) -> Any:
    return _literal(node) if _is_literal(node) else None


def _literal(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Neg):
        return -_literal(node.this)
    if node.is_string:
        return node.name
    text = node.name
    try:
        return int(text)
    except ValueError:
        return float(text)


def write(contract: Any, dialect: str = "duckdb") -> str:
    """CREATE TABLE for the contract's product, in `dialect`."""
    import sqlglot

    from scaffolder.checks.sql import ident, literal

    if dialect not in DIALECTS:
        raise UsageError(f"unknown SQL dialect {dialect!r} (one of {', '.join(DIALECTS)})")
    lines = []
    for f in contract.fields:
        c = f.constraints
        line = f"{ident(f.name)} {_type(f.type, dialect)}"
        if c.not_null:
            line += " NOT NULL"
        if c.unique and not c.primary_key:
            line += " UNIQUE"
        checks = []
        if c.enum and all(isinstance(v, str) for v in c.enum):
            checks.append(f"{ident(f.name)} IN ({', '.join(literal(v) for v in c.enum)})")
        elif c.enum and all(isinstance(v, int | float) and not isinstance(v, bool) for v in c.enum):
            checks.append(f"{ident(f.name)} IN ({', '.join(repr(v) for v in c.enum)})")
        for op, bound in ((">=", c.min), ("<=", c.max)):
            if isinstance(bound, int | float) and not isinstance(bound, bool) and f.type.is_numeric:
                checks.append(f"{ident(f.name)} {op} {bound!r}")
        if checks and dialect in CHECKS:
            line += f" CHECK ({' AND '.join(checks)})"
        lines.append(line)
    pk = contract.primary_key
    if pk and dialect != "spark":  # Spark SQL has no key constraints (Databricks' are informational)
        lines.append(f"PRIMARY KEY ({', '.join(ident(n) for n in pk)})")
    ddl = f"CREATE TABLE {ident(contract.product)} (\n  " + ",\n  ".join(lines) + "\n)"
    out = sqlglot.transpile(ddl, read="duckdb", write=dialect, pretty=True)[0]
    if dialect == "bigquery" and pk:  # BigQuery keys are informational and must say so
        out = out.rstrip()[:-1].rstrip() + " NOT ENFORCED\n)"
    return f"-- {contract.name} {contract.version_text}: generated by `scaffolder export`\n{out};\n"


def _type(t: Any, dialect: str) -> str:
    """The DuckDB spelling sqlglot transpiles; Postgres has no MAP or STRUCT: those are JSON there."""
    if dialect == "postgres":
        if t.name in ("map", "struct"):
            return "JSON"
        if t.name == "array":
            return f"{_type(t.items[0], dialect)}[]"
    return t.duckdb()

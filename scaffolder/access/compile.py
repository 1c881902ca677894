"""Access compiled into SQL: per product, one view per role that may read it, and its grants.

The decisions come from decide.Decider (the Rego policy); the SQL of each engine
from dialects.DIALECTS. Every identifier is quoted and every literal escaped by
sqlglot; the tokenize key is never part of the text (dialects.py says where each
engine reads it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scaffolder.access.decide import Decider, Decision
from scaffolder.access.dialects import DIALECTS, Dialect
from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from sqlglot import exp

    from scaffolder.contract.model import Contract, Field

REDACTED = "****"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_UNSAFE_COMMENT = re.compile(r"[^\x20-\x7e]")


@dataclass
class Compiled:
    """The SQL of one product for one dialect, and what it grants to whom."""

    product: str
    dialect: str
    statements: list[str] = field(default_factory=list)
    views: dict[str, str] = field(default_factory=dict)  # role -> view (schema.name)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        """The roles granted a view (those that read anything)."""
        return sorted(self.views)

    def sql(self) -> str:
        d = DIALECTS[self.dialect]
        head = [f"-- Access to {_comment(self.product)} ({self.dialect}), compiled by `scaffolder access "
                "compile` from the contract and the mesh's policies: do not edit.",
                *(f"-- {_comment(n)}" for n in d.notes)]
        for decision in self.decisions:
            cols = ", ".join(f"{c.column}={c.label}" for c in decision.columns)
            head.append(f"-- role {_comment(decision.role)}: {_comment(cols)}")
        return "\n".join(head) + "\n\n" + "".join(f"{s};\n" for s in self.statements)


def _comment(text: str) -> str:
    """One line of printable text: a policy message can never end the comment and start SQL."""
    return _UNSAFE_COMMENT.sub("?", " ".join(text.split()))


def check_name(option: str, value: str) -> str:
    if not _NAME.match(value):
        raise UsageError(f"{option} {value!r}: a schema name is letters, digits and _ (not starting with a digit)")
    return value


def view_name(contract: Contract, role: str) -> str:
    return f"{contract.product}__{re.sub(r'[^A-Za-z0-9_]', '_', role)}"


class Compiler:
    def __init__(self, dialect: str, schema: str = "access", source_schema: str | None = None):
        from scaffolder.extras import require

        require("sqlglot", "access", "access compile")
        if dialect not in DIALECTS:
            raise UsageError(f"unknown dialect {dialect!r} (one of {', '.join(DIALECTS)})")
        self.d: Dialect = DIALECTS[dialect]
        self.schema = check_name("--schema", schema)
        self.source_schema = check_name("--source-schema", source_schema or self.d.source_schema)

    def name(self, name: str) -> str:
        """As the engine stores it: dbt creates tables, columns and schemas unquoted, which
        Snowflake upper-cases; a name that needs quoting anyway is kept as written."""
        return name.upper() if self.d.fold_upper and _NAME.match(name) else name

    def ident(self, name: str) -> str:
        from sqlglot import exp

        return exp.to_identifier(self.name(name), quoted=True).sql(self.d.name)

    def literal(self, text: str) -> str:
        from sqlglot import exp

        return exp.Literal.string(text).sql(self.d.name)

    def _template(self, sql: str, column: str) -> exp.Expression:
        import sqlglot
        from sqlglot import exp

        def fill(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Identifier) and node.name == "__c__":
                return exp.to_identifier(self.name(column), quoted=True)
            if isinstance(node, exp.Identifier) and node.name == "__schema__":
                return exp.to_identifier(self.name(self.schema), quoted=True)
            return node

        return sqlglot.parse_one(sql, read=self.d.name).transform(fill)

    def column(self, f: Field, effect: str, method: str | None) -> exp.Expression | None:
        """The select item of one column: itself, its masked value (named as the column), or None."""
        from sqlglot import exp

        if effect == "deny":
            return None
        col = exp.column(self.name(f.name), quoted=True)
        if effect == "allow":
            return col
        if method == "hash":
            value = self._template(self.d.hash, f.name)
        elif method == "tokenize":
            value = self._template(self.d.tokenize, f.name)
        elif f.type is not None and f.type.name == "string":
            value = exp.Literal.string(REDACTED)
        else:
            value = exp.Null()
        return exp.alias_(value, self.name(f.name), quoted=True)

    def view(self, contract: Contract, decision: Decision) -> str | None:
        """CREATE VIEW for one role, or None when the role reads no column."""
        from sqlglot import exp

        items = [self.column(f, c.effect, c.method)
                 for f, c in zip(contract.fields, decision.columns, strict=True)]
        items = [i for i in items if i is not None]
        if not items:
            return None
        source = exp.table_(self.name(contract.product), db=self.name(self.source_schema), quoted=True)
        select = exp.select(*items).from_(source)
        target = exp.table_(self.name(view_name(contract, decision.role)), db=self.name(self.schema),
                            quoted=True).sql(self.d.name)
        return f"CREATE OR REPLACE {self.d.view_kind} {target} AS {select.sql(self.d.name)}"

    def compile(self, contract: Contract, decisions: list[Decision]) -> Compiled:
        out = Compiled(contract.name, self.d.name, decisions=decisions)
        schema = self.ident(self.schema)
        out.statements.append(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        tokenizing = {d.role for d in decisions if any(c.method == "tokenize" for c in d.columns)}
        if tokenizing:
            out.statements += [s.format(schema=schema, schema_text=schema.replace("'", "''"))
                               for s in self.d.setup_tokenize]
        seen: dict[str, str] = {}
        for decision in decisions:
            stmt = self.view(contract, decision)
            if stmt is None:
                continue
            name = view_name(contract, decision.role)
            if name in seen:
                raise UsageError(f"{contract.path}: roles {seen[name]!r} and {decision.role!r} of "
                                 f"{contract.name} map to the same view {name}: rename one")
            seen[name] = decision.role
            out.statements.append(stmt)
            view = f"{schema}.{self.ident(name)}"
            out.views[decision.role] = f"{self.schema}.{name}"
            principal = self.d.principal.format(role=decision.role)
            values = {"schema": schema, "view": view, "principal": self.ident(principal),
                      "principal_text": self.literal(principal)}
            grants = [*self.d.grants, *(self.d.tokenize_grants if decision.role in tokenizing else ())]
            out.statements += [g.format(**values) for g in grants]
        return out


def roles_to_compile(contract: Contract, mesh_roles: list[str] | None, extra: list[str]) -> list[str]:
    """The contract's roles, the mesh's known roles and any asked for: each gets a decision."""
    return sorted({*contract.roles, *(mesh_roles or []), *extra})


def compile_all(contracts: list[Contract], dialect: str, *, decider: Decider | None = None,
                mesh_roles: list[str] | None = None, extra_roles: list[str] | None = None,
                schema: str = "access", source_schema: str | None = None,
                attrs: dict[str, str] | None = None) -> list[Compiled]:
    decider = decider or Decider()
    compiler = Compiler(dialect, schema, source_schema)
    out = []
    for contract in contracts:
        roles = roles_to_compile(contract, mesh_roles, extra_roles or [])
        decisions = [decider.decide(contract, role, attrs) for role in roles]
        out.append(compiler.compile(contract, decisions))
    return out

"""How each engine enforces an access decision: as data, one entry per dialect.

Every dialect gets one view per role that may read a product (masked columns
computed in the view, denied columns left out) and the grants that let only that
role read it. Why views everywhere rather than Snowflake masking policies or
Databricks column masks: a native mask must return the column's own type, but
`hash`/`tokenize` turn any column into hex text; a view expresses every method the
same way in every engine, and the engines' grants then keep the base table
private. The tokenize key never appears in the SQL text: each dialect reads it
from where the applier put it (see docs/access.md):

- duckdb: the reader's session variable `access_token_key` (DuckDB has no roles:
  the views are a convenience, not a barrier)
- postgres: the connection setting `access.token_key` (PGOPTIONS) copied into a
  table only the owner reads, behind a SECURITY DEFINER function
- snowflake: the session variable `$ACCESS_TOKEN_KEY`, copied into an owner-only
  table behind a secure function
- databricks: the secret `token_key` of the secret scope `access` (`secret()`)
- bigquery: the query parameter `@token_key`, copied into a table of the views'
  dataset that only the authorized views read

Templates hold `__c__` (the column), `__schema__` (the access schema), `{role}`,
`{view}`, `{schema}` and `{principal}`: identifiers and literals are rendered by
sqlglot, never pasted raw.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    name: str
    source_schema: str  # where dbt builds the product's table by default
    text_type: str  # the dialect's string type (redact keeps strings strings)
    hash: str  # SQL of the SHA-256 hex of __c__
    tokenize: str  # SQL of the keyed SHA-256 hex of __c__
    view_kind: str = "VIEW"
    setup_tokenize: tuple[str, ...] = ()  # statements run once when a column is tokenized
    grants: tuple[str, ...] = ()  # per (role, view)
    tokenize_grants: tuple[str, ...] = ()  # per role, when its view tokenizes
    principal: str = "{role}"  # how a role is named in a grant
    fold_upper: bool = False  # unquoted names are stored upper-case (Snowflake): quote them so
    notes: tuple[str, ...] = field(default_factory=tuple)


DIALECTS: dict[str, Dialect] = {d.name: d for d in (
    Dialect(
        "duckdb", "main", "VARCHAR",
        hash="sha256(CAST(__c__ AS VARCHAR))",
        tokenize="CASE WHEN getvariable('access_token_key') IS NULL THEN error('access: tokenize needs the "
                 "key: SET VARIABLE access_token_key = ...') "
                 "ELSE sha256(getvariable('access_token_key') || ':' || CAST(__c__ AS VARCHAR)) END",
        notes=("DuckDB has no roles: each view is what that role may read; keep the base file private.",
               "tokenize reads the key from the session: SET VARIABLE access_token_key = '...'."),
    ),
    Dialect(
        "postgres", "public", "TEXT",
        hash="encode(sha256(convert_to(CAST(__c__ AS TEXT), 'UTF8')), 'hex')",
        tokenize="__schema__.tokenize(CAST(__c__ AS TEXT))",
        setup_tokenize=(
            "CREATE TABLE IF NOT EXISTS {schema}.token_key (key TEXT NOT NULL)",
            "REVOKE ALL ON {schema}.token_key FROM PUBLIC",
            "DELETE FROM {schema}.token_key",
            "INSERT INTO {schema}.token_key (key) SELECT current_setting('access.token_key') "
            "WHERE current_setting('access.token_key') <> ''",
            "CREATE OR REPLACE FUNCTION {schema}.tokenize(value TEXT) RETURNS TEXT LANGUAGE sql STABLE "
            "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS "
            "$$ SELECT encode(sha256(convert_to(k.key || ':' || value, 'UTF8')), 'hex') "
            "FROM {schema}.token_key AS k $$",
        ),
        grants=("GRANT USAGE ON SCHEMA {schema} TO {principal}",
                "REVOKE ALL ON {view} FROM PUBLIC",
                "GRANT SELECT ON {view} TO {principal}"),
        notes=("Roles are created by Terraform (terraform/); views run with their owner's rights, so the "
               "roles need no grant on the base table.",
               "tokenize: apply with PGOPTIONS='-c access.token_key=...' (the key is copied into an "
               "owner-only table)."),
    ),
    Dialect(
        "snowflake", "PUBLIC", "VARCHAR", fold_upper=True,
        hash="SHA2(CAST(__c__ AS VARCHAR), 256)",
        tokenize="__schema__.TOKENIZE(CAST(__c__ AS VARCHAR))",
        view_kind="SECURE VIEW",
        setup_tokenize=(
            "CREATE TABLE IF NOT EXISTS {schema}.TOKEN_KEY (KEY VARCHAR NOT NULL)",
            "DELETE FROM {schema}.TOKEN_KEY",
            "INSERT INTO {schema}.TOKEN_KEY (KEY) SELECT $ACCESS_TOKEN_KEY",
            "CREATE OR REPLACE SECURE FUNCTION {schema}.TOKENIZE(V VARCHAR) RETURNS VARCHAR AS "
            "'SELECT SHA2(KEY || '':'' || V, 256) FROM {schema_text}.TOKEN_KEY'",
        ),
        grants=("GRANT USAGE ON SCHEMA {schema} TO ROLE {principal}",
                "GRANT SELECT ON VIEW {view} TO ROLE {principal}"),
        tokenize_grants=("GRANT USAGE ON FUNCTION {schema}.TOKENIZE(VARCHAR) TO ROLE {principal}",),
        notes=("Secure views: the view text and base table stay hidden from the role.",
               "tokenize: set the session variable first: SET ACCESS_TOKEN_KEY = ... (from the "
               "environment, by the applier)."),
    ),
    Dialect(
        "databricks", "default", "STRING",
        hash="sha2(CAST(__c__ AS STRING), 256)",
        tokenize="sha2(concat(secret('access', 'token_key'), ':', CAST(__c__ AS STRING)), 256)",
        grants=("GRANT USE SCHEMA ON SCHEMA {schema} TO {principal}",
                "GRANT SELECT ON TABLE {view} TO {principal}"),
        notes=("Unity Catalog grants; tokenize reads the secret `token_key` of the scope `access`.",),
    ),
    Dialect(
        "bigquery", "analytics", "STRING",
        hash="TO_HEX(SHA256(CAST(__c__ AS STRING)))",
        tokenize="TO_HEX(SHA256(CONCAT((SELECT key FROM __schema__.token_key LIMIT 1), ':', "
                 "CAST(__c__ AS STRING))))",
        setup_tokenize=(
            "CREATE TABLE IF NOT EXISTS {schema}.token_key (key STRING NOT NULL)",
            "DELETE FROM {schema}.token_key WHERE TRUE",
            "INSERT INTO {schema}.token_key (key) SELECT @token_key",
        ),
        grants=("GRANT `roles/bigquery.dataViewer` ON VIEW {view} TO {principal_text}",),
        principal="group:{role}",
        notes=("Authorize the access dataset's views on the source dataset (authorized views) so "
               "readers need no grant on the table.",
               "tokenize: apply with the query parameter token_key (bq query --parameter=token_key::...)."),
    ),
)}

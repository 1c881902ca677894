"""Meaning: what the JSON Schema cannot say (contract.md, Validation stage 3).

Each rule is one small function registered under its id, so the catalogue
reads as a list and adding a rule never touches the others.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from scaffolder.checks.assertions import ASSERTIONS, QUERY
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract, Field, QualityCheck
from scaffolder.contract.semver import parse_version
from scaffolder.contract.types import TypeParseError, parse_type
from scaffolder.contract.units import parse_percent
from scaffolder.report.finding import Finding, Severity


@dataclass(frozen=True)
class Problem:
    """What a rule yields: a message and the node it is about."""

    message: str
    path: PathKey
    key: bool = False  # point at the key rather than the value
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class SemanticRule:
    id: str
    summary: str
    check: Callable[[Contract], Iterator[Problem]]


RULES: list[SemanticRule] = []


def rule(rule_id: str, summary: str) -> Callable[[Callable[[Contract], Iterator[Problem]]], Callable[[Contract], Iterator[Problem]]]:
    def register(fn: Callable[[Contract], Iterator[Problem]]) -> Callable[[Contract], Iterator[Problem]]:
        RULES.append(SemanticRule(rule_id, summary, fn))
        return fn
    return register


def validate_meaning(contract: Contract) -> list[Finding]:
    out: list[Finding] = []
    for r in RULES:
        for p in r.check(contract):
            out.append(Finding(r.id, p.message, severity=p.severity,
                               location=contract.doc.location(p.path, key=p.key)))
    return out


def _raw(contract: Contract, path: PathKey) -> Any:
    node: Any = contract.doc.data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


@rule("invalid-semver", "metadata.version is strict semver 2.0.0")
def _semver(c: Contract) -> Iterator[Problem]:
    raw = _raw(c, ("metadata", "version"))
    if isinstance(raw, str):
        try:
            parse_version(raw)
        except ValueError as exc:
            yield Problem(str(exc), ("metadata", "version"))


@rule("sunset-required", "a deprecated product names its sunset date")
def _sunset(c: Contract) -> Iterator[Problem]:
    if _raw(c, ("metadata", "status")) == "deprecated" and c.sunset is None:
        yield Problem("status is deprecated but metadata.sunset is missing: consumers need a date (YYYY-MM-DD)",
                      ("metadata", "status"))


@rule("invalid-date", "dates are real calendar dates")
def _dates(c: Contract) -> Iterator[Problem]:
    paths: list[PathKey] = [("metadata", "sunset")]
    paths += [(*f.path, "deprecated", "sunset") for f in c.fields]
    for path in paths:
        raw = _raw(c, path)
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                yield Problem(f"{raw!r} is not a valid date", path)


@rule("duplicate-field", "field names are unique within a contract")
def _dup_fields(c: Contract) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for f in c.fields:
        if f.name in seen:
            line = c.where(c.fields[seen[f.name]].path)[0]
            yield Problem(f"field {f.name!r} is defined twice (first at line {line})", (*f.path, "name"))
        else:
            seen[f.name] = c.fields.index(f)


@rule("unknown-type", "every field type is a known logical type")
def _types(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        if f.type is None and f.type_text:
            try:
                parse_type(f.type_text)
            except TypeParseError as exc:
                yield Problem(f"field {f.name!r}: {exc}", (*f.path, "type"))


_STRING_ONLY = ("min_length", "max_length", "pattern")


@rule("constraint-type-mismatch", "each constraint fits the field's type")
def _constraint_fit(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        t = f.type
        if t is None:
            continue
        raw = _raw(c, (*f.path, "constraints"))
        if not isinstance(raw, dict):
            continue
        for key in _STRING_ONLY:
            if key in raw and not t.is_string:
                yield Problem(f"{key} applies to string fields; {f.name!r} is {t}", f.constraint(key).doc, key=True)
        if "timezone" in raw and not t.is_timestamp:
            yield Problem(f"timezone applies to timestamp fields; {f.name!r} is {t}", f.constraint("timezone").doc, key=True)
        for key in ("min", "max"):
            if key in raw and not (t.is_numeric or t.is_temporal):
                yield Problem(f"{key} applies to numeric, date or timestamp fields; {f.name!r} is {t}",
                              f.constraint(key).doc, key=True)
        if "enum" in raw and not t.is_scalar:
            yield Problem(f"enum applies to scalar fields; {f.name!r} is {t}", f.constraint("enum").doc, key=True)
        if raw.get("masking") in ("hash", "tokenize") and t.name != "string":
            yield Problem(f"masking {raw['masking']} publishes a string; {f.name!r} is {t}: declare it as string",
                          f.constraint("masking").doc)
        if raw.get("primary_key") is True and (raw.get("nullable") is True or raw.get("null") is True):
            yield Problem(f"{f.name!r} is a primary key and cannot be nullable", f.constraint("primary_key").doc, key=True)
        if "nullable" in raw and "null" in raw and raw["nullable"] != raw["null"]:
            yield Problem(f"{f.name!r} says both nullable and null, with different values", f.constraint("null").doc, key=True)


@cache
def _zones() -> frozenset[str]:
    """The tz database's zone names (system zoneinfo or the tzdata package), read once."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


@rule("invalid-timezone", "timezone names a zone of the tz database")
def _timezones(c: Contract) -> Iterator[Problem]:
    # Checked by name against the database's list: never by opening a path built from the text.
    for f in c.fields:
        zone = f.constraints.timezone
        if zone is None or zone == "UTC" or zone in _zones():
            continue
        hint = [z for z in _zones() if z.lower() == zone.lower()] or difflib.get_close_matches(
            zone, sorted(_zones()), n=1, cutoff=0.8)
        msg = f"unknown time zone {zone!r} for {f.name!r}"
        msg += f"; did you mean {hint[0]!r}?" if hint else ": use a tz database name such as UTC or Europe/Berlin"
        yield Problem(msg, f.constraint("timezone").doc)


def _bound_value(f: Field, value: Any) -> Any:
    """The comparable value of a bound for this field's type, or raise ValueError."""
    t = f.type
    assert t is not None
    if t.is_numeric:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number for {t} field {f.name!r}, got {value!r}")
        return value
    if t.name == "date":
        return dt.date.fromisoformat(str(value))
    if t.is_timestamp:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)
    if t.name == "time":
        return dt.time.fromisoformat(str(value))
    return value


@rule("invalid-bound", "min/max values fit the field's type")
def _bounds(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        if f.type is None or not (f.type.is_numeric or f.type.is_temporal):
            continue
        for key in ("min", "max"):
            value = getattr(f.constraints, key)
            if value is None:
                continue
            try:
                _bound_value(f, value)
            except ValueError as exc:
                msg = str(exc) if "must be" in str(exc) else f"{value!r} is not a valid {f.type} for {f.name!r}"
                yield Problem(f"{key} {msg}", f.constraint(key).doc)


@rule("bound-order", "min <= max and min_length <= max_length")
def _bound_order(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        k = f.constraints
        if f.type is not None and k.min is not None and k.max is not None:
            try:
                lo, hi = _bound_value(f, k.min), _bound_value(f, k.max)
                if lo > hi:
                    yield Problem(f"{f.name!r}: min {k.min!r} is greater than max {k.max!r}", f.constraint("min").doc)
            except (ValueError, TypeError):
                pass
        if k.min_length is not None and k.max_length is not None and k.min_length > k.max_length:
            yield Problem(f"{f.name!r}: min_length {k.min_length} is greater than max_length {k.max_length}",
                          f.constraint("min_length").doc)


_REGEX_LOCK = threading.Lock()


@functools.cache
def _regex_engine(pid: int) -> Any:
    """An in-memory DuckDB connection: the engine that runs the checks parses their regexes.

    DuckDB's own RE2 decides, not Python's `re` (which rejects `\\p{L}` and accepts
    `\\Z`) nor a newer RE2 binding (which accepts `(?<name>...)`, DuckDB's does not).
    DuckDB is imported only when a contract has a regex; one connection per process
    (`pid`: a forked worker never shares its parent's).
    """
    import duckdb

    return duckdb.connect(":memory:")


@functools.cache
def regex_problem(pattern: str) -> str | None:
    """Why `pattern` cannot run in DuckDB (RE2), or None."""
    import duckdb

    try:
        with _REGEX_LOCK:  # one connection per process: never used by two threads at once
            _regex_engine(os.getpid()).execute("SELECT regexp_matches('', $1)", [pattern]).fetchone()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ").strip()
        hint = " (RE2 has no lookaround, backreferences or atomic groups)" if _PERL_ONLY.search(reason) else ""
        return f"invalid regex {pattern!r} for RE2, the engine that runs it: {reason}{hint}"
    return None


_PERL_ONLY = re.compile(r"perl operator: \(\?[=!<>]|escape sequence: \\[1-9]")


@rule("invalid-regex", "patterns compile and run in DuckDB's RE2")
def _regexes(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        if f.constraints.pattern is not None:
            problem = regex_problem(f.constraints.pattern)
            if problem:
                yield Problem(problem, f.constraint("pattern").doc)
    for check in c.checks:
        regex = check.value.get("regex")
        if isinstance(regex, str):
            problem = regex_problem(regex)
            if problem:
                yield Problem(problem, (*check.path, "value", "regex"))


@rule("invalid-enum", "enum values fit the type and appear once")
def _enums(c: Contract) -> Iterator[Problem]:
    for f in c.fields:
        values = f.constraints.enum
        if not values or f.type is None:
            continue
        seen: set[Any] = set()
        for i, v in enumerate(values):
            if isinstance(v, list | dict):
                continue  # the schema stage reports a list or mapping as an enum value
            path = (*f.constraint("enum").doc, i)
            key = (type(v).__name__, v)
            if key in seen:
                yield Problem(f"enum value {v!r} of {f.name!r} appears twice", path)
            seen.add(key)
            if f.type.is_numeric and (isinstance(v, bool) or not isinstance(v, int | float)):
                yield Problem(f"enum value {v!r} is not a number, but {f.name!r} is {f.type}", path)
            if f.type.is_string and not isinstance(v, str):
                yield Problem(f"enum value {v!r} is not a string, but {f.name!r} is {f.type} (quote it)", path)


@rule("deprecation", "a deprecated field names a real replacement")
def _field_deprecation(c: Contract) -> Iterator[Problem]:
    names = {f.name for f in c.fields}
    for f in c.fields:
        dep = f.deprecated
        if dep and dep.replaced_by and dep.replaced_by not in names:
            yield Problem(f"{f.name!r} is replaced_by {dep.replaced_by!r}, which is not a field",
                          (*f.path, "deprecated", "replaced_by"))
        if dep and dep.since:
            try:
                parse_version(dep.since)
            except ValueError as exc:
                yield Problem(str(exc), (*f.path, "deprecated", "since"))


@rule("invalid-rename", "renamed_from names a field that no longer exists")
def _renames(c: Contract) -> Iterator[Problem]:
    names = {f.name for f in c.fields}
    for f in c.fields:
        if f.renamed_from and f.renamed_from in names:
            yield Problem(f"{f.name!r} is renamed_from {f.renamed_from!r}, but {f.renamed_from!r} is still a field",
                          (*f.path, "renamed_from"))


@rule("invalid-sla", "SLA values parse and the freshness column is a timestamp")
def _sla(c: Contract) -> Iterator[Problem]:
    raw = _raw(c, ("spec", "sla"))
    if not isinstance(raw, dict):
        return
    if "availability" in raw:
        try:
            parse_percent(raw["availability"])
        except ValueError as exc:
            yield Problem(str(exc), ("spec", "sla", "availability"))
    col = raw.get("freshness_column")
    if isinstance(col, str):
        f = c.field(col)
        if f is None:
            yield Problem(f"freshness_column {col!r} is not a field{_did_you_mean(col, c)}",
                          ("spec", "sla", "freshness_column"))
        elif f.type is not None and not f.type.is_timestamp:
            yield Problem(f"freshness_column {col!r} is {f.type}; freshness needs a timestamp",
                          ("spec", "sla", "freshness_column"))
    elif "freshness" in raw:
        stamps = [f.name for f in c.fields if f.type is not None and f.type.is_timestamp]
        if len(stamps) > 1:
            yield Problem(f"several timestamp fields ({', '.join(stamps)}): name one in sla.freshness_column",
                          ("spec", "sla", "freshness"), key=True)
        elif not stamps and all(f.type is not None for f in c.fields):
            yield Problem("freshness needs a timestamp field to measure; none is defined",
                          ("spec", "sla", "freshness"), key=True)


WATERMARK_TYPES = ("timestamp", "timestamp_tz", "date", "int", "long")


@rule("invalid-watermark", "schema.watermark names a timestamp, date or integer field")
def _watermark(c: Contract) -> Iterator[Problem]:
    col = _raw(c, ("spec", "schema", "watermark"))
    if not isinstance(col, str):
        return
    f = c.field(col)
    if f is None:
        yield Problem(f"watermark {col!r} is not a field{_did_you_mean(col, c)}", ("spec", "schema", "watermark"))
    elif f.type is not None and f.type.name not in WATERMARK_TYPES:
        yield Problem(f"watermark {col!r} is {f.type}; a watermark is a timestamp, date or integer (int, long) "
                      "field that grows with every new row", ("spec", "schema", "watermark"))


def _did_you_mean(name: str, c: Contract) -> str:
    hint = difflib.get_close_matches(name, [f.name for f in c.fields], n=1, cutoff=0.6)
    return f"; did you mean {hint[0]!r}?" if hint else ""


@rule("invalid-check", "quality checks name a known assertion, a real column, valid arguments")
def _checks(c: Contract) -> Iterator[Problem]:
    names = {f.name for f in c.fields}
    for check in c.checks:
        spec = ASSERTIONS.get(check.assertion)
        if spec is None:
            hint = difflib.get_close_matches(check.assertion, list(ASSERTIONS), n=1, cutoff=0.6)
            msg = f"unknown assertion {check.assertion!r}"
            msg += f"; did you mean {hint[0]!r}?" if hint else f" (known assertions: {', '.join(ASSERTIONS)})"
            yield Problem(msg, (*check.path, "assertion"))
            continue
        if spec.scope == "column" and check.column is None:
            yield Problem(f"{check.assertion} needs a column", check.path)
        if spec.scope == "table" and check.column is not None:
            yield Problem(f"{check.assertion} is a table-level check: remove column", (*check.path, "column"), key=True)
        if check.column is not None and check.column not in names:
            yield Problem(f"check on unknown column {check.column!r}{_did_you_mean(check.column, c)}",
                          (*check.path, "column"))
        raw_threshold = _raw(c, (*check.path, "threshold"))
        if isinstance(raw_threshold, int | float) and not isinstance(raw_threshold, bool) and not 0 <= raw_threshold <= 1:
            yield Problem(f"threshold {raw_threshold} is outside 0..1 (it is the fraction of rows that must pass)",
                          (*check.path, "threshold"))
        yield from _check_args(c, check.path, check.value, spec, names)
        if spec.name == QUERY:
            yield from _query_check(c, check)


def _query_check(c: Contract, check: QualityCheck) -> Iterator[Problem]:
    """A query check's operators say what passes; `{property}` needs the rule's column."""
    if _raw(c, (*check.path, "threshold")) is not None:
        yield Problem(f"{QUERY} has no threshold: its operators say what passes", (*check.path, "threshold"),
                      key=True)
    query = check.value.get("query")
    if check.column is None and isinstance(query, str) and re.search(r"\$?\{(property|column)\}", query):
        yield Problem("the query names {property} but the check has no column", (*check.path, "value", "query"))


def _check_args(c: Contract, path: PathKey, value: dict[str, Any], spec: Any, names: set[str]) -> Iterator[Problem]:
    vpath = (*path, "value")
    for key in value:
        if key not in spec.args:
            hint = difflib.get_close_matches(key, list(spec.args), n=1, cutoff=0.6)
            known = ", ".join(spec.args) or "none"
            msg = f"{spec.name} has no argument {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else f" (arguments: {known})")
            yield Problem(msg, (*vpath, key), key=True)
    for key in spec.required:
        if key not in value:
            yield Problem(f"{spec.name} needs value.{key}", vpath if value else path, key=not value)
    if spec.one_of and not any(k in value for k in spec.one_of):
        yield Problem(f"{spec.name} needs value.{' or value.'.join(spec.one_of)}", vpath if value else path, key=not value)
    for key, kind in spec.args.items():
        if key not in value:
            continue
        v = value[key]
        if kind in ("list", "columns") and not isinstance(v, list):
            yield Problem(f"value.{key} must be a list", (*vpath, key))
        if kind == "columns" and isinstance(v, list):
            for i, col in enumerate(v):
                if isinstance(col, list | dict):  # unhashable: no column could be named by it
                    what = "a list" if isinstance(col, list) else "a mapping"
                    yield Problem(f"value.{key} holds {what}, not a column name", (*vpath, key, i))
                elif col not in names:
                    yield Problem(f"value.{key} names unknown column {col!r}", (*vpath, key, i))
        if kind == "string" and not isinstance(v, str):
            yield Problem(f"value.{key} must be a string", (*vpath, key))
        if kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            yield Problem(f"value.{key} must be an integer", (*vpath, key))
        if kind == "bool" and not isinstance(v, bool):
            yield Problem(f"value.{key} must be true or false", (*vpath, key))
        if kind == "bound" and (isinstance(v, bool) or not isinstance(v, int | float | str)):
            yield Problem(f"value.{key} must be a number or a date", (*vpath, key))
    lo, hi = value.get("min_value"), value.get("max_value")
    if lo is not None and hi is not None and type(lo) is type(hi) and not isinstance(lo, bool):
        try:
            if lo > hi:
                yield Problem(f"value.min_value {lo!r} is greater than value.max_value {hi!r}", (*vpath, "min_value"))
        except TypeError:
            pass

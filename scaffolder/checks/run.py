"""Run a contract's checks against data: `run_checks(contract, source) -> CheckReport`.

Passes over the data, on any engine (checks.engines: DuckDB by default): one
aggregate statement for every per-row check, row count and freshness
(compile.main_statement), plus one GROUP BY pass only when the contract has
uniqueness checks (on DuckDB uniqueness.DuplicatePlan: every key grouped at
most once, compound keys only among the rows whose leading column repeats or
is null; elsewhere one GROUPING SETS pass).
On Parquet, DuckDB answers checks the footer statistics prove before the scan.
Samples are fetched afterwards, only for checks that failed.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scaffolder.checks import conform
from scaffolder.checks.compile import (
    Check,
    CheckError,
    Col,
    Counting,
    Statement,
    main_statement,
    plan,
)
from scaffolder.checks.dialects import DUCKDB, Dialect
from scaffolder.checks.engines import make_engine
from scaffolder.checks.engines.base import Engine, Shortcuts
from scaffolder.checks.results import EXTRA_COLUMN, NOT_RUN, CheckReport, CheckResult, passes
from scaffolder.checks.sources import first_line
from scaffolder.checks.sql import Params
from scaffolder.contract.model import Contract
from scaffolder.report.finding import Finding, Severity
from scaffolder.report.words import plural

Progress = Callable[[str], None]


def parse_now(text: str) -> dt.datetime:
    """`--now`: ISO 8601; a time without an offset is UTC."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00") if text.strip().endswith("Z") else text.strip())
    except ValueError as exc:
        raise ValueError(f"--now {text!r} is not an ISO 8601 timestamp (e.g. 2026-01-31T12:00:00Z)") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def run_checks(contract: Contract | str | Path, source: str, *, now: dt.datetime | None = None,
               samples: int = 0, source_format: str | None = None,
               progress: Progress | None = None, use_metadata: bool = True,
               engine: str | Engine = "duckdb", engine_options: dict[str, Any] | None = None) -> CheckReport:
    """Check `source` against `contract` (a Contract or a contract path).

    `engine` is a name of checks.engines.ENGINES (options in `engine_options`,
    e.g. `{"master": "local[2]"}` for spark) or an open Engine, which the
    caller keeps (and closes). `use_metadata=False` scans for every check
    instead of answering some from Parquet statistics (the results are the
    same; tests compare both).
    Raises ContractError for an invalid contract and SourceError (a UsageError)
    when the data cannot be found or read.
    """
    if not isinstance(contract, Contract):
        from scaffolder.contract.validate import load_contract

        contract = load_contract(contract)
    eng = engine if isinstance(engine, Engine) else make_engine(engine, **(engine_options or {}))
    try:
        return _run(eng, contract, source, now=now, samples=samples, source_format=source_format,
                    say=progress or (lambda _msg: None), use_metadata=use_metadata)
    finally:
        if eng is not engine:
            eng.close()


def _run(eng: Engine, contract: Contract, source: str, *, now: dt.datetime | None, samples: int,
         source_format: str | None, say: Progress, use_metadata: bool) -> CheckReport:
    started = time.perf_counter()
    strings = [f.name for f in contract.fields if f.type is not None and f.type.is_string]
    say(f"opening {source}")
    src = eng.open(source, source_format, strings)
    physical = src.columns
    checks = plan(contract)
    _bind_columns(checks, contract, physical, eng.dialect)
    eng.prepare(checks)
    report = CheckReport(contract.path, contract.name, source, src.format, None)
    report.warnings = _extra_columns(contract, physical) + _not_run(contract)
    results: dict[str, CheckResult] = {c.id: _result(c, contract) for c in checks}
    _schema_results(checks, results, contract, physical, typed=src.typed)

    fresh = next((c for c in checks if c.counting is Counting.FRESHNESS), None)
    scanned = [c for c in checks if c.counting not in (Counting.COLUMNS, Counting.FRESHNESS, Counting.QUERY)]
    values: dict[tuple[str, str], Any] = {}
    known = Shortcuts()
    if use_metadata:
        known = eng.shortcuts(src, [*scanned, *([fresh] if fresh else [])], values, say)
    for cid, via in known.via.items():
        results[cid].via = via
    rest = [c for c in scanned if c.id not in known.via and c.id not in known.counted]
    dups = any(c.error is None and c.counting is Counting.DUPLICATES for c in scanned)
    say(f"scanning {source} ({plural(len(checks), 'check')}, one pass{' + one for uniqueness' if dups else ''})")
    # One statement after the other: running the uniqueness pass on a second cursor at the same
    # time was measured slower at 10M rows (2.50 s vs 2.30 s) and no faster at 1M.
    got, rows = _main(eng, rest, fresh if fresh is not None and fresh.id not in known.via else None, results)
    if dups:
        eng.duplicates(scanned, values, lambda c, exc: _engine_error(eng, c, results[c.id], exc, "cannot be evaluated"))
    values.update(got)
    report.rows = rows
    for c in scanned:
        if c.error is None:
            _score(c, results[c.id], values, eng.dialect)
    _queries(eng, [c for c in checks if c.counting is Counting.QUERY], results)
    if fresh is not None:
        _freshness(fresh, results[fresh.id], values.get((fresh.id, "observed")), now,
                   values.get((fresh.id, "latest")))
    if samples > 0:
        say("fetching samples of failing checks")
        for c in checks:
            r = results[c.id]
            if not r.passed and c.error is None:
                r.samples = _samples(eng, c, r, contract, samples)
    for c in checks:  # the check owns its error (planning, binding, running); its result reports it
        results[c.id].error = c.error
    report.checks = [results[c.id] for c in checks]
    report.seconds = time.perf_counter() - started
    return report


def _engine_error(eng: Engine, c: Check, r: CheckResult, exc: BaseException, what: str) -> None:
    message, r.detail = eng.in_our_words(exc)
    c.error = f"{what}: {message}"


def _result(c: Check, contract: Contract) -> CheckResult:
    return CheckResult(c.id, c.source, c.assertion, c.column, c.threshold,
                       contract.doc.location(c.path, json_path=c.json_path))


def _bind_columns(checks: list[Check], contract: Contract, physical: dict[str, str],
                  dialect: Dialect = DUCKDB) -> None:
    """Attach each referenced column's physical type; a missing column makes the check an error."""
    for c in checks:
        if c.counting is Counting.COLUMNS:
            continue
        for name in c.reads:
            if name not in physical:
                c.error = f"column {name!r} is not in the data"
                break
            f = contract.field(name)
            zone = (f.constraints.timezone if f and f.constraints.timezone else "UTC")
            c.cols[name] = Col(name, physical[name], conform.family(physical[name]), zone, dialect)
        if c.error is None and c.column and c.rule is not None and c.rule.build is not None:
            try:
                c.predicate(Params(dialect=dialect))
            except CheckError as exc:
                c.error = str(exc)


def _extra_columns(contract: Contract, physical: dict[str, str]) -> list[Finding]:
    known = {f.name for f in contract.fields}
    absent = [f.name for f in contract.fields if f.name not in physical]
    loc = contract.doc.location(("spec", "schema", "fields"), json_path="$.spec.schema.fields")
    out = []
    for name, typ in physical.items():
        if name in known:
            continue
        near = similar_name(name, absent)
        hint = f"; did you mean the contract's {near!r}?" if near else ""
        out.append(Finding(EXTRA_COLUMN, f"column {name!r} ({typ}) is in the data but not in the contract{hint}",
                           Severity.WARNING, loc, product=contract.name,
                           data={"column": name, "type": typ, **({"did_you_mean": near} if near else {})}))
    return out


def _not_run(contract: Contract) -> list[Finding]:
    """The ODCS quality rules kept without a counterpart (custom, text...): listed, not run."""
    from scaffolder.odcs.unrun import not_run

    return [Finding(NOT_RUN, what, Severity.INFO, contract.doc.location(path), product=contract.name)
            for path, what in not_run(contract.doc.data)]


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def similar_name(name: str, candidates: list[str]) -> str | None:
    """The candidate `name` most likely means: equal but for case and `_`/`-`/spaces, else close."""
    import difflib

    by_squash = {_squash(c): c for c in candidates}
    if _squash(name) in by_squash:
        return by_squash[_squash(name)]
    close = difflib.get_close_matches(_squash(name), list(by_squash), n=1, cutoff=0.85)
    return by_squash[close[0]] if close else None


def _schema_results(checks: list[Check], results: dict[str, CheckResult], contract: Contract,
                    physical: dict[str, str], *, typed: bool) -> None:
    contract_names = {f.name for f in contract.fields}
    for c in checks:
        r = results[c.id]
        if c.source == "schema":
            f = contract.field(c.column or "")
            assert f is not None
            r.failed, r.total = 1, 1
            if c.column not in physical:
                near = similar_name(c.column or "", [k for k in physical if k not in contract_names])
                r.message = f"column {c.column!r} is missing from the data" + (
                    f" (found {near!r}: names are case-sensitive and matched exactly)" if near else "")
            elif f.type is None:
                r.message = f"contract type {f.type_text!r} does not parse"
            elif not conform.conforms(f.type, physical[f.name], typed=typed):
                r.observed = physical[f.name]
                r.message = f"type {physical[f.name]} does not match contract type {f.type} (expected {f.type.duckdb()})"
            else:
                r.failed, r.observed = 0, physical[f.name]
            r.passed = r.failed == 0
        elif c.counting is Counting.COLUMNS:  # expect_table_columns_to_match_set
            wanted = list(c.columns)
            exact = c.args.get("exact_match", True) is not False
            missing = [x for x in wanted if x not in physical]
            extra = [x for x in physical if x not in wanted] if exact else []
            r.failed, r.total = len(missing) + len(extra), len(wanted) + len(extra)
            r.observed = list(physical)
            r.passed = r.failed == 0
            r.message = "; ".join(filter(None, [
                f"missing {', '.join(map(repr, missing))}" if missing else "",
                f"unexpected {', '.join(map(repr, extra))}" if extra else ""]))


def _main(eng: Engine, checks: list[Check], fresh: Check | None,
          results: dict[str, CheckResult]) -> tuple[dict[tuple[str, str], Any], int]:
    """Run the one statement; if the engine rejects it, run each check alone to find the culprit."""
    runnable = [c for c in checks if c.error is None]
    stmt = main_statement(runnable, eng.relation, fresh, eng.dialect)
    try:
        return _collect(eng, stmt)
    except eng.errors:
        pass
    values: dict[tuple[str, str], Any] = {}
    rows = eng.one(f"SELECT count(*) FROM {eng.relation}")[0]
    for c in [*runnable, *([fresh] if fresh and fresh.error is None else [])]:
        single = main_statement([c] if c is not fresh else [], eng.relation, fresh if c is fresh else None,
                                eng.dialect)
        try:
            got, _ = _collect(eng, single)
            values.update(got)
        except eng.errors as exc:
            _engine_error(eng, c, results[c.id], exc, "cannot be evaluated on this data")
    return values, rows


def _collect(eng: Engine, stmt: Statement) -> tuple[dict[tuple[str, str], Any], int]:
    row = eng.one(stmt.sql, stmt.bound)
    values = {key: value for key, value in zip(stmt.outputs, row, strict=True)}
    return values, int(values[("", "rows")])


def _score(c: Check, r: CheckResult, values: dict[tuple[str, str], Any], dialect: Dialect = DUCKDB) -> None:
    r.failed = int(values.get((c.id, "failed")) or 0)
    r.total = int(values.get((c.id, "total")) or 0)
    r.observed = values.get((c.id, "observed"))
    row_count = c.counting is Counting.ROW_COUNT
    r.passed = passes(r.failed, r.total, c.threshold, zero_rows_pass=not row_count)
    if not r.passed:
        rule = c.rule
        assert rule is not None
        if c.counting is Counting.AGGREGATE and r.observed is None:
            r.message = f"no non-null values: nothing to compare with {_bounds(c.args)}"
        elif c.counting in (Counting.AGGREGATE, Counting.ROW_COUNT):
            r.message = f"{rule.summary}: observed {r.observed!s}, expected {_bounds(c.args)}"
        elif c.counting is Counting.DISTINCT:
            r.message = f"{r.failed} of {r.total} distinct values are not in the set"
        else:
            r.message = f"{r.failed} of {r.total} {'rows' if c.counting is Counting.ALL_ROWS else 'values'} {'are' if r.failed != 1 else 'is'} {c.summary or rule.summary}"
        if "regex" in c.args and dialect.regex_flavour != "RE2":  # the one place engines may differ
            r.message += f" (the regex ran as a {dialect.regex_flavour} regex on {dialect.name}, not RE2)"


def _queries(eng: Engine, checks: list[Check], results: dict[str, CheckResult]) -> None:
    """ODCS `sql` rules: each query, refused unless it is one read-only SELECT of the data (checks.query)."""
    from scaffolder.checks.query import judge, one_value, render
    from scaffolder.checks.results import plain

    for c in checks:
        r = results[c.id]
        if c.error is not None:
            continue
        try:
            reason = eng.refuse_query(c.args["query"], c.column)
            if reason is not None:
                raise CheckError(f"refused: {reason}")
            value = one_value(eng.run_query(render(c.args["query"], eng.relation, c.column, eng.dialect)))
            r.passed, wanted = judge(value, c.args)
        except CheckError as exc:
            c.error = str(exc)
            continue
        except eng.errors as exc:
            r.detail = first_line(exc)
            c.error = f"the query failed: {r.detail}"
            continue
        r.failed, r.total, r.observed = (0 if r.passed else 1), 1, value
        if not r.passed:
            r.message = f"query result {plain(value)!r}, expected {wanted}"


def _bounds(args: dict[str, Any]) -> str:
    lo, hi = args.get("min_value"), args.get("max_value")
    return f"{'(' if args.get('strict_min') else '['}{'-inf' if lo is None else lo}, {'+inf' if hi is None else hi}{')' if args.get('strict_max') else ']'}"


def _freshness(c: Check, r: CheckResult, epoch_us: Any, now: dt.datetime | None, text: str | None = None) -> None:
    """now - max(column) <= sla.freshness. Naive timestamps are read in the column's zone (default UTC).

    Computed on integer microseconds, not datetimes: the data may hold `infinity`
    or years past 9999 or BC, and --now may be a clock whose UTC time Python
    cannot represent (0001-01-01T00:00+14:00); a datetime is made only to print.
    """
    if c.error is not None:
        return
    clock = now or dt.datetime.now(dt.UTC)
    if clock.tzinfo is None:
        clock = clock.replace(tzinfo=dt.UTC)
    limit = int(c.args["max_age_seconds"])
    r.total = 1
    if epoch_us is None and text not in ("infinity", "-infinity"):
        r.failed, r.passed = 1, False
        r.message = f"no {c.column!r} values: the data has no rows to be fresh"
        return
    now_us = (clock - _EPOCH) // dt.timedelta(microseconds=1)
    if epoch_us is None:  # `infinity` is after any clock, `-infinity` before
        age: float = -math.inf if text == "infinity" else math.inf
        shown = str(text)
    else:
        zone = dt.UTC if c.col.family == "timestamptz" else ZoneInfo(c.col.timezone)
        latest_us = int(epoch_us) - _offset_us(zone, int(epoch_us))
        age = (now_us - latest_us) / 1e6
        shown = _show(latest_us, text, zone)
    r.observed = {"latest": shown, "now": _utc_text(clock), "age_seconds": age if math.isfinite(age) else None}
    r.failed = 1 if age > limit else 0
    r.passed = r.failed == 0
    if not r.passed:
        before = "infinitely long" if math.isinf(age) else _age(age)
        r.message = f"latest {c.column} is {shown}, {before} before now; the SLA allows {c.args['max_age']}"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _offset_us(zone: dt.tzinfo, wall_us: int) -> int:
    """The zone's UTC offset at a wall time; past Python's year range, the offset at its nearest end
    (a time thousands of years away is stale or in the future whatever the offset)."""
    try:
        wall = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=wall_us)
    except OverflowError:
        wall = dt.datetime.max - dt.timedelta(days=2) if wall_us > 0 else dt.datetime.min + dt.timedelta(days=2)
    offset = wall.replace(tzinfo=zone).utcoffset() or dt.timedelta(0)
    return offset // dt.timedelta(microseconds=1)


def _show(utc_us: int, text: str | None, zone: dt.tzinfo) -> str:
    """An instant in ISO 8601 UTC, or DuckDB's own spelling (with the zone) where Python has no datetime."""
    try:
        return (_EPOCH + dt.timedelta(microseconds=utc_us)).isoformat()
    except OverflowError:
        return f"{text} ({zone})" if text else f"{utc_us} µs after 1970-01-01 UTC"


def _utc_text(clock: dt.datetime) -> str:
    try:
        return clock.astimezone(dt.UTC).isoformat()
    except OverflowError:  # 0001-01-01T00:00+14:00 is in year 0 in UTC
        return clock.isoformat()


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


def _samples(eng: Engine, c: Check, r: CheckResult, contract: Contract, n: int) -> list[Any]:
    """Up to n failing values (for not-null checks: the primary key of offending rows)."""
    kind = c.counting
    if kind in (Counting.AGGREGATE, Counting.ROW_COUNT, Counting.FRESHNESS, Counting.QUERY):
        return [r.observed] if r.observed is not None else []
    if kind is Counting.COLUMNS:
        return []
    if kind is Counting.DUPLICATES:
        return eng.duplicate_samples(c, n)
    params = Params(dialect=eng.dialect)
    pred = c.predicate(params)
    target = c.col.sql
    if c.rule is not None and c.rule.samples_by_key:
        pk = contract.primary_key
        if len(pk) != 1 or pk[0] == c.column:
            return []
        target = eng.dialect.ident(pk[0])
    distinct = "DISTINCT " if kind is Counting.DISTINCT else ""
    try:
        rows = eng.execute(f"SELECT {distinct}{target} FROM {eng.relation} WHERE {pred} LIMIT {int(n)}",
                           params.bound)
    except eng.errors:  # a primary key column that is missing: no samples rather than no report
        return []
    return [row[0] for row in rows]

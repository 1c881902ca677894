"""`run_incremental`: check only the files STATE has not seen, report for the whole table.

The run, in order: list SOURCE's files and compare them with STATE's record
(checks.incremental.files); decide incremental or full (a changed or deleted
file, other columns, another source, no record or `--full` make it full);
read each part a check needs (checks.incremental.partials) from the new files
when STATE has it, from every file when it does not (a new or changed check);
then, in one transaction, grow the parts, record the files, contract and
columns, and score every check from the parts. Reading happens before the
transaction opens: a failing read or a killed run leaves STATE as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.checks import sandbox
from scaffolder.checks.assertions import Combine
from scaffolder.checks.compile import Check, Counting, plan
from scaffolder.checks.engines.duckdb import DuckDBEngine
from scaffolder.checks.guards import check_text, data_files
from scaffolder.checks.incremental import snapshots, spark_keys, watermark
from scaffolder.checks.incremental.files import FileDiff, compare
from scaffolder.checks.incremental.jobs import Job, run_all
from scaffolder.checks.incremental.partials import (
    ROWS,
    Part,
    batch_sql,
    combine_of,
    create_sql,
    grow_sql,
    hits_sql,
    parts_of,
    score_sql,
    score_together_sql,
    together_sql,
    why_full,
)
from scaffolder.checks.incremental.state import State
from scaffolder.checks.incremental.state import paths as state_paths
from scaffolder.checks.results import CheckReport
from scaffolder.checks.run import (
    Progress,
    _bind_columns,
    _engine_error,
    _extra_columns,
    _freshness,
    _main,
    _queries,
    _result,
    _samples,
    _schema_results,
    _score,
)
from scaffolder.checks.sources import RELATION, TYPED, _view, attach_table, detect, file_reader
from scaffolder.checks.sql import Params
from scaffolder.contract.model import Contract
from scaffolder.errors import UsageError
from scaffolder.report.words import plural, some

FILE_FORMATS = ("parquet", "csv", "json", "ndjson")
EVERY = "__scaffolder_every"  # every file, when some checks need more than the new ones
INCREMENTAL, FULL = "incremental", "full"


@dataclass
class RunInfo:
    """How the run was made: which files it read and why."""

    state: str
    mode: str  # incremental | full
    files: int  # SOURCE's files now
    read: list[str] = field(default_factory=list)  # the files read for every check
    reasons: list[str] = field(default_factory=list)  # why the run is full
    every: dict[str, str] = field(default_factory=dict)  # incremental: check id -> why it read every file
    contract_changed: bool = False
    snapshot: str = ""  # a Delta/Iceberg source: the snapshot read, and the recorded one
    watermark: str = ""  # a table: the rows read (`ts > 2024-03-01 12:00:00`)
    new_rows: int | None = None  # a table, incremental: how many rows were past the watermark

    def to_json(self) -> dict[str, Any]:
        out = {"state": self.state, "mode": self.mode, "files": self.files, "read": self.read,
               "reasons": self.reasons, "contract_changed": self.contract_changed,
               "read_every_file": self.every}
        if self.snapshot:
            out["snapshot"] = self.snapshot
        if self.watermark:
            out["watermark"], out["new_rows"] = self.watermark, self.new_rows
        return out


@dataclass
class IncrementalReport(CheckReport):
    """A check report for the whole table, with how the run read it."""

    run: RunInfo | None = None

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        if self.run is not None:
            out["incremental"] = self.run.to_json()
        return out


def run_incremental(contract: Contract | str | Path, source: str, state: str, *, full: bool = False,
                    now: dt.datetime | None = None, samples: int = 0, source_format: str | None = None,
                    progress: Progress | None = None) -> IncrementalReport:
    """Check `source` against `contract`, reading only the files `state` has not seen.

    The results equal `run_checks(contract, source)`'s (tests/checks/incremental prove it).
    Raises ContractError / SourceError / StateError (UsageErrors) like run_checks.
    """
    contract = loaded(contract)
    eng = DuckDBEngine()
    try:
        return _Run(eng, contract, source, state, progress or (lambda _m: None)).run(
            full=full, now=now, samples=samples, source_format=source_format)
    finally:
        eng.close()


def loaded(contract: Contract | str | Path) -> Contract:
    if isinstance(contract, Contract):
        return contract
    from scaffolder.contract.validate import load_contract

    return load_contract(contract)


def contract_hash(contract: Contract) -> str:
    return "sha256:" + hashlib.sha256(contract.doc.text.encode("utf-8")).hexdigest()


class _Run:
    def __init__(self, eng: Any, contract: Contract, source: str, state: str, say: Progress, con: Any = None):
        """`eng` reads the data; STATE is attached to `con` (default: the DuckDB engine's own connection)."""
        self.eng, self.contract, self.source, self.say = eng, contract, source, say
        self.con = eng.con if con is None else con
        self.state_path = state
        self.engine_meta: dict[str, str] = {}  # another engine's STATE records its name: checks.incremental.spark
        self.errors: dict[str, BaseException] = {}  # part name -> why it could not be read
        self.batches: dict[str, str] = {}  # part name -> its batch: a table, or a subquery of one
        self.snap: snapshots.Snapshot | None = None  # a Delta/Iceberg source's current snapshot
        self.mark: watermark.Mark | None = None  # a table source's watermark
        self.recorded: dict[str, str] = {}  # what STATE's meta records beyond the common keys
        self.keep: list[Any] = []  # Arrow objects registered with the connection

    def run(self, *, full: bool, now: dt.datetime | None, samples: int,
            source_format: str | None) -> IncrementalReport:
        started = time.perf_counter()
        info, diff, physical = self._files(full, source_format)
        contract = self.contract
        meta = self.st.meta
        info.contract_changed = bool(meta) and meta.get("contract_hash") != contract_hash(contract)
        checks = plan(contract)
        _bind_columns(checks, contract, physical, self.eng.dialect)
        self.eng.prepare(checks)
        report = IncrementalReport(contract.path, contract.name, self.source, self.kind, None, run=info)
        report.warnings = _extra_columns(contract, physical)
        results = {c.id: _result(c, contract) for c in checks}
        _schema_results(checks, results, contract, physical, typed=self.kind in TYPED)
        live = [c for c in checks if c.error is None and c.counting not in (Counting.COLUMNS, Counting.QUERY)]
        queries = [c for c in checks if c.counting is Counting.QUERY]  # ODCS `sql` rules: the whole table
        needs = {c.id: parts_of(c) for c in live}
        parts = list(dict.fromkeys([ROWS, *(p for c in live for p in needs[c.id])]))
        every = [c for c in live if combine_of(c) is Combine.FULL]
        values = self._read_parts(info, parts, needs, every, results, queries)
        for c in live:
            for p in needs[c.id]:
                if p.name in self.errors:
                    _engine_error(self.eng, c, results[c.id], self.errors[p.name], "cannot be evaluated on this data")
        meta = {"contract_hash": contract_hash(contract), "source": os.path.abspath(self.source),
                "format": self.kind, "columns": json.dumps(physical), **self.recorded, **self.engine_meta}
        scored = self._store(parts, meta, diff, [c for c in live if c.error is None and c not in every],
                             fresh=info.mode == FULL)
        report.rows = int(scored.pop(("", "rows")) or 0)
        values.update(scored)
        for c in checks:
            r = results[c.id]
            if c.counting not in (Counting.COLUMNS, Counting.FRESHNESS, Counting.QUERY) and c.error is None:
                _score(c, r, values, self.eng.dialect)
            elif c.counting is Counting.FRESHNESS:
                _freshness(c, r, values.get((c.id, "observed")), now, values.get((c.id, "latest")))
        if samples > 0:
            self._samples(checks, results, samples, bool(info.read))
        for c in checks:  # the check owns its error; its result reports it (as in checks.run)
            results[c.id].error = c.error
        report.checks = [results[c.id] for c in checks]
        report.seconds = time.perf_counter() - started
        return report

    def _files(self, full: bool, source_format: str | None) -> tuple[RunInfo, FileDiff, dict[str, str]]:
        """SOURCE's files against STATE's record: full or incremental, the files to read (opened as
        `RELATION`), and the columns."""
        kind = self.kind = detect(self.source, source_format)
        if kind in snapshots.FORMATS:
            return self._snapshot_files(full)
        if kind in watermark.FORMATS:
            return self._watermark_rows(full)
        if kind not in FILE_FORMATS:
            raise UsageError(f"{self.source}: --state reads the new files of a Parquet, CSV or JSON source, "
                             "the files a Delta or Iceberg snapshot added, or a DuckDB table's rows past a "
                             f"watermark; this is a {kind} source: run without --state")
        files = self.files = data_files(self.source)
        for f in files:
            check_text(f, kind)
        started_ns = time.time_ns()
        sandbox.allow_only(self.con, [*files, *state_paths(self.state_path)])
        st = self.st = State(self.con, self.state_path)
        diff = compare(files, st.files, started_ns)
        info = RunInfo(self.state_path, FULL, len(files))
        info.reasons = self._full_reasons(diff, full)
        return info, diff, self._read_new(info, files, diff.new, st.columns or {})

    def _full_reasons(self, diff: FileDiff, full: bool) -> list[str]:
        return _full_reasons(self.st, diff, os.path.abspath(self.source), self.kind, full,
                             self.engine_meta.get("engine", "duckdb"))

    def _snapshot_files(self, full: bool) -> tuple[RunInfo, FileDiff, dict[str, str]]:
        """`_files` for a Delta or Iceberg table: the data files its current snapshot added since the
        recorded one (checks.incremental.snapshots); a removed or re-deleted file makes the run full."""
        snap = self.snap = snapshots.current(self.source, self.kind)
        sandbox.allow_only(self.con, state_paths(self.state_path))  # the data comes through Arrow
        st = self.st = State(self.con, self.state_path)
        diff = snapshots.compare(snap, st.files)
        files = self.files = list(snap.files)
        info = RunInfo(self.state_path, FULL, len(files))
        recorded = st.meta.get("snapshot")
        info.snapshot = snap.label + (f" (recorded: {recorded})" if recorded and recorded != snap.id else "")
        info.reasons = (self._full_reasons(FileDiff(), full)
                        or snapshots.reasons(snap, diff, recorded))
        self.recorded = {"snapshot": snap.id}
        return info, diff, self._read_new(info, files, diff.new, st.columns or {})

    def _watermark_rows(self, full: bool) -> tuple[RunInfo, FileDiff, dict[str, str]]:
        """`_files` for a DuckDB table: the rows past the contract's watermark column
        (checks.incremental.watermark); other rows at or below it make the run full."""
        col = watermark.column(self.contract, self.source)
        table = attach_table(self.con, self.source, also=state_paths(self.state_path))
        st = self.st = State(self.con, self.state_path)
        self.files = [self.source]
        whole = {r[0]: r[1] for r in self.con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()}
        mark = self.mark = watermark.Mark.of(col, table, st.meta)
        mark.check_type(self.source, whole)
        info = RunInfo(self.state_path, FULL, 1)
        info.reasons = (self._full_reasons(FileDiff(), full)
                        or mark.reasons(self.con, st.meta))
        if not info.reasons and whole != (st.columns or {}):
            info.reasons.append("the table's columns differ from the recorded ones: " + _differ(st.columns or {}, whole))
        if info.reasons:
            info.read = [self.source]
            physical = self._open(self.files, RELATION)
        else:
            self.say(f"reading the rows where {mark.describe()}")
            sql, params = mark.new_rows()
            self.con.execute(f"CREATE TABLE {RELATION} AS {sql}", params)
            physical = whole
        self.recorded = mark.now(self.con, None if info.reasons else RELATION)
        if not info.reasons:  # the record's count grew by the rows read
            info.new_rows = int(self.recorded[watermark.ROWS]) - (mark.recorded_rows or 0)
            info.read = [f"{self.source} where {mark.describe()}"] if info.new_rows else []
        info.mode = FULL if info.reasons else INCREMENTAL
        info.watermark = col if info.reasons else mark.describe()
        return info, FileDiff(), physical

    def _read_new(self, info: RunInfo, files: list[str], new: list[str],
                  physical: dict[str, str]) -> dict[str, str]:
        """Open the files to read as `RELATION` (every file on a full run, or when the new files' columns
        differ from the recorded ones); set the run's mode; the columns."""
        info.read = files if info.reasons else new
        if info.read or info.reasons:  # a full run opens even a table without files (no rows)
            self.say(f"reading {plural(len(info.read), 'file')}")
            columns = self._open(info.read, RELATION)
            if not info.reasons and columns != physical:
                info.reasons.append("the new files' columns differ from the recorded ones: "
                                    + _differ(physical, columns))
                info.read = files
                columns = self._open(files, RELATION)
            physical = columns
        info.mode = FULL if info.reasons else INCREMENTAL
        return physical

    def _read_parts(self, info: RunInfo, parts: list[Part], needs: dict[str, list[Part]], every: list[Check],
                    results: dict[str, Any], queries: list[Check]) -> dict[tuple[str, str], Any]:
        """Read what each part needs: STATE's parts from the new files, the others (and the checks
        that cannot combine, whose values this returns) from every file; run the `sql` rules'
        queries over every file (each is scored by checks.run._queries, as on a full run)."""
        known = set() if info.mode == FULL else self.st.partials
        if info.mode == INCREMENTAL:
            whole_only = {c.id: c for c in every}
            for cid, wanted in needs.items():
                if cid in whole_only:
                    info.every[cid] = (f"{results[cid].assertion} cannot be combined from partials"
                                       f"{why_full(whole_only[cid])}")
                elif any(p.name not in known for p in wanted):
                    info.every[cid] = "new or changed check: not recorded in STATE"
            for c in queries:
                if c.error is None:
                    info.every[c.id] = "an ODCS sql rule's query reads the whole table"
        whole = RELATION
        if info.mode == INCREMENTAL and (every or info.every or any(p.name not in known for p in parts)):
            self.say(f"reading every file for {plural(len(info.every), 'check')}")
            whole = EVERY
            self._open(self.files, EVERY)
        self._read([p for p in parts if p.name in known], RELATION if info.read or info.mode == FULL else None, grows=True)
        self._read([p for p in parts if p.name not in known], whole, grows=False)
        self.eng.relation = whole
        _queries(self.eng, queries, results)
        if not every:
            return {}
        return _main(self.eng, every, None, results)[0]

    def _store(self, parts: list[Part], meta: dict[str, str], diff: FileDiff, scored: list[Check], *,
               fresh: bool) -> dict[tuple[str, str], Any]:
        """One transaction: grow the parts, drop the unused, record the files; score `scored`."""
        st = self.st
        st.begin()
        try:
            self._grow(parts, fresh=fresh)
            st.drop(st.partials - {p.name for p in parts if p.name not in self.errors})
            st.record(meta, diff.seen)
            values = self._score(scored)
            st.commit()
        except BaseException:
            st.rollback()
            raise
        if st.meta.get("engine") == "spark" and "engine" not in self.engine_meta:  # DuckDB took over STATE:
            spark_keys.remove(self.state_path)  # Spark's key segments are in no list any more
        return values

    def _open(self, files: list[str], name: str) -> dict[str, str]:
        if self.mark is not None:  # a table: every row
            return _view(self.con, self.mark.table, self.source, name=name)
        if self.snap is not None:
            data = self.snap.arrow(files)
            self.keep.append(data)
            self.con.register(f"{name}_arrow", data)
            return _view(self.con, f"{name}_arrow", self.source, name=name)
        strings = [f.name for f in self.contract.fields if f.type is not None and f.type.is_string]
        return _view(self.con, file_reader(self.con, self.kind, files, strings), self.source,
                     materialise=self.kind != "parquet", name=name)

    def _read(self, parts: list[Part], relation: str | None, *, grows: bool) -> None:
        """Each part's batch from `relation` into a table of the in-memory database (outside the
        transaction); for a key index that `grows`, also the batch's keys it holds already.
        The statements of a batch of new files run side by side (checks.incremental.jobs)."""
        import duckdb

        if relation is None:
            return
        aggs = [p for p in parts if p.kind == "agg" and p.name not in self.batches]
        together = aggs if len(aggs) > 1 else []  # one scan for all; on an error, each alone finds the culprit
        alone = [p for p in parts if p.name not in self.batches and p not in together]
        jobs = [self._together_job(together, relation)] if together else []
        # side by side only for the new files (often one row group, one thread each), not for every file (each
        # statement is parallel there already, and two hash tables of every key would be held at once); never
        # for a snapshot, whose Arrow data is registered with self.con only
        side = grows and self.snap is None
        errors = run_all(self.con, [*jobs, *(self._batch_job(p, relation, grows) for p in alone)], (duckdb.Error,),
                         side_by_side=side)
        if together and errors[0] is not None:
            alone, errors = together, run_all(self.con, [self._batch_job(p, relation, grows) for p in together],
                                              (duckdb.Error,), side_by_side=side)
        else:
            errors = errors[len(jobs):]
        for part, exc in zip(alone, errors, strict=True):
            if exc is None:
                self.batches[part.name] = f"__scaffolder_batch_{part.name}"
            else:
                self.errors[part.name] = exc

    def _together_job(self, aggs: list[Part], relation: str) -> Job:
        """The job reading every `agg` part's batch in one scan: each part's batch is then its
        columns of that one row (no table of its own to write)."""
        sql, picks = together_sql(aggs, relation, params := Params())
        row = f"__scaffolder_row_{relation}"

        def job(cur: Any) -> None:
            cur.execute(f"CREATE TABLE {row} AS {sql}", params.bound)
            for part in aggs:
                self.batches[part.name] = f"(SELECT {picks[part.name]} FROM {row})"

        return job

    def _batch_job(self, part: Part, relation: str, grows: bool) -> Job:
        table = f"__scaffolder_batch_{part.name}"
        sql = batch_sql(part, relation, params := Params())

        def job(cur: Any) -> None:
            cur.execute(f"CREATE TABLE {table} AS {sql}", params.bound)
            if grows and part.kind == "keys":
                cur.execute(f"CREATE TABLE {table}_hits AS {hits_sql(part, self.st.table(part.name), table)}")

        return job

    def _grow(self, parts: list[Part], *, fresh: bool) -> None:
        """Grow every part; the statements go to DuckDB as one string (a dozen small inserts
        cost half as much that way)."""
        st = self.st
        if fresh:
            st.drop(set(st.partials))
        pending: list[str] = []
        for part in parts:
            batch = self.batches.get(part.name)
            if batch is None:
                continue
            pending += self._grow_part(part, batch, part.name in st.partials)
            st.partials.add(part.name)
        if pending:
            self.con.execute(";\n".join(pending))

    def _grow_part(self, part: Part, batch: str, exists: bool) -> list[str]:
        """The statements adding the batch table `batch` to the part's table in STATE (creating it
        unless it `exists`)."""
        table = self.st.table(part.name)
        if not exists:  # a key index is created with its columns' types (create_sql), the others from the batch
            columns = ([(r[0], r[1]) for r in self.con.execute(f"DESCRIBE SELECT * FROM {batch}").fetchall()]
                       if part.kind == "keys" else [])
            return create_sql(part, table, batch, columns)
        hits = f"{batch}_hits" if part.kind == "keys" else None
        if hits and not self.con.execute(f"SELECT count(*) FROM {hits}").fetchone()[0]:
            return [f"INSERT INTO {table} SELECT * FROM {batch}"]  # no key seen before
        return grow_sql(part, table, batch, hits)

    def _score(self, checks: list[Check]) -> dict[tuple[str, str], Any]:
        """Every check's whole-table values (and the row count), in one statement
        (partials.score_together_sql: a union, since a cross join of a dozen parts cost more in
        DuckDB's join planning, 25 ms for 10 checks, than a statement each)."""
        params = Params()
        statements = [(f"SELECT CAST(sum(rows) AS BIGINT) FROM {self.st.table(ROWS.name)}", 1)]
        keys: list[tuple[str, str]] = [("", "rows")]
        for c in checks:
            sql, outs = score_sql(c, lambda p: self.st.table(p.name), params)
            statements.append((sql, len(outs)))
            keys += [(c.id, out) for out in outs]
        row = self.con.execute(score_together_sql(statements), params.bound).fetchone()
        return dict(zip(keys, row, strict=True))

    def _samples(self, checks: list[Check], results: dict[str, Any], n: int, read: bool) -> None:
        """Duplicates from the key index (the whole table); other failing values from the files read."""
        self.say("fetching samples of failing checks")
        self.eng.relation = RELATION
        for c in checks:
            r = results[c.id]
            if r.passed or c.error is not None:
                continue
            if c.counting is Counting.DUPLICATES:
                table = self.st.table(parts_of(c)[1].name)
                keys = ", ".join(f"k{i}" for i in range(len(c.reads)))
                rows = self.con.execute(f"SELECT {keys} FROM {table} WHERE n > 1 ORDER BY n DESC, {keys} "
                                        f"LIMIT {int(n)}").fetchall()
                r.samples = [row[0] if len(row) == 1 else list(row) for row in rows]
            elif read:
                r.samples = _samples(self.eng, c, r, self.contract, n)


def _full_reasons(st: State, diff: FileDiff, source: str, kind: str, full: bool, engine: str) -> list[str]:
    """Why this run must read every file for every check (none: it can be incremental)."""
    if full:
        return ["--full was given"]
    if not st.meta:
        return ["STATE has no record yet (the first run)"]
    if st.meta.get("engine", "duckdb") != engine:  # a DuckDB STATE records no engine
        return [f"STATE was recorded by --engine {st.meta.get('engine', 'duckdb')}"]
    if st.meta.get("source") != source or st.meta.get("format") != kind:
        return [f"STATE was recorded for another source ({st.meta.get('source')}, {st.meta.get('format')})"]
    reasons = []
    if diff.changed:
        reasons.append(f"{plural(len(diff.changed), 'file')} changed since the last run: {some(diff.changed)}")
    if diff.deleted:
        reasons.append(f"{plural(len(diff.deleted), 'file')} deleted since the last run: {some(diff.deleted)}")
    return reasons


def _differ(recorded: dict[str, str], new: dict[str, str]) -> str:
    names = [n for n in dict.fromkeys([*recorded, *new]) if recorded.get(n) != new.get(n)]
    return ", ".join(f"{n!r} {recorded.get(n) or 'absent'} recorded, {new.get(n) or 'absent'} now" for n in names[:3])

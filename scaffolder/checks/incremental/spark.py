"""`--state` on Spark: the incremental run (checks.incremental.run) with Spark reading the files.

What stays the same: STATE is the same DuckDB file, with the same record
(version, contract, source, columns, files) and the same transaction; the
parts are the same (checks.incremental.partials, in Spark's dialect). What
Spark changes:

- the batch of every `agg` part is one Spark aggregate statement over the new
  files; a min, max or latest value is kept as Spark's own text of it
  (`CAST(m AS STRING)`, which casts back to the same value) so that no value
  passes through another engine's types;
- a `d_*` distinct set is kept as those texts too;
- a key index is Parquet segments beside STATE, joined by Spark
  (checks.incremental.spark_keys); its `k_*` table lists the segments;
- checks are scored on Spark from the parts (the texts cast back to the
  column's type, predicates in Spark SQL), except the plain sums, which
  STATE adds up itself: the results equal a full Spark run's;
- an integer or decimal mean keeps exact sums and is rebuilt as Spark's own
  `avg` (checks.incremental.spark_mean); where that cannot be bit for bit on
  the data (a double sum past 2^53, a decimal sum that could overflow), the
  check reads every file on that run, as a full run computes it.

STATE records `engine: spark` and the columns' Spark types; a STATE another
engine recorded makes a full run. SOURCE's files are listed on the local file
system when SOURCE is a path or glob, and through the session when it is a URI
(`s3a://`, `gs://`, `abfss://`, `hdfs://`, `file://`: checks.incremental.spark_files),
which STATE records as given.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from typing import Any

from scaffolder.checks import sandbox
from scaffolder.checks.assertions import Combine
from scaffolder.checks.compile import Check, Counting, main_statement
from scaffolder.checks.dialects import SPARK
from scaffolder.checks.guards import SourceError
from scaffolder.checks.incremental import spark_files, spark_keys, spark_mean
from scaffolder.checks.incremental.files import FileDiff, compare_listed
from scaffolder.checks.incremental.partials import (
    ROWS,
    Part,
    batch_sql,
    combine_of,
    parts_of,
    score_sql,
    together_columns,
)
from scaffolder.checks.incremental.run import (
    EVERY,
    FILE_FORMATS,
    FULL,
    IncrementalReport,
    Progress,
    RunInfo,
    _full_reasons,
    _Run,
)
from scaffolder.checks.incremental.state import State
from scaffolder.checks.incremental.state import paths as state_paths
from scaffolder.checks.sources import RELATION, detect, first_line
from scaffolder.checks.sql import Params
from scaffolder.contract.model import Contract
from scaffolder.errors import UsageError

COUNTS = ("failed", "total", "rows")  # a part's columns that are counts (BIGINT); the others are texts
_TYPE = re.compile(r"^[a-z_]+(\(\d+(,\d+)?\))?$")  # a Spark type a kept text casts back to


def run_spark(contract: Contract, source: str, state: str, engine: Any, options: dict[str, Any], say: Progress,
              **kw: Any) -> IncrementalReport:
    """run_incremental on Spark: `engine` is "spark" (a session is started, or the running one reused)
    or an open SparkEngine, which the caller keeps."""
    import duckdb

    from scaffolder.checks.engines import make_engine
    from scaffolder.checks.engines.spark import SparkEngine

    name = engine if isinstance(engine, str) else getattr(engine, "name", "?")
    if name != "spark":
        raise UsageError(f"--state works with --engine duckdb or spark, not --engine {name}")
    kind = detect(source, kw.get("source_format"))
    if kind not in FILE_FORMATS:
        raise UsageError(f"{source}: --state on Spark reads the new files of a Parquet, CSV or JSON "
                         f"source; this is a {kind} source (Delta/Iceberg snapshots and tables past a "
                         "watermark take --state on --engine duckdb): run without --state")
    eng = engine if isinstance(engine, SparkEngine) else make_engine("spark", **options)
    con = duckdb.connect()
    try:
        return _SparkRun(eng, contract, source, state, say, con).run(**kw)
    finally:
        con.close()
        eng.uncache()
        if eng is not engine:
            eng.close()


def _castable(simple: str) -> str:
    """A Spark `simpleString` type as CAST spells it (`timestamp` is TIMESTAMP_LTZ: the session reads a
    bare TIMESTAMP as TIMESTAMP_NTZ)."""
    t = "timestamp_ltz" if simple == "timestamp" else simple.replace(" ", "")
    if not _TYPE.match(t):
        raise UsageError(f"a Spark type {simple!r} cannot be kept in STATE: run without --state")
    return t


class _SparkRun(_Run):
    def __init__(self, eng: Any, contract: Contract, source: str, state: str, say: Progress, con: Any):
        super().__init__(eng, contract, source, state, say, con)
        self.engine_meta = {"engine": "spark"}
        self.spark = eng.spark
        self.segments: dict[str, tuple[str, int, int]] = {}  # key part -> (new segment, its keys, duplicates added)
        self.compacted: set[str] = set()  # key parts whose new segment replaces every listed one
        self.means: dict[str, tuple[Any, str]] = {}  # mean part -> (Spark's avg rebuilt, its Spark type)
        self.unrebuilt: dict[str, str] = {}  # check id -> why its mean cannot be rebuilt on this data
        self.opened: set[str] = set()  # the views of files opened (RELATION, EVERY)

    # -- reading

    def _files(self, full: bool, source_format: str | None) -> tuple[RunInfo, FileDiff, dict[str, str]]:
        out = self._uri_files(full, source_format) if spark_files.is_uri(self.source) else super()._files(
            full, source_format)
        if "spark_columns" not in self.engine_meta:  # nothing read: the types STATE recorded
            self.engine_meta["spark_columns"] = self.st.meta.get("spark_columns") or "{}"
        self.info = out[0]
        return out

    def _uri_files(self, full: bool, source_format: str | None) -> tuple[RunInfo, FileDiff, dict[str, str]]:
        """`_files` for a URI: listed (and, for the racy-file rule, hashed) through the session."""
        self.kind = detect(self.source, source_format)
        self.engine_meta["source"] = self.source  # a URI is its own absolute path
        started_ns = time.time_ns()
        listed = spark_files.listed(self.spark, self.source, self.eng.errors)
        files = self.files = [x.name for x in listed]
        sandbox.allow_only(self.con, state_paths(self.state_path))  # DuckDB opens STATE only
        st = self.st = State(self.con, self.state_path)
        diff = compare_listed(listed, st.files, started_ns,
                              lambda paths: spark_files.digests(self.spark, paths, self.eng.errors))
        info = RunInfo(self.state_path, FULL, len(files))
        info.reasons = self._full_reasons(diff, full)
        return info, diff, self._read_new(info, files, diff.new, st.columns or {})

    def _full_reasons(self, diff: FileDiff, full: bool) -> list[str]:
        where = self.source if spark_files.is_uri(self.source) else os.path.abspath(self.source)
        return _full_reasons(self.st, diff, where, self.kind, full, "spark")

    def _open(self, files: list[str], name: str) -> dict[str, str]:
        from scaffolder.checks.engines.spark import spark_type

        self.opened.add(name)
        strings = [f.name for f in self.contract.fields if f.type is not None and f.type.is_string]
        try:
            columns = self.eng.read_files(files, self.kind, strings, name)
        except self.eng.errors as exc:
            raise SourceError(f"{self.source}: cannot be read by Spark: {first_line(exc)}") from exc
        self.engine_meta["spark_columns"] = json.dumps(columns)
        return {n: spark_type(t) for n, t in columns.items()}

    def _read(self, parts: list[Part], relation: str | None, *, grows: bool) -> None:
        if relation is None:
            return
        aggs = [p for p in parts if p.kind == "agg" and p.name not in self.batches]
        if len(aggs) > 1:  # one scan for all; on an error, each alone finds the culprit
            with contextlib.suppress(*self.eng.errors):
                self._aggs(aggs, relation)
        for part in parts:
            if part.name in self.batches:
                continue
            try:
                if part.kind == "agg":
                    self._aggs([part], relation)
                elif part.kind == "distinct":
                    self._distinct(part, relation)
                else:
                    self._keys(part, relation, grows)
            except self.eng.errors as exc:
                self.errors[part.name] = exc

    def _aggs(self, parts: list[Part], relation: str) -> None:
        """The parts' batch rows from one Spark statement, as DuckDB temp tables (texts for values)."""
        params = Params(dialect=SPARK)
        sql, columns = together_columns(parts, relation, params)
        outer = [a if name in COUNTS else f"CAST({a} AS STRING) AS {a}" for cols in columns.values()
                 for a, name in cols]
        row = self.eng.one(f"SELECT {', '.join(outer)} FROM ({sql}) t", params.bound)
        got = dict(zip([a for cols in columns.values() for a, _ in cols], row, strict=True))
        for part in parts:
            table = f"__scaffolder_batch_{part.name}"
            cols = columns[part.name]
            spec = ", ".join(f'"{name}" {"BIGINT" if name in COUNTS else "VARCHAR"}' for _, name in cols)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({spec})")
            self.con.execute(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in cols)})",
                             [got[a] for a, _ in cols])
            self.batches[part.name] = table

    def _distinct(self, part: Part, relation: str) -> None:
        """The batch's distinct values as texts, through Arrow into a DuckDB temp table."""
        params = Params(dialect=SPARK)
        arrow = self.spark.sql(f"SELECT CAST(v AS STRING) AS v FROM ({batch_sql(part, relation, params)}) d",
                               args=params.bound or None).toArrow()
        table = f"__scaffolder_batch_{part.name}"
        self.con.register("__scaffolder_arrow", arrow)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT CAST(v AS VARCHAR) AS v "
                             "FROM __scaffolder_arrow")
        finally:
            self.con.unregister("__scaffolder_arrow")
        self.batches[part.name] = table

    def _keys(self, part: Part, relation: str, grows: bool) -> None:
        """The batch's keys as a new segment, and the duplicates it adds to STATE's segments."""
        params = Params(dialect=SPARK)
        old = self._listed(part) if grows else []
        segment = spark_keys.write(self.spark, batch_sql(part, relation, params), params.bound,  # type: ignore[arg-type]
                                   self.state_path, part.name)
        rows = self.batches.get(ROWS.name)  # read from the same files before the keys
        keys, failed = spark_keys.added(self.spark, len(part.key), self.state_path, part.name, segment, old,
                                        self.st.rows(f"SELECT rows FROM {rows}")[0][0] if rows else None)
        if len(old) + 1 > spark_keys.MAX_SEGMENTS:  # one segment instead of many: the whole list is replaced
            failed += self.st.rows(f"SELECT coalesce(sum(failed), 0) FROM {self.st.table(part.name)}")[0][0]
            segment, keys = spark_keys.compact(self.spark, len(part.key), self.state_path, part.name, [*old, segment])
            self.compacted.add(part.name)
        self.segments[part.name] = (segment, keys, failed)
        self.batches[part.name] = segment

    def _listed(self, part: Part) -> list[str]:
        if part.name not in self.st.partials:
            return []
        return [r[0] for r in self.st.rows(f"SELECT segment FROM {self.st.table(part.name)} ORDER BY segment")]

    # -- growing and scoring, in the transaction

    def _grow_part(self, part: Part, batch: str, exists: bool) -> list[str]:
        """A key part's manifest grows here (bound values); the other parts' statements are returned."""
        if part.kind != "keys":
            return super()._grow_part(part, batch, exists)
        table = self.st.table(part.name)
        if not exists:
            self.con.execute(f"CREATE TABLE {table} {spark_keys.MANIFEST}")
        segment, keys, failed = self.segments[part.name]
        if part.name in self.compacted:
            self.con.execute(f"DELETE FROM {table}")
        if keys:  # an empty segment is left out (and swept)
            self.con.execute(f"INSERT INTO {table} VALUES (?, ?, ?)", [segment, keys, failed])
        return []

    def _store(self, parts: list[Part], meta: dict[str, str], diff: FileDiff, scored: list[Check], *,
               fresh: bool) -> dict[tuple[str, str], Any]:
        values = super()._store(parts, meta, diff, scored, fresh=fresh)
        keep = {name: {r[0] for r in self.st.rows(f"SELECT segment FROM {self.st.table(name)}")}
                for name in self.st.partials if name.startswith("k_")}
        spark_keys.sweep(self.state_path, keep)  # what no STATE lists: a killed run's, a full run's old set
        return values

    def _score(self, checks: list[Check]) -> dict[tuple[str, str], Any]:
        """Sums in STATE; the rest on Spark, from the parts cast back to their Spark types."""
        st = self.st
        values: dict[tuple[str, str], Any] = {
            ("", "rows"): st.rows(f"SELECT CAST(sum(rows) AS BIGINT) FROM {st.table(ROWS.name)}")[0][0]}
        on_spark = []
        for c in checks:
            kind, parts = combine_of(c), parts_of(c)
            if kind is Combine.SUM:
                sql, outs = score_sql(c, lambda p: st.table(p.name), Params())
                values.update(zip([(c.id, o) for o in outs], st.rows(sql)[0], strict=True))
            elif kind is Combine.KEY_INDEX:
                failed, total = st.rows(f"SELECT (SELECT coalesce(sum(failed), 0) FROM {st.table(parts[1].name)}), "
                                        f"(SELECT sum(total) FROM {st.table(parts[0].name)})")[0]
                values.update({(c.id, "failed"): failed, (c.id, "total"): total})
            elif kind is Combine.MEAN and not self._rebuild_mean(c, parts[0]):
                values.update(self._from_every_file(c))
            else:
                on_spark.append(c)
        if on_spark:
            values.update(self._score_on_spark(on_spark))
        return values

    def _score_on_spark(self, checks: list[Check]) -> dict[tuple[str, str], Any]:
        types = json.loads(self.engine_meta.get("spark_columns") or "{}")
        views: dict[str, str] = {}
        for c in checks:
            for part in parts_of(c):
                if part.name not in views:
                    views[part.name] = self._view(part, c, types)
        params = Params(dialect=SPARK)
        selects, outputs = [], []
        for c in checks:
            sql, outs = score_sql(c, lambda p: views[p.name], params)
            selects.append(sql)
            outputs += [(c.id, out) for out in outs]
        row = self.eng.one("SELECT * FROM " + ", ".join(f"({s}) AS s{i}" for i, s in enumerate(selects)),
                           params.bound)
        return dict(zip(outputs, row, strict=True))

    def _rebuild_mean(self, c: Check, part: Part) -> bool:
        """Spark's avg from the part's sums (checks.incremental.spark_mean), kept for `_view`; False
        (and why, for the report) when it cannot be rebuilt bit for bit."""
        types = json.loads(self.engine_meta.get("spark_columns") or "{}")
        spark_type = types[c.reads[0]]
        value, why = spark_mean.rebuild(spark_type, self.st.rows(f"SELECT s, u, n FROM {self.st.table(part.name)}"))
        if why:
            self.unrebuilt[c.id] = why
            return False
        self.means[part.name] = (value, spark_mean.result_type(spark_type))
        return True

    def _from_every_file(self, c: Check) -> dict[tuple[str, Any], Any]:
        """A mean that cannot be rebuilt: its full-run value, from every file (read now, in the run's
        transaction; a full run's files are open already)."""
        relation = RELATION
        if self.info.mode != FULL:
            self.info.every[c.id] = (f"{c.assertion} cannot be combined from partials on this data "
                                     f"({self.unrebuilt[c.id]})")
            if EVERY not in self.opened:
                self._open(self.files, EVERY)
            relation = EVERY
        stmt = main_statement([c], relation, None, SPARK)
        try:
            row = self.eng.one(stmt.sql, stmt.bound)
        except self.eng.errors as exc:
            c.error = f"cannot be evaluated on this data: {self.eng.in_our_words(exc)[0]}"
            return {}
        return {out: v for out, v in zip(stmt.outputs, row, strict=True) if out[0] == c.id}

    def _view(self, part: Part, c: Check, types: dict[str, str]) -> str:
        """A Spark temp view of the part's rows in STATE, its texts cast back to `c`'s type (a mean's
        part: one row, the rebuilt mean `a` in the type of Spark's avg)."""
        view = f"__scaffolder_part_{part.name}"
        if part.name in self.means:
            value, typ = self.means[part.name]
            self.spark.createDataFrame([(value,)], f"a {typ}").createOrReplaceTempView(view)
            return view
        arrow = self.con.sql(f"SELECT * FROM {self.st.table(part.name)}").to_arrow_table()
        self.spark.createDataFrame(arrow).createOrReplaceTempView(view + "_text")
        column = "v" if part.kind == "distinct" else "m"
        if part == ROWS or column not in arrow.column_names:
            return view + "_text"
        if c.counting is Counting.FRESHNESS and c.col.family != "timestamptz":
            typ = "timestamp_ntz"
        else:
            typ = _castable(types[c.reads[0]])
        self.spark.sql(f"SELECT CAST({column} AS {typ}) AS {column} FROM {view}_text").createOrReplaceTempView(view)
        return view

    def _samples(self, checks: list[Check], results: dict[str, Any], n: int, read: bool) -> None:
        dups = [c for c in checks if c.counting is Counting.DUPLICATES and not results[c.id].passed
                and c.error is None]
        super()._samples([c for c in checks if c not in dups], results, n, read)
        for c in dups:
            part = parts_of(c)[1]
            results[c.id].samples = spark_keys.samples(self.spark, self.state_path, part.name, self._listed(part),
                                                       len(c.reads), n)

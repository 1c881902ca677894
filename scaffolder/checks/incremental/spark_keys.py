"""A key index Spark can join: Parquet segments in a folder beside STATE, listed in STATE.

On Spark a uniqueness check's keys and counts are too many to carry through
the driver, so they stay where the executors read them: `STATE.spark/<part>/<id>/`,
one append-only segment (columns k0, k1, ..., n; one row per key of the batch,
sorted by k0) per run that read new files. STATE's `k_*` table is the segment
list (segment id, its keys, the duplicates it added), written in the run's
transaction: a segment that a killed or failed run wrote is in no list and is
removed by the next run (`sweep`); a full run starts a new list. When a run
would leave more than MAX_SEGMENTS, it writes one segment of every key instead
(`compact`), listed in the same transaction.

The duplicate count (members of keys that occur more than once, as a full run
counts: keys whose columns are all null are left out, partial nulls are equal
to each other) grows by what the batch adds: for each batch key with b new
rows and o rows in the segments, f(o + b) - f(o), where f(n) = n if n > 1 else 0.
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

MANIFEST = "(segment VARCHAR, keys BIGINT, failed BIGINT)"  # a `k_*` table on Spark
BATCH, OLD = "__scaffolder_keys_batch", "__scaffolder_keys_old"
MAX_SEGMENTS = 16  # a key index of more segments is compacted into one (by the run that adds the 17th)
BROADCAST_KEYS = 2_000_000  # a batch of at most this many keys is broadcast to the join with the segments


def folder(state: str) -> str:
    return os.path.abspath(state) + ".spark"


def segment_path(state: str, part: str, segment: str) -> str:
    return os.path.join(folder(state), part, segment)


def _f(n: str) -> str:
    return f"CASE WHEN {n} > 1 THEN {n} ELSE 0 END"


def write(spark: Any, batch_sql: str, args: dict[str, Any], state: str, part: str) -> str:
    """The batch's keys and counts (`batch_sql`, Spark SQL) as a new segment of `part`; its id."""
    segment = uuid.uuid4().hex
    spark.sql(batch_sql, args=args or None).orderBy("k0").write.parquet(segment_path(state, part, segment))
    return segment


def _in_range(spark: Any, batch: Any, old: Any) -> Any:
    """The old segments' rows whose first key column lies in the batch's range (or is null, when some
    batch key's is): segments are sorted by it, so Parquet skips the row groups outside the range
    (keys that grow, such as order ids, read almost nothing of the index). Types whose Python value
    binds back exactly only (text, integers, dates, decimals); the others read every row."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if not isinstance(batch.schema["k0"].dataType, (T.StringType, T.IntegralType, T.DateType, T.DecimalType)):
        return old
    lo, hi, nulls = batch.agg(F.min("k0"), F.max("k0"), F.count("*") - F.count("k0")).collect()[0]
    k0 = F.col("k0")
    keep = (k0 >= F.lit(lo)) & (k0 <= F.lit(hi)) if lo is not None else F.lit(False)
    return old.filter(keep | k0.isNull() if nulls else keep)


def added(spark: Any, width: int, state: str, part: str, segment: str, old: list[str],
          rows: int | None = None) -> tuple[int, int]:
    """The segment's keys, and the duplicates it adds to the `old` segments (ids). `rows`: the batch's
    row count when known (a bound on its keys: no job to count them)."""
    batch = spark.read.parquet(segment_path(state, part, segment))
    batch.createOrReplaceTempView(BATCH)
    keys = [f"k{i}" for i in range(width)]
    if not old:
        sql = f"SELECT count(*), sum({_f('n')}) FROM {BATCH}"
    else:
        _in_range(spark, batch, spark.read.parquet(*[segment_path(state, part, s) for s in old])
                  ).createOrReplaceTempView(OLD)
        on = " AND ".join(f"o.{k} <=> b.{k}" for k in keys)
        # only the old rows of the batch's keys are grouped (a semi join: the batch is the small side,
        # sent to every task when it is small enough: a third faster at 1M old + 100k new keys)
        hint = "/*+ BROADCAST(b) */ " if (batch.count() if rows is None else rows) <= BROADCAST_KEYS else ""
        hits = (f"SELECT {hint}{', '.join(f'o.{k}' for k in keys)}, sum(o.n) AS n FROM {OLD} o "
                f"LEFT SEMI JOIN {BATCH} b ON {on} GROUP BY {', '.join(f'o.{k}' for k in keys)}")
        sql = (f"SELECT count(*), sum({_f('b.n + coalesce(o.n, 0)')} - {_f('coalesce(o.n, 0)')}) "
               f"FROM {BATCH} b LEFT JOIN ({hits}) o ON {on}")
    n, failed = spark.sql(sql).collect()[0]
    return int(n), int(failed or 0)


def compact(spark: Any, width: int, state: str, part: str, segments: list[str]) -> tuple[str, int]:
    """One segment holding every key of `segments` once, with its count summed; its id and keys."""
    spark.read.parquet(*[segment_path(state, part, s) for s in segments]).createOrReplaceTempView(OLD)
    keys = ", ".join(f"k{i}" for i in range(width))
    segment = uuid.uuid4().hex
    spark.sql(f"SELECT {keys}, sum(n) AS n FROM {OLD} GROUP BY {keys} ORDER BY k0").write.parquet(
        segment_path(state, part, segment))
    return segment, spark.read.parquet(segment_path(state, part, segment)).count()


def samples(spark: Any, state: str, part: str, segments: list[str], width: int, n: int) -> list[Any]:
    """Up to n duplicated keys of the whole table, the most repeated first (as a full run orders them)."""
    if not segments:
        return []
    spark.read.parquet(*[segment_path(state, part, s) for s in segments]).createOrReplaceTempView(OLD)
    keys = ", ".join(f"k{i}" for i in range(width))
    rows = spark.sql(f"SELECT {keys} FROM (SELECT {keys}, sum(n) AS n FROM {OLD} GROUP BY {keys}) WHERE n > 1 "
                     f"ORDER BY n DESC, {keys} LIMIT {int(n)}").collect()
    return [row[0] if width == 1 else list(row) for row in rows]


def sweep(state: str, keep: dict[str, set[str]]) -> None:
    """Remove every segment folder STATE does not list (`keep`: part -> segment ids)."""
    root = folder(state)
    if not os.path.isdir(root):
        return
    for part in os.listdir(root):
        where = os.path.join(root, part)
        if part not in keep:
            shutil.rmtree(where, ignore_errors=True)
            continue
        for segment in os.listdir(where):
            if segment not in keep[part]:
                shutil.rmtree(os.path.join(where, segment), ignore_errors=True)


def remove(state: str) -> None:
    """Remove every segment of STATE: a run of another engine recorded STATE anew."""
    shutil.rmtree(folder(state), ignore_errors=True)

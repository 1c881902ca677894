"""What a Parquet file already knows: answer checks from its footer, without a scan.

Per row group, Parquet stores the null count and the min/max of each column.
From them a not-null check is exact (failed = the null count), and a bound
check whose bounds contain the whole [min, max] range provably fails no row.
Such checks leave the scan, and a column no remaining check needs is never
read. Only numeric, date and timestamp columns use min/max (string statistics
may be truncated), only when every row group has statistics, and only for flat
schemas (nested columns have dotted paths). Float columns never use min/max:
writers leave NaN out of them, and NaN fails every bound.
"""

from __future__ import annotations

from typing import Any

from scaffolder.checks.assertions import Footer as Known
from scaffolder.checks.compile import Check, Counting
from scaffolder.checks.sources import file_list
from scaffolder.checks.sql import Params

_RANGE = {"number", "date", "timestamp", "timestamptz"}
_NESTED = ("STRUCT", "MAP", "UNION")


def distrust_float_statistics(con: Any, checks: list[Check]) -> None:
    """Keep DuckDB from answering float predicates from min/max statistics that leave NaN out.

    On a Parquet file whose writer left NaN out of min/max (pyarrow does), DuckDB folds
    `isnan(x)` and `x > max` to false from the statistics and skips row groups by them,
    so NaN would pass every check. Only when a check reads a float column.
    """
    if any(col.is_float for c in checks if c.error is None for col in c.cols.values()):
        con.execute("SET disabled_optimizers = 'statistics_propagation,filter_pushdown'")


class Footer:
    """The Parquet footers of one source, read once (answer() and pushdown() both use them)."""

    def __init__(self, con: Any, files: list[str], physical: dict[str, str]):
        self.con, self.files, self.physical = con, files, physical
        self._stats: dict[str, dict[str, Any]] | None = None

    @property
    def usable(self) -> bool:
        """Flat schemas only: nested columns have dotted paths in the footer."""
        return bool(self.files) and not any(p.upper().startswith(_NESTED) or p.endswith("]")
                                            for p in self.physical.values())

    @property
    def stats(self) -> dict[str, dict[str, Any]]:
        """column -> {nulls, values, mins, maxs, exact}, only for columns every row group describes."""
        if self._stats is None:
            self._stats = _read_stats(self.con, self.files, self.physical)
        return self._stats


def _read_stats(con: Any, files: list[str], physical: dict[str, str]) -> dict[str, dict[str, Any]]:
    listing = file_list(files)
    out: dict[str, dict[str, Any]] = {}
    rows = con.execute(
        f"SELECT path_in_schema, sum(stats_null_count), count(*) FILTER (WHERE stats_null_count IS NULL), "
        f"sum(num_values), list(stats_min_value), list(stats_max_value), "
        f"bool_and(coalesce(min_is_exact, true) AND coalesce(max_is_exact, true)) "
        f"FROM parquet_metadata({listing}) GROUP BY path_in_schema").fetchall()
    for name, nulls, missing, values, mins, maxs, exact in rows:
        if name in physical and not missing:
            out[name] = {"nulls": int(nulls), "values": int(values), "mins": mins, "maxs": maxs, "exact": exact}
    return out


def _range(con: Any, physical: str, info: dict[str, Any]) -> tuple[str, str] | None:
    """SQL literals of the column's min and max over all row groups, typed, or None."""
    if not info["exact"] or info["nulls"] == info["values"]:
        return None
    typed = con.execute(
        f"SELECT min(TRY_CAST(v AS {physical})), count(*) FILTER (WHERE v IS NULL OR TRY_CAST(v AS {physical}) IS NULL), "
        f"(SELECT max(TRY_CAST(w AS {physical})) FROM unnest($2) t(w)), "
        f"(SELECT count(*) FILTER (WHERE w IS NULL OR TRY_CAST(w AS {physical}) IS NULL) FROM unnest($2) t(w)) "
        f"FROM unnest($1) t(v)", [info["mins"], info["maxs"]]).fetchone()
    lo, bad_lo, hi, bad_hi = typed
    if bad_lo or bad_hi or lo is None or hi is None:
        return None  # a row group without usable statistics (or all-null row groups): scan instead
    return lo, hi


def answer(footer: Footer, checks: list[Check], values: dict[tuple[str, str], Any], rows: int) -> set[str]:
    """Fill `values` for the checks the footer proves; return their ids."""
    if not footer.usable:
        return set()
    con, stats = footer.con, footer.stats
    ranges: dict[str, Any] = {}
    proven: set[str] = set()
    for c in checks:
        if c.error is not None or c.column is None or c.column not in stats:
            continue
        info = stats[c.column]
        nulls = info["nulls"]
        if c.counting is Counting.FRESHNESS:
            if c.col.family in ("timestamp", "timestamptz") and c.column not in ranges:
                ranges[c.column] = _range(con, c.col.physical, info)
            span = ranges.get(c.column)
            if span is not None:
                cast = "TIMESTAMPTZ" if c.col.family == "timestamptz" else "TIMESTAMP"
                values[(c.id, "observed")], values[(c.id, "latest")] = con.execute(
                    f"SELECT epoch_us(CAST($1 AS {cast})), CAST(CAST($1 AS {cast}) AS VARCHAR)", [span[1]]).fetchone()
                proven.add(c.id)
            continue
        known = c.rule.footer if c.rule is not None else Known.NONE
        if known in (Known.NULLS, Known.NON_NULLS):
            values[(c.id, "failed")] = nulls if known is Known.NULLS else rows - nulls
            values[(c.id, "total")] = rows
            proven.add(c.id)
            continue
        if known not in (Known.RANGE, Known.MIN, Known.MAX):
            continue
        if c.col.family not in _RANGE or c.col.is_float:
            continue
        if c.column not in ranges:
            ranges[c.column] = _range(con, c.col.physical, info)
        span = ranges[c.column]
        if span is None:
            continue
        lo, hi = span
        if known is Known.RANGE:
            if not _outside(con, c, lo) and not _outside(con, c, hi):
                values[(c.id, "failed")], values[(c.id, "total")] = 0, rows - nulls
                proven.add(c.id)
        else:
            observed = lo if known is Known.MIN else hi
            values[(c.id, "failed")] = 1 if _outside(con, c, observed) else 0
            values[(c.id, "total")] = 1
            values[(c.id, "observed")] = observed
            proven.add(c.id)
    return proven


def key_totals(footer: Footer, checks: list[Check], values: dict[tuple[str, str], Any], rows: int) -> set[str]:
    """Fill the totals of uniqueness checks from null counts; return their ids.

    A single key's total is its non-null rows; a compound key's is every row
    when one of its columns has no null (else some rows may be all null: scan).
    The duplicate groups still come from the data (uniqueness.DuplicatePlan).
    """
    if not footer.usable:
        return set()
    stats = footer.stats
    done: set[str] = set()
    for c in checks:
        cols = c.reads
        if c.error is not None or c.counting is not Counting.DUPLICATES or not all(n in stats for n in cols):
            continue
        nulls = [stats[n]["nulls"] for n in cols]
        if len(cols) == 1 or min(nulls) == 0:
            values[(c.id, "total")] = rows - nulls[0] if len(cols) == 1 else rows
            done.add(c.id)
    return done


def pushdown(footer: Footer, relation: str, checks: list[Check], values: dict[tuple[str, str], Any],
             rows: int) -> set[str]:
    """Count cheap checks with their own `count(*) WHERE predicate` query; return their ids.

    A lone comparison or IN list is pushed into the Parquet reader, which skips
    row groups by their min/max and evaluates IN on dictionaries, so the query
    reads next to nothing. Only for columns that no other remaining check reads:
    where the main scan decodes the column anyway, the predicate there is
    cheaper than a second read. Totals are rows minus the footer's null count.
    """
    if not footer.usable:
        return set()
    con = footer.con
    eligible = [c for c in checks if c.error is None and c.rule is not None and c.rule.pushdown and c.column is not None
                and not c.col.is_float]  # the reader would skip row groups whose min/max leave NaN out
    others = {name for c in checks if c not in eligible
              for name in c.reads}
    chosen = [c for c in eligible if c.column not in others]
    if not chosen:
        return set()
    stats = footer.stats
    done: set[str] = set()
    for c in chosen:
        info = stats.get(c.column or "")
        if info is None:
            continue
        params = Params()
        pred = c.predicate(params)
        values[(c.id, "failed")] = con.execute(f"SELECT count(*) FROM {relation} WHERE {pred}", params.values).fetchone()[0]
        values[(c.id, "total")] = rows - info["nulls"]
        done.add(c.id)
    return done


def _outside(con: Any, c: Check, value: Any) -> bool:
    """Does this single value break the check's bounds (same SQL as the scan would use)?"""
    params = Params()
    slot = params.add(value)
    pred = c.predicate(params, f"CAST({slot} AS {c.col.physical})")
    return bool(con.execute(f"SELECT coalesce({pred}, false)", params.values).fetchone()[0])

"""Uniqueness checks: every key's duplicate groups, with as few hash aggregations as possible.

Grouping 10M distinct keys is the most expensive thing a check run does, so
each key is grouped at most once and only where it can have duplicates:

- keys that stand alone are grouped together in one pass over the data
  (GROUPING SETS when there are several);
- a compound key that contains a single-column key checked in the same run
  (`(order_id, line_no)` next to a unique `order_id`) can only repeat where
  that column repeats or is null. It is grouped afterwards among those rows
  alone, and not at all when there are none (the usual case);
- a lone stand-alone key (not of floats) is not hashed into a table of 10M
  groups: 32 bits of its hash are sorted and a repeated hash is found next to
  its twin (`lag`), which costs ~0.4x the `GROUP BY` (1.1 vs 2.7 CPU-seconds
  for 10M 13-byte text keys, 1.5 with 64-bit hashes; 0.9 vs 2.5 for 10M
  BIGINT keys). Only the rows whose hash repeats are then grouped
  by their values, which keeps the result exact (a collision only adds
  candidates), and the compound keys it leads are grouped in that same pass.

Duplicate groups (count > 1) go into one small table; each check sums the
members of its own groups (`n`), and samples are read from the same table.
Single-column keys ignore nulls; compound keys ignore rows whose columns are
all null (Great Expectations' default). When the leading column repeats a
lot, the second pass groups nearly every row: it then costs what grouping
the compound key in the first pass would have cost, plus one read.
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.checks.compile import Check, Counting, not_all_null
from scaffolder.checks.dialects import Dialect
from scaffolder.checks.sql import ident

Key = tuple[str, ...]


@dataclass(frozen=True)
class DuplicatePlan:
    """Which keys are grouped where. A key's index in `keys` is its `g` in the table."""

    keys: list[Key]
    leading: dict[Key, str]  # compound key -> the checked single column it contains
    table: str
    hashed: bool = False  # the lone base key's repeated hashes are found first (not for float keys)

    # 32 bits of DuckDB's hash of the key columns: sorting 4-byte values costs 0.7x sorting 8-byte ones,
    # and the collisions it adds (~n^2/2^33 pairs: 12k at 10M rows, 2% of the rows at 100M) only add
    # candidates to the exact pass. Tests swap in hashes that collide more.
    HASH = "CAST(hash({}) >> 32 AS UINTEGER)"

    @classmethod
    def of(cls, checks: list[Check], table: str) -> DuplicatePlan | None:
        keys: list[Key] = []
        for c in checks:
            if c.error is None and c.counting is Counting.DUPLICATES and c.reads not in keys:
                keys.append(c.reads)
        if not keys:
            return None
        singles = [k[0] for k in keys if len(k) == 1]
        leading = {k: next(s for s in singles if s in k) for k in keys
                   if len(k) > 1 and any(s in k for s in singles)}
        base = [k for k in keys if k not in leading]
        floats = {name for c in checks for name, col in c.cols.items() if col.is_float}
        hashed = len(base) == 1 and not floats & set(base[0])  # -0.0 = 0.0: left to the GROUP BY to judge
        return cls(keys, leading, table, hashed)

    @property
    def base(self) -> list[Key]:
        return [k for k in self.keys if k not in self.leading]

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(c for k in self.keys for c in k))

    def _alias(self, column: str) -> str:
        return f"k{self.columns.index(column)}"

    def _select(self, grouped: set[str]) -> str:
        """Every key column in table order: the value where grouped, else NULL."""
        return ", ".join(ident(c) if c in grouped else "NULL" for c in self.columns)

    def create(self, relation: str) -> str:
        """The empty table, typed from the data."""
        cols = ", ".join(f"{ident(c)} AS {self._alias(c)}" for c in self.columns)
        return (f"CREATE OR REPLACE TABLE {self.table} AS SELECT {cols}, 0 AS g, CAST(0 AS BIGINT) AS n "
                f"FROM {relation} LIMIT 0")

    def first_pass(self, relation: str) -> str:
        """Every stand-alone key's groups (the null group too: compound keys need it) in one scan."""
        base = self.base
        if self.hashed:
            return self._hashed_pass(base[0], relation)
        if len(base) == 1:
            (key,) = base
            return (f"INSERT INTO {self.table} SELECT {self._select(set(key))}, {self.keys.index(key)}, count(*) "
                    f"FROM {relation} GROUP BY {', '.join(map(ident, key))} HAVING count(*) > 1")
        grouped, g, group_by = self._grouping(base)
        return (f"INSERT INTO {self.table} SELECT {self._select(set(grouped))}, {g}, "
                f"count(*) FROM {relation} GROUP BY {group_by} HAVING count(*) > 1")

    def _grouping(self, sets: list[Key]) -> tuple[list[str], str, str]:
        """(the columns grouped, each row's `g`, the GROUP BY) of several keys in one GROUPING SETS."""
        grouped = list(dict.fromkeys(c for k in sets for c in k))
        names = ", ".join(map(ident, grouped))
        cases = " ".join(f"WHEN {self._mask(grouped, k)} THEN {self.keys.index(k)}" for k in sets)
        group_by = "GROUPING SETS (" + ", ".join("(" + ", ".join(map(ident, k)) + ")" for k in sets) + ")"
        return grouped, f"CASE grouping({names}) {cases} END", group_by

    def _hashed_pass(self, key: Key, relation: str) -> str:
        """`key`'s groups and those of the compound keys it leads, among the rows whose hash repeats.

        Repeated hashes are found by sorting them (a hash equal to the one before it).
        A compound key led by `key` repeats only where `key` does, or where `key`
        is null on two rows or more (then the hash of null repeats too).
        """
        digest = self.HASH.format(", ".join(map(ident, key)))
        repeated = (f"SELECT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS p FROM (SELECT {digest} AS h "
                    f"FROM {relation}) hashes) sorted WHERE h = p")
        if self.leading:
            grouped, g, group_by = self._grouping([key, *self.leading])
        else:
            grouped, g, group_by = list(key), str(self.keys.index(key)), ", ".join(map(ident, key))
        return (f"INSERT INTO {self.table} SELECT {self._select(set(grouped))}, {g}, count(*) FROM {relation} "
                f"WHERE {digest} IN ({repeated}) GROUP BY {group_by} HAVING count(*) > 1")

    @staticmethod
    def _mask(grouped: list[str], key: Key) -> int:
        return grouping_mask(grouped, key)

    def candidates(self, key: Key) -> str:
        """How many groups the leading column has (duplicates or nulls): none means `key` cannot repeat.

        None either after a hashed first pass: it grouped `key` itself.
        """
        if self.hashed:
            return "SELECT 0"
        return f"SELECT count(*) FROM {self.table} WHERE g = {self.keys.index((self.leading[key],))}"

    def second_pass(self, key: Key, relation: str) -> str:
        """A compound key's groups among the rows whose leading column repeats or is null."""
        lead = self.leading[key]
        alias = self._alias(lead)
        inner = f"SELECT {alias} FROM {self.table} WHERE g = {self.keys.index((lead,))} AND {alias} IS NOT NULL"
        return (f"INSERT INTO {self.table} SELECT {self._select(set(key))}, {self.keys.index(key)}, count(*) "
                f"FROM {relation} WHERE ({ident(lead)} IN ({inner}) OR {ident(lead)} IS NULL) "
                f"GROUP BY {', '.join(map(ident, key))} HAVING count(*) > 1")

    def where(self, key: Key) -> tuple[str, str]:
        """(WHERE clause, key columns) selecting `key`'s duplicate groups in the table."""
        aliases = [self._alias(c) for c in key]
        nulls = " AND ".join(f"{a} IS NULL" for a in aliases)
        return f"g = {self.keys.index(key)} AND NOT ({nulls})", ", ".join(aliases)


def grouping_mask(grouped: list[str], key: Key) -> int:
    """grouping()'s value for `key`: one bit per column, set when the column is not grouped."""
    mask = 0
    for c in grouped:
        mask = (mask << 1) | (0 if c in key else 1)
    return mask


def grouping_sets_statement(keys: list[Key], relation: str, dialect: Dialect) -> str:
    """Every key's duplicate members in one portable pass (engines other than DuckDB).

    One key: a single number. Several: rows of (grouping mask, members), one GROUPING
    SETS aggregation; a key's groups whose columns are all null are left out.
    """
    d = dialect
    if len(keys) == 1:
        (key,) = keys
        cols = ", ".join(map(d.ident, key))
        return (f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {relation} "
                f"WHERE {not_all_null(key, d)} GROUP BY {cols} HAVING count(*) > 1) dups")
    columns = list(dict.fromkeys(c for k in keys for c in k))
    names = ", ".join(map(d.ident, columns))
    keep = " ".join(f"WHEN {grouping_mask(columns, k)} THEN {not_all_null(k, d)}" for k in keys)
    sets = ", ".join("(" + ", ".join(map(d.ident, k)) + ")" for k in keys)
    # grouping(a, b, ...) in one call is not in every dialect (Spark, BigQuery take one column)
    bits = " + ".join(f"grouping({d.ident(c)}) * {1 << (len(columns) - 1 - i)}" for i, c in enumerate(columns))
    return (f"SELECT g, sum(n) FROM (SELECT ({bits}) AS g, count(*) AS n, {names} "
            f"FROM {relation} GROUP BY GROUPING SETS ({sets}) HAVING count(*) > 1) dups "
            f"WHERE CASE g {keep} ELSE FALSE END GROUP BY g")

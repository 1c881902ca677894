"""Delta and Iceberg sources for `--state`: the data files a snapshot added since the recorded one.

A table's current snapshot (Delta version, Iceberg snapshot id) lists its data
files; STATE records that list (in `scaffolder_files`: the path, and for
Iceberg a digest of the file's delete files in `digest`). Next run, a file of
the current snapshot not recorded is new; a recorded file no longer listed
(compaction, delete, overwrite) or an old file whose delete files changed is
a change the partials cannot take back, so the run is full (checks.incremental.run).

Only the new files are read, through the table's own reader so that partition
columns and schema evolution come out as in a full read: for Delta the
fragments of `DeltaTable.to_pyarrow_dataset()` (each keeps its partition
expression), for Iceberg the scan's `plan_files()` tasks read by pyiceberg's
Arrow reader. Data files are immutable in both formats: a path is the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from scaffolder.checks.guards import SourceError
from scaffolder.checks.incremental.files import FileDiff, Seen
from scaffolder.checks.sources import delta_dataset, delta_table, first_line, iceberg_table
from scaffolder.report.words import plural, some

FORMATS = ("delta", "iceberg")


@dataclass
class Snapshot:
    """A table's current snapshot: its id and data files, and how to read some of them."""

    kind: str  # delta | iceberg
    id: str  # the Delta version or Iceberg snapshot id ("none": an Iceberg table without a snapshot)
    files: dict[str, Seen] = field(default_factory=dict)  # path -> what STATE records
    parts: dict[str, Any] = field(default_factory=dict)  # path -> Delta fragment / Iceberg scan task
    reader: Any = None  # Delta: the table's dataset; Iceberg: (table, scan)

    @property
    def label(self) -> str:
        return f"{'version' if self.kind == 'delta' else 'snapshot'} {self.id}"

    def arrow(self, paths: list[str]) -> Any:
        """An Arrow object (for DuckDB) holding the rows of `paths`, with partition columns."""
        chosen = [self.parts[p] for p in paths]
        if self.kind == "delta":
            import pyarrow.dataset as ds

            whole = self.reader
            return ds.FileSystemDataset(chosen, whole.schema, whole.format, filesystem=whole.filesystem)
        from pyiceberg.io.pyarrow import ArrowScan

        table, scan = self.reader
        return ArrowScan(table.metadata, table.io, scan.projection(), scan.row_filter, scan.case_sensitive,
                         scan.limit).to_table(chosen)


def current(text: str, kind: str) -> Snapshot:
    """SOURCE's current snapshot. Raises SourceError (exit 2) when the table cannot be read."""
    try:
        return _delta(text) if kind == "delta" else _iceberg(text)
    except SourceError:
        raise
    except Exception as exc:  # deltalake and pyiceberg raise their own types
        raise SourceError(f"{text}: cannot be read as a {kind.capitalize()} table: {first_line(exc)}") from exc


def _delta(text: str) -> Snapshot:
    import os

    table = delta_table(text)
    dataset = delta_dataset(table, text)
    snap = Snapshot("delta", str(table.version()), reader=dataset)
    root = os.path.abspath(text)
    for fragment in dataset.get_fragments():
        path = os.path.join(root, fragment.path)
        snap.parts[path] = fragment
        snap.files[path] = Seen(path, 0, 0)
    return snap


def _iceberg(text: str) -> Snapshot:
    table = iceberg_table(text)
    scan = table.scan()
    snapshot = table.metadata.current_snapshot_id
    snap = Snapshot("iceberg", "none" if snapshot is None else str(snapshot), reader=(table, scan))
    for task in scan.plan_files():
        path = task.file.file_path
        snap.parts[path] = task
        snap.files[path] = Seen(path, int(task.file.file_size_in_bytes), 0, deletes_digest(
            [d.file_path for d in task.delete_files]))
    return snap


def deletes_digest(paths: list[str]) -> str | None:
    """What STATE records of a data file's delete files: none, or a hash of their sorted paths."""
    if not paths:
        return None
    return "deletes:" + hashlib.sha256("\n".join(sorted(paths)).encode("utf-8")).hexdigest()


def compare(snap: Snapshot, recorded: dict[str, Seen]) -> FileDiff:
    """The snapshot's files against the recorded ones: new, changed (other delete files), gone."""
    diff = FileDiff(seen=dict(snap.files))
    for path, seen in snap.files.items():
        old = recorded.get(path)
        if old is None:
            diff.new.append(path)
        elif old.digest != seen.digest or old.size != seen.size:
            diff.changed.append(path)
    diff.deleted = sorted(p for p in recorded if p not in snap.files)
    return diff


def reasons(snap: Snapshot, diff: FileDiff, recorded: str | None) -> list[str]:
    """Why the run must be full: the partials hold rows of files the snapshot no longer has whole."""
    since = f"since {snap.label.split()[0]} {recorded}" if recorded else "since the last run"
    out = []
    if diff.deleted:
        out.append(f"{plural(len(diff.deleted), 'recorded file')} no longer in {snap.label} (compaction, delete "
                   f"or overwrite {since}): {some(diff.deleted)}")
    if diff.changed:
        out.append(f"{plural(len(diff.changed), 'file')} gained or lost delete files {since}: {some(diff.changed)}")
    return out

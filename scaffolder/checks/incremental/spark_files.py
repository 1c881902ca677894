"""SOURCE's files listed, and hashed where the racy-file rule needs it, through the Spark session.

For a SOURCE URI (`s3a://`, `gs://`, `abfss://`, `hdfs://`, `file://`, with globs)
on `--engine spark --state`: the local file system cannot list it, and a
client per object store would be a new dependency, so the files are listed by
the session itself, with the credentials and file systems it reads the data
with (also over Spark Connect). Spark's `binaryFile` source lists a path or glob
with the same file index as any other file source (hidden `_*` and `.*` files
left out); selecting only `path`, `length` and `modificationTime` opens no
file (its reader reads the content only when `content` is selected:
tests/checks/incremental/test_spark_uris.py holds it with a 1-byte content
limit). Each file is known by Spark's qualified path (`file:/data/a.parquet`,
`s3a://lake/orders/a.parquet`), its size and its modification time (the file
system's, in milliseconds).

The racy-file rule holds as for local files (checks.incremental.files): a file
modified less than 2 s before the run (by this machine's clock against the
store's times), or recorded with a hash and of the same size, is hashed, by
Spark (`sha2(content, 256)` of those files only, one job), so only the files
just written are read twice.
"""

from __future__ import annotations

from typing import Any

from scaffolder.checks.guards import SourceError
from scaffolder.checks.incremental.files import Listed

LISTED = ("path", "modificationTime", "length", "content")  # binaryFile's columns; more are partition columns


def is_uri(source: str) -> bool:
    return "://" in source


def reason(exc: BaseException) -> str:
    """An engine error's first line; for a JVM error (Py4J), the Java exception's, not the call's."""
    java = getattr(exc, "java_exception", None)
    if java is not None:
        try:
            text = str(java.toString())
        except Exception:  # noqa: BLE001  (a gateway that is gone: fall back to Python's text)
            text = ""
        if text.strip():
            return text.strip().splitlines()[0]
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def listed(spark: Any, source: str, errors: tuple[type[BaseException], ...]) -> list[Listed]:
    """SOURCE's files, sorted by path; SourceError (exit 2) when Spark cannot list them."""
    try:
        df = spark.read.format("binaryFile").load(source)
        extra = [c for c in df.columns if c not in LISTED]
        rows = [] if extra else df.selectExpr(
            "path", "length", "CAST(unix_millis(modificationTime) AS BIGINT) AS ms").collect()
    except errors as exc:
        raise SourceError(f"{source}: Spark cannot list its files for --state: {reason(exc)}") from None
    if extra:
        raise SourceError(f"{source}: a partitioned folder (partition columns {', '.join(extra)}): --state on "
                          "Spark reads a list of files, which would lose those columns; give a glob of the "
                          "files, or run without --state")
    if not rows:
        raise SourceError(f"{source}: no file matches")
    return sorted((Listed(r[0], r[0], int(r[1]), int(r[2]) * 1_000_000) for r in rows), key=lambda x: x.path)


def digests(spark: Any, paths: list[str], errors: tuple[type[BaseException], ...]) -> dict[str, str]:
    """sha256 of each file's content, read by Spark (a file over binaryFile's 2 GiB limit is an error)."""
    try:
        rows = spark.read.format("binaryFile").load(paths).selectExpr("path", "sha2(content, 256)").collect()
    except errors as exc:
        raise SourceError(f"{paths[0]}: Spark cannot hash the files modified just before the run: "
                          f"{reason(exc)}") from None
    got = {r[0]: r[1] for r in rows}
    missing = [p for p in paths if p not in got]
    if missing:
        raise SourceError(f"{missing[0]}: listed, then gone before its content could be hashed: run again")
    return got

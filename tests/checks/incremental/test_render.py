"""How an incremental run read the data, in text and Markdown: file names are shown, never interpreted."""

from __future__ import annotations

from scaffolder.checks.incremental.render import markdown, text
from scaffolder.checks.incremental.run import IncrementalReport, RunInfo


def _report(run: RunInfo) -> IncrementalReport:
    return IncrementalReport("c.yaml", "shop.orders", "d/*.parquet", "parquet", 3, run=run)


def test_an_incremental_run_names_the_files_it_read() -> None:
    run = RunInfo("s.duckdb", "incremental", 3, read=["d/new\x1b[31m|`x`<b>.parquet"], contract_changed=True,
                  every={"qty.mean": "expect_column_mean_to_be_between cannot be combined from partials"})
    out = text(_report(run))
    assert "incremental run: read 1 new file of 3" in out and "\x1b" not in out and "\\x1b[31m" in out
    assert "the contract changed since the last run" in out and "read every file for qty.mean" in out
    md = markdown(_report(run))
    assert "- read ``d/new\\x1b[31m\\|`x`<b>.parquet``" in md and "\x1b" not in md
    assert "<b>" not in md.replace("``d/new\\x1b[31m\\|`x`<b>.parquet``", "")


def test_a_full_run_says_why_and_lists_no_files() -> None:
    run = RunInfo("s.duckdb", "full", 2, read=["d/a.parquet", "d/b.parquet"],
                  reasons=["1 file deleted since the last run: /d/c.parquet"])
    out = text(_report(run))
    assert "full run: read all 2 files (1 file deleted since the last run: /d/c.parquet)" in out
    assert "d/a.parquet" not in out.split("full run:")[1]
    assert "incremental" not in markdown(_report(run)).split("Data checks")[1]


def test_a_table_run_counts_rows_and_a_snapshot_run_names_the_snapshot() -> None:
    rows = RunInfo("s.duckdb", "incremental", 1, read=["w.duckdb::marts.orders where ts > 2024-03-01 21:00:00"],
                   watermark="ts > 2024-03-01 21:00:00", new_rows=9)
    assert "incremental run: read 9 new rows (ts > 2024-03-01 21:00:00)" in text(_report(rows))
    none = RunInfo("s.duckdb", "incremental", 1, watermark="ts > 2024-03-01 21:00:00", new_rows=0)
    assert "incremental run: no new rows (ts > 2024-03-01 21:00:00); results from STATE" in markdown(_report(none))
    full = RunInfo("s.duckdb", "full", 1, read=["w.duckdb::marts.orders"], watermark="ts", reasons=["--full was given"])
    assert "full run: read the whole table (--full was given)" in text(_report(full))
    snap = RunInfo("s.duckdb", "incremental", 4, read=["/t/p=x/a.parquet"], snapshot="version 4 (recorded: 3)")
    out = text(_report(snap))
    assert "incremental run: read 1 new file of 4" in out and "snapshot: version 4 (recorded: 3)" in out
    assert "- snapshot: version 4 (recorded: 3)" in markdown(_report(snap))

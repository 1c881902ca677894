"""An incremental run's report: the check table (checks.results), then how the run read the data."""

from __future__ import annotations

from scaffolder.checks.incremental.run import FULL, IncrementalReport, RunInfo
from scaffolder.checks.results import render_markdown, render_text
from scaffolder.report.mdescape import cell, code
from scaffolder.report.words import plural

CHANGED = "the contract changed since the last run: checks not recorded in STATE read every file"


def _clean(text: str) -> str:
    """No terminal control characters (file names come from the file system)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _head(run: RunInfo) -> str:
    if run.watermark:  # a table: rows, not files
        if run.mode == FULL:
            return f"full run: read the whole table ({'; '.join(run.reasons)})"
        if run.new_rows:
            return f"incremental run: read {plural(run.new_rows, 'new row')} ({run.watermark})"
        return f"incremental run: no new rows ({run.watermark}); results from STATE"
    if run.mode == FULL:
        return f"full run: read all {plural(run.files, 'file')} ({'; '.join(run.reasons)})"
    if run.read:
        return f"incremental run: read {plural(len(run.read), 'new file')} of {run.files}"
    return f"incremental run: no new files of {run.files}; results from STATE"


def text(report: IncrementalReport, verbose: bool = False) -> str:
    out = render_text(report, verbose=verbose)
    run = report.run
    if run is None:
        return out
    lines = [_head(run), *([CHANGED] if run.contract_changed else [])]
    lines += [f"  read every file for {cid}: {why}" for cid, why in run.every.items()]
    lines += [f"  read {f}" for f in run.read] if run.mode != FULL else []
    lines += [f"snapshot: {run.snapshot}"] if run.snapshot else []
    lines.append(f"state: {run.state}")
    return out + "\n" + "\n".join(_clean(line) for line in lines)


def markdown(report: IncrementalReport) -> str:
    out = render_markdown(report)
    run = report.run
    if run is None:
        return out
    lines = [cell(_head(run)), *([f"- {cell(CHANGED)}"] if run.contract_changed else [])]
    lines += [f"- read every file for {code(cid)}: {cell(why)}" for cid, why in run.every.items()]
    lines += [f"- read {code(f)}" for f in run.read] if run.mode != FULL else []
    lines += [f"- snapshot: {cell(run.snapshot)}"] if run.snapshot else []
    return out + "\n\n" + "\n".join(_clean(line) for line in lines)

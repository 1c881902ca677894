"""The PR report in Markdown: verdict, tables, consumer advice, folding and the size limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from scaffolder.changes.check import compare_files
from scaffolder.changes.render_markdown import MAX_CHARS, render_markdown
from scaffolder.changes.report import ChangeReport
from scaffolder.contract.mesh import Mesh
from tests.changes.conftest import BASE, edit

FIELDS = "".join(f"      - name: f{i:03d}\n        type: string\n" for i in range(80))


def wide_report(tmp_path: Path, new_version: str = "2.1.1") -> ChangeReport:
    """One contract that loses 80 fields: 80 major findings."""
    old = edit(BASE, ("      - name: note\n", FIELDS + "      - name: note\n"))
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(BASE.replace("version: 2.1.0", f"version: {new_version}"))
    return compare_files(tmp_path / "old.yaml", tmp_path / "new.yaml", Mesh(root=tmp_path), dt.date(2026, 1, 1))


def test_rows_beyond_50_are_folded(tmp_path) -> None:
    md = render_markdown(wide_report(tmp_path))
    table_rows = [ln for ln in md.splitlines() if ln.startswith("| `")]
    assert len(table_rows) == 81  # 80 changes + the gate finding
    before, _, folded = md.partition("<details><summary>31 more finding(s)</summary>")
    assert folded, md[:2000]
    assert len([ln for ln in before.splitlines() if ln.startswith("| `")]) == 50
    assert md.count("<details>") == md.count("</details>") == 1


def test_passing_report_verdict(tmp_path) -> None:
    md = render_markdown(wide_report(tmp_path, "3.0.0"))
    assert md.splitlines()[2].startswith("✅ **Contract check passed**")


def test_never_over_the_limit_and_points_to_the_json(tmp_path) -> None:
    one = wide_report(tmp_path).contracts[0]
    many = ChangeReport([dataclasses.replace(one, name=f"p{i}.events") for i in range(60)])
    md = render_markdown(many, full_report="`contract-report.json`")
    assert len(md) <= MAX_CHARS
    assert "Report truncated" in md and "`contract-report.json`" in md
    assert md.count("<details>") == md.count("</details>")
    small = render_markdown(many, max_chars=5_000)
    assert len(small) <= 5_000 and "Report truncated" in small


def test_pipes_in_messages_do_not_break_the_table(tmp_path) -> None:
    new = edit(BASE, ('pattern: "^[a-z]+$"', 'pattern: "^(a|b)+$"'), ("version: 2.1.0", "version: 3.0.0"))
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(new)
    md = render_markdown(compare_files(tmp_path / "old.yaml", tmp_path / "new.yaml", Mesh(root=tmp_path), dt.date(2026, 1, 1)))
    row = next(ln for ln in md.splitlines() if ln.startswith("| `pattern-changed`"))
    assert "^(a\\|b)+$" in row
    assert row.replace("\\|", "").count("|") == 5


def test_no_change_verdict() -> None:
    md = render_markdown(ChangeReport())
    assert "✅ **No contract changed.**" in md and "|" not in md

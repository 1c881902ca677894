"""Exceptions accept a breaking change on purpose; expired ones are errors, unused ones stale warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scaffolder.changes.check import compare_files
from scaffolder.contract.mesh import load_mesh
from tests.changes.conftest import BASE, edit, line_of

NOTE = "      - name: note\n        type: string\n"


def setup(tmp_path: Path, exceptions: str, new_version: str = "3.0.0") -> tuple[Path, Path]:
    mesh = ("apiVersion: datamesh.io/v1\nkind: Mesh\nname: t\nchanges:\n  compatibility: consumer\n"
            f"  exceptions:\n{exceptions}")
    (tmp_path / "mesh.yaml").write_text(mesh)
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(edit(BASE, (NOTE, ""), ("version: 2.1.0", f"version: {new_version}")))
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


def entry(rule: str = "field-removed", product: str = "orders.order_events", expires: str = "2027-01-31",
          extra: str = "") -> str:
    return (f"    - product: {product}\n      rule: {rule}\n{extra}"
            f"      reason: note was never filled\n      expires: {expires}\n")


def test_matching_exception_accepts_but_keeps_the_bump(tmp_path) -> None:
    old, new = setup(tmp_path, entry(), new_version="2.1.1")
    mesh = load_mesh(tmp_path)
    report = compare_files(old, new, mesh, dt.date(2026, 11, 25), fail_on="breaking")
    [c] = report.contracts
    [f] = c.changes
    assert f.accepted == "note was never filled"
    # the version must still say major: an exception never lets a version lie
    assert c.required_bump == "major"
    assert [g.rule for g in c.gate] == ["version-bump-too-small"]
    # with the right version, --fail-on breaking passes thanks to the exception
    old, new = setup(tmp_path, entry())
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert report.ok and report.findings == []


def test_exception_by_short_product_and_path_or_fingerprint(tmp_path) -> None:
    old, new = setup(tmp_path, entry(product="order_events", extra="      path: $.spec.schema.fields[note]\n"))
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert report.ok
    fp = report.contracts[0].changes[0].fingerprint
    old, new = setup(tmp_path, entry(extra=f"      fingerprint: {fp}\n"))
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert report.ok
    old, new = setup(tmp_path, entry(extra="      fingerprint: deadbeef0000\n"))
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert not report.ok
    assert [f.rule for f in report.findings] == ["exception-stale"]


def test_expired_exception_is_an_error_at_its_line(tmp_path) -> None:
    old, new = setup(tmp_path, entry(expires="2026-01-31"))
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert not report.ok
    [problem] = report.findings
    assert problem.rule == "exception-expired"
    assert problem.location.path.endswith("mesh.yaml")
    assert problem.location.line == line_of((tmp_path / "mesh.yaml").read_text(), "- product:")
    assert report.contracts[0].changes[0].accepted is None
    # an expired exception fails even the plain gate: the list must not rot
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25))
    assert not report.ok


def test_stale_exception_is_a_warning(tmp_path) -> None:
    old, new = setup(tmp_path, entry() + entry(rule="enum-value-added"))
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25), fail_on="breaking")
    assert report.ok
    [stale] = report.findings
    assert stale.rule == "exception-stale" and stale.severity.value == "warning"
    text = (tmp_path / "mesh.yaml").read_text()
    assert stale.location.line == line_of(text, "rule: enum-value-added") - 1


def test_exceptions_file(tmp_path) -> None:
    (tmp_path / "exceptions.yaml").write_text("exceptions:\n" + entry().replace("    - ", "  - ").replace("      ", "    "))
    (tmp_path / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nchanges:\n  exceptions_file: exceptions.yaml\n")
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(edit(BASE, (NOTE, ""), ("version: 2.1.0", "version: 3.0.0")))
    report = compare_files(tmp_path / "old.yaml", tmp_path / "new.yaml", load_mesh(tmp_path), dt.date(2028, 1, 1),
                           fail_on="breaking")
    [problem] = report.findings
    assert problem.rule == "exception-expired" and problem.location.path.endswith("exceptions.yaml")
    assert problem.location.line == 2


def test_unknown_rule_names_are_pointed_out(tmp_path) -> None:
    old, new = setup(tmp_path, entry(rule="field-remove"))
    with (tmp_path / "mesh.yaml").open("a") as fh:
        fh.write("  rules:\n    field-add: major\n")
    report = compare_files(old, new, load_mesh(tmp_path), dt.date(2026, 11, 25))
    messages = {f.rule: f.message for f in report.findings}
    assert "did you mean 'field-removed'" in messages["exception-stale"]
    assert messages["unknown-rule"] == "changes.rules: 'field-add' is not a change rule; did you mean 'field-added'?"

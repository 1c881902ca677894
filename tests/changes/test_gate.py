"""The semver gate through `compare_files` on real files: declared vs required bumps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scaffolder.changes.check import compare_files
from scaffolder.changes.report import ChangeReport
from scaffolder.contract.mesh import Mesh
from tests.changes.conftest import BASE, edit, line_of

TODAY = dt.date(2026, 11, 25)
NOTE = "      - name: note\n        type: string\n"
REMOVE_NOTE = (NOTE, "")  # field-removed: major for consumers
ADD_FIELD = (NOTE, NOTE + "      - name: channel\n        type: string\n")  # field-added: minor
DESCRIBE = ("description: Order events", "description: All order events")  # patch


def run(tmp_path: Path, old_edits, new_edits, old_version="2.1.0", new_version="2.1.0",
        fail_on: str = "bump", mesh: Mesh | None = None) -> ChangeReport:
    old = edit(BASE, ("version: 2.1.0", f"version: {old_version}"), *old_edits)
    new = edit(BASE, ("version: 2.1.0", f"version: {new_version}"), *new_edits)
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    return compare_files(tmp_path / "old.yaml", tmp_path / "new.yaml", mesh or Mesh(root=tmp_path), TODAY, fail_on)


def gate_rules(report: ChangeReport) -> list[str]:
    return [f.rule for c in report.contracts for f in c.gate]


@pytest.mark.parametrize(("edits", "old_v", "new_v", "required", "declared", "gate", "ok"), [
    ([REMOVE_NOTE], "2.1.0", "3.0.0", "major", "major", [], True),
    ([REMOVE_NOTE], "2.1.0", "2.1.0", "major", "none", ["version-not-bumped"], False),
    ([REMOVE_NOTE], "2.1.0", "2.2.0", "major", "minor", ["version-bump-too-small"], False),
    ([REMOVE_NOTE], "2.1.0", "2.0.9", "major", "decreased", ["version-decreased"], False),
    ([ADD_FIELD], "2.1.0", "2.2.0", "minor", "minor", [], True),
    ([ADD_FIELD], "2.1.0", "3.0.0", "minor", "major", ["version-bump-larger"], True),
    ([DESCRIBE], "2.1.0", "2.1.1", "patch", "patch", [], True),
    ([DESCRIBE], "2.1.0", "2.1.0", "patch", "none", ["version-not-bumped"], False),
    ([], "2.1.0", "2.1.0", "none", "none", [], True),
    # pre-1.0 (Cargo): a minor bump covers a major change, a patch bump a minor one
    ([REMOVE_NOTE], "0.3.0", "0.4.0", "major", "minor", [], True),
    ([REMOVE_NOTE], "0.3.0", "0.3.1", "major", "patch", ["version-bump-too-small"], False),
    ([ADD_FIELD], "0.3.0", "0.3.1", "minor", "patch", [], True),
    # pre-releases declare the bump they lead to
    ([REMOVE_NOTE], "2.4.0", "3.0.0-rc.1", "major", "major", [], True),
    ([REMOVE_NOTE], "3.0.0-rc.1", "3.0.0-rc.2", "major", "major", [], True),
    ([REMOVE_NOTE], "3.0.0-rc.1", "3.0.0", "major", "major", [], True),
    ([REMOVE_NOTE], "2.4.0", "2.5.0-rc.1", "major", "minor", ["version-bump-too-small"], False),
])
def test_gate(tmp_path, edits, old_v, new_v, required, declared, gate, ok) -> None:
    report = run(tmp_path, [], edits, old_v, new_v)
    [c] = report.contracts
    assert (c.required_bump, c.declared_bump) == (required, declared)
    assert gate_rules(report) == gate
    assert report.ok is ok
    if gate:
        f = c.gate[0]
        new_text = (tmp_path / "new.yaml").read_text()
        assert f.location.line == line_of(new_text, "version:")
        assert f.location.path.endswith("new.yaml")


def test_too_small_says_which_version_to_use(tmp_path) -> None:
    report = run(tmp_path, [], [REMOVE_NOTE], "2.1.0", "2.2.0")
    [c] = report.contracts
    assert c.suggested_version == "3.0.0"
    assert "3.0.0" in c.gate[0].message


def test_fail_on_breaking_fails_even_with_a_major_bump(tmp_path) -> None:
    assert run(tmp_path, [], [REMOVE_NOTE], "2.1.0", "3.0.0", fail_on="bump").ok
    report = run(tmp_path, [], [REMOVE_NOTE], "2.1.0", "3.0.0", fail_on="breaking")
    assert not report.ok
    assert gate_rules(report) == ["breaking-change"]
    # minor changes never trip --fail-on breaking
    assert run(tmp_path, [], [ADD_FIELD], "2.1.0", "2.2.0", fail_on="breaking").ok


def test_fail_on_never_reports_but_passes(tmp_path) -> None:
    report = run(tmp_path, [], [REMOVE_NOTE], "2.1.0", "2.1.0", fail_on="never")
    assert report.ok
    assert gate_rules(report) == ["version-not-bumped"]
    assert not report.contracts[0].ok


def test_contract_mode_wins_over_mesh_mode(tmp_path) -> None:
    mesh = Mesh(root=tmp_path, compatibility="producer")
    # field-added is major for producers ...
    report = run(tmp_path, [], [ADD_FIELD], "2.1.0", "2.2.0", mesh=mesh)
    assert report.contracts[0].mode == "producer" and report.contracts[0].required_bump == "major"
    # ... unless the contract chooses its own mode
    own = ("  version: 2.2.0\n", "  version: 2.2.0\n  compatibility: consumer\n")
    report = run(tmp_path, [], [ADD_FIELD, own], "2.1.0", "2.2.0", mesh=mesh)
    assert report.contracts[0].mode == "consumer" and report.contracts[0].ok


def test_invalid_new_contract_fails_with_its_validation_findings(tmp_path) -> None:
    report = run(tmp_path, [], [("type: int", "type: integr")], "2.1.0", "2.1.1")
    [c] = report.contracts
    assert not c.ok and not report.ok
    assert any(f.rule != "contract-invalid" and "integr" in f.message for f in c.errors)
    assert gate_rules(report) == ["contract-invalid"]


def test_invalid_base_is_a_warning_so_the_fix_can_merge(tmp_path) -> None:
    report = run(tmp_path, [("type: int", "type: integr")], [], "2.1.0", "2.1.0")
    [c] = report.contracts
    assert report.ok and c.status == "added"
    assert c.errors and all(f.severity.value == "warning" for f in c.errors)
    assert any("base version does not validate" in f.message for f in c.errors)


def test_smallest_passing_version_passes_and_the_next_smaller_bump_does_not() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scaffolder.changes.gate import declared, effective_required, smallest_passing
    from scaffolder.contract.semver import Bump, Version

    versions = st.builds(Version, st.integers(0, 5), st.integers(0, 5), st.integers(0, 5),
                         st.sampled_from([(), ("rc", "1"), ("alpha",)]))

    @settings(max_examples=300, deadline=None)
    @given(versions, st.sampled_from(["none", "patch", "minor", "major"]))
    def prop(base: Version, required: str) -> None:
        target = smallest_passing(base, required)
        need = effective_required(required, base)
        assert Bump(declared(base, target)) >= Bump(need) or target == base
        if need != "none":
            assert target > base
            for smaller in ("patch", "minor"):
                if Bump(smaller) < Bump(need) and not base.prerelease:
                    assert Bump(declared(base, base.bumped(smaller))) < Bump(need)

    prop()


def test_bump_orders_by_size_and_reads_as_its_value() -> None:
    import json

    from scaffolder.contract.semver import Bump

    assert sorted(["major", "none", "minor", "patch"], key=Bump) == ["none", "patch", "minor", "major"]
    assert Bump.largest([]) is Bump.NONE and Bump.largest(["patch", "major", "minor"]) is Bump.MAJOR
    assert Bump.MINOR < "major"  # a plain string compares by size too
    assert sorted([Bump.MAJOR, "patch"]) == ["patch", "major"]
    assert json.dumps({"b": Bump.MAJOR}) == '{"b": "major"}' and f"{Bump.PATCH:<6}|" == "patch |"

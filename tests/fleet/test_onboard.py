"""Onboarding is a library call (the CLI only parses and prints): its refusals and its CODEOWNERS edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import UsageError
from scaffolder.fleet.codeowners import add_domain
from scaffolder.fleet.onboard import new_domain, release


def test_refuses_a_bad_name_and_a_folder_without_a_mesh(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a domain name"):
        new_domain("Bad_Name", tmp_path)
    with pytest.raises(UsageError, match="no mesh.yaml found upward"):
        new_domain("payments", tmp_path)


def test_release_prefers_the_flag_then_the_pin(tmp_path: Path) -> None:
    assert release("v3", "v2", str(tmp_path), None) == ("v3", "--ref")
    assert release(None, "v2", str(tmp_path), None) == ("v2", "pinned by mesh.yaml templates.ref")


def test_codeowners_entry_added_once(tmp_path: Path) -> None:
    assert not add_domain(tmp_path, "payments", "@acme/pay")  # no CODEOWNERS: nothing to add to
    (tmp_path / "CODEOWNERS").write_text("* @acme/platform")
    assert add_domain(tmp_path, "payments", "@acme/pay")
    assert not add_domain(tmp_path, "payments", "@acme/pay")
    assert (tmp_path / "CODEOWNERS").read_text() == "* @acme/platform\n/domains/payments/ @acme/pay\n"

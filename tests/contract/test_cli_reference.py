"""docs/cli.md is the CLI's own help, regenerated and compared."""

from __future__ import annotations

from scaffolder.cli.reference import render
from tests.conftest import ROOT


def test_cli_reference_is_in_sync():
    doc = ROOT / "docs" / "cli.md"
    assert doc.read_text() == render(), "regenerate: python -m scaffolder.cli.reference > docs/cli.md"


def test_readme_links_the_cli_reference():
    assert "docs/cli.md" in (ROOT / "README.md").read_text()

"""`scaffolder bump` rewrites only the version: every other byte of the file stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.changes.bump import BumpError, replace_version
from scaffolder.contract.load import load_text
from tests.changes.conftest import BASE, edit, git
from tests.conftest import run_cli

REL = "domains/orders/orders.contract.yaml"

# Spelling a round-trip dump would disturb: comments, quotes, flow maps, odd spacing, CRLF.
QUIRKY = edit(BASE,
              ("  version: 2.1.0\n", "  version: '2.1.0'   # bumped by CI\n"),
              ("  domain: orders\n", "  domain:    orders # spacing kept\n"),
              ('    availability: "99.9%"\n', "    availability: \"99.9%\"\n    # a comment line\n"),
              ("constraints: {primary_key: true}", "constraints: { primary_key: true }"),
              ).replace("\n", "\r\n")


def setup(repo: Path, old: str, new: str) -> Path:
    path = repo / REL
    path.parent.mkdir(parents=True)
    path.write_bytes(old.encode())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "c")
    git(repo, "checkout", "-q", "-b", "f")
    path.write_bytes(new.encode())
    return path


def only_version_line_differs(before: bytes, after: bytes, new_version: str) -> None:
    a, b = before.split(b"\n"), after.split(b"\n")
    assert len(a) == len(b)
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert len(diff) == 1, diff
    i = diff[0]
    assert b"version:" in a[i]
    assert a[i].replace(b"2.1.0", new_version.encode()) == b[i]


def test_bump_changes_only_the_version_line(repo: Path) -> None:
    new = QUIRKY.replace("      - name: note\r\n        type: string\r\n", "")
    path = setup(repo, QUIRKY, new)
    before = path.read_bytes()
    run = run_cli("bump", cwd=repo)
    assert run.code == 0, run.out + run.err
    assert "2.1.0 -> 3.0.0" in run.out
    after = path.read_bytes()
    only_version_line_differs(before, after, "3.0.0")
    assert b"version: '3.0.0'   # bumped by CI\r\n" in after
    assert run_cli("check", "--base", "main", cwd=repo).code == 0
    # idempotent: a second run finds nothing to do
    run = run_cli("bump", cwd=repo)
    assert "unchanged (already passes)" in run.out and path.read_bytes() == after


def test_bump_dry_run_and_paths_filter(repo: Path) -> None:
    path = setup(repo, BASE, edit(BASE, ("      - name: note\n        type: string\n", "")))
    before = path.read_bytes()
    run = run_cli("bump", "--dry-run", cwd=repo)
    assert "would set version 2.1.0 -> 3.0.0" in run.out and path.read_bytes() == before
    (repo / "domains/other").mkdir()
    run = run_cli("bump", "domains/other", cwd=repo)
    assert run.code == 0 and path.read_bytes() == before
    run = run_cli("bump", "domains/orders", cwd=repo)
    assert run.code == 0 and b"version: 3.0.0" in path.read_bytes()


def test_bump_below_one_uses_cargo_rule(repo: Path) -> None:
    old = BASE.replace("version: 2.1.0", "version: 0.3.2")
    path = setup(repo, old, edit(old, ("      - name: note\n        type: string\n", "")))
    assert run_cli("bump", cwd=repo).code == 0
    assert b"version: 0.4.0\n" in path.read_bytes()


@pytest.mark.parametrize("line", ['  version: "2.1.0"\n', "  version: 2.1.0 # c\n", "  version:   2.1.0\n"])
def test_replace_version_spellings(line: str) -> None:
    text = BASE.replace("  version: 2.1.0\n", line)
    out = replace_version(text, load_text(text), "2.2.0")
    assert out == text.replace("2.1.0", "2.2.0")


def test_replace_version_in_flow_metadata() -> None:
    text = BASE.replace("metadata:\n  name: orders.order_events\n  domain: orders\n  version: 2.1.0\n  description: Order events\n",
                        "metadata: {name: orders.order_events, domain: orders, version: 2.1.0, description: Order events}\n")
    assert replace_version(text, load_text(text), "10.0.0") == text.replace("2.1.0", "10.0.0")


def test_replace_version_refuses_what_it_cannot_find() -> None:
    text = BASE.replace("  version: 2.1.0\n", "  version: &v 2.1.0\n")
    with pytest.raises(BumpError):
        replace_version(text, load_text(text), "2.2.0")


def test_set_version_keeps_a_bom(tmp_path: Path) -> None:
    from scaffolder.changes.bump import set_version

    path = tmp_path / "c.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    set_version(path, "2.2.0")
    assert path.read_bytes() == b"\xef\xbb\xbf" + BASE.replace("2.1.0", "2.2.0").encode()


def test_bump_that_cannot_write_leaves_the_contract_whole(repo: Path) -> None:
    """A file-size limit (or a full disk) mid-write: the contract stays as it was, no temp file remains."""
    import resource
    import subprocess
    import sys

    path = setup(repo, BASE, edit(BASE, ("      - name: note\n        type: string\n", "")))
    before = path.read_bytes()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) // 2, len(before) // 2))

    proc = subprocess.run([sys.executable, "-m", "scaffolder", "bump"], cwd=repo, capture_output=True,
                          text=True, preexec_fn=limit)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "File too large" in proc.stderr and "left unchanged" in proc.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_bump_keeps_the_mode_bits(repo: Path) -> None:
    path = setup(repo, BASE, edit(BASE, ("      - name: note\n        type: string\n", "")))
    path.chmod(0o640)
    assert run_cli("bump", cwd=repo).code == 0
    assert b"version: 3.0.0" in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o640

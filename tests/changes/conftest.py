"""Shared fixtures for the change tests: a rich base contract, edits on it, real git repos."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from scaffolder.contract.model import Contract
from scaffolder.contract.validate import validate_text

# Every aspect the rule table talks about, written the way a team would.
BASE = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: orders.order_events
  domain: orders
  version: 2.1.0
  description: Order events
spec:
  owner: team-orders@company.io
  sla:
    freshness: 15m
    freshness_column: event_ts
    availability: "99.9%"
  schema:
    type: avro
    fields:
      - name: order_id
        type: string
        description: The order
        constraints: {primary_key: true}
      - name: event_ts
        type: timestamp
        constraints: {nullable: false, timezone: UTC}
      - name: ingested_at
        type: timestamp
      - name: status
        type: string
        constraints: {enum: [placed, paid], pattern: "^[a-z]+$"}
      - name: amount
        type: decimal(10,2)
        constraints:
          min: 0
          max: 10000
      - name: qty
        type: int
      - name: customer_id
        type: string
        constraints: {pii: true, masking: hash, min_length: 1, max_length: 64}
      - name: note
        type: string
  quality:
    checks:
      - name: order_id_present
        column: order_id
        assertion: expect_column_values_to_not_be_null
        threshold: 0.99
      - column: event_ts
        assertion: expect_column_values_to_be_between
        value: {min_value: "2023-01-01", max_value: "2025-12-31"}
      - column: status
        assertion: expect_column_values_to_be_in_set
        value: {value_set: [placed, paid]}
  lineage:
    upstream: [raw.kafka.order_events]
    downstream: [analytics.order_facts]
  access:
    roles: [analyst, data-scientist]
    policies: [PII-RED-ACT]
"""


def edit(text: str, *replacements: tuple[str, str]) -> str:
    """Apply exact replacements, each of which must match exactly once (so a typo fails loudly)."""
    for old, new in replacements:
        count = text.count(old)
        assert count == 1, f"{old!r} occurs {count} times"
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first `needle` (after the line holding `after`, when given)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, ln in enumerate(lines) if after in ln)
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    raise AssertionError(f"{needle!r} not in text")


def contract(text: str, path: str = "contract.yaml") -> Contract:
    """A valid Contract from text; a fixture that does not validate fails the test with its findings."""
    result = validate_text(text, path)
    assert result.ok and result.contract is not None, "\n".join(f.text() for f in result.findings)
    return result.contract


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(cwd)}
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repo on branch main with a mesh.yaml committed."""
    root = tmp_path / "mesh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: test\n"
                                    "contracts: [\"domains/**/*.contract.yaml\"]\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mesh")
    return root


@pytest.fixture
def base_text() -> str:
    return BASE

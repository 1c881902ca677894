"""A generated mesh for the catalog's tests and benchmark: N products with lineage, PII, deprecations.

Product i reads product (i-1)//3 and, for every 4th, i-7 of the mesh (a wide tree that fans in),
the first products read external raw feeds, every 10th is deprecated with a
sunset, every 3rd holds PII, and one description carries HTML to prove escaping.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

DOMAINS = ["orders", "billing", "customers", "inventory", "shipping"]
TAGS = ["gold", "finance", "realtime", "gdpr"]
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def name_of(i: int) -> str:
    return f"{DOMAINS[i % len(DOMAINS)]}.product_{i:04d}"


def status_of(i: int) -> str:
    if i % 10 == 9:
        return "deprecated"
    if i % 17 == 16:
        return "draft"
    return "active"


def contract(i: int, version: str = "1.0.0", extra_field: bool = False, drop_amount: bool = False) -> str:
    domain = DOMAINS[i % len(DOMAINS)]
    status = status_of(i)
    ups = sorted({name_of(j) for j in ((i - 1) // 3 if i else -1, i - 7 if i % 4 == 0 else -1) if j >= 0})
    if i < 3:
        ups.append(f"raw.kafka.feed_{i}")
    downs = [f"bi.dashboard_{i}"] if i % 8 == 0 else []
    tags = [TAGS[i % len(TAGS)]] + ([TAGS[(i + 1) % len(TAGS)]] if i % 2 else [])
    desc = HOSTILE if i == 4 else f"Product number {i} of the {domain} domain."
    lines = [
        "apiVersion: datamesh.io/v1",
        "kind: DataProduct",
        "metadata:",
        f"  name: {name_of(i)}",
        f"  domain: {domain}",
        f"  version: {version}",
        f"  description: {desc!r}".replace("'", '"') if i != 4 else f"  description: '{desc}'",
        f"  status: {status}",
    ]
    if status == "deprecated":
        lines.append("  sunset: 2027-06-30")
    lines += [f"  tags: [{', '.join(tags)}]", "spec:", f"  owner: team-{domain}@example.com",
              "  sla:", "    freshness: 1h", '    availability: "99.5%"',
              "  schema:", "    type: parquet", "    fields:",
              "      - name: id", "        type: string", "        description: The key.",
              "        constraints: {primary_key: true}",
              "      - name: updated_at", "        type: timestamp", "        constraints: {nullable: false, timezone: UTC}"]
    if not drop_amount:
        lines += ["      - name: amount", "        type: decimal(12,2)", "        constraints: {min: 0}"]
    if i % 3 == 0:
        lines += ["      - name: email", "        type: string",
                  "        constraints: {pii: true, masking: hash, max_length: 320}"]
    if i % 5 == 1:
        lines += ["      - name: legacy_code", "        type: string",
                  "        deprecated: {since: 1.0.0, sunset: 2027-01-01, replaced_by: id}"]
    if extra_field:
        lines += ["      - name: note", "        type: string", "        description: Added later."]
    lines += ["  quality:", "    checks:",
              "      - column: id", "        assertion: expect_column_values_to_not_be_null",
              "      - column: updated_at", "        assertion: expect_column_values_to_not_be_null",
              "        threshold: 0.99",
              "  lineage:", f"    upstream: [{', '.join(ups)}]", f"    downstream: [{', '.join(downs)}]",
              "  access:", "    roles: [analyst]", "    policies: [default]"]
    return "\n".join(lines) + "\n"


def path_of(root: Path, i: int) -> Path:
    return root / "domains" / DOMAINS[i % len(DOMAINS)] / f"product_{i:04d}.contract.yaml"


def write_mesh(root: Path, n: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mesh.yaml").write_text("name: acme\n")
    paths = []
    for i in range(n):
        p = path_of(root, i)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(contract(i))
        paths.append(p)
    return paths


def git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "Mesh Bot", "GIT_AUTHOR_EMAIL": "bot@example.com", "GIT_COMMITTER_NAME": "Mesh Bot",
           "GIT_COMMITTER_EMAIL": "bot@example.com", "HOME": str(root), "PATH": "/usr/bin:/bin",
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def write_mesh_with_history(root: Path, n: int) -> None:
    """Three commits: every product at 1.0.0; a new field in every 4th (1.1.0); a removed field in
    products 0 and 8 (2.0.0), an under-bumped removal in 12 (1.0.1), and product 5 renamed."""
    write_mesh(root, n)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the mesh", "--date", "2026-01-05T10:00:00Z")
    for i in range(0, n, 4):
        path_of(root, i).write_text(contract(i, "1.1.0", extra_field=True))
    git(root, "commit", "-q", "-am", "Add a note field", "--date", "2026-02-05T10:00:00Z")
    for i, version in ((0, "2.0.0"), (8, "2.0.0"), (12, "1.1.1")):
        if i < n:
            path_of(root, i).write_text(contract(i, version, extra_field=True, drop_amount=True))
    if n > 5:
        old = path_of(root, 5)
        git(root, "mv", str(old.relative_to(root)), str(old.with_name("renamed_0005.contract.yaml").relative_to(root)))
    git(root, "commit", "-q", "-am", "Drop amount", "--date", "2026-03-05T10:00:00Z")

"""The README's shell examples, run verbatim from a fresh clone.

Every fenced ```bash block of README.md runs, in order, from the root of a
`git clone` of this repo (so only committed files count) with real git,
Copier, dbt and DuckDB, each in its own `bash -e -o pipefail`. Blocks share
the file system, as a reader's terminal does: the quick start makes
`../acme-mesh` and later blocks use it. A block not meant to run is marked
by the line before its fence: `<!-- readme-test: skip (reason) -->`.
The install-and-demo block is skipped: tests/demo/test_demo.py runs the demo.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, git

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*$")
SKIP = re.compile(r"^\s*<!-- readme-test: skip \((?P<reason>[^)]+)\) -->\s*$")
MAX_SKIPS = 4  # keep the list of examples that do not run short


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    skip: str | None  # the reason, when marked


def blocks(markdown: str) -> list[Block]:
    """Fenced code blocks with their language and skip marker (indented fences in lists too)."""
    lines = markdown.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, start = m["indent"], i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        prev = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        skip = SKIP.match(prev)
        out.append(Block(start + 1, m["lang"], "\n".join(body) + "\n", skip["reason"] if skip else None))
        i += 1
    return out


def test_blocks_are_found_with_their_skip_markers() -> None:
    text = ("intro\n<!-- readme-test: skip (needs the network) -->\n```bash\ncurl x\n```\n\n"
            "- item\n  ```bash\n  echo hi\n  ```\n```yaml\na: 1\n```\n")
    found = blocks(text)
    assert [(b.line, b.lang, b.text, b.skip) for b in found] == [
        (3, "bash", "curl x\n", "needs the network"), (8, "bash", "echo hi\n", None), (11, "yaml", "a: 1\n", None)]


def test_the_readme_skips_few_examples_and_says_why() -> None:
    shell = [b for b in blocks((ROOT / "README.md").read_text(encoding="utf-8")) if b.lang == "bash"]
    skipped = [b for b in shell if b.skip]
    assert len(shell) - len(skipped) >= 5, "the README should show examples that run"
    assert len(skipped) <= MAX_SKIPS, [b.line for b in skipped]
    assert all(len(b.skip.split()) >= 3 for b in skipped), "say why an example does not run"


def test_the_readme_names_the_openlineage_core_version_the_events_carry(seed_text: str) -> None:
    pytest.importorskip("openlineage.client")
    from scaffolder.catalog import openlineage as ol
    from scaffolder.contract.validate import validate_text

    seed = validate_text(seed_text, "seed.yaml").contract
    event = ol.to_dicts(ol.build_events(seed, ol.EmitOptions()))[0]
    version = re.search(r"/spec/([\d-]+)/OpenLineage\.json", event["schemaURL"])[1]
    named = set(re.findall(r"OpenLineage core ([\d-]+)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert named == {version}


def test_the_readme_lists_each_demo_step() -> None:
    from scaffolder.demo.steps import STEPS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("`scaffolder demo` prints every command"):text.index("## Who does what")]
    listed = re.findall(r"^(\d+)\. ", section, flags=re.M)
    words = {6: "six", 5: "five", 7: "seven"}
    assert listed == [str(i) for i in range(1, len(STEPS) + 1)]
    assert f"In {words.get(len(STEPS), len(STEPS))} steps" in section


@pytest.mark.slow
def test_every_shell_example_runs_verbatim_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "datamesh-scaffolder"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(clone),  # the clone's code, as `pip install -e .` in the clone would give
        "HOME": str(home),
        "GIT_AUTHOR_NAME": "Domain Team", "GIT_AUTHOR_EMAIL": "team@example.com",
        "GIT_COMMITTER_NAME": "Domain Team", "GIT_COMMITTER_EMAIL": "team@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
    }
    for key in ("SCAFFOLDER_DEBUG", "GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "GITHUB_TOKEN", "CI"):
        env.pop(key, None)
    shell = [b for b in blocks((clone / "README.md").read_text(encoding="utf-8")) if b.lang == "bash"]
    printed = ""
    for block in shell:
        if block.skip:
            continue
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.text], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, (f"README.md:{block.line}: exit {proc.returncode}\n{block.text}\n"
                                      f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        assert "Traceback" not in proc.stdout + proc.stderr, f"README.md:{block.line}\n{proc.stderr[-3000:]}"
        printed += proc.stdout

    # What the examples say they do, done.
    assert "[version-not-bumped]" in printed and "exit code 1: the gate failed" in printed
    assert re.search(r"checks on 7 rows: all passed", printed)
    mesh = tmp_path / "acme-mesh"
    contract = git(mesh, "show", "refunds:domains/orders/data-product-contract.yaml")  # bumped, committed
    assert "version: 2.0.0" in contract and '"refunded"' in contract
    assert "version: 1.0.0" in git(mesh, "show", "main:domains/orders/data-product-contract.yaml")
    update = git(mesh, "show", "template-update/v1.1.0/orders:domains/orders/.copier-answers.yml")
    assert "_commit: v1.1.0" in update  # the fleet's branch; main stays on v1.0.0
    readme = git(mesh, "show", "template-update/v1.1.0/orders:domains/orders/README.md")
    assert "#data-platform" in readme and "#data-platform" not in (mesh / "domains/orders/README.md").read_text()
    assert "_commit: v1.0.0" in git(mesh, "show", "main:domains/orders/.copier-answers.yml")
    for domain in ("orders", "shipping", "payments"):
        assert (mesh / "domains" / domain / "data-product-contract.yaml").is_file(), domain
    assert "_commit: v1.0.0" in (mesh / "domains/payments/.copier-answers.yml").read_text()
    assert (tmp_path / "returns/.github/workflows/data-product-check.yml").is_file()  # polyrepo layout
    report = json.loads((mesh / "domains/orders/report.json").read_text())
    assert report["ok"] is True and report["rows"] == 7
    assert "orders.order_events" in (mesh / "site/index.html").read_text()
    events = [json.loads(line) for line in (mesh / "lineage.ndjson").read_text().splitlines()]
    assert {e["job"]["name"] for e in events} == {"orders.order_events.publish", "orders.order_events.checks"}


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    heads = re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in heads}


def test_anchors_follow_github() -> None:
    assert anchors("# Mesh policy (`mesh.yaml`)\n## Fleet: one process, one clone\n") == {
        "mesh-policy-meshyaml", "fleet-one-process-one-clone"}


@pytest.mark.parametrize("doc", ["README.md", "docs/architecture.md", "docs/performance.md"])
def test_links_between_the_guide_and_docs_resolve(doc: str) -> None:
    path = ROOT / doc
    for target, anchor in re.findall(r"\]\(([^)#\s:]*)(?:#([^)\s]+))?\)", path.read_text(encoding="utf-8")):
        dest = (path.parent / target).resolve() if target else path
        assert dest.exists(), f"{doc}: {target}"
        if anchor and dest.suffix == ".md":
            assert anchor in anchors(dest.read_text(encoding="utf-8")), f"{doc}: {target}#{anchor}"

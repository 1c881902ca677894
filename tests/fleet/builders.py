"""Build a small Copier template repository (tags v1, v2, v3) and a mesh of domains made from it.

Real git, real Copier (as separate processes, the way a domain team runs it).
Used by the fleet tests and by benchmarks/bench_fleet.py.

v1 -> v2: the workflow changes (a pinned version and a new step), a file is
added (.sqlfluff) with a new question that has a default (warehouse), the
dbt_project.yml `threads:` line changes (a domain that edited it conflicts),
the README's platform line changes, the model (skip_if_exists) changes.
v2 -> v3: a new question without a default (cost_center): `needs-answer`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

COPIER = str(Path(sys.executable).with_name("copier"))
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}

COPIER_YML_V1 = """\
_subdirectory: template
_answers_file: .copier-answers.yml
_templates_suffix: .jinja
_skip_if_exists:
  - "models/**"
domain:
  type: str
  default: orders
"""
QUESTION_V2 = """\
warehouse:
  type: str
  default: duckdb
"""
QUESTION_V3 = """\
cost_center:
  type: str
  help: The cost center billed for this domain
"""

WORKFLOW = """\
name: ci {{ domain }}
on: pull_request
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install scaffolder==%(pin)s
      - run: scaffolder validate data-product-contract.yaml
%(extra)s"""
DBT = """\
name: {{ domain }}
version: "1.0.0"
profile: {{ domain }}
threads: %(threads)s
model-paths: ["models"]
"""
README = """\
# {{ domain }}

Platform notes: %(notes)s.

## Local notes
"""
MODEL = "select 1 as id%(extra)s -- {{ domain }}\n"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def build_template(root: Path) -> Path:
    """The template repository with tags v1, v2, v3."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    t = "template/"
    _write(root, "copier.yml", COPIER_YML_V1)
    _write(root, t + "{{_copier_conf.answers_file}}.jinja",
           "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n")
    _write(root, t + ".github/workflows/ci.yml.jinja", WORKFLOW % {"pin": "1.0", "extra": ""})
    _write(root, t + "dbt_project.yml.jinja", DBT % {"threads": 1})
    _write(root, t + "README.md.jinja", README % {"notes": "v1"})
    _write(root, t + "models/{{ domain }}.sql.jinja", MODEL % {"extra": ""})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1: first release")
    git(root, "tag", "v1")
    _write(root, "copier.yml", COPIER_YML_V1 + QUESTION_V2)
    _write(root, t + ".github/workflows/ci.yml.jinja",
           WORKFLOW % {"pin": "2.0", "extra": "      - run: scaffolder test data-product-contract.yaml\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ci: pin scaffolder 2.0, run the data checks")
    _write(root, t + ".sqlfluff.jinja", "[sqlfluff]\ndialect = {{ warehouse }}\n")
    _write(root, t + "dbt_project.yml.jinja", DBT % {"threads": 4})
    _write(root, t + "README.md.jinja", README % {"notes": "v2"})
    _write(root, t + "models/{{ domain }}.sql.jinja", MODEL % {"extra": ", 'v2' as tag"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dbt: 4 threads, sqlfluff config")
    git(root, "tag", "v2")
    _write(root, "copier.yml", COPIER_YML_V1 + QUESTION_V2 + QUESTION_V3)
    _write(root, t + "COST_CENTER.jinja", "{{ cost_center }}\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "billing: cost center")
    git(root, "tag", "v3")
    return root


def copy_domain(template: Path | str, dest: Path, name: str, ref: str = "v1") -> None:
    proc = subprocess.run([COPIER, "copy", "--quiet", "--defaults", "--vcs-ref", ref, "--data", f"domain={name}",
                           str(template), str(dest)], capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)


# name -> (version it was copied at, what its team edited)
DOMAINS = {
    "alpha": ("v1", "nothing"),
    "bravo": ("v1", "README: own notes at the end (merges cleanly)"),
    "charlie": ("v1", "dbt_project.yml: threads 8 (v2 changes the same line: conflict)"),
    "delta": ("v1", "its model (skip_if_exists: never touched)"),
    "echo": ("v2", "nothing (already on v2)"),
    "foxtrot": ("v1", "workflow trigger line (v2 changes other lines: merges)"),
    "golf": ("v1", "answers point at a template that does not exist (fails)"),
}
EXPECTED_V2 = {"alpha": "updated", "bravo": "updated", "charlie": "conflicted", "delta": "updated",
               "echo": "up-to-date", "foxtrot": "updated", "golf": "failed"}


def build_mesh(root: Path, template: Path) -> Path:
    """A mesh monorepo whose domains/* come from the template, some with committed local edits."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    _write(root, "mesh.yaml", "name: test-mesh\n")
    _write(root, "CODEOWNERS", "* @acme/platform\n/domains/alpha/ @alice\n/domains/charlie/ @acme/charlie-team @carol\n")
    for name, (ref, _) in DOMAINS.items():
        copy_domain(template, root / "domains" / name, name, ref)
    d = root / "domains"
    (d / "bravo/README.md").write_text((d / "bravo/README.md").read_text() + "Bravo's own notes.\n")
    dbt = d / "charlie/dbt_project.yml"
    dbt.write_text(dbt.read_text().replace("threads: 1", "threads: 8"))
    (d / "delta/models/delta.sql").write_text("select 42 as answer -- delta's own model\n")
    wf = d / "foxtrot/.github/workflows/ci.yml"
    wf.write_text(wf.read_text().replace("on: pull_request", "on: [pull_request, push]"))
    answers = d / "golf/.copier-answers.yml"
    answers.write_text(answers.read_text().replace(str(template), str(template.parent / "no-such-template")))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mesh with domains")
    return root


def clone_tree(src: Path, dest: Path) -> Path:
    """A private copy of a built repository (faster than building it again)."""
    shutil.copytree(src, dest, symlinks=True)
    return dest

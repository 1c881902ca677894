"""Killed updates: nothing half-written reaches main or another domain, and the next run completes the work.

A `git` wrapper first on PATH plays the kill at a precise point: when the
fleet is about to commit a domain's update (Copier has already rewritten the
files in that domain's worktree), it SIGKILLs either the whole fleet (its
process group) or just that domain's worker process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli
from tests.fleet.builders import EXPECTED_V2

WRAPPER = """#!/bin/sh
for a in "$@"; do
  case "$a" in
    "template: update $FLEET_KILL_DOMAIN"*)
      if [ "$FLEET_KILL" = group ]; then kill -9 0; else kill -9 $PPID; fi
      exit 137;;
  esac
done
exec {git} "$@"
"""


def _wrapper(tmp: Path) -> dict[str, str]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(WRAPPER.replace("{git}", shutil.which("git") or "/usr/bin/git"))
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_a_killed_fleet_leaves_no_half_written_domain_and_the_next_run_completes_it(mesh, repo, tmp_path) -> None:
    r = repo(mesh)
    main_before = r.rev("main")
    env = {**os.environ, **_wrapper(tmp_path), "CI": "true", "FLEET_KILL": "group", "FLEET_KILL_DOMAIN": ""}
    proc = subprocess.run([sys.executable, "-m", "scaffolder", "fleet", "update", "--to", "v2", "--jobs", "2"],
                          cwd=mesh, env=env, capture_output=True, text=True, start_new_session=True, timeout=300)
    assert proc.returncode == -9  # the whole run died at the first commit
    assert len(r.worktrees()) > 1  # ... midway: a domain's worktree was left behind
    assert r.rev("main") == main_before and r.git("status", "--porcelain") == ""
    for branch, sha in r.branches().items():  # a branch is either not started or complete, never half-written
        assert sha == main_before or r.commits_on(branch) == 1
    assert all(sha == main_before for sha in r.branches().values())  # the kill came before any commit

    r2 = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--format", "json", cwd=mesh, env={"CI": "true"})
    report = json.loads(r2.out)
    assert {d["domain"]: d["status"] for d in report["domains"]} == EXPECTED_V2
    assert not any(d["reused"] for d in report["domains"])
    for branch in r.branches():
        assert r.commits_on(branch) == 1
        assert "_commit: v2" in r.show(branch, f"domains/{branch.rsplit('/', 1)[1]}/.copier-answers.yml")
    assert r.worktrees() == [str(mesh)]
    assert r.rev("main") == main_before


def test_a_killed_worker_fails_its_own_domain_only(mesh, repo, tmp_path) -> None:
    r = repo(mesh)
    main_before = r.rev("main")
    env = {**_wrapper(tmp_path), "CI": "true", "FLEET_KILL": "worker", "FLEET_KILL_DOMAIN": "bravo"}
    res = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--format", "json", "--only", "alpha",
                  "--only", "bravo", "--only", "charlie", cwd=mesh, env=env)
    report = {d["domain"]: d for d in json.loads(res.out)["domains"]}
    assert report["bravo"]["status"] == "failed"
    assert "killed (SIGKILL)" in report["bravo"]["reason"]
    assert (report["alpha"]["status"], report["charlie"]["status"]) == ("updated", "conflicted")
    assert r.rev("main") == main_before
    assert r.worktrees() == [str(mesh)]  # the dead worker's worktree was removed
    assert "template-update/v2/bravo" not in r.branches()  # nor its empty branch
    # the next run (no killer) completes bravo and reuses the others
    res = run_cli("fleet", "update", "--to", "v2", "--only", "bravo", "--format", "json", cwd=mesh,
                  env={"CI": "true"})
    [bravo] = json.loads(res.out)["domains"]
    assert bravo["status"] == "updated" and not bravo["reused"]
    assert r.commits_on("template-update/v2/bravo") == 1

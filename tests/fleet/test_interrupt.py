"""Killed updates: nothing half-written reaches main or another domain, and the next run completes the work.

A `git` wrapper first on PATH plays the kill at a precise point: when the
fleet is about to commit a domain's update (Copier has already rewritten the
files in that domain's worktree), it SIGKILLs either the whole fleet (every
process of its session) or just that domain's worker process. The last test
kills only the parent (as `timeout` does) at random moments.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fleet.builders import EXPECTED_V2

WRAPPER = """#!/bin/sh
for a in "$@"; do
  case "$a" in
    "template: update $FLEET_KILL_DOMAIN"*)
      if [ "$FLEET_KILL" = group ]; then kill -9 "-$(cut -d' ' -f6 /proc/$$/stat)"; else kill -9 $PPID; fi
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


def _tagged(tag: str) -> list[int]:
    """Live processes whose environment carries `tag` (every process the run started inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if tag.encode() in env.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _gone(tag: str, within: float = 15.0) -> list[int]:
    deadline = time.monotonic() + within
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find stray processes")
def test_killing_only_the_parent_at_random_points_loses_nothing_and_leaves_nothing(mesh, repo, tmp_path,
                                                                                   request) -> None:
    """SIGTERM and SIGKILL to the `fleet update` process alone: its workers die with it (they never commit
    after it), SIGTERM removes its temp folder, main and a person's uncommitted edits are untouched, and a
    re-run finishes the work and removes what a SIGKILLed run could not."""
    r = repo(mesh)
    main_before = r.rev("main")
    edited = mesh / "domains/alpha/README.md"
    edited.write_text(edited.read_text() + "A person's edit, not committed yet.\n")
    (mesh / "notes.txt").write_text("untracked\n")
    tmp = Path(tempfile.mkdtemp(prefix="fk-", dir="/tmp"))  # short: the forkserver's socket fits (see runner)
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    seed = int(os.environ.get("FLEET_KILL_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    for i in range(6):
        sig = signal.SIGTERM if i % 2 == 0 else signal.SIGKILL
        tag = f"FLEET_KILL_TAG={seed}-{i}"
        env = {**os.environ, "CI": "true", "TMPDIR": str(tmp), tag.split("=")[0]: tag.split("=")[1]}
        before = set(tmp.glob("scaffolder-fleet-*"))  # a SIGKILLed run's folder waits for the next sweep
        log = tmp_path / f"run-{i}.log"
        with log.open("w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "scaffolder", "fleet", "update", "--to", "v2", "--jobs",
                                     "2"], cwd=mesh, env=env, stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True)
            time.sleep(rng.uniform(0.3, 3.0))
            proc.send_signal(sig)  # the parent only, as `timeout` does
            code = proc.wait(timeout=60)
        where = f"seed {seed}, kill {i} ({sig.name}), exit {code}: {log.read_text()[-600:]}"
        assert code in (1, -9, -15, 143), where  # 1: it had finished (a domain conflicts) before the kill
        assert _gone(tag) == [], f"{where}: workers outlived the fleet"
        if sig == signal.SIGTERM:
            assert set(tmp.glob("scaffolder-fleet-*")) <= before, f"{where}: temp folder left"
        assert r.rev("main") == main_before, where
        assert "A person's edit" in edited.read_text() and (mesh / "notes.txt").is_file(), where
        for branch, sha in r.branches().items():  # never half-written: not started, or the whole update
            if sha != main_before:
                domain = branch.rsplit("/", 1)[1]
                assert r.commits_on(branch) == 1, f"{where}: {branch}"
                assert "_commit: v2" in r.show(branch, f"domains/{domain}/.copier-answers.yml"), where
        frozen = r.branches()
        time.sleep(0.5)
        assert r.branches() == frozen, f"{where}: something committed after the fleet died"

    res = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--format", "json", cwd=mesh,
                  env={"CI": "true", "TMPDIR": str(tmp)})
    assert res.code == 1, res.err
    assert {d["domain"]: d["status"] for d in json.loads(res.out)["domains"]} == EXPECTED_V2, seed
    assert r.worktrees() == [str(mesh)]
    assert list(tmp.glob("scaffolder-fleet-*")) == []
    assert r.rev("main") == main_before and "A person's edit" in edited.read_text()

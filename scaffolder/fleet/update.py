"""Update domains to a template release: one git worktree, branch and process per domain.

Per domain:

1. in the parent (`plan_jobs`): the branch `template-update/<ref>[/<domain>]`
   already holds this release (a re-run): report it from the branch, change
   nothing, start no worker;
2. else, in its own worker process (`update_one`): check the branch out
   afresh from the base (main) in a new worktree,
   run Copier's update there (`defaults`, `overwrite`, `skip_answered`,
   inline conflict markers), classify from git, and commit everything, conflict
   markers included, on that branch only;
3. remove the worktree. A question without a default (`needs-answer`) or an
   error (`failed`) leaves no branch behind.

The main branch's ref and checkout are never written: all writes happen in
the worktree. A worker killed midway leaves a worktree and possibly an empty
branch; the next run removes the worktree and starts the branch again. The
fleet adds its worktrees locked with its own reason (`vcs.git.MARK`) and only
ever removes those: a worktree a person made on an update branch (to resolve
a conflict, say) is left alone, and that domain fails with a message saying so.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffolder.fleet.answers import parse_answers
from scaffolder.fleet.jobs import UpdateJob
from scaffolder.fleet.model import Domain, Outcome
from scaffolder.fleet.runner import Job, run_jobs
from scaffolder.fleet.scratch import scratch_or
from scaffolder.fleet.template import TemplateCache, TemplateError
from scaffolder.vcs import git

TRAILER = "Template-Update"
_REQUIRED = re.compile(r'Question "([^"]+)" is required')


def failure(message: str) -> str:
    """One line from Copier's error: its first line, plus git's own words when a git command failed.

    A failed git command reaches us as plumbum's "Unexpected exit code: N" with the
    command and its stderr on the lines below; the stderr says what went wrong.
    """
    lines = message.splitlines() or [message]
    if not lines[0].startswith("Unexpected exit code"):
        return lines[0]
    said = [line.split("|", 1)[1].strip() for line in lines[1:] if "|" in line and not line.startswith("Command line")]
    said = [w for w in said if w]
    fatal = [w for w in said if w.startswith("fatal:")]
    errors = [w for w in said if w.startswith("error:")]
    words = (fatal or errors[-1:] or said[-1:] or [""])[0]
    return f"{lines[0]} ({words})" if words else lines[0]


# ---------------------------------------------------------------- in the parent


def default_base(repo: Path) -> str:
    """The repository's default branch (`vcs.git.default_branch`, the change check's rule too), by
    its local name: the update branch starts from it and its PR targets it. A repository with no
    main, master or origin/HEAD starts from the branch it has checked out."""
    branch = git.default_branch(repo)
    if branch:
        return branch
    head = git.git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    return head or "HEAD"


def plan_jobs(domains: list[Domain], ref: str, cache: TemplateCache, workdir: Path, base: str | None
              ) -> tuple[list[Job], dict[str, Outcome]]:
    """Decide in the parent what needs a worker; answer the rest (up to date, unreadable) at once."""
    jobs: list[Job] = []
    done: dict[str, Outcome] = {}
    busy: dict[Path, dict[str, str]] = {}  # repo -> branch -> the worktree that has it checked out
    for d in domains:
        out = Outcome(d.name, "failed", ref, from_version=d.version)
        if d.problem:
            out.reason = d.problem
            done[d.name] = out
            continue
        assert d.src_path is not None
        try:
            mirror = cache.mirror(d.src_path)
        except TemplateError as exc:
            out.reason = str(exc)
            done[d.name] = out
            continue
        to_sha = cache.resolve(d.src_path, ref)
        if not to_sha:
            out.reason = f"the template {d.src_path} has no ref {ref!r} (tags: {', '.join(cache.tags(d.src_path)) or 'none'})"
            done[d.name] = out
            continue
        if cache.resolve(d.src_path, d.version or "") == to_sha:
            out.status, out.reason = "up-to-date", f"already on {d.version}"
            done[d.name] = out
            continue
        branch = d.branch(ref)
        base_ref = base or default_base(d.repo_root)
        if not git.rev(d.repo_root, base_ref):
            out.reason = f"{d.repo_root}: no base branch {base_ref!r} to start the update branch from (--base)"
            done[d.name] = out
            continue
        wt = workdir / f"wt-{len(jobs)}-{d.name}"
        payload = UpdateJob(name=d.name, repo_root=str(d.repo_root), rel=d.rel, answers_rel=d.answers_rel,
                            ref=ref, to_sha=to_sha, mirror=str(mirror), base=base_ref, branch=branch,
                            worktree=str(wt), from_version=d.version)
        reused = already_updated(payload)  # cheap git reads: no worker process for a re-run
        if reused is not None:
            done[d.name] = reused
            continue
        if d.repo_root not in busy:
            git.clean_stale_worktrees(d.repo_root)
            busy[d.repo_root] = git.checked_out(d.repo_root)
        holder = busy[d.repo_root].get(branch)
        if holder:
            out.branch = branch
            out.reason = (f"{branch} is checked out in {holder}, a worktree the fleet did not make: commit or "
                          "stash the work there and switch it to another branch (or `git worktree remove` "
                          "it), then re-run")
            done[d.name] = out
            continue
        git.clear_ref_lock(d.repo_root, branch)
        jobs.append(Job(d.name, payload, update_job))
    return jobs, done


def update_fleet(domains: list[Domain], ref: str, *, jobs: int = 1, base: str | None = None,
                 workdir: Path | None = None, cache: TemplateCache | None = None,
                 on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Update every domain to `ref`; one Outcome per domain, in the domains' order."""
    with scratch_or(workdir) as workdir:
        cache = cache or TemplateCache(workdir)
        planned, results = plan_jobs(domains, ref, cache, workdir, base)
        for outcome in results.values():
            if on_done:
                on_done(outcome)
        payloads = {j.key: j.payload for j in planned if isinstance(j.payload, UpdateJob)}

        def finished(key: str, raw: dict[str, Any]) -> None:
            outcome = _outcome(key, ref, payloads[key], raw)
            results[key] = outcome
            if on_done:
                on_done(outcome)

        try:
            run_jobs(planned, workdir / "jobs", jobs, cache.worker_env(workdir / "copier-cache"), finished)
        finally:  # also when interrupted: a killed worker's worktree and empty branch must not linger
            for job in planned:
                p = job.payload
                assert isinstance(p, UpdateJob)
                repo = Path(p.repo_root)
                _cleanup(repo, Path(p.worktree))
                result = results.get(job.key)
                if (result is None or result.status == "failed") and \
                        git.rev(repo, p.branch) == git.rev(repo, p.base):
                    git.git(repo, "branch", "-D", p.branch, check=False)
        return [results[d.name] for d in domains]


def _outcome(key: str, ref: str, payload: UpdateJob, raw: dict[str, Any]) -> Outcome:
    if "error" in raw:
        return Outcome(key, "failed", ref, branch=payload.branch, from_version=payload.from_version,
                       reason=str(raw["error"]))
    return Outcome.from_json(raw)


def _cleanup(repo: Path, worktree: Path) -> None:
    """Remove the run's worktree (locked by the fleet: `git worktree prune` alone would keep it)."""
    git.git(repo, "worktree", "remove", "--force", "--force", str(worktree), check=False)
    shutil.rmtree(worktree, ignore_errors=True)
    git.git(repo, "worktree", "prune", check=False)


# ---------------------------------------------------------------- in the worker


def _answers_commit(repo: Path, ref: str, answers_rel: str) -> str | None:
    text = git.git(repo, "show", f"{ref}:{answers_rel}", check=False)
    data = parse_answers(text, f"{ref}:{answers_rel}")[0] if text else {}
    return str(data["_commit"]) if data.get("_commit") else None


def _mirror_rev(mirror: str, ref: str | None) -> str | None:
    return git.rev(Path(mirror), ref) if ref else None


def _changed(repo: Path, base: str, branch: str, rel: str) -> list[str]:
    out = git.git(repo, "diff", "--name-only", "-z", f"{base}...{branch}", "--", rel, check=False)
    return [p for p in out.split("\0") if p]


def already_updated(p: UpdateJob) -> Outcome | None:
    """A re-run: the domain's branch already holds this release; report it from the branch, change nothing."""
    repo, branch, rel = Path(p.repo_root), p.branch, p.rel
    if not git.branch_exists(repo, branch):
        return None
    if _mirror_rev(p.mirror, _answers_commit(repo, branch, p.answers_rel)) != p.to_sha:
        return None  # an interrupted or older attempt: the update starts again from the base
    conflicts = git.conflicts_in_tree(repo, branch, rel)
    return Outcome(p.name, "conflicted" if conflicts else "updated", p.ref, branch=branch,
                   from_version=p.from_version, conflicts=conflicts,
                   reason="the branch already has this update", commit=git.rev(repo, branch),
                   changed=_changed(repo, p.base, branch, rel), reused=True)


def update_one(p: UpdateJob) -> Outcome:
    """One domain's update (runs in its own process: Copier changes the cwd).

    Only for a job `plan_jobs` made, which has already checked `already_updated`.
    """
    repo, branch, rel = Path(p.repo_root), p.branch, p.rel
    out = Outcome(p.name, "failed", p.ref, branch=branch, from_version=p.from_version)
    wt = Path(p.worktree)
    created = False
    try:
        with git.repo_lock(repo):
            git.add_worktree(repo, wt, branch, p.base)
        created = True
        dst = wt if rel == "." else wt / rel
        try:
            _copier_update(dst, p.ref)
        except Exception as exc:  # Copier's errors are plain exceptions: classify by message
            message = str(exc).strip() or type(exc).__name__
            m = _REQUIRED.search(message)
            if m:
                out.status, out.question = "needs-answer", m.group(1)
                out.reason = (f"the template asks a new question without a default: {m.group(1)!r}; "
                              f"add `{m.group(1)}: <value>` to {p.answers_rel} on the base branch and re-run")
            else:
                out.reason = f"copier update failed: {failure(message)}"
            return out
        status = git.git(wt, "status", "--porcelain", "-z", "--untracked-files=all", "--", rel)
        if not status.strip("\0"):
            out.status, out.reason = "up-to-date", "copier changed nothing"
            return out
        unmerged = set(git.git(wt, "diff", "--name-only", "-z", "--diff-filter=U", "--", rel).split("\0")) - {""}
        touched = [entry[3:] for entry in status.split("\0") if len(entry) > 3]
        marked = {f for f in touched if f.endswith(".rej") or git.has_markers(wt / f)}
        out.conflicts = sorted(unmerged | marked)
        git.git(wt, "add", "-A", "--", rel)
        message = (f"template: update {p.name} to {p.ref}\n\n"
                   f"{TRAILER}: {p.name} {p.from_version} -> {p.ref}\n"
                   + (f"Conflicts: {', '.join(out.conflicts)}\n" if out.conflicts else ""))
        git.git(wt, *git.identity(repo), "-c", "core.hooksPath=/dev/null", "commit", "--quiet",
                   "--no-verify", "-m", message)
        out.commit = git.rev(wt, "HEAD")
        out.changed = _changed(repo, p.base, branch, rel)
        out.status = "conflicted" if out.conflicts else "updated"
        return out
    except git.GitError as exc:
        out.reason = str(exc)
        return out
    finally:
        with git.repo_lock(repo):
            if wt.exists():
                git.git(repo, "worktree", "remove", "--force", "--force", str(wt), check=False)
            if created and out.status in ("failed", "needs-answer", "up-to-date") and not out.commit:
                git.git(repo, "branch", "-D", branch, check=False)  # leave no empty branch behind


def update_job(p: UpdateJob) -> dict[str, Any]:
    """The worker's entry for an update job: its Outcome as JSON."""
    return update_one(p).to_json()


def _copier_update(dst: Path, ref: str) -> None:
    from copier import run_update

    run_update(dst_path=str(dst), vcs_ref=ref, defaults=True, overwrite=True, skip_answered=True,
               conflict="inline", quiet=True, unsafe=False)

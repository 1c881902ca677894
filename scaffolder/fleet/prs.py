"""One pull request per domain and release, opened or edited (never duplicated) with PyGithub.

The branch is pushed first. The PR is found by its head branch among the open
ones; a re-run edits its title and body. A conflicted update is opened as a
draft and labelled `template-conflict` (GitHub's REST API cannot turn an
existing PR into a draft, so on re-runs the label carries it); the label goes
away when a later run finds no conflict. Reviewers are the domain's owners
from CODEOWNERS. Every GitHub or push error is reported on that domain's line
(status `pr-failed`, so the run exits 1) and never stops the others.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from scaffolder.fleet import codeowners
from scaffolder.fleet.model import Domain, Outcome
from scaffolder.fleet.template import TemplateCache
from scaffolder.vcs import git

LABEL = "template-update"
CONFLICT_LABEL = "template-conflict"
BODY_LIMIT = 60_000


def marker(domain: str, ref: str) -> str:
    return f"<!-- scaffolder:fleet domain={domain} ref={ref} -->"


def repository_of(repo_root: Path, remote: str) -> str | None:
    """owner/name from GITHUB_REPOSITORY, else from the remote's URL."""
    if os.environ.get("GITHUB_REPOSITORY"):
        return os.environ["GITHUB_REPOSITORY"]
    url = git.git(repo_root, "remote", "get-url", remote, check=False).strip()
    m = re.search(r"[:/]([^/:]+/[^/]+?)(?:\.git)?/?$", url)
    return m.group(1) if m and ("github" in url or url.startswith("git@")) else None


def title(o: Outcome) -> str:
    prefix = "[conflicts] " if o.status == "conflicted" else ""
    return f"{prefix}Template update of {o.domain} to {o.to_version}"


def body(o: Outcome, d: Domain, changelog: list[str]) -> str:
    lines = [marker(o.domain, o.ref),
             f"## Template update: `{o.domain}` {o.from_version} → {o.to_version}", "",
             f"Template: `{d.src_path}`. Made by `scaffolder fleet update --to {o.ref}` with Copier's 3-way "
             "merge; local edits are kept or shown as conflicts. Re-runs edit this PR.", ""]
    if o.conflicts:
        lines += [f"### ⚠️ Conflicts ({len(o.conflicts)})", "",
                  "Copier could not merge these files: the branch holds both sides between "
                  "`<<<<<<< before updating` and `>>>>>>> after updating`. Resolve them on this branch, "
                  "then mark the PR ready for review.", ""]
        lines += [f"- `{f}`" for f in o.conflicts] + [""]
    lines += [f"### Template changes ({o.from_version}..{o.to_version})", "", "```"]
    lines += changelog or ["(no commits between these versions)"]
    lines += ["```", ""]
    if o.changed:
        lines += [f"<details><summary>Files changed ({len(o.changed)})</summary>", ""]
        lines += [f"- `{f}`" for f in o.changed] + ["", "</details>", ""]
    text = "\n".join(lines)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "\n\n_…truncated_\n"


def push(repo_root: Path, branch: str, remote: str, force: bool) -> str | None:
    """None when pushed; otherwise why not."""
    args = ["push", "--quiet", "--no-verify", remote, f"refs/heads/{branch}:refs/heads/{branch}"]
    if force:
        args.insert(1, "--force")
    try:
        git.git(repo_root, *args)
    except git.GitError as exc:
        return exc.said()  # git's whole reason: the last line alone ("and the repository exists.") says nothing
    return None


def fetch_branches(domains: list[Domain], ref: str, remote: str) -> None:
    """Bring in the update branches earlier runs pushed (maybe from other machines), so re-runs reuse them.

    A missing local branch is created from the remote one; a local branch the
    remote is ahead of (someone resolved the conflicts on the PR) is
    fast-forwarded. A diverged branch is left alone: its push is refused and
    reported on that domain's line.
    """
    for d in domains:
        b = d.branch(ref)
        tracking = f"refs/remotes/{remote}/{b}"
        git.git(d.repo_root, "fetch", "--quiet", remote, f"+refs/heads/{b}:{tracking}", check=False)
        theirs = git.rev(d.repo_root, tracking)
        if not theirs:
            continue
        mine = git.rev(d.repo_root, f"refs/heads/{b}")
        if not mine or (mine != theirs and _is_ancestor(d.repo_root, mine, theirs)):
            git.git(d.repo_root, "update-ref", f"refs/heads/{b}", theirs, check=False)


def _is_ancestor(repo: Path, old: str, new: str) -> bool:
    import subprocess

    return subprocess.run(["git", "merge-base", "--is-ancestor", old, new], cwd=repo).returncode == 0


def open_prs(outcomes: list[Outcome], domains: list[Domain], cache: TemplateCache, *, base: str | None,
             api_url: str, token: str, remote: str = "origin", repository: str | None = None) -> None:
    """Open or edit one PR per updated or conflicted domain; sets each Outcome's `pr`.

    A PR targets the branch its update branch started from: `base`, else the
    default branch of the domain's own repository (polyrepos may differ).
    """
    from scaffolder.fleet.update import default_base
    from scaffolder.github.comment import client

    gh = client(api_url, token)
    by_name = {d.name: d for d in domains}
    for o in outcomes:
        if o.status not in ("updated", "conflicted") or not o.branch:
            continue
        d = by_name[o.domain]
        try:
            target = (base or default_base(d.repo_root)).removeprefix(f"{remote}/")
            o.pr = _one(gh, o, d, cache, base=target, remote=remote,
                        repository=d.repository or repository or repository_of(d.repo_root, remote))
        except Exception as exc:  # a network or API error is this domain's only
            status = getattr(exc, "status", None)
            said = (getattr(exc, "data", None) or {}).get("message") if isinstance(getattr(exc, "data", None), dict) \
                else None
            o.pr = {"action": "failed", "detail": (f"GitHub answered {status}" + (f": {said}" if said else ""))
                    if status else f"{type(exc).__name__}: {exc}"}
        if o.pr and o.pr.get("action") == "failed":
            o.status = "pr-failed"  # the branch exists, but nobody will see it: a person must act


def _one(gh: Any, o: Outcome, d: Domain, cache: TemplateCache, *, base: str, remote: str,
         repository: str | None) -> dict[str, Any]:
    if not repository:
        return {"action": "failed", "detail": "unknown GitHub repository: pass --repository OWNER/NAME"}
    assert o.branch is not None
    problem = push(d.repo_root, o.branch, remote, force=not o.reused)
    if problem:
        return {"action": "failed", "detail": f"push failed: {problem}"}
    changelog = cache.changelog(d.src_path or "", o.from_version, o.ref) if d.src_path else []
    want_title, want_body = title(o), body(o, d, changelog)
    repo = gh.get_repo(repository, lazy=True)
    owner = repository.split("/")[0]
    existing = next(iter(repo.get_pulls(state="open", head=f"{owner}:{o.branch}")), None)
    conflicted = o.status == "conflicted"
    if existing is None:
        pr = repo.create_pull(title=want_title, body=want_body, head=o.branch, base=base, draft=conflicted)
        action = "created"
    else:
        pr = existing
        if (pr.title, pr.body or "") != (want_title, want_body):
            pr.edit(title=want_title, body=want_body)
            action = "updated"
        else:
            action = "unchanged"
    have = {label.name for label in pr.labels}
    want = {LABEL, CONFLICT_LABEL} if conflicted else {LABEL}
    if want - have:
        pr.add_to_labels(*sorted(want - have))
    if not conflicted and CONFLICT_LABEL in have:
        pr.remove_from_labels(CONFLICT_LABEL)
    handles = codeowners.owners(d.repo_root, d.rel)
    users, teams = codeowners.split_reviewers(handles)
    if users or teams:
        pr.create_review_request(reviewers=users, team_reviewers=teams)
    labels = (have | want) if conflicted else (have | want) - {CONFLICT_LABEL}
    return {"action": action, "number": pr.number, "url": pr.html_url, "draft": bool(pr.draft),
            "labels": sorted(labels), "reviewers": [h for h in handles if h.startswith("@")]}

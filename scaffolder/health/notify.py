"""`health --notify`: one GitHub issue per breached product, found again by a hidden marker.

Like the sticky PR comment (github/comment.py): the issue is ours when its
body holds the product's marker and we opened it. A breach opens it (or
rewrites it with the new figures); a product whose SLA is met again gets its
issue rewritten with the recovery and closed. Nothing is ever duplicated.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from scaffolder.contract.units import humanize
from scaffolder.health.render import budget, md, stamp
from scaffolder.health.sla import ProductHealth, pct

PREFIX = "<!-- scaffolder:sla-breach "


def marker(product: str) -> str:
    return f"{PREFIX}{quote(product, safe='.-_')} -->"


def body(h: ProductHealth, window: float) -> str:
    head = "SLA breached" if h.breached else "SLA met again"
    lines = [marker(h.product), f"### {'❌' if h.breached else '✅'} {head}: `{md(h.product)}`", "",
             f"Over the last {humanize(int(window))} (to {stamp(h.last_at)}, the newest run):", "",
             "| measure | value |", "|---|---:|",
             f"| freshness compliance | {pct(h.freshness)} |", f"| availability | {pct(h.availability)} |",
             f"| objective | {h.objective:g}% |", f"| error budget left | {budget(h.budget_left)} |",
             f"| trend | {h.trend} |", f"| runs | {h.runs} ({h.unreadable} could not read the data) |", ""]
    lines += [f"- {md(b)}" for b in h.breaches]
    weak = [c for c in h.checks if c.rate < 1]
    lines += [f"- check `{md(c.id)}` passed {c.passed} of {c.runs} runs" for c in weak]
    lines += ["", "_Kept up to date by `scaffolder health --notify`; closed when the SLA is met again._"]
    return "\n".join(lines)


def sync(gh: Any, repository: str, items: list[ProductHealth], *, login: str, window: float) -> list[str]:
    """Open, update or close one issue per product; returns one line per action taken."""
    repo = gh.get_repo(repository, lazy=True)
    ours: dict[str, Any] = {}
    for issue in repo.get_issues(state="open"):
        text = issue.body or ""
        if PREFIX in text and issue.user is not None and issue.user.login == login:
            ours.setdefault(text.split(PREFIX, 1)[1].split(" -->", 1)[0], issue)
    done = []
    for h in items:
        key = marker(h.product)[len(PREFIX):-4]
        issue, text = ours.get(key), body(h, window)
        if h.breached and issue is None:
            made = repo.create_issue(title=f"SLA breached: {h.product}", body=text)
            done.append(f"opened {made.html_url} ({h.product})")
        elif h.breached and (issue.body or "") != text:
            issue.edit(body=text)
            done.append(f"updated {issue.html_url} ({h.product})")
        elif not h.breached and issue is not None:
            issue.edit(body=text, state="closed")
            done.append(f"closed {issue.html_url} ({h.product}: SLA met again)")
    return done


def notify_from_env(items: list[ProductHealth], *, window: float) -> list[str]:
    """GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL as in Actions; errors are reported, not raised."""
    from scaffolder.errors import UsageError
    from scaffolder.github.comment import bot_login, client

    token, repository = os.environ.get("GITHUB_TOKEN"), os.environ.get("GITHUB_REPOSITORY")
    if not token or not repository:
        raise UsageError("--notify needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name)")
    from github import GithubException

    gh = client(os.environ.get("GITHUB_API_URL", "https://api.github.com"), token)
    try:
        return sync(gh, repository, items, login=bot_login(gh, os.environ.get("SCAFFOLDER_BOT_LOGIN")),
                    window=window) or ["notify: no issue to open, update or close"]
    except GithubException as exc:
        return [f"notify: GitHub answered {exc.status}; the issues were not updated"]

"""The one sticky PR comment: found by a hidden marker and the bot's login, edited, never duplicated.

Behaviour borrowed from buf-action, oasdiff-action and sticky-comment actions:
- search every page of the PR's comments for our marker, written by us;
- edit it on re-runs; create it only when there is something to say;
- a fork's read-only token answers 403 on writes: report that, never fail on it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

MARKER = "<!-- scaffolder:contract-report -->"
COMMENT_LIMIT = 65_536
DEFAULT_BOT = "github-actions[bot]"


@dataclass
class CommentResult:
    action: str  # created | updated | unchanged | skipped | forbidden | failed
    url: str | None = None
    detail: str = ""


RETRIES = 2  # a comment is a courtesy: a few seconds of retries in all, never minutes
BACKOFF = 0.5  # seconds; urllib3 sleeps 0, then 2 x BACKOFF, 4 x BACKOFF, ...
RATE_LIMIT_WAIT = 5.0  # longest wait for a rate limit to reset before giving up
TIMEOUT = 5  # seconds per request (PyGithub takes one int for connect and read)


def retry_policy() -> Any:
    """Retry 5xx and rate limits a bounded number of times (env overrides exist for tests)."""
    from github import GithubRetry

    backoff = float(os.environ.get("SCAFFOLDER_GITHUB_BACKOFF", str(BACKOFF)))
    return GithubRetry(total=int(os.environ.get("SCAFFOLDER_GITHUB_RETRIES", str(RETRIES))), backoff_factor=backoff,
                       secondary_rate_wait=min(RATE_LIMIT_WAIT, 60 * backoff), max_rate_limit_wait=RATE_LIMIT_WAIT)


def client(api_url: str, token: str) -> Any:
    """A PyGithub client for github.com or an Enterprise Server, retrying 5xx and rate limits briefly."""
    from github import Auth, Github

    return Github(auth=Auth.Token(token), base_url=api_url, retry=retry_policy(), timeout=TIMEOUT, per_page=100, lazy=True)


def unreachable(api_url: str, exc: BaseException) -> CommentResult:
    """The comment could not be posted for a network reason: say where and why, in one line."""
    reason = {"ConnectionError": "could not connect", "ConnectTimeout": "timed out connecting",
              "ReadTimeout": "timed out waiting for an answer", "RetryError": "kept answering with errors",
              "SSLError": "TLS failed"}.get(type(exc).__name__, type(exc).__name__)
    return CommentResult("failed", detail=f"GitHub API at {api_url} {reason}; the report is in the job summary")


def bot_login(gh: Any, override: str | None = None) -> str:
    """Our own login. `GITHUB_TOKEN` may not read GET /user: then it is github-actions[bot]."""
    if override:
        return override
    from github import GithubException

    try:
        return str(gh.get_user().login)
    except GithubException as exc:
        if exc.status >= 500:  # GitHub itself is failing: posting would fail too
            raise
        return DEFAULT_BOT


def fit(body: str, report_hint: str) -> str:
    """Keep a comment under GitHub's limit, with a pointer to the full report."""
    body = body if body.startswith(MARKER) else f"{MARKER}\n{body}"
    if len(body) <= COMMENT_LIMIT:
        return body
    note = f"\n\n_…truncated: the comment limit is {COMMENT_LIMIT:,} characters. {report_hint}_\n"
    return body[: COMMENT_LIMIT - len(note) - 10] + note


def post(api_url: str, token: str, repository: str, number: int, body: str | None, *,
         author: str | None = None, all_clear: str | None = None) -> CommentResult:
    """Create or edit the sticky comment; a GitHub that cannot be reached is a result, never an exception."""
    try:
        gh = client(api_url, token)
        login = bot_login(gh, author)
    except Exception as exc:  # network trouble: whatever else the caller reports stays intact
        return unreachable(api_url, exc)
    return upsert(gh, repository, number, body, login=login, all_clear=all_clear)


def upsert(gh: Any, repository: str, number: int, body: str | None, *, login: str,
           all_clear: str | None = None) -> CommentResult:
    """Create or edit our comment.

    `body` None means there is nothing to report: an existing comment is
    rewritten to `all_clear` (a later push fixed everything), and no new one
    is created.
    """
    from github import GithubException

    try:
        issue = gh.get_repo(repository, lazy=True).get_issue(number)
        mine = None
        for comment in issue.get_comments():
            if MARKER in (comment.body or "") and comment.user is not None and comment.user.login == login:
                mine = comment
                break
        if body is None:
            if mine is None:
                return CommentResult("skipped", detail="no contract changed: no comment")
            body = all_clear or f"{MARKER}\nAll clear: no contract findings."
        from scaffolder.report.redact import redact

        body = fit(redact(body), "See the job summary for the full report.")
        if mine is None:
            created = issue.create_comment(body)
            return CommentResult("created", created.html_url)
        if (mine.body or "") == body:
            return CommentResult("unchanged", mine.html_url)
        mine.edit(body)
        return CommentResult("updated", mine.html_url)
    except GithubException as exc:
        if exc.status in (401, 403, 404):
            return CommentResult("forbidden", detail=f"GitHub answered {exc.status}: the token cannot comment here "
                                 "(a fork's pull request gets a read-only token); the report is in the job summary")
        return CommentResult("failed", detail=f"GitHub answered {exc.status}; the report is in the job summary")
    except Exception as exc:  # network trouble must not hide the report itself
        return unreachable(gh.requester.base_url if hasattr(gh, "requester") else "GitHub", exc)

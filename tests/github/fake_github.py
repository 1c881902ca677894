"""A GitHub REST double on 127.0.0.1: just enough of the API for the sticky comment.

PyGithub talks real HTTP to it under the Enterprise-style `/api/v3` prefix.
It paginates comments with Link headers, answers 403 to `GET /user` (as the
Actions token does), can play a fork's read-only token (403 on writes) and can
fail a number of requests with 500 to exercise retries. It records every
request so tests can assert what was sent, including that no token leaked.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PREFIX = "/api/v3"


@dataclass
class Comment:
    id: int
    body: str
    login: str


@dataclass
class State:
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    next_id: int = 1000
    read_only: bool = False
    fail_next: int = 0  # answer this many requests with 500 first
    requests: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)  # method, path, body, headers
    bot_login: str = "github-actions[bot]"
    per_page_max: int = 3  # small pages so pagination is exercised
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> pull request (fleet PRs)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> issue (health --notify)
    next_number: int = 1


class FakeGitHub:
    def __init__(self) -> None:
        self.state = State()
        handler = _handler(self.state)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def add_comment(self, number: int, body: str, login: str) -> Comment:
        c = Comment(self.state.next_id, body, login)
        self.state.next_id += 1
        self.state.comments.setdefault(number, []).append(c)
        return c

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _base(self) -> str:
            return f"http://{self.headers['Host']}{PREFIX}"

        def _comment_json(self, repo: str, number: int, c: Comment) -> dict[str, Any]:
            return {"id": c.id, "body": c.body, "user": {"login": c.login, "id": 1, "type": "Bot"},
                    "url": f"{self._base()}/repos/{repo}/issues/comments/{c.id}",
                    "html_url": f"https://github.example/{repo}/pull/{number}#issuecomment-{c.id}"}

        def _find(self, comment_id: int) -> tuple[int, Comment] | None:
            for number, items in state.comments.items():
                for c in items:
                    if c.id == comment_id:
                        return number, c
            return None

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            url = urlparse(self.path)
            state.requests.append((method, self.path, raw, dict(self.headers)))
            if state.fail_next > 0:
                state.fail_next -= 1
                return self._send(500, {"message": "Server Error"})
            path = url.path.removeprefix(PREFIX)
            if path == "/user":
                return self._send(403, {"message": "Resource not accessible by integration"})
            if method in ("POST", "PATCH", "DELETE") and state.read_only:
                return self._send(403, {"message": "Resource not accessible by integration"})
            m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", path)
            if m and method == "GET":
                repo, number = m.group(1), int(m.group(2))
                items = state.comments.get(number, [])
                query = parse_qs(url.query)
                per_page = min(int(query.get("per_page", ["30"])[0]), state.per_page_max)
                page = int(query.get("page", ["1"])[0])
                chunk = items[(page - 1) * per_page: page * per_page]
                last = max(1, -(-len(items) // per_page))
                links = []
                base = f"{self._base()}/repos/{repo}/issues/{number}/comments?per_page={per_page}"
                if page < last:
                    links.append(f'<{base}&page={page + 1}>; rel="next"')
                    links.append(f'<{base}&page={last}>; rel="last"')
                headers = {"Link": ", ".join(links)} if links else {}
                return self._send(200, [self._comment_json(repo, number, c) for c in chunk], headers)
            if m and method == "POST":
                repo, number = m.group(1), int(m.group(2))
                c = Comment(state.next_id, json.loads(raw)["body"], state.bot_login)
                state.next_id += 1
                state.comments.setdefault(number, []).append(c)
                return self._send(201, self._comment_json(repo, number, c))
            m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", path)
            if m and method == "PATCH":
                found = self._find(int(m.group(2)))
                if not found:
                    return self._send(404, {"message": "Not Found"})
                number, c = found
                c.body = json.loads(raw)["body"]
                return self._send(200, self._comment_json(m.group(1), number, c))
            handled = _issues_route(self, state, method, path, url.query, raw)
            if handled is not None:
                return self._send(*handled)
            m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)", path)
            if m and method == "GET":
                repo, number = m.group(1), int(m.group(2))
                return self._send(200, {"number": number, "url": f"{self._base()}/repos/{repo}/issues/{number}",
                                        "title": "PR", "state": "open"})
            handled = _pulls_route(self, state, method, path, url.query, raw)
            if handled is not None:
                return self._send(*handled)
            return self._send(404, {"message": f"Not Found: {method} {path}"})

        def do_GET(self) -> None:  # noqa: N802
            self._handle("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._handle("POST")

        def do_PATCH(self) -> None:  # noqa: N802
            self._handle("PATCH")

        def do_DELETE(self) -> None:  # noqa: N802
            self._handle("DELETE")

    return Handler


# ---- pull requests, labels and review requests (the fleet's PRs) -------------------------------


def _pull_json(base: str, repo: str, pr: dict[str, Any]) -> dict[str, Any]:
    number = pr["number"]
    return {**{k: v for k, v in pr.items() if not k.startswith("_")},
            "url": f"{base}/repos/{repo}/pulls/{number}",
            "issue_url": f"{base}/repos/{repo}/issues/{number}",
            "html_url": f"https://github.example/{repo}/pull/{number}",
            "labels": [{"name": n} for n in pr["labels"]],
            "requested_reviewers": [{"login": u} for u in pr["reviewers"]],
            "requested_teams": [{"slug": t} for t in pr["teams"]],
            "head": {"ref": pr["head"], "label": f"{repo.split('/')[0]}:{pr['head']}"},
            "base": {"ref": pr["base"]}}


def _pulls_route(handler: Any, state: State, method: str, path: str, query: str,
                 raw: str) -> tuple[int, Any] | None:
    """Answer the pull request endpoints; None when `path` is not one of them."""
    base = handler._base()
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls", path)
    if m and method == "GET":
        q = parse_qs(query)
        want_head = q.get("head", [None])[0]
        want_state = q.get("state", ["open"])[0]
        found = [p for p in state.pulls.values()
                 if p["repo"] == m.group(1) and (want_state == "all" or p["state"] == want_state)
                 and (want_head is None or f"{m.group(1).split('/')[0]}:{p['head']}" == want_head)]
        return 200, [_pull_json(base, m.group(1), p) for p in found]
    if m and method == "POST":
        body = json.loads(raw)
        if any(p["repo"] == m.group(1) and p["head"] == body["head"] and p["state"] == "open"
               for p in state.pulls.values()):
            return 422, {"message": "Validation Failed", "errors": [{"message": "A pull request already exists"}]}
        number = state.next_number
        state.next_number += 1
        state.pulls[number] = {"number": number, "repo": m.group(1), "title": body["title"], "body": body.get("body", ""),
                               "state": "open", "draft": bool(body.get("draft")), "head": body["head"],
                               "base": body["base"], "labels": [], "reviewers": [], "teams": []}
        return 201, _pull_json(base, m.group(1), state.pulls[number])
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)", path)
    if m and method in ("GET", "PATCH"):
        pr = state.pulls.get(int(m.group(2)))
        if pr is None:
            return 404, {"message": "Not Found"}
        if method == "PATCH":
            pr.update({k: v for k, v in json.loads(raw).items() if k in ("title", "body", "state", "base")})
        return 200, _pull_json(base, m.group(1), pr)
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/pulls/(\d+)/requested_reviewers", path)
    if m and method == "POST":
        pr = state.pulls.get(int(m.group(2)))
        if pr is None:
            return 404, {"message": "Not Found"}
        body = json.loads(raw)
        pr["reviewers"] = sorted(set(pr["reviewers"]) | set(body.get("reviewers", [])))
        pr["teams"] = sorted(set(pr["teams"]) | set(body.get("team_reviewers", [])))
        return 201, _pull_json(base, m.group(1), pr)
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/labels(?:/([^/]+))?", path)
    if m:
        pr = state.pulls.get(int(m.group(2)))
        if pr is None:
            return 404, {"message": "Not Found"}
        if method == "POST" and m.group(3) is None:
            body = json.loads(raw)
            names = body["labels"] if isinstance(body, dict) else body
            pr["labels"] = sorted(set(pr["labels"]) | set(names))
            return 200, [{"name": n} for n in pr["labels"]]
        if method == "DELETE" and m.group(3):
            from urllib.parse import unquote

            name = unquote(m.group(3))
            if name not in pr["labels"]:
                return 404, {"message": "Label does not exist"}
            pr["labels"].remove(name)
            return 200, [{"name": n} for n in pr["labels"]]
    return None


# ---- issues (health --notify) -------------------------------------------------------------------


def _issue_json(base: str, repo: str, issue: dict[str, Any]) -> dict[str, Any]:
    number = issue["number"]
    return {**{k: v for k, v in issue.items() if k != "repo"},
            "url": f"{base}/repos/{repo}/issues/{number}",
            "html_url": f"https://github.example/{repo}/issues/{number}",
            "user": {"login": issue["login"], "id": 1, "type": "Bot"},
            "labels": [{"name": n} for n in issue["labels"]]}


def _issues_route(handler: Any, state: State, method: str, path: str, query: str,
                  raw: str) -> tuple[Any, ...] | None:
    """Create, list (by state, paginated) and edit issues; None for any other path."""
    base = handler._base()
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path)
    if m and method == "GET":
        q = parse_qs(query)
        want = q.get("state", ["open"])[0]
        found = [i for i in sorted(state.issues.values(), key=lambda i: -i["number"])
                 if i["repo"] == m.group(1) and (want == "all" or i["state"] == want)]
        per_page = min(int(q.get("per_page", ["30"])[0]), state.per_page_max)
        page = int(q.get("page", ["1"])[0])
        chunk = [_issue_json(base, m.group(1), i) for i in found[(page - 1) * per_page: page * per_page]]
        if page * per_page < len(found):
            more = f"{base}/repos/{m.group(1)}/issues?state={want}&per_page={per_page}&page={page + 1}"
            return 200, chunk, {"Link": f'<{more}>; rel="next"'}
        return 200, chunk
    if m and method == "POST":
        body = json.loads(raw)
        number = state.next_number
        state.next_number += 1
        state.issues[number] = {"number": number, "repo": m.group(1), "title": body["title"],
                                "body": body.get("body", ""), "state": "open", "login": state.bot_login,
                                "labels": list(body.get("labels", []))}
        return 201, _issue_json(base, m.group(1), state.issues[number])
    m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)", path)
    if m and int(m.group(2)) in state.issues and method in ("GET", "PATCH"):
        issue = state.issues[int(m.group(2))]
        if method == "PATCH":
            issue.update({k: v for k, v in json.loads(raw).items() if k in ("title", "body", "state")})
        return 200, _issue_json(base, m.group(1), issue)
    return None

"""What GitHub Actions tells a step, read once from the standard environment variables."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_API = "https://api.github.com"


@dataclass
class GitHubContext:
    event_name: str | None = None
    event: dict[str, Any] = field(default_factory=dict)
    repository: str | None = None
    api_url: str = DEFAULT_API
    token: str | None = None
    output_file: Path | None = None
    summary_file: Path | None = None
    workspace: Path | None = None
    base_ref: str | None = None

    @property
    def in_actions(self) -> bool:
        return self.event_name is not None

    @property
    def pull_request(self) -> dict[str, Any] | None:
        pr = self.event.get("pull_request")
        return pr if isinstance(pr, dict) else None

    @property
    def pr_number(self) -> int | None:
        pr = self.pull_request
        number = pr.get("number") if pr else self.event.get("number")
        return number if isinstance(number, int) else None

    @property
    def labels(self) -> list[str]:
        pr = self.pull_request or {}
        return [lab.get("name", "") for lab in pr.get("labels", []) if isinstance(lab, dict)]




def read_context(env: dict[str, str] | None = None) -> GitHubContext:
    env = dict(os.environ if env is None else env)
    event: dict[str, Any] = {}
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        try:
            loaded = json.loads(Path(event_path).read_text("utf-8"))
            event = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            event = {}

    def path(name: str) -> Path | None:
        return Path(env[name]) if env.get(name) else None

    return GitHubContext(
        event_name=env.get("GITHUB_EVENT_NAME") or None,
        event=event,
        repository=env.get("GITHUB_REPOSITORY") or None,
        api_url=(env.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/"),
        token=env.get("GITHUB_TOKEN") or env.get("INPUT_GITHUB_TOKEN") or None,
        output_file=path("GITHUB_OUTPUT"),
        summary_file=path("GITHUB_STEP_SUMMARY"),
        workspace=path("GITHUB_WORKSPACE"),
        base_ref=env.get("GITHUB_BASE_REF") or None,
    )

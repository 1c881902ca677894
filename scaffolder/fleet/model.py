"""The fleet's plain data: a domain found on disk, and what happened to it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.fleet.answers import ANSWERS_FILE

BRANCH_PREFIX = "template-update"

# Every outcome of one domain's update, in the order reports list them.
# `pr-failed`: the update branch was made but could not be pushed or its PR opened (--open-prs).
STATUSES = ("failed", "pr-failed", "needs-answer", "conflicted", "updated", "up-to-date")


@dataclass(frozen=True)
class Domain:
    """One domain: a folder with a Copier answers file inside a git repository."""

    name: str
    repo_root: Path  # top of the git repository holding it
    rel: str  # the domain folder relative to repo_root ("." for a polyrepo)
    answers: dict[str, Any]
    monorepo: bool = True
    repository: str | None = None  # GitHub owner/name, for PRs
    problem: str | None = None  # the answers file could not be read: this domain fails alone

    @property
    def path(self) -> Path:
        return self.repo_root if self.rel == "." else self.repo_root / self.rel

    @property
    def src_path(self) -> str | None:
        value = self.answers.get("_src_path")
        return str(value) if value else None

    @property
    def version(self) -> str | None:
        value = self.answers.get("_commit")
        return str(value) if value else None

    @property
    def answers_rel(self) -> str:
        return ANSWERS_FILE if self.rel == "." else f"{self.rel}/{ANSWERS_FILE}"

    def branch(self, ref: str) -> str:
        """One fixed branch per domain and release: a monorepo needs the domain in it."""
        return f"{BRANCH_PREFIX}/{ref}/{self.name}" if self.monorepo else f"{BRANCH_PREFIX}/{ref}"


@dataclass
class Outcome:
    """One domain's update result (also what a worker process prints as JSON)."""

    domain: str
    status: str  # one of STATUSES
    ref: str
    branch: str | None = None
    from_version: str | None = None
    conflicts: list[str] = field(default_factory=list)
    question: str | None = None  # needs-answer: the question without a default
    reason: str | None = None  # failed: why; otherwise a short note
    commit: str | None = None  # the update commit on the branch
    changed: list[str] = field(default_factory=list)
    reused: bool = False  # the branch already had this update (a re-run)
    pr: dict[str, Any] | None = None

    @property
    def to_version(self) -> str:
        """The release this update goes to: always the run's `ref`."""
        return self.ref

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, value in asdict(self).items():  # "to_version" stays in its place after "from_version"
            data[key] = value
            if key == "from_version":
                data["to_version"] = self.to_version
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

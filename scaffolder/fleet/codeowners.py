"""A domain's owners from CODEOWNERS (the last matching rule wins, as on GitHub)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.fleet.answers import ANSWERS_FILE

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


def rules(repo_root: Path) -> list[tuple[str, list[str]]]:
    for rel in LOCATIONS:
        path = repo_root / rel
        if path.is_file():
            out = []
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split("#", 1)[0].split()
                if parts:
                    out.append((parts[0], parts[1:]))
            return out
    return []


def owners(repo_root: Path, rel: str) -> list[str]:
    """Owners (`@user`, `@org/team`) of the domain folder `rel` ("." for a whole repository)."""
    import pathspec

    probe = ANSWERS_FILE if rel == "." else f"{rel}/{ANSWERS_FILE}"
    found: list[str] = []
    for pattern, who in rules(repo_root):
        if pathspec.PathSpec.from_lines("gitwildmatch", [pattern]).match_file(probe):
            found = who
    return found


def split_reviewers(handles: list[str]) -> tuple[list[str], list[str]]:
    """(user logins, team slugs): GitHub asks for them in separate lists. E-mail owners are skipped."""
    users, teams = [], []
    for h in handles:
        if not h.startswith("@"):
            continue
        name = h[1:]
        if "/" in name:
            teams.append(name.split("/", 1)[1])
        else:
            users.append(name)
    return users, teams


def add_domain(root: Path, domain: str, owners: str) -> bool:
    """Add `/domains/NAME/ OWNERS` to the mesh's root CODEOWNERS; False when it is there or no file exists."""
    path = root / "CODEOWNERS"
    if not path.is_file() or not owners:
        return False
    text = path.read_text(encoding="utf-8")
    entry = f"/domains/{domain}/"
    if any(line.split()[:1] == [entry] for line in text.splitlines()):
        return False
    from scaffolder.fsutil import atomic_write

    atomic_write(path, text + ("" if text.endswith("\n") or not text else "\n") + f"{entry} {owners}\n")
    return True

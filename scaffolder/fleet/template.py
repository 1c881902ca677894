"""The template repositories, cloned once per run.

Every domain's `_src_path` points at a template repository. The fleet clones
each one once (`git clone --mirror` into the run's temporary folder) and
answers every question about versions from that clone: a ref's commit, the
latest release tag, the changelog between two versions.

Copier itself clones the template twice per update (the old and the new
version). For a remote template the worker processes get git's
`url.<mirror>.insteadOf=<url>` in their environment (GIT_CONFIG_COUNT), so
those clones read the local mirror instead of the network, while the answers
file keeps the real URL. Local templates are cloned by Copier with hardlinks
already.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from scaffolder.errors import ScaffolderError


class TemplateError(ScaffolderError):
    """A template repository could not be cloned or does not know a ref."""


def _version_key(tag: str) -> object | None:
    from packaging.version import InvalidVersion, Version

    try:
        v = Version(tag.removeprefix("v").removeprefix("V"))
    except InvalidVersion:
        return None
    return None if v.is_prerelease or v.is_devrelease else v


def latest_of(tags: list[str]) -> str | None:
    """The highest release tag (PEP 440 after an optional `v`; pre-releases and other tags skipped)."""
    versions = [(k, t) for t in tags if (k := _version_key(t)) is not None]
    return max(versions, key=lambda kt: kt[0])[1] if versions else None  # type: ignore[no-any-return]


def remote_tags(src: str) -> list[str] | None:
    """The tags of a template repository without cloning it (`git ls-remote`); None when unreachable."""
    proc = subprocess.run(["git", "ls-remote", "--tags", "--refs", "--", git_url(src)], capture_output=True,
                          text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    if proc.returncode != 0:
        return None
    return [line.split("refs/tags/", 1)[1] for line in proc.stdout.splitlines() if "refs/tags/" in line]


def is_remote(src: str) -> bool:
    return not Path(src).expanduser().exists()


_ALIASES = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}


def git_url(src: str) -> str:
    """The URL git is given for `src`, normalised as Copier does (gh:/gl: aliases, `git+` prefix,
    `.git` added to https URLs), so that our clone and the insteadOf rule match Copier's clones."""
    for alias, base in _ALIASES.items():
        if src.startswith(alias):
            rest = src[len(alias):].lstrip("/")
            return base + (rest if rest.endswith(".git") else rest + ".git")
    if src.startswith("git+"):
        return src[4:]
    if src.startswith("https://") and not src.endswith(".git") and src.startswith(
            ("https://github.com/", "https://gitlab.com/")):
        return src + ".git"
    return str(Path(src).expanduser()) if src.startswith("~") else src


class TemplateCache:
    """One mirror clone per template source for the whole run."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self._mirrors: dict[str, Path] = {}
        self._errors: dict[str, str] = {}

    def mirror(self, src: str) -> Path:
        if src in self._mirrors:
            return self._mirrors[src]
        if src in self._errors:
            raise TemplateError(self._errors[src])
        dest = self.workdir / f"template-{hashlib.sha256(src.encode()).hexdigest()[:12]}.git"
        proc = subprocess.run(["git", "clone", "--quiet", "--mirror", "--", git_url(src), str(dest)], capture_output=True,
                              text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["git clone failed"])[-1]
            self._errors[src] = f"cannot clone the template {src}: {last}"
            raise TemplateError(self._errors[src])
        self._mirrors[src] = dest
        return dest

    def _git(self, src: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "--git-dir", str(self.mirror(src)), *args], capture_output=True, text=True)

    def resolve(self, src: str, ref: str) -> str | None:
        """The commit `ref` names in the template (a tag, a branch, a `git describe` string, a sha)."""
        proc = self._git(src, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if proc.returncode != 0:
            return None
        return proc.stdout.strip() or None

    def tags(self, src: str) -> list[str]:
        return [t for t in self._git(src, "tag", "--list").stdout.split() if t]

    def latest_release(self, src: str) -> str | None:
        """The highest release tag (PEP 440 after an optional `v`; pre-releases skipped)."""
        return latest_of(self.tags(src))

    def changelog(self, src: str, old: str | None, new: str) -> list[str]:
        """`git log --oneline old..new` of the template: what the update brings."""
        old_sha = self.resolve(src, old) if old else None
        new_sha = self.resolve(src, new)
        if not new_sha:
            return []
        span = f"{old_sha}..{new_sha}" if old_sha else new_sha
        out = self._git(src, "log", "--oneline", "--no-decorate", span).stdout
        return [line for line in out.splitlines() if line.strip()]

    def worker_env(self, copier_cache: Path | None = None) -> dict[str, str]:
        """Environment for worker processes: remote templates read from the run's mirrors."""
        env: dict[str, str] = {}
        remote = [(src, m) for src, m in self._mirrors.items() if is_remote(src)]
        base = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
        for i, (src, mirror) in enumerate(remote):
            env[f"GIT_CONFIG_KEY_{base + i}"] = f"url.{mirror.as_uri()}.insteadOf"
            env[f"GIT_CONFIG_VALUE_{base + i}"] = git_url(src)
        if remote:
            env["GIT_CONFIG_COUNT"] = str(base + len(remote))
            if copier_cache is not None:
                env["COPIER_CACHE_DIR"] = str(copier_cache)
        return env

"""The one reader of Copier's answers file (`.copier-answers.yml`): what a domain was made from.

The fleet reads it to find domains and their template, `fleet update` reads it
from a branch to see which template commit a branch holds, `new-domain` reads a
mesh's for its defaults: all through here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ANSWERS_FILE = ".copier-answers.yml"
_URL_PREFIXES = ("gh:", "gl:", "git@", "git+")


def parse_answers(text: str, where: str) -> tuple[dict[str, Any], str | None]:
    """Answers text as a mapping, or a located problem (`where` names the file in it)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        return {}, f"{at}: not valid YAML: {exc.problem}"
    except YAMLError as exc:
        return {}, f"{where}: not valid YAML: {exc}"
    if not isinstance(data, dict):
        return {}, f"{where}:1:1: not a mapping of answers"
    return data, None


def answers_or_empty(path: Path) -> dict[str, Any]:
    """The answers, or {} when the file is missing or broken (it only gives defaults)."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return parse_answers(text, str(path))[0]


def read_answers(path: Path) -> tuple[dict[str, Any], str | None]:
    """The answers as plain data, or a located problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"{path}: cannot read: {exc}"
    data, problem = parse_answers(text, str(path))
    if problem:
        return {}, problem
    if not data.get("_src_path") or not data.get("_commit"):
        return data, f"{path}:1:1: no _src_path/_commit: not made by `copier copy` from a git template"
    src = str(data["_src_path"])
    if not src.startswith(_URL_PREFIXES) and "://" not in src and not Path(src).expanduser().is_absolute():
        line = next((i for i, t in enumerate(text.splitlines(), 1)
                     if t.startswith("_src_path:")), 1)
        return data, (f"{path}:{line}:12: relative _src_path {src!r}: `copier update` cannot find the template "
                      "from here; record an absolute path or a URL")
    return data, None

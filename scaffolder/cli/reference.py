"""The CLI reference (docs/cli.md), generated from the argparse parsers themselves.

A test regenerates it and compares, so the document cannot drift from the
code: `python -m scaffolder.cli.reference > docs/cli.md` after changing a command.
"""

from __future__ import annotations

import argparse
import os


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def render() -> str:
    from scaffolder.cli import build_parser

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: fix it for a stable document
    try:
        parser = build_parser()
        parts = ["# CLI reference", "",
                 "Generated from the parsers by `python -m scaffolder.cli.reference > docs/cli.md`; "
                 "a test keeps it in sync.", "", "```text", parser.format_help().rstrip(), "```"]

        def walk(p: argparse.ArgumentParser, prefix: str) -> None:
            for name, sub in _subparsers(p).items():
                parts.extend(["", f"## `{prefix} {name}`", "", "```text", sub.format_help().rstrip(), "```"])
                walk(sub, f"{prefix} {name}")

        walk(parser, "scaffolder")
        return "\n".join(parts) + "\n"
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


if __name__ == "__main__":
    print(render(), end="")

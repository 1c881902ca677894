"""Run the `scaffolder` CLI inside the test process: main() with args, output captured.

Hundreds of fuzzed runs cannot each pay a Python start-up; the exit code,
stdout and stderr are the same as a real run (main() returns the code; argparse
raises SystemExit).
"""

from __future__ import annotations

import contextlib
import io
import os

from tests.conftest import Run


def run_main(*args: str) -> Run:
    from scaffolder.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.pop("SCAFFOLDER_DEBUG", None)  # an internal error must show as exit 3, not raise
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        if saved is not None:
            os.environ["SCAFFOLDER_DEBUG"] = saved
    return Run(code, out.getvalue(), err.getvalue())

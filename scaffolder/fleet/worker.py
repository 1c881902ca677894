"""Entry point of one worker process: `python -m scaffolder.fleet.worker JOB.json`.

Reads the job, does it, writes the result as JSON to the job's `result_file`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text())
    if job["kind"] == "update":
        from scaffolder.fleet.update import update_one

        result = update_one(job).to_json()
    elif job["kind"] == "render":
        from scaffolder.fleet.status import drift_one

        result = drift_one(job)
    else:
        raise SystemExit(f"unknown job kind {job['kind']!r}")
    from scaffolder.fsutil import atomic_write

    atomic_write(job["result_file"], json.dumps(result))  # the parent never reads half a result
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

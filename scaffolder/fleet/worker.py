"""The body of one worker process: read the job, do it, write the result as JSON.

The work itself is passed in by the caller (`update`, `status`), so this
module and the runner know nothing of what a job does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffolder.fleet.jobs import Payload, from_json
from scaffolder.fsutil import atomic_write

Work = Callable[[Any], dict[str, Any]]


def main(job_file: str, work: Work) -> int:
    job = json.loads(Path(job_file).read_text())
    payload: Payload = from_json(job)
    result = work(payload)
    atomic_write(job["result_file"], json.dumps(result))  # the parent never reads half a result
    return 0

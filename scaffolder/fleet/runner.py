"""Run jobs in separate worker processes, N at a time.

Copier changes the process's working directory, so two updates can never
share a process (threads would trample each other's cwd). Each job gets a
fresh process, forked from a multiprocessing *forkserver* that imported
Copier once (spawn where forkserver does not exist): a job costs a fork, not
a Python start-up plus Copier's ~0.6 s import. The job's result is written to
a file; a process that dies (killed, out of memory) becomes a `failed`
result for its own domain only, and the others carry on.

Jobs that run at the same time never share a Copier clone cache: Copier
updates its cached repository in place (`git remote update --prune`, `git
worktree add`), and two processes doing that at once fail with "bad object"
or "could not open .../worktrees/...". Each of the N slots gets its own cache
folder, which the jobs that run in that slot one after another reuse.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from scaffolder.fleet.jobs import Payload, to_json
from scaffolder.fleet.scratch import cleaning
from scaffolder.fleet.worker import Work, main

PRELOAD = ["copier", "ruamel.yaml", "pathspec", "scaffolder.fleet.update", "scaffolder.fleet.status"]
PER_SLOT = ("COPIER_CACHE_DIR",)  # folders that concurrent jobs must not share
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
SOCKET_PATH_MAX = 104  # sun_path: 108 bytes on Linux, 104 on macOS (with its NUL)


@dataclass
class Job:
    key: str  # the domain name
    payload: Payload
    work: Work  # a module-level function (the forkserver pickles it by name) run in the worker


def _context() -> Any:
    """forkserver where it works: its socket lives under $TMPDIR, and a socket path may be ~107 bytes."""
    import tempfile

    fits = len(os.fsencode(tempfile.gettempdir())) + len("/pymp-12345678/listener-12345678") < SOCKET_PATH_MAX
    method = "forkserver" if fits and "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _die_with_parent(parent: int) -> None:
    """The worker and the git commands it started die when the fleet's process dies, however it dies.

    The worker leads its own process group; Linux sends it SIGTERM when its
    parent (the forkserver, which exits with the fleet) dies, and SIGTERM kills
    the whole group. Elsewhere the parent's `finally` still kills the group.
    """
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    try:  # the fleet may have died before prctl took effect
        os.kill(parent, 0)
    except ProcessLookupError:
        os.killpg(0, signal.SIGKILL)


def _child(job_file: str, log_file: str, env: dict[str, str], parent: int, work: Work) -> None:
    """The job process: its output goes to its own log, its environment is the job's."""
    _die_with_parent(parent)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.environ.update(env)
    try:  # Copier runs git through plumbum, which copied the environment when the forkserver imported it
        from plumbum import local

        local.env.update(**env)
    except ImportError:
        pass
    raise SystemExit(main(job_file, work))


def _death(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker process was killed ({name}); re-run to complete this domain"
    return f"the worker process exited with code {code}"


def run_jobs(jobs: list[Job], workdir: Path, parallel: int, env: dict[str, str] | None = None,
             on_done: Callable[[str, dict[str, Any]], None] | None = None) -> dict[str, dict[str, Any]]:
    """Run every job; returns key -> result (a worker's JSON, or {"error": reason})."""
    workdir.mkdir(parents=True, exist_ok=True)
    if not jobs:
        return {}
    ctx = _context()
    job_env = {"GIT_TERMINAL_PROMPT": "0", **(env or {})}
    pending = list(enumerate(jobs))
    running: dict[int, tuple[Any, str, Path, Path, int]] = {}  # sentinel -> (process, key, result, log, slot)
    results: dict[str, dict[str, Any]] = {}
    parallel = max(1, parallel)
    free = list(range(parallel))
    try:
        while pending or running:
            while pending and free:
                i, job = pending.pop(0)
                slot = free.pop(0)
                stem = workdir / f"job-{i}-{job.key}"
                job_file, result_file, log_file = (stem.with_suffix(s) for s in (".json", ".result", ".log"))
                job_file.write_text(json.dumps({**to_json(job.payload), "result_file": str(result_file)}))
                proc = ctx.Process(target=_child, daemon=False,
                                   args=(str(job_file), str(log_file), slot_env(job_env, slot), os.getpid(),
                                         job.work))
                proc.start()
                running[proc.sentinel] = (proc, job.key, result_file, log_file, slot)
            for sentinel in wait(list(running)):
                proc, key, result_file, log_file, slot = running.pop(sentinel)  # type: ignore[call-overload]
                free.append(slot)
                proc.join()
                results[key] = _collect(proc.exitcode, result_file, log_file)
                proc.close()
                if on_done:
                    on_done(key, results[key])
    finally:
        # interrupted: no orphan (nor its git) keeps writing; active_children also holds a worker
        # started an instant before the interruption, before `running` knew it; a second SIGTERM waits
        with cleaning():
            for proc in {*(p for p, *_ in running.values()), *multiprocessing.active_children()}:
                _kill_group(proc)
                proc.join()
    return results


def _kill_group(proc: Any) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # not its own group leader yet
        proc.kill()


def slot_env(env: dict[str, str], slot: int) -> dict[str, str]:
    """The environment of a job in `slot`: PER_SLOT folders get a subfolder of their own."""
    return {**env, **{k: str(Path(env[k]) / f"slot-{slot}") for k in PER_SLOT if k in env}}


def _collect(code: int, result_file: Path, log_file: Path) -> dict[str, Any]:
    if code == 0 and result_file.is_file():
        try:
            return dict(json.loads(result_file.read_text()))
        except ValueError:
            pass
    log = log_file.read_text(errors="replace").strip().splitlines() if log_file.is_file() else []
    tail = f": {log[-1]}" if log and code > 0 else ""
    return {"error": _death(code) + tail}

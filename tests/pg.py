"""A real PostgreSQL server for tests: initdb + pg_ctl in a temp folder, on a free local port.

PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` OS user (`runuser -u postgres --`). Trust authentication on
127.0.0.1 only. Use the session fixture `pg` (tests/conftest.py):

    def test_x(pg):
        pg.create_database("health")
        url = pg.dsn("health")
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


@dataclass
class PgServer:
    host: str
    port: int
    superuser: str
    datadir: Path
    bindir: Path
    as_user: str | None  # the OS user the server runs as (None: the current user)

    def dsn(self, dbname: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        auth = user or self.superuser
        if password:
            auth += f":{password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run SQL as the superuser, in autocommit (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(self.dsn(dbname), autocommit=True) as con:
            con.execute(sql)

    def create_role(self, name: str, password: str | None = None, *, superuser: bool = False) -> None:
        import psycopg
        from psycopg import sql

        stmt = sql.SQL("CREATE ROLE {} LOGIN" + (" SUPERUSER" if superuser else "")
                       + (" PASSWORD {}" if password else "")).format(
            sql.Identifier(name), *([sql.Literal(password)] if password else []))
        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(stmt)

    def create_database(self, name: str, owner: str | None = None) -> str:
        """A new database (owned by `owner` when given); returns its DSN for the superuser."""
        import psycopg
        from psycopg import sql

        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner:
            stmt = sql.SQL("{} OWNER {}").format(stmt, sql.Identifier(owner))
        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(stmt)
        return self.dsn(name)

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_user:
            cmd = [_runuser(), "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(superuser: str = "postgres") -> PgServer:
    """initdb a new cluster in a temp folder and start it; raise RuntimeError with the log if it fails."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's initdb is not installed (apt-get install postgresql)")
    as_user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="pg-test-"))
    datadir = base / "data"
    if as_user:
        shutil.chown(base, as_user)
    for attempt in range(3):
        server = PgServer("127.0.0.1", free_port(), superuser, datadir, bindir, as_user)
        if attempt == 0:
            init = server._run("initdb", "-D", str(datadir), "-U", superuser, "--auth=trust", "-E", "UTF8",
                               "--no-sync", "--locale=C")
            if init.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{init.stdout}{init.stderr}")
        opts = (f"-p {server.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} "
                "-c fsync=off -c max_connections=100")
        proc = server._run("pg_ctl", "start", "-D", str(datadir), "-w", "-t", "60", "-l", str(base / "log"),
                           "-o", opts)
        if proc.returncode == 0 and _ready(server):
            return server
        time.sleep(0.2)  # the port may have been taken in between: try another
    log = (base / "log").read_text() if (base / "log").exists() else ""
    raise RuntimeError(f"PostgreSQL did not start:\n{proc.stdout}{proc.stderr}\n{log[-2000:]}")


def _ready(server: PgServer, wait: float = 30) -> bool:
    import psycopg

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(server.dsn(), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            time.sleep(0.1)
    return False


def _runuser() -> str:
    """runuser lives in /usr/sbin, which a non-login PATH may leave out."""
    return shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if Path(p).exists()), "runuser")

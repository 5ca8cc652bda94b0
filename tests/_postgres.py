"""A throwaway PostgreSQL server for tests and benchmarks.

Debian's ``postgresql`` package: ``initdb`` into a temp folder, listening on 127.0.0.1 on a
free port with a password (scram-sha-256), stopped and deleted afterwards. As root the
server runs as the ``postgres`` user (``initdb`` refuses root). ``PMO_NB_TEST_PG_URL``
(``postgresql://USER:PASSWORD@HOST:PORT/DB``) points the tests at a server of your own
instead; its database gets one new workshop per test.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER, PASSWORD, DATABASE = "pmo", "pmo-test-secret", "pmo_test"
ENV_URL = "PMO_NB_TEST_PG_URL"


def bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb`` (or one on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name or 0))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running throwaway server; ``url`` names its test database (no workshop)."""

    def __init__(self, durable: bool = False, user: str = USER,
                 database: str | None = DATABASE):
        self.bin = bin_dir()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL's initdb was not found under "
                                    "/usr/lib/postgresql/*/bin or on PATH")
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="pmo-nb-pg-"))
        self.data = self.folder / "data"
        self.user, self.database = user, database
        self.url = f"postgresql://{user}:{PASSWORD}@127.0.0.1:{self.port}/{database or 'postgres'}"
        self._as_owner = []
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            pg = pwd.getpwnam("postgres")
            os.chown(self.folder, pg.pw_uid, pg.pw_gid)
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._start(durable)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_owner, *args], check=True, capture_output=True, timeout=120)

    def _start(self, durable: bool) -> None:
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_owner:
            shutil.chown(pwfile, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user,
                  f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        fast = "" if durable else " -c fsync=off -c full_page_writes=off"
        options = (f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c max_connections=200"
                   + fast)
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-w", "-t", "60", "-o", options, "start")
        if self.database is None:
            return
        import psycopg

        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.database}")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                      "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def team_server(sql: Path, pw: str, read_pw: str) -> Server:
    """A throwaway server set up as docs/deploy.md says: superuser ``postgres``, then
    ``sql`` (deploy/pg-init.sql) run by psql with the two roles' passwords."""
    server = Server(user="postgres", database=None)
    try:
        subprocess.run([str(server.bin / "psql"), "-X", "-q", "-v", f"pw='{pw}'", "-v",
                        f"read_pw='{read_pw}'", "-f", str(sql), server.url],
                       check=True, capture_output=True, text=True, timeout=60)
    except BaseException:
        server.stop()
        raise
    return server


class External:
    """A server of your own, named by ``PMO_NB_TEST_PG_URL``: used, never stopped."""

    def __init__(self, url: str):
        self.url = url

    def stop(self) -> None:
        pass


def start(durable: bool = False) -> Server | External:
    """``PMO_NB_TEST_PG_URL`` when set, else a throwaway server (FileNotFoundError if none)."""
    url = os.environ.get(ENV_URL)
    return External(url) if url else Server(durable)

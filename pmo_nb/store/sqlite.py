"""The embedded store: one workshop in one SQLite file.

Each change is one ``BEGIN IMMEDIATE`` transaction committed before the call returns (WAL
journal, ``synchronous=FULL``), so a killed kernel loses nothing, and two handles on the
same file see each other's changes: :meth:`SqliteStore.external_change` asks SQLite
(``PRAGMA data_version``) whether another connection committed, without reading a table.

A new session is written to a temporary file, seed included, and linked into place: it
exists whole or not at all. A file is checked before it is opened for writing
(:mod:`._sqlite_checks`): a folder, a missing permission, a lock held by another program,
a file that is not a session, or a damaged one is a clear :class:`SessionError`, and the
file is left as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd

from ..errors import SessionError
from . import _sqlite_checks as checks
from .base import Op, Store
from .tables import SCHEMA_VERSION, SQLITE, migration

WRITE_TIMEOUT = 30.0  # seconds a change waits for another handle's transaction


class SqliteStore(Store):
    """A session file. Use :meth:`create` or :meth:`open`; every write is durable on return."""

    dialect = SQLITE
    _driver_errors = (sqlite3.Error,)

    def __init__(self, path: Path, conn: sqlite3.Connection, who: str | None):
        super().__init__(path, path.name, who)
        self._conn = conn
        self._data_version = self._query("PRAGMA data_version")[0][0]
        with suppress(sqlite3.OperationalError):  # a session being created has no history yet
            self._seen_seq = self._last_seq()

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, tables: dict[str, pd.DataFrame], meta: dict[str, str],
               seed: tuple[str, list[Op]] | None = None, who: str | None = None) -> SqliteStore:
        """Write a new session (seed included) to a temp file and link it into place."""
        checks.check_new(path)
        checks.clean_unfinished(path)
        tmp = checks.unfinished(path)
        try:
            store = cls(tmp, sqlite3.connect(tmp, isolation_level=None), who)
            try:
                store._execute("PRAGMA journal_mode=WAL")
                with store._transaction():
                    for statement in migration(SQLITE):
                        store._execute(statement)
                    store._fill(tables, {"schema_version": str(SCHEMA_VERSION), **meta}, seed)
            finally:
                store._close()
            os.link(tmp, path)  # fails if someone created the file meanwhile: never overwrite
        except FileExistsError:
            raise SessionError(
                f"'{path}' appeared while the session was being created; open it instead."
            ) from None
        except (sqlite3.Error, OSError) as exc:
            raise SessionError(
                f"Could not create the session '{path}' ({exc}); check that its folder "
                "exists and is writable."
            ) from None
        finally:
            for left in (tmp, *checks.sidecars(tmp)):
                left.unlink(missing_ok=True)
        return cls.open(path, who)

    @classmethod
    def open(cls, path: Path, who: str | None = None, read_only: bool = False) -> SqliteStore:
        """Open an existing session file, refusing anything that is not a sound session.

        ``read_only`` (a follow-up's baseline): a ``mode=ro`` connection, no migration,
        nothing written; a session of an older schema is read as it is.
        """
        checks.check_existing(path, writable=not read_only)  # a refused file is never written
        if read_only:
            return cls._open_read_only(path, who)
        checks.clean_unfinished(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=checks.OPEN_TIMEOUT,
                               check_same_thread=False)
        try:
            with checks.translated(path, "open"):
                store = cls(path, conn, who)
                version = checks.version(path, store.meta("schema_version"))  # WAL included
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA journal_mode=WAL")
                if version < SCHEMA_VERSION:
                    store._migrate(version)
                conn.execute(f"PRAGMA busy_timeout={int(WRITE_TIMEOUT * 1000)}")
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _open_read_only(cls, path: Path, who: str | None) -> SqliteStore:
        # immutable when no handle has it open: nothing is created beside it (no -wal, -shm)
        mode = "mode=ro" if checks.live(path) else "immutable=1"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                               isolation_level=None, timeout=checks.OPEN_TIMEOUT,
                               check_same_thread=False)
        try:
            with checks.translated(path, "open"):
                store = cls(path, conn, who)
                checks.version(path, store.meta("schema_version"))
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self, version: int) -> None:
        with self._transaction():
            version = int(self._row("setting", ("schema_version",))["value"])
            if version >= SCHEMA_VERSION:  # another handle migrated it while we waited
                return
            for statement in migration(SQLITE, version):
                self._execute(statement)
            self._put(Op("setting", ("schema_version",), {"value": str(SCHEMA_VERSION)}))
        self.external_change()  # our own migration is not another handle's change

    def _close(self) -> None:
        self._conn.close()

    # -- the connection --------------------------------------------------------------------
    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence = ()) -> None:
        self._conn.execute(sql, params)

    def _executemany(self, sql: str, rows: list[Sequence]) -> None:
        self._conn.executemany(sql, rows)

    def _moved(self) -> bool:
        version = self._query("PRAGMA data_version")[0][0]
        moved, self._data_version = version != self._data_version, version
        return moved

    def _read_error(self, exc: Exception) -> SessionError:
        return checks.read_error(self.path, exc)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise checks.write_error(self.path, exc) from None
        try:
            yield
        except BaseException as exc:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise checks.write_error(self.path, exc) from None
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise checks.write_error(self.path, exc) from None

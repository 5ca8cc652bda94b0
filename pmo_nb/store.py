"""SQLite persistence of a workshop session: tables, history, undo.

One file holds the gaps and catalog as they were loaded, every assignment and
hand-over, and an append-only history. Each change is one ``BEGIN IMMEDIATE``
transaction committed before the call returns (WAL journal, ``synchronous=FULL``),
so a killed kernel loses nothing, and two handles on the same file see each
other's changes: :meth:`Store.external_change` asks SQLite (``PRAGMA data_version``)
whether another connection committed, without reading any table.

What the layers above use: :class:`Op` (one row set or deleted), :meth:`Store.change`,
:meth:`Store.undo`, :meth:`Store.read`, :meth:`Store.row`, :meth:`Store.meta` and
:meth:`Store.external_change`. Nothing above this module knows it is SQLite.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sqlite3
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import SessionError

SCHEMA_VERSION = 2  # 2: votes, ballots, participants (issue 13)
APP = "pmo_nb"
_SQLITE_MAGIC = b"SQLite format 3\x00"

# entity -> (table, key columns, value columns)
ENTITIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "gap": (
        "gaps",
        ("gap_id",),
        (
            "pos",
            "aspect",
            "current_state",
            "future_state",
            "description",
            "size",
            "priority",
            "pmo_role",
            "other_owner",
            "handover_note",
            "extra",
        ),
    ),
    "service": (
        "services",
        ("service_id",),
        (
            "pos",
            "name",
            "category",
            "tier",
            "aspects",
            "description",
            "cost",
            "lead_time_months",
            "origin",
            "extra",
        ),
    ),
    "assignment": ("assignments", ("gap_id", "service_id"), ("contribution", "note", "updated_at")),
    "setting": ("meta", ("key",), ("value",)),
    # participants' votes (issue 13): one open vote at a time, one ballot per participant
    # and gap (a new ballot replaces the earlier one), choice = JSON (service ids or a level)
    "vote": ("votes", ("vote_id",),
             ("kind", "gap_ids", "named", "opened_at", "revealed_at", "closed_at")),
    "ballot": ("ballots", ("vote_id", "participant", "gap_id"), ("choice", "at")),
    "participant": ("participants", ("participant",), ("joined_at",)),
}
# steps that undo() passes over: a participant's join or ballot is theirs, not the
# facilitator's to revert (a participant changes a ballot by voting again)
NOT_UNDONE = ("undo", "join", "ballot")

_VOTE_DDL = """
CREATE TABLE IF NOT EXISTS votes (vote_id INTEGER PRIMARY KEY, kind TEXT, gap_ids TEXT,
    named INTEGER, opened_at TEXT, revealed_at TEXT, closed_at TEXT);
CREATE TABLE IF NOT EXISTS ballots (vote_id INTEGER, participant TEXT, gap_id TEXT,
    choice TEXT, at TEXT, PRIMARY KEY (vote_id, participant, gap_id));
CREATE TABLE IF NOT EXISTS participants (participant TEXT PRIMARY KEY, joined_at TEXT);
"""
# schema version -> what turns the version before it into this one
MIGRATIONS = {2: _VOTE_DDL}

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE gaps (gap_id TEXT PRIMARY KEY, pos INTEGER, aspect TEXT, current_state TEXT,
    future_state TEXT, description TEXT, size TEXT, priority TEXT, pmo_role TEXT,
    other_owner TEXT, handover_note TEXT, extra TEXT);
CREATE TABLE services (service_id TEXT PRIMARY KEY, pos INTEGER, name TEXT, category TEXT,
    tier TEXT, aspects TEXT, description TEXT, cost REAL, lead_time_months REAL, origin TEXT,
    extra TEXT);
CREATE TABLE assignments (gap_id TEXT, service_id TEXT, contribution TEXT, note TEXT,
    updated_at TEXT, PRIMARY KEY (gap_id, service_id));
CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT, step INTEGER, at TEXT, who TEXT,
    action TEXT, entity TEXT, key TEXT, before TEXT, after TEXT, undone INTEGER DEFAULT 0);
CREATE INDEX history_step ON history (step);
""" + _VOTE_DDL


@dataclass(frozen=True)
class Op:
    """Set one row of an entity to ``after`` (``None`` deletes it)."""

    entity: str
    key: tuple
    after: dict | None

    @property
    def table(self) -> str:
        """The table this op writes (``gaps``, ``services``, ``assignments``, ``meta``)."""
        return ENTITIES[self.entity][0]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """A session file. Use :meth:`create` or :meth:`open`; every write is durable on return."""

    def __init__(self, path: Path, conn: sqlite3.Connection, who: str):
        self.path, self._conn, self.who = path, conn, who
        self._data_version = self._read_data_version()

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path,
        tables: dict[str, pd.DataFrame],
        meta: dict[str, str],
        who: str | None = None,
    ) -> Store:
        """Write a new session next to ``path`` and move it into place atomically."""
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with closing(sqlite3.connect(tmp)) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_DDL)
                rows = {"app": APP, "schema_version": str(SCHEMA_VERSION), "created_at": now()}
                conn.executemany("INSERT INTO meta VALUES (?, ?)", {**rows, **meta}.items())
                for table, frame in tables.items():
                    frame.to_sql(table, conn, if_exists="append", index=False)
                conn.commit()
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
            tmp.unlink(missing_ok=True)
        return cls.open(path, who)

    @classmethod
    def open(cls, path: Path, who: str | None = None) -> Store:
        """Open an existing session file, refusing anything that is not one."""
        _check_magic(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        try:
            version = _read_version(conn, path)
            if version > SCHEMA_VERSION:
                raise SessionError(
                    f"'{path.name}' was written by a newer pmo_nb (session schema "
                    f"{version}; this one reads up to {SCHEMA_VERSION}). "
                    "Upgrade pmo_nb to open it."
                )
            conn.execute("PRAGMA synchronous=FULL")
            with suppress(sqlite3.OperationalError):  # a read-only file still opens for reading
                conn.execute("PRAGMA journal_mode=WAL")
                _migrate(conn, version)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, who or _user())

    def close(self) -> None:
        self._conn.close()

    # -- reading -------------------------------------------------------------------------
    def external_change(self) -> bool:
        """True when another handle (or process) committed since the last call."""
        version = self._read_data_version()
        moved, self._data_version = version != self._data_version, version
        return moved

    def _read_data_version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def read(self, table: str, order: str = "rowid") -> pd.DataFrame:
        return pd.read_sql_query(f"SELECT * FROM {table} ORDER BY {order}", self._conn)

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def row(self, entity: str, key: tuple) -> dict | None:
        table, keys, values = ENTITIES[entity]
        where = " AND ".join(f"{k} = ?" for k in keys)
        cur = self._conn.execute(f"SELECT {', '.join(values)} FROM {table} WHERE {where}", key)
        found = cur.fetchone()
        return dict(zip(values, found, strict=True)) if found else None

    # -- writing -------------------------------------------------------------------------
    def change(self, action: str, ops: list[Op]) -> int:
        """Apply ``ops`` and their history rows in one transaction; returns the step number."""
        with self._transaction():
            step = self._next_step()
            for op in ops:
                before = self.row(op.entity, op.key)
                self._write(op)
                self._conn.execute(
                    "INSERT INTO history (step, at, who, action, entity, key, before, after) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        step,
                        now(),
                        self.who,
                        action,
                        op.entity,
                        json.dumps(list(op.key)),
                        _json(before),
                        _json(op.after),
                    ),
                )
        return step

    def undo(self) -> str | None:
        """Revert the latest step not yet undone, whoever made it; returns its action."""
        with self._transaction():
            last = self._conn.execute(
                "SELECT MAX(step) FROM history WHERE undone = 0 AND action NOT IN "
                f"({', '.join('?' * len(NOT_UNDONE))})", NOT_UNDONE
            ).fetchone()[0]
            if last is None:
                return None
            rows = self._conn.execute(
                "SELECT action, entity, key, before FROM history WHERE step = ? ORDER BY seq DESC",
                (last,),
            ).fetchall()
            for _, entity, key, before in rows:
                self._write(Op(entity, tuple(json.loads(key)), _unjson(before)))
            self._conn.execute("UPDATE history SET undone = 1 WHERE step = ?", (last,))
            self._conn.execute(
                "INSERT INTO history (step, at, who, action, entity, key) "
                "VALUES (?, ?, ?, 'undo', 'step', ?)",
                (self._next_step(), now(), self.who, json.dumps([last])),
            )
        return rows[0][0]

    def _write(self, op: Op) -> None:
        table, keys, values = ENTITIES[op.entity]
        if op.after is None:
            where = " AND ".join(f"{k} = ?" for k in keys)
            self._conn.execute(f"DELETE FROM {table} WHERE {where}", op.key)
            return
        cols = [*keys, *values]
        updates = ", ".join(f"{v} = excluded.{v}" for v in values)
        self._conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
            [*op.key, *(op.after.get(v) for v in values)],
        )

    def _next_step(self) -> int:
        return (self._conn.execute("SELECT MAX(step) FROM history").fetchone()[0] or 0) + 1

    def _transaction(self) -> _Transaction:
        return _Transaction(self)


class _Transaction:
    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> None:
        try:
            self.store._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _write_error(self.store.path, exc) from None

    def __exit__(self, kind, exc, tb) -> bool:
        conn = self.store._conn
        if kind is not None:
            conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise _write_error(self.store.path, exc) from None
            return False
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as err:
            conn.execute("ROLLBACK")
            raise _write_error(self.store.path, err) from None
        return False


def _write_error(path: Path, exc: Exception) -> SessionError:
    return SessionError(
        f"Could not save to '{path.name}' ({exc}); the change was not made and "
        "everything saved before is intact. Check that the file and its folder "
        "are writable and not locked by another program, then try again."
    )


def _check_magic(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise SessionError(
            f"'{path.name}' is not a pmo_nb session (not an SQLite file); it was "
            "left untouched. Choose another session path."
        )


def _read_version(conn: sqlite3.Connection, path: Path) -> int:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        query = "SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')"
        rows = dict(conn.execute(query).fetchall()) if "meta" in tables else {}
    except sqlite3.DatabaseError as exc:
        raise SessionError(
            f"'{path.name}' is not a readable pmo_nb session ({exc}); it was "
            "left untouched. Choose another session path."
        ) from None
    if rows.get("app") != APP or not str(rows.get("schema_version", "")).isdigit():
        raise SessionError(
            f"'{path.name}' is an SQLite file but not a pmo_nb session; it was "
            "left untouched. Choose another session path."
        )
    return int(rows["schema_version"])


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring an older session up to :data:`SCHEMA_VERSION` (new tables only), in one
    transaction; nothing saved is changed."""
    if version >= SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in filter(str.strip, MIGRATIONS[target].split(";")):
                conn.execute(statement)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _json(row: dict | None) -> str | None:
    return None if row is None else json.dumps(row, ensure_ascii=False, default=str)


def _unjson(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)

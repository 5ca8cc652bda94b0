"""The store interface the workshop uses, and the SQL both stores share.

A store holds one workshop: the gaps and catalog as they were loaded, every assignment
and hand-over, and an append-only history that gives undo. What the layers above use:
:class:`Op` (one row set or deleted), :meth:`Store.change`, :meth:`Store.undo`,
:meth:`Store.read`, :meth:`Store.row`, :meth:`Store.meta`, :meth:`Store.external_change`,
:meth:`Store.close`, and ``path`` / ``label`` for messages. Nothing above knows which
database is behind it (:mod:`.sqlite` or :mod:`.postgres`).

Each change is one transaction, committed before the call returns. A handle may be shared
between threads: one lock makes each call whole, so each call is one history step.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import SessionError
from .tables import BY_NAME, ENTITIES, NOT_UNDONE

APP = "pmo_nb"


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
    """The time of a change as saved: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """One workshop's session. Open one with :func:`pmo_nb.store.connect`.

    Subclasses provide the connection (``_query``, ``_execute``, ``_executemany``), the
    write transaction (``_transaction``), the translation of driver errors
    (``_read_error``) and :meth:`external_change`.
    """

    dialect = ""
    scope: tuple[str, ...] = ()  # leading key columns: ("workshop",) on PostgreSQL

    def __init__(self, path: Path | str, label: str, who: str | None,
                 scope_values: tuple = ()):
        self.path, self.label, self.who = path, label, who or user_name()
        self.scope_values = scope_values
        self._lock = threading.RLock()
        self._seen_seq = 0  # the last history row external_change() read (set at opening)

    # -- what subclasses provide ---------------------------------------------------------
    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        raise NotImplementedError

    def _execute(self, sql: str, params: Sequence = ()) -> None:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: list[Sequence]) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _read_error(self, exc: Exception) -> SessionError:
        raise NotImplementedError

    _driver_errors: tuple[type[Exception], ...] = ()

    def _last_seq(self) -> int:
        """The newest history row of this workshop (0 when there is none)."""
        where, params = self._where(())
        return self._query(f"SELECT MAX(seq) FROM history{where}", params)[0][0] or 0

    def _moved(self) -> bool:
        """True when another handle (or process) committed since the last call (cheap)."""
        raise NotImplementedError

    def external_change(self) -> frozenset[str]:
        """The tables other handles (or processes) changed since the last call; empty if none.

        Asking costs one cheap check (SQLite's ``data_version``, a revision row on
        PostgreSQL); only when something moved is the history since the last call read
        (by its key), so that a reader drops only what changed: a participant's ballot
        leaves every other handle's gaps and catalog cached.
        """
        with self._reading():
            where, params = self._where(())
            seen, moved = self._seen_seq or 0, self._moved()
            if not moved:
                return frozenset()
            scoped = where + (" AND" if where else " WHERE")
            rows = self._query(f"SELECT entity, MAX(seq) FROM history{scoped} seq > ? "
                               "GROUP BY entity", [*params, seen])
            self._seen_seq = max([seen, *(r[1] for r in rows)])
        tables = {ENTITIES[r[0]][0] if r[0] in ENTITIES else "*" for r in rows}
        if "*" in tables or not rows:  # an undo, or a change without history: all of it
            return frozenset(BY_NAME)
        return frozenset(tables)

    def _close(self) -> None:
        raise NotImplementedError

    # -- reading -------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except self._driver_errors as exc:
                raise self._read_error(exc) from None

    def read(self, table: str, order: str = "rowid") -> pd.DataFrame:
        """A whole table of this workshop as a DataFrame, in ``order``."""
        columns = BY_NAME[table].names
        where, params = self._where(())
        sql = f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY {order}"
        with self._reading():
            rows = self._query(sql, params)
        return pd.DataFrame.from_records(rows, columns=list(columns), coerce_float=True)

    def meta(self, key: str) -> str | None:
        """A setting of the session (``weights``, ``gaps_source``, ...), or None."""
        found = self.row("setting", (key,))
        return found["value"] if found else None

    def row(self, entity: str, key: tuple) -> dict | None:
        """One row of an entity as a dict of its value columns, or None."""
        with self._reading():
            return self._row(entity, key)

    def _row(self, entity: str, key: tuple) -> dict | None:
        table, keys, values = ENTITIES[entity]
        where, params = self._where(keys, key)
        found = self._query(f"SELECT {', '.join(values)} FROM {table}{where}", params)
        return dict(zip(values, found[0], strict=True)) if found else None

    def _where(self, keys: tuple[str, ...], key: Sequence = ()) -> tuple[str, list]:
        columns = (*self.scope, *keys)
        if not columns:
            return "", []
        return " WHERE " + " AND ".join(f"{c} = ?" for c in columns), [*self.scope_values,
                                                                        *key]

    # -- writing -------------------------------------------------------------------------
    def change(self, action: str, ops: list[Op] | Callable[[Store], list[Op]]) -> list[Op]:
        """Apply ``ops`` and their history rows in one transaction; returns the ops applied.

        ``ops`` may be a function of this store that makes them inside the transaction,
        once every other writer is locked out: what it reads cannot change before its ops
        are written (a ballot checks that its vote is still open; a join picks a free
        name). It may raise to refuse the change, or return no ops: nothing is written.
        """
        with self._lock, self._transaction():
            made = ops(self) if callable(ops) else ops
            if made:
                self._apply(action, made)
            return list(made)

    def undo(self) -> str | None:
        """Revert the latest step not yet undone, whoever made it; returns its action.

        Steps in :data:`NOT_UNDONE` are passed over: an undo, and a participant's join or
        ballot (theirs, not the facilitator's to revert; they vote again to change it).
        """
        with self._lock, self._transaction():
            where, params = self._where(())
            scoped = where + (" AND" if where else " WHERE")
            skip = ", ".join("?" * len(NOT_UNDONE))
            last = self._query(f"SELECT MAX(step) FROM history{scoped} undone = 0 "
                               f"AND action NOT IN ({skip})", [*params, *NOT_UNDONE])[0][0]
            if last is None:
                return None
            rows = self._query(f"SELECT action, entity, key, before FROM history{scoped} "
                               "step = ? ORDER BY seq DESC", [*params, last])
            for _, entity, key, before in rows:
                self._put(Op(entity, tuple(json.loads(key)), _unjson(before)))
            self._execute(f"UPDATE history SET undone = 1{scoped} step = ?", [*params, last])
            self._history(self._next_step(), "undo", "step", [last], None, None)
        return rows[0][0]

    def _apply(self, action: str, ops: list[Op]) -> int:
        step = self._next_step()
        for op in ops:
            before = self._row(op.entity, op.key)
            self._put(op)
            self._history(step, action, op.entity, list(op.key), _json(before), _json(op.after))
        return step

    def _history(self, step: int, action: str, entity: str, key: list,
                 before: str | None, after: str | None) -> None:
        columns = (*self.scope, "step", "at", "who", "action", "entity", "key", "before",
                   "after")
        self._execute(f"INSERT INTO history ({', '.join(columns)}) "
                      f"VALUES ({', '.join('?' * len(columns))})",
                      [*self.scope_values, step, now(), self.who, action, entity,
                       json.dumps(key), before, after])

    def _put(self, op: Op) -> None:
        table, keys, values = ENTITIES[op.entity]
        if op.after is None:
            where, params = self._where(keys, op.key)
            self._execute(f"DELETE FROM {table}{where}", params)
            return
        key_columns = (*self.scope, *keys)
        columns = (*key_columns, *values)
        updates = ", ".join(f"{v} = excluded.{v}" for v in values)
        self._execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}",
            [*self.scope_values, *op.key, *(op.after.get(v) for v in values)])

    def _next_step(self) -> int:
        where, params = self._where(())
        return (self._query(f"SELECT MAX(step) FROM history{where}", params)[0][0] or 0) + 1

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        """Bulk-insert a validated frame (its columns are the table's) while creating."""
        columns = (*self.scope, *frame.columns)
        cells = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
        self._executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [[*self.scope_values, *row] for row in cells])

    def _fill(self, tables: dict[str, pd.DataFrame], meta: dict[str, str],
              seed: tuple[str, list[Op]] | None) -> None:
        """A new session's content, inside the creating transaction: all or nothing."""
        rows = {"app": APP, "created_at": now(), **meta}
        self._insert("meta", pd.DataFrame(list(rows.items()), columns=["key", "value"]))
        for table, frame in tables.items():
            self._insert(table, frame)
        if seed and seed[1]:
            self._apply(*seed)

    def close(self) -> None:
        """Close the connection (every change is already saved)."""
        with self._lock:
            self._close()


def user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _json(row: dict | None) -> str | None:
    return None if row is None else json.dumps(row, ensure_ascii=False, default=str)


def _unjson(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)

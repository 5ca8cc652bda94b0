"""The shared store: many workshops in one PostgreSQL database (psycopg 3).

A session is ``postgresql://USER[:PASSWORD]@HOST:PORT/DB?workshop=NAME``; anything libpq
reads (a service file, ``PGHOST``, ``PGPASSWORD``, ``~/.pgpass``...) fills what the URL
leaves out. The tables live in the schema ``pmo_nb``; each row carries its workshop's
name. The ``workshops`` table lists the workshops and keeps a revision counter per
workshop: every change and undo locks that row (``SELECT ... FOR UPDATE``), so the steps
of one workshop never interleave, and bumps the counter, so
:meth:`PostgresStore.external_change` is one indexed one-row read.

The database's schema version is a table of its own (``pmo_nb.schema_version``); an
older database is brought up to date by the first pmo_nb that opens it, under an
advisory lock, from the declarations in :mod:`.tables`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import SessionError
from .base import Op, Store, now
from .tables import POSTGRES, SCHEMA_VERSION, migration

CONNECT_TIMEOUT = 5  # seconds; a URL's own connect_timeout wins
SCHEMA = "pmo_nb"
_LOCK = 0x504D4F5F4E42  # advisory lock key for installing or migrating the tables
_REGISTRY = ("CREATE TABLE IF NOT EXISTS workshops (name TEXT PRIMARY KEY, "
             "created_at TEXT NOT NULL, revision BIGINT NOT NULL DEFAULT 0)")


def is_postgres_url(text: str) -> bool:
    return text.split(":", 1)[0].lower() in ("postgresql", "postgres") and ":" in text


class PostgresStore(Store):
    """One workshop of a PostgreSQL database. Use :func:`open_url` or :func:`create_url`."""

    dialect = POSTGRES
    scope = ("workshop",)
    _driver_errors = (psycopg.Error,)

    def __init__(self, url: str, conn: psycopg.Connection, name: str, who: str | None):
        label = f"postgresql://{_where(conn)}?workshop={urllib.parse.quote(name)}"
        super().__init__(url, label, who, (name,))
        self._conn, self.name, self._url = conn, name, url
        self._revision, self._elsewhere = self._read_revision(), False
        self._seen_seq = self._last_seq()

    # -- the connection --------------------------------------------------------------------
    def _connection(self) -> psycopg.Connection:
        if self._conn.closed:  # the server restarted or the network dropped: connect again
            self._conn = connect(self._url)[0]
        return self._conn

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        conn = self._connection()
        idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        try:
            cur = conn.execute(sql.replace("?", "%s"), params)
        except psycopg.OperationalError:
            if not (idle and conn.closed):
                raise
            cur = self._connection().execute(sql.replace("?", "%s"), params)  # a read: again
        return cur.fetchall() if cur.description else []

    def _execute(self, sql: str, params: Sequence = ()) -> None:
        self._connection().execute(sql.replace("?", "%s"), params)

    def _executemany(self, sql: str, rows: list[Sequence]) -> None:
        with self._connection().cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)

    def _close(self) -> None:
        self._conn.close()

    def _read_revision(self) -> int | None:
        found = self._query("SELECT revision FROM workshops WHERE name = ?", self.scope_values)
        return found[0][0] if found else None

    def _moved(self) -> bool:
        revision = self._read_revision()
        moved = revision != self._revision or self._elsewhere
        self._revision, self._elsewhere = revision, False
        return moved

    def _read_error(self, exc: Exception) -> SessionError:
        return SessionError(f"Could not read '{self.label}' ({_first_line(exc)}); nothing was "
                            "changed. Check that the PostgreSQL server is up and try again.")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One change: lock the workshop's row, apply, bump its revision, commit."""
        try:
            with self._connection().transaction():
                found = self._query("SELECT revision FROM workshops WHERE name = ? FOR UPDATE",
                                    self.scope_values)
                if not found:
                    raise SessionError(f"'{self.label}' no longer exists in its database; "
                                       "nothing was changed.")
                self._elsewhere |= found[0][0] != self._revision
                yield
                self._execute("UPDATE workshops SET revision = ? WHERE name = ?",
                              [found[0][0] + 1, *self.scope_values])
        except psycopg.Error as exc:
            raise self._write_error(exc) from None
        self._revision = found[0][0] + 1

    def _write_error(self, exc: psycopg.Error) -> SessionError:
        if self._conn.closed:
            return SessionError(
                f"The connection to '{self.label}' was lost while saving ({_first_line(exc)}). "
                "Everything saved before is intact; check whether this change is there and "
                "make it again if not.")
        why = " This database role may only read (an analyst's): a facilitator's role " \
            "writes (docs/deploy.md)." if isinstance(exc, psycopg.errors.InsufficientPrivilege) \
            else ""
        return SessionError(f"Could not save to '{self.label}' ({_first_line(exc)}); the change "
                            f"was not made and everything saved before is intact.{why}")


def open_url(url: str, who: str | None = None) -> PostgresStore | None:
    """The workshop a URL names, or None when the database has no such workshop yet."""
    conn, name = connect(url)
    try:
        _prepare(conn)
        found = conn.execute("SELECT 1 FROM workshops WHERE name = %s", (name,)).fetchone()
        if found is None:
            conn.close()
            return None
        return PostgresStore(url, conn, name, who)
    except BaseException:
        conn.close()
        raise


def require(url: str) -> None:
    """Nothing when the workshop ``url`` names exists; else a SessionError saying where."""
    conn, name = connect(url)
    with conn:
        _prepare(conn)
        found = conn.execute("SELECT 1 FROM workshops WHERE name = %s", (name,)).fetchone()
        where = _where(conn)
    if found is None:
        raise SessionError(f"The workshop '{name}' does not exist in {where}: start it first "
                           "(workshop.ipynb of a folder made by `pmo-nb new FOLDER --session "
                           "URL`), or check its name with `pmo-nb list`.")


def create_url(url: str, tables: dict[str, pd.DataFrame], meta: dict[str, str],
               seed: tuple[str, list[Op]] | None = None,
               who: str | None = None) -> PostgresStore:
    """Create the workshop a URL names in one transaction (seed included): all or nothing."""
    conn, name = connect(url)
    where = _where(conn)
    try:
        _prepare(conn)
        with conn.transaction():
            added = conn.execute("INSERT INTO workshops (name, created_at) VALUES (%s, %s) "
                                 "ON CONFLICT DO NOTHING RETURNING name", (name, now()))
            if added.fetchone() is None:
                raise SessionError(f"The workshop '{name}' appeared while it was being "
                                   "created; open it instead.")
            store = PostgresStore(url, conn, name, who)
            store._fill(tables, meta, seed)
    except psycopg.Error as exc:
        conn.close()
        raise SessionError(f"Could not create the workshop '{name}' ({where}): "
                           f"{_first_line(exc)}; nothing was written.") from None
    except BaseException:
        conn.close()
        raise
    store._revision, store._seen_seq = store._read_revision(), store._last_seq()
    return store


def list_workshops(url: str) -> pd.DataFrame:
    """The workshops of a database: name, created, gaps, last change (oldest name first)."""
    conn, _ = connect(url, need_workshop=False)
    columns = ["name", "created", "gaps", "last_change"]
    with conn:
        if conn.execute("SELECT to_regclass('pmo_nb.schema_version')").fetchone()[0] is None:
            return pd.DataFrame(columns=columns)
        conn.execute(f"SET search_path TO {SCHEMA}")
        rows = conn.execute(
            "SELECT w.name, w.created_at, (SELECT count(*) FROM gaps g WHERE g.workshop = "
            "w.name), COALESCE((SELECT max(at) FROM history h WHERE h.workshop = w.name), "
            "w.created_at) FROM workshops w ORDER BY w.name").fetchall()
    return pd.DataFrame(rows, columns=columns)


def connect(url: str, need_workshop: bool = True) -> tuple[psycopg.Connection, str]:
    """A connection (autocommit, search path ``pmo_nb``) and the workshop's name."""
    params, name = parse_url(url, need_workshop)
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
    params.setdefault("application_name", "pmo_nb")
    try:
        conn = psycopg.connect(**params, autocommit=True)
    except psycopg.Error as exc:
        raise _connect_error(params, name, exc) from None
    conn.execute(f"SET search_path TO {SCHEMA}")
    return conn, name


def parse_url(url: str, need_workshop: bool = True) -> tuple[dict, str]:
    """libpq's parameters and the workshop's name from a session URL."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    names = [v.strip() for k, v in query if k == "workshop"]
    rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "workshop"])
    if need_workshop and (not names or not names[-1] or not names[-1].isprintable()):
        raise SessionError(f"'{_safe(url)}' names no workshop: add ?workshop=NAME (many "
                           "workshops share one database; `pmo-nb list URL` shows them).")
    try:
        params = conninfo_to_dict(url.split("?", 1)[0] + (f"?{rest}" if rest else ""))
    except psycopg.Error as exc:
        raise SessionError(f"'{_safe(url)}' is not a PostgreSQL URL libpq understands "
                           f"({exc}); write postgresql://USER@HOST:PORT/DB?workshop=NAME."
                           ) from None
    return params, names[-1] if names else ""


def _prepare(conn: psycopg.Connection) -> None:
    """Create the tables, or migrate them, when the database's schema is not current."""
    if _version(conn) == SCHEMA_VERSION:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        version = _version(conn)
        if version is not None and version > SCHEMA_VERSION:
            raise SessionError(
                f"The database {_where(conn)} was written by a newer pmo_nb (session schema "
                f"{version}; this one reads up to {SCHEMA_VERSION}). Upgrade pmo_nb to open it.")
        if version is None:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version VALUES (0)")
            conn.execute(_REGISTRY)
        for statement in migration(POSTGRES, version or 0):
            conn.execute(statement)
        conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))


def _version(conn: psycopg.Connection) -> int | None:
    if conn.execute("SELECT to_regclass('pmo_nb.schema_version')").fetchone()[0] is None:
        return None
    return conn.execute("SELECT version FROM schema_version").fetchone()[0]


def _connect_error(params: dict, name: str, exc: psycopg.Error) -> SessionError:
    text = _first_line(exc)
    where = tried(params)
    if "password authentication failed" in text or "no password supplied" in text:
        why = "the user or password is wrong"
    elif "database" in text and "does not exist" in text:
        why = "the database does not exist (create it, e.g. `createdb NAME`, or fix the URL)"
    elif any(w in text for w in ("refused", "timeout", "could not translate", "No such file",
                                 "Network is unreachable", "No route")):
        why = "no PostgreSQL server answers there (is it running, and are host and port right?)"
    else:
        why = "the server refused the connection"
    label = f"the workshop '{name}'" if name else "the database"
    return SessionError(f"Could not connect to PostgreSQL for {label} at {where}: {why} "
                        f"({text}).")


def tried(params: dict) -> str:
    """``user@host:port/database`` as libpq fills them in: the URL's own, else the ``PG*``
    variables, else libpq's defaults (this account's name, the local socket).

    Examples
    --------
    >>> tried({"user": "pmo", "host": "db.example.org", "dbname": "pmo"})
    'pmo@db.example.org:5432/pmo'
    """
    defaults = {o.keyword.decode(): o.val.decode() for o in psycopg.pq.Conninfo.get_defaults()
                if o.val is not None}
    found = {key: params.get(key) or defaults.get(key) for key in ("user", "host", "port")}
    user = found["user"] or "(this account)"
    host = found["host"] or "the local socket"
    dbname = params.get("dbname") or defaults.get("dbname") or user
    return f"{user}@{host}:{found['port'] or '5432'}/{dbname}"


def _where(conn: psycopg.Connection) -> str:
    info = conn.info
    return f"{info.user}@{info.host}:{info.port}/{info.dbname}"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

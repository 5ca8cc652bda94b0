"""Persistence of a workshop session behind one interface: an SQLite file or PostgreSQL.

:func:`open_session` and :func:`create_session` take a path (the embedded SQLite store,
:mod:`.sqlite`) or a ``postgresql://...?workshop=NAME`` URL (the shared store,
:mod:`.postgres`, loaded only when a URL is given) and return a :class:`Store`; the
workshop above uses only the :class:`Store` interface and :class:`Op`. The tables are
declared once for both in :mod:`.tables`.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from types import ModuleType

import pandas as pd

from ..errors import SessionError
from .base import Op, Store, now
from .benchmark import choices as benchmark_choices
from .tables import ENTITIES, SCHEMA_VERSION, TABLES

__all__ = ["ENTITIES", "SCHEMA_VERSION", "TABLES", "Op", "Store", "benchmark_choices",
           "create_session", "is_url", "list_workshops", "now", "open_room", "open_session",
           "require_url", "room_of", "target", "token_digest"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def is_url(text: str) -> bool:
    """True for a database URL (``postgresql://...``), never for a local path.

    Examples
    --------
    >>> is_url("postgresql://me@db:5432/pmo?workshop=acme"), is_url("sessions/acme.sqlite")
    (True, False)
    >>> is_url("C:/sessions/acme.sqlite")  # a drive letter is not a scheme
    False
    """
    return bool(_URL.match(text)) and (text.split(":", 1)[1].startswith("//")
                                        or text.split(":", 1)[0].lower()
                                        in ("postgresql", "postgres"))


def target(session: str | os.PathLike) -> Path | str:
    """A session as given: a ``Path`` for a file, the URL text for PostgreSQL."""
    text = os.fspath(session)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not is_url(text):
        return Path(text)
    if text.split(":", 1)[0].lower() not in ("postgresql", "postgres"):
        raise SessionError(f"'{text.split(':', 1)[0]}:' sessions are not supported; a session "
                           "is an SQLite file path or postgresql://USER@HOST:PORT/DB?workshop="
                           "NAME.")
    return text


def open_session(where: Path | str, who: str | None = None,
                 read_only: bool = False) -> Store | None:
    """The session at ``where``, or None when it does not exist yet.

    ``read_only``: only to be read (a follow-up's baseline); an SQLite file is then opened
    through a read-only connection and never migrated or written.
    """
    if isinstance(where, str):
        return _postgres().open_url(where, who)
    if not where.exists() and not where.is_symlink():
        return None
    from .sqlite import SqliteStore

    return SqliteStore.open(where, who, read_only=read_only)


def create_session(where: Path | str, tables: dict[str, pd.DataFrame], meta: dict[str, str],
                   seed: tuple[str, list[Op]] | None = None, who: str | None = None) -> Store:
    """Create a session with its tables, settings and seed step: all or nothing."""
    if isinstance(where, str):
        return _postgres().create_url(where, tables, meta, seed, who)
    from .sqlite import SqliteStore

    return SqliteStore.create(where, tables, meta, seed, who)


def list_workshops(url: str) -> pd.DataFrame:
    """The workshops of a PostgreSQL database: name, created, gaps, last change.

    ``url`` is a session URL with or without ``?workshop=``.
    """
    if not isinstance(target(url), str):
        raise SessionError(f"list_workshops needs a postgresql:// URL; got '{url}' (an SQLite "
                           "file holds one workshop).")
    return _postgres().list_workshops(url)


def require_url(url: str) -> None:
    """Nothing when the workshop a ``postgresql://`` URL names exists; else a SessionError
    naming the workshop and the database (user, host, port, name) looked in."""
    _postgres().require(url)


def open_room(session: str, room: str, who: str) -> str:
    """Let the hosted room ``room`` vote on the workshop ``session`` names; the new token
    (the database keeps its digest only: :mod:`.rooms`)."""
    return _postgres(".rooms").open_room(session, room, who)


def room_of(url: str, room: str):
    """The hosted room as stored (workshop, token_sha256, opened_by, opened_at), or None."""
    return _postgres(".rooms").room_of(url, room)


def token_digest(token: str) -> str:
    """The SHA-256 of a room's token, as the database keeps it.

    Examples
    --------
    >>> token_digest("abc")[:12]
    'ba7816bf8f01'
    """
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def _postgres(module: str = ".postgres") -> ModuleType:
    """The PostgreSQL store, loaded on first use (psycopg is an optional dependency)."""
    try:
        return importlib.import_module(module, __name__)
    except ModuleNotFoundError as exc:
        if exc.name not in ("psycopg", "psycopg_binary"):
            raise
        raise SessionError("PostgreSQL sessions need psycopg 3: pip install 'pmo_nb[postgres]' "
                           "(or psycopg[binary]).") from None

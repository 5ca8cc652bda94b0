"""Which workshop a hosted room votes on: a row per room in the team's PostgreSQL.

On a hub, ``pmo-nb serve --room NAME`` runs as a hub service for every workshop of the
database; a facilitator opens the room for one workshop (``pmo-nb room SESSION``, or
:func:`pmo_nb.open_room` from a notebook), which makes a new join token. The database
keeps only the token's SHA-256, never the token: an analyst who may read every table
(the read-only role of ``deploy/pg-init.sql``) cannot join a room with what they read, and
nothing the service logs carries it. Opening the room again makes a new token (the old
link stops working) or moves the room to another workshop.

The table ``pmo_nb.rooms`` is made by the first facilitator who opens a room.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg

from ..errors import SessionError
from . import token_digest as digest
from .base import now
from .postgres import connect, is_postgres_url, tried

TABLE = ("CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, workshop TEXT NOT NULL, "
         "token_sha256 TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at TEXT NOT NULL)")


@dataclass(frozen=True)
class Room:
    """A room as stored: its workshop, the SHA-256 of its token, who opened it and when."""

    room: str
    workshop: str
    token_sha256: str
    opened_by: str
    opened_at: str


def open_room(session: str, room: str, who: str) -> str:
    """Let room ``room`` vote on the workshop ``session`` names; return the new token.

    Raises
    ------
    SessionError
        ``session`` is not a PostgreSQL URL, the database cannot be reached, the workshop
        does not exist, or this role may not write (an analyst's).
    """
    if not is_postgres_url(session):
        raise SessionError(f"A hosted room needs a postgresql:// session, not '{session}': "
                           "on a laptop, run `pmo-nb serve SESSION` instead.")
    conn, name = connect(session)
    where = tried({"user": conn.info.user, "host": conn.info.host, "port": conn.info.port,
                   "dbname": conn.info.dbname})
    token = secrets.token_urlsafe(24)
    with conn:
        if not _exists(conn, "workshops") or conn.execute(
                "SELECT 1 FROM workshops WHERE name = %s", (name,)).fetchone() is None:
            raise SessionError(f"The workshop '{name}' does not exist in {where}: start it "
                               "first (workshop.ipynb), or check its name with `pmo-nb list`.")
        try:
            conn.execute(TABLE)
            conn.execute("INSERT INTO rooms VALUES (%s, %s, %s, %s, %s) ON CONFLICT (room) DO "
                         "UPDATE SET workshop = EXCLUDED.workshop, token_sha256 = "
                         "EXCLUDED.token_sha256, opened_by = EXCLUDED.opened_by, opened_at "
                         "= EXCLUDED.opened_at", (room, name, digest(token), who, now()))
        except psycopg.Error as exc:  # a role that may only read
            raise SessionError(f"Could not open the room '{room}' in {where} "
                               f"({str(exc).strip().splitlines()[0]}): only a facilitator's "
                               "role (the one that writes workshops) may open it.") from None
    return token


def room_of(url: str, room: str) -> Room | None:
    """The room as stored, or None when no facilitator has opened it yet."""
    conn, _ = connect(url, need_workshop=False)
    try:
        with conn:
            if not _exists(conn, "rooms"):
                return None
            found = conn.execute("SELECT room, workshop, token_sha256, opened_by, opened_at "
                                 "FROM rooms WHERE room = %s", (room,)).fetchone()
    except psycopg.Error as exc:
        raise SessionError(f"Could not read the room '{room}' ({str(exc).strip()}).") from None
    return Room(*found) if found else None


def _exists(conn, table: str) -> bool:
    return conn.execute("SELECT to_regclass(%s)", (f"pmo_nb.{table}",)).fetchone()[0] \
        is not None

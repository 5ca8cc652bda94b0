"""What is checked before a file is opened as a session, and SQLite's errors in words.

The checks read only: the file's header, then its ``meta`` table through an
``immutable`` connection (no lock, no ``-wal``/``-shm`` touched), then SQLite's
``PRAGMA quick_check``. A file that fails any of them is refused, left exactly as it
was, and never written. Every ``sqlite3`` error that reaches a user is a
:class:`SessionError` saying what is wrong: a folder, a missing permission, a lock held
by another program, not a session, or damaged.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from ..errors import SessionError
from .base import APP
from .tables import SCHEMA_VERSION

MAGIC = b"SQLite format 3\x00"
OPEN_TIMEOUT = 5.0  # seconds opening waits for a lock held by another program
_UNTOUCHED = "it was left untouched"


def check_new(path: Path) -> None:
    """Refuse to create a session where a folder is, or in a folder we may not write."""
    if path.is_dir():
        raise _folder(path)
    if path.parent.is_dir() and not _may(path.parent, os.W_OK | os.X_OK):
        raise SessionError(f"No permission to create files in the folder '{path.parent}', "
                           f"so the session '{path.name}' cannot be made there; choose a "
                           "folder you can write to.")


def check_existing(path: Path) -> None:
    """Check a file read-only: a pmo_nb session, not newer, writable, not damaged."""
    if path.is_dir():
        raise _folder(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise _permission(path, "read") from None
    if not head.startswith(MAGIC):
        raise SessionError(f"'{path.name}' is not a pmo_nb session (not an SQLite file); "
                           f"{_UNTOUCHED}. Choose another session path.")
    version(path, _identify(path))
    for target in (path, path.parent):
        if not _may(target, os.W_OK):
            raise _permission(path, "write", folder=target != path)
    live = _wal(path).exists() and _wal(path).stat().st_size > 0
    if not live:  # with another handle open, SQLite's locks keep the check consistent
        _check_size(path, head)
    _quick_check(path, live)


def version(path: Path, saved: int | str | None) -> int:
    """The session's schema version, refused when a newer pmo_nb wrote it."""
    found = int(saved or 0)
    if found > SCHEMA_VERSION:
        raise SessionError(
            f"'{path.name}' was written by a newer pmo_nb (session schema {found}; this "
            f"one reads up to {SCHEMA_VERSION}). Upgrade pmo_nb to open it.")
    return found


def _identify(path: Path) -> int:
    """The schema version in the file's meta table, read without a lock or a write."""
    uri = f"{path.resolve().as_uri()}?immutable=1"
    for attempt in range(3):  # another handle's checkpoint may be mid-write: read again
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                query = "SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')"
                rows = dict(conn.execute(query).fetchall()) if "meta" in names else {}
            break
        except sqlite3.DatabaseError as exc:
            if attempt == 2:
                raise SessionError(f"'{path.name}' is not a readable pmo_nb session ({exc}): "
                                   f"it is damaged or not a session; {_UNTOUCHED}. Choose "
                                   "another session path.") from None
            time.sleep(0.05)
    if rows.get("app") != APP or not str(rows.get("schema_version", "")).isdigit():
        raise SessionError(f"'{path.name}' is an SQLite file but not a pmo_nb session; "
                           f"{_UNTOUCHED}. Choose another session path.")
    return int(rows["schema_version"])


def _check_size(path: Path, head: bytes) -> None:
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big") if head[24:28] == head[92:96] else 0
    size = path.stat().st_size
    if page and (size % page or size < pages * page):
        raise _damaged(path, f"{size} bytes where its header says {pages * page}: cut short, "
                             "e.g. by an incomplete copy or a full disk")


def _quick_check(path: Path, live: bool) -> None:
    uri = f"{path.resolve().as_uri()}?{'mode=ro' if live else 'immutable=1'}"
    with translated(path, "check"), closing(
            sqlite3.connect(uri, uri=True, timeout=OPEN_TIMEOUT)) as conn:
        found = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if found != ["ok"]:
        raise _damaged(path, "SQLite's integrity check: " + "; ".join(found)[:300])


@contextmanager
def translated(path: Path, doing: str) -> Iterator[None]:
    """Turn an sqlite3 error while opening or checking into a SessionError that says why."""
    try:
        yield
    except sqlite3.Error as exc:
        raise read_error(path, exc, doing) from None


def read_error(path: Path, exc: Exception, doing: str = "read") -> SessionError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return SessionError(
            f"'{path.name}' is locked by another program ({text}); close the program that "
            "holds it (e.g. a database browser), then open the session again.")
    if "malformed" in text or "not a database" in text:
        return _damaged(path, text)
    if "readonly" in text or "unable to open" in text:
        return _permission(path, "write")
    return SessionError(f"Could not {doing} '{path.name}' ({text}); nothing was changed.")


def write_error(path: Path, exc: Exception) -> SessionError:
    if "malformed" in str(exc) or "not a database" in str(exc):
        return _damaged(path, str(exc))
    return SessionError(
        f"Could not save to '{path.name}' ({exc}); the change was not made and "
        "everything saved before is intact. Check that the file and its folder "
        "are writable and not locked by another program, then try again.")


def _damaged(path: Path, why: str) -> SessionError:
    return SessionError(
        f"'{path.name}' is damaged ({why}); it was left untouched and nothing was written "
        "to it. Open a backup or the copy it was made from; `sqlite3 FILE .recover` may "
        "rescue its rows.")


def _folder(path: Path) -> SessionError:
    return SessionError(f"'{path}' is a folder, not a session file; give a file inside it, "
                        f"e.g. '{path / 'workshop.sqlite'}'.")


def _permission(path: Path, what: str, folder: bool = False) -> SessionError:
    where = f"the folder '{path.parent}'" if folder else f"'{path.name}'"
    why = ("" if what == "read" else ": pmo_nb saves every change at once, and SQLite keeps "
           f"'{path.name}-wal' and '-shm' beside the session")
    return SessionError(
        f"No permission to {what} {where}{why}. Ask for {what} permission or copy the "
        f"session to a folder you can write to; {_UNTOUCHED}.")


def _may(path: Path, mode: int) -> bool:
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")

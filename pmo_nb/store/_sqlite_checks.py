"""What is checked before a file is opened as a session, and SQLite's errors in words.

Every check goes through SQLite itself: an ``immutable`` connection (no lock, no
``-wal``/``-shm`` touched) reads the file's ``meta`` table and page counts, then SQLite's
``PRAGMA quick_check``. No descriptor of a session file is ever opened outside SQLite: on
POSIX, closing *any* descriptor of a file drops every lock the process holds on it, and
another process closing its last connection would then delete the ``-wal`` under ours
(SQLite's "How To Corrupt An SQLite Database File", 2.2). SQLite's own connections in one
process share their locks, so its checks are safe beside open handles. A file that fails
any check is refused, left exactly as it was, and never written. Every ``sqlite3`` error
that reaches a user is a :class:`SessionError` saying what is wrong: a folder, a missing
permission, a lock held by another program, not a session, or damaged.
"""

from __future__ import annotations

import glob
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import SessionError
from .base import APP
from .tables import SCHEMA_VERSION

_UNFINISHED = ".unfinished-"  # a new session's temporary name: SESSION.unfinished-PID-...
_LOOKS = 6  # tries at reading a session's meta table while others may checkpoint
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


def unfinished(path: Path) -> Path:
    """Where a new session is written before it is linked into place: named for what it
    is and for the process writing it, so that a creation killed midway leaves a file
    that says so, and that the next open of the session removes (:func:`clean_unfinished`).
    """
    return path.with_name(f"{path.name}{_UNFINISHED}{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def clean_unfinished(path: Path) -> list[Path]:
    """Remove what creations of ``path`` killed midway left behind (their process is gone);
    returns what was removed. A creation still running in a live process is left alone."""
    removed = []
    for left in path.parent.glob(glob.escape(path.name) + _UNFINISHED + "*"):
        pid = left.name[len(path.name) + len(_UNFINISHED):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            left.unlink(missing_ok=True)
            removed.append(left)
    return removed


def sidecars(path: Path) -> tuple[Path, Path]:
    """SQLite's ``-wal`` and ``-shm`` files beside ``path``."""
    return _wal(path), path.with_name(path.name + "-shm")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def check_existing(path: Path, writable: bool = True) -> None:
    """Check a file read-only: a pmo_nb session, not newer, writable (unless it is only to
    be read), not damaged."""
    if path.is_dir():
        raise _folder(path)
    if not _may(path, os.R_OK):
        raise _permission(path, "read")
    if path.stat().st_size == 0:
        raise SessionError(f"'{path.name}' is not a pmo_nb session (an empty file); {_UNTOUCHED}. "
                           "Choose another session path.")
    found = _identify(path)
    version(path, found.version)
    for target in (path, path.parent) if writable else ():
        if not _may(target, os.W_OK):
            raise _permission(path, "write", folder=target != path)
    _check_size(path, found)
    _quick_check(path, live(path))


def version(path: Path, saved: int | str | None) -> int:
    """The session's schema version, refused when a newer pmo_nb wrote it."""
    found = int(saved or 0)
    if found > SCHEMA_VERSION:
        raise SessionError(
            f"'{path.name}' was written by a newer pmo_nb (session schema {found}; this "
            f"one reads up to {SCHEMA_VERSION}). Upgrade pmo_nb to open it.")
    return found


@dataclass(frozen=True)
class _Found:
    """What an immutable look at a session file found."""

    version: int
    page_size: int
    pages: int


def _identify(path: Path) -> _Found:
    """The schema version in the file's meta table and its page counts, read through
    SQLite without a lock or a write (never with a descriptor of our own).

    The first look is ``immutable`` (no lock, nothing created beside the file). Another
    handle's checkpoint may be copying pages into the file meanwhile, so a failed look is
    tried again, and, while the session is live (its ``-wal`` in use), through a
    read-only connection that takes SQLite's locks and so reads a consistent state.
    """
    for attempt in range(_LOOKS):
        mode = "mode=ro" if attempt and live(path) else "immutable=1"
        try:
            with closing(sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                                         timeout=OPEN_TIMEOUT)) as conn:
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                query = "SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')"
                rows = dict(conn.execute(query).fetchall()) if "meta" in names else {}
                page_size = conn.execute("PRAGMA page_size").fetchone()[0]
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
            break
        except sqlite3.DatabaseError as exc:
            if attempt == _LOOKS - 1:
                raise _unreadable(path, exc) from None
            time.sleep(0.05 * (attempt + 1))
    if rows.get("app") != APP or not str(rows.get("schema_version", "")).isdigit():
        raise SessionError(f"'{path.name}' is an SQLite file but not a pmo_nb session; "
                           f"{_UNTOUCHED}. Choose another session path.")
    return _Found(int(rows["schema_version"]), page_size, pages)


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> SessionError:
    if "not a database" in str(exc):
        return SessionError(f"'{path.name}' is not a pmo_nb session (not an SQLite file, or "
                            f"its first page is damaged); {_UNTOUCHED}. Choose another "
                            "session path.")
    if "malformed" in str(exc):
        return _damaged(path, str(exc))
    return SessionError(f"'{path.name}' is not a readable pmo_nb session ({exc}): it is "
                        f"damaged or not a session; {_UNTOUCHED}. Choose another session "
                        "path.")


def _check_size(path: Path, found: _Found) -> None:
    """Refuse a file shorter than its header says, i.e. cut short by a copy or a full disk.

    Another handle's checkpoint writes the header before the pages that grow the file, and
    may end (its ``-wal`` removed) between our look and our ``stat``: so only a shortfall
    that holds on fresh looks, with no ``-wal`` in use, is damage. While the ``-wal`` is
    in use, SQLite's locks and the integrity check keep the check consistent.
    """
    for attempt in range(_LOOKS):
        size = path.stat().st_size
        page = found.page_size
        if live(path) or not page or (size % page == 0 and size >= found.pages * page):
            return
        if attempt == _LOOKS - 1:
            raise _damaged(path, f"{size} bytes where its header says {found.pages * page}: "
                                 "cut short, e.g. by an incomplete copy or a full disk")
        time.sleep(0.05 * (attempt + 1))
        found = _identify(path)


def _quick_check(path: Path, was_live: bool) -> None:
    found = _integrity(path, was_live)
    if found != ["ok"] and not was_live and live(path):  # a writer came meanwhile: look again
        found = _integrity(path, True)
    if found != ["ok"]:
        raise _damaged(path, "SQLite's integrity check: " + "; ".join(found)[:300])


def _integrity(path: Path, locked: bool) -> list[str]:
    uri = f"{path.resolve().as_uri()}?{'mode=ro' if locked else 'immutable=1'}"
    with translated(path, "check"), closing(
            sqlite3.connect(uri, uri=True, timeout=OPEN_TIMEOUT)) as conn:
        return [r[0] for r in conn.execute("PRAGMA quick_check(3)")]


def live(path: Path) -> bool:
    """True while the session's ``-wal`` is in use (another handle may be writing)."""
    wal = _wal(path)
    return wal.exists() and wal.stat().st_size > 0


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

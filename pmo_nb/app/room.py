"""A hosted room: the hub's one participants' app, the workshop a facilitator opens in it.

On JupyterHub the participants' app runs as a hub service for the whole team
(``pmo-nb serve --room pmo-participants postgresql:///``), not for one workshop. A
facilitator opens the room for their workshop (:func:`open_room`, or ``pmo-nb room
SESSION``): that makes a new join token, which only the facilitator sees (their notebook's
output, their terminal, a QR code file only they can read); the database keeps its SHA-256
(:mod:`pmo_nb.store.rooms`). The service reads the room (:class:`RoomWatch`) every couple of
seconds: a phone is let in while its token is the room's, onto the room's workshop. The
service never knows a token, so no log of it can show one.
"""

from __future__ import annotations

import getpass
import hmac
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass

from ..errors import SessionError
from ..store import open_room as _store_open
from ..store import room_of, token_digest

DEFAULT_ROOM = "pmo-participants"  # the hub service's name in deploy/jupyterhub_config.py
ROOM_URL_ENV = "PMO_NB_ROOM_URL"  # the room's public address, set for every hub user's server
ROOM_ENV, DATABASE_ENV = "PMO_NB_ROOM", "PMO_NB_ROOM_DATABASE"  # set by `serve --room`
CACHE_SECONDS = 2.0


def with_workshop(url: str, name: str) -> str:
    """``url`` (a database, maybe with its own query) naming the workshop ``name``.

    Examples
    --------
    >>> with_workshop("postgresql:///?sslmode=require", "acme")
    'postgresql:///?sslmode=require&workshop=acme'
    """
    base, _, query = url.partition("?")
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)
            if k != "workshop"]
    return f"{base}?{urllib.parse.urlencode([*kept, ('workshop', name)])}"


class RoomWatch:
    """The room as the service sees it, read again at most every ``CACHE_SECONDS``."""

    def __init__(self, url: str, room: str = DEFAULT_ROOM) -> None:
        self.url, self.room = url, room
        self._lock, self._at, self._found = threading.Lock(), -CACHE_SECONDS, None

    def current(self) -> object | None:
        """The room as stored now (:class:`pmo_nb.store.rooms.Room`; None: not opened
        yet, or the database does not answer)."""
        with self._lock:
            if time.monotonic() - self._at >= CACHE_SECONDS:
                try:
                    self._found = room_of(self.url, self.room)
                except SessionError:
                    self._found = None  # the database is away: nobody joins meanwhile
                self._at = time.monotonic()
            return self._found

    def valid(self, token: str) -> bool:
        """True when ``token`` is the room's current token."""
        found = self.current()
        return found is not None and hmac.compare_digest(token_digest(token),
                                                          found.token_sha256)

    def session(self) -> str | None:
        """The room's workshop as a session URL (None: not opened yet)."""
        found = self.current()
        return with_workshop(self.url, found.workshop) if found else None


_WATCHES: dict[tuple[str, str], RoomWatch] = {}


def watch(url: str, room: str) -> RoomWatch:
    """The one :class:`RoomWatch` of this process for ``room`` in ``url``'s database."""
    return _WATCHES.setdefault((url, room), RoomWatch(url, room))


def page_session() -> str | None:
    """The workshop a phone's page opens under ``serve --room`` (from its environment)."""
    if not os.environ.get(DATABASE_ENV):
        return None
    return watch(os.environ[DATABASE_ENV], os.environ.get(ROOM_ENV, DEFAULT_ROOM)).session()


@dataclass(frozen=True)
class RoomLink:
    """The join link a facilitator hands out (it carries the token: keep it to the room).

    In a notebook it shows as the link and its QR code."""

    room: str
    workshop: str
    url: str

    def _repr_html_(self) -> str:
        import html

        import segno

        qr = segno.make(self.url, error="m").svg_data_uri(scale=6)
        text = html.escape(self.url)
        return (f'<p>Room <b>{html.escape(self.room)}</b> votes on '
                f'<b>{html.escape(self.workshop)}</b>. Participants join at '
                f'<a href="{text}" target="_blank" rel="noreferrer">{text}</a></p>'
                f'<img src="{qr}" alt="QR code of the join link" width="240">')


def open_room(session: str, public_url: str | None = None, room: str = DEFAULT_ROOM,
              who: str | None = None) -> RoomLink:
    """Open the hosted room for the workshop ``session`` names: a new join link.

    Parameters
    ----------
    session : str
        ``postgresql://...?workshop=NAME``: an existing workshop.
    public_url : str, optional
        The room's address (``https://HUB/services/pmo-participants/``); default
        ``$PMO_NB_ROOM_URL``, which the hub sets for every user's server.
    room : str
        The room's name: the hub service's (``pmo-participants``).
    who : str, optional
        Who opened it (default: this account's name, on a hub the hub user's).

    Raises
    ------
    SessionError
        No such workshop, a role that may only read, or no public address known.
    """
    public = public_url or os.environ.get(ROOM_URL_ENV)
    if not public:
        raise SessionError(f"Where do phones reach the room? Give its address (e.g. "
                           f"https://HUB/services/{room}/) or set {ROOM_URL_ENV}; the hub "
                           "sets it for every user's server (deploy/jupyterhub_config.py).")
    who = who or os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    token = _store_open(session, room, who)
    name = urllib.parse.parse_qs(urllib.parse.urlsplit(session).query)["workshop"][-1]
    return RoomLink(room, name, f"{public.rstrip('/')}/?token={token}")

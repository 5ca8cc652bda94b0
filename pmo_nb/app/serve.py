"""``pmo-nb serve SESSION``: the participants' app, ONE server process for the whole room.

Every phone gets the same ipywidgets page (:class:`pmo_nb.ui.ParticipantPage`) from
Solara's server: a light virtual kernel per connection inside this one process (about
1.5 MB each), not a Jupyter kernel per visitor (Voilà's ~140 MB and seconds of CPU
each). The front-end is served from this machine (``solara-assets``): a phone asks
nothing of any other host, so a room without internet works. Solara's telemetry is off.

The gate (:mod:`pmo_nb._room_gate`) refuses every page, asset and websocket without the
random token that the join URL (and its QR code) carries; the first visit is redirected to
the page without it in the address, a cookie carries it, and a second cookie gives the
device a random id, so a reload comes back as the same participant and two people called
Ann are two participants. The server fixes its own root path and base URL (never from a
request header), serves only the front-end files the page uses, takes the widgets'
websocket only from the page's own origin, and lets one address create at most
``--joins-per-minute`` participants (:mod:`pmo_nb.app._room_guard`,
:mod:`pmo_nb.app._room_limits`; the threat model: docs/security.md). The session
reaches the page through the ``PMO_NB_SESSION`` environment variable, never through the
URL. The server binds 127.0.0.1 unless ``--host`` says otherwise, and SIGINT, SIGTERM
or SIGHUP stop it, with everything it started (it starts no other process).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..errors import SessionError, UsageError
from ..store import is_url, require_url, room_of
from . import room as _room
from ._room_limits import DEFAULT_JOINS_PER_MINUTE as DEFAULT_JOINS
from ._room_limits import JOINS_ENV
from ._room_peers import BENCHMARK_ENV, K_ENV, room_benchmark

SESSION_ENV = "PMO_NB_SESSION"
DEFAULT_PORT = 8866
PAGE_SCRIPT = Path(__file__).with_name("_room_page.py")  # run by Solara per connection
TITLE = "PMO Planning: your vote"
# Solara's settings (pydantic, read at import): our page, no banner, no telemetry, no CDN
SOLARA_ENV = {
    "SOLARA_APP": str(PAGE_SCRIPT),
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": TITLE,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_PROXY": "True",  # the front-end from this server (solara-assets' copy)
    "SOLARA_KERNEL_CULL_TIMEOUT": "90s",  # a closed tab releases its handle after 90 s
    "SOLARA_SESSION_HTTP_ONLY": "True",  # no script reads Solara's session cookie
}
# Solara warns on every page over plain http that its cookie cannot be SameSite=None: the
# gate sets SameSite=Lax itself, and the facilitator's terminal keeps the join link in view
QUIET = r"Cookies with samesite=none require https"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
TOKEN_ENV = "PMO_NB_SERVE_TOKEN"  # a fixed token (a secret); a hub uses --room instead


def _slashed(prefix: str) -> str:
    """``services/x`` -> ``/services/x/``; ``/`` stays."""
    return "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


def join_url(host: str, port: int, token: str) -> str:
    """The URL participants open: a room's address when the server listens on every one.

    Examples
    --------
    >>> join_url("127.0.0.1", 8866, "abc")
    'http://127.0.0.1:8866/?token=abc'
    """
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/?token={token}"


def lan_address() -> str:
    """This machine's address on the network it would reach others through."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def free_port(host: str, preferred: int = DEFAULT_PORT) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind((host if host not in ("", "::") else "0.0.0.0", port))
                return sock.getsockname()[1]
            except OSError:
                continue
    raise SessionError(f"No free port on {host}; choose one with --port.")


def qr_code(url: str, png: Path) -> str:
    """Write the URL's QR code to ``png`` and return it as terminal text.

    The file is written beside ``png`` and moved in place: a ``png`` that is a symlink is
    replaced, never written through (the code carries the token)."""
    import io

    import segno

    code = segno.make(url, error="m")
    fd, tmp = tempfile.mkstemp(prefix=".join-", suffix=".png", dir=png.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            code.save(out, kind="png", scale=10, border=4)
        os.replace(tmp, png)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    out = io.StringIO()
    code.terminal(out=out, compact=True, border=2)
    return out.getvalue()


def qr_path(session: str) -> Path:
    """Where the join QR code goes: beside the session file as the facilitator named it
    (a symlink's own folder, not its target's), ``SESSION-join.png``; for a PostgreSQL
    session, ``join.png`` in the current folder."""
    if is_url(session):
        return Path.cwd() / "join.png"
    given = Path(os.path.abspath(session))  # symlinks kept as they are
    return given.with_name(given.stem + "-join.png")


def check_session(session: str) -> str:
    """The session as the notebook will open it (absolute path); refuse a missing one."""
    if is_url(session):
        require_url(session)  # a clear error now, not on every phone
        return session
    path = Path(session).resolve()
    if not path.is_file():
        raise SessionError(f"No workshop session at '{session}': start the workshop first "
                           "(workshop.ipynb creates its session), then serve that file.")
    from ..session.workshop import Workshop

    Workshop.open(path).close()  # a clear error now if it is not a session
    return str(path)


def app(session: str | None, token: str | Callable[[str], bool], page: Path = PAGE_SCRIPT,
        prefix: str = "/", *, base_url: str = "", trusted_proxy: Iterable[str] = (),
        public_url: str | None = None, language: Callable[[], str] | None = None):
    """The participants' ASGI app for ``session``: Solara's server behind the token gate.

    Solara reads its settings from the environment when first imported, so this sets
    them first (and again on the settings, should Solara be imported already); one
    process serves one session. ``page`` is the script Solara runs per connection (the
    benchmark serves its floor page through the very same server). The root path is
    ``prefix`` and the base URL ``base_url``: fixed here, never taken from a request.
    ``session`` None and ``token`` a check: a hosted room (:mod:`.room`), whose workshop and
    token are the room's of the moment; ``language`` then gives the phones' default."""
    root = _slashed(prefix).rstrip("/")
    os.environ.update({**SOLARA_ENV, "SOLARA_APP": str(page), "SOLARA_ROOT_PATH": root,
                       "SOLARA_BASE_URL": base_url})
    if session is not None:
        os.environ[SESSION_ENV] = session
    warnings.filterwarnings("ignore", message=QUIET, category=UserWarning)
    from solara.server import cdn_helper, settings
    from solara.server.starlette import app as solara_app

    from ._room_gate import TokenGate
    from ._room_lang import HtmlLang

    settings.main.root_path, settings.main.base_url = root, base_url
    settings.session.http_only = True
    cdn_helper.get_cdn_url = _offline  # Solara's proxy never fetches (the gate serves it)
    language = language or (lambda: _language(session))
    return TokenGate(HtmlLang(solara_app, language), token, prefix,
                     trusted_proxy=trusted_proxy, public_url=public_url)


def _offline(path: object) -> str:
    raise SessionError(f"pmo-nb serve fetches nothing from a CDN (asked for {path}).")


def _language(session: str | None) -> str:
    """The workshop's language (the phones' default), read when a page is asked for."""
    from ..session.workshop import Workshop

    if session is None:  # a hosted room that no facilitator has opened yet
        return "en"
    try:
        with Workshop.open(session) as ws:
            return ws.language
    except Exception:  # the page then says what is wrong; its language is no reason to fail
        return "en"


def serve(session: str, host: str = "127.0.0.1", port: int | None = None,
          out: TextIO = sys.stdout, page: Path = PAGE_SCRIPT, prefix: str | None = None,
          public_url: str | None = None, trusted_proxy: Iterable[str] = (),
          joins_per_minute: int = DEFAULT_JOINS, room: str | None = None,
          benchmark: str | None = None, k: int = 5) -> int:
    """Run the participants' app until SIGINT, SIGTERM or SIGHUP; returns 0.

    Behind JupyterHub (a hub service) the app lives under ``prefix`` (default: the hub's
    ``JUPYTERHUB_SERVICE_PREFIX``), and ``public_url`` (e.g.
    ``https://hub.example.org/services/pmo-vote/``) is what the join link and its QR code
    show; ``PMO_NB_SERVE_TOKEN`` fixes the token (else a new random one per start).
    ``trusted_proxy`` names the proxy whose X-Forwarded-For/-Proto are believed;
    ``joins_per_minute`` caps new participants per client address (0: no cap).
    ``room``: a hosted room (:mod:`.room`); ``session`` is then the team's database, the
    workshop and the token are whatever a facilitator opened the room for, and no token is
    printed. ``benchmark`` (a source of :func:`pmo_nb.benchmark`, groups of ``k`` or more)
    shows the phones what organisations like this one chose (a fixed room only)."""
    import uvicorn

    port = port or free_port(host)
    prefix = prefix if prefix is not None else os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    origin = join_url(host, port, "-").split("/?token=")[0]
    base_url = public_url.rstrip("/") + "/" if public_url else origin + _slashed(prefix)
    os.environ[JOINS_ENV] = str(joins_per_minute)
    os.environ.update({BENCHMARK_ENV: benchmark or "", K_ENV: str(k)})
    if room is None:
        token, shown = _fixed_room(session, base_url, out)
        peers = room_benchmark(shown)  # read once, now: a bad source is said before serving
        asgi = app(shown, token, page, prefix, base_url=base_url,
                   trusted_proxy=trusted_proxy, public_url=public_url)
    else:
        if benchmark:
            raise UsageError("--benchmark works with one workshop's room, not with --room "
                             "(whose workshop changes as facilitators open it).")
        peers = None
        watch = _hosted_room(session, room, out)
        asgi = app(None, watch.valid, page, prefix, base_url=base_url,
                   trusted_proxy=trusted_proxy, public_url=public_url,
                   language=lambda: _language(watch.session()))
    server = _server(uvicorn)(uvicorn.Config(asgi, host=host, port=port, log_level="warning",
                                             access_log=False, proxy_headers=False,
                                             timeout_graceful_shutdown=3), out)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Listening on {host}: anyone on this network with the link can vote.", file=out)
    limit = f"{joins_per_minute} new participants per address a minute" \
        if joins_per_minute > 0 else "no limit on new participants per address"
    proxy = f"; forwarded addresses trusted from {', '.join(trusted_proxy)}" \
        if trusted_proxy else ""
    if peers is not None:
        print(f"Phones show what peers chose: {len(peers)} rows of the benchmark (groups "
              f"of {k} or more organisations).", file=out)
    print(f"One server process for the whole room ({limit}{proxy}); stop it with Ctrl-C.",
          file=out, flush=True)
    server.run()
    print("Stopped: the participants' app is closed and the join link no longer works.",
          file=out, flush=True)
    return 0


def _fixed_room(session: str, base_url: str, out: TextIO) -> tuple[str, str]:
    """One workshop, one token for this run: print the join link and its QR code."""
    given, session = session, check_session(session)
    token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    url, png = f"{base_url}?token={token}", qr_path(given)
    print(f"Participants join at:\n  {url}\n", file=out)
    print(qr_code(url, png), file=out)
    print(f"QR code saved to {png} (show it to the room; it carries the token).", file=out)
    return token, session


def _hosted_room(database: str, room: str, out: TextIO) -> _room.RoomWatch:
    """The room a facilitator opens: say what it votes on now; no token is ever printed."""
    if not is_url(database) or "workshop=" in database:
        raise SessionError(f"--room serves the workshop a facilitator opens: give the team's "
                           f"database (postgresql:///, or postgresql://USER@HOST/DB), not "
                           f"'{database}'.")
    os.environ.update({_room.DATABASE_ENV: database, _room.ROOM_ENV: room})
    watch = _room.watch(database, room)
    try:
        found = room_of(database, room)
    except SessionError as exc:  # said now; the hub (and its users) must not stop for it
        print(f"Hosted room '{room}': {exc} Phones are refused until the database answers.",
              file=out, flush=True)
        found = None
    now = f"open for the workshop '{found.workshop}' (opened by {found.opened_by} at " \
          f"{found.opened_at})" if found else "not open yet"
    print(f"Hosted room '{room}': {now}. A facilitator opens it for a workshop with "
          f"`pmo-nb room postgresql:///?workshop=NAME` (or pmo_nb.open_room in a notebook) "
          "and gets the join link; this log never shows it.", file=out, flush=True)
    return watch


def _server(uvicorn):
    """uvicorn's server, stopped by SIGINT, SIGTERM or SIGHUP, saying so (uvicorn alone
    takes SIGINT and SIGTERM, says nothing, and raises the signal again at the end)."""
    class RoomServer(uvicorn.Server):
        def __init__(self, config, out: TextIO):
            super().__init__(config)
            self.out = out

        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.stop) for sig in STOP_SIGNALS}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

        def stop(self, signum: int, _frame: object) -> None:
            if not self.should_exit:
                print(f"\n{signal.Signals(signum).name}: stopping the participants' app...",
                      file=self.out, flush=True)
            self.force_exit = self.should_exit  # a second signal: at once
            self.should_exit = True
    return RoomServer

"""The token gate in front of the participants' app: nothing without the room's token.

An ASGI middleware (it wraps Solara's Starlette app; nothing in it is Solara's own). A
request is let through when its query carries ``token=`` the server's token, or its
cookie does. The first visit with the token in the address is answered with a redirect
to the same page without it (so the token never stays in the address bar, a bookmark or
a Referer), setting the token cookie and a device cookie, a random id that makes a
reload come back as the same participant. Both cookies, and Solara's own, are HttpOnly,
SameSite=Lax, and Secure behind https. Every answer forbids framing and sends no
Referer. Every other HTTP request gets a plain 403 page that says to ask the facilitator
for the link; a websocket is closed before it is accepted (an HTTP 403). Only
``/readyz`` (says "ok", nothing about the session) answers without the token, for a hub
or a proxy to check that the app is up. What a participant with the token may still not
do is in :mod:`pmo_nb.app._room_guard`.

Examples
--------
>>> gate = TokenGate(app=None, token="s3cret")
>>> gate.allowed({"query_string": b"token=s3cret"}), gate.allowed({"query_string": b""})
(True, False)
>>> gate.allowed({"query_string": b"", "headers": [(b"cookie", b"pmo_nb_token=s3cret")]})
True
"""

from __future__ import annotations

import hmac
import secrets
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable
from http.cookies import SimpleCookie

from . import _room_guard as guard
from ._room_limits import client_of, header

TOKEN_COOKIE = "pmo_nb_token"
DEVICE_COOKIE = "pmo_nb_device"
DEVICE_DAYS = 7
REFUSED = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ask the facilitator for the link</title></head>
<body style="font-family: sans-serif; max-width: 30em; margin: 3em auto; padding: 0 1em">
<h1 style="font-size: 1.4em">Ask the facilitator for the link</h1>
<p>This voting page opens only from the link (or the QR code) shown in the room.</p>
</body></html>"""

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


class TokenGate:
    """Let through only requests that carry the token (query or cookie), and only what a
    participant needs.

    ``prefix`` (e.g. ``/services/pmo-vote/`` behind JupyterHub's proxy) is where the app
    lives: its cookies are scoped to it, and anything outside it is refused.
    ``trusted_proxy`` names the addresses whose ``X-Forwarded-For``/``-Proto`` are
    believed; ``public_url`` is the address participants open, when it is not this
    machine's (its origin may open the websocket)."""

    def __init__(self, app, token: str | Callable[[str], bool], prefix: str = "/", *,
                 trusted_proxy: Iterable[str] = (), public_url: str | None = None):
        self.app, self.public_url = app, public_url
        self.valid = token if callable(token) else _same_as(token)  # a hosted room: its own
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.trusted = frozenset(trusted_proxy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan: start-up and shutdown
            await self.app(scope, receive, send)
            return
        client, https = client_of(scope, self.trusted)
        scope = guard.steered_out(scope, client)
        path = scope.get("path", "")
        if not (path + "/").startswith(self.prefix):
            await _answer(send, 404, b"not found", "text/plain")
            return
        if self.prefix != "/":  # ASGI: the path keeps the prefix; root_path names the mount
            scope = {**scope, "root_path": self.prefix.rstrip("/")}
        inner = "/" + path[len(self.prefix):]
        if scope["type"] == "http" and inner == "/readyz":
            await _answer(send, 200, b"ok", "text/plain")
        elif not self.allowed(scope):
            await self._refuse(scope, send, 403, REFUSED)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send, https)
        elif self._token_in_query(scope) and scope.get("method") in ("GET", "HEAD"):
            await self._without_token(scope, send, https)
        else:
            await self._http(scope, receive, send, inner, https)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send,
                         https: bool) -> None:
        origin, host = header(scope, b"origin"), header(scope, b"host")
        if not guard.origin_allowed(origin, host, https, self.public_url):
            await send({"type": "websocket.close", "code": 1008})  # an HTTP 403
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send, inner: str,
                    https: bool) -> None:
        send = self._with_cookies(scope, send, https)
        if guard.internal(inner) or (inner.startswith(guard.CLOSE)
                                     and not guard.closes_itself(inner, cookies(scope))):
            await _answer(send, 404, b"not found", "text/plain")
        elif inner.startswith(guard.CDN):
            await self._cdn(scope, receive, send, inner[len(guard.CDN):])
        else:
            await self.app(scope, receive, send)

    async def _cdn(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """A front-end file the page uses, from the installed package; else 404."""
        from starlette.middleware.gzip import GZipMiddleware
        from starlette.responses import FileResponse

        found = guard.cdn_file(urllib.parse.unquote(path))
        if found is None:
            await _answer(send, 404, b"not found", "text/plain")
            return
        file = FileResponse(found, headers={"cache-control": "max-age=86400"})
        await GZipMiddleware(file, minimum_size=1000)(scope, receive, send)  # as Solara's

    async def _refuse(self, scope: Scope, send: Send, status: int, body: bytes) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            await _answer(send, status, body, "text/html; charset=utf-8")

    def allowed(self, scope: Scope) -> bool:
        """True when the query's ``token`` or the token cookie is the server's token."""
        return self._given(scope) is not None

    def _given(self, scope: Scope) -> str | None:
        """The valid token the request carries (its query's first, then its cookie's)."""
        given = [*self._query(scope).get("token", []), cookies(scope).get(TOKEN_COOKIE, "")]
        return next((g for g in given if g and self.valid(g)), None)

    @staticmethod
    def _query(scope: Scope) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"),
                                     keep_blank_values=True)

    def _token_in_query(self, scope: Scope) -> bool:
        return "token" in self._query(scope)

    async def _without_token(self, scope: Scope, send: Send, https: bool) -> None:
        """303 to the same page without ``token=`` in its address; the cookies carry it."""
        kept = [(k, v) for k, v in urllib.parse.parse_qsl(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            if k != "token"]
        query = urllib.parse.urlencode(kept)
        path = "/" + scope.get("path", "/").lstrip("/")  # "//host" would leave this site
        location = urllib.parse.quote(path) + (f"?{query}" if query else "")
        send = self._with_cookies(scope, send, https)
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")),
                                (b"content-length", b"0"), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": b""})

    def _with_cookies(self, scope: Scope, send: Send, https: bool) -> Send:
        """``send`` that adds the token cookie (and a device id when there is none yet),
        marks every cookie HttpOnly (and Secure behind https) and adds the security
        headers to every response."""
        jar = cookies(scope)
        extra = []
        token = self._given(scope)
        if token is not None and jar.get(TOKEN_COOKIE) != token:
            extra.append(_cookie(TOKEN_COOKIE, token, None, self.prefix))
        if not jar.get(DEVICE_COOKIE):
            extra.append(_cookie(DEVICE_COOKIE, secrets.token_urlsafe(18),
                                 DEVICE_DAYS * 86400, self.prefix))

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, _hardened(v, https) if k.lower() == b"set-cookie" else v)
                           for k, v in [*message.get("headers", []), *extra]]
                names = {k.lower() for k, _ in guard.SECURITY_HEADERS}
                headers = [(k, v) for k, v in headers if k.lower() not in names]
                message = {**message, "headers": [*headers, *guard.SECURITY_HEADERS]}
            await send(message)
        return sending


def _same_as(token: str) -> Callable[[str], bool]:
    """A check that a given token is ``token`` (in constant time)."""
    return lambda given: hmac.compare_digest(given.encode(), token.encode())


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name."""
    jar = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is no cookie
                continue
    return {k: m.value for k, m in jar.items()}


def _cookie(name: str, value: str, max_age: int | None, path: str) -> tuple[bytes, bytes]:
    age = f"; Max-Age={max_age}" if max_age else ""
    return (b"set-cookie", f"{name}={value}; Path={path}; SameSite=Lax{age}".encode())


def _hardened(value: bytes, https: bool) -> bytes:
    """A Set-Cookie value made HttpOnly and SameSite=Lax, and Secure behind https (only
    then: a browser drops a Secure cookie set over plain http)."""
    parts = [p.strip() for p in value.decode("latin-1").split(";")]
    attrs = [p for p in parts[1:] if p.split("=")[0].lower() not in
             ("httponly", "secure", "samesite")]
    attrs += ["HttpOnly", "SameSite=Lax", *(["Secure"] if https else [])]
    return "; ".join([parts[0], *attrs]).encode("latin-1")


async def _answer(send: Send, status: int, body: bytes, kind: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *guard.SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})

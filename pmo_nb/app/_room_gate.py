"""The token gate in front of the participants' app: nothing without the room's token.

An ASGI middleware (it wraps Solara's Starlette app; nothing in it is Solara's own). A
request is let through when its query carries ``token=`` the server's token, or its
cookie does; the first visit sets that cookie (HttpOnly, SameSite=Lax, so a reload
works) and a device cookie, a random id that makes a reload come back as the same
participant. Every other HTTP request gets a plain 403 page that says to ask the
facilitator for the link; a websocket is closed before it is accepted (an HTTP 403).
Only ``/readyz`` (says "ok", nothing about the session) answers without the token, for
a hub or a proxy to check that the app is up.

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
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie

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
    """Let through only requests that carry the token (query or cookie).

    ``prefix`` (e.g. ``/services/pmo-vote/`` behind JupyterHub's proxy) is where the app
    lives: the app gets it as its ``root_path`` (so its links carry it), its cookies are
    scoped to it, and anything outside it is refused."""

    def __init__(self, app, token: str, prefix: str = "/"):
        self.app, self.token = app, token
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan: start-up and shutdown
            await self.app(scope, receive, send)
            return
        if self.prefix != "/":
            path = scope.get("path", "")
            if not (path + "/").startswith(self.prefix):
                await _answer(send, 404, b"not found", "text/plain")
                return
            # ASGI: the path keeps the prefix; root_path says which part is the mount's
            scope = {**scope, "root_path": self.prefix.rstrip("/")}
        if scope["type"] == "http" and scope.get("path") == self.prefix + "readyz":
            await _answer(send, 200, b"ok", "text/plain")
            return
        if not self.allowed(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _answer(send, 403, REFUSED, "text/html; charset=utf-8")
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._with_cookies(scope, send))

    def allowed(self, scope: Scope) -> bool:
        """True when the query's ``token`` or the token cookie is the server's token."""
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = [*query.get("token", []), cookies(scope).get(TOKEN_COOKIE, "")]
        return any(hmac.compare_digest(g.encode(), self.token.encode()) for g in given if g)

    def _with_cookies(self, scope: Scope, send: Send) -> Send:
        """``send`` that adds the token cookie (and a device id when there is none yet) to
        the response of a page."""
        jar = cookies(scope)
        extra = []
        if jar.get(TOKEN_COOKIE) != self.token:
            extra.append(_cookie(TOKEN_COOKIE, self.token, None, self.prefix))
        if not jar.get(DEVICE_COOKIE):
            extra.append(_cookie(DEVICE_COOKIE, secrets.token_urlsafe(18),
                                 DEVICE_DAYS * 86400, self.prefix))

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start" and extra:
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        return sending


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
    return (b"set-cookie",
            f"{name}={value}; Path={path}; HttpOnly; SameSite=Lax{age}".encode())


async def _answer(send: Send, status: int, body: bytes, kind: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})

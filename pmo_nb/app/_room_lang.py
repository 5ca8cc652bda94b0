"""The participant page's ``<html lang>``: the language the phone's browser asks for when
pmo_nb speaks it, else the workshop's (what the page itself then shows).

Solara's page template says ``<html>`` with no language, so a screen reader or a
browser's translate prompt would guess. This ASGI wrapper writes the language into a page
(an HTML navigation only: it asks that page uncompressed; scripts and styles pass as
they are).

Examples
--------
>>> with_lang(b"<!DOCTYPE html>\\n<html>\\n<head>", "pt-BR")
b'<!DOCTYPE html>\\n<html lang="pt-BR">\\n<head>'
"""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import negotiate

Scope = dict
Receive = Callable
Send = Callable


def with_lang(body: bytes, tag: str) -> bytes:
    """The page with ``lang`` on its ``<html>`` tag (once)."""
    return body.replace(b"<html>", f'<html lang="{tag}">'.encode(), 1)


class HtmlLang:
    """Wrap an ASGI app: its HTML pages say which language they are in."""

    def __init__(self, app: Callable, default: Callable[[], str]):
        self.app, self.default = app, default  # default(): the workshop's language now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if b"text/html" not in headers.get(b"accept", b""):
            await self.app(scope, receive, send)
            return
        tag = negotiate(headers.get(b"accept-language", b"").decode("latin-1"), self.default())
        plain = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body" or not start:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await _send_page(send, start, b"".join(chunks), tag)

        await self.app({**scope, "headers": plain}, receive, rewrite)


async def _send_page(send: Send, start: dict, body: bytes, tag: str) -> None:
    kind = dict(start.get("headers") or []).get(b"content-type", b"")
    if kind.startswith(b"text/html"):
        body = with_lang(body, tag)
    headers = [(k, v) for k, v in start.get("headers") or [] if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})

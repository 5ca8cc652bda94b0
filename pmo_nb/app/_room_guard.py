"""What a participant with the token may still not do: the rules the gate applies after it.

- **Headers that steer the server are dropped** (``Script-Name``, ``X-Script-Name``,
  ``X-Forwarded-*``, ``Forwarded``...): the root path and base URL are fixed when the
  server starts (``SOLARA_ROOT_PATH``, ``SOLARA_BASE_URL``), the client's address and
  scheme come from :func:`~pmo_nb.app._room_limits.client_of`.
- **Internal routes answer 404**: Solara's resource figures (``/resourcez``), its kernel
  stub (``/jupyter/api/kernels/<id>``), eviction and auth routes; a close
  (``/_solara/api/close/<kernel>``) goes through only from the browser whose page that
  kernel is (Solara's session cookie matches).
- **Only the front-end files the page uses** are served under ``/_solara/cdn/``, from the
  installed ``solara-assets``: :data:`CDN_FILES` and the fonts beside them, never any
  other file of a package, never fetched from the network.
- **The widgets' websocket only from the page's own origin** (the address the browser
  used for the page, or ``--public-url``'s).

Examples
--------
>>> internal("/resourcez"), internal("/jupyter/api/kernels/k1"), internal("/")
(True, True, False)
>>> cdn_allowed("requirejs@2.3.6/require.js"), cdn_allowed("requirejs@2.3.6/README.md")
(True, False)
>>> origin_allowed("http://10.0.0.2:8866", "10.0.0.2:8866", False, None)
True
>>> origin_allowed("http://evil.example", "10.0.0.2:8866", False, None)
False
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from ._room_limits import CLIENT_HEADER

STEERING = frozenset({b"script-name", b"x-script-name", b"x-forwarded-prefix",
                      b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host",
                      b"x-forwarded-port", b"x-forwarded-server", b"forwarded",
                      b"x-real-ip", b"x-original-url", b"x-rewrite-url", CLIENT_HEADER})
INTERNAL = ("/resourcez", "/jupyter/api/", "/_solara/api/evict/", "/_solara/auth/")
CLOSE = "/_solara/api/close/"
CDN = "/_solara/cdn/"
_APP = "@widgetti/solara-vuetify3-app@5.1.1/dist/"
# what solara.html.j2 references with ipywidgets 8 (the page's scripts, styles, fonts),
# and the chunks that its script loads when it needs them
CDN_FILES = frozenset({"requirejs@2.3.6/require.js",
                       "font-awesome@4.5.0/css/font-awesome.min.css",
                       f"{_APP}main8.css", f"{_APP}fonts.css",
                       f"{_APP}solara-vuetify-app8.min.js",
                       f"{_APP}692.solara-vuetify-app8.min.js",
                       f"{_APP}872.solara-vuetify-app8.min.js"})
CDN_FONT_DIRS = ("font-awesome@4.5.0/fonts/", _APP)  # what those styles load
FONTS = (".woff2", ".woff", ".ttf", ".eot")
SECURITY_HEADERS = [(b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", b"frame-ancestors 'none'"),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff")]


def steered_out(scope: dict, client: str) -> dict:
    """The request without the headers that would steer the server, with the gate's
    word on the client's address (for the page's join limit)."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in STEERING]
    return {**scope, "headers": [*headers, (CLIENT_HEADER, client.encode("latin-1"))]}


def internal(path: str) -> bool:
    """True for a route no participant needs (``path`` without the app's prefix)."""
    return path.startswith(INTERNAL) or path == "/resourcez/"


def cdn_allowed(path: str) -> bool:
    """True for a front-end file the page uses (``path`` below ``/_solara/cdn/``)."""
    if ".." in path.split("/") or "\\" in path:
        return False
    if path in CDN_FILES:
        return True
    return any(path.startswith(d) and "/" not in path[len(d):] and path.endswith(FONTS)
               for d in CDN_FONT_DIRS)


def cdn_file(path: str) -> Path | None:
    """The installed file for an allowed ``path``, or None."""
    from solara.server import settings

    if not cdn_allowed(path):
        return None
    root = Path(settings.assets.proxy_cache_dir).resolve()
    found = (root / path).resolve()
    return found if found.is_relative_to(root) and found.is_file() else None


def origin_allowed(origin: str, host: str, https: bool, public_url: str | None) -> bool:
    """True when a websocket's ``Origin`` is the page's own: the scheme and host the
    browser used for it (``Host``), or the origin of ``public_url``."""
    if not origin or origin == "null":
        return False
    own = {f"{'https' if https else 'http'}://{host}".lower()} if host else set()
    if public_url:
        parts = urllib.parse.urlsplit(public_url)
        own.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origin.rstrip("/").lower() in own


def closes_itself(path: str, cookies: dict[str, str]) -> bool:
    """True when ``POST /_solara/api/close/<kernel>`` comes from that kernel's own browser
    (Solara's session cookie is the one the kernel was opened with)."""
    from solara.server import kernel_context, server

    kernel_id = path[len(CLOSE):].strip("/")
    context = kernel_context.contexts.get(kernel_id)
    session = cookies.get(server.COOKIE_KEY_SESSION_ID)
    return context is not None and bool(session) and context.session_id == session

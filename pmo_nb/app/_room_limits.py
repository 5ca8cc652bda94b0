"""Who a request comes from, and how many participants one address may create.

The participants' app trusts no header by default: the client's address is the socket's
peer, and the scheme the one the server speaks. Only when the peer is the proxy named by
``--trusted-proxy`` (a hub's, or an https front) are its ``X-Forwarded-For`` (the last
address: the one the proxy saw) and ``X-Forwarded-Proto`` believed. One address may
create at most ``--joins-per-minute`` new participants (default 10) in any 60 s: a room
behind one Wi-Fi router is many phones on many addresses, a script that stuffs the
ballot box is one.

Examples
--------
>>> clock = iter([0.0, 1.0, 2.0, 61.5]).__next__
>>> limit = JoinLimiter(2, clock=clock)
>>> [limit.take("10.0.0.7") for _ in range(4)]
[True, True, False, True]
>>> client_of({"client": ("10.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"6.6.6.6")],
...            "scheme": "http"}, trusted=frozenset())
('10.0.0.1', False)
>>> client_of({"client": ("10.0.0.1", 5000), "scheme": "http", "headers": [
...     (b"x-forwarded-for", b"1.2.3.4, 10.9.8.7"), (b"x-forwarded-proto", b"https")]},
...     trusted=frozenset({"10.0.0.1"}))
('10.9.8.7', True)
"""

from __future__ import annotations

import collections
import os
import threading
import time
from collections.abc import Callable

JOINS_ENV = "PMO_NB_JOINS_PER_MINUTE"  # set by `pmo-nb serve --joins-per-minute`
DEFAULT_JOINS_PER_MINUTE = 10
WINDOW_SECONDS = 60.0
CLIENT_HEADER = b"x-pmo-nb-client"  # the gate's word on the address, to the page


def header(scope: dict, name: bytes) -> str:
    """The last value of a request header (``""`` when absent)."""
    found = [v for k, v in scope.get("headers", []) if k.lower() == name]
    return found[-1].decode("latin-1").strip() if found else ""


def client_of(scope: dict, trusted: frozenset[str]) -> tuple[str, bool]:
    """The client's address and whether it speaks https: the forwarded ones only from a
    trusted proxy."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    https = scope.get("scheme") in ("https", "wss")
    if peer not in trusted:
        return peer, https
    forwarded = header(scope, b"x-forwarded-for").split(",")[-1].strip()
    proto = header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
    return forwarded or peer, (proto == "https") if proto else https


class JoinLimiter:
    """At most ``per_minute`` new participants per address in any 60 s (0: no limit)."""

    def __init__(self, per_minute: int = DEFAULT_JOINS_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic):
        self.per_minute, self._clock = per_minute, clock
        self._seen: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()  # every phone's kernel runs in a thread of its own

    def take(self, address: str) -> bool:
        """Count one join from ``address``; False (not counted) when it is over the limit."""
        if self.per_minute <= 0:
            return True
        with self._lock:
            now = self._clock()
            times = self._seen.setdefault(address, collections.deque())
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self._seen) > 10_000:  # forget quiet addresses: memory stays bounded
                self._seen = {a: t for a, t in self._seen.items() if t}
            return True


_LIMITER: JoinLimiter | None = None


def limiter() -> JoinLimiter:
    """The process's limiter (one server, one room), from ``PMO_NB_JOINS_PER_MINUTE``."""
    global _LIMITER
    if _LIMITER is None:
        _LIMITER = JoinLimiter(int(os.environ.get(JOINS_ENV, DEFAULT_JOINS_PER_MINUTE)))
    return _LIMITER

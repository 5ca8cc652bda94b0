"""Change events: what a workshop tells its subscribers after the session changed.

Panels and other views subscribe to a :class:`~pmo_nb.Workshop` and redraw from the
:class:`Change` they receive, instead of polling the session themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)

TABLES = frozenset({"gaps", "catalog", "assignments", "settings", "votes", "progress"})


@dataclass(frozen=True)
class Change:
    """One change of the session, as subscribers are told it.

    ``action`` is the history's word (``"assign"``, ``"hand over"``, ``"undo"``, ...) or
    ``"changed elsewhere"``; ``tables`` names what moved (some of :data:`TABLES`);
    ``here`` is False for a change made by another handle or process.
    """

    action: str
    tables: frozenset[str] = TABLES
    here: bool = True


Subscriber = Callable[[Change], object]


class Subscribers:
    """The callbacks of one workshop, each under a key (the callback itself by default).

    Examples
    --------
    >>> subs, seen = Subscribers(), []
    >>> _ = subs.add(seen.append, key="panel")
    >>> _ = subs.add(lambda c: seen.append("replaced"), key="panel")
    >>> subs.notify(Change("assign", frozenset({"assignments"})))
    >>> seen
    ['replaced']
    """

    def __init__(self) -> None:
        self._by_key: dict[Hashable, Subscriber] = {}

    def add(self, callback: Subscriber, key: Hashable | None = None) -> Subscriber:
        self._by_key[callback if key is None else key] = callback
        return callback

    def remove(self, callback_or_key: Subscriber | Hashable) -> None:
        self._by_key.pop(callback_or_key, None)
        for key, callback in list(self._by_key.items()):
            if callback is callback_or_key:
                del self._by_key[key]

    def notify(self, change: Change) -> None:
        """Tell every subscriber; one that fails is logged, the others are still told."""
        for callback in list(self._by_key.values()):
            try:
                callback(change)
            except Exception:  # a view that fails must not undo a saved change
                log.exception("pmo_nb: a subscriber failed on %r", change.action)

    def __len__(self) -> int:
        return len(self._by_key)

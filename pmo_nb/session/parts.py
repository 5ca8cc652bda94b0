"""What the workshop's parts use of the Workshop they are mixed into, declared once.

:class:`~.workshop.Workshop` is its own methods plus two parts (mixins):
:class:`~._gap_edits.GapEdits` (gaps and services changed in the room) and
:class:`~._voting.VotingMixin` (the votes). A part uses of the Workshop only what
:class:`WorkshopCore` declares (type checkers read it as the parts' base; at run time the
base is ``object``), and ``tests/test_session_parts.py`` checks both sides: the Workshop
provides every name, and a part uses no other private name of the Workshop.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from ..store import Op, Store


class WorkshopCore(Protocol):
    """The Workshop's private core, as its parts may use it."""

    _store: Store  # the session's store: read rows and tables, ``who`` signs history steps

    def _frame(self, name: str) -> pd.DataFrame:
        """A cached table of this handle (``gaps``, ``catalog``, ``assignments``, ...)."""
        ...

    def _change(self, action: str, ops: list[Op]) -> None:
        """Write ``ops`` as one history step named ``action`` and tell the subscribers."""
        ...

    def _gap_row(self, gap_id: str) -> dict:
        """The saved row of a gap (an unknown id: :class:`~pmo_nb.UnknownGapError`)."""
        ...

    def _service(self, service_id: str) -> str:
        """A service id as saved (an unknown id: :class:`~pmo_nb.UnknownServiceError`)."""
        ...

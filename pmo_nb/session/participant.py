"""A participant's handle on the workshop session: join, read the open vote, vote.

Each participant holds their own handle (their own connection; on the participants'
app, their own kernel), so any number vote at once: every ballot is one transaction,
saved before the call returns. A participant cannot assign, undo or reveal anything.

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "s.sqlite"
>>> ws = pmo_nb.Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
>>> vote = ws.open_vote("services", ["G-01"])
>>> ann = pmo_nb.Participant.join(path, "Ann")
>>> ann.vote_services("G-01", ["S-TRAIN-PM"])
True
>>> ws.vote_progress().values.tolist()
[['Ann', 1, 1]]
>>> ws.reveal()
>>> ws.vote_results()[["service_id", "votes", "share"]].values.tolist()
[['S-TRAIN-PM', 1, 1.0]]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import SessionError
from ..store import is_url
from .names import clean_name
from .workshop import Workshop


class Participant:
    """One participant of the room. Use :meth:`join`."""

    def __init__(self, ws: Workshop, name: str):
        self._ws, self.name = ws, name

    @classmethod
    def join(cls, session: str | os.PathLike, name: str | None = None, *,
             device: str | None = None) -> Participant:
        """Join the session that the facilitator opened (blank name: ``anonymous-xxxx``).

        Every join is a participant of its own: a second "Ann" (or an "Аnn" typed with a
        Cyrillic А, or "Ann" with a zero-width space) joins as "Ann (2)" and never replaces
        the first one's ballots. ``device`` is a random id that the participant's
        page keeps (e.g. in a cookie): joining again with it comes back as the same
        participant, ballots included, e.g. after a phone reloaded the page.
        """
        if not is_url(str(session)) and not Path(session).exists():
            raise SessionError(f"No workshop session at '{session}': the facilitator starts "
                               "the workshop first; then join.")
        ws = Workshop.open(session, user=clean_name(name) or "participant")
        try:
            name = ws.join_participant(name, device)
        except BaseException:
            ws.close()
            raise
        return cls(ws, name)

    @classmethod
    def rejoin(cls, session: str | os.PathLike, device: str | None) -> Participant | None:
        """The participant this ``device`` joined as before (ballots included), or None
        when it never joined: a page that reloads comes back without asking a name."""
        if not device:
            return None
        ws = Workshop.open(session, user="participant")
        name = ws.participant_of(device)
        if name is None:
            ws.close()
            return None
        return cls(ws, name)

    def close(self) -> None:
        """Leave (every ballot is already saved)."""
        self._ws.close()

    def __repr__(self) -> str:
        return f"Participant('{self.name}')"

    # -- reading -------------------------------------------------------------------------
    def vote(self) -> dict | None:
        """The open vote (vote_id, kind, gap_ids, named, revealed), or ``None``."""
        return self._ws.current_vote()

    def changed(self) -> bool:
        """True when the session changed since the last call (a vote opened, revealed...)."""
        return self._ws.poll()

    def gaps(self) -> pd.DataFrame:
        """The open vote's gaps (every column of the gap), in the vote's order."""
        vote, gaps = self.vote(), self._ws.gaps
        if vote is None:
            return gaps.iloc[0:0]
        return gaps.set_index("gap_id").loc[vote["gap_ids"]].reset_index()

    def suggest(self, gap_id: str, benchmark: pd.DataFrame | None = None) -> pd.DataFrame:
        """The catalog for this gap, services addressing its aspect first; with a
        ``benchmark`` (:func:`pmo_nb.benchmark`), what peers chose."""
        return self._ws.suggest(gap_id, benchmark=benchmark)

    def ballots(self) -> dict[str, object]:
        """This participant's saved answers in the open vote: gap_id -> ids or level."""
        return self._ws.ballots_of(self.name)

    # -- voting --------------------------------------------------------------------------
    def vote_services(self, gap_id: str, service_ids: Sequence[str]) -> bool:
        """The services this participant would assign to the gap (``[]``: none fits).

        Replaces their earlier ballot for the gap; False when nothing changed.
        """
        if isinstance(service_ids, str):
            service_ids = [service_ids]
        return self._ws.cast_ballot(self.name, gap_id, "services", list(service_ids))

    def rate(self, gap_id: str, level: str) -> bool:
        """This participant's priority for the gap: ``L``, ``M`` or ``H`` (or Low/Medium/High)."""
        return self._ws.cast_ballot(self.name, gap_id, "priority", level)

    def rate_size(self, gap_id: str, size: str) -> bool:
        """On a follow-up, this participant's size for the gap now: ``L``, ``M``, ``H`` or
        ``closed`` (a size vote)."""
        return self._ws.cast_ballot(self.name, gap_id, "size", size)

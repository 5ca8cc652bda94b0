"""Who is in the room: the facilitator removes a participant (a mixin ``Workshop``
inherits).

A participant who should not be there (a second phone of one person, a join that stuffs
the ballot box) is removed with their ballots in one history step, which ``undo()``
brings back; their page's later ballots are refused. The gate in front of the
participants' app limits how many join from one address (:mod:`pmo_nb.app._room_limits`).

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "s.sqlite"
>>> ws = pmo_nb.Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
>>> _ = ws.open_vote("services", ["G-01"])
>>> ann = pmo_nb.Participant.join(path, "Ann")
>>> ann.vote_services("G-01", ["S-TRAIN-PM"])
True
>>> ws.remove_participant("Ann")
1
>>> ws.participants, ws.undo(), ws.participants
([], 'remove participant', ['Ann'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import VoteError
from ..store import Op, Store

if TYPE_CHECKING:  # what this part uses of the Workshop: declared in .parts
    from .parts import WorkshopCore as _Workshop
else:
    _Workshop = object


class RosterMixin(_Workshop):
    """The facilitator's hand on the room's list of participants."""

    def remove_participant(self, name: str) -> int:
        """Remove ``name`` and every ballot of theirs, as one undoable step.

        Returns how many ballots went with them. Their page can no longer vote (a ballot
        from it is refused); ``undo()`` brings them and their ballots back.
        """
        removed: list[int] = []

        def remove(store: Store) -> list[Op]:
            if store.row("participant", (name,)) is None:
                people = store.read("participants")["participant"].tolist()
                raise VoteError(f"No participant '{name}' in the room (participants: "
                                f"{', '.join(people[:12]) or 'none yet'}).")
            ballots = store.read("ballots")
            mine = ballots[ballots["participant"] == name]
            removed.append(len(mine))
            return [*(Op("ballot", (int(v), name, g), None)
                      for v, g in zip(mine["vote_id"], mine["gap_id"], strict=True)),
                    Op("participant", (name,), None)]
        self._change("remove participant", remove)
        return removed[-1]

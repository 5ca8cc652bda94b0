"""The Workshop's vote methods (a mixin ``Workshop`` inherits): open a vote, see who has
answered (never what) while it is hidden, reveal, read the results, adopt them.

Participants vote through their own handle on the session (:class:`pmo_nb.Participant`);
every ballot is one history step written through the store, so concurrent voters lose
nothing. Only one vote is open at a time; its results stay hidden until :meth:`reveal`.
The tallies themselves are pure functions in :mod:`pmo_nb.analysis.votes`. A participant's
handle calls the public ballot methods at the end (:meth:`VotingMixin.join_participant`,
:meth:`~VotingMixin.cast_ballot`, :meth:`~VotingMixin.ballots_of`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..analysis import votes as tally
from ..errors import (
    UnknownGapError,
    UnknownVoteGapError,
    UnknownVoteServiceError,
    UsageError,
    VoteError,
)
from ..inputs import schema
from ..store import Op, Store, now
from .names import clean_name, device_digest, free_name

if TYPE_CHECKING:  # what this part uses of the Workshop: declared in .parts
    from .parts import WorkshopCore as _Workshop
else:
    _Workshop = object

HIDDEN = "(hidden until the vote is revealed)"


class VotingMixin(_Workshop):
    """Vote methods of :class:`~pmo_nb.Workshop` (see :mod:`pmo_nb.session._voting`)."""

    # -- the facilitator's side ------------------------------------------------------------
    def open_vote(self, kind: str, gaps: Iterable[str] | None = None, *,
                  named: bool = False) -> int:
        """Open a vote on ``gaps`` (default: every gap; for services, those not handed over).

        ``kind`` is ``"services"`` (which services would close the gap), ``"priority"``
        (L/M/H) or, on a follow-up, ``"size"`` (its size now: L/M/H or closed). ``named``
        votes show who chose what once revealed; others are counted only. A revealed vote
        still open is closed in the same step; a hidden one must be revealed or closed
        first. Returns the vote's number.

        Examples
        --------
        >>> vote = ws.open_vote("priority", ["G-0", "G-1"])
        >>> ws.current_vote()["kind"], ws.current_vote()["gap_ids"]
        ('priority', ['G-0', 'G-1'])
        """
        if kind not in tally.KINDS:
            raise UsageError(f"open_vote: kind must be 'services', 'priority' or 'size' (a "
                             f"follow-up's size now); got '{kind}'.")
        if kind == "size" and self._store.meta("baseline") is None:
            raise UsageError("open_vote('size') asks the room for each gap's size now, on a "
                             "follow-up assessment (Workshop.follow_up); this one has none.")
        ids = self._vote_gaps(kind, gaps)
        ops, current = [], self.current_vote()
        if current and not current["revealed"]:
            raise VoteError(f"Vote {current['vote_id']} ({current['kind']}) is still open and "
                            "hidden: reveal() or close_vote() it before opening another.")
        if current:
            ops.append(self._vote_op(current, closed_at=now()))
        vote_id = self._next_vote_id()
        ops.append(Op("vote", (vote_id,), {"kind": kind, "gap_ids": json.dumps(ids),
                                            "named": int(bool(named)), "opened_at": now(),
                                            "revealed_at": None, "closed_at": None}))
        self._change("open vote", ops)
        return vote_id

    def reveal(self) -> None:
        """Show the open vote's results (ballots close); no error if already revealed."""
        vote = self._open_vote_or_fail("reveal")
        if not vote["revealed"]:
            self._change("reveal vote", [self._vote_op(vote, revealed_at=now())])

    def close_vote(self) -> None:
        """Close the open vote (hidden or not); its ballots and results stay in the session."""
        vote = self._open_vote_or_fail("close_vote")
        self._change("close vote", [self._vote_op(vote, closed_at=now())])

    def current_vote(self) -> dict | None:
        """The open vote: vote_id, kind, gap_ids, named, revealed; ``None`` when none is."""
        votes = self._store.read("votes", "vote_id")
        open_ = votes[votes["closed_at"].isna()]
        return _vote_dict(open_.iloc[-1]) if len(open_) else None

    def vote_progress(self) -> pd.DataFrame:
        """participant, answered, of: how many of the vote's gaps each one answered, never
        what (everyone who joined is listed, with 0 when they have not answered)."""
        vote = self._open_vote_or_fail("vote_progress")
        ballots = self._ballots(vote["vote_id"])
        return tally.progress(ballots, self.participants, len(vote["gap_ids"]))

    @property
    def participants(self) -> list[str]:
        """Everyone who joined the session to vote, in the order they joined."""
        return self._store.read("participants")["participant"].tolist()

    def vote_results(self, vote_id: int | None = None) -> pd.DataFrame:
        """The results of the open vote (or of ``vote_id``), once revealed.

        services: gap_id, service_id, votes, share (of those who answered that gap),
        answered, consensus; priority: gap_id, L, M, H, answered, consensus, agreement.
        """
        vote = self._vote(vote_id, "vote_results")
        if not vote["revealed"]:
            raise VoteError(f"Vote {vote['vote_id']} is hidden until reveal(): its results "
                            "are not shown yet (vote_progress() shows who has answered).")
        return tally.results(vote["kind"], self._ballots(vote["vote_id"]), vote["gap_ids"])

    def adopt(self, gap_id: str, min_share: float = tally.CONSENSUS_SHARE,
              contribution: str = "full") -> list[str]:
        """Apply a revealed vote to ``gap_id`` as one undoable step; returns what changed.

        A services vote assigns every service voted by at least ``min_share`` of those who
        answered (those already assigned stay as they are); a priority vote sets the gap's
        priority to the consensus level.
        """
        vote = self._vote(None, "adopt")
        results = self.vote_results()
        mine = results[results["gap_id"] == gap_id]
        if gap_id not in vote["gap_ids"]:
            raise VoteError(f"'{gap_id}' is not part of vote {vote['vote_id']} "
                            f"(its gaps: {', '.join(vote['gap_ids'][:8])}).")
        if vote["kind"] == "priority":
            return self._adopt_priority(gap_id, mine)
        if vote["kind"] == "size":  # the consensus as the room's reassessment
            level = mine["consensus"].iloc[0] if len(mine) else ""
            if not level:
                raise VoteError(f"No consensus on the size of '{gap_id}' (no votes, or a "
                                "tie): choose it with reassess(gap_id, size).")
            return [level] if self.reassess(gap_id, level) else []
        return self._adopt_services(gap_id, mine, min_share, contribution)

    def vote_tables(self) -> dict[str, pd.DataFrame]:
        """The record's vote tables: ``votes`` and, for every revealed vote, ``service
        votes`` and ``priority votes`` (counted; named only for named votes)."""
        votes = self._store.read("votes", "vote_id")
        ballots = self._store.read("ballots", "vote_id, gap_id, participant")
        order = self._frame("gaps")["gap_id"].tolist()
        answered = ballots.groupby("vote_id")["participant"].nunique()
        overview = votes.assign(gaps=votes["gap_ids"].map(lambda t: len(json.loads(t))),
                                participants=votes["vote_id"].map(answered).fillna(0)
                                .astype(int), named=votes["named"].astype(bool))
        cols = ["vote_id", "kind", "gaps", "participants", "named", "opened_at", "revealed_at",
                "closed_at"]
        return {"votes": overview[cols], **tally.record_tables(votes, ballots, order)}

    # -- the participants' side (used by pmo_nb.Participant) ----------------------------------
    def _join(self, name: str | None, device: str | None = None) -> str:
        """Register a participant; their name as shown.

        Every joiner is a participant of their own: a name already taken (any case, or a
        lookalike: :func:`~pmo_nb.session.names.skeleton`) gets the next free number,
        "Ann (2)"; a blank one (or one of invisible characters only) becomes
        ``anonymous-xxxx``. A
        ``device`` (a random id the participant's page keeps, e.g. in a cookie) that
        joined before comes back as that participant, whatever name is typed. The name is
        chosen inside the transaction that saves it, so two joiners never share one.
        """
        wanted, digest = clean_name(name), device_digest(device)
        chosen: list[str] = []

        def join(store: Store) -> list[Op]:
            people = store.read("participants")
            if digest is not None and len(mine := people[people["device"] == digest]):
                chosen.append(mine["participant"].iat[0])
                return []
            chosen.append(free_name(wanted, set(people["participant"])))
            return [Op("participant", (chosen[-1],), {"joined_at": now(), "device": digest})]
        self._change("join", join)
        return chosen[-1]

    def _participant_of(self, device: str | None) -> str | None:
        """The participant a device joined as, or None (never joined, or no device)."""
        digest = device_digest(device)
        if digest is None:
            return None
        people = self._store.read("participants")
        found = people.loc[people["device"] == digest, "participant"]
        return found.iat[0] if len(found) else None

    def _cast(self, participant: str, gap_id: str, kind: str, choice: object) -> bool:
        """Save one ballot (replacing this participant's earlier one for the gap) as one
        history step; False when it is the same as the saved one. Checks by primary key
        only (no table loads): thirty people vote at once. That the vote is still open
        is checked again inside the transaction that saves the ballot: a ballot that
        arrives after Reveal (or Close) is refused, never counted afterwards."""
        vote = self._ballot_vote(kind, gap_id)
        if kind == "services":
            choice = self._check_services(choice)
        key = (vote["vote_id"], participant, gap_id)
        text = json.dumps(choice, ensure_ascii=False)

        def ballot(store: Store) -> list[Op]:
            now_ = store.row("vote", (vote["vote_id"],))
            if now_ is None or now_["revealed_at"] or now_["closed_at"]:
                raise VoteError(f"Vote {vote['vote_id']} was revealed or closed before this "
                                "ballot arrived: it was not saved.")
            if store.row("participant", (participant,)) is None:
                raise VoteError(f"'{participant}' is no longer in the room (the facilitator "
                                "removed them): this ballot was not saved.")
            before = store.row("ballot", key)
            if before and before["choice"] == text:
                return []
            return [Op("ballot", key, {"choice": text, "at": now()})]
        return bool(self._change("ballot", ballot))

    def _ballot_vote(self, kind: str, gap_id: str) -> dict:
        vote = self.current_vote()
        if vote is None:
            raise VoteError("No vote is open: wait for the facilitator to open one.")
        if vote["revealed"]:
            raise VoteError(f"Vote {vote['vote_id']} has been revealed: its ballots are "
                            "closed.")
        if vote["kind"] != kind:
            what = {"services": "services (vote_services)", "priority": "a priority (rate)",
                    "size": "a size (rate_size)"}[vote["kind"]]
            raise VoteError(f"Vote {vote['vote_id']} asks for {what}, not a {kind} ballot.")
        if self._store.row("gap", (gap_id,)) is None:
            raise UnknownVoteGapError(gap_id, self._frame("gaps")["gap_id"])
        if gap_id not in vote["gap_ids"]:
            raise VoteError(f"'{gap_id}' is not part of vote {vote['vote_id']} "
                            f"(its gaps: {', '.join(vote['gap_ids'][:8])}).")
        return vote

    def _check_services(self, service_ids: Sequence[str]) -> list[str]:
        chosen = list(dict.fromkeys(str(s) for s in service_ids))
        for sid in chosen:
            if self._store.row("service", (sid,)) is None:
                raise UnknownVoteServiceError(sid, self._frame("catalog")["service_id"])
        return chosen

    @staticmethod
    def _check_level(level: str, kind: str = "priority") -> str:
        found = schema.level(level) if kind == "priority" else schema.size_after(level)
        if found is None:
            allowed = "L, M or H" + (" or closed" if kind == "size" else "")
            raise VoteError(f"A {kind} is {allowed} (Low, Medium, High); got '{level}'.")
        return found

    # -- helpers -----------------------------------------------------------------------------
    def _vote_gaps(self, kind: str, gaps: Iterable[str] | None) -> list[str]:
        frame = self._frame("gaps")
        if gaps is None:
            keep = frame["pmo_role"] != "none" if kind == "services" else frame["gap_id"].notna()
            return frame.loc[keep, "gap_id"].tolist()
        ids = list(dict.fromkeys([gaps] if isinstance(gaps, str) else gaps))
        for gap_id in ids:
            if gap_id not in set(frame["gap_id"]):
                raise UnknownGapError(gap_id, frame["gap_id"])
        if not ids:
            raise UsageError("open_vote: name at least one gap (or gaps=None for every gap).")
        return ids

    def _next_vote_id(self) -> int:
        """Never reuses a number, even after an undone vote left ballots behind."""
        used = [*self._store.read("votes", "vote_id")["vote_id"],
                *self._store.read("ballots", "vote_id")["vote_id"]]
        return int(max(used, default=0)) + 1

    def _vote_op(self, vote: dict, **changes: object) -> Op:
        row = self._store.row("vote", (vote["vote_id"],))
        return Op("vote", (vote["vote_id"],), {**row, **changes})

    def _open_vote_or_fail(self, what: str) -> dict:
        vote = self.current_vote()
        if vote is None:
            raise VoteError(f"{what}: no vote is open; open one with "
                            "ws.open_vote('services') or ws.open_vote('priority').")
        return vote

    def _vote(self, vote_id: int | None, what: str) -> dict:
        if vote_id is None:
            return self._open_vote_or_fail(what)
        row = self._store.row("vote", (int(vote_id),))
        if row is None:
            raise VoteError(f"{what}: there is no vote {vote_id}.")
        return _vote_dict({**row, "vote_id": int(vote_id)})

    def _ballots(self, vote_id: int) -> pd.DataFrame:
        ballots = self._store.read("ballots", "vote_id, gap_id, participant")
        return ballots[ballots["vote_id"] == vote_id].reset_index(drop=True)

    def _adopt_services(self, gap_id: str, results: pd.DataFrame, min_share: float,
                        contribution: str) -> list[str]:
        chosen = results.loc[results["share"] >= min_share, "service_id"].tolist()
        new = [s for s in chosen if self._store.row("assignment", (gap_id, s)) is None]
        if new:
            share = results.set_index("service_id")["share"]
            self._change("adopt vote", [Op("assignment", (gap_id, s), {
                "contribution": contribution, "updated_at": now(),
                "note": f"voted by {share[s]:.0%} of participants"}) for s in new])
        return new

    def _adopt_priority(self, gap_id: str, results: pd.DataFrame) -> list[str]:
        level = results["consensus"].iloc[0] if len(results) else ""
        if not level:
            raise VoteError(f"No consensus on the priority of '{gap_id}' (no votes, or a "
                            "tie): choose it with update_gap(gap_id, priority=...).")
        if self._store.row("gap", (gap_id,))["priority"] == level:
            return []
        if hasattr(self, "update_gap"):  # issue 11's update_gap: one undoable step
            self.update_gap(gap_id, priority=level)
        else:  # FALLBACK until issue 11's update_gap lands: the same Op, one step
            row = {**self._store.row("gap", (gap_id,)), "priority": level}
            self._change("update gap", [Op("gap", (gap_id,), row)])
        return [level]

    def _ballot_history(self, history: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
        """Ballot steps as anyone may read them: content hidden until revealed, the
        participant's name only for named votes (a join never names anyone)."""
        is_ballot = (raw["entity"] == "ballot").to_numpy()
        if not is_ballot.any() and not (raw["entity"] == "participant").any():
            return history
        votes = self._store.read("votes", "vote_id").set_index("vote_id")
        out = history.copy()
        out.loc[(raw["entity"] == "participant").to_numpy(), "who"] = "participant"
        for i in is_ballot.nonzero()[0]:
            vote_id, _, gap_id = json.loads(raw["key"].iat[i])
            vote = votes.loc[vote_id] if vote_id in votes.index else None
            out.at[i, "gap_id"] = gap_id
            if vote is None or not vote["named"]:
                out.at[i, "who"] = "participant"
            if vote is None or pd.isna(vote["revealed_at"]):
                out.at[i, "before"] = out.at[i, "after"] = HIDDEN
        return out

    # -- a participant's side: what pmo_nb.Participant calls -------------------------------
    def join_participant(self, name: str | None, device: str | None = None) -> str:
        """Join the room through this handle; returns the name as saved.

        A blank name becomes ``anonymous-xxxx``; a name already taken (any case) gets the
        next number, "Ann (2)"; a ``device`` that joined before comes back as that
        participant. This handle's history steps are signed with the name.
        """
        name = self._join(name, device)
        self._store.who = name  # the history says who made each step
        return name

    def participant_of(self, device: str | None) -> str | None:
        """The participant ``device`` joined as, or None; when found, this handle's
        history steps are signed with that name (a page that reloads comes back)."""
        name = self._participant_of(device)
        if name is not None:
            self._store.who = name
        return name

    def cast_ballot(self, participant: str, gap_id: str, kind: str, choice: object) -> bool:
        """Save ``participant``'s ballot for a gap of the open vote; False when unchanged.

        ``kind`` ``"services"``: ``choice`` is a list of service ids (``[]``: none fits);
        ``"priority"``: ``L``, ``M`` or ``H`` (or Low/Medium/High); ``"size"``: the same or
        ``closed``. It replaces their
        earlier ballot for the gap, as one history step.
        """
        if kind in ("priority", "size"):
            self._ballot_vote(kind, gap_id)  # the vote's state first: the clearest error
            choice = self._check_level(choice, kind)
        return self._cast(participant, gap_id, kind, choice)

    def ballots_of(self, participant: str) -> dict[str, object]:
        """``participant``'s saved answers in the open vote: gap_id -> ids or level."""
        vote = self.current_vote()
        if vote is None:
            return {}
        mine = self._ballots(vote["vote_id"])
        mine = mine[mine["participant"] == participant]
        return {g: json.loads(c) for g, c in zip(mine["gap_id"], mine["choice"], strict=True)}


def _vote_dict(row: pd.Series | dict) -> dict:
    return {"vote_id": int(row["vote_id"]), "kind": row["kind"],
            "gap_ids": json.loads(row["gap_ids"]), "named": bool(row["named"]),
            "revealed": bool(isinstance(row["revealed_at"], str) and row["revealed_at"]),
            "opened_at": row["opened_at"]}

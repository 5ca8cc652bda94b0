"""Tallies of the participants' votes: DataFrames in, new DataFrames out (pure pandas).

A ballot is one participant's answer for one gap of a vote: the services they would
assign (a services vote) or the priority they give it (``L``/``M``/``H``, a priority
vote). The workshop keeps ballots with their choice as JSON text (``ballots`` below:
``vote_id, participant, gap_id, choice, at``); these functions count them.

- :func:`progress`: who has answered how many gaps (never what).
- :func:`service_results`: votes per gap and service, and their share of the
  participants who answered that gap.
- :func:`priority_results`: the L/M/H spread per gap, its consensus and agreement.
- :func:`size_results`: a follow-up's vote on each gap's size now (closed, L, M, H).
- :func:`record_tables`: every revealed vote, as the record shows it (counted, not
  named, unless the vote was named).

Examples
--------
>>> import pandas as pd
>>> ballots = pd.DataFrame({"participant": ["Ann", "Ben", "Cy"], "gap_id": ["G-1"] * 3,
...                         "choice": ['["S-A", "S-B"]', '["S-A"]', '[]']})
>>> service_results(ballots)[["service_id", "votes", "share"]].round(2).values.tolist()
[['S-A', 2, 0.67], ['S-B', 1, 0.33]]
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

KINDS = ("services", "priority", "size")
LEVELS = ("L", "M", "H")
SIZE_LEVELS = ("closed", "L", "M", "H")  # a follow-up's size now, smallest first
CONSENSUS_SHARE = 0.5  # a service voted by at least this share of those who answered
SERVICE_COLUMNS = ["gap_id", "service_id", "votes", "share", "answered", "consensus"]
PRIORITY_COLUMNS = ["gap_id", "L", "M", "H", "answered", "consensus", "agreement"]
SIZE_COLUMNS = ["gap_id", "closed", "L", "M", "H", "answered", "consensus", "agreement"]


def choices(ballots: pd.DataFrame) -> pd.Series:
    """Each ballot's choice, decoded from its JSON text (a list of ids, or a level)."""
    return ballots["choice"].map(json.loads) if len(ballots) else pd.Series(dtype=object)


def progress(ballots: pd.DataFrame, participants: Sequence[str], n_gaps: int) -> pd.DataFrame:
    """Who has answered how many of the vote's ``n_gaps`` gaps; everyone who joined is listed.

    Examples
    --------
    >>> b = pd.DataFrame({"participant": ["Ann", "Ann", "Ben"], "gap_id": ["G-1", "G-2", "G-1"]})
    >>> progress(b, ["Ann", "Ben", "Cy"], 2).values.tolist()
    [['Ann', 2, 2], ['Ben', 1, 2], ['Cy', 0, 2]]
    """
    counts = ballots.groupby("participant")["gap_id"].nunique() if len(ballots) else {}
    names = list(dict.fromkeys([*participants, *ballots.get("participant", [])]))
    return pd.DataFrame({"participant": names,
                         "answered": [int(counts.get(n, 0)) for n in names],
                         "of": n_gaps})


def service_results(ballots: pd.DataFrame, gap_order: Sequence[str] = ()) -> pd.DataFrame:
    """Votes per gap and service; ``share`` = votes / participants who answered that gap.

    An empty ballot ("no service fits") counts as an answer. Rows: gaps in ``gap_order``
    (then any other), most voted service first; ``consensus`` when the share is at
    least :data:`CONSENSUS_SHARE`.
    """
    if ballots.empty:
        return pd.DataFrame(columns=SERVICE_COLUMNS).astype({"votes": int, "share": float})
    answered = ballots.groupby("gap_id")["participant"].nunique()
    picks = ballots.assign(service_id=choices(ballots)).explode("service_id").dropna(
        subset=["service_id"])
    out = (picks.groupby(["gap_id", "service_id"])["participant"].nunique()
           .rename("votes").reset_index())
    out["answered"] = out["gap_id"].map(answered).astype(int)
    out["share"] = out["votes"] / out["answered"]
    out["consensus"] = out["share"] >= CONSENSUS_SHARE
    return _in_gap_order(out, gap_order, ["votes", "service_id"], [False, True])[SERVICE_COLUMNS]


def priority_results(ballots: pd.DataFrame, gap_order: Sequence[str] = (),
                     levels: Sequence[str] = LEVELS) -> pd.DataFrame:
    """The L/M/H spread per gap (or of other ordered ``levels``); ``consensus`` the level
    most chose (a tie goes to the level nearest the mean; none when still tied),
    ``agreement`` the share that chose it.

    Examples
    --------
    >>> b = pd.DataFrame({"participant": list("abcd"), "gap_id": ["G-1"] * 4,
    ...                   "choice": ['"H"', '"H"', '"M"', '"H"']})
    >>> priority_results(b)[["L", "M", "H", "consensus", "agreement"]].values.tolist()
    [[0, 1, 3, 'H', 0.75]]
    """
    columns = ["gap_id", *levels, "answered", "consensus", "agreement"]
    if ballots.empty:
        return pd.DataFrame(columns=columns)
    chosen = ballots.assign(level=choices(ballots))
    spread = (pd.crosstab(chosen["gap_id"], chosen["level"])
              .reindex(columns=list(levels), fill_value=0).astype(int))
    spread.columns.name = None
    out = spread.reset_index()
    out["answered"] = spread.sum(axis=1).to_numpy()
    counts = spread[list(levels)].to_numpy()
    out["consensus"] = [_consensus(row, levels) for row in counts]
    out["agreement"] = [_agreement(row, c, levels) for row, c in
                        zip(counts, out["consensus"], strict=True)]
    return _in_gap_order(out, gap_order)[columns]


def size_results(ballots: pd.DataFrame, gap_order: Sequence[str] = ()) -> pd.DataFrame:
    """A follow-up's size vote: the closed/L/M/H spread per gap, as :func:`priority_results`.

    >>> b = pd.DataFrame({"participant": list("abc"), "gap_id": ["G-1"] * 3,
    ...                   "choice": ['"closed"', '"L"', '"closed"']})
    >>> size_results(b)[["closed", "L", "consensus"]].values.tolist()
    [[2, 1, 'closed']]
    """
    return priority_results(ballots, gap_order, SIZE_LEVELS)


def _consensus(counts: Sequence[int], levels: Sequence[str] = LEVELS) -> str:
    top = max(counts)
    tied = [i for i, c in enumerate(counts) if c == top]
    if len(tied) > 1:
        mean = sum(i * c for i, c in enumerate(counts)) / sum(counts)
        nearest = min(abs(i - mean) for i in tied)
        tied = [i for i in tied if abs(i - mean) == nearest]
    return levels[tied[0]] if len(tied) == 1 else ""


def _agreement(counts: Sequence[int], consensus: str, levels: Sequence[str] = LEVELS) -> float:
    total = sum(counts)
    top = counts[list(levels).index(consensus)] if consensus else max(counts)
    return round(float(top) / total, 4) if total else 0.0


def _in_gap_order(frame: pd.DataFrame, gap_order: Sequence[str], by: Sequence[str] = (),
                  ascending: Sequence[bool] = ()) -> pd.DataFrame:
    rank = {g: i for i, g in enumerate(gap_order)}
    keyed = frame.assign(_rank=frame["gap_id"].map(lambda g: rank.get(g, len(rank))))
    keyed = keyed.sort_values(["_rank", "gap_id", *by], ascending=[True, True, *ascending],
                              kind="stable")
    return keyed.drop(columns="_rank").reset_index(drop=True)


def results(kind: str, ballots: pd.DataFrame, gap_order: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`service_results`, :func:`priority_results` or :func:`size_results`."""
    tally = {"services": service_results, "priority": priority_results,
             "size": size_results}[kind]
    return tally(ballots, gap_order)


def voters(ballots: pd.DataFrame, kind: str) -> pd.DataFrame:
    """For a named vote: who chose what (gap_id, service_id or level, voters)."""
    picks = ballots.assign(pick=choices(ballots))
    column = "service_id" if kind == "services" else "level"
    picks = picks.explode("pick").dropna(subset=["pick"]).rename(columns={"pick": column})
    return (picks.groupby(["gap_id", column])["participant"]
            .agg(lambda names: ", ".join(sorted(names))).rename("voters").reset_index())


def record_tables(votes: pd.DataFrame, ballots: pd.DataFrame,
                  gap_order: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """Every revealed vote as the record shows it: ``service votes`` and ``priority votes``.

    Counted, not named: a ``voters`` column appears only for votes opened as named.
    Hidden (unrevealed) votes are left out.

    Examples
    --------
    >>> v = pd.DataFrame({"vote_id": [1], "kind": ["priority"], "named": [0],
    ...                   "revealed_at": ["2026-01-01T10:00:00+00:00"]})
    >>> b = pd.DataFrame({"vote_id": [1, 1], "participant": ["Ann", "Ben"],
    ...                   "gap_id": ["G-1", "G-1"], "choice": ['"H"', '"M"']})
    >>> record_tables(v, b)["priority votes"].columns.tolist()
    ['vote', 'gap_id', 'L', 'M', 'H', 'answered', 'consensus', 'agreement']
    """
    names = {"services": "service votes", "priority": "priority votes", "size": "size votes"}
    out: dict[str, list[pd.DataFrame]] = {name: [] for name in names.values()}
    for vote in votes[votes["revealed_at"].notna()].itertuples(index=False):
        mine = ballots[ballots["vote_id"] == vote.vote_id]
        table = results(vote.kind, mine, gap_order)
        if vote.named and len(mine):
            key = "service_id" if vote.kind == "services" else None
            table = _with_voters(table, voters(mine, vote.kind), key)
        out[names[vote.kind]].append(table.assign(vote=int(vote.vote_id)))
    columns = {"service votes": SERVICE_COLUMNS, "priority votes": PRIORITY_COLUMNS,
               "size votes": SIZE_COLUMNS}
    return {name: (pd.concat(frames, ignore_index=True) if frames else
                   pd.DataFrame(columns=columns[name] + ["vote"])).pipe(_vote_first)
            for name, frames in out.items() if frames or name != "size votes"}


def _with_voters(table: pd.DataFrame, named: pd.DataFrame, key: str | None) -> pd.DataFrame:
    if key:
        return table.merge(named, on=["gap_id", key], how="left")
    spread = (named.assign(voters=named["level"] + ": " + named["voters"])
              .groupby("gap_id")["voters"].agg("; ".join).reset_index())
    return table.merge(spread, on="gap_id", how="left")


def _vote_first(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["vote", *[c for c in frame.columns if c != "vote"]]]

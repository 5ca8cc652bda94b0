"""The next wave: a follow-up starts where its baseline's wave ended.

A follow-up (:meth:`~pmo_nb.Workshop.follow_up`) is created with the baseline's
assignments of the gaps still open (the services committed then) and the delivery status
of each service still carried (delivered, in progress, not started: a dropped one is not
carried, and is a new commitment when assigned again). From then on the follow-up's
assignments say what the next wave works with, and :func:`last_wave` says where each
carried service stands: the plan reads it (:mod:`pmo_nb.plan.select`: a delivered service
is already bought, at cost 0 now), and the panels mark the services that come from the
last wave.

Dropping a service (:meth:`~pmo_nb.Workshop.set_delivery`) takes its carried assignments
out in the same undoable step, so it is left out of every plan until someone assigns it
again; giving a dropped service another status puts back the carried assignments it lost.

Examples
--------
>>> committed = pd.DataFrame({"gap_id": ["G-1", "G-2"], "service_id": ["S-A", "S-A"],
...                           "contribution": ["full", "partial"]})
>>> now = pd.DataFrame({"gap_id": ["G-1", "G-2"], "service_id": ["S-A", "S-A"]})
>>> [op.after for op in delivery_ops(committed, now, "S-A", "dropped", "not started", "t")]
[None, None]
>>> [op.key for op in delivery_ops(committed, now.iloc[:1], "S-A", "delivered", "dropped",
...                                "t")]
[('G-2', 'S-A')]
"""

from __future__ import annotations

import pandas as pd

from ..store import Op

DROPPED, NOT_STARTED = "dropped", "not started"
ASSIGNMENT_COLUMNS = ["gap_id", "service_id", "contribution", "note", "updated_at"]
LAST_WAVE_COLUMNS = ["service_id", "name", "status", "gap_ids"]


def carried_rows(assignments: pd.DataFrame, deliveries: pd.DataFrame,
                 gap_ids: pd.Series) -> dict[str, pd.DataFrame]:
    """A follow-up's first rows: the baseline's ``assignments`` of the gaps still open
    (``gap_ids``) and the ``deliveries`` status of each service they carry, unless
    dropped (a dropped service assigned again at the baseline starts anew)."""
    carried = assignments.loc[assignments["gap_id"].isin(gap_ids), ASSIGNMENT_COLUMNS]
    status = deliveries.loc[deliveries["service_id"].isin(carried["service_id"])
                            & deliveries["status"].ne(DROPPED), ["service_id", "status", "at"]]
    return {"assignments": carried.reset_index(drop=True),
            "deliveries": status.reset_index(drop=True)}


def delivery_ops(committed: pd.DataFrame, assignments: pd.DataFrame, service_id: str,
                 status: str, before: str, stamp: str) -> list[Op]:
    """The assignment ops that go with a service's new ``status`` (``before``: its status
    until now): dropped takes its carried assignments out; a dropped one given another
    status gets back those it lost. Empty otherwise."""
    pairs = committed[committed["service_id"] == service_id]
    held = set(assignments.loc[assignments["service_id"] == service_id, "gap_id"])
    if status == DROPPED:
        return [Op("assignment", (g, service_id), None) for g in pairs["gap_id"] if g in held]
    if before != DROPPED:
        return []
    return [Op("assignment", (g, service_id),
               {"contribution": c, "note": "", "updated_at": stamp})
            for g, c in zip(pairs["gap_id"], pairs["contribution"], strict=True)
            if g not in held]


def last_wave(committed: pd.DataFrame, deliveries: pd.DataFrame,
              catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per service committed at the baseline: service_id, name, status (``not
    started`` until one is given) and the gaps it was committed to (``"; "``-joined).

    >>> committed = pd.DataFrame({"gap_id": ["G-1", "G-2", "G-2"],
    ...                           "service_id": ["S-A", "S-A", "S-B"]})
    >>> catalog = pd.DataFrame({"service_id": ["S-A", "S-B"], "name": ["A", "B"]})
    >>> done = pd.DataFrame({"service_id": ["S-A"], "status": ["delivered"]})
    >>> last_wave(committed, done, catalog).values.tolist()
    [['S-A', 'A', 'delivered', 'G-1; G-2'], ['S-B', 'B', 'not started', 'G-2']]
    """
    gaps = committed.groupby("service_id", sort=False)["gap_id"].agg("; ".join)
    out = pd.DataFrame({"service_id": gaps.index.astype(str), "gap_ids": gaps.to_numpy()})
    status = dict(zip(deliveries["service_id"], deliveries["status"], strict=True))
    names = dict(zip(catalog["service_id"], catalog["name"], strict=True))
    out["status"] = [status.get(s, NOT_STARTED) for s in out["service_id"]]
    out["name"] = [names.get(s, s) for s in out["service_id"]]
    return out[LAST_WAVE_COLUMNS]

"""Progress over time: a follow-up assessment against its baseline, in pure pandas.

A gap's *value* is what is left of it: ``weight[size] x weight[priority]`` (the weight the
coverage gives it), 0 once it is closed. The baseline gives each gap its size then; the
follow-up gives the size the room sees now (L, M, H or ``closed``), and a gap the room has
not reassessed is unchanged. The services committed at the baseline (its assignments) and
what became of each (delivered, in progress, not started, dropped) tell whether the change
came from the PMO: the two findings a sponsor asks about are the gaps that shrank with no
service delivered, and the services delivered whose gaps did not shrink.

Examples
--------
>>> before = pd.DataFrame({"gap_id": ["G1", "G2", "G3"], "aspect": ["Skills", "Skills", "Gov"],
...                        "priority": ["H", "M", "L"], "size": ["H", "M", "L"]})
>>> table = progress_table(before, before, pd.DataFrame({"gap_id": ["G1", "G3"],
...                        "size": ["M", "closed"]}), pd.DataFrame({"gap_id": ["G1"],
...                        "service_id": ["S1"]}), pd.DataFrame({"service_id": ["S1"],
...                        "status": ["delivered"]}))
>>> table[["gap_id", "size_before", "size_after", "value_before", "value_after", "change",
...        "delivered"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['G1', 'H', 'M', 9.0, 6.0, 'shrunk', 1], ['G2', 'M', 'M', 4.0, 4.0, 'unchanged', 0],
 ['G3', 'L', 'closed', 1.0, 0.0, 'closed', 0]]
>>> by_aspect(table)[["aspect", "value_before", "value_after"]].values.tolist()
[['Skills', 13.0, 10.0], ['Gov', 1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..i18n import N_, Translator, translator
from ..inputs.schema import CLOSED, DELIVERY
from .coverage import DEFAULT_WEIGHTS

EN = translator("en")

NEW = "new"  # size_before of a gap found in the follow-up itself
NOT_STARTED = "not started"  # a committed service without a status yet
CHANGES = ("closed", "shrunk", "unchanged", "grown", "new")
PROGRESS_COLUMNS = ["gap_id", "aspect", "priority", "size_before", "size_after", "reassessed",
                    "value_before", "value_after", "change", "services", "delivered",
                    "service_ids", "note"]


def value(size: pd.Series, priority: pd.Series,
          weights: Mapping[str, float] | None = None) -> np.ndarray:
    """``weight[size] x weight[priority]``; 0 for a closed or new-before gap.

    >>> value(pd.Series(["H", "closed"]), pd.Series(["M", "H"])).tolist()
    [6.0, 0.0]
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    s = size.map(w).fillna(0.0).to_numpy(dtype=float)
    return s * priority.map(w).fillna(0.0).to_numpy(dtype=float)


def progress_table(before: pd.DataFrame, gaps: pd.DataFrame, reassessed: pd.DataFrame,
                   committed: pd.DataFrame, deliveries: pd.DataFrame,
                   weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per gap (the baseline's, then those found since): its size and value before
    and after, whether it was reassessed, how it changed, the services committed to it at
    the baseline, how many of them were delivered, and the room's note."""
    new = gaps[~gaps["gap_id"].isin(before["gap_id"])]
    rows = pd.concat([before[["gap_id", "aspect", "priority", "size"]],
                      new[["gap_id", "aspect", "priority"]].assign(size=NEW)],
                     ignore_index=True).rename(columns={"size": "size_before"})
    now_size = dict(zip(new["gap_id"], new["size"], strict=True))
    now_size.update(zip(reassessed["gap_id"], reassessed["size"], strict=True))
    rows["reassessed"] = rows["gap_id"].isin(reassessed["gap_id"]).to_numpy()
    rows["size_after"] = [now_size.get(g, b) for g, b in zip(rows["gap_id"], rows["size_before"],
                                                              strict=True)]
    rows["value_before"] = value(rows["size_before"], rows["priority"], weights)
    rows["value_after"] = value(rows["size_after"], rows["priority"], weights)
    rows["change"] = _change(rows)
    done = set(deliveries.loc[deliveries["status"] == "delivered", "service_id"])
    per_gap: dict[str, list[str]] = {}  # one pass in Python: a groupby's string join is slow
    for gap_id, service_id in zip(committed["gap_id"], committed["service_id"], strict=True):
        per_gap.setdefault(gap_id, []).append(service_id)
    mine = [per_gap.get(g, []) for g in rows["gap_id"]]
    rows["services"] = [len(ids) for ids in mine]
    rows["delivered"] = [sum(s in done for s in ids) for ids in mine]
    rows["service_ids"] = ["; ".join(ids) for ids in mine]
    notes = reassessed["note"] if "note" in reassessed else pd.Series("", index=reassessed.index)
    said = dict(zip(reassessed["gap_id"], notes.fillna(""), strict=True))
    rows["note"] = [said.get(g, "") for g in rows["gap_id"]]
    return rows[PROGRESS_COLUMNS]


def _change(rows: pd.DataFrame) -> np.ndarray:
    before, after = rows["value_before"].to_numpy(), rows["value_after"].to_numpy()
    return np.select(
        [rows["size_before"].eq(NEW).to_numpy(), rows["size_after"].eq(CLOSED).to_numpy(),
         after < before, after > before],
        ["new", "closed", "shrunk", "grown"], default="unchanged").astype(object)


def by_aspect(table: pd.DataFrame) -> pd.DataFrame:
    """Per aspect (in the order they first appear): gaps, value before and after, the
    change, and how many gaps closed, shrank, stayed, grew or are new."""
    counts = pd.crosstab(table["aspect"], table["change"]).reindex(columns=CHANGES,
                                                                    fill_value=0)
    out = table.groupby("aspect", sort=False).agg(
        gaps=("gap_id", "size"), value_before=("value_before", "sum"),
        value_after=("value_after", "sum"))
    out["change"] = out["value_after"] - out["value_before"]
    out["change_pct"] = (100 * out["change"] / out["value_before"].where(
        out["value_before"] > 0)).round(1)
    return out.join(counts).reset_index()


def summary(table: pd.DataFrame, services: pd.DataFrame) -> dict[str, float | int]:
    """The headline numbers: value before and after (and the share closed), gaps by kind of
    change, services committed and delivered."""
    before, after = float(table["value_before"].sum()), float(table["value_after"].sum())
    counts = table["change"].value_counts()
    return {"value_before": before, "value_after": after,
            "reduced_pct": round(100 * (before - after) / before, 1) if before else 0.0,
            **{kind: int(counts.get(kind, 0)) for kind in CHANGES},
            "committed": len(services),
            **{status: int(services["status"].eq(status).sum()) for status in DELIVERY}}


def headline(numbers: Mapping[str, float | int], _: Translator = EN) -> pd.DataFrame:
    """The summary in three lines a sponsor reads first (from :func:`summary`), in ``_``'s
    language.

    >>> n = {"value_before": 88.0, "value_after": 70.0, "reduced_pct": 20.5, "closed": 2,
    ...      "shrunk": 5, "unchanged": 10, "grown": 1, "new": 0, "committed": 15,
    ...      "delivered": 8, "in progress": 2, "not started": 4, "dropped": 1}
    >>> headline(n)["result"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['88 → 70 (20.5% less)', '2 closed, 5 smaller, 10 unchanged, 1 larger',
     '8 of 15 delivered, 2 in progress, 4 not started, 1 dropped']
    >>> headline(n, translator("fr"))["result"].tolist()[0]
    '88 → 70 (20,5\\xa0% de moins)'
    """
    n = numbers
    moved = n["value_before"] - n["value_after"]
    change = _.percent(abs(n["reduced_pct"]) / 100, 1)
    numbers = dict(before=_.number(n["value_before"]), after=_.number(n["value_after"]),
                   change=change)
    value = _("{before} → {after} ({change} less)", **numbers) if moved >= 0 else \
        _("{before} → {after} ({change} more)", **numbers)
    kinds = [("closed", N_("{count} closed")), ("shrunk", N_("{count} smaller")),
             ("unchanged", N_("{count} unchanged")), ("grown", N_("{count} larger")),
             ("new", N_("{count} new"))]
    gaps = ", ".join(_(word, count=_.number(n[k])) for k, word in kinds if n[k] or k == "closed")
    states = {"in progress": N_("{count} in progress"), "not started": N_("{count} not started"),
              "dropped": N_("{count} dropped")}
    services = _("{done} of {committed} delivered", done=_.number(n["delivered"]),
                 committed=_.number(n["committed"])) + "".join(
        ", " + _(states[s], count=_.number(n[s])) for s in DELIVERY[1:] if n[s])
    return pd.DataFrame({"measure": [_("Value of the gaps left"), _("Gaps"),
                                     _("Services committed at the baseline")],
                         "result": [value, gaps, services]})


def services_table(committed: pd.DataFrame, deliveries: pd.DataFrame, catalog: pd.DataFrame,
                   table: pd.DataFrame, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each service committed at the baseline (and each in ``extra``: given a status though
    not committed): its name, status, the gaps it was committed to and how many of them
    shrank or closed."""
    reduced = set(table.loc[table["change"].isin(["closed", "shrunk"]), "gap_id"])
    per = committed.assign(reduced=committed["gap_id"].isin(reduced)).groupby(
        "service_id", sort=False).agg(gaps=("gap_id", "size"), gaps_reduced=("reduced", "sum"))
    if extra is not None and len(extra):
        per = pd.concat([per, pd.DataFrame({"gaps": 0, "gaps_reduced": 0},
                                           index=pd.Index(extra["service_id"], name="service_id"))])
    names = dict(zip(catalog["service_id"], catalog["name"], strict=True))
    status = dict(zip(deliveries["service_id"], deliveries["status"], strict=True))
    per = per.reset_index().astype({"gaps": int})
    per.insert(1, "name", [names.get(s, s) for s in per["service_id"]])
    per.insert(2, "status", [status.get(s, NOT_STARTED) for s in per["service_id"]])
    per["gaps_reduced"] = per["gaps_reduced"].astype(int)
    return per


def shrank_without_delivery(table: pd.DataFrame) -> pd.DataFrame:
    """Gaps that closed or shrank though none of their committed services was delivered:
    something else moved them (another unit, a reorganisation), or the first size was off."""
    mask = table["change"].isin(["closed", "shrunk"]) & table["delivered"].eq(0)
    return table.loc[mask, ["gap_id", "aspect", "size_before", "size_after", "services"]]


def delivered_without_effect(services: pd.DataFrame) -> pd.DataFrame:
    """Services delivered whose gaps none shrank or closed: the service may need time, or
    may not be what closes those gaps."""
    mask = services["status"].eq("delivered") & services["gaps_reduced"].eq(0)
    return services.loc[mask, ["service_id", "name", "gaps"]]


def chain(points: Sequence[Mapping]) -> pd.DataFrame:
    """The value per aspect at each assessment of a chain: ``points`` are, oldest first,
    ``{"label", "date", "values": {aspect: value}}``; one row per assessment and aspect.

    >>> chain([{"label": "Q1", "date": "2026-01-10", "values": {"Skills": 9.0}},
    ...        {"label": "Q2", "date": "2026-04-10", "values": {"Skills": 4.0}}]
    ...       ).values.tolist()
    [[1, 'Q1', '2026-01-10', 'Skills', 9.0], [2, 'Q2', '2026-04-10', 'Skills', 4.0]]
    """
    rows = [(i, p["label"], p["date"], aspect, float(v))
            for i, p in enumerate(points, start=1) for aspect, v in p["values"].items()]
    return pd.DataFrame(rows, columns=["assessment", "label", "date", "aspect", "value"])

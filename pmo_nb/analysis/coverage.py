"""Coverage of gaps by assigned services: pure pandas, DataFrames in, new DataFrames out.

Status of a gap, first match wins (:func:`gap_status`): ``handed over`` when its
pmo_role is ``none``; ``covered`` when a ``full`` service is assigned and pmo_role is
``close``; ``partial`` when only ``partial`` services are assigned, or pmo_role is
``partial`` (the PMO can only partly close it: the rest is for ``other_owner``);
``open`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..inputs.schema import LEVELS
from .relevance import OTHER, rank_services

STATUSES = ("covered", "partial", "open", "handed over")
DEFAULT_WEIGHTS = {"L": 1.0, "M": 2.0, "H": 3.0}
CONTRIBUTION_VALUE = {"full": 1.0, "partial": 0.5}
OPEN_GAP_COLUMNS = ["gap_id", "aspect", "size", "priority", "weight", "current_state",
                    "future_state"]


def gap_coverage(
    gaps: pd.DataFrame,
    catalog: pd.DataFrame,
    assignments: pd.DataFrame,
    weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per gap: weight, status, best contribution and the services assigned.

    Examples
    --------
    >>> gaps = pd.DataFrame({"gap_id": ["G1", "G2"], "aspect": ["A", "B"], "size": ["H", "L"],
    ...                      "priority": ["M", "L"], "pmo_role": ["close", "close"],
    ...                      "other_owner": ["", ""]})
    >>> cat = pd.DataFrame({"service_id": ["S1"], "name": ["Training"]})
    >>> asg = pd.DataFrame({"gap_id": ["G1"], "service_id": ["S1"], "contribution": ["full"]})
    >>> gap_coverage(gaps, cat, asg)[["gap_id", "weight", "status"]].values.tolist()
    [['G1', 6.0, 'covered'], ['G2', 1.0, 'open']]
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    level = np.array([w[lv] for lv in LEVELS])
    weight = level[_codes(gaps["size"], LEVELS)] * level[_codes(gaps["priority"], LEVELS)]
    row = pd.Index(gaps["gap_id"]).get_indexer(assignments["gap_id"])
    mine = row >= 0  # assignments of gaps that exist
    row, n = row[mine], len(gaps)
    full = assignments["contribution"].to_numpy(dtype=object)[mine] == "full"
    count = np.bincount(row, minlength=n)
    best = np.where(np.bincount(row[full], minlength=n) > 0, 1.0, np.where(count > 0, 0.5, 0.0))
    role = gaps["pmo_role"].to_numpy(dtype=object)
    order = np.argsort(row, kind="stable")  # by gap, in the order they were assigned
    ids = assignments["service_id"].to_numpy(dtype=object)[mine][order]
    at = pd.Index(catalog["service_id"]).get_indexer(ids)
    names = np.where(at >= 0, catalog["name"].to_numpy(dtype=object)[at], ids)
    ends = np.cumsum(count).tolist()
    return pd.DataFrame({
        "gap_id": gaps["gap_id"].array, "aspect": gaps["aspect"].array,
        "size": gaps["size"].array, "priority": gaps["priority"].array, "weight": weight,
        "pmo_role": gaps["pmo_role"].array, "other_owner": gaps["other_owner"].array,
        "status": pd.array(gap_status(role, best).astype(object), dtype="str"),
        "best_contribution": np.where(role == "none", 0.0, best), "n_services": count,
        "service_ids": pd.array(_joined(ids.tolist(), ends), dtype="str"),
        "services": pd.array(_joined(names.tolist(), ends), dtype="str"),
    })


def _codes(values: pd.Series, levels) -> np.ndarray:
    """Position of each value in ``levels`` (every value must be one of them)."""
    codes = pd.Index(levels).get_indexer(values)
    if (codes < 0).any():
        raise UsageError(f"'{values[codes < 0].iloc[0]}' is not one of {', '.join(levels)}; "
                         "load gaps with pmo_nb.load_gaps, which normalises sizes and "
                         "priorities.")
    return codes


def _joined(items: list[str], ends: list[int]) -> list[str]:
    """``"; "``-joined runs of ``items``, run ``i`` ending at ``ends[i]``."""
    return ["; ".join(items[a:b]) for a, b in zip([0, *ends][: len(ends)], ends, strict=True)]


def deployed_coverage(gaps: pd.DataFrame, catalog: pd.DataFrame, assignments: pd.DataFrame,
                      weights: dict[str, float] | None, service_ids: object) -> pd.DataFrame:
    """:func:`gap_coverage` with only the assignments of ``service_ids`` (a plan's services).

    Examples
    --------
    >>> gaps = pd.DataFrame({"gap_id": ["G1"], "aspect": ["A"], "size": ["H"],
    ...                      "priority": ["M"], "pmo_role": ["close"], "other_owner": [""]})
    >>> cat = pd.DataFrame({"service_id": ["S1", "S2"], "name": ["Training", "Audit"]})
    >>> asg = pd.DataFrame({"gap_id": ["G1", "G1"], "service_id": ["S1", "S2"],
    ...                     "contribution": ["full", "partial"]})
    >>> deployed_coverage(gaps, cat, asg, None, ["S2"])[["status", "services"]].values.tolist()
    [['partial', 'Audit']]
    """
    deployed = assignments[assignments["service_id"].isin(list(service_ids))]
    return gap_coverage(gaps, catalog, deployed, weights)


def gap_status(role: np.ndarray, best: np.ndarray) -> np.ndarray:
    """The status rule, first match wins, from pmo_role and the best contribution (1, 0.5, 0).

    Examples
    --------
    >>> gap_status(np.array(["none", "close", "close", "partial", "close"]),
    ...            np.array([1.0, 1.0, 0.5, 0.0, 0.0])).tolist()
    ['handed over', 'covered', 'partial', 'partial', 'open']
    """
    return np.select(
        [role == "none", (best == 1.0) & (role == "close"), (best > 0) | (role == "partial")],
        ["handed over", "covered", "partial"],
        default="open",
    )


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Priority (H, M, L) x size (L, M, H), tidy: counts per status and covered share of weight.

    ``weight`` sums the gaps the PMO acts on (not handed over); ``covered_share`` is the
    covered part of it (NaN where the cell has no such gap).
    """
    cell = _codes(coverage["priority"], LEVELS[::-1]) * 3 + _codes(coverage["size"], LEVELS)
    status = pd.Index(STATUSES).get_indexer(coverage["status"])  # -1: none of them
    key = cell * 5 + np.where(status < 0, 4, status)  # per cell: the 4 statuses, other
    count = np.bincount(key, minlength=45).reshape(9, 5)
    weight = np.bincount(key, coverage["weight"].to_numpy(dtype=float), 45).reshape(9, 5)
    acted = weight.sum(axis=1) - weight[:, 3]  # all but handed over
    share = np.where(acted > 0, acted, np.nan)
    columns = {"priority": np.repeat(LEVELS[::-1], 3), "size": np.tile(LEVELS, 3),
               "gaps": count.sum(axis=1)}
    columns.update({name.replace(" ", "_"): count[:, k] for k, name in enumerate(STATUSES)})
    columns.update(weight=acted, covered_weight=weight[:, 0], covered_share=weight[:, 0] / share,
                   partial_share=weight[:, 1] / share)
    return pd.DataFrame(columns)


def candidate_list(
    coverage: pd.DataFrame, catalog: pd.DataFrame, assignments: pd.DataFrame
) -> pd.DataFrame:
    """The PMO Planning table: one row per service and gap it addresses, heaviest gaps first.

    Gaps handed over outside the PMO are left out (see :func:`handed_over`).
    """
    gaps = coverage.loc[
        coverage["status"] != "handed over", ["gap_id", "aspect", "size", "priority", "weight"]
    ]
    services = catalog[["service_id", "name", "tier", "category", "cost"]]
    rows = (
        assignments[["gap_id", "service_id", "contribution"]]
        .merge(gaps, on="gap_id")
        .merge(services, on="service_id")
    )
    rank = rows["priority"].map({lv: i for i, lv in enumerate(LEVELS)})
    rows = rows.assign(_rank=rank).sort_values(
        ["weight", "_rank", "gap_id", "name"], ascending=[False, False, True, True], kind="stable"
    )
    out = rows.rename(
        columns={"name": "Product / Service", "size": "Gap Size", "aspect": "Addresses Aspect"}
    )
    return out[
        [
            "Product / Service",
            "Gap Size",
            "Addresses Aspect",
            "gap_id",
            "service_id",
            "priority",
            "weight",
            "contribution",
            "tier",
            "category",
            "cost",
        ]
    ].reset_index(drop=True)


def handed_over(gaps: pd.DataFrame) -> pd.DataFrame:
    """Gaps others must act on: wholly (pmo_role ``none``) or the rest (``partial``)."""
    rows = gaps[gaps["pmo_role"].isin(["none", "partial"])]
    return pd.DataFrame(
        {
            "gap_id": rows["gap_id"],
            "aspect": rows["aspect"],
            "size": rows["size"],
            "priority": rows["priority"],
            "owner": rows["other_owner"],
            "note": rows["handover_note"] if "handover_note" in rows else "",
            "handover": rows["pmo_role"].map({"none": "whole", "partial": "rest"}),
            "current_state": rows["current_state"],
            "future_state": rows["future_state"],
        }
    ).reset_index(drop=True)


def suggest(gap: str | Mapping[str, object], catalog: pd.DataFrame,
            assigned: pd.DataFrame, ranked: pd.DataFrame | None = None) -> pd.DataFrame:
    """The catalog by relevance to ``gap`` (a gap's row, or just its aspect).

    Services made for the gap's aspect (their first aspect) first, then those that also
    list it, then the rest; within each, the closest in words (the gap's states and
    description against the service's name and description), basic before advanced.
    ``assigned`` holds the gap's assignments (service_id, contribution). The result
    gains ``suggested`` (bool: the aspect is listed), ``reason`` (``"made for X"``,
    ``"also covers X"`` or ``""``), ``relevance`` (0, 1, 2), ``similarity`` (0..1) and
    ``assigned`` (``"full"``, ``"partial"`` or ``""``). ``ranked``: the catalog already
    ranked for this gap (:func:`pmo_nb.analysis.relevance.rank_services`), e.g. kept from before.

    Examples
    --------
    >>> cat = pd.DataFrame({"service_id": ["S1", "S2", "S3"], "name": ["Training", "Audit",
    ...                     "Lifecycle"], "tier": ["basic"] * 3, "aspects": ["Skills",
    ...                     "Governance;Methodology", "Methodology"], "description": [""] * 3})
    >>> none = pd.DataFrame({"service_id": [], "contribution": []})
    >>> suggest("Methodology", cat, none)[["service_id", "reason"]].values.tolist()
    [['S3', 'made for Methodology'], ['S2', 'also covers Methodology'], ['S1', '']]
    """
    out = ranked if ranked is not None else rank_services(
        {"aspect": gap} if isinstance(gap, str) else gap, catalog)
    current = dict(zip(assigned["service_id"], assigned["contribution"], strict=True))
    return out.assign(suggested=out["relevance"] < OTHER,
                      assigned=[current.get(s, "") for s in out["service_id"]])


def gap_register(gaps: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Every gap with its states, description, status and services: the record's main table."""
    per_gap = coverage[["gap_id", "weight", "status", "services"]]
    cols = [
        "gap_id",
        "aspect",
        "size",
        "priority",
        "current_state",
        "future_state",
        "description",
        "other_owner",
    ]
    return gaps[cols].merge(per_gap, on="gap_id", how="left")


def open_gaps(register: pd.DataFrame) -> pd.DataFrame:
    """What is still uncovered: the open gaps of a :func:`gap_register`, heaviest first,
    with today and target."""
    rows = register[register["status"] == "open"]
    rank = rows["priority"].map({lv: i for i, lv in enumerate(LEVELS[::-1])})
    rows = rows.assign(_rank=rank).sort_values(["weight", "_rank", "gap_id"],
                                               ascending=[False, True, True], kind="stable")
    return rows[OPEN_GAP_COLUMNS].reset_index(drop=True)


def candidate_services(catalog: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """The catalog rows assigned to at least one gap: what a budget can choose from.

    Examples
    --------
    >>> cat = pd.DataFrame({"service_id": ["S1", "S2"], "cost": [10.0, 20.0]})
    >>> asg = pd.DataFrame({"gap_id": ["G1"], "service_id": ["S2"]})
    >>> candidate_services(cat, asg)["service_id"].tolist()
    ['S2']
    """
    return catalog[catalog["service_id"].isin(assignments["service_id"])]

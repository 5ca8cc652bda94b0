"""Coverage of gaps by assigned services: pure pandas, DataFrames in, new DataFrames out.

Status of a gap, first match wins: ``handed over`` when its pmo_role is ``none``;
``covered`` when a ``full`` service is assigned and pmo_role is ``close``;
``partial`` when any service is assigned (only partial ones, or the PMO can only
partly close it: the rest is for ``other_owner``); ``open`` otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import LEVELS

STATUSES = ("covered", "partial", "open", "handed over")
DEFAULT_WEIGHTS = {"L": 1.0, "M": 2.0, "H": 3.0}
CONTRIBUTION_VALUE = {"full": 1.0, "partial": 0.5}


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
    out = gaps[["gap_id", "aspect", "size", "priority", "pmo_role", "other_owner"]].copy()
    out.insert(4, "weight", out["size"].map(w).astype(float) * out["priority"].map(w))
    per_gap = _per_gap(catalog, assignments).reindex(out["gap_id"])
    n = per_gap["n_services"].fillna(0).astype(int).to_numpy()
    best = per_gap["best"].fillna(0.0).to_numpy()
    role = out["pmo_role"].to_numpy()
    out["status"] = np.select(
        [role == "none", (best == 1.0) & (role == "close"), n > 0],
        ["handed over", "covered", "partial"],
        default="open",
    )
    out["best_contribution"] = np.where(role == "none", 0.0, best)
    out["n_services"] = n
    out["service_ids"] = per_gap["service_ids"].fillna("").to_numpy()
    out["services"] = per_gap["services"].fillna("").to_numpy()
    return out.reset_index(drop=True)


def _per_gap(catalog: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    names = dict(zip(catalog["service_id"], catalog["name"], strict=True))
    a = pd.DataFrame(
        {
            "gap_id": assignments["gap_id"],
            "service_id": assignments["service_id"],
            "name": assignments["service_id"].map(names).fillna(assignments["service_id"]),
            "value": assignments["contribution"].map(CONTRIBUTION_VALUE),
        }
    )
    grouped = a.groupby("gap_id", sort=False)
    return pd.DataFrame(
        {
            "n_services": grouped.size(),
            "best": grouped["value"].max(),
            "service_ids": grouped["service_id"].agg("; ".join),
            "services": grouped["name"].agg("; ".join),
        }
    )


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Priority (H, M, L) x size (L, M, H), tidy: counts per status and covered share of weight.

    ``weight`` sums the gaps the PMO acts on (not handed over); ``covered_share`` is the
    covered part of it (NaN where the cell has no such gap).
    """
    acts = coverage["status"] != "handed over"
    frame = coverage.assign(
        act_weight=coverage["weight"].where(acts, 0.0),
        covered_weight=coverage["weight"].where(coverage["status"] == "covered", 0.0),
        partial_weight=coverage["weight"].where(coverage["status"] == "partial", 0.0),
    )
    for status in STATUSES:
        frame[status.replace(" ", "_")] = (coverage["status"] == status).astype(int)
    cells = pd.MultiIndex.from_product([LEVELS[::-1], LEVELS], names=["priority", "size"])
    sums = frame.groupby(["priority", "size"]).agg(
        gaps=("gap_id", "size"),
        covered=("covered", "sum"),
        partial=("partial", "sum"),
        open=("open", "sum"),
        handed_over=("handed_over", "sum"),
        weight=("act_weight", "sum"),
        covered_weight=("covered_weight", "sum"),
        partial_weight=("partial_weight", "sum"),
    )
    out = sums.reindex(cells, fill_value=0).reset_index()
    share = out["weight"].where(out["weight"] > 0)
    out["covered_share"] = out["covered_weight"] / share
    out["partial_share"] = out["partial_weight"] / share
    counts = ["gaps", "covered", "partial", "open", "handed_over"]
    out[counts] = out[counts].astype(int)
    return out.drop(columns="partial_weight")


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


def suggest(aspect: str, catalog: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """The catalog with services addressing ``aspect`` first, then the rest by category and name.

    ``assigned`` holds the gap's assignments (service_id, contribution); the result gains
    ``suggested`` (bool) and ``assigned`` (``"full"``, ``"partial"`` or ``""``).
    """
    wanted = aspect.strip().casefold()
    hits = catalog["aspects"].map(
        lambda text: wanted in {a.strip().casefold() for a in str(text).split(";")}
    )
    current = dict(zip(assigned["service_id"], assigned["contribution"], strict=True))
    out = catalog.assign(
        suggested=hits.astype(bool), assigned=[current.get(s, "") for s in catalog["service_id"]]
    )
    out = out.sort_values(
        ["suggested", "category", "name"], ascending=[False, True, True], kind="stable"
    )
    return out.reset_index(drop=True)


def gap_register(gaps: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Every gap with its states, description, status and services: the record's main table."""
    cov = coverage[["gap_id", "weight", "status", "services"]]
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
    return gaps[cols].merge(cov, on="gap_id", how="left")

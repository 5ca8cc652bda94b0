"""Coverage, the priority x size matrix, the candidate list: pure functions and via a session."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_nb.analysis import coverage as cov

GAPS = pd.DataFrame({
    "gap_id": ["G1", "G2", "G3", "G4", "G5", "G6"],
    "aspect": ["Skills", "Skills", "Comms", "Vendors", "Tools", "Tools"],
    "size": ["H", "M", "L", "M", "H", "L"],
    "priority": ["H", "H", "L", "M", "M", "M"],
    "pmo_role": ["close", "close", "close", "none", "partial", "partial"],
    "other_owner": ["", "", "", "Finance", "IT", "IT"],
    "current_state": ["c"] * 6, "future_state": ["f"] * 6, "description": [""] * 6,
    "handover_note": ["", "", "", "late pay", "", ""],
})
CATALOG = pd.DataFrame({
    "service_id": ["S1", "S2", "S3"], "name": ["Training", "Mentoring", "Tool"],
    "tier": ["basic", "advanced", "basic"], "category": ["Comp", "Comp", "Tools"],
    "cost": [10.0, 20.0, 30.0], "aspects": ["Skills", "skills ; Comms", "Tools"],
})
ASSIGNMENTS = pd.DataFrame({
    "gap_id": ["G1", "G1", "G2", "G4", "G5"], "service_id": ["S1", "S2", "S2", "S1", "S3"],
    "contribution": ["partial", "full", "partial", "full", "full"],
})


@pytest.fixture
def coverage() -> pd.DataFrame:
    return cov.gap_coverage(GAPS, CATALOG, ASSIGNMENTS)


def test_status_rules_first_match_wins(coverage):
    got = dict(zip(coverage["gap_id"], coverage["status"], strict=True))
    assert got == {"G1": "covered", "G2": "partial", "G3": "open", "G4": "handed over",
                   "G5": "partial", "G6": "partial"}  # G6: the PMO can only partly close it


def test_weights_best_contribution_and_services(coverage):
    row = coverage.set_index("gap_id").loc["G1"]
    assert (row["weight"], row["best_contribution"], row["n_services"]) == (9.0, 1.0, 2)
    assert (row["service_ids"], row["services"]) == ("S1; S2", "Training; Mentoring")
    assert coverage.set_index("gap_id").at["G4", "best_contribution"] == 0.0  # handed over
    heavy = cov.gap_coverage(GAPS, CATALOG, ASSIGNMENTS, {"H": 10})
    assert heavy.set_index("gap_id").at["G1", "weight"] == 100.0


def test_inputs_are_not_mutated(coverage):
    before = GAPS.copy(), ASSIGNMENTS.copy()
    cov.gap_coverage(GAPS, CATALOG, ASSIGNMENTS)
    cov.candidate_list(coverage, CATALOG, ASSIGNMENTS)
    assert GAPS.equals(before[0]) and ASSIGNMENTS.equals(before[1])


def test_matrix_is_priority_by_size_with_shares(coverage):
    m = cov.coverage_matrix(coverage)
    assert list(zip(m["priority"], m["size"], strict=True)) == [
        (p, s) for p in "HML" for s in "LMH"]
    cell = m.set_index(["priority", "size"])
    assert cell.loc[("H", "H"), ["gaps", "covered", "covered_share"]].tolist() == [1, 1, 1.0]
    assert cell.loc[("H", "M"), ["gaps", "partial", "partial_share"]].tolist() == [1, 1, 1.0]
    handed = cell.loc[("M", "M")]
    assert (handed["gaps"], handed["handed_over"], handed["weight"]) == (1, 1, 0.0)
    assert pd.isna(handed["covered_share"])  # nothing the PMO acts on in that cell
    assert m["gaps"].sum() == len(GAPS)
    assert (m[["covered", "partial", "open", "handed_over"]].sum(axis=1) == m["gaps"]).all()


def test_candidate_list_shape_and_order(coverage):
    cand = cov.candidate_list(coverage, CATALOG, ASSIGNMENTS)
    assert list(cand.columns[:3]) == ["Product / Service", "Gap Size", "Addresses Aspect"]
    assert list(zip(cand["gap_id"], cand["Product / Service"], strict=True)) == [
        ("G1", "Mentoring"), ("G1", "Training"), ("G2", "Mentoring"), ("G5", "Tool")]
    assert "G4" not in set(cand["gap_id"])  # handed over: listed separately


def test_handed_over_lists_whole_and_rest():
    out = cov.handed_over(GAPS)
    assert out[["gap_id", "owner", "handover", "note"]].values.tolist() == [
        ["G4", "Finance", "whole", "late pay"], ["G5", "IT", "rest", ""], ["G6", "IT", "rest", ""]]


def test_suggest_puts_the_aspect_first_case_insensitive():
    out = cov.suggest("SKILLS", CATALOG, ASSIGNMENTS[ASSIGNMENTS["gap_id"] == "G1"])
    assert list(out["service_id"]) == ["S1", "S2", "S3"]  # made for Skills, basic first
    assert list(out["suggested"]) == [True, True, False]
    assert list(out["reason"]) == ["made for SKILLS", "made for SKILLS", ""]
    assert list(out["assigned"]) == ["partial", "full", ""]


def test_empty_session_tables():
    empty = ASSIGNMENTS.iloc[0:0]
    c = cov.gap_coverage(GAPS, CATALOG, empty)
    assert set(c["status"]) == {"open", "partial", "handed over"}  # partial: by pmo_role
    assert cov.candidate_list(c, CATALOG, empty).empty
    assert cov.coverage_matrix(c)["covered"].sum() == 0


def test_sample_workshop_record(sample_ws):
    c = sample_ws.coverage()
    counts = c["status"].value_counts().to_dict()
    assert counts["handed over"] == 1 and counts["covered"] >= 3 and counts["open"] >= 3
    register = sample_ws.gap_register()
    assert len(register) == len(c) and register["current_state"].str.len().min() > 10
    assert set(sample_ws.tables()) == {"gap register", "candidate list", "coverage",
                                       "coverage matrix", "handed over", "gaps", "catalog",
                                       "assignments", "history", "votes", "service votes",
                                       "priority votes"}


def test_matrix_of_no_gaps_is_nine_empty_cells():
    empty = cov.gap_coverage(GAPS.iloc[0:0], CATALOG, ASSIGNMENTS.iloc[0:0])
    m = cov.coverage_matrix(empty)
    assert len(m) == 9 and m["gaps"].sum() == 0 and m["covered_share"].isna().all()


# --- against a plain, slow reference ---------------------------------------------------

def reference_coverage(gaps, catalog, assignments, weights=None):
    """gap_coverage written the obvious way: one gap at a time."""
    w = {"L": 1.0, "M": 2.0, "H": 3.0, **(weights or {})}
    names = dict(zip(catalog["service_id"], catalog["name"], strict=True))
    rows = []
    for gap in gaps.itertuples(index=False):
        mine = assignments[assignments["gap_id"] == gap.gap_id]
        best = max((1.0 if c == "full" else 0.5 for c in mine["contribution"]), default=0.0)
        role, ids = gap.pmo_role, list(mine["service_id"])
        status = ("handed over" if role == "none" else
                  "covered" if best == 1.0 and role == "close" else
                  "partial" if best > 0 or role == "partial" else "open")
        rows.append([gap.gap_id, gap.aspect, gap.size, gap.priority,
                     w[gap.size] * w[gap.priority], role, gap.other_owner, status,
                     0.0 if role == "none" else best, len(ids), "; ".join(ids),
                     "; ".join(names.get(i, i) for i in ids)])
    return pd.DataFrame(rows, columns=[
        "gap_id", "aspect", "size", "priority", "weight", "pmo_role", "other_owner", "status",
        "best_contribution", "n_services", "service_ids", "services"])


def reference_matrix(coverage):
    """coverage_matrix with a boolean mask per cell."""
    rows = []
    for p in "HML":
        for s in "LMH":
            cell = coverage[(coverage["priority"] == p) & (coverage["size"] == s)]
            acted = cell.loc[cell["status"] != "handed over", "weight"].sum()
            part = {k: cell.loc[cell["status"] == k, "weight"].sum() for k in cov.STATUSES}
            rows.append([p, s, len(cell)] + [int((cell["status"] == k).sum())
                                             for k in cov.STATUSES]
                        + [acted, part["covered"], part["covered"] / acted if acted else np.nan,
                           part["partial"] / acted if acted else np.nan])
    return pd.DataFrame(rows, columns=[
        "priority", "size", "gaps", "covered", "partial", "open", "handed_over", "weight",
        "covered_weight", "covered_share", "partial_share"])


@st.composite
def workshops(draw):
    n_g, n_s = draw(st.integers(0, 10)), draw(st.integers(1, 5))
    level = st.sampled_from("LMH")
    gaps = pd.DataFrame({
        "gap_id": [f"G{i}" for i in range(n_g)], "aspect": ["A"] * n_g,
        "size": draw(st.lists(level, min_size=n_g, max_size=n_g)),
        "priority": draw(st.lists(level, min_size=n_g, max_size=n_g)),
        "pmo_role": draw(st.lists(st.sampled_from(["close", "close", "partial", "none"]),
                                  min_size=n_g, max_size=n_g)),
        "other_owner": [""] * n_g})
    catalog = pd.DataFrame({"service_id": [f"S{i}" for i in range(n_s)],
                            "name": [f"Service {i}" for i in range(n_s)]})
    pairs = [(f"G{g}", f"S{s}") for g in range(n_g + 1) for s in range(n_s + 1)]  # + unknowns
    picked = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    assignments = pd.DataFrame({
        "gap_id": [g for g, _ in picked], "service_id": [s for _, s in picked],
        "contribution": draw(st.lists(st.sampled_from(["full", "partial"]),
                                      min_size=len(picked), max_size=len(picked)))})
    weights = draw(st.none() | st.fixed_dictionaries({"H": st.sampled_from([3.0, 5.0, 0.5])}))
    return gaps, catalog, assignments, weights


@settings(max_examples=examples(300), deadline=None)
@given(workshops())
def test_coverage_and_matrix_match_the_plain_reference(case):
    gaps, catalog, assignments, weights = case
    got = cov.gap_coverage(gaps, catalog, assignments, weights)
    pd.testing.assert_frame_equal(got, reference_coverage(gaps, catalog, assignments, weights),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(cov.coverage_matrix(got), reference_matrix(got),
                                  check_dtype=False)
    assert got["n_services"].dtype == np.int64 and got["weight"].dtype == np.float64

"""plan.plan_coverage: the workshop's coverage with only a plan's services deployed."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_nb import plan as pl
from pmo_nb.analysis.coverage import coverage_matrix


def test_same_columns_and_gaps_as_the_workshop_coverage(sample_ws):
    cov = sample_ws.coverage()
    plan = pl.select_services(sample_ws, 370)
    out = pl.plan_coverage(sample_ws, plan)
    assert out.columns.tolist() == cov.columns.tolist()
    assert out["gap_id"].tolist() == cov["gap_id"].tolist()
    pd.testing.assert_frame_equal(sample_ws.coverage(), cov)  # the workshop is untouched


def test_every_candidate_affordable_gives_the_workshop_statuses(sample_ws):
    plan = pl.select_services(sample_ws, 10_000)
    out = pl.plan_coverage(sample_ws, plan)
    assert out["status"].tolist() == sample_ws.coverage()["status"].tolist()
    assert out["best_contribution"].tolist() == sample_ws.coverage()["best_contribution"].tolist()


def test_nothing_bought_leaves_every_gap_open_but_the_handed_over(sample_ws):
    out = pl.plan_coverage(sample_ws, pl.select_services(sample_ws, 0))
    handed = sample_ws.coverage()["status"] == "handed over"
    part_role = out["pmo_role"] == "partial"  # partial by role, whatever is bought
    assert set(out.loc[handed, "status"]) == {"handed over"}
    assert set(out.loc[part_role, "status"]) == {"partial"}
    assert set(out.loc[~handed & ~part_role, "status"]) == {"open"}
    assert (out["n_services"] == 0).all() and (out["services"] == "").all()


def test_statuses_follow_the_plan_services(sample_ws):
    plan = pl.select_services(sample_ws, 150)
    out = pl.plan_coverage(sample_ws, plan).set_index("gap_id")
    gaps = plan.gaps.set_index("gap_id")
    chosen = set(plan.services["service_id"])
    names = dict(zip(sample_ws.catalog["service_id"], sample_ws.catalog["name"], strict=True))
    for gap_id, row in out.iterrows():
        ids = [s for s in row["service_ids"].split("; ") if s]
        assert set(ids) <= chosen
        assert row["services"] == "; ".join(names[s] for s in ids)
        assert row["best_contribution"] == gaps.loc[gap_id, "best_contribution"]
        if row["status"] == "covered":
            assert row["best_contribution"] == 1.0 and row["pmo_role"] == "close"
        elif row["status"] == "partial":
            assert row["best_contribution"] > 0 or row["pmo_role"] == "partial"
        elif row["status"] == "open":
            assert row["best_contribution"] == 0 and not ids


def test_partial_role_gap_with_a_full_service_stays_partial(sample_ws):
    # G-03: the PMO can only partly close it (pmo_role partial), its full service chosen.
    plan = pl.select_services(sample_ws, 10_000, must=["S-TRAIN-CAREER"])
    out = pl.plan_coverage(sample_ws, plan)
    row = out.set_index("gap_id").loc["G-03"]
    assert (row["pmo_role"], row["best_contribution"], row["status"]) == ("partial", 1.0,
                                                                           "partial")


@pytest.mark.parametrize("budget", [0, 100, 250, 500])
def test_matrix_covered_weight_is_the_plans_full_value(sample_ws, budget):
    plan = pl.select_services(sample_ws, budget)
    cov = pl.plan_coverage(sample_ws, plan)
    full = plan.gaps.loc[plan.gaps["best_contribution"] == 1.0].merge(
        cov[["gap_id", "pmo_role"]], on="gap_id")
    expected = full.loc[full["pmo_role"] == "close", "weight"].sum()
    assert coverage_matrix(cov)["covered_weight"].sum() == pytest.approx(expected)


def test_budget_curve_refuses_a_single_string():
    with pytest.raises(ValueError, match=r"budgets must be a list of numbers >= 0; got '100'\."):
        pl.budget_curve(object(), "100")

"""The next wave, on both stores: a follow-up carries its baseline's assignments with their
delivery status; in its plans, budget curve and roadmap a delivered service is already
bought (cost 0) and a dropped one is left out until it is assigned again; a chain of two
follow-ups keeps both; the panels say which services come from the last wave."""

from __future__ import annotations

import pytest

import pmo_nb
from pmo_nb import plan as pl

pytestmark = pytest.mark.stores("sqlite", "postgresql")

TRAIN, CERT, TOOL = "S-TRAIN-PM", "S-TRAIN-CERT", "S-TOOL-PPM"  # the sample's, G-01 and G-10


@pytest.fixture
def follow(sample_ws, new_session) -> pmo_nb.Workshop:
    with pmo_nb.Workshop.follow_up(sample_ws.path, new_session("q2")) as ws2:
        yield ws2


def pairs(ws: pmo_nb.Workshop, service_id: str) -> list[str]:
    asg = ws.assignments
    return sorted(asg.loc[asg["service_id"] == service_id, "gap_id"])


def test_the_next_wave_starts_with_the_baselines_assignments_and_their_status(follow,
                                                                              sample_ws):
    assert len(follow.assignments) == len(sample_ws.assignments) == 18
    wave = follow.last_wave.set_index("service_id")
    assert set(wave.index) == set(sample_ws.assignments["service_id"])
    assert (wave["status"] == "not started").all()
    assert wave.at["S-REP-STATUS", "gap_ids"] == "G-04; G-12"
    assert sample_ws.last_wave.empty  # a first assessment has no last wave


def test_a_delivered_service_is_bought_at_cost_0_in_every_plan_curve_and_roadmap(follow):
    catalog_cost = follow.catalog.set_index("service_id").at[TRAIN, "cost"]
    assert catalog_cost > 0
    follow.set_delivery(TRAIN, "delivered")
    for budget in (0, 50, 300):
        plan = pl.select_services(follow, budget)
        chosen = plan.services.set_index("service_id")
        assert chosen.at[TRAIN, "cost"] == 0 and chosen.at[TRAIN, "must"]
        assert chosen.at[TRAIN, "last_wave"] == "delivered"
        assert plan.cost == chosen["cost"].sum() <= budget
    assert pl.select_services(follow, 0).covered_weight > 0  # G-01 covered for nothing now
    curve = pl.budget_curve(follow)
    assert curve.at[0, "budget"] == 0 and curve.at[0, "covered_weight"] > 0
    assert curve["services"].str.split("; ").map(lambda ids: TRAIN in ids).all()
    road = pl.roadmap(follow, pl.select_services(follow, 100), 40).set_index("service_id")
    assert road.at[TRAIN, "wave"] == 1 and road.at[TRAIN, "cost"] == 0
    assert road.at[TRAIN, "end_month"] == road.at[TRAIN, "start_month"] == 0
    assert "delivered in the last wave" in road.at[TRAIN, "note"]
    assert pl.plan_table(pl.select_services(follow, 0))["Service"].tolist() == [
        "Project manager training (last wave: delivered, cost 0 now)"]
    assert pl.select_services(follow, 50, exclude=[TRAIN]).services["service_id"].ne(
        TRAIN).all()  # still excluded when asked


def test_a_dropped_service_is_left_out_until_it_is_assigned_again(follow):
    assert pairs(follow, TOOL) == ["G-10"]
    follow.set_delivery(TOOL, "dropped")
    assert pairs(follow, TOOL) == []  # its carried assignment went with it, one step
    everything = pl.select_services(follow, 10_000)
    assert TOOL not in everything.services["service_id"].tolist()
    assert not pl.budget_curve(follow)["services"].str.contains(TOOL).any()
    follow.assign("G-05", TOOL)  # the room takes it up again (G-05 has no other service)
    plan = pl.select_services(follow, 10_000).services.set_index("service_id")
    assert plan.at[TOOL, "cost"] == follow.catalog.set_index("service_id").at[TOOL, "cost"]
    assert not plan.at[TOOL, "must"]
    assert follow.undo() == "assign" and follow.undo() == "set delivery"
    assert pairs(follow, TOOL) == ["G-10"]  # undone: status and assignment together
    follow.set_delivery(TOOL, "dropped")
    follow.set_delivery(TOOL, "in progress")  # not dropped after all: its gaps come back
    assert pairs(follow, TOOL) == ["G-10"]
    follow.unassign("G-10", TOOL)  # the room's own choice, while not dropped: it stays
    follow.set_delivery(TOOL, "delivered")
    assert pairs(follow, TOOL) == []


def test_imported_deliveries_drop_and_deliver_like_set_delivery(follow, tmp_path):
    path = tmp_path / "deliveries.csv"
    path.write_text(f"service_id,status\n{TOOL},dropped\n{TRAIN},delivered\n")
    assert follow.import_deliveries(path) == 2
    assert pairs(follow, TOOL) == []
    assert pl.select_services(follow, 0).services["service_id"].tolist() == [TRAIN]


def test_a_chain_of_two_follow_ups_carries_the_wave_on(follow, new_session):
    follow.set_delivery(TRAIN, "delivered")
    follow.set_delivery(CERT, "in progress")
    follow.set_delivery(TOOL, "dropped")
    follow.assign("G-05", "S-METH-LIFECYCLE")  # a new commitment in the second wave
    follow.reassess("G-03", "closed")  # closed: its services are not carried
    with pmo_nb.Workshop.follow_up(follow.path, new_session("q3")) as third:
        assert third.baseline.assessment == 2
        wave = third.last_wave.set_index("service_id")["status"].to_dict()
        assert wave[TRAIN] == "delivered" and wave[CERT] == "in progress"
        assert wave["S-METH-LIFECYCLE"] == "not started" and TOOL not in wave
        assert "S-TRAIN-CAREER" not in wave  # G-03's, closed in the second wave
        kept = follow.assignments[follow.assignments["gap_id"] != "G-03"]
        assert sorted(zip(third.assignments["gap_id"], third.assignments["service_id"])) == \
            sorted(zip(kept["gap_id"], kept["service_id"]))
        chosen = pl.select_services(third, 0).services.set_index("service_id")
        assert chosen.at[TRAIN, "cost"] == 0  # still bought two waves on
        assert third.progress_services().set_index("service_id").at[TRAIN, "status"] == \
            "delivered"
        third.set_delivery(TRAIN, "dropped")  # the chain goes on working
        assert pairs(third, TRAIN) == []


@pytest.mark.stores("sqlite")
def test_a_chains_deliveries_file_is_read_though_statuses_were_carried(follow, tmp_path):
    follow.set_delivery(TRAIN, "delivered")
    path = tmp_path / "deliveries.csv"
    path.write_text(f"service_id,status\n{CERT},delivered\n")
    with pmo_nb.open_follow_up(tmp_path / "q3.sqlite", follow.path, None, path) as third:
        wave = third.last_wave.set_index("service_id")["status"]
        assert wave[TRAIN] == "delivered" and wave[CERT] == "delivered"
        third.set_delivery(CERT, "in progress")  # the room's own change
    with pmo_nb.open_follow_up(tmp_path / "q3.sqlite", follow.path, None, path) as again:
        assert again.last_wave.set_index("service_id").at[CERT, "status"] == "in progress"


@pytest.mark.stores("sqlite")
def test_the_panels_say_which_services_come_from_the_last_wave(follow):
    follow.set_delivery(TRAIN, "delivered")
    follow.set_delivery(TOOL, "dropped")
    budget = pmo_nb.ui.BudgetPanel(follow, budget=100, background=False)
    assert ("From the last wave: 1 delivered (cost 0 now), 0 in progress, 13 not started, "
            "1 dropped (left out until assigned again).") in budget.last_wave.value
    assert "Project manager training (last wave: delivered, cost 0 now)" in budget.table.value
    follow.set_delivery(CERT, "delivered")  # the panel re-plans: now bought too
    assert "2 delivered (cost 0 now)" in budget.last_wave.value
    assert budget.plan.services.set_index("service_id").at[CERT, "cost"] == 0
    panel = pmo_nb.ui.WorkshopPanel(follow, focus=False)
    panel.gap_select.value = "G-01"
    assert "from the last wave: delivered" in panel.services.rows[TRAIN].info.value
    assert "from the last wave: delivered" in panel.services.rows[CERT].info.value
    panel.gap_select.value = "G-02"
    assert "from the last wave: not started" in panel.services.rows["S-TRAIN-MENTOR"].info.value
    assert "last wave" not in panel.services.rows["S-METH-LIFECYCLE"].info.value


@pytest.mark.stores("sqlite")
def test_a_first_assessments_panels_say_nothing_of_a_last_wave(sample_ws):
    assert pmo_nb.ui.BudgetPanel(sample_ws, budget=100, background=False).last_wave.value == ""
    panel = pmo_nb.ui.WorkshopPanel(sample_ws, focus=False)
    panel.gap_select.value = "G-01"
    assert "last wave" not in panel.services.rows[TRAIN].info.value

"""The budget panel as a PMO lead uses it: move the budget, pin or rule out services."""

from __future__ import annotations

import pytest

from pmo_nb import plan as pl
from pmo_nb.analysis.coverage import coverage_matrix
from pmo_nb.ui import BudgetPanel

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def panel(sample_ws):
    return BudgetPanel(sample_ws, budget=370, wave_budget=120)


def chosen(panel: BudgetPanel) -> list[str]:
    return panel.plan.services["service_id"].tolist()


def test_opens_on_the_best_plan_within_the_budget(panel, sample_ws):
    best = pl.select_services(sample_ws, 370)
    assert chosen(panel) == best.services["service_id"].tolist() and panel.plan.optimal
    assert "Covers <b>60%</b> of the weighted gap value for <b>290</b> of <b>370 k$</b>" \
        in panel.summary.value
    assert "Proven optimal" in panel.summary.value
    assert panel.budget.continuous_update is False
    assert panel.budget.max >= 930 and panel.budget.step == 10  # every candidate affordable


def test_slider_replans_and_the_views_follow(panel):
    before_summary, before_table = panel.summary.value, panel.table.value
    panel.budget.value = 150
    assert panel.plan.cost <= 150 and panel.plan.budget == 150
    assert panel.summary.value != before_summary and "of <b>150 k$</b>" in panel.summary.value
    assert panel.table.value != before_table
    for name in panel.plan.services["name"]:
        assert name in panel.table.value
    assert panel.curve_view.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert panel.figures["curve"].layout.shapes[0].x0 == 150  # the budget marked
    marked = panel.figures["curve"].layout.annotations[0].text  # the headline's share
    assert marked.endswith(f"→ {panel.plan.covered_share * 100:.0f}% covered")
    assert panel.roadmap["service_id"].tolist() != [] and \
        set(panel.roadmap["service_id"]) == set(chosen(panel))


def test_every_budget_stays_within_budget_and_never_loses_to_greedy(panel):
    for budget in (0, 40, 90, 200, 310, 600, 930):
        panel.budget.value = budget
        assert panel.plan.cost <= budget
        assert panel.plan.covered_weight >= panel.greedy.covered_weight
    assert "Covers <b>0%</b>" not in panel.summary.value


def test_must_have_is_bought_and_marked(panel):
    assert "S-TOOL-PPM" not in chosen(panel)
    panel.must.value = ("S-TOOL-PPM",)
    assert "S-TOOL-PPM" in chosen(panel) and panel.plan.cost <= 370
    assert "(must-have)" in panel.table.value


def test_excluded_service_is_left_out(panel):
    dropped = chosen(panel)[0]
    panel.exclude.value = (dropped,)
    assert dropped not in chosen(panel) and panel.plan.cost <= 370


def test_must_haves_over_budget_show_in_the_panel_not_a_traceback(panel):
    panel.budget.value = 100
    panel.must.value = ("S-TOOL-PPM", "S-TRAIN-CAREER")
    assert panel.plan is None
    assert "No plan for this budget" in panel.summary.value
    assert "must-haves cost" in panel.summary.value and "raise the budget" in panel.summary.value
    assert panel.heatmap.grid is None and panel.heatmap.widget.value == ""
    assert panel.roadmap_view.outputs == ()
    panel.budget.value = 900  # raising the budget brings the plan back
    assert {"S-TOOL-PPM", "S-TRAIN-CAREER"} <= set(chosen(panel))
    assert "No plan" not in panel.summary.value


def test_service_both_required_and_excluded_is_explained(panel):
    panel.must.value = ("S-TRAIN-PM",)
    panel.exclude.value = ("S-TRAIN-PM",)
    assert panel.plan is None
    assert "cannot be both required and excluded" in panel.summary.value
    assert "Traceback" not in panel.summary.value + panel.status.value


def test_heatmap_shows_the_coverage_of_the_plan(panel, sample_ws):
    for budget in (370, 120):
        panel.budget.value = budget
        matrix = coverage_matrix(pl.plan_coverage(sample_ws, panel.plan))
        share = {(r.priority, r.size): r.covered_share for r in matrix.itertuples()}
        names = {"H": "High", "M": "Medium", "L": "Low"}
        for (priority, size), want in share.items():
            got = panel.heatmap.value_at(names[priority], names[size])
            assert got == pytest.approx(None if want != want else want)
        assert panel.heatmap.widget.value.count("<td") == 9


def test_wave_budget_regroups_the_roadmap(panel):
    panel.wave_budget.value = 60
    small = panel.roadmap.groupby("wave")["cost"].agg(["sum", "size"])
    assert ((small["sum"] <= 60) | (small["size"] == 1)).all()
    panel.wave_budget.value = 900
    assert set(panel.roadmap["wave"]) == {1}


def test_hostile_text_is_escaped(sample_ws):
    sample_ws.add_service("S-EVIL", HOSTILE, HOSTILE, "basic", "Methodology", "x", 1)
    sample_ws.assign("G-05", "S-EVIL", "full")
    panel = BudgetPanel(sample_ws, budget=500)
    assert "S-EVIL" in chosen(panel)
    assert HOSTILE not in panel.table.value and "&lt;img src=x" in panel.table.value
    assert HOSTILE not in panel.summary.value


def test_picks_up_changes_made_elsewhere_in_the_session(panel, sample_ws):
    assert "S-GOV-AUDIT" not in {v for _, v in panel.must.options}
    sample_ws.assign("G-05", "S-GOV-AUDIT", "full")
    panel.budget.value = 900
    assert "S-GOV-AUDIT" in {v for _, v in panel.must.options}
    assert "S-GOV-AUDIT" in chosen(panel)


def test_shows_plain_text_where_widgets_do_not_render(panel):
    assert "Budget panel on 'sample.sqlite'" in panel._repr_mimebundle_()["text/plain"]


def test_summary_and_table_for_the_record(sample_ws):
    from pmo_nb.ui import plan_summary, plan_table
    plan = pl.select_services(sample_ws, 370)
    text = plan_summary(plan, pl.greedy_services(sample_ws, 370))
    assert text.startswith("Covers 60% of the weighted gap value for 290 of 370 k$ (8 services).")
    assert "Proven optimal" in text
    table = plan_table(plan)
    assert table.columns.tolist() == ["Service", "Category", "Tier", "Cost", "Gaps it serves",
                                      "Value"]
    assert table["Cost"].sum() == plan.cost


def test_a_session_with_nothing_assigned_yet_still_shows_the_panel(ws):
    panel = BudgetPanel(ws)  # no candidate: every slider still has room (max >= min)
    assert panel.budget.max >= panel.wave_budget.min > 0
    assert panel.plan is not None and panel.plan.services.empty


def test_curve_axis_fits_the_candidates_and_roadmap_months_are_readable(panel, sample_ws):
    from pmo_nb.analysis.coverage import candidate_services
    total = candidate_services(sample_ws.catalog, sample_ws.assignments)["cost"].sum()
    low, high = panel.figures["curve"].layout.xaxis.range
    assert low == 0 and total <= high <= 1.1 * max(total, panel.budget.max)
    assert panel.budget.max < total + panel.budget.step  # the slider ends at every candidate
    end = panel.roadmap["end_month"].max()
    assert panel.figures["roadmap"].layout.xaxis.dtick == (1 if end <= 8 else 3)


def test_must_and_exclude_given_to_the_panel_are_ticked_and_used(sample_ws):
    panel = BudgetPanel(sample_ws, budget=370, must=["S-TOOL-PPM"], exclude=["S-TRAIN-PM"])
    assert panel.must.value == ("S-TOOL-PPM",) and panel.exclude.value == ("S-TRAIN-PM",)
    assert "S-TOOL-PPM" in chosen(panel) and "S-TRAIN-PM" not in chosen(panel)
    best = pl.select_services(sample_ws, 370, must=["S-TOOL-PPM"], exclude=["S-TRAIN-PM"])
    assert chosen(panel) == best.services["service_id"].tolist()
    assert panel.curve["services"].str.contains("S-TOOL-PPM").all()  # the curve at once
    assert not panel.curve["services"].str.contains("S-TRAIN-PM").any()


def test_a_must_have_from_the_catalog_assigned_to_no_gap_is_offered(sample_ws):
    assert "S-GOV-AUDIT" not in set(sample_ws.assignments["service_id"])
    panel = BudgetPanel(sample_ws, budget=370, must=["S-GOV-AUDIT"])
    assert "S-GOV-AUDIT" in {v for _, v in panel.must.options} and "S-GOV-AUDIT" in chosen(panel)


def test_an_unknown_must_have_names_the_id_and_the_closest(sample_ws):
    from pmo_nb.errors import UnknownServiceError
    with pytest.raises(UnknownServiceError, match=r"Unknown service id 'S-TOOL-PP'\. "
                                                  r"Closest: S-TOOL-PPM"):
        BudgetPanel(sample_ws, budget=370, must=["S-TOOL-PP"])
    with pytest.raises(UnknownServiceError, match="Unknown service id 'nope'"):
        BudgetPanel(sample_ws, budget=370, exclude=["nope"])


@pytest.fixture
def held_curve(monkeypatch):
    """The budget curve held on its worker until released; records the stop callbacks."""
    import threading
    release, started, stops = threading.Event(), threading.Event(), []
    real = pl.budget_curve

    def held(ws, *args, stop=None, **kwargs):
        if threading.current_thread() is threading.main_thread():  # the panel's first
            return real(ws, *args, stop=stop, **kwargs)  # curve comes with the panel
        stops.append(stop)
        started.set()
        release.wait(30)
        return real(ws, *args, stop=stop, **kwargs)

    monkeypatch.setattr(pl, "budget_curve", held)
    return release, started, stops


def test_a_must_have_answers_at_once_and_the_curve_follows_off_the_callback(sample_ws,
                                                                           held_curve):
    release, started, stops = held_curve
    panel = BudgetPanel(sample_ws, budget=370, wave_budget=120)
    before = panel.curve
    panel.must.value = ("S-TOOL-PPM",)  # returns while the curve is still held
    assert started.wait(10)
    assert "S-TOOL-PPM" in chosen(panel) and "of <b>370 k$</b>" in panel.summary.value
    assert "Updating the budget curve" in panel.curve_state.value
    assert "pmo-stale" in panel.curve_view._dom_classes and panel.curve is before
    panel.budget.value = 500  # another change is handled meanwhile
    assert panel.plan.budget == 500 and "S-TOOL-PPM" in chosen(panel)
    panel.exclude.value = ("S-TRAIN-PM",)  # a newer choice: the held curve is stale
    assert stops[0]() and not stops[-1]()
    release.set()
    panel.wait(30)
    assert panel.curve_state.value == "" and "pmo-stale" not in panel.curve_view._dom_classes
    assert panel.curve["services"].str.contains("S-TOOL-PPM").all()
    assert not panel.curve["services"].str.contains("S-TRAIN-PM").any()
    assert panel.figures["curve"].layout.shapes[0].x0 == 500  # drawn at the budget of now
    assert "Traceback" not in panel.status.value


def test_going_back_to_the_drawn_choices_cancels_the_curve_on_its_way(sample_ws, held_curve):
    release, started, stops = held_curve
    panel = BudgetPanel(sample_ws, budget=370)
    before = panel.curve
    panel.must.value = ("S-TOOL-PPM",)
    assert started.wait(10)
    panel.must.value = ()  # untick: the curve drawn before holds again
    assert stops[0]() and panel.curve_state.value == ""
    release.set()
    panel.wait(30)
    assert panel.curve is before and not panel.curve["services"].str.contains("S-TOOL-PPM").all()


def test_a_slider_value_with_float_noise_is_read_on_the_slider_grid(panel):
    panel.budget.value = 1200 - 830.0000000000001  # 369.9999999999999, as a browser may send
    assert panel.plan.budget == 370 and panel.plan.optimal and "of <b>370 k$</b>" in \
        panel.summary.value

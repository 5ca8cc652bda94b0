"""The coverage explorer, used as an analyst would: set filter values, choose a figure and a
table, and check what is shown. No browser: ipywidgets run in plain Python."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_ASSIGNMENTS, SAMPLE_GAPS
from pmo_nb.ui import CoverageExplorer, CoverageView

HOSTILE = "<img src=x onerror=alert(1)>"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


@pytest.fixture
def explorer(sample_ws: pmo_nb.Workshop) -> CoverageExplorer:
    return CoverageExplorer(sample_ws)


def shown(explorer: CoverageExplorer) -> dict:
    """What the figure area holds: its one output's data."""
    (output,) = explorer.chart.outputs
    return output["data"]


def catalog_of(ws: pmo_nb.Workshop, service_ids: pd.Series) -> pd.DataFrame:
    return ws.catalog.set_index("service_id").loc[list(service_ids)]


# -- unfiltered ---------------------------------------------------------------------------
def test_unfiltered_explorer_shows_the_whole_session(sample_ws, explorer) -> None:
    assert len(explorer.view.coverage()) == len(sample_ws.gaps) == 18
    assert "<b>18 of 18</b> gaps shown" in explorer.summary.value
    pd.testing.assert_frame_equal(explorer.view.coverage(), sample_ws.coverage())
    pd.testing.assert_frame_equal(explorer.view.coverage_matrix(), sample_ws.coverage_matrix())
    pd.testing.assert_frame_equal(explorer.view.candidate_list(), sample_ws.candidate_list())
    assert PLOTLY_MIME in shown(explorer)
    assert explorer.figure.layout.title.text.startswith("Coverage by gap size and priority")
    assert "Coverage explorer" in explorer._repr_mimebundle_()["text/plain"]


def test_every_figure_and_table_can_be_chosen(explorer) -> None:
    for key, (label, _) in pmo_nb.ui.explorer.FIGURES.items():
        explorer.figure_choice.value = key
        assert shown(explorer)["text/plain"] == label
        assert shown(explorer)[PLOTLY_MIME]["data"]  # a drawn figure, not an empty output
    for key in pmo_nb.ui.explorer.TABLES:
        explorer.table_choice.value = key
        assert '<table class="pmo-table">' in explorer.table.value
    assert "Filters only change" in explorer.status.value  # no error on the way


def test_open_gaps_are_the_open_ones_heaviest_first(sample_ws) -> None:
    table = CoverageView(sample_ws).open_gaps()
    cov = sample_ws.coverage()
    assert set(table["gap_id"]) == set(cov.loc[cov["status"] == "open", "gap_id"])
    assert table["weight"].is_monotonic_decreasing
    assert list(table.columns) == ["gap_id", "aspect", "size", "priority", "weight",
                                   "current_state", "future_state"]
    assert table["current_state"].str.len().min() > 0


# -- filters --------------------------------------------------------------------------------
def test_status_open_keeps_only_open_gaps_in_tables_and_figures(sample_ws, explorer) -> None:
    explorer.gap_status.value = "open"
    assert set(explorer.view.coverage()["status"]) == {"open"}
    n_open = int((sample_ws.coverage()["status"] == "open").sum())
    assert explorer.table_frame["gap_id"].tolist() == CoverageView(sample_ws).open_gaps()[
        "gap_id"].tolist()
    assert f"<b>{n_open} of 18</b>" in explorer.summary.value
    explorer.table_choice.value = "register"
    assert set(explorer.table_frame["status"]) == {"open"}
    explorer.figure_choice.value = "open"
    z = explorer.figure.data[0].z
    assert sum(v or 0 for row in z for v in row) == n_open
    explorer.figure_choice.value = "trace"  # open gaps have no services: said, not drawn
    assert "No services assigned yet." in explorer.figure.layout.annotations[0].text
    explorer.gap_status.value = "partial"
    n_partial = int((sample_ws.coverage()["status"] == "partial").sum())
    assert len(explorer.figure.layout.yaxis.ticktext) == n_partial


def test_tier_advanced_keeps_only_advanced_candidates(sample_ws, explorer) -> None:
    explorer.table_choice.value = "candidates"
    everything = explorer.table_frame
    explorer.tier.value = "advanced"
    rows = explorer.table_frame
    assert 0 < len(rows) < len(everything)
    assert set(rows["tier"]) == {"advanced"}
    assert set(catalog_of(sample_ws, explorer.view.assignments["service_id"])["tier"]) \
        == {"advanced"}
    basic = everything.loc[everything["tier"] == "basic", "Product / Service"]
    assert not any(f"<td>{name}</td>" in explorer.table.value for name in basic)
    assert "Statuses count only the assignments of <b>advanced</b>" in explorer.summary.value


def test_service_filter_counts_what_those_services_achieve_alone(sample_ws, explorer) -> None:
    # G-05's only full service is basic: with advanced services alone it is not covered
    sample_ws.assign("G-05", "S-METH-LIFECYCLE")
    explorer.refresh_button.click()
    assert explorer.view.coverage().set_index("gap_id").at["G-05", "status"] == "covered"
    explorer.tier.value = "advanced"
    assert explorer.view.coverage().set_index("gap_id").at["G-05", "status"] == "open"
    explorer.tier.value = "basic"
    assert explorer.view.coverage().set_index("gap_id").at["G-05", "status"] == "covered"


def test_aspect_filter_heatmap_counts_match_the_gaps_of_that_aspect(sample_ws, explorer) -> None:
    aspect = "Project manager skills"
    gaps = sample_ws.coverage().query("aspect == @aspect")
    explorer.aspect.value = aspect
    matrix = explorer.view.coverage_matrix()
    assert matrix["gaps"].sum() == len(gaps) == 3
    for status in ("covered", "partial", "open", "handed over"):
        assert matrix[status.replace(" ", "_")].sum() == (gaps["status"] == status).sum()
    explorer.figure_choice.value = "aspects"
    fig = explorer.figure
    assert list(fig.layout.yaxis.ticktext) == [aspect]
    asg = sample_ws.assignments.merge(sample_ws.catalog[["service_id", "category"]])
    asg = asg[asg["gap_id"].isin(gaps.loc[gaps["status"] != "handed over", "gap_id"])]
    expected = asg.groupby("category")["gap_id"].nunique()
    categories = list(dict.fromkeys(sample_ws.catalog["category"]))
    assert list(fig.data[0].z[0]) == [int(expected.get(c, 0)) for c in categories]


def test_category_filter_narrows_traceability_and_load(sample_ws, explorer) -> None:
    category = "Competency development"
    explorer.category.value = category
    services = explorer.view.assignments["service_id"]
    assert set(catalog_of(sample_ws, services)["category"]) == {category}
    everything = sample_ws.assignments["service_id"]
    assert 0 < services.nunique() < everything.nunique()
    explorer.figure_choice.value = "trace"
    assert len(explorer.figure.layout.xaxis.ticktext) == services.nunique()
    explorer.figure_choice.value = "load"
    assert len(explorer.figure.layout.yaxis.ticktext) == services.nunique()


def test_clear_filters_shows_everything_again(explorer) -> None:
    explorer.tier.value, explorer.aspect.value = "basic", "Methodology"
    explorer.gap_status.value = "covered"
    explorer.reset_button.click()
    assert (explorer.tier.value, explorer.category.value, explorer.aspect.value,
            explorer.gap_status.value) == ("", "", "", "")
    assert len(explorer.view.coverage()) == 18


def test_filters_never_change_the_session(sample_ws, explorer) -> None:
    before = len(sample_ws.history)
    explorer.tier.value, explorer.gap_status.value = "advanced", "open"
    explorer.reset_button.click()
    assert len(sample_ws.history) == before


# -- empty results, changes, hostile text -----------------------------------------------
def test_no_matching_gap_shows_a_message_not_a_crash(explorer) -> None:
    explorer.aspect.value = "Vendor and contract management"
    explorer.gap_status.value = "covered"
    message = ("No gap matches these filters (aspect Vendor and contract management, "
               "status covered). Choose another value or press Clear filters.")
    assert shown(explorer)["text/plain"] == message
    assert explorer.figure is None
    for key in pmo_nb.ui.explorer.FIGURES:
        explorer.figure_choice.value = key
        assert shown(explorer)["text/plain"] == message
    for key in pmo_nb.ui.explorer.TABLES:
        explorer.table_choice.value = key
        assert message in explorer.table.value
    assert "<b>0 of 18</b> gaps shown." in explorer.summary.value
    assert "pmo-error" not in explorer.status.value


def test_empty_view_coverage_matrix_has_nine_empty_cells(sample_ws) -> None:
    matrix = CoverageView(sample_ws, aspect="no such aspect").coverage_matrix()
    assert len(matrix) == 9 and matrix["gaps"].sum() == 0
    assert matrix["covered_share"].isna().all()


def test_refresh_picks_up_new_services_and_assignments(sample_ws, explorer) -> None:
    sample_ws.add_service("S-NEW", "Benefits tracking", "Benefits management", "advanced",
                          "Portfolio management", "Tracks benefits after closure.", 10)
    sample_ws.assign("G-08", "S-NEW")
    explorer.refresh_button.click()
    assert ("Benefits management", "Benefits management") in explorer.category.options
    explorer.category.value = "Benefits management"
    assert explorer.view.assignments["service_id"].tolist() == ["S-NEW"]


def test_a_chosen_value_that_disappears_falls_back_to_all(sample_ws, explorer) -> None:
    sample_ws.add_service("S-NEW", "Benefits tracking", "Benefits management", "advanced",
                          "Portfolio management", "Tracks benefits after closure.", 10)
    explorer.refresh_button.click()
    explorer.category.value = "Benefits management"
    sample_ws.undo()
    explorer.refresh_button.click()
    assert explorer.category.value == ""
    assert len(explorer.view.catalog) == len(sample_ws.catalog)


@pytest.fixture
def hostile_ws(tmp_path: Path) -> pmo_nb.Workshop:
    gaps = pd.read_csv(SAMPLE_GAPS, dtype=str, keep_default_na=False)
    gaps.loc[gaps["gap_id"] == "G-07", ["aspect", "current_state"]] = [HOSTILE, HOSTILE]
    with pmo_nb.Workshop.open(tmp_path / "h.sqlite", gaps=gaps, catalog=CATALOG,
                              assignments=SAMPLE_ASSIGNMENTS) as session:
        session.add_service("S-EVIL", HOSTILE, HOSTILE, "basic", HOSTILE, "x", 1)
        session.assign("G-07", "S-EVIL", "partial")
        yield session


def test_hostile_text_is_escaped_everywhere(hostile_ws) -> None:
    explorer = CoverageExplorer(hostile_ws)
    assert (HOSTILE, HOSTILE) in explorer.aspect.options  # a dropdown shows plain text
    explorer.aspect.value = HOSTILE
    explorer.category.value = HOSTILE
    html_parts = []
    for key in pmo_nb.ui.explorer.TABLES:
        explorer.table_choice.value = key
        html_parts.append(explorer.table.value)
    explorer.figure_choice.value = "trace"
    assert explorer.figure.layout.yaxis.ticktext[0].endswith("&lt;img src=x onerror=alert(1)&gt;")
    explorer.gap_status.value = "covered"  # nothing left: the message names the filters
    html_parts += [explorer.summary.value, explorer.table.value,
                   shown(explorer)["text/html"]]
    joined = "".join(html_parts)
    assert "<img" not in joined
    assert "&lt;img src=x onerror=alert(1)&gt;" in joined

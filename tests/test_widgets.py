"""The workshop panels, used as a facilitator would: set values, click buttons, look at the
session. No browser: ipywidgets run in plain Python."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from conftest import SAMPLE
from pmo_nb.ui import CatalogBrowser, WorkshopPanel

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def ws(tmp_path: Path) -> pmo_nb.Workshop:
    """A fresh session from the sample gaps and the catalog (nothing assigned yet)."""
    with pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=SAMPLE / "sample_gaps.csv",
                              catalog=SAMPLE / "catalog.csv") as session:
        yield session


@pytest.fixture
def panel(ws: pmo_nb.Workshop) -> WorkshopPanel:
    return WorkshopPanel(ws)


def pairs(ws: pmo_nb.Workshop) -> list[tuple[str, str, str, str]]:
    return [tuple(r) for r in ws.assignments[["gap_id", "service_id", "contribution", "note"]]
            .itertuples(index=False)]


def status_of(ws: pmo_nb.Workshop, gap_id: str) -> str:
    return ws.coverage().set_index("gap_id").at[gap_id, "status"]


def option_ids(panel: WorkshopPanel) -> list[str]:
    return [gap_id for _, gap_id in panel.gap_select.options]


# -- navigation and filters ---------------------------------------------------------------
def test_navigation_moves_through_the_gaps_and_shows_each_card(panel: WorkshopPanel) -> None:
    assert panel.gap_select.value == "G-01"
    assert "G-01 · Project manager skills" in panel.card.value
    panel.next_button.click()
    assert panel.gap_select.value == "G-02"
    assert "G-02 · Project manager skills" in panel.card.value
    panel.prev_button.click()
    panel.prev_button.click()  # wraps round to the last gap
    assert panel.gap_select.value == "G-18"
    panel.gap_select.value = "G-04"
    assert "G-04 · Project communication" in panel.card.value
    assert "Sponsors usually learn of slips" in panel.card.value  # today -> target shown


def test_dropdown_entries_carry_each_gaps_status(panel: WorkshopPanel) -> None:
    labels = dict((g, label) for label, g in panel.gap_select.options)
    assert labels["G-01"] == "○ G-01 · Project manager skills — open"
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    labels = dict((g, label) for label, g in panel.gap_select.options)
    assert labels["G-01"] == "✓ G-01 · Project manager skills — covered"


def test_filter_open_only_aspect_and_priority(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.show.value = "open"
    assert all(status_of(ws, g) == "open" for g in option_ids(panel))
    panel.services.rows["S-TRAIN-PM"].assigned.value = True  # G-01 now covered...
    assert panel.gap_select.value == "G-01"  # ...and stays in hand until the user moves on
    panel.next_button.click()
    assert "G-01" not in option_ids(panel)
    panel.show.value = "all"
    panel.aspect.value = "Project communication"
    assert set(option_ids(panel)) == set(ws.gaps.query("aspect == 'Project communication'")
                                         ["gap_id"])
    panel.aspect.value = ""
    panel.priority.value = "L"
    low = set(ws.gaps.query("priority == 'L'")["gap_id"])
    assert set(option_ids(panel)) == low and panel.gap_select.value in low


def test_a_filter_that_matches_nothing_says_so(panel: WorkshopPanel) -> None:
    panel.aspect.value = "Project communication"
    panel.priority.value = "L"
    if option_ids(panel):
        pytest.skip("sample data has a low-priority communication gap")
    assert "No gap matches the filter" in panel.card.value
    assert panel.services.box.children == ()


def test_progress_counts_addressed_gaps(panel: WorkshopPanel) -> None:
    start = int(panel.progress.value.split("<b>")[1].split(" of ")[0])
    assert "of 18</b> gaps addressed" in panel.progress.value
    panel.gap_select.value = "G-01"
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    assert f"<b>{start + 1} of 18</b> gaps addressed" in panel.progress.value
    assert panel.progress_bar.value == start + 1 and panel.progress_bar.max == 18


# -- services -----------------------------------------------------------------------------
def test_services_in_relevance_order_under_headings_that_say_why(panel: WorkshopPanel,
                                                                  ws: pmo_nb.Workshop) -> None:
    panel.gap_select.value = "G-08"  # Methodology
    children = panel.services.box.children
    headings = [c.value for c in children if "pmo-service-row" not in c._dom_classes]
    assert [re.sub("<[^>]+>", "", t) for t in headings] == [
        "Made for Methodology", "Also covers Methodology", "Other services, closest first"]
    rows = [c for c in children if "pmo-service-row" in c._dom_classes]
    by_box = {r.box: sid for sid, r in panel.services.rows.items()}
    assert [by_box[b] for b in rows] == ws.suggest("G-08")["service_id"].tolist()
    assert by_box[rows[0]] == "S-METH-LIFECYCLE"


def test_tick_assigns_and_untick_unassigns(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    row = panel.services.rows["S-METH-TEMPLATES"]
    row.assigned.value = True
    assert pairs(ws) == [("G-01", "S-METH-TEMPLATES", "full", "")]
    assert "saved ✓" in row.status.value
    assert row.detail_shown  # full/partial and note now show
    row.assigned.value = False
    assert pairs(ws) == []
    assert not row.detail_shown


def test_full_partial_and_note_are_saved(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    row = panel.services.rows["S-TRAIN-PM"]
    row.assigned.value = True
    assert status_of(ws, "G-01") == "covered"
    row.contribution.value = "partial"
    assert pairs(ws) == [("G-01", "S-TRAIN-PM", "partial", "")]
    assert status_of(ws, "G-01") == "partial"
    row.note.value = "Start with tier-1 PMs"
    assert pairs(ws) == [("G-01", "S-TRAIN-PM", "partial", "Start with tier-1 PMs")]
    panel.next_button.click()
    panel.prev_button.click()  # back on G-01: the row shows what is saved
    assert (row.assigned.value, row.contribution.value, row.note.value) == (
        True, "partial", "Start with tier-1 PMs")


def test_costs_are_hidden_until_asked_for(panel: WorkshopPanel) -> None:
    info = panel.services.rows["S-METH-TEMPLATES"].info
    assert "cost" not in info.value
    panel.show_costs.value = True
    assert "cost 15" in info.value
    panel.show_costs.value = False
    assert "cost" not in info.value


# -- outside the PMO ----------------------------------------------------------------------
def test_hand_over_needs_an_owner(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.gap_select.value = "G-04"
    panel.owner.value = "   "
    panel.hand_over_button.click()
    assert "pmo-error" in panel.handover_status.value
    assert "name the owner" in panel.handover_status.value
    assert status_of(ws, "G-04") == "open"


def test_hand_over_and_take_back(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.gap_select.value = "G-04"
    assert panel.take_back_button.disabled
    panel.owner.value, panel.handover_note.value = "Finance & Procurement", "budget owner"
    panel.hand_over_button.click()
    gap = ws.gaps.set_index("gap_id").loc["G-04"]
    assert (gap["pmo_role"], gap["other_owner"], gap["handover_note"]) == (
        "none", "Finance & Procurement", "budget owner")
    assert "Finance &amp; Procurement" in panel.card.value and "handed over" in panel.card.value
    assert not panel.take_back_button.disabled
    panel.take_back_button.click()
    assert status_of(ws, "G-04") == "open"


# -- new services -------------------------------------------------------------------------
def fill_form(panel: WorkshopPanel, name: str, cost: str) -> None:
    form = panel.new_service
    form.name.value = name
    form.category.value = "Benefits management"  # a new category, typed
    form.tier.value = "advanced"
    form.aspects.value = ("Project communication",)
    form.description.value = "Tracks the benefits each project promised."
    form.cost.value = cost


def test_new_service_bad_cost_is_a_message_not_a_traceback(panel: WorkshopPanel,
                                                          ws: pmo_nb.Workshop) -> None:
    before = len(ws.catalog)
    fill_form(panel, "Benefits office", "lots")
    panel.new_service.add_button.click()
    assert "pmo-error" in panel.service_status.value
    assert "column &#x27;cost&#x27;: &#x27;lots&#x27; is not a number" in \
        panel.service_status.value
    assert len(ws.catalog) == before
    assert panel.new_service.name.value == "Benefits office"  # the form keeps what was typed


def test_new_service_id_is_suggested_and_the_service_appears(panel: WorkshopPanel,
                                                             ws: pmo_nb.Workshop) -> None:
    browser = CatalogBrowser(ws)
    fill_form(panel, "Benefits office", "40")
    assert panel.new_service.service_id.value == "S-BENEFITS-OFFICE"
    panel.new_service.add_button.click()
    assert "saved ✓" in panel.service_status.value, panel.service_status.value
    added = ws.catalog.set_index("service_id").loc["S-BENEFITS-OFFICE"]
    assert (added["category"], added["cost"], added["origin"]) == (
        "Benefits management", 40.0, "workshop")
    assert "S-BENEFITS-OFFICE" in panel.services.rows
    assert panel.services.rows["S-BENEFITS-OFFICE"].box in panel.services.box.children
    assert "★ Benefits office" in browser.table.value
    treemap = browser.overview.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert any(i.endswith("S-BENEFITS-OFFICE") for i in treemap["data"][0]["ids"])
    assert "Benefits management" in [label for label, _ in browser.category.options]
    assert panel.new_service.name.value == ""  # cleared for the next one


def test_a_typed_id_is_kept(panel: WorkshopPanel) -> None:
    form = panel.new_service
    form.service_id.value = "S-BEN"
    form.name.value = "Benefits office"
    assert form.service_id.value == "S-BEN"


def test_catalog_browser_filters(ws: pmo_nb.Workshop) -> None:
    browser = CatalogBrowser(ws)
    assert f"<b>{len(ws.catalog)}</b> of {len(ws.catalog)} services" in browser.count.value
    browser.tier.value = "advanced"
    n = int((ws.catalog["tier"] == "advanced").sum())
    assert f"<b>{n}</b> of" in browser.count.value
    assert browser.table.value.count("<tr>") == n + 1  # header + rows


# -- undo, errors, other handles ----------------------------------------------------------
def test_undo_reverts_the_last_change(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    panel.services.rows["S-TRAIN-CERT"].assigned.value = True
    panel.undo_button.click()
    assert [p[1] for p in pairs(ws)] == ["S-TRAIN-PM"]
    assert "Undone: assign" in panel.status.value
    assert not panel.services.rows["S-TRAIN-CERT"].assigned.value
    panel.undo_button.click()
    panel.undo_button.click()
    assert "Nothing to undo" in panel.status.value and pairs(ws) == []


def test_a_read_only_session_shows_an_error_and_keeps_what_was_saved(
        panel: WorkshopPanel, ws: pmo_nb.Workshop, monkeypatch: pytest.MonkeyPatch) -> None:
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    # The file becomes read-only under the kernel. Tests run as root (chmod is ignored), so
    # the session's connection is swapped for a read-only one: SQLite itself refuses writes.
    read_only = sqlite3.connect(f"file:{ws.path}?mode=ro", uri=True, isolation_level=None)
    monkeypatch.setattr(ws._store, "_conn", read_only)
    row = panel.services.rows["S-TRAIN-CERT"]
    row.assigned.value = True
    assert "pmo-error" in row.status.value
    assert "Could not save" in row.status.value and "the change was not made" in \
        row.status.value
    assert not row.assigned.value  # the panel shows what is saved, not the failed click
    monkeypatch.undo()
    read_only.close()
    assert pairs(ws) == [("G-01", "S-TRAIN-PM", "full", "")]


def test_unexpected_errors_are_shown_not_raised(panel: WorkshopPanel,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(panel.ws, "assign", broken)
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    assert "Unexpected RuntimeError: disk on fire" in \
        panel.services.rows["S-TRAIN-PM"].status.value


def test_changes_from_another_handle_show_after_refresh(panel: WorkshopPanel,
                                                       ws: pmo_nb.Workshop) -> None:
    with pmo_nb.Workshop.open(ws.path) as other:
        other.assign("G-01", "S-TRAIN-CERT", "partial")
    panel.refresh_button.click()
    assert panel.services.rows["S-TRAIN-CERT"].assigned.value
    with pmo_nb.Workshop.open(ws.path) as other:
        other.assign("G-02", "S-TRAIN-MENTOR")
    panel.gap_select.value = "G-02"  # navigating notices the change too
    assert panel.services.rows["S-TRAIN-MENTOR"].assigned.value
    assert "Project templates" not in panel.candidates.value
    assert "Mentoring" in panel.candidates.value or "mentor" in panel.candidates.value.lower()


# -- escaping -----------------------------------------------------------------------------
def test_hostile_text_shows_literally(tmp_path: Path) -> None:
    gaps = pd.read_csv(SAMPLE / "sample_gaps.csv", dtype=str, keep_default_na=False)
    gaps.loc[0, ["aspect", "current_state", "description"]] = HOSTILE
    catalog = pd.read_csv(SAMPLE / "catalog.csv", dtype=str, keep_default_na=False)
    catalog.loc[0, "aspects"] = HOSTILE
    with pmo_nb.Workshop.open(tmp_path / "h.sqlite", gaps=gaps, catalog=catalog) as ws:
        panel, browser = WorkshopPanel(ws), CatalogBrowser(ws)
        panel.owner.value = HOSTILE
        panel.hand_over_button.click()
        for html in (panel.card.value, browser.table.value, panel.handover_status.value):
            assert "<img" not in html
        assert panel.card.value.count("&lt;img src=x onerror=alert(1)&gt;") >= 3
        assert HOSTILE in panel.gap_select.label  # a <select> shows text, never HTML


# -- live views ---------------------------------------------------------------------------
def test_heatmap_and_candidate_list_follow_a_click(panel: WorkshopPanel) -> None:
    assert panel.heatmap.value_at("High", "High") == 0.0  # G-01: high x high, nothing yet
    assert "No services assigned yet" in panel.candidates.value
    before = panel.heatmap.widget.value
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    share = panel.heatmap.value_at("High", "High")
    assert share > 0.0
    shown = panel.heatmap.widget.value
    assert shown != before and f"{share:.0%}" in shown and shown.count("<td") == 9
    assert "Project manager training" in panel.candidates.value


def test_heatmap_is_the_notebooks_heatmap_in_html(panel: WorkshopPanel) -> None:
    """The panel's cells hold the numbers, colours and labels of the plotly heatmap."""
    panel.services.rows["S-TRAIN-PM"].assigned.value = True
    fig = pmo_nb.plots.coverage_heatmap(panel.ws)
    trace = fig.data[0]
    for i, priority in enumerate(trace.y):
        for j, size in enumerate(trace.x):
            assert panel.heatmap.value_at(priority, size) == trace.z[i][j]
    labels = [a.text.split("<br>")[0] for a in fig.layout.annotations]
    shown = panel.heatmap.widget.value
    assert all(text.split("/")[0] in shown for text in labels)


def test_an_unchanged_click_does_not_redraw_the_heatmap(panel: WorkshopPanel) -> None:
    sent = []
    panel.heatmap.widget.observe(lambda change: sent.append(change), "value")
    panel.show_costs.value = not panel.show_costs.value  # nothing the heatmap shows
    panel.refresh()
    assert sent == []


def test_the_notebook_output_is_stable_text(panel: WorkshopPanel) -> None:
    bundle = panel._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Workshop panel on 's.sqlite'")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_open_only_keeps_the_gap_in_hand_until_the_facilitator_moves_on(ws):
    panel = WorkshopPanel(ws)
    panel.show.value = "open"
    panel.gap_select.value = "G-05"
    first = next(iter(panel.services.rows.values()))
    first.assigned.value = True  # G-05 is no longer open...
    assert panel.gap_select.value == "G-05"  # ...but the card stays on it
    first.contribution.value = "partial"
    assert ws.assignments.set_index("service_id").at[first.service_id, "gap_id"] == "G-05"
    panel.next_button.click()
    assert panel.gap_select.value != "G-05"
    assert "G-05" not in [g for _, g in panel.gap_select.options]


# -- status where the action was made ------------------------------------------------------
def test_saved_shows_under_the_row_that_was_ticked(panel: WorkshopPanel) -> None:
    row = panel.services.rows["S-TRAIN-PM"]
    row.assigned.value = True
    assert "saved ✓" in row.status.value and "G-01: Project manager training (full)" \
        in row.status.value
    assert panel.status.value == "" and panel.services.rows["S-TRAIN-CERT"].status.value == ""
    panel.next_button.click()  # the message spoke of G-01
    assert row.status.value == ""
    panel.hand_over_button.click()
    assert "name the owner" in panel.handover_status.value and panel.status.value == ""
    panel.undo_button.click()
    assert "Undone: assign." in panel.status.value


# -- gaps change in the room ---------------------------------------------------------------
def test_edit_gap_from_the_card(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.edit_button.click()
    form = panel.gap_form
    assert form.is_open and form.gap_id.value == "G-01" and form.gap_id.disabled
    assert form.size.value == "H" and form.aspect.value == "Project manager skills"
    form.size.value, form.future_state.value = "L", "Half the PMs certified"
    form.save_button.click()
    assert not form.is_open and "saved ✓" in panel.gap_status.value
    gap = ws.gaps.set_index("gap_id").loc["G-01"]
    assert (gap["size"], gap["future_state"]) == ("L", "Half the PMs certified")
    assert "Size: Low" in panel.card.value and "Half the PMs certified" in panel.card.value
    panel.edit_button.click()
    form.current_state.value = "  "
    form.save_button.click()  # refused: the message by the Save button, the form stays open
    assert form.is_open and "current_state" in form.status.value and "is blank" in \
        form.status.value
    assert ws.gaps.set_index("gap_id").at["G-01", "current_state"] != ""
    form.cancel_button.click()
    assert not form.is_open


def test_new_gap_is_added_and_shown(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> None:
    panel.new_gap_button.click()
    form = panel.gap_form
    assert form.gap_id.value == "G-19" and not form.gap_id.disabled and form.aspect.value == ""
    form.aspect.value = "Benefits management"
    form.current_state.value, form.future_state.value = "Nobody tracks benefits.", "Tracked."
    form.priority.value = "H"
    form.save_button.click()
    assert ws.gaps["gap_id"].tolist()[-1] == "G-19" and panel.gap_select.value == "G-19"
    assert "G-19 · Benefits management" in panel.card.value
    assert "G-19 added." in panel.gap_status.value
    assert panel.progress_bar.max == 19


def test_a_handed_over_gap_locks_its_services_until_taken_back(panel: WorkshopPanel,
                                                                ws: pmo_nb.Workshop) -> None:
    panel.gap_select.value = "G-18"  # the file hands it to Finance & Procurement
    assert "take the gap back" in panel.locked_note.value
    row = panel.services.rows["S-TRAIN-PM"]
    assert row.assigned.disabled
    panel.take_back_button.click()
    assert not row.assigned.disabled and panel.locked_note.value == ""
    row.assigned.value = True
    assert status_of(ws, "G-18") == "covered"


def test_service_names_are_escaped_for_mathjax_in_labels(tmp_path: Path) -> None:
    name = r"$\href{https://evil.example/}{click}$"
    catalog = pd.read_csv(SAMPLE / "catalog.csv")
    catalog.loc[0, "name"] = name
    ws = pmo_nb.Workshop.open(tmp_path / "m.sqlite", gaps=SAMPLE / "sample_gaps.csv",
                              catalog=catalog)
    panel = WorkshopPanel(ws)
    row = panel.services.rows[catalog.loc[0, "service_id"]]
    assert row.assigned.description == "\\$\\\u200bhref{https://evil.example/}{click}\\$"
    panel.gap_select.value = "G-08"
    row.assigned.value = True
    assert "<span>$</span>" in row.status.value  # the status names it, escaped too


def test_service_rows_share_their_layouts_and_styles(ws: pmo_nb.Workshop) -> None:
    """Few widget models: the page loads every widget's state at once, and Voilà waits only
    4 s for it (a catalog of 39 services made 1,035 models in the panel, now about 550)."""
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    panel = WorkshopPanel(ws)
    rows = list(panel.services.rows.values())
    assert len(rows) == len(ws.catalog)
    for part in ("assigned", "info", "note", "contribution", "status"):
        widgets = [getattr(r, part) for r in rows]
        assert len({id(x.layout) for x in widgets}) == 1, part
        assert len({id(x.style) for x in widgets}) == 1, part
    assert len(_instances) - before < 15 * len(rows)  # 8 a row, and the rest of the panel


def test_panels_are_one_line_of_text_where_nothing_can_run_them(sample_ws, monkeypatch):
    """The record's kernel: no frontend, no widget state kept, so no widgets built."""
    import pmo_nb.record.run as run
    from pmo_nb.ui.base import STATIC_ENV, Static
    assert run.STATIC_PANELS == STATIC_ENV
    monkeypatch.setenv(STATIC_ENV, "1")
    panel = pmo_nb.ui.BudgetPanel(sample_ws, 370)
    assert isinstance(panel, Static) and not hasattr(panel, "widget")
    assert panel._repr_mimebundle_() == {"text/plain": (
        "Budget panel on 'sample.sqlite': interactive with a running kernel (a record has "
        "none; the tables and figures below show the state at run time).")}
    assert repr(pmo_nb.ui.CatalogBrowser(sample_ws)).startswith("Catalog browser on ")
    monkeypatch.delenv(STATIC_ENV)
    assert isinstance(pmo_nb.ui.BudgetPanel(sample_ws, 370), pmo_nb.ui.BudgetPanel)

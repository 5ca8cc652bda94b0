"""A follow-up assessment against its baseline, on both stores: made from the baseline
(never written), reassessed and delivered in undoable steps, the progress it shows, a chain
of three, and bad input refused with nothing written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from conftest import SAMPLE
from pmo_nb import DataError, SessionError, UnknownGapError, UnknownServiceError, UsageError
from pmo_nb.record import report

pytestmark = pytest.mark.stores("sqlite", "postgresql")

REASSESSMENT, DELIVERIES = SAMPLE / "sample_reassessment.csv", SAMPLE / "sample_deliveries.csv"


def fingerprint(ws: pmo_nb.Workshop) -> dict:
    """Everything a session holds, to compare before and after."""
    return {name: frame.to_json() for name, frame in
            (("gaps", ws.gaps), ("catalog", ws.catalog), ("assignments", ws.assignments),
             ("history", ws.history))} | {"title": ws.title, "weights": ws.weights}


@pytest.fixture
def follow(sample_ws, new_session) -> pmo_nb.Workshop:
    """The sample workshop, then its follow-up (nothing reassessed yet)."""
    sample_ws.set_title("Northwind Q1")
    with pmo_nb.Workshop.follow_up(sample_ws.path, new_session("q2")) as ws2:
        yield ws2


def test_a_follow_up_takes_the_baselines_gaps_catalog_weights_title_and_commitments(
        sample_ws, new_session):
    sample_ws.set_weights({"L": 1, "M": 3, "H": 5})
    sample_ws.set_title("Northwind Q1")
    sample_ws.update_gap("G-02", size="H")  # an edit in the room counts at the baseline
    before = fingerprint(sample_ws)
    ws2 = pmo_nb.Workshop.follow_up(sample_ws.path, new_session("q2"))
    try:
        assert sample_ws.baseline is None
        assert ws2.baseline.label == "Northwind Q1" and ws2.baseline.assessment == 1
        assert ws2.baseline.date == sample_ws.history["at"].max()[:10]
        assert ws2.title == "Northwind Q1" and ws2.weights == {"L": 1, "M": 3, "H": 5}
        pd.testing.assert_frame_equal(ws2.gaps.drop(columns="handover_note"),
                                      sample_ws.gaps.drop(columns="handover_note"))
        assert ws2.catalog["service_id"].tolist() == sample_ws.catalog["service_id"].tolist()
        carried = ["gap_id", "service_id", "contribution", "note"]  # the next wave's start
        pd.testing.assert_frame_equal(ws2.assignments[carried], sample_ws.assignments[carried])
        table = ws2.progress().set_index("gap_id")
        committed = sample_ws.assignments.groupby("gap_id").size()
        assert table["services"].to_dict() == {g: int(committed.get(g, 0)) for g in table.index}
        assert table.at["G-02", "size_before"] == "H"
        assert (table["size_after"] == table["size_before"]).all()
        assert not table["reassessed"].any() and (table["change"] == "unchanged").all()
        assert fingerprint(sample_ws) == before  # the baseline is only read
    finally:
        ws2.close()


def test_the_baseline_file_is_not_touched(tmp_path):
    base = tmp_path / "q1.sqlite"
    pmo_nb.Workshop.open(base, gaps=SAMPLE / "sample_gaps.csv", catalog=SAMPLE / "catalog.csv",
                         assignments=SAMPLE / "sample_assignments.csv").close()
    digest, files = hashlib.sha256(base.read_bytes()).hexdigest(), sorted(tmp_path.iterdir())
    base.chmod(0o444)  # a baseline kept read-only, e.g. an archived record
    try:
        pmo_nb.Workshop.follow_up(base, tmp_path / "out" / "q2.sqlite").close()
    finally:
        base.chmod(0o644)
    assert hashlib.sha256(base.read_bytes()).hexdigest() == digest
    assert sorted(p for p in tmp_path.iterdir() if p.name != "out") == files  # no -wal, -shm


def test_reassess_and_deliveries_are_undoable_steps_in_the_history(follow):
    assert follow.reassess("G-01", "medium", note="12 trained") is True
    assert follow.reassess("G-01", "M", note="12 trained") is False  # nothing changed
    assert follow.reassess("G\u201107", "Closed") is True  # a typed dash, a capital
    assert follow.set_delivery("S-TRAIN-PM", " Delivered ") is True
    assert follow.set_delivery("S-TRAIN-PM", "delivered") is False
    steps = follow.history.query("not undone")
    assert steps["action"].tolist()[-3:] == ["reassess", "reassess", "set delivery"]
    assert steps["gap_id"].tolist()[-3:-1] == ["G-01", "G-07"]
    assert steps["service_id"].tolist()[-1] == "S-TRAIN-PM"
    table = follow.progress().set_index("gap_id")
    assert table.loc["G-01", ["size_after", "reassessed", "note", "delivered"]].tolist() == [
        "M", True, "12 trained", 1]
    assert table.at["G-07", "value_after"] == 0 and table.at["G-07", "change"] == "closed"
    assert follow.undo() == "set delivery"
    assert follow.progress().set_index("gap_id").at["G-01", "delivered"] == 0
    assert follow.undo() == "reassess"
    table = follow.progress().set_index("gap_id")
    assert table.at["G-07", "size_after"] == "L" and not table.at["G-07", "reassessed"]


def test_progress_values_by_aspect_summary_and_the_two_findings(follow):
    assert follow.import_reassessment(REASSESSMENT) == 11
    assert follow.import_deliveries(DELIVERIES) == 15
    assert follow.import_reassessment(REASSESSMENT) == 0  # the same file again: no change
    table = follow.progress().set_index("gap_id")
    w = follow.weights
    g01 = table.loc["G-01"]  # H x H -> M x H
    assert (g01.value_before, g01.value_after) == (w["H"] * w["H"], w["M"] * w["H"])
    assert table.at["G-14", "change"] == "grown" and table.at["G-04", "change"] == "unchanged"
    assert table.at["G-13", "reassessed"] and table.at["G-13", "change"] == "unchanged"
    assert table.at["G-05", "change"] == "unchanged" and not table.at["G-05", "reassessed"]
    aspects = follow.progress_by_aspect().set_index("aspect")
    assert aspects["value_before"].sum() == table["value_before"].sum()
    skills = table[table["aspect"] == "Project manager skills"]
    assert aspects.at["Project manager skills", "value_after"] == skills["value_after"].sum()
    summary = follow.progress_summary()
    assert (summary["closed"], summary["shrunk"], summary["grown"]) == (2, 5, 1)
    assert (summary["committed"], summary["delivered"], summary["dropped"]) == (15, 8, 1)
    assert summary["value_after"] < summary["value_before"]
    found = follow.progress_findings()
    shrank = found["shrank without a delivered service"]
    assert set(shrank["gap_id"]) == {"G-07", "G-09"}  # nothing committed to either
    assert found["delivered without a smaller gap"]["service_id"].tolist() == ["S-COMM-PLANS"]
    services = follow.progress_services().set_index("service_id")
    assert services.at["S-TOOL-PPM", "status"] == "dropped"
    assert services.at["S-REP-STATUS", "gaps"] == 2


def test_a_chain_of_three_starts_each_where_the_last_ended(follow, new_session):
    follow.import_reassessment(REASSESSMENT)
    with pmo_nb.Workshop.follow_up(follow.path, new_session("q3")) as third:
        assert third.baseline.assessment == 2
        gaps = third.gaps.set_index("gap_id")
        assert "G-07" not in gaps.index and "G-09" not in gaps.index  # closed: done
        assert gaps.at["G-01", "size"] == "M" and gaps.at["G-14", "size"] == "H"
        third.reassess("G-01", "closed")
        chain = third.progress_chain()
        assert chain["assessment"].unique().tolist() == [1, 2, 3]
        per = chain.pivot_table(index="aspect", columns="assessment", values="value")
        first = follow.progress_by_aspect().set_index("aspect").sort_index()
        pd.testing.assert_series_equal(per[1], first["value_before"], check_names=False)
        pd.testing.assert_series_equal(per[2], first["value_after"], check_names=False)
        skills = per.loc["Project manager skills"]
        assert skills[3] == skills[2] - follow.weights["M"] * follow.weights["H"]
        assert third.progress().set_index("gap_id").at["G-01", "size_before"] == "M"


def test_another_handle_sees_a_reassessment(follow):
    with pmo_nb.Workshop.open(follow.path) as other:
        seen = []
        other.subscribe(seen.append)
        follow.reassess("G-01", "L")
        assert other.poll() and "progress" in seen[-1].tables
        assert other.progress().set_index("gap_id").at["G-01", "size_after"] == "L"


def test_the_workbook_gets_the_progress_sheets(follow, tmp_path):
    follow.import_reassessment(REASSESSMENT)
    sheets = pd.read_excel(follow.export_xlsx(tmp_path / "r.xlsx"), sheet_name=None)
    assert {"progress", "progress by aspect", "deliveries"} <= set(sheets)
    assert len(sheets["progress"]) == len(follow.gaps)


# -- bad input: a clear error, nothing written --------------------------------------------
def test_bad_sizes_statuses_and_ids_are_clear_errors(follow):
    before = fingerprint(follow)
    with pytest.raises(DataError, match=r"gap 'G-01': column 'size': 'XL' is not allowed; "
                                        r"allowed: L, M, H or closed"):
        follow.reassess("G-01", "XL")
    with pytest.raises(DataError, match=r"'finished' is not allowed; allowed: delivered, in "
                                        r"progress, not started, dropped"):
        follow.set_delivery("S-TRAIN-PM", "finished")
    with pytest.raises(UnknownGapError, match="G-99"):
        follow.reassess("G-99", "L")
    with pytest.raises(UnknownServiceError, match="S-NOPE"):
        follow.set_delivery("S-NOPE", "delivered")
    assert fingerprint(follow) == before


def test_a_bad_reassessment_file_names_rows_columns_values_and_writes_nothing(
        follow, tmp_path):
    bad = tmp_path / "reassessment.csv"
    bad.write_text("gap_id,size\nG-01,M\nG-99,L\nG-02,huge\nG-01,L\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        follow.import_reassessment(bad)
    text = str(caught.value)
    assert "reassessment.csv" in text and "row 3, column 'gap_id'" in text and "G-99" in text
    assert "row 4, column 'size': 'huge' is not allowed; allowed: L, M, H or closed" in text
    assert "row 5" in text  # G-01 twice
    assert follow.progress()["reassessed"].sum() == 0


def test_a_first_assessment_has_no_progress(sample_ws):
    for call in (lambda: sample_ws.reassess("G-01", "L"), sample_ws.progress,
                 lambda: sample_ws.set_delivery("S-TRAIN-PM", "delivered")):
        with pytest.raises(UsageError, match=r"is a first assessment.+Workshop\.follow_up"):
            call()
    assert "progress" not in sample_ws.tables()


def test_a_follow_up_is_refused_onto_an_existing_session_or_a_missing_baseline(
        sample_ws, follow, new_session):
    before = fingerprint(follow)
    with pytest.raises(SessionError, match="exists already; a follow-up starts a new session"):
        pmo_nb.Workshop.follow_up(sample_ws.path, follow.path)
    assert fingerprint(follow) == before
    missing = new_session("missing")
    with pytest.raises(SessionError, match="does not exist; give the session of the earlier"):
        pmo_nb.Workshop.follow_up(missing, new_session("q9"))
    with pytest.raises(SessionError, match="give another path than its baseline"):
        pmo_nb.Workshop.follow_up(sample_ws.path, sample_ws.path)


@pytest.mark.stores("sqlite")
def test_a_damaged_or_newer_baseline_is_refused_and_nothing_is_made(sample_ws, tmp_path):
    sample_ws.close()
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(Path(sample_ws.path).read_bytes()[:-3000])
    with pytest.raises(SessionError, match="'cut.sqlite' is damaged"):
        pmo_nb.Workshop.follow_up(cut, tmp_path / "a.sqlite")
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(Path(sample_ws.path).read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(SessionError, match="written by a newer pmo_nb"):
        pmo_nb.Workshop.follow_up(newer, tmp_path / "b.sqlite")
    assert not (tmp_path / "a.sqlite").exists() and not (tmp_path / "b.sqlite").exists()


# -- figures, the notebooks' opening rule, the panels -------------------------------------
def test_the_progress_figures_show_every_aspect_escaped(sample_ws, new_session):
    sample_ws.update_gap("G-01", aspect="<b>Skills</b> & R&D")
    with pmo_nb.Workshop.follow_up(sample_ws.path, new_session("q2")) as follow:
        follow.import_reassessment(REASSESSMENT)
        fig = pmo_nb.plots.progress(follow)
        ticks = list(fig.data[-1].y)
        assert "&lt;b&gt;Skills&lt;/b&gt; &amp; R&amp;D" in ticks and "<b>Skills</b>" not in \
            str(fig.to_plotly_json())
        assert len(ticks) == follow.progress_by_aspect().shape[0]
        day = pmo_nb.i18n.translator("en").date(follow.baseline.date)  # 8 December 2026
        assert fig.layout.title.text.startswith(f"Gaps left per aspect since {day}: ")
        assert any("+3 (+50%)" in t for t in fig.data[-1].text)  # Resource management grew
        chain = pmo_nb.plots.progress_chain(follow)
        assert chain.data[0].y[0] == "<b>All aspects</b>" and len(chain.data[0].x) == 2
        assert "&lt;b&gt;Skills&lt;/b&gt; &amp; R&amp;D" in chain.data[0].y


@pytest.mark.stores("sqlite")
def test_a_first_assessment_has_no_progress_figure(sample_ws):
    with pytest.raises(UsageError, match="needs a follow-up assessment"):
        pmo_nb.plots.progress(sample_ws)


@pytest.mark.stores("sqlite")
def test_open_follow_up_makes_the_sample_once_and_never_undoes_the_room(tmp_path):
    q1, q2 = tmp_path / "q1.sqlite", tmp_path / "q2.sqlite"
    ws2 = pmo_nb.open_follow_up(q2, q1, sample=True)
    assert ws2.progress_summary()["closed"] == 2 and ws2.baseline.label == "Sample organisation"
    ws2.reassess("G-07", "L")  # the room changes its mind
    ws2.close()
    again = pmo_nb.open_follow_up(q2, q1, REASSESSMENT, DELIVERIES, sample=True)
    assert again.progress().set_index("gap_id").at["G-07", "size_after"] == "L"
    again.close()
    with pytest.raises(SessionError, match="is a first assessment, not a follow-up"):
        pmo_nb.open_follow_up(q1, tmp_path / "q0.sqlite")


def test_the_sample_is_dated_by_its_data_on_any_day(tmp_path):
    ws2 = pmo_nb.open_follow_up(tmp_path / "q2.sqlite", tmp_path / "q1.sqlite", sample=True)
    assert ws2.baseline.date == "2026-06-10" and ws2.assessment_date == "2026-12-02"
    assert ws2.progress_chain()["date"].unique().tolist() == ["2026-06-10", "2026-12-02"]
    ws2.close()


def test_an_assessment_is_dated_by_its_last_change_or_the_day_set(follow, new_session):
    follow.reassess("G-01", "L")
    assert follow.assessment_date == follow.history["at"].max()[:10]  # a customer's: real
    follow.set_assessment_date("2027-03-15")
    assert follow.assessment_date == "2027-03-15"
    assert follow.progress_chain()["date"].iloc[-1] == "2027-03-15"
    with pmo_nb.Workshop.follow_up(follow.path, new_session("q3")) as ws3:
        assert ws3.baseline.date == "2027-03-15"
    assert follow.undo() == "set assessment date"
    assert follow.assessment_date == follow.history["at"].max()[:10]


def test_a_bad_assessment_date_is_a_clear_error(follow):
    with pytest.raises(DataError, match="'15/03/2027' is not a date; allowed: a day as "
                                        "YYYY-MM-DD"):
        follow.set_assessment_date("15/03/2027")


@pytest.mark.stores("sqlite")
def test_a_follow_up_of_a_customer_never_gets_the_samples_answers(sample_ws, tmp_path):
    sample_ws.set_title("Northwind Mutual")  # a customer's session on the sample's gaps
    sample_ws.close()
    with pmo_nb.open_follow_up(tmp_path / "q2.sqlite", sample_ws.path, sample=True) as ws2:
        assert not ws2.progress()["reassessed"].any()  # not the sample: no sample answers
    demo = pmo_nb.open_workshop(tmp_path / "demo.sqlite", sample=True)
    demo.close()  # the demo played with in `make lab`: its follow-up is the sample's
    with pmo_nb.open_follow_up(tmp_path / "demo-q2.sqlite", demo.path, sample=True) as ws2:
        assert ws2.progress()["reassessed"].sum() == 11
    with pmo_nb.open_follow_up(tmp_path / "q3.sqlite", sample_ws.path, REASSESSMENT) as ws3:
        assert ws3.progress()["reassessed"].sum() == 11  # a customer's own file is used


@pytest.mark.stores("sqlite")
def test_the_progress_panel_and_the_workshop_panel_reassess_and_deliver(follow):
    panel = pmo_nb.ui.ProgressPanel(follow)
    workshop = pmo_nb.ui.WorkshopPanel(follow, focus=False)
    panel.gaps.value = "G-04"
    panel.size.value = "L"
    assert "G-04 is now Low" in panel.status.value
    panel.deliveries["S-COMM-PLANS"].value = "dropped"
    workshop.gap_select.value = "G-04"  # the workshop panel shows the same, redrawn
    assert workshop.since.size.value == "L"
    assert workshop.since.deliveries["S-COMM-PLANS"].value == "dropped"
    workshop.since.size.value = "closed"
    assert panel.size.value == "closed" and "✔ G-04" in panel.gaps.label
    assert "1 closed" in panel.headline.value
    panel.undo_button.click()
    assert panel.size.value == "L" and workshop.since.size.value == "L"
    follow.reassess("G-04", "M")  # another handle's change shows after a poll
    assert panel.size.value == "M"


@pytest.mark.stores("sqlite")
def test_a_first_assessments_workshop_panel_has_no_reassessment(sample_ws):
    assert pmo_nb.ui.WorkshopPanel(sample_ws, focus=False).since is None


# -- the room votes the size now ------------------------------------------------------------
def test_participants_vote_each_gaps_size_now_and_the_consensus_is_adopted(follow):
    follow.open_vote("size", ["G-01", "G-07"])
    for name, g01, g07 in (("Ann", "M", "closed"), ("Ben", "medium", "Closed"),
                           ("Cy", "H", "L")):
        p = pmo_nb.Participant.join(follow.path, name)
        assert p.rate_size("G-01", g01) and p.rate_size("G-07", g07)
        p.close()
    with pytest.raises(pmo_nb.VoteError, match="A size is L, M or H or closed"):
        pmo_nb.Participant.join(follow.path, "Dee").rate_size("G-01", "XL")
    with pytest.raises(pmo_nb.VoteError, match="asks for a size \\(rate_size\\)"):
        pmo_nb.Participant.join(follow.path, "Eve").rate("G-01", "H")
    follow.reveal()
    results = follow.vote_results().set_index("gap_id")
    assert results.loc["G-07", ["closed", "L", "M", "H", "consensus"]].tolist() == [
        2, 1, 0, 0, "closed"]
    assert follow.adopt("G-07") == ["closed"] and follow.adopt("G-01") == ["M"]
    table = follow.progress().set_index("gap_id")
    assert table.at["G-07", "change"] == "closed" and table.at["G-01", "size_after"] == "M"
    assert follow.undo() == "reassess"
    assert "size votes" in follow.tables()


@pytest.mark.stores("sqlite")
def test_a_size_vote_needs_a_follow_up(sample_ws):
    with pytest.raises(UsageError, match="open_vote\\('size'\\) .* on a follow-up"):
        sample_ws.open_vote("size")
    assert "size votes" not in sample_ws.tables()


@pytest.mark.stores("sqlite")
def test_the_vote_panels_offer_the_size_vote_on_a_follow_up(follow):
    votes = pmo_nb.ui.VotesPanel(follow)
    assert ("Size now", "size") in votes.kind.options
    votes.kind.value, votes.gaps.value = "size", "G-04"
    votes.open_button.click()
    page = pmo_nb.ui.ParticipantPage(follow.path)
    page.name.value = "Ann"
    page.join_button.click()
    assert [v for _, v in page.level.options] == ["closed", "L", "M", "H"]
    assert "Size at the last assessment: Medium" in page.card.value
    page.level.value = "closed"
    votes.reveal_button.click()
    votes.adopt_buttons["G-04"].click()
    assert follow.progress().set_index("gap_id").at["G-04", "size_after"] == "closed"
    assert "Use as the gap's size now" == votes.adopt_buttons["G-04"].description
    assert ("Size now", "size") not in pmo_nb.ui.VotesPanel(
        pmo_nb.Workshop.open(follow.baseline.session)).kind.options


@pytest.mark.stores("sqlite")
def test_a_baseline_from_an_older_pmo_nb_is_read_as_it_is(sample_ws, tmp_path):
    sample_ws.close()
    old = tmp_path / "older.sqlite"
    old.write_bytes(Path(sample_ws.path).read_bytes())
    with sqlite3.connect(old) as conn:  # what the last release wrote: schema 3
        conn.execute("DROP TABLE reassessments")
        conn.execute("DROP TABLE deliveries")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.close()
    digest = hashlib.sha256(old.read_bytes()).hexdigest()
    with pmo_nb.Workshop.follow_up(old, tmp_path / "q2.sqlite") as ws2:
        assert ws2.progress()["services"].sum() == len(pd.read_csv(SAMPLE /
                                                                   "sample_assignments.csv"))
    assert hashlib.sha256(old.read_bytes()).hexdigest() == digest  # not migrated, not written
    with pmo_nb.Workshop.open(old) as reopened:  # opened for writing, it is migrated
        assert reopened.baseline is None and reopened.progress_tables() == {}


@pytest.mark.stores("sqlite")
def test_a_baseline_from_last_quarter_is_dated_by_its_last_change(sample_ws, tmp_path):
    sample_ws.close()
    with sqlite3.connect(sample_ws.path) as conn:  # the workshop was held in March
        conn.execute("UPDATE history SET at = '2026-03-12T15:40:00+00:00'")
    conn.close()
    with pmo_nb.Workshop.follow_up(sample_ws.path, tmp_path / "q2.sqlite") as ws2:
        assert ws2.baseline.date == "2026-03-12"
        facts = pmo_nb.record.gather(ws2, pmo_nb.record.Options(budget=300))
        assert report.render(facts, ws2).count(
            "<h2>Progress since 12 March 2026</h2>") == 1
        chain = ws2.progress_chain()
        assert chain.drop_duplicates("assessment")["date"].tolist()[0] == "2026-03-12"


@pytest.mark.stores("sqlite")
def test_nothing_to_follow_up_when_every_gap_is_closed(follow, tmp_path):
    for gap_id in follow.gaps["gap_id"]:
        follow.reassess(gap_id, "closed")
    with pytest.raises(SessionError, match="Every gap of .* is closed: there is nothing left"):
        pmo_nb.Workshop.follow_up(follow.path, tmp_path / "q3.sqlite")
    assert not (tmp_path / "q3.sqlite").exists()

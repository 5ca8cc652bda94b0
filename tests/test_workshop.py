"""The workshop session: changes, validation, reopen rules, analyses."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_ASSIGNMENTS, SAMPLE_GAPS
from pmo_nb import SessionError, UnknownGapError, UnknownServiceError

pytestmark = pytest.mark.stores("sqlite", "postgresql")  # tests on `ws` run on both stores


def status(ws: pmo_nb.Workshop, gap_id: str) -> str:
    return ws.coverage().set_index("gap_id").at[gap_id, "status"]


# -- opening --------------------------------------------------------------------------------
def test_new_session_needs_gaps_and_catalog(tmp_path):
    with pytest.raises(SessionError, match=r"does not exist yet; to start a new session give both "
                                           r"gaps= and catalog="):
        pmo_nb.Workshop.open(tmp_path / "new.sqlite", gaps=SAMPLE_GAPS)
    assert not (tmp_path / "new.sqlite").exists()


def test_new_session_with_bad_gaps_creates_nothing(tmp_path):
    bad = tmp_path / "gaps.csv"
    bad.write_text("gap_id,aspect\nG-1,Skills\n")
    with pytest.raises(pmo_nb.DataError, match="gaps.csv"):
        pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=bad, catalog=CATALOG)
    assert list(tmp_path.iterdir()) == [bad]


def test_reopen_without_inputs_and_with_the_same_inputs(tmp_path, ws):
    ws.assign("G-05", "S-METH-LIFECYCLE")
    again = pmo_nb.Workshop.open(ws.path)
    same = pmo_nb.Workshop.open(ws.path, gaps=SAMPLE_GAPS, catalog=pd.read_csv(CATALOG))
    assert len(again.assignments) == len(same.assignments) == 1
    assert again.gaps.equals(ws.gaps)


def test_reopen_with_other_gaps_is_a_clear_error(tmp_path, ws):
    other = pd.read_csv(SAMPLE_GAPS)
    other.loc[2, "future_state"] = "Something else"
    with pytest.raises(SessionError, match=r"was created from other gaps \(changed rows: G-03\)"
                                           r"\. The saved session is the record"):
        pmo_nb.Workshop.open(ws.path, gaps=other)
    fewer = pd.read_csv(SAMPLE_GAPS).iloc[:-1]
    with pytest.raises(SessionError, match=r"missing ids: G-18"):
        pmo_nb.Workshop.open(ws.path, gaps=fewer)


def test_seed_assignments_only_for_a_new_session(tmp_path, sample_ws):
    assert len(sample_ws.assignments) == len(pd.read_csv(SAMPLE_ASSIGNMENTS))
    sample_ws.unassign("G-01", "S-TRAIN-PM")
    again = pmo_nb.Workshop.open(sample_ws.path, gaps=SAMPLE_GAPS, catalog=CATALOG,
                                 assignments=SAMPLE_ASSIGNMENTS)
    assert len(again.assignments) == len(pd.read_csv(SAMPLE_ASSIGNMENTS)) - 1


def test_bad_seed_leaves_no_session(tmp_path):
    seed = pd.DataFrame({"gap_id": ["G-01"], "service_id": ["S-NOPE"]})
    with pytest.raises(pmo_nb.DataError, match=r"row 2, column 'service_id': Unknown service id"):
        pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG,
                             assignments=seed)
    assert not (tmp_path / "s.sqlite").exists()


# -- changes ----------------------------------------------------------------------------------
def test_assign_full_partial_and_unassign(ws):
    ws.assign("G-05", "S-METH-LIFECYCLE", "partial", note="first pass")
    assert status(ws, "G-05") == "partial"
    ws.assign("G-05", "S-METH-LIFECYCLE", " Full ")
    assert status(ws, "G-05") == "covered"
    assert ws.assignments.loc[0, "note"] == ""
    assert ws.unassign("G-05", "S-METH-LIFECYCLE") is True
    assert ws.unassign("G-05", "S-METH-LIFECYCLE") is False
    assert status(ws, "G-05") == "open"
    assert list(ws.history["action"]) == ["assign", "assign", "unassign"]


def test_assigning_the_same_again_records_nothing(ws):
    ws.assign("G-05", "S-METH-LIFECYCLE")
    ws.assign("G-05", "S-METH-LIFECYCLE")
    assert len(ws.history) == 1


def test_unknown_ids_name_the_closest(ws):
    with pytest.raises(UnknownGapError) as err:
        ws.assign("G-5", "S-METH-LIFECYCLE")
    assert isinstance(err.value, KeyError)
    assert str(err.value).startswith("Unknown gap id 'G-5'. Closest: ")
    assert "G-05" in err.value.closest
    with pytest.raises(UnknownServiceError, match=r"Unknown service id 'S-METH-LIFECYCL'\. "
                                                  r"Closest: S-METH-LIFECYCLE"):
        ws.assign("G-05", "S-METH-LIFECYCL")
    assert ws.history.empty


def test_bad_contribution_is_a_value_error_and_writes_nothing(ws):
    with pytest.raises(ValueError, match=r"contribution must be 'full' or 'partial'; got 'most'\."):
        ws.assign("G-05", "S-METH-LIFECYCLE", "most")
    assert ws.assignments.empty and ws.history.empty


def test_hand_over_and_take_back(ws):
    ws.assign("G-07", "S-TRAIN-PM")
    ws.hand_over("G-07", "HR", note="budget owner")
    assert status(ws, "G-07") == "handed over"
    row = ws.handed_over().set_index("gap_id").loc["G-07"]
    assert (row["owner"], row["note"], row["handover"]) == ("HR", "budget owner", "whole")
    assert "G-07" not in set(ws.candidate_list()["gap_id"])
    ws.take_back("G-07")
    assert status(ws, "G-07") == "covered"


def test_hand_over_needs_an_owner(ws):
    with pytest.raises(ValueError, match=r"hand_over\('G-07'\): name the owner who must act"):
        ws.hand_over("G-07", "  ")
    assert ws.history.empty


def test_add_and_update_service(ws):
    ws.add_service("S-NEW", "PMO hotline", "Communication and change", "Basic",
                   ["Project communication", "Stakeholder engagement"], "A phone line.", "12,5")
    row = ws.catalog.set_index("service_id").loc["S-NEW"]
    assert (row["tier"], row["aspects"], row["cost"], row["origin"]) == (
        "basic", "Project communication;Stakeholder engagement", 12.5, "workshop")
    assert ws.suggest("G-04").iloc[0]["suggested"]
    assert "S-NEW" in set(ws.suggest("G-04").query("suggested")["service_id"])
    ws.update_service("S-NEW", cost=20, tier="advanced")
    assert ws.catalog.set_index("service_id").at["S-NEW", "cost"] == 20.0
    ws.undo()
    assert ws.catalog.set_index("service_id").at["S-NEW", "cost"] == 12.5
    ws.undo()
    assert "S-NEW" not in set(ws.catalog["service_id"])


def test_add_service_reports_every_problem_without_rows(ws):
    with pytest.raises(pmo_nb.DataError) as err:
        ws.add_service("S-X", "", "Governance", "premium", [], "d", -1)
    text = str(err.value)
    assert text.startswith("new service: 4 problems.")
    assert "- column 'name': is blank; a value is required." in text
    assert "- column 'tier': 'premium' is not allowed; allowed: basic, advanced." in text
    assert "row" not in text
    with pytest.raises(pmo_nb.DataError, match=r"'s-train-pm' is taken by 'S-TRAIN-PM'"):
        ws.add_service("s-train-pm", "Dup", "Governance", "basic", "Methodology", "d", 1)
    assert ws.history.empty


def test_update_service_rejects_unknown_fields(ws):
    with pytest.raises(ValueError, match=r"update_service: unknown field\(s\) colour; allowed: "):
        ws.update_service("S-TRAIN-PM", colour="red")


def test_weights_are_configurable(tmp_path):
    ws = pmo_nb.Workshop.open(tmp_path / "w.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG,
                              weights={"H": 5})
    cov = ws.coverage().set_index("gap_id")
    assert cov.at["G-01", "weight"] == 25.0  # H x H
    ws.set_weights({"H": 4})
    assert ws.coverage().set_index("gap_id").at["G-01", "weight"] == 16.0
    with pytest.raises(ValueError, match=r"weights must map L, M, H to numbers > 0"):
        ws.set_weights({"X": 1})
    ws.undo()
    assert ws.weights["H"] == 5.0


def test_import_is_all_or_nothing(ws, tmp_path):
    bad = tmp_path / "asg.csv"
    bad.write_text("gap_id,service_id,contribution\nG-01,S-TRAIN-PM,full\n"
                   "G-99,S-TRAIN-PM,full\nG-02,S-TRAIN-PM,most\nG-01,S-TRAIN-PM,partial\n")
    with pytest.raises(pmo_nb.DataError) as err:
        ws.import_assignments(bad)
    text = str(err.value)
    assert "row 3, column 'gap_id': Unknown gap id 'G-99'." in text
    assert "row 4, column 'contribution': 'most' is not allowed; allowed: full, partial." in text
    assert ws.assignments.empty and ws.history.empty
    bad.write_text("gap_id,service_id\nG-01,S-TRAIN-PM\nG-01,S-TRAIN-PM\n")
    with pytest.raises(pmo_nb.DataError, match=r"row 3, column 'service_id': 'S-TRAIN-PM' for "
                                               r"'G-01' repeats row 2\."):
        ws.import_assignments(bad)


def test_import_is_one_undoable_step(ws):
    assert ws.import_assignments(SAMPLE_ASSIGNMENTS) == len(pd.read_csv(SAMPLE_ASSIGNMENTS))
    assert ws.import_assignments(SAMPLE_ASSIGNMENTS) == 0  # nothing changed
    assert ws.history["step"].nunique() == 1
    assert ws.undo() == "import assignments"
    assert ws.assignments.empty


def test_undo_chain_and_nothing_left(ws):
    ws.assign("G-01", "S-TRAIN-PM")
    ws.assign("G-01", "S-TRAIN-PM", "partial")
    ws.hand_over("G-02", "HR")
    ws.unassign("G-01", "S-TRAIN-PM")
    assert [ws.undo() for _ in range(5)] == ["unassign", "hand over", "assign", "assign", None]
    assert ws.assignments.empty
    assert status(ws, "G-02") == "open"
    assert ws.history["undone"].sum() == 4


def test_returned_tables_are_copies(ws):
    frame = ws.gaps
    frame.loc[0, "aspect"] = "changed"
    assert ws.gaps.loc[0, "aspect"] != "changed"
    cov = ws.coverage()
    cov["status"] = "x"
    assert set(ws.coverage()["status"]) != {"x"}


def test_history_records_before_and_after(ws):
    ws.assign("G-01", "S-TRAIN-PM", note="n1")
    ws.assign("G-01", "S-TRAIN-PM", "partial", note="n2")
    last = ws.history.iloc[-1]
    assert (last["gap_id"], last["service_id"], last["action"]) == ("G-01", "S-TRAIN-PM", "assign")
    assert '"note": "n1"' in last["before"] and '"contribution": "partial"' in last["after"]
    assert last["who"] and last["at"].endswith("+00:00")


def test_extra_columns_survive_and_never_clash_with_session_columns(tmp_path):
    gaps = pd.read_csv(SAMPLE_GAPS).assign(handover_note="from last time", owner_team="PMO")
    catalog = pd.read_csv(CATALOG).assign(origin="vendor")
    ws = pmo_nb.Workshop.open(tmp_path / "x.sqlite", gaps=gaps, catalog=catalog)
    assert ws.gaps.loc[0, ["handover_note", "owner_team"]].tolist() == ["from last time", "PMO"]
    assert ws.catalog.loc[0, ["origin", "origin (file)"]].tolist() == ["catalog", "vendor"]
    assert ws.gaps.columns.is_unique and ws.catalog.columns.is_unique


def test_take_back_restores_the_role_and_owner_from_the_file(ws):
    ws.hand_over("G-03", "Finance", note="for now")  # the file says partial, owner HR
    ws.take_back("G-03")
    row = ws.gaps.set_index("gap_id").loc["G-03"]
    assert (row["pmo_role"], row["other_owner"], row["handover_note"]) == ("partial", "HR", "")
    ws.take_back("G-18")  # the file says none: taken back, the PMO closes it
    row = ws.gaps.set_index("gap_id").loc["G-18"]
    assert (row["pmo_role"], row["other_owner"]) == ("close", "")


def test_blank_notes_are_blank_and_repeats_record_nothing(ws):
    ws.assign("G-01", "S-TRAIN-PM", note=None)
    ws.assign("G-01", "S-TRAIN-PM", note=float("nan"))
    assert ws.assignments.loc[0, "note"] == "" and len(ws.history) == 1
    with pytest.raises(ValueError, match="got a blank owner"):
        ws.hand_over("G-01", None)


def test_a_session_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SessionError, match=r"Could not create the folder of the session"):
        pmo_nb.Workshop.open(blocker / "s.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG)


def test_a_refused_reopen_leaves_no_handle_open(ws):
    other = pd.read_csv(SAMPLE_GAPS).iloc[:-1]

    def refuse() -> int:
        with pytest.raises(SessionError):
            pmo_nb.Workshop.open(ws.path, gaps=other)
        return len(os.listdir("/proc/self/fd"))

    first = refuse()  # warm-up: lazy imports may open files once
    assert max(refuse() for _ in range(5)) <= first


# -- gaps change in the room ----------------------------------------------------------------
def test_update_gap_is_one_undoable_step_seen_by_other_handles(ws):
    other = pmo_nb.Workshop.open(ws.path)
    seen = []
    other.subscribe(seen.append)
    assert ws.update_gap("G-05", size="low", priority=" High ", future_state="Done")
    row = other.gaps.set_index("gap_id").loc["G-05"]
    assert (row["size"], row["priority"], row["future_state"]) == ("L", "H", "Done")
    assert other.poll() and seen[-1].here is False  # the change event of another handle
    assert ws.coverage().set_index("gap_id").at["G-05", "weight"] == 3.0
    last = ws.history.iloc[-1]
    assert (last["action"], last["gap_id"]) == ("update gap", "G-05")
    assert ws.update_gap("G-05", size="L") is False  # nothing changed: no step
    assert len(ws.history) == 1
    assert ws.undo() == "update gap"
    row = ws.gaps.set_index("gap_id").loc["G-05"]
    assert (row["size"], row["priority"]) == tuple(
        pd.read_csv(SAMPLE_GAPS).set_index("gap_id").loc["G-05", ["size", "priority"]])
    other.close()


def test_update_gap_bad_values_name_the_gap_the_column_and_what_is_allowed(ws):
    before = ws.gaps
    with pytest.raises(pmo_nb.DataError) as err:
        ws.update_gap("G-05", size="XL", aspect=" ", pmo_role="maybe")
    text = str(err.value)
    assert text.startswith("gap 'G-05': 3 problems.")
    assert "column 'aspect': is blank; a value is required." in text
    assert "column 'size': 'XL' is not allowed; allowed: L, M, H (or Low, Medium, Med, High)." \
        in text
    assert "column 'pmo_role': 'maybe' is not allowed; allowed: close, partial, none." in text
    with pytest.raises(pmo_nb.DataError, match=r"column 'other_owner': is blank, but pmo_role is "
                                               r"'partial'; name who else must act"):
        ws.update_gap("G-05", pmo_role="partial")
    with pytest.raises(ValueError, match=r"update_gap: unknown field\(s\) gap_id, weight; "
                                         r"allowed: aspect, current_state"):
        ws.update_gap("G-05", gap_id="G-99", weight=3)
    with pytest.raises(UnknownGapError, match=r"Unknown gap id 'G-5'\. Closest: G-05"):
        ws.update_gap("G-5", size="L")
    assert ws.gaps.equals(before) and ws.history.empty


def test_add_gap_appends_a_gap_that_undo_removes(ws):
    ws.add_gap("G-19", "Benefits management", "Nobody tracks benefits.",
               "Each project reports its benefits for a year.", "medium", "h",
               description="Found in the discussion.")
    gaps = ws.gaps
    assert gaps["gap_id"].tolist()[-1] == "G-19" and len(gaps) == 19
    assert gaps.iloc[-1][["size", "priority", "pmo_role", "description"]].tolist() == [
        "M", "H", "close", "Found in the discussion."]
    assert status(ws, "G-19") == "open"
    ws.assign("G-19", "S-PORT-BENEFITS" if "S-PORT-BENEFITS" in set(ws.catalog["service_id"])
              else "S-TRAIN-PM")
    assert len(pmo_nb.Workshop.open(ws.path).gaps) == 19  # saved for every handle
    ws.undo(), ws.undo()
    assert "G-19" not in set(ws.gaps["gap_id"])


def test_add_gap_refuses_taken_ids_and_bad_rows(ws):
    with pytest.raises(pmo_nb.DataError, match=r"new gap: column 'gap_id': 'g-05' is taken by "
                                               r"'G-05'; choose another id"):
        ws.add_gap("g-05", "Skills", "a", "b", "L", "L")
    with pytest.raises(pmo_nb.DataError) as err:
        ws.add_gap("G-20", "Skills", "", "b", "huge", "L", pmo_role="none")
    text = str(err.value)
    assert text.startswith("new gap: 3 problems.") and "column 'current_state': is blank" in text
    assert "'huge' is not allowed" in text and "column 'other_owner': is blank" in text
    with pytest.raises(ValueError, match=r"add_gap: unknown field\(s\) owner; allowed: "
                                         r"description, pmo_role, other_owner\."):
        ws.add_gap("G-20", "Skills", "a", "b", "L", "L", owner="HR")
    assert ws.history.empty


def test_edited_gaps_still_reopen_with_the_original_file(ws):
    ws.update_gap("G-03", future_state="Reworded in the room")
    ws.add_gap("G-19", "Benefits", "a", "b", "L", "M")
    again = pmo_nb.Workshop.open(ws.path, gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert again.gaps.set_index("gap_id").at["G-03", "future_state"] == "Reworded in the room"
    again.close()


def test_take_back_of_a_gap_added_in_the_workshop(ws):
    ws.add_gap("G-19", "Benefits", "a", "b", "L", "M")
    ws.hand_over("G-19", "Finance")
    ws.take_back("G-19")
    row = ws.gaps.set_index("gap_id").loc["G-19"]
    assert (row["pmo_role"], row["other_owner"]) == ("close", "")


# -- hand-over and assignments --------------------------------------------------------------
def test_a_handed_over_gap_refuses_services_and_says_how_to_take_it_back(ws):
    with pytest.raises(ValueError) as err:
        ws.assign("G-18", "S-TRAIN-PM")
    assert isinstance(err.value, pmo_nb.PmoError)
    assert str(err.value) == (
        "'G-18' is handed over to Finance & Procurement (outside the PMO), so no service is "
        "assigned to it. To assign services, take the gap back first: ws.take_back('G-18') "
        "(in the panel: Take back).")
    assert ws.assignments.empty and ws.history.empty
    ws.take_back("G-18")
    ws.assign("G-18", "S-TRAIN-PM")
    assert status(ws, "G-18") == "covered"


def test_a_partial_role_gap_takes_services_for_the_pmos_part(ws):
    ws.assign("G-03", "S-TRAIN-CAREER")  # pmo_role partial, the rest is for HR
    assert status(ws, "G-03") == "partial"
    ws.hand_over("G-03", "HR")
    assert ws.unassign("G-03", "S-TRAIN-CAREER")  # removing is still allowed


# -- suggestions and id hints ---------------------------------------------------------------
def test_suggestions_by_relevance_made_for_then_also_covers_then_words(ws):
    out = ws.suggest("G-08")  # a Methodology gap: "one lifecycle ... project documents"
    made = out[out["relevance"] == 0]
    assert out["service_id"].iloc[0] == "S-METH-LIFECYCLE"
    assert set(made["service_id"]) == set(
        ws.catalog.loc[ws.catalog["aspects"].str.split(";").str[0] == "Methodology",
                       "service_id"])
    assert list(out["relevance"]) == sorted(out["relevance"])
    assert set(made["reason"]) == {"made for Methodology"}
    also = out[out["relevance"] == 1]
    assert set(also["reason"]) == {"also covers Methodology"}
    assert {"S-TRAIN-PM", "S-GOV-PROCESS"} <= set(also["service_id"])
    rest = out[out["relevance"] == 2]
    assert list(rest["similarity"]) == sorted(rest["similarity"], reverse=True)
    assert (rest["reason"] == "").all() and not rest["suggested"].any()
    assert out["suggested"].sum() == len(made) + len(also)


def test_suggestions_put_basic_before_advanced_on_ties():
    from pmo_nb.analysis.coverage import suggest
    cat = pd.DataFrame({"service_id": ["S1", "S2", "S3"], "name": ["Zeta", "Alpha", "Beta"],
                        "tier": ["advanced", "advanced", "basic"], "aspects": ["Skills"] * 3,
                        "description": [""] * 3})
    none = pd.DataFrame({"service_id": [], "contribution": []})
    assert suggest("Skills", cat, none)["service_id"].tolist() == ["S3", "S2", "S1"]


def test_mistyped_ids_hint_the_id_that_differs_only_by_padding_case_or_spaces(tmp_path):
    ids = [f"HOS-{i:03d}" for i in range(1, 21)]
    gaps = pd.read_csv(SAMPLE_GAPS).head(20).reindex(range(20)).ffill()
    gaps["gap_id"] = ids
    ws = pmo_nb.Workshop.open(tmp_path / "h.sqlite", gaps=gaps, catalog=CATALOG)
    for typed in ("HOS-01", "hos-1", "HOS 001", " Hos-0001"):
        with pytest.raises(UnknownGapError) as err:
            ws.assign(typed, "S-TRAIN-PM")
        assert err.value.closest[0] == "HOS-001", typed
    with pytest.raises(UnknownServiceError, match=r"Closest: S-TRAIN-PM"):
        ws.assign("HOS-001", "s-train-pm ")
    ws.close()


def test_suggestions_follow_an_edited_aspect(ws):
    assert ws.suggest("G-09")["reason"].iloc[0] == "made for Methodology"
    ws.update_gap("G-09", aspect="Project reporting")
    assert ws.suggest("G-09")["reason"].iloc[0] == "made for Project reporting"
    ws.undo()
    assert ws.suggest("G-09")["reason"].iloc[0] == "made for Methodology"


def test_a_title_given_at_creation_is_part_of_the_session_not_a_step(new_session):
    ws = pmo_nb.Workshop.open(new_session("titled"), gaps=SAMPLE_GAPS, catalog=CATALOG,
                              title="  Hôpital Saint-Luc ")
    assert ws.title == "Hôpital Saint-Luc"
    assert ws.undo() is None and ws.title == "Hôpital Saint-Luc"  # nothing to undo
    ws.close()

"""Participants' votes through the API: open, ballot, hidden progress, reveal, results,
adopt + undo, errors; the tallies in pmo_nb.votes; the session schema migration."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_GAPS
from pmo_nb.analysis import votes
from pmo_nb.errors import UnknownVoteGapError, UnknownVoteServiceError

pytestmark = pytest.mark.stores("sqlite", "postgresql")  # each test on both stores


def join(ws: pmo_nb.Workshop, *names: str) -> list[pmo_nb.Participant]:
    return [pmo_nb.Participant.join(ws.path, n) for n in names]


def test_a_services_vote_from_open_to_adopt_and_undo(ws: pmo_nb.Workshop) -> None:
    vote = ws.open_vote("services", ["G-01", "G-02"])
    ann, ben, cy = join(ws, "Ann", "Ben", "Cy")
    ann.vote_services("G-01", ["S-TRAIN-PM", "S-METH-TEMPLATES"])
    ben.vote_services("G-01", ["S-TRAIN-PM"])
    cy.vote_services("G-01", [])  # "no service fits" is an answer
    ann.vote_services("G-02", ["S-TRAIN-PM"])
    assert ws.vote_progress().values.tolist() == [["Ann", 2, 2], ["Ben", 1, 2], ["Cy", 1, 2]]
    ws.reveal()
    res = ws.vote_results()
    assert list(res.columns[:4]) == ["gap_id", "service_id", "votes", "share"]
    g1 = res[res["gap_id"] == "G-01"].set_index("service_id")
    assert g1.loc["S-TRAIN-PM", "votes"] == 2 and g1.loc["S-TRAIN-PM", "share"] == 2 / 3
    assert g1.loc["S-METH-TEMPLATES", "share"] == 1 / 3
    assert ws.current_vote()["vote_id"] == vote
    steps = len(ws.history["step"].unique())
    assert ws.adopt("G-01") == ["S-TRAIN-PM"]  # 2/3 >= 0.5; 1/3 is not
    assert len(ws.history["step"].unique()) == steps + 1  # one step
    assert ws.assignments[["gap_id", "service_id"]].values.tolist() == [["G-01", "S-TRAIN-PM"]]
    assert ws.adopt("G-01", min_share=0.3) == ["S-METH-TEMPLATES"]
    assert ws.undo() == "adopt vote" and ws.undo() == "adopt vote"
    assert ws.assignments.empty


def test_a_new_ballot_replaces_the_earlier_one_in_one_step(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("services", ["G-01"])
    (ann,) = join(ws, "Ann")
    assert ann.vote_services("G-01", ["S-TRAIN-PM"])
    assert ann.vote_services("G-01", ["S-METH-TEMPLATES", "S-METH-TEMPLATES"])
    assert not ann.vote_services("G-01", ["S-METH-TEMPLATES"])  # the same: nothing saved
    ballots = ws.history[ws.history["action"] == "ballot"]
    assert len(ballots) == 2 and ballots["step"].is_unique
    assert ann.ballots() == {"G-01": ["S-METH-TEMPLATES"]}
    ws.reveal()
    assert ws.vote_results()[["service_id", "votes"]].values.tolist() == [
        ["S-METH-TEMPLATES", 1]]


def test_results_stay_hidden_until_revealed(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("priority", ["G-01"])
    ann, ben = join(ws, "Ann", "Ben")
    ann.rate("G-01", "H")
    with pytest.raises(pmo_nb.VoteError, match="hidden until reveal"):
        ws.vote_results()
    history = ws.history[ws.history["action"] == "ballot"]
    assert history["after"].tolist() == ["(hidden until the vote is revealed)"]
    assert history["who"].tolist() == ["participant"]  # counted, not named
    progress = ws.vote_progress()
    assert set(progress.columns) == {"participant", "answered", "of"}  # never what
    ws.reveal()
    assert json.loads(ws.history.iloc[-2]["after"])["choice"] == '"H"'
    assert ws.history[ws.history["action"] == "ballot"]["who"].tolist() == ["participant"]


def test_named_votes_show_who_chose_what_in_the_record(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("services", ["G-01"], named=True)
    ann, ben = join(ws, "Ann", "Ben")
    ann.vote_services("G-01", ["S-TRAIN-PM"])
    ben.vote_services("G-01", ["S-TRAIN-PM"])
    ws.reveal()
    table = ws.vote_tables()["service votes"]
    assert table["voters"].tolist() == ["Ann, Ben"]
    assert set(ws.history[ws.history["action"] == "ballot"]["who"]) == {"Ann", "Ben"}


def test_the_record_counts_without_names(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("priority", ["G-01", "G-02"])
    ann, ben, cy = join(ws, "Zelda9", "Yusuf9", "Xia9")
    for p, level in ((ann, "H"), (ben, "H"), (cy, "M")):
        p.rate("G-01", level)
    tables = ws.vote_tables()
    assert tables["priority votes"].empty  # hidden: not in the record yet
    ws.reveal()
    tables = ws.tables()
    row = tables["priority votes"].iloc[0]
    assert (row["vote"], row["gap_id"], row["H"], row["M"], row["consensus"]) == (
        1, "G-01", 2, 1, "H")
    assert "voters" not in tables["priority votes"]
    text = "".join(t.to_string() for t in tables.values())
    assert "a9" not in text and "f9" not in text  # no participant's name anywhere
    assert tables["votes"][["vote_id", "kind", "gaps", "participants"]].values.tolist() == [
        [1, "priority", 2, 3]]


def test_priority_vote_adopt_sets_the_gaps_priority_undoably(ws: pmo_nb.Workshop) -> None:
    before = ws.gaps.set_index("gap_id").at["G-02", "priority"]
    other = "L" if before != "L" else "H"
    ws.open_vote("priority", ["G-02"])
    for p in join(ws, "Ann", "Ben", "Cy"):
        p.rate("G-02", other)
    ws.reveal()
    res = ws.vote_results()
    assert res[["L", "M", "H"]].sum(axis=1).tolist() == [3]
    assert (res["consensus"].iloc[0], res["agreement"].iloc[0]) == (other, 1.0)
    assert ws.adopt("G-02") == [other]
    assert ws.gaps.set_index("gap_id").at["G-02", "priority"] == other
    ws.undo()
    assert ws.gaps.set_index("gap_id").at["G-02", "priority"] == before


def test_errors_name_what_is_wrong(ws: pmo_nb.Workshop) -> None:
    (ann,) = join(ws, "Ann")
    with pytest.raises(pmo_nb.VoteError, match="No vote is open"):
        ann.vote_services("G-01", ["S-TRAIN-PM"])
    with pytest.raises(pmo_nb.VoteError, match="no vote is open"):
        ws.reveal()
    ws.open_vote("services", ["G-01"])
    with pytest.raises(UnknownVoteGapError, match="G-99") as err:
        ann.vote_services("G-99", [])
    assert isinstance(err.value, pmo_nb.VoteError) and isinstance(err.value, KeyError)
    with pytest.raises(UnknownVoteServiceError, match="Closest: S-TRAIN-PM"):
        ann.vote_services("G-01", ["S-TRAIN-PMM"])
    with pytest.raises(pmo_nb.VoteError, match="not part of vote 1"):
        ann.vote_services("G-02", [])
    with pytest.raises(pmo_nb.VoteError, match="asks for services"):
        ann.rate("G-01", "H")
    with pytest.raises(pmo_nb.VoteError, match="still open and hidden"):
        ws.open_vote("priority")
    with pytest.raises(pmo_nb.UsageError, match="'services', 'priority' or 'size'"):
        ws.open_vote("budget")
    ws.reveal()
    with pytest.raises(pmo_nb.VoteError, match="revealed: its ballots are closed"):
        ann.vote_services("G-01", [])
    ws.open_vote("priority", ["G-01"])  # a revealed vote is closed by the next one
    with pytest.raises(pmo_nb.VoteError, match="L, M or H"):
        ann.rate("G-01", "urgent")
    assert isinstance(pmo_nb.VoteError("x"), pmo_nb.PmoError)


def test_undo_passes_over_ballots_and_joins(ws: pmo_nb.Workshop) -> None:
    ws.assign("G-05", "S-METH-LIFECYCLE")
    ws.open_vote("services", ["G-01"])
    (ann,) = join(ws, "Ann")
    ann.vote_services("G-01", ["S-TRAIN-PM"])
    assert ws.undo() == "open vote"  # not Ann's ballot, not her join
    assert ws.current_vote() is None
    assert ws.undo() == "assign"
    assert ws.open_vote("services", ["G-01"]) == 2  # a vote number is never reused


def test_the_same_name_twice_is_two_participants_and_blank_names_are_anonymous(
        ws: pmo_nb.Workshop) -> None:
    ws.open_vote("services", ["G-01"])
    a1, a2, a3, anon1, anon2 = join(ws, " Ann ", "ANN", "Ann", "", "   ")
    assert [a1.name, a2.name, a3.name] == ["Ann", "ANN (2)", "Ann (3)"]
    assert anon1.name.startswith("anonymous-") and anon1.name != anon2.name
    assert ws.participants == ["Ann", "ANN (2)", "Ann (3)", anon1.name, anon2.name]
    a1.vote_services("G-01", ["S-TRAIN-PM"])
    a2.vote_services("G-01", ["S-METH-TEMPLATES"])  # never replaces the first Ann's ballot
    progress = ws.vote_progress()
    assert progress["participant"].tolist()[:2] == ["Ann", "ANN (2)"]
    assert progress["answered"].tolist()[:2] == [1, 1]
    long = pmo_nb.Participant.join(ws.path, "x" * 100 + "\n<b>")
    assert long.name == "x" * 40
    again = pmo_nb.Participant.join(ws.path, "x" * 100)
    assert again.name == "x" * 36 + " (2)"  # still at most 40 characters


def test_a_device_that_joined_comes_back_as_the_same_participant(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("services", ["G-01"])
    phone = pmo_nb.Participant.join(ws.path, "Ann", device="d-1")
    phone.vote_services("G-01", ["S-TRAIN-PM"])
    phone.close()
    reloaded = pmo_nb.Participant.join(ws.path, "", device="d-1")  # a reload: same device
    other = pmo_nb.Participant.join(ws.path, "Ann", device="d-2")
    assert (reloaded.name, other.name) == ("Ann", "Ann (2)")
    assert reloaded.ballots() == {"G-01": ["S-TRAIN-PM"]} and other.ballots() == {}
    assert ws.participants == ["Ann", "Ann (2)"]
    saved = ws._store.read("participants")["device"].tolist()
    assert "d-1" not in saved and all(len(d) == 64 for d in saved)  # a hash, not the id


def test_join_refuses_a_missing_session(tmp_path: Path) -> None:
    with pytest.raises(pmo_nb.SessionError, match="facilitator starts the workshop first"):
        pmo_nb.Participant.join(tmp_path / "nope.sqlite", "Ann")
    assert not (tmp_path / "nope.sqlite").exists()


def test_default_gaps_leave_out_handed_over_ones_for_services(ws: pmo_nb.Workshop) -> None:
    ws.hand_over("G-03", "Finance")
    ws.open_vote("services")
    assert "G-03" not in ws.current_vote()["gap_ids"]
    ws.reveal()
    ws.open_vote("priority")
    assert len(ws.current_vote()["gap_ids"]) == len(ws.gaps)


def test_an_older_session_gets_the_vote_tables_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    pmo_nb.Workshop.open(path, gaps=SAMPLE_GAPS, catalog=CATALOG).close()
    with sqlite3.connect(path) as conn:  # make it a schema-1 session, as older pmo_nb wrote
        for table in ("votes", "ballots", "participants"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with pmo_nb.Workshop.open(path) as ws:
        ws.open_vote("priority", ["G-01"])
        assert ws.current_vote()["vote_id"] == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(pmo_nb.store.SCHEMA_VERSION),)


def test_tallies_are_pure_and_leave_their_input_alone() -> None:
    ballots = pd.DataFrame({"vote_id": [1] * 4, "participant": ["a", "b", "c", "d"],
                            "gap_id": ["G-1", "G-1", "G-2", "G-2"],
                            "choice": ['"L"', '"H"', '"M"', '"M"']})
    before = ballots.copy()
    out = votes.priority_results(ballots, ["G-2", "G-1"])
    pd.testing.assert_frame_equal(ballots, before)
    assert out["gap_id"].tolist() == ["G-2", "G-1"]  # the vote's order
    assert out["consensus"].tolist() == ["M", ""]  # L vs H: no consensus invented
    assert votes.service_results(ballots.iloc[0:0]).empty
    assert votes.progress(ballots.iloc[0:0], ["a"], 3).values.tolist() == [["a", 0, 3]]


@pytest.mark.parametrize("counts, consensus, agreement", [
    ((3, 0, 0), "L", 1.0), ((1, 2, 1), "M", 0.5), ((2, 2, 0), "", 0.5),
    ((2, 1, 2), "", 0.4), ((1, 2, 2), "M", 0.4)])
def test_consensus_rule(counts: tuple[int, int, int], consensus: str, agreement: float) -> None:
    names = iter(range(100))
    rows = [(str(next(names)), "G-1", json.dumps(level))
            for level, n in zip("LMH", counts, strict=True) for _ in range(n)]
    ballots = pd.DataFrame(rows, columns=["participant", "gap_id", "choice"])
    out = votes.priority_results(ballots).iloc[0]
    assert (out["consensus"], out["agreement"]) == (consensus, agreement)

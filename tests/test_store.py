"""Durability, two handles on one session, and files that are not sessions.

Tests on ``ws`` / ``session_url`` run on both stores (an SQLite file and a workshop in a
throwaway PostgreSQL server); the ones marked ``stores("sqlite")`` are about the file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_GAPS
from pmo_nb import SessionError
from pmo_nb.store import SCHEMA_VERSION

pytestmark = pytest.mark.stores("sqlite", "postgresql")


def test_a_change_survives_a_killed_process(session_url):
    path = session_url
    pmo_nb.Workshop.open(path, gaps=SAMPLE_GAPS, catalog=CATALOG).close()
    script = textwrap.dedent(f"""
        import os, pmo_nb
        ws = pmo_nb.Workshop.open({str(path)!r})
        ws.assign("G-01", "S-TRAIN-PM", "partial", note="typed in the room")
        ws.hand_over("G-02", "HR")
        os._exit(0)  # the kernel dies: no close, no checkpoint
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    ws = pmo_nb.Workshop.open(path)
    row = ws.assignments.iloc[0]
    assert (row["gap_id"], row["contribution"], row["note"]) == ("G-01", "partial",
                                                                 "typed in the room")
    assert ws.coverage().set_index("gap_id").at["G-02", "status"] == "handed over"


def test_two_handles_interleave_without_losing_changes(session_url):
    path = session_url
    a = pmo_nb.Workshop.open(path, gaps=SAMPLE_GAPS, catalog=CATALOG)
    b = pmo_nb.Workshop.open(path)
    assert a.coverage()["status"].eq("open").sum() == 15  # warm a's cache
    b.assign("G-01", "S-TRAIN-PM")
    assert a.coverage().set_index("gap_id").at["G-01", "status"] == "covered"
    a.assign("G-02", "S-TRAIN-MENTOR")
    b.assign("G-03", "S-TRAIN-PM", "partial")
    a.add_service("S-NEW", "Hotline", "Communication and change", "basic",
                  "Project communication", "d", 1)
    assert "S-NEW" in set(b.catalog["service_id"])
    b.assign("G-04", "S-NEW")
    assert set(a.assignments["gap_id"]) == set(b.assignments["gap_id"]) == {
        "G-01", "G-02", "G-03", "G-04"}
    assert a.undo() == "assign"  # b's last change: undo is per session
    assert "G-04" not in set(b.assignments["gap_id"])
    assert list(b.history["action"]) == list(a.history["action"])


@pytest.mark.stores("sqlite")
def test_a_failed_write_keeps_everything_saved(ws):
    ws.assign("G-01", "S-TRAIN-PM")
    ws._store._conn.execute("PRAGMA query_only = 1")  # the file became read-only
    with pytest.raises(SessionError, match=r"Could not save to 's.sqlite' \(.*\); the change "
                                           r"was not made and everything saved before is intact"):
        ws.assign("G-02", "S-TRAIN-PM")
    with pytest.raises(SessionError):
        ws.undo()
    ws._store._conn.execute("PRAGMA query_only = 0")
    assert list(ws.assignments["gap_id"]) == ["G-01"]
    assert len(pmo_nb.Workshop.open(ws.path).history) == 1


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("content", [b"", b"gap_id,aspect\nG-1,x\n", b"SQLite format 3\x00" +
                                     b"\x13" * 200])
def test_not_a_session_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "odd.sqlite"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=r"'odd.sqlite' is not a (readable )?pmo_nb session"):
        pmo_nb.Workshop.open(path, gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert path.read_bytes() == content


@pytest.mark.stores("sqlite")
def test_another_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = path.read_bytes()
    with pytest.raises(SessionError, match=r"is an SQLite file but not a pmo_nb session; it was "
                                           r"left untouched"):
        pmo_nb.Workshop.open(path)
    assert path.read_bytes() == before


@pytest.mark.stores("sqlite")
def test_a_newer_schema_is_refused(ws):
    with sqlite3.connect(ws.path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION + 1),))
    with pytest.raises(SessionError, match=rf"written by a newer pmo_nb \(session schema "
                                           rf"{SCHEMA_VERSION + 1}; this one reads up to "
                                           rf"{SCHEMA_VERSION}\)\. Upgrade pmo_nb"):
        pmo_nb.Workshop.open(ws.path)


@pytest.mark.stores("sqlite")
def test_session_records_its_schema_version_and_wal(ws):
    with sqlite3.connect(ws.path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION),)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_other_handles_changes_are_seen_and_told(ws):
    other = pmo_nb.Workshop.open(ws.path)
    told = []
    ws.subscribe(told.append)
    assert ws.poll() is False and told == []
    other.assign("G-01", "S-TRAIN-PM")
    assert ws.poll() is True  # seen without reading any table
    assert [(c.action, c.here) for c in told] == [("changed elsewhere", False)]
    assert ws.poll() is False  # told once
    ws.assign("G-02", "S-TRAIN-PM")
    assert [(c.action, sorted(c.tables), c.here) for c in told][-1] == (
        "assign", ["assignments"], True)
    assert other.poll() is True


def test_a_change_seen_while_reading_is_still_told_by_poll(ws):
    other = pmo_nb.Workshop.open(ws.path)
    other.assign("G-01", "S-TRAIN-PM")
    assert len(ws.assignments) == 1  # the read saw the change and dropped the cache
    told = []
    ws.subscribe(told.append)
    assert ws.poll() is True and [c.here for c in told] == [False]


def test_a_failing_subscriber_does_not_lose_the_change(ws, caplog):
    def broken(change):
        raise RuntimeError("view broke")

    ws.subscribe(broken)
    ws.assign("G-01", "S-TRAIN-PM")
    assert len(ws.assignments) == 1
    assert "a subscriber failed" in caplog.text


def test_subscribing_again_under_a_key_replaces(ws):
    first, second = [], []
    ws.subscribe(first.append, key="panel")
    ws.subscribe(second.append, key="panel")
    ws.assign("G-01", "S-TRAIN-PM")
    assert first == [] and len(second) == 1
    ws.unsubscribe("panel")
    ws.undo()
    assert len(second) == 1


def test_another_handles_ballot_leaves_the_gaps_cached(ws):
    """A participant's change drops only the tables it touched from other handles' caches."""
    other = pmo_nb.Workshop.open(ws.path)
    gaps = ws._frame("gaps")  # cached
    other.assign("G-01", "S-TRAIN-PM")
    assert len(ws.assignments) == 1  # seen...
    assert ws._frame("gaps") is gaps  # ...and the gaps were not read again
    told = []
    ws.subscribe(told.append)
    assert ws.poll() and told[0].tables == frozenset({"assignments"})
    other.undo()  # an undo may touch anything: everything is read again
    assert ws.assignments.empty and ws._frame("gaps") is not gaps

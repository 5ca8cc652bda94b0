"""PostgreSQL sessions: URLs, connection errors in words, many workshops in one database,
schema versions, and a handle that survives a dropped connection."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.parse

import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_ASSIGNMENTS, SAMPLE_GAPS
from pmo_nb import SessionError
from pmo_nb.store import Op, is_url, list_workshops, target

psycopg = pytest.importorskip("psycopg")


def with_workshop(url: str, name: str) -> str:
    return f"{url}?workshop={urllib.parse.quote(name)}"


def replace(url: str, **parts: str) -> str:
    split = urllib.parse.urlsplit(url)
    netloc = parts.pop("netloc", split.netloc)
    return urllib.parse.urlunsplit(split._replace(netloc=netloc, **parts))


@pytest.mark.parametrize("text", ["postgresql://me@db:5432/pmo?workshop=acme",
                                  "postgres://db/pmo?workshop=acme", "postgresql:///pmo",
                                  "POSTGRESQL://db/pmo"])
def test_a_url_is_never_a_local_path(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert is_url(text) and isinstance(target(text), str)
    with pytest.raises(SessionError):
        pmo_nb.Workshop.open(text + ("&" if "?" in text else "?") + "connect_timeout=1",
                             gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert list(tmp_path.iterdir()) == []  # no folder named 'postgresql:'


@pytest.mark.parametrize("text", ["mysql://db/pmo", "sqlite:///s.sqlite", "https://x/y"])
def test_other_urls_are_refused_not_made_into_folders(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SessionError, match=r"sessions are not supported; a session is an "
                                           r"SQLite file path or postgresql://"):
        pmo_nb.Workshop.open(text, gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert list(tmp_path.iterdir()) == []


def test_a_url_must_name_the_workshop(pg_server):
    with pytest.raises(SessionError, match=r"names no workshop: add \?workshop=NAME"):
        pmo_nb.Workshop.open(pg_server.url, gaps=SAMPLE_GAPS, catalog=CATALOG)


@pytest.mark.parametrize("change, why", [
    ({"netloc": "pmo:wrong@127.0.0.1:{port}"}, "the user or password is wrong"),
    ({"path": "/no_such_db"}, "the database does not exist"),
    ({"netloc": "pmo:x@127.0.0.1:{free}"}, "no PostgreSQL server answers there"),
])
def test_connection_problems_are_clear_and_quick(pg_server, change, why):
    from _postgres import free_port

    port = urllib.parse.urlsplit(pg_server.url).port
    change = {k: v.format(port=port, free=free_port()) for k, v in change.items()}
    url = with_workshop(replace(pg_server.url, **change), "acme")
    start = time.monotonic()
    with pytest.raises(SessionError, match=rf"Could not connect to PostgreSQL for the workshop "
                                           rf"'acme' at .*: {why}") as caught:
        pmo_nb.Workshop.open(url, gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert time.monotonic() - start < 6
    assert "wrong" not in str(caught.value).replace("is wrong", "")  # no password shown


def test_a_wrong_password_from_pg_variables_names_what_was_tried(pg_server, monkeypatch):
    """The hub's form (``postgresql:///?workshop=``): host, user and database come from
    the PG* variables, and the message names them, never "(default user)"."""
    parts = urllib.parse.urlsplit(pg_server.url)
    for name, value in {"PGHOST": parts.hostname, "PGPORT": str(parts.port),
                        "PGUSER": parts.username, "PGDATABASE": parts.path.lstrip("/"),
                        "PGPASSWORD": "not-the-password"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SessionError) as caught:
        pmo_nb.Workshop.open("postgresql:///?workshop=acme", gaps=SAMPLE_GAPS, catalog=CATALOG)
    where = f"{parts.username}@{parts.hostname}:{parts.port}/{parts.path.lstrip('/')}"
    assert f"for the workshop 'acme' at {where}: the user or password is wrong" in str(
        caught.value)
    assert "default" not in str(caught.value) and "not-the-password" not in str(caught.value)


def test_many_workshops_share_a_database_and_are_listed(pg_server):
    names = [f"list-{time.time_ns()}-{i}" for i in range(2)]
    a = pmo_nb.Workshop.open(with_workshop(pg_server.url, names[0]), gaps=SAMPLE_GAPS,
                             catalog=CATALOG, assignments=SAMPLE_ASSIGNMENTS)
    b = pmo_nb.Workshop.open(with_workshop(pg_server.url, names[1]), gaps=SAMPLE_GAPS,
                             catalog=CATALOG)
    b.assign("G-01", "S-TRAIN-PM")
    assert (len(a.assignments), len(b.assignments)) == (18, 1)  # each sees its own
    assert b.undo() == "assign" and len(a.assignments) == 18  # undo is per workshop
    listed = list_workshops(pg_server.url).set_index("name").loc[names]
    assert list(listed.columns) == ["created", "gaps", "last_change"]
    assert listed["gaps"].tolist() == [18, 18]
    assert (listed["last_change"] >= listed["created"]).all()


def test_pmo_nb_list_shows_the_workshops(pg_server):
    name = f"cli-{time.time_ns()}"
    pmo_nb.Workshop.open(with_workshop(pg_server.url, name), gaps=SAMPLE_GAPS,
                         catalog=CATALOG).close()
    out = subprocess.run([sys.executable, "-m", "pmo_nb", "list", pg_server.url],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert name in out.stdout and "last_change" in out.stdout
    assert "pmo-test-secret" not in out.stdout + out.stderr


def test_a_bad_seed_creates_no_workshop(pg_server):
    url = with_workshop(pg_server.url, f"seed-{time.time_ns()}")
    seed = SAMPLE_ASSIGNMENTS.read_text().replace("S-TRAIN-PM", "S-NOPE", 1)
    with pytest.raises(pmo_nb.DataError, match=r"Unknown service id 'S-NOPE'"):
        pmo_nb.Workshop.open(url, gaps=SAMPLE_GAPS, catalog=CATALOG,
                             assignments=pd.read_csv(io.StringIO(seed)))
    assert url.split("=")[-1] not in set(list_workshops(pg_server.url)["name"])


def test_a_newer_database_schema_is_refused(pg_server):
    url = with_workshop(pg_server.url, f"new-{time.time_ns()}")
    pmo_nb.Workshop.open(url, gaps=SAMPLE_GAPS, catalog=CATALOG).close()
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute("UPDATE pmo_nb.schema_version SET version = version + 1")
        try:
            with pytest.raises(SessionError, match=r"was written by a newer pmo_nb \(session "
                                                   r"schema \d+; this one reads up to \d+\)"):
                pmo_nb.Workshop.open(url)
        finally:
            conn.execute("UPDATE pmo_nb.schema_version SET version = version - 1")


def test_a_dropped_connection_is_an_error_once_then_reconnects(pg_server):
    ws = pmo_nb.Workshop.open(with_workshop(pg_server.url, f"drop-{time.time_ns()}"),
                              gaps=SAMPLE_GAPS, catalog=CATALOG)
    ws.assign("G-01", "S-TRAIN-PM")
    pid = ws._store._conn.info.backend_pid
    with psycopg.connect(pg_server.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)
    ws.assign("G-02", "S-TRAIN-PM")  # a read first: it connects again by itself
    pid = ws._store._conn.info.backend_pid
    with psycopg.connect(pg_server.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)
    with pytest.raises(SessionError, match=r"The connection to 'postgresql://.*\?workshop="
                                           r"drop-\d+' was lost while saving"):
        ws._store.change("assign", [Op("assignment", ("G-03", "S-TRAIN-PM"),
                                       {"contribution": "full"})])
    ws.undo()  # the next change connects again
    assert set(pmo_nb.Workshop.open(ws.path).assignments["gap_id"]) == {"G-01"}


def test_the_password_is_never_in_a_label_or_message(pg_server):
    ws = pmo_nb.Workshop.open(with_workshop(pg_server.url, f"pw-{time.time_ns()}"),
                              gaps=SAMPLE_GAPS, catalog=CATALOG)
    assert "pmo-test-secret" not in ws.label + repr(ws)
    other = pd.read_csv(SAMPLE_GAPS).iloc[:-1]
    with pytest.raises(SessionError, match=r"'postgresql://pmo@127.*\?workshop=pw-\d+' was "
                                           r"created from other gaps") as caught:
        pmo_nb.Workshop.open(ws.path, gaps=other)
    assert "pmo-test-secret" not in str(caught.value)


def test_the_record_never_shows_a_session_password():
    from pmo_nb.record.build import _without_password

    assert _without_password("postgresql://pmo:s%40cret@db:5432/pmo?workshop=a") == (
        "postgresql://pmo@db:5432/pmo?workshop=a", "s@cret")
    assert _without_password("sessions/a.sqlite") == ("sessions/a.sqlite", None)

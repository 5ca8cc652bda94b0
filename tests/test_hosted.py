"""A hosted workshop from the command line, on a PostgreSQL set up by deploy/pg-init.sql:
`pmo-nb new --session`, `pmo-nb list`, `pmo-nb room` and `pmo-nb serve --room` (the hub's
one participants' app). The whole hub: tests/test_hub.py."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_GAPS, TEAM_PASSWORDS
from pmo_nb import cli
from pmo_nb.app.serve import free_port

ROOM_URL = "https://hub.example.org/services/pmo-participants/"


@pytest.fixture
def hub_env(team_pg, monkeypatch) -> str:
    """The PG* variables the hub gives a facilitator's server; the session URL's form."""
    for name, value in {"PGHOST": "127.0.0.1", "PGPORT": str(team_pg.port), "PGUSER": "pmo",
                        "PGDATABASE": "pmo", "PGPASSWORD": TEAM_PASSWORDS["pmo"]}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PMO_NB_ROOM_URL", ROOM_URL)
    return f"postgresql:///?workshop=hosted-{time.time_ns()}"


def parameters(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return next("".join(c["source"]) for c in cells if "parameters" in c["metadata"].get(
        "tags", []))


def test_new_with_session_points_every_notebook_at_the_hosted_workshop(hub_env, tmp_path,
                                                                         capsys):
    assert cli.main(["new", str(tmp_path / "ann"), "--gaps", str(SAMPLE_GAPS), "--session",
                     hub_env]) == 0
    assert f'pmo-nb record --session "{hub_env}" --out record' in capsys.readouterr().out
    for name in ("workshop", "coverage", "prioritize"):
        assert f"session_path = {json.dumps(hub_env)}" in parameters(tmp_path / "ann" /
                                                                      f"{name}.ipynb")
    assert not (tmp_path / "ann" / "sessions").exists()  # nothing local to lose
    assert cli.main(["new", str(tmp_path / "bob"), "--session", hub_env]) == 2
    assert "does not exist in pmo@127.0.0.1" in capsys.readouterr().err
    pmo_nb.open_workshop(hub_env, SAMPLE_GAPS, CATALOG).close()  # ann's first run
    assert cli.main(["new", str(tmp_path / "bob"), "--session", hub_env]) == 0
    assert f"session_path = {json.dumps(hub_env)}" in parameters(tmp_path / "bob" /
                                                                  "workshop.ipynb")
    assert "gaps_path = None" in parameters(tmp_path / "bob" / "workshop.ipynb")


@pytest.mark.parametrize("session, said", [
    ("postgresql://pmo:s3cret@db/pmo?workshop=a", "--session must not carry a password"),
    ("sessions/a.sqlite", "--session takes a hosted workshop"),
    ("postgresql://pmo@db/pmo", "--session takes a hosted workshop"),
])
def test_new_refuses_a_session_that_is_no_hosted_workshop(tmp_path, capsys, session, said):
    assert cli.main(["new", str(tmp_path / "x"), "--gaps", str(SAMPLE_GAPS), "--session",
                     session]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pmo-nb new: {said}") and "s3cret" not in err
    assert not (tmp_path / "x").exists()


def test_list_tells_how_to_open_a_workshop_without_the_password(team_pg, capsys):
    url = team_pg.url_as("pmo")
    pmo_nb.Workshop.open(f"{url}?workshop=listed", gaps=SAMPLE_GAPS, catalog=CATALOG).close()
    assert cli.main(["list", url]) == 0
    out = capsys.readouterr().out
    port = urllib.parse.urlsplit(url).port
    assert "open one: pmo-nb new FOLDER --session 'postgresql://pmo@127.0.0.1:" \
           f"{port}/pmo?workshop=" in out
    assert TEAM_PASSWORDS["pmo"] not in out


def test_room_prints_the_link_and_keeps_its_qr_code_private(hub_env, tmp_path, monkeypatch,
                                                             capsys):
    pmo_nb.open_workshop(hub_env, SAMPLE_GAPS, CATALOG).close()
    monkeypatch.chdir(tmp_path)
    assert cli.main(["room", hub_env]) == 0
    out = capsys.readouterr().out
    assert f"Participants join at:\n  {ROOM_URL}?token=" in out
    png = tmp_path / "pmo-participants-join.png"
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    monkeypatch.delenv("PMO_NB_ROOM_URL")
    assert cli.main(["room", hub_env]) == 2
    assert "Where do phones reach the room?" in capsys.readouterr().err


def test_serve_says_a_missing_workshop_at_start(hub_env):
    done = subprocess.run([sys.executable, "-m", "pmo_nb", "serve", hub_env],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("pmo-nb serve: The workshop 'hosted-")
    assert "does not exist in pmo@127.0.0.1" in done.stderr


def start_room(room: str, tmp_path: Path) -> tuple[subprocess.Popen, str, Path]:
    """`pmo-nb serve --room ROOM postgresql:///` as the hub starts it, once it answers."""
    port = free_port("127.0.0.1", 0)
    log = tmp_path / "room.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pmo_nb", "serve", "--room", room,
                                 "postgresql:///", "--port", str(port)], stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc, log)
    except BaseException:
        stop(proc)
        raise
    return proc, base, log


def wait_ready(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_the_hosted_room_lets_in_only_the_token_a_facilitator_opened_last(hub_env, tmp_path):
    """`serve --room` as the hub runs it: no token printed, none valid before a facilitator
    opens the room, the old link refused once it is opened again."""
    proc, base, log = start_room("r1", tmp_path)
    try:
        assert "Hosted room 'r1': not open yet" in log.read_text()
        pmo_nb.open_workshop(hub_env, SAMPLE_GAPS, CATALOG).close()
        first = pmo_nb.open_room(hub_env, room="r1").url.split("token=")[1]
        time.sleep(2.5)  # the room is read again every 2 s
        assert httpx.get(f"{base}/?token={first}").status_code == 303
        second = pmo_nb.open_room(hub_env, room="r1").url.split("token=")[1]
        time.sleep(2.5)
        assert httpx.get(f"{base}/?token={first}").status_code == 403  # the old link
        phone = httpx.Client(base_url=base, follow_redirects=True)
        assert phone.get(f"/?token={second}").status_code == 200
        assert first not in log.read_text() and second not in log.read_text()
    finally:
        stop(proc)


def test_the_hosted_room_starts_while_the_database_is_away(tmp_path, monkeypatch):
    """At a machine's start the hub may come up before PostgreSQL: the room says so and
    runs (a service that exits would stop the hub, and no one could log in)."""
    from _postgres import free_port as closed_port

    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", str(closed_port()))
    proc, base, log = start_room("r2", tmp_path)
    try:
        said = log.read_text()
        assert "Hosted room 'r2': Could not connect to PostgreSQL for the database at " in said
        assert "Phones are refused until the database answers" in said
        assert httpx.get(f"{base}/?token=x").status_code == 403
    finally:
        stop(proc)

"""The recipe in deploy/ on a real JupyterHub, as a team's admin sets it up (docs/deploy.md).

JupyterHub from PyPI, configurable-http-proxy from npm (`make hub-deps`), a PostgreSQL set
up by deploy/pg-init.sql, and deploy/jupyterhub_config.py loaded as TLJH loads its drop-ins,
after a services list that holds TLJH's idle culler. Three hub users get their own server
(local processes): two facilitators (the hub group pmo-facilitators) and an analyst. Each
runs the workshop notebook's code, made by `pmo-nb new --session`, on one PostgreSQL
workshop; a phone joins the room through the hub's proxy; the hub restarts and nothing is
lost. Everything is on 127.0.0.1, and everything started is stopped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import httpx
import pytest
from _hub import CHP, Hub, Kernel, free_port
from _room_client import Phone

from conftest import SAMPLE_GAPS, TEAM_PASSWORDS

pytestmark = pytest.mark.skipif(not CHP.exists(), reason=(
    f"configurable-http-proxy not at {CHP}: `make hub-deps` installs it with npm (Debian's "
    "npm: apt-get install npm)"))
pytest.importorskip("jupyterhub", reason="the hub test needs jupyterhub (pip install -e "
                    "'.[test]')")
pytest.importorskip("jupyterhub_idle_culler", reason="the hub test needs "
                    "jupyterhub-idle-culler (pip install -e '.[test]')")

URL = "postgresql:///?workshop=acme"
ROOM = "pmo-participants"


def service_user() -> str:
    """``nobody`` when it may run this environment's Python; else (a Python under /root,
    as pyenv's here) the service runs as the hub's user, with a warning that says so."""
    done = subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c",
                           "import pmo_nb"], capture_output=True, cwd="/")
    if done.returncode == 0:
        return "nobody"
    warnings.warn(f"the room's service runs as the hub's user in this test: the user nobody "
                  f"cannot run {sys.executable} ({done.stderr.decode().strip()[:120]})",
                  stacklevel=2)
    return ""


@pytest.fixture
def hub(team_pg, tmp_path: Path):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin",  # as TLJH's unit: no pmo-nb on it
           "PMO_NB_USER_ENV": sys.prefix, "PMO_NB_SERVICE_USER": service_user(),
           "PMO_NB_ROOM_PORT": str(free_port()), "PMO_NB_PGHOST": "127.0.0.1",
           "PMO_NB_PGPORT": str(team_pg.port), "PMO_NB_PGPASSWORD": TEAM_PASSWORDS["pmo"],
           "PMO_NB_PGPASSWORD_READ": TEAM_PASSWORDS["pmo_read"]}
    hub = Hub(tmp_path / "hub", env)
    hub.env = {k: v for k, v in hub.env.items() if not k.startswith("PG")}
    hub.env["PMO_NB_PUBLIC_HUB"] = hub.url
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        hub.kill_all()


def wait_for_services(hub: Hub) -> dict[str, dict]:
    """Both services running (their processes up), the room answering through the proxy."""
    hub.wait(lambda: httpx.get(f"{hub.url}/services/{ROOM}/readyz").status_code == 200,
             "the room behind the hub's proxy")
    return hub.services()


def opened(kernel: Kernel, folder: str, *new_args: str) -> None:
    """``pmo-nb new FOLDER --session URL ...`` in the user's home, then the folder's
    workshop.ipynb up to the cell that opens its session (the panels need a browser)."""
    kernel.run(f"import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'pmo_nb', "
               f"'new', {folder!r}, '--session', {URL!r}, *{list(new_args)!r}], check=True)")
    cells = json.loads(kernel.run(
        f"import json, nbformat\nnb = nbformat.read({folder + '/workshop.ipynb'!r}, 4)\n"
        "print(json.dumps([c.source for c in nb.cells if c.cell_type == 'code'][:3]))"))
    kernel.run(f"import os\nos.chdir({folder!r})")
    for cell in cells:
        kernel.run(cell)


def test_the_recipe_on_a_real_hub(hub: Hub, team_pg) -> None:
    start = time.monotonic()
    services = wait_for_services(hub)
    assert {"cull-idle", ROOM} <= set(services)  # TLJH's culler survived the drop-in
    psutil = pytest.importorskip("psutil")
    culler, room = (psutil.Process(services[n]["pid"]) for n in ("cull-idle", ROOM))
    assert culler.is_running() and "jupyterhub_idle_culler" in " ".join(culler.cmdline())
    assert room.cmdline()[1] == str(Path(sys.prefix) / "bin" / "pmo-nb")
    assert room.username() == (hub.env["PMO_NB_SERVICE_USER"] or "root")
    assert room.username() != "root" or not hub.env["PMO_NB_SERVICE_USER"]
    # the room says at start for which workshop it is open ("not open yet" on a new
    # database; the team's database of this test run may hold an earlier test's room)
    hub.wait(lambda: "Hosted room 'pmo-participants': " in hub.log.read_text(),
             "the room saying in the hub's log for which workshop it is open")

    for user in ("ann", "bob", "cy"):  # as the admin page does; cy is an analyst
        assert hub.api.post(f"/users/{user}").status_code == 201
    assert hub.api.post("/groups/pmo-facilitators", json={"users": ["ann", "bob"]}) \
        .status_code == 201
    hub.spawn("ann", "bob", "cy")
    ann, bob, cy = (Kernel(hub, u) for u in ("ann", "bob", "cy"))
    try:
        opened(ann, "acme", "--gaps", str(SAMPLE_GAPS))  # starts the workshop
        ann.run("ws.assign('G-01', 'S-TRAIN-PM')")
        opened(bob, "acme")  # the workshop exists: bob's folder opens it
        assert bob.run("import os; print(os.environ['PGUSER'])").strip() == "pmo"
        said = bob.run("print(ws.assignments[['gap_id', 'service_id']].values.tolist()); "
                       "print(ws.history['who'].tolist())")
        assert "['G-01', 'S-TRAIN-PM']" in said and "ann" in said  # ann's change, by ann
        bob.run("ws.assign('G-02', 'S-TRAIN-PM'); ws.open_vote('priority')")
        assert "G-02" in ann.run("print(ws.assignments['gap_id'].tolist())")  # bob's
        opened(cy, "acme")  # the analyst reads, and may not write
        assert cy.run("import os; print(os.environ['PGUSER'])").strip() == "pmo_read"
        refused = cy.run("try:\n    ws.assign('G-03', 'S-TRAIN-PM')\nexcept Exception as e:"
                         "\n    print(e)")
        assert "This database role may only read" in refused

        link = ann.run("print(pmo_nb.open_room(session_path).url)").strip()
        assert link.startswith(f"{hub.url}/services/{ROOM}/?token=")
        token = link.split("?token=")[1]
        bare = httpx.get(f"{hub.url}/services/{ROOM}/")
        assert bare.status_code == 403 and "Ask the facilitator" in bare.text
        phone = Phone(f"{hub.url}/services/{ROOM}", token, origin=hub.url).open()
        try:
            phone.join("Pat")
            hub.wait(lambda: "Pat" in ann.run("print(ws.participants)"), "Pat in the room")
        finally:
            phone.close()
    finally:
        for kernel in (ann, bob, cy):
            kernel.close()

    hub.stop()  # as `systemctl restart jupyterhub`: the hub stops what it started
    for process in (culler, room):
        assert not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    hub.start()
    wait_for_services(hub)
    again = httpx.get(link, follow_redirects=True)  # the link a phone was given still works
    assert again.status_code == 200 and str(again.url) == f"{hub.url}/services/{ROOM}/"
    hub.spawn("ann")
    ann = Kernel(hub, "ann")
    try:
        ann.run("import os\nos.chdir('acme')\nimport pmo_nb\n"
                f"ws = pmo_nb.open_workshop({URL!r})")
        kept = ann.run("print(sorted(ws.assignments['gap_id'])); print(ws.participants)")
        assert "['G-01', 'G-02']" in kept and "Pat" in kept
    finally:
        ann.close()
    log = hub.log.read_text()
    assert token not in log and f"{ROOM}/?token=" not in log  # the join link is in no log
    print(f"hub test: {time.monotonic() - start:.0f} s")

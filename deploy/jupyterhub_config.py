"""pmo_nb on a JupyterHub with local users (The Littlest JupyterHub): a drop-in file.

TLJH: copy to /opt/tljh/config/jupyterhub_config.d/pmo_nb.py, then `sudo tljh-config reload`.
TLJH loads it after its own settings: this file only adds to what is there (its idle
culler stays in c.JupyterHub.services). Zero to JupyterHub does not use this file:
deploy/z2jh-values.yaml holds the same settings for the chart (docs/deploy.md).

Every user's server gets libpq's variables, so a notebook's session is only the
workshop's name and no password is in any notebook:

    session_path = "postgresql:///?workshop=acme-2026-q1"

Members of the hub group `pmo-facilitators` connect as the role that writes (`pmo`),
everyone else as the role that only reads (`pmo_read`; deploy/pg-init.sql makes both).
The passwords come from the hub's environment (a file only root can read, loaded by the
hub's systemd unit: docs/deploy.md), never from this file.

The participants' app runs as a hub service for the whole team, as the unprivileged user
`pmo-participants`: `pmo-nb serve --room`, reached through the hub's proxy at
https://HUB/services/pmo-participants/. A facilitator opens the room for a workshop with
`pmo-nb room postgresql:///?workshop=NAME` (or `pmo_nb.open_room(session_path)` in a
notebook) and gets the join link; the service never knows the token, so no log shows it.
"""

import os
import sys

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

ENV = os.environ.get
USER_ENV = ENV("PMO_NB_USER_ENV", "/opt/tljh/user")  # where pmo_nb is installed (TLJH's)
PMO_NB = os.path.join(USER_ENV, "bin", "pmo-nb")  # the hub's PATH does not hold it
FACILITATORS = ENV("PMO_NB_FACILITATORS", "pmo-facilitators")  # a hub group (admin page)
WRITER, READER = ENV("PMO_NB_PGUSER", "pmo"), ENV("PMO_NB_PGUSER_READ", "pmo_read")
PASSWORDS = {WRITER: ENV("PMO_NB_PGPASSWORD", ""), READER: ENV("PMO_NB_PGPASSWORD_READ", "")}
PUBLIC = ENV("PMO_NB_PUBLIC_HUB", "https://hub.example.org").rstrip("/")
ROOM, PORT = "pmo-participants", ENV("PMO_NB_ROOM_PORT", "8765")
ROOM_URL = f"{PUBLIC}/services/{ROOM}/"

PG = {
    "PGHOST": ENV("PMO_NB_PGHOST", "127.0.0.1"),
    "PGPORT": ENV("PMO_NB_PGPORT", "5432"),
    "PGDATABASE": ENV("PMO_NB_PGDATABASE", "pmo"),
    "PGCONNECT_TIMEOUT": "5",
}


def pg_role(spawner) -> str:
    """The database role of a user's server: the writer for facilitators, else the reader."""
    return WRITER if any(g.name == FACILITATORS for g in spawner.user.groups) else READER


c.Spawner.environment.update({
    **PG,
    "PGUSER": pg_role,  # JupyterHub calls a callable with the spawner, at each start
    "PGPASSWORD": lambda spawner: PASSWORDS[pg_role(spawner)],
    "PMO_NB_ROOM_URL": ROOM_URL,  # where `pmo-nb room` says the phones join
})

if not os.access(PMO_NB, os.X_OK):  # said in the hub's log; users still log in
    print(f"pmo_nb: {PMO_NB} not found: the participants' room is not started. Install "
          f"pmo_nb into {USER_ENV} (sudo {USER_ENV}/bin/pip install 'pmo_nb[postgres]') or "
          "set PMO_NB_USER_ENV to the environment that has it.", file=sys.stderr)
else:
    c.JupyterHub.services.append({  # appended: TLJH's culler (and any other) stays
        "name": ROOM,
        "url": f"http://127.0.0.1:{PORT}",
        "command": [PMO_NB, "serve", "--room", ROOM, "postgresql:///",
                    "--host", "127.0.0.1", "--port", PORT, "--public-url", ROOM_URL,
                    # the hub's proxy, on this machine: its X-Forwarded-For is each phone's
                    # address, its X-Forwarded-Proto the hub's https (Secure cookies)
                    "--trusted-proxy", "127.0.0.1"],
        "user": ENV("PMO_NB_SERVICE_USER", "pmo-participants"),  # never root
        "cwd": "/",  # the service writes no file
        "environment": {**PG, "PGUSER": WRITER, "PGPASSWORD": PASSWORDS[WRITER],
                        "HOME": "/nonexistent"},
    })

# Many facilitators, one hub: its own database may be PostgreSQL too (JupyterHub's docs
# recommend it beyond a small deployment), e.g.
# c.JupyterHub.db_url = "postgresql://jupyterhub@127.0.0.1:5432/jupyterhub"

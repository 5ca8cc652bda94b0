"""pmo_nb on JupyterHub: every single-user server reaches the team's PostgreSQL.

TLJH: copy to /opt/tljh/config/jupyterhub_config.d/pmo_nb.py, then `sudo tljh-config reload`.
Zero to JupyterHub: the same lines go under `hub.extraConfig` (deploy/z2jh-values.yaml).

libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGCONNECT_TIMEOUT, so a
notebook's session is only the workshop's name, and no password is in any notebook:

    session_path = "postgresql:///?workshop=acme-2026-q1"

The password comes from the hub's own environment (a file only root can read, or a
Kubernetes secret), never from this file.
"""

import os

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

PG = {
    "PGHOST": os.environ.get("PMO_NB_PGHOST", "127.0.0.1"),
    "PGPORT": os.environ.get("PMO_NB_PGPORT", "5432"),
    "PGDATABASE": os.environ.get("PMO_NB_PGDATABASE", "pmo"),
    "PGUSER": os.environ.get("PMO_NB_PGUSER", "pmo"),
    "PGPASSWORD": os.environ.get("PMO_NB_PGPASSWORD", ""),
    "PGCONNECT_TIMEOUT": "5",
}
c.Spawner.environment.update(PG)

# Participants vote from their own phones through `pmo-nb serve`, run by the hub as a
# service: ONE process for the whole room, no hub account needed (the hub's proxy sends
# https://HUB/services/pmo-participants/... to it; the service checks its own token). The hub
# gives it JUPYTERHUB_SERVICE_PREFIX, so its links carry /services/pmo-participants/. The token
# comes from the hub's environment (a secret), so the facilitator can hand out the link
# https://HUB/services/pmo-participants/?token=... (and the QR code `serve` saves as join.png).
# The hub's proxy runs on this machine: `--trusted-proxy 127.0.0.1` makes its X-Forwarded-For
# the phones' own addresses (the cap on new participants per address a minute counts each
# phone, not the proxy) and its X-Forwarded-Proto the hub's https (Secure cookies).
# Name the workshop the room votes on now.
WORKSHOP = os.environ.get("PMO_NB_WORKSHOP", "demo")
PUBLIC = os.environ.get("PMO_NB_PUBLIC_HUB", "https://hub.example.org").rstrip("/")
c.JupyterHub.services = [
    {
        "name": "pmo-participants",
        "url": "http://127.0.0.1:8765",
        "command": ["pmo-nb", "serve", f"postgresql:///?workshop={WORKSHOP}",
                    "--host", "127.0.0.1", "--port", "8765",
                    "--public-url", f"{PUBLIC}/services/pmo-participants/",
                    "--trusted-proxy", "127.0.0.1"],
        "environment": {**PG, "PMO_NB_SERVE_TOKEN": os.environ.get("PMO_NB_SERVE_TOKEN", "")},
    },
]

# Many facilitators, one hub: its own database should be PostgreSQL too (JupyterHub's docs
# recommend it beyond a small deployment), e.g.
# c.JupyterHub.db_url = "postgresql://jupyterhub@127.0.0.1:5432/jupyterhub"

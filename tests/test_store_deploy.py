"""The hosting files load, and name the session URL and libpq's variables as pmo_nb reads
them; the documented URL form with only PG* variables opens a workshop."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
import types
import urllib.parse
from pathlib import Path

import pytest
import yaml

from conftest import CATALOG, REPO, SAMPLE_GAPS

BIN_DIR = Path(sys.executable).parent

DEPLOY = REPO / "deploy"
LIBPQ = {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGCONNECT_TIMEOUT"}
URL_FORM = re.compile(r"postgresql://[^\s\"']*\?workshop=")


@pytest.mark.parametrize("name", ["tljh-config.yaml", "z2jh-values.yaml"])
def test_yaml_files_load(name):
    assert isinstance(yaml.safe_load((DEPLOY / name).read_text()), dict)


Z2JH_SCHEMA = REPO / "tests" / "data" / "z2jh" / "values.schema.json"


def _z2jh_values() -> dict:
    return yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())


def _helm_merged(defaults: dict, given: dict) -> dict:
    """Values as Helm merges them before it validates: maps key by key, the rest replaced."""
    merged = dict(defaults)
    for key, value in given.items():
        both = isinstance(value, dict) and isinstance(defaults.get(key), dict)
        merged[key] = _helm_merged(defaults[key], value) if both else value
    return merged


def test_z2jh_values_match_the_charts_schema():
    """Every key of deploy/z2jh-values.yaml is one the chart knows, of the type it takes:
    merged with the chart's defaults and checked against its values schema, as `helm
    install` does (both vendored from the chart: tests/data/z2jh/README.md)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(Z2JH_SCHEMA.read_text())
    defaults = yaml.safe_load((Z2JH_SCHEMA.parent / "values.yaml").read_text())
    jsonschema.validate(_helm_merged(defaults, _z2jh_values()), schema)
    typo = _z2jh_values()
    typo["singleuser"]["extraEnvs"] = typo["singleuser"].pop("extraEnv")
    with pytest.raises(jsonschema.ValidationError, match="extraEnvs"):
        jsonschema.validate(_helm_merged(defaults, typo), schema)


def test_z2jh_values_give_every_server_its_role_and_no_password_inline():
    values = _z2jh_values()
    assert {"PGHOST", "PGPORT", "PGDATABASE", "PGCONNECT_TIMEOUT"} <= set(
        values["singleuser"]["extraEnv"])
    for key in ("PMO_NB_PGPASSWORD", "PMO_NB_PGPASSWORD_READ"):
        assert values["hub"]["extraEnv"][key]["valueFrom"]["secretKeyRef"]["name"]
    assert values["hub"]["db"]["type"] == "postgres"
    assert "pmo-participants" in values["hub"]["services"]
    assert "services" not in values["hub"]["extraConfig"]["pmo-nb-roles"]  # the culler's stay


@pytest.mark.parametrize("groups, role", [(["pmo-facilitators"], "pmo"), ([], "pmo_read"),
                                          (["analysts"], "pmo_read")])
def test_z2jh_extra_config_gives_facilitators_the_role_that_writes(monkeypatch, groups, role):
    monkeypatch.setenv("PMO_NB_PGPASSWORD", "w")
    monkeypatch.setenv("PMO_NB_PGPASSWORD_READ", "r")
    env: dict = {}
    c = types.SimpleNamespace(KubeSpawner=types.SimpleNamespace(environment=env))
    exec(_z2jh_values()["hub"]["extraConfig"]["pmo-nb-roles"], {"c": c})
    user = types.SimpleNamespace(groups=[types.SimpleNamespace(name=g) for g in groups])
    spawner = types.SimpleNamespace(user=user)
    assert (env["PGUSER"](spawner), env["PGPASSWORD"](spawner)) == (
        role, {"pmo": "w", "pmo_read": "r"}[role])


def test_z2jh_participants_run_the_hosted_room_where_the_hub_proxies_it():
    deployment, service = yaml.safe_load_all((DEPLOY / "z2jh-participants.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][:5] == ["pmo-nb", "serve", "--room", "pmo-participants",
                                        "postgresql:///"]
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
    url = _z2jh_values()["hub"]["services"]["pmo-participants"]["url"]
    assert url == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"
    assert {e["name"] for e in container["env"]} >= LIBPQ


def test_docs_show_every_file_an_admin_writes_in_full():
    """docs/deploy.md holds each file of deploy/ as it is (so the page and the files never
    drift apart), and the systemd drop-in with its daemon-reload."""
    docs = (REPO / "docs" / "deploy.md").read_text()
    for path in sorted(DEPLOY.iterdir()):
        assert path.read_text().strip() in docs, f"docs/deploy.md lacks {path.name} in full"
    assert "EnvironmentFile=/etc/pmo_nb/hub.env" in docs
    assert "sudo systemctl daemon-reload" in docs


def test_tljh_config_uses_known_keys():
    config = yaml.safe_load((DEPLOY / "tljh-config.yaml").read_text())
    assert set(config) <= {"users", "user_environment", "https", "limits", "services", "auth",
                           "http"}
    assert config["user_environment"]["default_app"] == "jupyterlab"


def _load_recipe(tmp_path, **env: str) -> dict:
    """deploy/jupyterhub_config.py loaded as TLJH loads a drop-in: after its culler."""
    script = textwrap.dedent(f"""
        import json, types
        class Spawner: environment = {{}}
        class JupyterHub: services = [{{"name": "cull-idle", "admin": True, "command": []}}]
        c = types.SimpleNamespace(Spawner=Spawner, JupyterHub=JupyterHub)
        exec(open({str(DEPLOY / 'jupyterhub_config.py')!r}).read(), {{"get_config": lambda: c}})
        env = {{k: v if isinstance(v, str) else "<callable>" for k, v in
               Spawner.environment.items()}}
        print(json.dumps({{"env": env, "services": JupyterHub.services}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin", **env})
    return {**yaml.safe_load(done.stdout), "stderr": done.stderr}


def test_jupyterhub_config_appends_its_service_and_keeps_the_culler(tmp_path):
    pmo_nb_bin = BIN_DIR / "pmo-nb"
    found = _load_recipe(tmp_path, PMO_NB_USER_ENV=str(BIN_DIR.parent),
                         PMO_NB_PGPASSWORD="w-secret")
    assert LIBPQ <= set(found["env"]) and found["env"]["PGPASSWORD"] == "<callable>"
    culler, room = found["services"]
    assert culler["name"] == "cull-idle"  # TLJH's, still there
    command = room["command"]
    assert command[0] == str(pmo_nb_bin) and command[1:4] == ["serve", "--room", room["name"]]
    assert command[4] == "postgresql:///" and "127.0.0.1" in command
    assert room["user"] == "pmo-participants"  # not the hub's root
    assert room["environment"]["PGPASSWORD"] == "w-secret"
    assert "PMO_NB_SERVE_TOKEN" not in room["environment"]  # no token the hub could log


def test_jupyterhub_config_without_pmo_nb_says_so_and_leaves_the_hub_running(tmp_path):
    found = _load_recipe(tmp_path, PMO_NB_USER_ENV=str(tmp_path))
    assert [s["name"] for s in found["services"]] == ["cull-idle"]
    assert f"pmo_nb: {tmp_path}/bin/pmo-nb not found: the participants' room is not " \
           "started" in found["stderr"]


def test_docs_and_configs_write_the_url_as_pmo_nb_reads_it():
    from pmo_nb.store.postgres import parse_url

    texts = [p.read_text() for p in [REPO / "docs" / "deploy.md", *DEPLOY.iterdir()]]
    urls = {m.group(0).rstrip("`\"'),.") for t in texts
            for m in re.finditer(r"postgresql://[^\s\"'`]*\?workshop=[A-Za-z0-9_.-]+", t)}
    assert len(urls) >= 3
    for url in urls:
        assert parse_url(url)[1]  # a workshop is named
    ast.parse((DEPLOY / "jupyterhub_config.py").read_text())
    assert "CREATE DATABASE pmo" in (DEPLOY / "pg-init.sql").read_text()


def test_the_hub_url_form_opens_a_workshop_from_pg_variables(pg_server, monkeypatch):
    import pmo_nb

    parts = urllib.parse.urlsplit(pg_server.url)
    for name, value in {"PGHOST": parts.hostname, "PGPORT": str(parts.port),
                        "PGDATABASE": parts.path.lstrip("/"), "PGUSER": parts.username,
                        "PGPASSWORD": parts.password, "PGCONNECT_TIMEOUT": "5"}.items():
        monkeypatch.setenv(name, value)
    with pmo_nb.Workshop.open("postgresql:///?workshop=hub-form", gaps=SAMPLE_GAPS,
                              catalog=CATALOG) as ws:
        assert len(ws.gaps) == 18 and "hub-form" in ws.label


def test_a_facilitator_writes_and_an_analyst_only_reads(team_pg):
    """deploy/pg-init.sql's two roles, on a real PostgreSQL: pmo makes and changes
    workshops, pmo_read reads them and changes nothing, not even through SQL."""
    import psycopg

    import pmo_nb
    from pmo_nb import SessionError

    writer = team_pg.url_as("pmo") + "?workshop=roles"
    with pmo_nb.Workshop.open(writer, gaps=SAMPLE_GAPS, catalog=CATALOG) as ws:
        ws.assign("G-01", "S-TRAIN-PM")
    reader = team_pg.url_as("pmo_read") + "?workshop=roles"
    with pmo_nb.Workshop.open(reader) as ws:
        assert ws.assignments["service_id"].tolist() == ["S-TRAIN-PM"]
        assert len(ws.coverage()) == 18
        with pytest.raises(SessionError, match=r"Could not save to .*permission denied.*"
                           r"This database role may only read \(an analyst's\)"):
            ws.assign("G-02", "S-TRAIN-PM")
    assert "roles" in pmo_nb.list_workshops(team_pg.url_as("pmo_read"))["name"].tolist()
    with pytest.raises(SessionError, match="only a facilitator's role"):
        pmo_nb.open_room(reader, "https://hub.example.org/services/pmo-participants/")
    with psycopg.connect(team_pg.url_as("pmo_read")) as conn:
        for sql in ("DELETE FROM pmo_nb.assignments", "DROP TABLE pmo_nb.history",
                    "CREATE TABLE pmo_nb.mine (x int)", "CREATE SCHEMA mine"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()


def test_the_room_keeps_no_token_an_analyst_could_read(team_pg):
    import psycopg

    import pmo_nb

    writer = team_pg.url_as("pmo") + "?workshop=room-digest"
    pmo_nb.Workshop.open(writer, gaps=SAMPLE_GAPS, catalog=CATALOG).close()
    link = pmo_nb.open_room(writer, "https://hub.example.org/services/pmo-participants/")
    token = link.url.split("?token=")[1]
    with psycopg.connect(team_pg.url_as("pmo_read")) as conn:
        rows = conn.execute("SELECT * FROM pmo_nb.rooms").fetchall()
    assert rows and token not in repr(rows) and link.workshop == "room-digest"
    with pytest.raises(pmo_nb.SessionError, match=r"The workshop 'nope' does not exist in "
                                                  r"pmo@127\.0\.0\.1:\d+/pmo"):
        pmo_nb.open_room(team_pg.url_as("pmo") + "?workshop=nope", link.url)

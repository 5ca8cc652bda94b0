"""The hosting files load, and name the session URL and libpq's variables as pmo_nb reads
them; the documented URL form with only PG* variables opens a workshop."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
import urllib.parse

import pytest
import yaml

from conftest import CATALOG, REPO, SAMPLE_GAPS

DEPLOY = REPO / "deploy"
LIBPQ = {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGCONNECT_TIMEOUT"}
URL_FORM = re.compile(r"postgresql://[^\s\"']*\?workshop=")


@pytest.mark.parametrize("name", ["tljh-config.yaml", "z2jh-values.yaml"])
def test_yaml_files_load(name):
    assert isinstance(yaml.safe_load((DEPLOY / name).read_text()), dict)


def test_z2jh_values_give_every_server_the_libpq_variables():
    values = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())
    env = values["singleuser"]["extraEnv"]
    assert LIBPQ <= set(env)
    assert env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"]  # never inline
    assert values["hub"]["db"]["type"] == "postgres"
    assert "pmo-participants" in values["hub"]["services"]


def test_tljh_config_uses_known_keys():
    config = yaml.safe_load((DEPLOY / "tljh-config.yaml").read_text())
    assert set(config) <= {"users", "user_environment", "https", "limits", "services", "auth",
                           "http"}
    assert config["user_environment"]["default_app"] == "jupyterlab"


def test_jupyterhub_config_runs_and_sets_the_environment():
    script = textwrap.dedent(f"""
        import json, types
        class Spawner: environment = {{}}
        class JupyterHub: services = []
        c = types.SimpleNamespace(Spawner=Spawner, JupyterHub=JupyterHub)
        exec(open({str(DEPLOY / 'jupyterhub_config.py')!r}).read(), {{"get_config": lambda: c}})
        print(json.dumps({{"env": Spawner.environment, "services": JupyterHub.services}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin"}).stdout
    found = yaml.safe_load(out)
    assert LIBPQ <= set(found["env"])
    command = found["services"][0]["command"]
    assert command[:2] == ["pmo-nb", "serve"] and URL_FORM.match(command[2])
    assert "127.0.0.1" in command


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

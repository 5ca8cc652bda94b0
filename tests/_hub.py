"""A real JupyterHub for the hub test, set up the way The Littlest JupyterHub sets its own.

:func:`write_config` writes the hub's base config as TLJH's ``jupyterhub_config.py`` does
it (its idle culler appended to ``c.JupyterHub.services``, then every drop-in of
``jupyterhub_config.d`` loaded with ``load_subconfig``), with what a test needs instead of
TLJH's systemd spawner and Traefik: a dummy authenticator, users' servers as local
processes (SimpleLocalProcessSpawner), configurable-http-proxy, everything on 127.0.0.1,
and an admin token for the test (an external service). :class:`Hub` starts and stops it;
:class:`Kernel` runs code in a user's server, through the hub's proxy, as Lab would.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from websockets.sync.client import connect

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHP = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
TIMEOUT = 90

BASE = """
import sys
from glob import glob

c = get_config()  # noqa: F821
c.JupyterHub.ip, c.JupyterHub.port = "127.0.0.1", {port}
c.JupyterHub.hub_ip, c.JupyterHub.hub_port = "127.0.0.1", {hub_port}
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.pid_file = "{folder}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"  # users' servers: local processes, homes below
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]  # the test runs as root; users' servers run as it
c.Spawner.start_timeout = c.Spawner.http_timeout = 120
# TLJH: its services list first, holding the idle culler (tljh/configurer.py)
c.JupyterHub.services = []
c.JupyterHub.services.append({{"name": "cull-idle", "admin": True, "command": [
    sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=600"]}})
c.JupyterHub.services.append({{"name": "test-admin", "admin": True,
                               "api_token": {admin_token!r}}})
# TLJH: "Load arbitrary .py config files if they exist."
for extra in sorted(glob("{folder}/jupyterhub_config.d/*.py")):
    load_subconfig(extra)  # noqa: F821
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Hub:
    """A JupyterHub on 127.0.0.1 with the recipe as a drop-in; ``start``/``stop`` it."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.port = folder, free_port()
        self.admin_token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        (folder / "jupyterhub_config.d").mkdir(parents=True)
        (folder / "home").mkdir()
        shutil.copy(REPO / "deploy" / "jupyterhub_config.py",
                    folder / "jupyterhub_config.d" / "pmo_nb.py")
        (folder / "jupyterhub_config.py").write_text(BASE.format(
            port=self.port, hub_port=free_port(), api_port=free_port(), chp=str(CHP),
            proxy_token=secrets.token_hex(16), folder=folder,
            singleuser=str(BIN / "jupyterhub-singleuser"), admin_token=self.admin_token))
        # not what earlier tests left in this process's environment (serve() sets
        # PMO_NB_SESSION, PMO_NB_JOINS_PER_MINUTE...): the hub starts as an admin's would
        own = {k: v for k, v in os.environ.items() if not k.startswith(("PMO_NB_", "SOLARA_"))}
        self.env = {**own, **env}
        self.proc: subprocess.Popen | None = None
        self.log = folder / "hub.log"
        self.api = httpx.Client(base_url=f"{self.url}/hub/api", timeout=TIMEOUT,
                                headers={"Authorization": f"token {self.admin_token}"})

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(self.folder / "jupyterhub_config.py")],
                cwd=self.folder, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.wait(lambda: self.api.get("/services").status_code == 200, "the hub's API")

    def stop(self) -> None:
        """SIGTERM, as systemd stops it: the hub stops its proxy, services and servers."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def kill_all(self) -> None:
        """Whatever is left of its process group (a failed test's leftovers)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, done, what: str, timeout: float = TIMEOUT) -> object:
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = done()
                if found:
                    return found
            except (httpx.HTTPError, OSError, KeyError):
                pass
            assert self.proc.poll() is None, f"the hub exited:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, \
                f"timed out waiting for {what}:\n{self.log.read_text()[-3000:]}"
            time.sleep(0.3)

    def services(self) -> dict[str, dict]:
        return {s["name"]: s for s in self.api.get("/services").json().values()}

    def spawn(self, *users: str) -> None:
        """Start each user's server (at once), then wait until all are ready."""
        for user in users:
            self.api.post(f"/users/{user}")  # 201, or 409 when the user exists
            answer = self.api.post(f"/users/{user}/server")
            assert answer.status_code in (201, 202, 400), answer.text  # 400: running
        for user in users:
            self.wait(lambda u=user: self.api.get(f"/users/{u}").json()["servers"][""]["ready"],
                      f"{user}'s server", timeout=150)


class Kernel:
    """A Python kernel in ``user``'s server, reached through the hub's proxy."""

    def __init__(self, hub: Hub, user: str):
        self.base = f"{hub.url}/user/{user}/api"
        headers = {"Authorization": f"token {hub.admin_token}"}
        self.http = httpx.Client(timeout=TIMEOUT, headers=headers)
        answer = self.http.post(f"{self.base}/kernels", json={"name": "python3"})
        assert answer.status_code == 201, answer.text
        self.id, self.session = answer.json()["id"], uuid.uuid4().hex
        url = self.base.replace("http", "ws", 1) + f"/kernels/{self.id}/channels"
        self.ws = connect(url, additional_headers=headers, open_timeout=TIMEOUT,
                          max_size=None, ping_interval=None).__enter__()

    def run(self, code: str, timeout: float = TIMEOUT) -> str:
        """Run ``code``; what it printed. An error in it fails the test with its traceback."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": self.session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False}}))
        printed, deadline = [], time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                raise AssertionError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(printed)

    def close(self) -> None:
        self.ws.close()
        self.http.delete(f"{self.base}/kernels/{self.id}")
        self.http.close()

"""`pmo-nb serve`: what it starts, where it listens, what it prints; a missing session is
a one-line error. (The live server and its token: tests/test_browser_votes.py.)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import pmo_nb
from conftest import REPO, check_the_token, join_url, status
from pmo_nb import cli
from pmo_nb.app import serve as _serve


def test_the_app_is_one_process_on_this_machine_only_without_telemetry_or_cdn() -> None:
    parsed = cli._parser().parse_args(["serve", "s.sqlite"])
    assert (parsed.host, parsed.port) == ("127.0.0.1", None)
    env = _serve.SOLARA_ENV
    assert Path(env["SOLARA_APP"]).name == "_room_page.py" and Path(env["SOLARA_APP"]).exists()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"  # nothing sent anywhere
    assert env["SOLARA_ASSETS_PROXY"] == "True"  # the front-end from this server
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False"


def test_join_url_names_a_reachable_address() -> None:
    assert _serve.join_url("127.0.0.1", 9000, "t") == "http://127.0.0.1:9000/?token=t"
    room = _serve.join_url("0.0.0.0", 9000, "t")
    assert "0.0.0.0" not in room and re.match(r"http://[\d.]+:9000/\?token=t$", room)


def test_qr_code_in_the_terminal_and_as_png(tmp_path: Path) -> None:
    text = _serve.qr_code("http://127.0.0.1:9000/?token=abc", tmp_path / "join.png")
    assert (tmp_path / "join.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "█" in text and len(text.splitlines()) > 10


def test_a_missing_session_is_one_clear_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pmo_nb", "serve", str(tmp_path / "x.sqlite")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("pmo-nb serve: No workshop session at")
    assert "Traceback" not in done.stderr and not (tmp_path / "x.sqlite").exists()


def test_a_file_that_is_not_a_session_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.sqlite").write_text("hello")
    assert cli.main(["serve", str(tmp_path / "notes.sqlite")]) == 2


def test_the_session_reaches_the_notebook_by_environment_only(ws: pmo_nb.Workshop) -> None:
    assert _serve.check_session(str(ws.path)) == str(ws.path.resolve())
    text = (REPO / "notebooks" / "participant.ipynb").read_text()
    assert "QUERY_STRING" not in text and "ParticipantPage(session_path)" in text


def serve_in_background(ws, tmp_path: Path, *extra: str,
                        prefix: str = "/") -> tuple[subprocess.Popen, str, Path]:
    port = _serve.free_port("127.0.0.1", 0)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pmo_nb", "serve", str(ws.path),
                                 "--port", str(port), *extra], stdout=out,
                                stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)
    url = join_url(log, timeout=60)
    deadline = time.monotonic() + 90
    while True:  # the server answers a few seconds after the URL is printed
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{prefix}readyz", timeout=5).close()
            return proc, url, log
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.3)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_stops_the_app_and_everything_it_started(ws, tmp_path, signum) -> None:
    """What systemd, `docker stop`, a hub or a closed terminal send: nothing is left
    running, and the join link stops answering."""
    psutil = pytest.importorskip("psutil")
    proc, url, log = serve_in_background(ws, tmp_path)
    try:
        for _ in range(3):  # three phones open the page: no process per phone
            phone = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            with phone.open(url, timeout=120) as page:  # the token moves to a cookie
                assert page.status == 200
        tree = psutil.Process(proc.pid).children(recursive=True)
        assert tree == []  # one process for the whole room
        proc.send_signal(signum)  # to the app alone, not to its process group
        assert proc.wait(timeout=60) == 0
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=5)
        said = log.read_text()
        assert f"{signal.Signals(signum).name}: stopping the participants' app" in said
        assert "Stopped: the participants' app is closed" in said
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_nothing_is_served_without_the_token(ws, tmp_path) -> None:
    proc, url, _ = serve_in_background(ws, tmp_path)
    try:
        check_the_token(url)  # pages, assets, the API and the websocket: 403
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


@pytest.mark.stores("postgresql")
def test_behind_a_hub_the_app_lives_under_its_prefix_on_postgresql(ws, tmp_path) -> None:
    """A JupyterHub service: the hub's proxy sends /services/pmo-vote/... to the app."""
    prefix = "/services/pmo-vote/"
    proc, url, log = serve_in_background(ws, tmp_path, "--base-url", prefix, "--public-url",
                                         "https://hub.example.org/services/pmo-vote/",
                                         prefix=prefix)
    try:
        assert url.startswith("https://hub.example.org/services/pmo-vote/?token=")
        token = url.split("token=")[1]
        base = f"http://127.0.0.1:{proc.args[proc.args.index('--port') + 1]}"
        code, _ = status(f"{base}{prefix}?token={token}")
        assert code == 303  # to the page without the token in its address
        code, body = status(f"{base}{prefix}", cookie=f"pmo_nb_token={token}")
        assert code == 200 and f"{prefix}static/" in body  # its links carry the prefix
        assert f"{prefix}_solara/cdn/requirejs" in body
        assert status(f"{base}/?token={token}")[0] == 404  # nothing outside the prefix
        assert status(f"{base}{prefix}static/main-vuetify.js")[0] == 403  # no token
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)

"""`pmo-nb serve`: what it starts, where it listens, what it prints; a missing session is
a one-line error. (The live server and its token: tests/test_browser_votes.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pmo_nb
from conftest import REPO
from pmo_nb import cli
from pmo_nb.app import serve as _serve


def test_the_app_serves_the_participant_notebook_on_this_machine_only() -> None:
    command = _serve.voila_command(_serve.notebook_path(), "127.0.0.1", 8866, "tok")
    assert Path(command[1]) == REPO / "notebooks" / "participant.ipynb"
    assert Path(command[1]).exists()
    assert "--Voila.ip=127.0.0.1" in command and "--token=tok" in command
    assert "--VoilaConfiguration.file_allowlist=[]" in command  # no files served
    assert "--show_tracebacks=False" in command
    parsed = cli._parser().parse_args(["serve", "s.sqlite"])
    assert (parsed.host, parsed.port) == ("127.0.0.1", None)


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

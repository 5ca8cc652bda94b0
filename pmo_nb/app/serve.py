"""``pmo-nb serve SESSION``: the participants' app, a Voilà page of
``notebooks/participant.ipynb`` (one kernel per participant) on one workshop session.

The session reaches the notebook through the ``PMO_NB_SESSION`` environment variable,
never through the URL, so a participant cannot point the page at another file. Voilà
runs only that notebook: nobody can run code, and the page offers voting only. The
server binds 127.0.0.1 unless ``--host`` says otherwise, and every page and kernel
needs the random token that the join URL (and its QR code) carries.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from ..errors import SessionError
from ..store import is_url

SESSION_ENV = "PMO_NB_SESSION"
NOTEBOOK = "participant.ipynb"
DEFAULT_PORT = 8866


def notebook_path() -> Path:
    """The participant notebook, found as the record finds its notebooks."""
    from ..record.build import NOTEBOOK_DIR

    return NOTEBOOK_DIR / NOTEBOOK


def join_url(host: str, port: int, token: str) -> str:
    """The URL participants open: a room's address when the server listens on every one.

    Examples
    --------
    >>> join_url("127.0.0.1", 8866, "abc")
    'http://127.0.0.1:8866/?token=abc'
    """
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/?token={token}"


def lan_address() -> str:
    """This machine's address on the network it would reach others through."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def free_port(host: str, preferred: int = DEFAULT_PORT) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind((host if host not in ("", "::") else "0.0.0.0", port))
                return sock.getsockname()[1]
            except OSError:
                continue
    raise SessionError(f"No free port on {host}; choose one with --port.")


def qr_code(url: str, png: Path) -> str:
    """Write the URL's QR code to ``png`` and return it as terminal text."""
    import io

    import segno

    code = segno.make(url, error="m")
    code.save(str(png), scale=10, border=4)
    out = io.StringIO()
    code.terminal(out=out, compact=True, border=2)
    return out.getvalue()


def voila_command(notebook: Path, host: str, port: int, token: str) -> list[str]:
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    return [voila, str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            f"--token={token}", "--theme=light", "--show_tracebacks=False",
            "--VoilaConfiguration.file_allowlist=[]"]


def check_session(session: str) -> str:
    """The session as the notebook will open it (absolute path); refuse a missing one."""
    if is_url(session):
        return session
    path = Path(session).resolve()
    if not path.is_file():
        raise SessionError(f"No workshop session at '{session}': start the workshop first "
                           "(workshop.ipynb creates its session), then serve that file.")
    from ..session.workshop import Workshop

    Workshop.open(path).close()  # a clear error now if it is not a session
    return str(path)


def serve(session: str, host: str = "127.0.0.1", port: int | None = None,
          out: TextIO = sys.stdout) -> int:
    """Run the participants' app until interrupted; returns Voilà's exit code."""
    session = check_session(session)
    notebook = notebook_path()
    port = port or free_port(host)
    token = secrets.token_urlsafe(24)
    url = join_url(host, port, token)
    png = (Path(session).with_name(Path(session).stem + "-join.png") if not is_url(session)
           else Path.cwd() / "join.png")
    print(f"Participants join at:\n  {url}\n", file=out)
    print(qr_code(url, png), file=out)
    print(f"QR code saved to {png} (show it to the room; it carries the token).", file=out)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Listening on {host}: anyone on this network with the link can vote.", file=out)
    out.flush()
    proc = subprocess.Popen(voila_command(notebook, host, port, token),
                            env={**os.environ, SESSION_ENV: session})
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C: stop Voilà and its kernels without its prompt
        proc.terminate()
        return proc.wait()

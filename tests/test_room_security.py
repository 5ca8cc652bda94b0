"""Issue #32: one participant can no longer take over the others' phones.

One test per row of the issue's table, as a hostile participant with a valid join link
would try it on 127.0.0.1: a client that speaks the page's protocol without a browser
(HTTP with the token, then the widgets' websocket: :mod:`_room_client`). The server
here trusts 127.0.0.1 as its proxy (so a test can be many client addresses through
``X-Forwarded-For``) and lets one address create 3 participants a minute. The page in
Chromium, with the new headers: tests/test_browser_votes.py; the rules that need no
server (rows 6, 8 and 9 in-process): tests/test_room_rules.py.
"""

from __future__ import annotations

import http.client
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _room_client import Phone

import pmo_nb
from conftest import CATALOG, SAMPLE_GAPS, websocket_status
from pmo_nb.app import serve
from pmo_nb.ui import VotesPanel

TOKEN = "room-token-for-tests-0123456789"
GAPS = ["G-05", "G-06"]
HOSTILE_ROOT = "//evil.example"


class _FakeCdn(http.server.BaseHTTPRequestHandler):
    """A CDN on 127.0.0.1 that notes every request (the room's server must make none)."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.asked.append(self.path)
        body = b"window.fromTheCdn = true;"
        self.send_response(200)
        self.send_header("content-type", "application/javascript")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_cdn() -> Iterator[tuple[str, list[str]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeCdn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", _FakeCdn.asked
    server.shutdown()


@pytest.fixture(scope="module")
def room(tmp_path_factory, fake_cdn) -> dict:
    """A session with a services vote on two gaps, served by `pmo-nb serve` (Solara's CDN
    setting points at a fake one on 127.0.0.1 that notes what it is asked)."""
    folder = tmp_path_factory.mktemp("room")
    session = folder / "room.sqlite"
    with pmo_nb.Workshop.open(session, gaps=SAMPLE_GAPS, catalog=CATALOG) as ws:
        ws.open_vote("services", GAPS)
    port = serve.free_port("127.0.0.1", 0)
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pmo_nb", "serve", str(session), "--port", str(port),
             "--trusted-proxy", "127.0.0.1", "--joins-per-minute", "3"],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True,
            env={**os.environ, serve.TOKEN_ENV: TOKEN, "SOLARA_ASSETS_CDN": fake_cdn[0]})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/readyz", timeout=5).close()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.3)
    yield {"base": base, "session": session, "log": log, "port": port, "cdn": fake_cdn[1]}
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def client(room: dict, **headers: str) -> httpx.Client:
    """A participant's HTTP client that already has the token cookie."""
    return httpx.Client(base_url=room["base"], timeout=60, headers=headers,
                        cookies={"pmo_nb_token": TOKEN})


def phone(room: dict, address: str) -> Phone:
    return Phone(room["base"], TOKEN, headers={"X-Forwarded-For": address}).open()


def participants(room: dict) -> list[str]:
    with pmo_nb.Workshop.open(room["session"]) as ws:
        return ws.participants


# -- 1: the root path comes from no request header -----------------------------------------
@pytest.mark.parametrize("name", ["X-Script-Name", "Script-Name", "X-Forwarded-Prefix"])
def test_1_a_first_visitors_header_changes_no_later_page(room, name) -> None:
    """Runs first (module order): the first page the server renders carries the header."""
    with client(room, **{name: HOSTILE_ROOT, "X-Forwarded-Host": "evil.example"}) as hostile:
        first = hostile.get("/")
    with client(room) as later:
        page = later.get("/")
    assert first.status_code == page.status_code == 200
    assert "evil.example" not in first.text and "evil.example" not in page.text
    assert 'src="/_solara/cdn/requirejs@2.3.6/require.js"' in page.text


# -- 2: only the front-end files the page uses, never the network --------------------------
@pytest.mark.parametrize("path", [
    "@widgetti/vue-grid-layout@2.3.13-alpha.2/public/index.html",  # installed, unused, html
    "requirejs@2.3.6/README.md", "requirejs@2.3.6/package.json",
    "left-pad@1.3.0/index.js",  # not installed: was fetched from the CDN while we waited
    "requirejs@2.3.6/%2e%2e/font-awesome@4.5.0/css/font-awesome.min.css",
])
def test_2_no_other_package_file_and_no_cdn_fetch(room, path) -> None:
    from solara.server import settings

    cache = Path(settings.assets.proxy_cache_dir)
    before = {p for p in cache.glob("left-pad*")}
    with client(room) as phone_:
        answer = phone_.get(f"/_solara/cdn/{path}")
    assert answer.status_code == 404 and "html" not in answer.headers["content-type"]
    assert {p for p in cache.glob("left-pad*")} == before  # nothing fetched, nothing stored
    assert room["cdn"] == []  # no request left this machine's server for a CDN


def test_2_the_files_the_page_uses_are_served_from_the_installed_packages(room) -> None:
    with client(room) as phone_:
        page = phone_.get("/").text
        for path in ("requirejs@2.3.6/require.js",
                     "@widgetti/solara-vuetify3-app@5.1.1/dist/solara-vuetify-app8.min.js",
                     "font-awesome@4.5.0/fonts/fontawesome-webfont.woff2"):
            answer = phone_.get(f"/_solara/cdn/{path}")
            assert answer.status_code == 200, path
            if path.endswith(".js"):  # compressed as Solara's own files are
                assert answer.headers["content-encoding"] == "gzip", path
    assert "/_solara/cdn/@widgetti/solara-vuetify3-app@5.1.1/dist/main8.css" in page


# -- 3: one page, one participant; a few per address a minute -------------------------------
def test_3_one_address_creates_a_few_participants_a_minute_and_a_page_one(room) -> None:
    phones = [phone(room, "10.3.0.1") for _ in range(5)]
    try:
        for i, p in enumerate(phones):  # one after the other: each page's kernel runs on
            p.join(f"Stuffer {i}")      # its own thread, so joins sent at once race
            want = "Hello, Stuffer" if i < 3 else "Too many people joined"
            p.wait_for(lambda p=p, want=want: want in p.texts())
        first = phones[0]
        first.set(first.find("TextModel"), value="Stuffer again")
        first.click(first.find("ButtonModel", description="Join"))  # disabled: sent anyway
        first.settle()
        other = phone(room, "10.3.0.2")  # another phone of the room: its own allowance
        other.join("Dora")
        other.wait_for(lambda: "Hello, Dora" in other.texts())
        other.close()
    finally:
        for p in phones:
            p.close()
    mine = [n for n in participants(room) if n.startswith("Stuffer")]
    assert sorted(mine) == ["Stuffer 0", "Stuffer 1", "Stuffer 2"]
    assert "Dora" in participants(room)


def test_3_the_facilitator_removes_a_participant_and_undo_brings_them_back(room) -> None:
    p = phone(room, "10.3.0.3")
    try:
        p.join("Extra")
        p.wait_for(lambda: "Hello, Extra" in p.texts())
        with pmo_nb.Workshop.open(room["session"]) as ws:
            panel = VotesPanel(ws)
            panel.people.value = "Extra"
            panel.remove_button.click()
            assert "Extra removed" in panel.status.value and "Extra" not in ws.participants
            assert "Extra" not in panel.people.options
            ws.undo()
            assert "Extra" in ws.participants
    finally:
        p.close()


# -- 4: the websocket only from the page's own origin ------------------------------------
@pytest.mark.parametrize("origin", ["http://evil.example", "null", ""])
def test_4_the_websocket_from_another_site_is_refused(room, origin) -> None:
    assert websocket_status(room["base"], TOKEN, origin=origin) == 403
    assert websocket_status(room["base"], TOKEN) == 101  # the page's own origin


# -- 5: internal routes, and another phone's connection --------------------------------------
@pytest.mark.parametrize("path", ["/resourcez?verbose", "/resourcez", "/jupyter/api/kernels/x",
                                  "/jupyter/api/kernels", "/_solara/auth/login"])
def test_5_internal_routes_answer_404_to_a_participant(room, path) -> None:
    with client(room) as phone_:
        answer = phone_.get(path)
    assert answer.status_code == 404 and "kernel" not in answer.text.lower()


def test_5_a_participant_cannot_close_another_phones_connection(room) -> None:
    victim = phone(room, "10.5.0.1")
    try:
        with client(room, **{"X-Forwarded-For": "10.5.0.2"}) as hostile:
            hostile.get("/")  # a Solara session of its own
            closed = hostile.post(f"/_solara/api/close/{victim.kernel_id}"
                                  f"?session_id={victim.page_id}")
        assert closed.status_code == 404
        victim.join("Victim")  # the phone still works
        victim.wait_for(lambda: "Hello, Victim" in victim.texts())
        own = victim.http.post(f"/_solara/api/close/{victim.kernel_id}"
                               f"?session_id={victim.page_id}")
        assert own.status_code == 200  # a page closes itself (the browser's unload beacon)
    finally:
        victim.close()


# -- 7: behind https, the cookies and the headers -----------------------------------------
def test_7_the_token_leaves_the_address_and_every_cookie_is_httponly(room) -> None:
    with httpx.Client(base_url=room["base"], timeout=60) as phone_:
        first = phone_.get(f"/?token={TOKEN}&lang=fr")
        assert first.status_code == 303 and first.headers["location"] == "/?lang=fr"
        page = phone_.get(first.headers["location"])
    assert page.status_code == 200
    for answer in (first, page):
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert answer.headers["x-frame-options"] == "DENY"
    raw = http.client.HTTPConnection("127.0.0.1", room["port"], timeout=60)
    raw.request("GET", f"//evil.example/?token={TOKEN}")  # sent as is, to this server only
    away = raw.getresponse().getheader("location")
    raw.close()
    assert away == "/evil.example/"  # a path of this site, never "//evil.example/"
    cookies = [*first.headers.get_list("set-cookie"), *page.headers.get_list("set-cookie")]
    names = {c.split("=")[0] for c in cookies}
    assert {"pmo_nb_token", "pmo_nb_device", "solara-session-id"} <= names
    assert all("HttpOnly" in c and "Secure" not in c for c in cookies)  # plain http here


def test_7_behind_the_trusted_https_proxy_every_cookie_is_secure(room) -> None:
    with httpx.Client(base_url=room["base"], timeout=60,
                      headers={"X-Forwarded-Proto": "https"}) as phone_:
        first = phone_.get(f"/?token={TOKEN}")
    with client(room, **{"X-Forwarded-Proto": "https"}) as phone_:  # the token cookie sent
        page = phone_.get("/")
    cookies = [*first.headers.get_list("set-cookie"), *page.headers.get_list("set-cookie")]
    assert len(cookies) >= 3 and all("Secure" in c and "HttpOnly" in c for c in cookies)


def test_7_the_terminal_shows_the_link_not_library_warnings(room) -> None:
    with client(room) as phone_:
        for _ in range(2):
            assert phone_.get("/").status_code == 200
    said = room["log"].read_text()
    assert "Participants join at:" in said and "UserWarning" not in said
    assert "Cookies with samesite=none" not in said


# -- 8: a disabled control never acts -------------------------------------------------------
def test_8_next_past_the_last_gap_does_nothing(room) -> None:
    p = phone(room, "10.8.0.1")
    try:
        p.join("Nina")
        p.wait_for(lambda: "Gap 1 of 2" in p.texts())
        nxt = p.find("ButtonModel", description="Next")
        for _ in range(4):  # twice past the end, Next disabled on the last gap
            p.click(nxt)
        p.set(nxt, disabled=False)  # the phone says it is enabled again: still the last gap
        p.click(nxt)
        p.settle()
        p.wait_for(lambda: "Gap 2 of 2" in p.texts())
        assert "Unexpected" not in p.texts() and "IndexError" not in p.texts()
        previous = p.find("ButtonModel", description="Previous")
        assert p.models[previous]["disabled"] is False
        p.click(previous)
        p.wait_for(lambda: "Gap 1 of 2" in p.texts())
    finally:
        p.close()
    assert "IndexError" not in room["log"].read_text()

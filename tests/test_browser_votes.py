"""The room votes, in real browsers: the facilitator's workshop app (Voilà) and three
participants (two laptops, one phone) on `pmo-nb serve`, all on one fresh session.

They join, the facilitator opens a vote, they tick services, the facilitator's count
rises by itself, Reveal shows the bars, Adopt assigns. Set ``PMO_NB_SCREENSHOTS=docs``
to write the screenshots to docs/.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pytest

import pmo_nb
from conftest import (
    ARGS,
    BIN,
    CATALOG,
    CHROMIUM,
    NEEDS_CHROMIUM,
    SAMPLE_ASSIGNMENTS,
    SAMPLE_GAPS,
    check_the_token,
    free_port,
    join_url,
    open_voila,
    screenshot_path,
    server,
    voila_command,
    wait_still,
)

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
GAP = "G-05"  # open in the sample workshop
BALLOTS = {"Ann": ["S-COMM-PLANS", "S-COMM-STAKE"], "Ben": ["S-COMM-PLANS"],
           "Cy": ["S-COMM-PLANS", "S-COMM-STAKE"]}  # Cy is on the phone
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def participant(browser: object, url: str, name: str, device: dict,
                requests: list | None = None,
                then: str = "Waiting for the facilitator") -> object:
    page = browser.new_context(**device).new_page()
    page.set_default_timeout(90_000)
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.locator(".pmo-participant input[type=text]").fill(name)
    page.get_by_role("button", name="Join").click()
    page.locator(".pmo-participant", has_text=then).wait_for()
    return page


def vote(page: object, services: list[str]) -> None:
    for i, sid in enumerate(services, 1):
        page.locator(f".pmo-vote-svc-{sid} input").first.click()
        done = re.compile(rf"{GAP}: {i} services?\b")
        page.locator(".pmo-participant .pmo-muted", has_text=done).wait_for()
        assert "saved ✓" in page.locator(".pmo-sticky").first.inner_text()


def test_the_room_votes_reveals_and_adopts(copy: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    session = copy / "sessions" / "workshop.sqlite"
    pmo_nb.Workshop.open(session, gaps=SAMPLE_GAPS, catalog=CATALOG,
                         assignments=SAMPLE_ASSIGNMENTS).close()
    app_port, vote_port, token = free_port(), free_port(), secrets.token_hex(16)
    app = voila_command("notebooks/workshop.ipynb", app_port, token)
    serve = [str(BIN / "pmo-nb"), "serve", str(session), "--port", str(vote_port)]
    votes_dir = tmp_path / "serve"
    votes_dir.mkdir()
    with server(app, copy, f"http://127.0.0.1:{app_port}/voila/static/voila.js"), \
            server(serve, votes_dir, f"http://127.0.0.1:{vote_port}/readyz"), \
            sync_playwright() as p:
        url = join_url(votes_dir / "server.log")
        assert url.startswith(f"http://127.0.0.1:{vote_port}/?token=")
        check_the_token(url)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            run_the_room(browser, url, f"http://127.0.0.1:{app_port}/?token={token}", session,
                         tmp_path)
        finally:
            browser.close()


def run_the_room(browser: object, url: str, app_url: str, session: Path,
                 tmp_path: Path) -> None:
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.set_default_timeout(120_000)
    votes = facilitator.locator(".pmo-votes")
    open_voila(facilitator, app_url, ".pmo-votes")
    requests: list[str] = []
    pages = {name: participant(browser, url, name, PHONE if name == "Cy" else LAPTOP, requests)
             for name in BALLOTS}
    votes.evaluate("e => e.scrollIntoView({block: 'start'})")
    votes.locator("select").first.select_option(label=f"{GAP} · Project communication")
    votes.get_by_role("button", name="Open vote").click()
    votes.locator(".pmo-count", has_text="0 of 3 answered").wait_for()
    for name, page in pages.items():
        page.locator(".pmo-participant", has_text="Which services").wait_for(timeout=20_000)
        vote(page, BALLOTS[name])
    start = time.monotonic()
    votes.locator(".pmo-count", has_text="3 of 3 answered").wait_for(timeout=15_000)  # no click
    print(f"facilitator saw the last ballot after {time.monotonic() - start:.1f} s")
    votes.evaluate("e => e.scrollIntoView({block: 'start'})")
    wait_still(votes)  # the scroll has ended (the count is in: waited for above)
    facilitator.screenshot(path=screenshot_path(tmp_path, "votes-facilitator-hidden.png"))
    pages["Cy"].locator(".pmo-sticky").first.evaluate("e => e.scrollIntoView({block: 'end'})")
    wait_still(pages["Cy"].locator(".pmo-sticky"))
    pages["Cy"].screenshot(path=screenshot_path(tmp_path, "votes-participant-phone.png"))
    assert "S-COMM" not in votes.inner_text()  # hidden: no service named yet
    votes.get_by_role("button", name="Reveal").click()
    result = votes.locator(f".pmo-result-{GAP}")
    result.wait_for()
    assert "3 of 3" in result.inner_text() and "2 of 3" in result.inner_text()
    votes.evaluate("e => e.scrollIntoView({block: 'start'})")
    wait_still(votes)  # the scroll has ended (the bars are in: waited for above)
    facilitator.screenshot(path=screenshot_path(tmp_path, "votes-facilitator-revealed.png"))
    result.get_by_role("button", name=re.compile("Adopt 2 service")).click()
    votes.locator(".pmo-muted", has_text=f"{GAP}: adopted").wait_for()
    with pmo_nb.Workshop.open(session) as ws:
        mine = set(ws.assignments.loc[ws.assignments["gap_id"] == GAP, "service_id"])
        assert mine == {"S-COMM-PLANS", "S-COMM-STAKE"}
        assert ws.history.iloc[-1]["action"] == "adopt vote"
    pages["Ann"].locator(".pmo-participant", has_text="revealed").wait_for(timeout=20_000)
    elsewhere = [u for u in requests if not u.startswith(("http://127.0.0.1:", "blob:", "data:"))]
    assert requests and elsewhere == []  # the phones asked no other host for anything


def test_two_anns_are_two_participants_and_a_reload_keeps_the_ballot(ws: pmo_nb.Workshop,
                                                                    tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ws.open_vote("services", [GAP])
    port = free_port()
    serve = [str(BIN / "pmo-nb"), "serve", str(ws.path), "--port", str(port)]
    requests: list[str] = []
    with server(serve, tmp_path, f"http://127.0.0.1:{port}/readyz"), sync_playwright() as p:
        url = join_url(tmp_path / "server.log")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            first, second = (participant(browser, url, "Ann", PHONE, requests,
                                         then="Which services") for _ in range(2))
            assert "Hello, Ann" in first.locator(".pmo-participant").first.inner_text()
            assert "Hello, Ann (2)" in second.locator(".pmo-participant").first.inner_text()
            vote(first, ["S-COMM-PLANS"])
            first.reload()  # the same phone: its device cookie brings Ann back
            first.locator(".pmo-participant", has_text="Welcome back").wait_for()
            box = first.locator(".pmo-vote-svc-S-COMM-PLANS input").first
            box.wait_for()
            assert box.is_checked()
        finally:
            browser.close()
    assert ws.participants == ["Ann", "Ann (2)"]
    assert ws.vote_progress()["answered"].tolist() == [1, 0]
    assert requests and all(u.startswith(("http://127.0.0.1:", "blob:", "data:"))
                            for u in requests)  # a phone asks no other host for anything


def test_the_page_in_chromium_keeps_the_token_out_of_sight_and_cannot_be_framed(
        ws: pmo_nb.Workshop, tmp_path: Path) -> None:
    """Issue #32 in a real browser: the join link's token leaves the address bar, every
    cookie is HttpOnly (no script reads one), the page sends no Referer and refuses to be
    framed, every front-end file it asks for is served (none refused by the allow-list),
    and it still joins and votes."""
    from playwright.sync_api import sync_playwright

    ws.open_vote("services", [GAP])
    port = free_port()
    serve = [str(BIN / "pmo-nb"), "serve", str(ws.path), "--port", str(port)]
    failed: list[str] = []
    with server(serve, tmp_path, f"http://127.0.0.1:{port}/readyz"), sync_playwright() as p:
        url = join_url(tmp_path / "server.log")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.on("response", lambda r: r.status >= 400 and failed.append(
                f"{r.status} {r.url}"))
            answer = page.goto(url)
            assert "token" not in page.url and page.url == f"http://127.0.0.1:{port}/"
            headers = answer.all_headers()
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["content-security-policy"] == "frame-ancestors 'none'"
            assert headers["x-frame-options"] == "DENY"
            page.locator(".pmo-participant input[type=text]").fill("Anna")
            page.get_by_role("button", name="Join").click()
            page.locator(".pmo-participant", has_text="Which services").wait_for()
            vote(page, ["S-COMM-PLANS"])
            cookies = context.cookies()
            assert {"pmo_nb_token", "pmo_nb_device", "solara-session-id"} <= {
                c["name"] for c in cookies}
            assert all(c["httpOnly"] for c in cookies)
            assert page.evaluate("document.cookie") == ""
            framer = context.new_page()
            with framer.expect_console_message(
                    lambda m: "frame-ancestors" in m.text, timeout=60_000):
                framer.set_content(f'<iframe src="http://127.0.0.1:{port}/"></iframe>')
        finally:
            browser.close()
    assert failed == []  # every file the page asked for was served
    assert ws.participants == ["Anna"] and "UserWarning" not in (
        tmp_path / "server.log").read_text()

"""A follow-up in real browsers: the PMO lead reassesses gaps in progress.ipynb in
JupyterLab (one click, saved), and a participant votes a gap's size now from a phone on
`pmo-nb serve`. Set ``PMO_NB_SCREENSHOTS=docs`` to write the screenshots to docs/."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

import pmo_nb
from conftest import (
    ARGS,
    BIN,
    CHROMIUM,
    NEEDS_CHROMIUM,
    free_port,
    join_url,
    lab_command,
    page_errors,
    run_all,
    screenshot_path,
    server,
    wait_shown,
)

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
PANEL = ".pmo-panel:has-text('Since the baseline')"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def test_the_pmo_lead_reassesses_in_jupyterlab(copy: Path, browser_page: object,
                                               tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    errors = page_errors(page)
    with server(lab_command(port, token, copy), copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/progress.ipynb?reset&token={token}", PANEL,
                sidebar=True)  # 1280 x 800 with the file browser open, as a laptop shows it
        panel = page.locator(PANEL).first
        panel.evaluate("e => e.scrollIntoView({block: 'start'})")
        panel.locator("select").first.select_option(label="· G-05 · Project communication: L → ?")
        panel.locator(".pmo-card-title", has_text="G-05").wait_for()
        panel.get_by_role("button", name="Closed", exact=True).click()
        panel.locator(".pmo-ok", has_text="saved").wait_for()
        panel.locator("select").first.select_option(index=3)  # G-04: its services' delivery
        panel.locator(".pmo-card-title", has_text="G-04").wait_for()
        wait_shown(panel, minimum=1)  # the panel still in view, its progress figure drawn
        page.screenshot(path=screenshot_path(tmp_path, "progress-lab.png"))
        assert errors == []
        page.passed = True
    with pmo_nb.Workshop.open(copy / "sessions" / "follow-up.sqlite") as ws:
        assert ws.progress().set_index("gap_id").at["G-05", "size_after"] == "closed"


def test_a_participant_votes_a_gaps_size_now_from_a_phone(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ws = pmo_nb.open_follow_up(tmp_path / "q2.sqlite", tmp_path / "q1.sqlite", sample=True)
    ws.open_vote("size", ["G-04", "G-06"])
    port = free_port()
    serve = [str(BIN / "pmo-nb"), "serve", str(ws.path), "--port", str(port)]
    with server(serve, tmp_path, f"http://127.0.0.1:{port}/readyz"), sync_playwright() as p:
        url = join_url(tmp_path / "server.log")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.set_default_timeout(90_000)
            page.goto(url)
            page.locator(".pmo-participant input[type=text]").fill("Ann")
            page.get_by_role("button", name="Join").click()
            page.locator(".pmo-participant", has_text="How big is each gap now").wait_for()
            page.locator(".pmo-participant .pmo-card", has_text="Size at the last "
                         "assessment: Medium").first.wait_for()  # its own widget: may follow
            page.get_by_role("button", name="Closed", exact=True).click()
            page.locator(".pmo-sticky", has_text="G-04: Closed").wait_for()
            page.screenshot(path=screenshot_path(tmp_path, "votes-size-phone.png"))
        finally:
            browser.close()
    ws.reveal()
    assert ws.vote_results().set_index("gap_id").at["G-04", "closed"] == 1
    ws.close()

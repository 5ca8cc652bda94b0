"""The workshop panel in a real browser: JupyterLab and the Voila app, driven by headless
Chromium, on a fresh copy of notebooks/ and data/ (never the facilitator's own session).

Set ``PMO_NB_SCREENSHOTS=docs`` to write the screenshots to docs/ (the README's pictures);
otherwise they go to the test's temporary folder.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest

import pmo_nb
from conftest import (
    NEEDS_CHROMIUM,
    figures_drawn,
    free_port,
    lab_command,
    open_voila,
    page_errors,
    run_all,
    screenshot_path,
    server,
    voila_command,
    wait_shown,
)

SERVICE = "S-METH-TEMPLATES"  # not among the sample's decisions for G-01, the first gap
ROW = f".pmo-svc-{SERVICE} input[type=checkbox]"

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def saved_pairs(session: Path, timeout: float = 20) -> set[tuple[str, str]]:
    """The (gap, service) pairs in the session file once SERVICE shows up (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        with pmo_nb.Workshop.open(session) as ws:
            found = set(ws.assignments[["gap_id", "service_id"]].itertuples(index=False,
                                                                           name=None))
        if ("G-01", SERVICE) in found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def click_service_and_check(page: object, session: Path) -> None:
    assert ("G-01", SERVICE) not in saved_pairs(session, timeout=0)
    page.locator(ROW).first.click()
    page.locator(".pmo-panel .pmo-ok", has_text="saved ✓").first.wait_for(timeout=30_000)
    assert ("G-01", SERVICE) in saved_pairs(session)


def show_panel(page: object) -> None:
    """Scroll so that the panel's top (undo, status, gap card, heatmap) fills the screen."""
    panel = page.locator(".pmo-panel").filter(has=page.locator(ROW)).last  # not the votes'
    panel.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.locator(ROW).first.wait_for(timeout=30_000)
    wait_shown(panel)  # the scroll has ended; plotly has drawn the figures on the screen


def test_panel_in_jupyterlab(copy: Path, browser_page: object, tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = lab_command(port, token, copy)
    base = f"http://127.0.0.1:{port}"
    errors = page_errors(page)
    with server(command, copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/workshop.ipynb?reset&token={token}", ROW)
        show_panel(page)
        click_service_and_check(page, copy / "sessions" / "workshop.sqlite")
        show_panel(page)
        page.screenshot(path=screenshot_path(tmp_path, "workshop-lab.png"))
        assert figures_drawn(page, 3) == (3, 3)  # catalog; the record's heatmap and catalog
        assert page.locator(".pmo-panel .pmo-hm td").count() == 9  # the live heatmap (HTML)
        assert errors == []  # plotly's renderer gets real models in Lab: no setData error
        page.passed = True


def test_panel_in_voila(copy: Path, browser_page: object, tmp_path: Path) -> None:
    """The app draws every figure (the catalog's in an ``Output``, the record's top-level
    ones) and the live heatmap, and the page logs no error at all (issue 16: ``r.setData``)."""
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = voila_command("notebooks/workshop.ipynb", port, token)
    base = f"http://127.0.0.1:{port}"
    errors = page_errors(page)
    with server(command, copy, f"{base}/voila/static/voila.js"):  # served without a kernel
        open_voila(page, f"{base}/?token={token}", ROW, errors)
        show_panel(page)
        assert figures_drawn(page, 3) == (3, 3)  # catalog; the record's heatmap and catalog
        assert page.locator(".pmo-panel .pmo-hm td").count() == 9  # the live heatmap (HTML)
        page.locator(".js-plotly-plot").nth(2).evaluate(
            "e => e.scrollIntoView({block: 'center'})")
        wait_shown(page.locator(".js-plotly-plot").nth(2), minimum=1)  # in view, drawn
        page.screenshot(path=screenshot_path(tmp_path, "workshop-voila-record.png"))
        show_panel(page)
        assert not page.get_by_text("WorkshopPanel(ws)").first.is_visible()  # an app: no code
        click_service_and_check(page, copy / "sessions" / "workshop.sqlite")
        show_panel(page)
        page.screenshot(path=screenshot_path(tmp_path, "workshop-voila.png"))
        assert errors == []  # seen while the server runs (its stop is no page error)
        page.passed = True

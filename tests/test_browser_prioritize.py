"""The budget panel in a real browser: JupyterLab on a fresh copy of notebooks/ and data/,
Run All, move the budget slider with the keyboard, and the plan follows.

Set ``PMO_NB_SCREENSHOTS=docs`` to write the screenshot to docs/ (otherwise it goes to the
test's temporary folder).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from conftest import (
    NEEDS_CHROMIUM,
    free_port,
    lab_command,
    run_all,
    screenshot_path,
    server,
    wait_shown,
)

pytest.importorskip("playwright.sync_api")

SUMMARY = ".pmo-budget .pmo-budget-summary"
HANDLE = ".pmo-budget .widget-slider .noUi-handle"
SPENT = re.compile(r"for ([\d,.]+) of ([\d,.]+) k\$")

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def spent(text: str) -> tuple[float, float]:
    """(cost, budget) read from the panel's headline."""
    cost, budget = SPENT.search(text).groups()
    return float(cost.replace(",", "")), float(budget.replace(",", ""))


def show_panel(page: object) -> None:
    page.locator(".pmo-budget").last.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.locator(SUMMARY).first.wait_for(timeout=30_000)
    wait_shown(page.locator(".pmo-budget").last, minimum=1)  # in view, its figures drawn


def test_budget_slider_in_jupyterlab(copy: Path, browser_page: object, tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = lab_command(port, token, copy)
    base = f"http://127.0.0.1:{port}"
    with server(command, copy, f"{base}/api/status?token={token}"):
        url = f"{base}/lab/tree/notebooks/prioritize.ipynb?reset&token={token}"
        run_all(page, url, SUMMARY)
        show_panel(page)
        summary = page.locator(SUMMARY).first
        before = summary.inner_text()
        assert spent(before) == (385.0, 390.0)
        page.locator(HANDLE).first.focus()
        for _ in range(3):
            page.keyboard.press("PageDown")
        shown = float(page.locator(".pmo-budget .widget-readout").first.inner_text()
                      .replace(",", ""))
        assert shown == 390 - 3 * 5 * 10  # PageDown: five steps of 10
        # Each key press is a change; the headline settles on the last one.
        page.wait_for_function("([sel, text]) => document.querySelector(sel).innerText"
                               ".includes(text)", arg=[SUMMARY, f"of {shown:.0f} k$"],
                               timeout=30_000)
        cost, budget = spent(summary.inner_text())
        assert budget == shown and cost <= budget and summary.inner_text() != before
        assert page.locator(".pmo-budget .pmo-error").count() == 0
        show_panel(page)
        page.screenshot(path=screenshot_path(tmp_path, "prioritize-lab.png"))
        page.locator(".pmo-budget .widget-output").nth(1).evaluate(
            "e => e.scrollIntoView({block: 'start'})")  # the budget curve and the roadmap
        wait_shown(page.locator(".pmo-budget .widget-output").nth(1))
        page.screenshot(path=screenshot_path(tmp_path, "prioritize-lab-curve.png"))
        page.passed = True  # no failure screenshot

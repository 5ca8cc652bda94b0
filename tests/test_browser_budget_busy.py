"""The budget panel at workshop scale in a real browser: 120 gaps x 80 services in
JupyterLab; tick a must-have, and while the exact budget curve is being computed again
(seconds at this size) the panel still answers: the budget slider moves and the plan
follows before the curve is back.

No timing is asserted: the test checks the order of events (a second change handled while
"Updating the budget curve" is still shown). ``PMO_NB_SCREENSHOTS=docs`` writes the
screenshot to docs/ (otherwise it goes to the test's temporary folder).
"""

from __future__ import annotations

import re
import secrets
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import (
    NEEDS_CHROMIUM,
    REPO,
    free_port,
    lab_command,
    run_all,
    screenshot_path,
    server,
    wait_shown,
)

pytest.importorskip("playwright.sync_api")
sys.path.insert(0, str(REPO / "benchmarks"))
from _generate import workshop_frames  # noqa: E402

SUMMARY = ".pmo-budget .pmo-budget-summary"
UPDATING = ".pmo-budget .pmo-budget-updating"
HANDLE = ".pmo-budget .widget-slider .noUi-handle"
BUDGET = re.compile(r"of ([\d,.]+) k\$")
MUSTS = ("S-0007", "S-0012", "S-0019")

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def workshop(folder: Path) -> Path:
    """The 120 x 80 workshop's files and a notebook that shows its budget panel."""
    for name, frame in workshop_frames(120, 80, seed=1).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (
        "import pmo_nb\npmo_nb.setup_notebook()",
        'ws = pmo_nb.Workshop.open("s.sqlite", gaps="gaps.csv", catalog="catalog.csv",\n'
        '                          assignments="assignments.csv")',
        "pmo_nb.ui.BudgetPanel(ws, 1200, 400)")]
    path = folder / "budget.ipynb"
    nbformat.write(nb, path)
    return path


def shown_budget(page: object) -> float:
    return float(BUDGET.search(page.locator(SUMMARY).first.inner_text()).group(1)
                 .replace(",", ""))


def test_the_panel_answers_while_the_curve_is_computed_again(browser_page: object,
                                                              tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    workshop(tmp_path)
    base = f"http://127.0.0.1:{port}"
    with server(lab_command(port, token, tmp_path), tmp_path,
                f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/budget.ipynb?reset&token={token}", SUMMARY)
        page.locator(".pmo-budget").last.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.locator(".pmo-budget .widget-output .js-plotly-plot").first.wait_for(state="attached")
        wait_shown(page.locator(".pmo-budget").last, minimum=1)  # plotly drew the curve
        assert shown_budget(page) == 1200
        page.locator(".pmo-budget .lm-AccordionPanel-title, .pmo-budget .jupyter-widget-"
                     "Collapse-header").first.click()  # open "Must-haves and exclusions"
        must = page.locator(".pmo-budget .widget-select-multiple select").first
        must.wait_for(state="visible")
        ticked = []
        for must_id in MUSTS:  # on a very busy machine the curve may win the race: next one
            label = must.locator("option", has_text=f"({must_id})").first.inner_text()
            ticked.append(label)
            must.select_option(label=ticked)  # tick a must-have: the curve is computed again
            page.locator(UPDATING, has_text="Updating the budget curve").wait_for()
            page.locator(HANDLE).first.focus()
            page.keyboard.press("ArrowLeft")  # another change while the curve is on its way
            moved = float(page.locator(".pmo-budget .widget-readout").first.inner_text()
                          .replace(",", ""))
            page.wait_for_function("([sel, text]) => document.querySelector(sel).innerText"
                                   ".includes(text)", arg=[SUMMARY, f"of {moved:,.0f} k$"])
            still = page.locator(UPDATING).all_inner_texts()
            if any("Updating the budget curve" in text for text in still):
                break  # the second change was handled while the curve was still updating
        else:
            pytest.fail(f"the curve was back before the second change, {len(MUSTS)} times")
        page.screenshot(path=screenshot_path(tmp_path, "budget-busy-lab.png"))
        assert shown_budget(page) == moved  # the plan at the new budget, proven
        assert "Proven optimal" in page.locator(".pmo-budget .pmo-budget-proof").first.inner_text()
        page.wait_for_function("sel => !document.querySelector(sel)", arg=UPDATING,
                               timeout=120_000)  # the curve is back
        # two widgets' messages: the browser applies each model's in its own order
        page.wait_for_function("sel => !document.querySelector(sel)",
                               arg=".pmo-budget .pmo-stale", timeout=10_000)
        assert page.locator(".pmo-budget .pmo-error").count() == 0
        page.locator(".pmo-budget .widget-output").first.evaluate(
            "e => e.scrollIntoView({block: 'start'})")  # the curve, back, with a must-have
        wait_shown(page.locator(".pmo-budget .widget-output").first, minimum=1)  # drawn
        page.screenshot(path=screenshot_path(tmp_path, "budget-busy-lab-done.png"))
        page.passed = True

"""The panels on a projector: JupyterLab at 1280x800 with the file browser open (its
default) and at 1920x1080. Fails when any text in the panels overflows its box: table
cells, labels, buttons and HTML wider than their box (scrollWidth > clientWidth, or
sticking out of their widget; the live heatmaps' cells are table cells too), plotly
text outside its figure, and a plotly heatmap's cell label wider or taller than its
cell. Also: no news pop-up when Lab starts with the settings `make lab` writes, and
after Run All the workshop panel is in view.

Set ``PMO_NB_SCREENSHOTS=docs`` to write the screenshots to docs/.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest

from conftest import (
    NEEDS_CHROMIUM,
    REPO,
    free_port,
    lab_command,
    run_all,
    screenshot_path,
    server,
    wait_drawn,
    wait_shown,
)

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

SIZES = [(1280, 800), (1920, 1080)]
OVERRIDES = REPO / "etc" / "lab-overrides.json"  # what `make lab` installs

# Every text box in a panel that must show its text whole (inputs and selects scroll or
# clip by nature and are left out).
OVERFLOW_JS = """
panel => {
  const bad = [];
  const name = e => (e.className && e.className.baseVal === undefined ? e.className : e.tagName)
    + ': ' + (e.innerText || e.textContent || '').trim().slice(0, 40);
  const sel = 'td, th, .widget-label, .widget-label-basic, .widget-html-content, button, '
    + '.pmo-badge, .pmo-card-title, .lm-AccordionPanel-title, .widget-readout';
  for (const e of panel.querySelectorAll(sel)) {
    if (!e.offsetParent || e.closest('.js-plotly-plot')) continue;
    if (e.scrollWidth > e.clientWidth + 1) bad.push('overflows: ' + name(e));
    const box = e.parentElement.closest('.widget-html-content, .widget-box, .jupyter-widgets');
    if (box && e.getBoundingClientRect().right > box.getBoundingClientRect().right + 1)
      bad.push('sticks out: ' + name(e));
  }
  for (const gd of panel.querySelectorAll('.js-plotly-plot')) {
    const svg = gd.querySelector('.main-svg').getBoundingClientRect();
    for (const t of gd.querySelectorAll('.main-svg text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) continue;
      if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1
          || r.bottom > svg.bottom + 1) bad.push('outside its figure: ' + t.textContent);
    }
    const trace = (gd.data || [])[0];
    if (!trace || trace.type !== 'heatmap') continue;
    const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
    const halfX = Math.abs(xa.l2p(1) - xa.l2p(0)) / 2 - (trace.xgap || 0) / 2;
    const halfY = Math.abs(ya.l2p(1) - ya.l2p(0)) / 2 - (trace.ygap || 0) / 2;
    (gd.layout.annotations || []).forEach((a, k) => {
      if (a.xref && a.xref !== 'x') return;
      const node = gd.querySelector(`.annotation[data-index="${k}"] .annotation-text`);
      if (!node) { bad.push('annotation not drawn: ' + a.text); return; }
      const r = node.getBoundingClientRect();
      const cx = svg.left + xa._offset + xa.l2p(xa.d2c(a.x));
      const cy = svg.top + ya._offset + ya.l2p(ya.d2c(a.y));
      if (r.left < cx - halfX - 1 || r.right > cx + halfX + 1 || r.top < cy - halfY - 1
          || r.bottom > cy + halfY + 1)
        bad.push(`label wider than its cell: ${a.text} (${Math.round(r.width)}x`
                 + `${Math.round(r.height)} in ${Math.round(2 * halfX)}x${Math.round(2 * halfY)})`);
    });
  }
  return bad;
}
"""


def lab(copy: Path, overrides: bool = True) -> tuple[list[str], str, str]:
    """The command of a Lab server on ``copy`` (with `make lab`'s settings), its URL, token."""
    port, token = free_port(), secrets.token_hex(16)
    settings = copy / ".lab-settings"
    settings.mkdir()
    if overrides:
        shutil.copy(OVERRIDES, settings / "overrides.json")
    return ([*lab_command(port, token, copy), f"--LabApp.app_settings_dir={settings}"],
            f"http://127.0.0.1:{port}", token)


def overflow(page: object, panel: str) -> list[str]:
    """Each panel of the page scrolled into view in turn, then checked."""
    found = []
    for box in page.locator(panel).all():
        box.evaluate("e => e.scrollIntoView({block: 'start'})")
        wait_drawn(box, minimum=0)  # every figure of the panel drawn, its labels too
        found += box.evaluate(OVERFLOW_JS)
    return found


def gap_picker_cut(page: object) -> list[str]:
    """The gap dropdown's chosen gap, when the select is too narrow to show it whole."""
    return page.locator(".pmo-nav select").first.evaluate("""s => {
      const text = s.options[s.selectedIndex].text, pen = document.createElement('canvas')
        .getContext('2d');
      pen.font = getComputedStyle(s).font;
      return pen.measureText(text).width + 30 > s.clientWidth ? ['gap picker cut: ' + text]
        : [];
    }""")


def test_the_news_settings_file_turns_the_pop_up_off() -> None:
    settings = json.loads(OVERRIDES.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_workshop_panel_fits_with_the_file_browser_open(copy: Path, browser_page: object,
                                                        tmp_path: Path,
                                                        size: tuple[int, int]) -> None:
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    command, base, token = lab(copy)
    with server(command, copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/workshop.ipynb?reset&token={token}",
                ".pmo-panel .pmo-service-row", sidebar=True)
        assert page.locator("#jp-left-stack").is_visible()
        try:  # the panel takes the focus once the kernel is free
            page.wait_for_function("""height => {
                const title = document.querySelector('.pmo-panel .pmo-card-title');
                const y = title && title.getBoundingClientRect().y;
                return title && 0 < y && y < height;
            }""", arg=size[1], timeout=30_000)
        except PlaywrightTimeout:
            pass
        top = page.locator(".pmo-panel .pmo-card-title").first.bounding_box()
        assert top and 0 < top["y"] < size[1], "after Run All the panel is not in view"
        assert page.locator(".jp-toast-container .jp-toast-button").count() == 0  # no news
        page.locator(".pmo-panel .widget-button", has_text="New gap").first.click()
        problems = overflow(page, ".pmo-panel") + gap_picker_cut(page)
        workshop = page.locator(".pmo-panel:has(.pmo-service-row)").first  # not the votes'
        workshop.evaluate("e => e.scrollIntoView({block: 'start'})")
        wait_shown(workshop)
        page.screenshot(path=screenshot_path(tmp_path, f"workshop-{size[0]}x{size[1]}.png"))
        assert problems == []
        page.passed = True


def test_budget_panel_fits_with_the_file_browser_open(copy: Path, browser_page: object,
                                                      tmp_path: Path) -> None:
    page = browser_page
    command, base, token = lab(copy)
    with server(command, copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/prioritize.ipynb?reset&token={token}",
                ".pmo-budget .pmo-budget-summary", sidebar=True)
        problems = overflow(page, ".pmo-budget")
        page.locator(".pmo-budget .widget-output").nth(1).evaluate(
            "e => e.scrollIntoView({block: 'start'})")  # the curve and the roadmap
        wait_shown(page.locator(".pmo-budget .widget-output").nth(1))
        page.screenshot(path=screenshot_path(tmp_path, "workshop-budget-1280x800.png"))
        assert problems == []
        page.passed = True

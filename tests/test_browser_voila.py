"""A cell's own plotly figure in Voilà: drawn, and no console error (issue 16).

plotly's JupyterLab renderer stores a PNG of each figure with ``model.setData``, which the
models Voilà gives a cell's top-level outputs lack: ``r.setData is not a function``.
``pmo_nb.setup_notebook()`` shows figures inside an ``Output`` in a Voilà kernel
(:mod:`pmo_nb.ui.figures`). A small notebook, written by the test, shows one figure as a
cell's value and one with ``fig.show()``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import nbformat
import pytest

from conftest import (
    KERNELSPEC,
    NEEDS_CHROMIUM,
    figures_drawn,
    free_port,
    page_errors,
    screenshot_path,
    server,
    voila_command,
)

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
SET_DATA = "r.setData is not a function"
CELLS = [
    "import plotly.graph_objects as go\n\nimport pmo_nb\n\npmo_nb.setup_notebook()",
    'go.Figure(go.Bar(x=["L", "M", "H"], y=[3, 1, 2]), layout={"title": "A cell\'s value"})',
    'go.Figure(go.Scatter(y=[1, 3, 2]), layout={"title": "fig.show()"}).show()',
]


def write_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    path = folder / "figures.ipynb"
    nbformat.write(nb, path)
    return path


# jupyterlab-plotly's renderer takes a PNG snapshot of each figure it has drawn
# (``Plotly.toImage``: the figure's SVG drawn on a canvas, ``canvas.toDataURL``) and then
# stores it with ``model.setData`` -- the call that fails with SET_DATA. Counting the PNG
# snapshots tells when every figure's setData has been called (or has failed).
COUNT_SNAPSHOTS_JS = """(() => {
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  window.pmoSnapshots = 0;
  HTMLCanvasElement.prototype.toDataURL = function (...args) {
    const url = toDataURL.apply(this, args);
    if (String(args[0]).includes('png')) window.pmoSnapshots += 1;
    return url;
  };
})();"""


def voila_page(page: object, folder: Path, progressive: bool
               ) -> tuple[tuple[int, int], list[str]]:
    """Open the notebook as a Voilà app: (figures, drawn) and the page's errors."""
    port, token = free_port(), secrets.token_hex(16)
    command = voila_command(write_notebook(folder), port, token, progressive)
    errors = page_errors(page)
    page.add_init_script(COUNT_SNAPSHOTS_JS)
    with server(command, folder, f"http://127.0.0.1:{port}/voila/static/voila.js"):
        page.goto(f"http://127.0.0.1:{port}/?token={token}")
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=120_000)
        counts = figures_drawn(page, 2)
        # the renderer's PNG snapshot comes after the drawing, its setData right after
        page.wait_for_function("n => window.pmoSnapshots >= n", arg=counts[1], timeout=30_000)
        # the setData calls run as soon as the snapshot's promise settles, within the task
        # that took it; an error they throw reaches Playwright before this call returns
        page.evaluate("() => new Promise(done => setTimeout(done))")
        return counts, list(errors)


@pytest.mark.parametrize("progressive", [True, False], ids=["progressive", "at-once"])
def test_figures_drawn_without_a_console_error(browser_page: object, tmp_path: Path,
                                               progressive: bool) -> None:
    """Drawn without an error however Voilà is run: progressively (``make app``) or with
    the whole page at once (Voilà's default)."""
    counts, errors = voila_page(browser_page, tmp_path, progressive)
    browser_page.screenshot(path=screenshot_path(tmp_path, "voila-figures.png"))
    assert counts == (2, 2)
    assert errors == []
    browser_page.passed = True


@pytest.mark.parametrize("progressive,expected", [(False, [SET_DATA, SET_DATA]), (True, [])],
                         ids=["at-once", "progressive"])
def test_without_the_switch_voila_logs_the_error(browser_page: object, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  progressive: bool, expected: list[str]
                                                  ) -> None:
    """The control: plotly's plain mime bundle (the renderer setting wins) still logs the
    error once per figure when Voilà renders the page at once (its default); rendered
    progressively, the outputs go through JupyterLab's output area and log none. When the
    first fails, jupyterlab-plotly or Voilà has fixed it, and pmo_nb.ui.figures can go."""
    monkeypatch.setenv("PMO_NB_PLOTLY_RENDERER", "plotly_mimetype")  # reaches Voilà's kernels
    counts, errors = voila_page(browser_page, tmp_path, progressive)
    assert counts == (2, 2)
    assert errors == expected
    browser_page.passed = True

"""Customer text is never typeset by MathJax: a service named like a TeX link shows as
text in the workshop panel and in the record's tables below it, in JupyterLab and in the
Voilà app (issue 16).

JupyterLab and Voilà typeset ``$...$`` in widget labels; unescaped, this name became a
live link (``\\href``) and ``\\style`` coloured it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import (
    NEEDS_CHROMIUM,
    free_port,
    lab_command,
    open_voila,
    run_all,
    server,
    voila_command,
)

pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

NAME = r"$\href{https://evil.example/}{Free training}$ and \(\style{color:red}{red}\)"
SERVICE = "S-METH-LIFECYCLE"  # made for Methodology: its row shows on every gap
LABEL = f".pmo-svc-{SERVICE} .widget-checkbox"
# The control: a label the page must typeset, in a cell after all the others. Its TeX
# typeset tells that MathJax has loaded and gone through the labels and tables before it.
CONTROL = "pmo-mathjax-control"
CONTROL_CELL = f'import ipywidgets\nipywidgets.Label(r"$x^2$").add_class("{CONTROL}")'


@pytest.fixture
def hostile_copy(copy: Path) -> Path:
    """The copy's workshop notebook on the sample gaps and decisions and a catalog with the
    hostile name (the notebook's demo defaults would take the catalog that comes with
    pmo_nb)."""
    catalog = pd.read_csv(copy / "data" / "catalog.csv", dtype=str, keep_default_na=False)
    catalog.loc[catalog["service_id"] == SERVICE, "name"] = NAME
    catalog.to_csv(copy / "data" / "catalog.csv", index=False)
    notebook = copy / "notebooks" / "workshop.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = (cell.source.replace("gaps_path = None", 'gaps_path = "../data/sample_gaps.csv"')
                   .replace("catalog_path = None", 'catalog_path = "../data/catalog.csv"')
                   .replace("assignments_path = None",  # the record's tables name it
                            'assignments_path = "../data/sample_assignments.csv"'))
    assert "../data/catalog.csv" in cell.source and "sample_assignments" in cell.source
    nb.cells.append(nbformat.v4.new_code_cell(CONTROL_CELL))
    nbformat.write(nb, notebook)
    return copy


def check_not_typeset(page: object) -> None:
    page.locator(LABEL).first.wait_for(timeout=60_000)
    page.evaluate("""async () => {  // every output drawn (Lab draws what is near the screen)
        for (const cell of document.querySelectorAll('.jp-Cell, .jp-OutputArea')) {
            cell.scrollIntoView();
            await new Promise(done => setTimeout(done, 60));
        }}""")
    # MathJax typesets asynchronously (once loaded, in the order it was asked): the
    # control, last in the page, typeset means every label and table before it is done.
    control = page.locator(f".{CONTROL}")
    control.evaluate("e => e.scrollIntoView()")
    control.locator("mjx-container, .MathJax").first.wait_for(state="attached",
                                                              timeout=60_000)
    # Nothing else in the page is typeset: the panels' widgets and the record's pandas
    # tables (the notebooks' markdown holds no TeX).
    where = page.evaluate("""control => [...document.querySelectorAll(
        'mjx-container, .MathJax, .MathJax_Preview')].filter(e => !e.closest(control)).map(
        e => (e.parentElement.textContent || '').slice(0, 80))""", f".{CONTROL}")
    assert where == []
    assert page.locator("a[href*='evil.example']").count() == 0
    label = page.locator(LABEL).first.text_content().replace("\u200b", "")
    assert "href{https://evil.example/}{Free training}" in label, label
    tables = page.evaluate("""() => [...document.querySelectorAll('table.dataframe')].map(
        t => t.textContent).filter(text => text.includes('Free training'))""")
    assert tables and all("href{https://evil.example/}{Free training}" in t for t in tables)


def test_no_mathjax_in_labels_in_jupyterlab(hostile_copy: Path, browser_page: object) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = lab_command(port, token, hostile_copy)
    base = f"http://127.0.0.1:{port}"
    with server(command, hostile_copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/workshop.ipynb?reset&token={token}", LABEL)
        page.locator(".pmo-panel").last.evaluate("e => e.scrollIntoView({block: 'start'})")
        check_not_typeset(page)
        page.passed = True


def test_no_mathjax_in_labels_in_voila(hostile_copy: Path, browser_page: object) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = voila_command("notebooks/workshop.ipynb", port, token)
    base = f"http://127.0.0.1:{port}"
    with server(command, hostile_copy, f"{base}/voila/static/voila.js"):
        open_voila(page, f"{base}/?token={token}", LABEL)
        page.locator(".pmo-panel").last.evaluate("e => e.scrollIntoView({block: 'start'})")
        check_not_typeset(page)
        page.passed = True

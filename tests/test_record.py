"""The record: executed notebooks, offline HTML and a workbook, on hostile customer text.

The record is built once per module, from a probe notebook shaped like the record
notebooks (parameters, session, gap register, plotly figures) and the quickstart.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

import pmo_nb
from conftest import (
    CATALOG,
    CHROMIUM,
    HOSTILE,
    KERNELSPEC,
    MAX_HTML_BYTES,
    PLOTLY_JS,
    REMOTE_TAG,
    REPO,
    SAMPLE_ASSIGNMENTS,
    render,
)
from pmo_nb import record

MATHJAX_CDN = "cdnjs.cloudflare.com/ajax/libs/mathjax"
RAW_MARKUP = ("<img src=x", "<script>alert(1)", "</script><script>alert(2)", "<b>Stakeholder")
ESCAPED = ("&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;")
FORMULAS = ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")
PROBE_CELLS = [
    'gaps_path = None\ncatalog_path = None\nsession_path = "demo.sqlite"\nassignments_path = None',
    "import pmo_nb\n\npmo_nb.setup_notebook()",
    "ws = pmo_nb.Workshop.open(session_path, gaps_path, catalog_path,"
    " assignments=assignments_path)\nws.gap_register()",
    "import plotly.express as px\n\n"
    'px.bar(ws.gap_register(), x="aspect", y="weight", color="status")',
    'px.scatter(ws.gap_register(), x="gap_id", y="weight", hover_name="current_state")',
]


def write_probe(folder: Path, name: str = "probe") -> Path:
    """A notebook shaped like the record notebooks: parameters, session, table, figures."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_markdown_cell("# Record probe")]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in PROBE_CELLS]
    nb.cells[1].metadata["tags"] = ["parameters"]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build the record once: hostile gaps, a new seeded session, probe + quickstart."""
    root = tmp_path_factory.mktemp("record")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    shutil.copy(REPO / "notebooks" / "quickstart.ipynb", notebooks)
    write_probe(notebooks)
    log = io.StringIO()
    paths = record.build_record(root / "out", root / "session.sqlite", HOSTILE, CATALOG,
                                SAMPLE_ASSIGNMENTS, notebooks=("probe", "quickstart"),
                                notebook_dir=notebooks, log=log)
    return {"out": root / "out", "paths": paths, "log": log.getvalue(), "root": root}


@pytest.fixture(scope="module")
def html(built: dict) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in built["out"].glob("*.html")}


def test_record_files_and_progress(built: dict) -> None:
    names = sorted(p.name for p in built["paths"])
    assert names == ["probe.html", "probe.ipynb", "quickstart.html", "quickstart.ipynb",
                     "record.xlsx"]
    assert sorted(p.name for p in built["out"].iterdir()) == names
    assert not list(built["root"].glob(".out.partial-*"))
    log = built["log"]
    assert re.search(r"\[1/2\] probe\.ipynb: \d+\.\d s, \d+\.\d MB html", log)
    assert re.search(r"\[2/2\] quickstart\.ipynb: \d+\.\d s", log)


def test_html_has_plotly_js_once_and_nothing_from_the_network(html: dict[str, str]) -> None:
    assert len(PLOTLY_JS.findall(html["probe"])) == 1  # two figures, one copy of plotly.js
    assert html["probe"].count("Plotly.newPlot(") == 2
    assert not PLOTLY_JS.search(html["quickstart"])  # no figure, no plotly.js
    for text in html.values():
        assert REMOTE_TAG.findall(text) == []
        assert "cdnjs.cloudflare.com" not in text  # require.js, MathJax, mermaid
        assert "require.min.js" not in text and "embed-amd.js" not in text
        assert len(text.encode()) < MAX_HTML_BYTES


def test_html_escapes_customer_text(html: dict[str, str]) -> None:
    for text in html.values():
        for raw in RAW_MARKUP:
            assert raw not in text
        for escaped in ESCAPED:
            assert escaped in text
    assert r"\u003cimg src=x onerror=alert(1)\u003e" in html["probe"]  # inside plotly JSON


def test_executed_notebooks_carry_parameters_and_no_cdn(built: dict) -> None:
    nb = nbformat.read(built["out"] / "probe.ipynb", as_version=4)
    params = nb.metadata.papermill.parameters
    assert params == {"gaps_path": str(HOSTILE), "catalog_path": str(CATALOG),
                      "session_path": str(built["root"] / "session.sqlite"),
                      "assignments_path": str(SAMPLE_ASSIGNMENTS)}
    quick = nbformat.read(built["out"] / "quickstart.ipynb", as_version=4)
    assert set(quick.metadata.papermill.parameters) == {"gaps_path", "catalog_path"}
    assert "widgets" not in nb.metadata
    text = (built["out"] / "probe.ipynb").read_text(encoding="utf-8")
    assert MATHJAX_CDN not in text and "cdnjs.cloudflare.com" not in text


def test_workbook_has_the_tables_and_only_text_cells(built: dict) -> None:
    book = load_workbook(built["out"] / record.WORKBOOK)
    assert set(book.sheetnames) >= {"gap register", "gaps", "catalog", "assignments",
                                    "candidate list", "coverage", "handed over", "history"}
    assert [c for s in book for row in s.iter_rows() for c in row if c.data_type == "f"] == []
    gaps = pmo_nb.load_gaps(HOSTILE)
    sheet = book["gap register"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    for gap in gaps.itertuples():
        for column in ("aspect", "current_state", "future_state"):
            assert rows[gap.gap_id][column] == getattr(gap, column)
    assert [rows[g]["description"] for g in ("G-03", "G-04", "G-05", "G-06")] == list(FORMULAS)
    handed = [c.value for row in book["handed over"].iter_rows() for c in row]
    assert FORMULAS[0] in handed  # G-18's other_owner, verbatim


def test_offline_figures_rebuilds_figure_html_without_mathjax() -> None:
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(go.Bar(y=[1])).to_dict()
    bundle = {**pio.renderers["plotly_mimetype"].to_mimebundle(fig),
              **pio.renderers["notebook"].to_mimebundle(fig)}
    assert MATHJAX_CDN in bundle["text/html"]  # what plotly's notebook renderer does
    output = nbformat.v4.new_output("display_data", data=bundle)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("fig", outputs=[output])])
    html = record.offline_figures(nb).cells[0].outputs[0].data["text/html"]
    assert MATHJAX_CDN not in html and "Plotly.newPlot(" in html
    assert not REMOTE_TAG.search(record.to_html(nb, "tiny"))


def test_show_table_keeps_text_whole_and_escaped() -> None:
    import pandas as pd

    from pmo_nb.display import show_table

    frame = pd.DataFrame({"current_state": ["<script>alert(1)</script>" + "x" * 300]})
    shown = show_table(frame)._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" + "x" * 300 in shown
    assert "<script>" not in shown


@pytest.mark.browser
def test_html_renders_offline_in_chromium(built: dict) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium)")
    plots, problems = render(built["out"] / "probe.html", built["root"] / "probe.png")
    assert plots == 2
    assert problems == []


def test_a_missing_notebook_fails_before_anything_is_written(tmp_path) -> None:
    with pytest.raises(record.RecordError, match=r"the record needs absent\.ipynb in '.*', "
                                                 r"which is missing"):
        record.build_record(tmp_path / "out", tmp_path / "s.sqlite", HOSTILE, CATALOG,
                            SAMPLE_ASSIGNMENTS, notebooks=("quickstart", "absent"),
                            notebook_dir=REPO / "notebooks", log=io.StringIO())
    assert list(tmp_path.iterdir()) == []

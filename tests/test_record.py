"""The record of a customer's session: the stakeholders' page, the workbook, the notebooks.

The record is built once per module from a customer-like session (hostile gap text, a
line break in a description, a title setting, a hand-over, a must-have and an
exclusion) with one small probe notebook, and its facts are checked against the session.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from openpyxl import load_workbook

import pmo_nb
from conftest import CATALOG, CHROMIUM, HOSTILE, KERNELSPEC, REMOTE_TAG, SAMPLE_ASSIGNMENTS
from pmo_nb import record
from pmo_nb.plan.words import percent
from pmo_nb.record import html as page_html

MAX_PAGE_BYTES = 3_000_000
RAW_MARKUP = ("<img src=x", "<script>alert(1)", "<b>Stakeholder")
ESCAPED = ("&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;",
           "&lt;b&gt;Stakeholder&lt;/b&gt; engagement")
FORMULAS = ('=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")
TWO_LINES = "First line of the note.\nSecond line, kept apart."
TITLE = "Northwind <Insurance> & Co"
OPTIONS = {"budget": 300.0, "wave_budget": 100.0, "must": ("S-RES-ALLOC",),
           "exclude": ("S-TRAIN-PM",), "currency": "k€"}
PROBE = ['session_path = "x.sqlite"\nbudget = 1\nwave_budget = 1\nmust = []\nexclude = []',
         "print(budget, wave_budget, must, exclude)"]


def customer_session(folder: Path) -> Path:
    """A customer's session: hostile gaps, a two-line description, a title, a hand-over."""
    gaps = pmo_nb.load_gaps(HOSTILE)
    gaps.loc[gaps["gap_id"] == "G-02", "description"] = TWO_LINES
    path = folder / "northwind.sqlite"
    with pmo_nb.Workshop.open(path, gaps=gaps, catalog=CATALOG,
                              assignments=SAMPLE_ASSIGNMENTS) as ws:
        ws.hand_over("G-11", "Strategy office <CSO>", note="Board owns the ranking.")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO meta VALUES ('title', ?)", (TITLE,))
    return path


def probe_notebooks(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in PROBE]
    nb.cells[0].metadata["tags"] = ["parameters"]
    folder.mkdir()
    nbformat.write(nb, folder / "probe.ipynb")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("record")
    session = customer_session(root)
    log = io.StringIO()
    paths = record.build_record(root / "out", session, notebooks=("probe",),
                                notebook_dir=probe_notebooks(root / "nb"), log=log, **OPTIONS)
    with pmo_nb.Workshop.open(session) as ws:
        facts = record.gather(ws, record.Options(**OPTIONS))
    page = (root / "out" / record.PAGE).read_text(encoding="utf-8")
    return {"out": root / "out", "paths": paths, "log": log.getvalue(), "root": root,
            "session": session, "facts": facts, "page": page}


def section(page: str, name: str) -> str:
    return page.split(f'<section id="{name}"', 1)[1].split("</section>", 1)[0]


def test_files_progress_and_modes(built: dict) -> None:
    out = built["out"]
    assert sorted(str(p.relative_to(out)) for p in built["paths"]) == [
        "notebooks/probe.ipynb", "record.html", "record.xlsx"]
    assert not list(built["root"].glob(".out.partial-*"))
    assert re.search(r"record\.html: \d+\.\d MB", built["log"])
    assert re.search(r"\[1/1\] probe\.ipynb \(\d+\.\d s\)", built["log"])
    steps = [line.split(" (")[0] for line in built["log"].splitlines()]  # each step, timed
    assert steps.index("kernel started") < steps.index("kernel: pmo_nb imported") < \
        steps.index("[1/1] probe.ipynb")
    mask = os.umask(0)
    os.umask(mask)
    for folder in (out, out / "notebooks"):
        assert folder.stat().st_mode & 0o777 == 0o777 & ~mask
    assert (out / "record.html").stat().st_mode & 0o777 == 0o666 & ~mask


def test_page_is_one_offline_file_with_plotly_once(built: dict) -> None:
    page = built["page"]
    assert len(page.encode()) < MAX_PAGE_BYTES
    assert page.count("plotly.js (cartesian - minified)") == 1
    assert page.count("Plotly.newPlot(") == len(re.findall(r'<div class="figure"', page)) >= 8
    assert REMOTE_TAG.findall(page) == []
    assert page.count("<script") == 1 + page.count("Plotly.newPlot(")  # plotly.js, figures
    ours = page.replace(page_html.plotly_js(), "")
    assert "MathJax" not in ours and "cdnjs" not in ours and "<script src" not in ours


def test_page_has_no_code_paths_or_sample_wording(built: dict) -> None:
    page = re.sub(r"<script>.*?</script>", "", built["page"], flags=re.S)  # text, not plotly
    assert not re.search(r"\bws\.|\bpmo_nb\.", page)
    for word in ("sample", "import pmo_nb", "session_path", "In [", "sqlite",
                 str(built["root"]), "Traceback"):
        assert word.casefold() not in page.casefold(), word
    assert not re.search(r"\b(nan|NaN|None)\b", page)


def test_title_date_and_what_it_is(built: dict) -> None:
    page = built["page"]
    assert f"<h1>{page_html.esc(TITLE)}</h1>" in page
    assert f"<title>{page_html.esc(TITLE)}: PMO Planning workshop record</title>" in page
    assert re.search(r"record of \d{1,2} [A-Z][a-z]+ 20\d\d", page)
    assert "What the workshop decided for the organisation's 18 gaps" in page
    assert "Costs are in k€." in page


def test_summary_counts_are_the_sessions(built: dict) -> None:
    summary = section(built["page"], "summary")
    with pmo_nb.Workshop.open(built["session"]) as ws:
        counts = ws.coverage()["status"].value_counts().to_dict()
    shown = dict(re.findall(r'data-status="([a-z ]+)"[^>]*><b>(\d+)</b>', summary))
    assert {k: int(v) for k, v in shown.items()} == {s: counts.get(s, 0) for s in
                                                     ("covered", "partial", "open",
                                                      "handed over")}


def test_summary_names_every_hand_over_and_its_owner(built: dict) -> None:
    summary = section(built["page"], "summary")
    with pmo_nb.Workshop.open(built["session"]) as ws:
        handed = ws.handed_over()
    assert len(handed) >= 2
    rows = re.findall(r"<tr>(.*?)</tr>", summary.split("What goes to other owners")[1]
                      .split("What the budget buys")[0])
    for gap, owner in zip(handed["gap_id"], handed["owner"], strict=True):
        assert any(f">{page_html.esc(owner)}</td>" in r and f">{gap} " in r for r in rows), gap
    assert "Strategy office &lt;CSO&gt;" in summary


def test_headline_equals_plan_and_the_curves_marked_point(built: dict) -> None:
    facts, page = built["facts"], built["page"]
    with pmo_nb.Workshop.open(built["session"]) as ws:
        plan = pmo_nb.plan.select_services(ws, 300, must=["S-RES-ALLOC"], exclude=["S-TRAIN-PM"])
    share = percent(plan.covered_share)
    headline = re.search(r'id="plan-headline">Covers (\d+%) of the weighted gap value for '
                         r"([\d,.]+) of 300 k€", page)
    assert headline.groups() == (share, f"{plan.cost:,.0f}")
    marked = [t for data in re.findall(r'Plotly\.newPlot\("fig-\d+", (\[.*?\]), \{', page)
              for t in json.loads(data) if t.get("name") == "plan"]
    assert len(marked) == 1
    assert marked[0]["x"] == [300.0] and marked[0]["text"] == [share]
    assert marked[0]["y"][0] == pytest.approx(plan.covered_share * 100)
    assert facts.curve.loc[facts.curve["budget"] == 300.0, "covered_share"].item() == \
        pytest.approx(plan.covered_share)


def test_must_haves_exclusions_and_what_the_plan_leaves_open(built: dict) -> None:
    facts, summary = built["facts"], section(built["page"], "summary")
    ids = facts.plan.services["service_id"].tolist()
    assert "S-RES-ALLOC" in ids and "S-TRAIN-PM" not in ids
    assert "Must-haves: Resource allocation across projects." in summary
    assert "Excluded: Project manager training." in summary
    left = facts.left_open
    assert f"It leaves {len(left)} gaps open: {left['gap_id'].iloc[0]}, " in summary
    gaps = facts.plan.gaps.set_index("gap_id")
    assert gaps.at["G-01", "best_contribution"] < 1  # its only full service was excluded
    nothing = gaps[(gaps["best_contribution"] == 0) & ~gaps["handed_over"]]
    assert set(left["gap_id"]) == set(nothing.index)


def test_tables_read_like_a_report(built: dict) -> None:
    page = built["page"]
    assert "<th>Gap</th>" in page and "<th>gap_id</th>" not in page
    text = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    assert '<td class="num">80 k€</td>' in text and not re.search(r"\d\.0\b", text)
    assert "<th>Unnamed" not in page and "dataframe" not in page
    register = section(page, "register")
    assert f'<td class="text">{page_html.esc(TWO_LINES)}</td>' in register  # a real line break
    assert "\\n" not in re.sub(r"<script>.*?</script>", "", page, flags=re.S)


def test_page_escapes_customer_text(built: dict) -> None:
    page = built["page"]
    for raw in RAW_MARKUP:
        assert raw not in page
    for escaped in ESCAPED:
        assert escaped in page
    assert "\\u0026lt;b\\u0026gt;Stakeholder" in page  # inside the figures' JSON too


def test_votes_section_only_when_the_session_has_votes(built: dict) -> None:
    assert built["facts"].votes is None and 'id="votes"' not in built["page"]


def test_notebooks_get_the_records_budget_and_choices(built: dict) -> None:
    nb = nbformat.read(built["out"] / "notebooks" / "probe.ipynb", as_version=4)
    assert nb.cells[-1].outputs[0].text == "300.0 100.0 ['S-RES-ALLOC'] ['S-TRAIN-PM']\n"
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]
    nbformat.validate(nb)


def test_a_record_process_goes_without_the_slow_optional_import() -> None:
    """rfc3987_syntax builds a parser at import (1.5 s); a record's processes skip it, and
    jsonschema and nbformat still work."""
    code = ("from pmo_nb.record.run import skip_slow_optional_imports\n"
            "skip_slow_optional_imports()\n"
            "import sys, nbformat\n"
            "nbformat.validate(nbformat.v4.new_notebook())\n"
            "print(repr(sys.modules['rfc3987_syntax']), 'jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["None", "True"]


def test_workbook_has_every_table_wrapped_and_text_only(built: dict) -> None:
    book = load_workbook(built["out"] / record.WORKBOOK)
    assert {"summary", "gap register", "candidate list", "handed over", "plan",
            "plan leaves open", "budget curve", "roadmap", "catalog"} <= set(book.sheetnames)
    assert [c for s in book for row in s.iter_rows() for c in row if c.data_type == "f"] == []
    text = [c for row in book["gap register"].iter_rows(2) for c in row
            if isinstance(c.value, str)]
    assert text and all(c.alignment.wrap_text for c in text)
    header = [c.value for c in book["gap register"][1]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in book["gap register"].iter_rows(2, values_only=True)}
    assert [rows[g]["description"] for g in ("G-03", "G-04", "G-05", "G-06")] == list(FORMULAS)
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(2, values_only=True)}
    assert summary["must-haves"] == "S-RES-ALLOC" and summary["excluded"] == "S-TRAIN-PM"
    assert summary["currency"] == "k€" and summary["title"] == TITLE
    curve = pd.DataFrame(book["budget curve"].values)
    assert curve.iloc[0].tolist()[-1] == "plan" and curve.iloc[1:, -1].sum() == 1


def test_title_option_wins_and_the_session_name_is_the_default(built: dict, tmp_path) -> None:
    with pmo_nb.Workshop.open(built["session"]) as ws:
        assert record.gather(ws, record.Options(title="Board pack")).title == "Board pack"
        assert record.gather(ws, record.Options()).title == TITLE
    plain = tmp_path / "acme-2026.sqlite"
    pmo_nb.Workshop.open(plain, gaps=HOSTILE, catalog=CATALOG).close()
    with pmo_nb.Workshop.open(plain) as ws:
        facts = record.gather(ws, record.Options(), record.session_name(str(plain)))
    assert facts.title == "acme-2026" and not facts.budget_given
    assert record.session_name("postgresql://u@h:5432/db?workshop=acme") == "acme"


def test_a_bad_must_have_fails_before_anything_is_written(built: dict, tmp_path) -> None:
    with pytest.raises(pmo_nb.UnknownServiceError, match="Unknown service id 'S-NOPE'"):
        record.build_record(tmp_path / "out", built["session"], must=["S-NOPE"],
                            notebooks=("probe",), notebook_dir=built["root"] / "nb",
                            log=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_a_missing_notebook_fails_before_anything_is_written(tmp_path) -> None:
    with pytest.raises(record.RecordError, match=r"the record needs absent\.ipynb in '.*', "
                                                 r"which is missing"):
        record.build_record(tmp_path / "out", tmp_path / "s.sqlite", HOSTILE, CATALOG,
                            SAMPLE_ASSIGNMENTS, notebooks=("absent",),
                            notebook_dir=tmp_path, log=io.StringIO())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_page_renders_offline_in_chromium(built: dict) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium)")
    from conftest import open_offline

    seen = open_offline(built["out"] / record.PAGE, built["root"] / "first.png")
    assert seen["drawn"] == built["page"].count("Plotly.newPlot(")
    assert seen["requests"] == [] and seen["errors"] == []


def test_the_summary_fits_one_screen(built: dict) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    from conftest import ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto((built["out"] / record.PAGE).as_uri())
            height = page.locator("#summary").bounding_box()["height"]
        finally:
            browser.close()
    assert height <= 800, f"the summary is {height:.0f} px tall at 1280 x 800"

"""The record of a follow-up assessment: the page opens with the progress since its
baseline (numbers, figure, the two findings) before the decisions; the workbook gets the
progress sheets; the deck a progress slide; the record runs progress.ipynb too."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation

import pmo_nb
from conftest import CATALOG, CHROMIUM, HOSTILE, REMOTE_TAG, SAMPLE, SAMPLE_ASSIGNMENTS
from pmo_nb import record
from pmo_nb.record import report

HOSTILE_ASPECT = "<b>Stakeholder</b> engagement"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("progress-record")
    base = root / "northwind-q1.sqlite"
    with pmo_nb.Workshop.open(base, gaps=HOSTILE, catalog=CATALOG,
                              assignments=SAMPLE_ASSIGNMENTS, title="Northwind <Q1>") as ws:
        assert HOSTILE_ASPECT in set(ws.gaps["aspect"])
    session = root / "northwind-q2.sqlite"
    with pmo_nb.Workshop.follow_up(base, session, title="Northwind <Q2>") as ws2:
        ws2.import_reassessment(SAMPLE / "sample_reassessment.csv")
        ws2.import_deliveries(SAMPLE / "sample_deliveries.csv")
        ws2.reassess("G-17", "closed", note="<script>alert(2)</script>")
    log = io.StringIO()
    paths = record.build_record(root / "out", session, budget=300, pptx=True, log=log)
    page = (root / "out" / record.PAGE).read_text(encoding="utf-8")
    return {"root": root, "out": root / "out", "paths": paths, "page": page,
            "log": log.getvalue(), "session": session}


def section(page: str, name: str) -> str:
    return page.split(f'<section id="{name}"', 1)[1].split("</section>", 1)[0]


def test_the_page_opens_with_the_progress_before_the_decisions(built: dict) -> None:
    page = built["page"]
    assert page.index('<section id="progress"') < page.index('<section id="summary"')
    with pmo_nb.Workshop.open(built["session"]) as ws:
        base, numbers = ws.baseline, ws.progress_summary()
        lines = ws.progress_headline()["result"].tolist()
    day = pd.Timestamp(base.date)
    heading = f"Progress since {day.day} {day:%B %Y}"
    progress = section(page, "progress")
    assert f"<h2>{heading}</h2>" in progress and f'href="#progress">{heading}' in page
    assert all(line in progress for line in lines)
    assert (numbers["closed"], numbers["delivered"]) == (3, 8)
    assert "Gaps that shrank with no service delivered" in progress
    assert "Services delivered whose gaps did not shrink" in progress
    assert "Project communication plans" in progress
    assert progress.count("Plotly.newPlot(") == 1  # the chain figure waits for a third
    assert "Follow-up assessment 2 (after Northwind &lt;Q1&gt;)" in page


def test_customer_text_is_escaped_on_the_page(built: dict) -> None:
    progress = section(built["page"], "progress")
    assert "&lt;b&gt;Stakeholder&lt;/b&gt; engagement" in progress
    assert "<b>Stakeholder</b>" not in built["page"] and "<script>alert(2)" not in built["page"]
    assert not REMOTE_TAG.search(built["page"])


def test_the_workbook_has_the_progress_sheets_and_summary(built: dict) -> None:
    book = load_workbook(built["out"] / record.WORKBOOK, read_only=True)
    assert {"progress", "progress by aspect", "deliveries", "progress chain"} <= set(
        book.sheetnames)
    summary = {r[0]: r[1] for r in book["summary"].iter_rows(values_only=True)}
    assert summary["baseline"].startswith("Northwind <Q1> (")
    assert summary["value of the gaps left"].endswith("less)")
    gaps = pd.read_excel(built["out"] / record.WORKBOOK, sheet_name="progress")
    assert gaps.set_index("gap_id").at["G-17", "note"] == "<script>alert(2)</script>"


def test_the_deck_has_a_progress_slide_after_the_title(built: dict) -> None:
    prs = Presentation(str(built["out"] / record.DECK))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles[1].startswith("Progress since ") and "Two findings" == titles[3]
    assert titles[2] == "What is left of the gaps, per aspect"
    chart = next(sh.chart for sh in prs.slides[2].shapes if sh.has_chart)
    assert [s.name for s in chart.plots[0].series][1] == "Now"
    assert len(chart.plots[0].categories) == len(
        pd.read_excel(built["out"] / record.WORKBOOK, sheet_name="progress by aspect"))


def test_the_record_runs_the_progress_notebook_too(built: dict) -> None:
    names = sorted(p.name for p in (built["out"] / "notebooks").glob("*.ipynb"))
    assert names == ["coverage.ipynb", "prioritize.ipynb", "progress.ipynb", "workshop.ipynb"]
    assert "[4/4] progress.ipynb" in built["log"]


def test_a_chain_of_three_shows_the_path_in_the_record(built: dict, tmp_path: Path) -> None:
    third = tmp_path / "q3.sqlite"
    with pmo_nb.Workshop.follow_up(built["session"], third) as ws3:
        ws3.reassess("G-01", "closed")
        facts = record.gather(ws3, record.Options(budget=300))
        html = report.render(facts, ws3)
    assert facts.progress.assessment == 2 and facts.progress.chain["assessment"].max() == 3
    assert section(html, "progress").count("Plotly.newPlot(") == 2  # + the chain


def test_the_progress_section_renders_offline_in_chromium(built: dict) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium)")
    from conftest import open_offline, render

    seen = open_offline(built["out"] / record.PAGE)
    assert seen["requests"] == [] and seen["errors"] == []
    shot = Path(os.environ.get("PMO_NB_SCREENSHOTS", built["root"])) / "record-progress.png"
    drawn, problems = render(built["out"] / record.PAGE, shot, "Progress since")
    assert drawn == built["page"].count("Plotly.newPlot(") and problems == []


def test_pmo_nb_new_follow_up_makes_the_next_assessments_folder(built: dict,
                                                                 tmp_path: Path) -> None:
    def new(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pmo_nb", "new", *args],
                              capture_output=True, text=True, cwd=tmp_path)

    done = new("Northwind Q3", "--follow-up", str(built["session"]))
    assert done.returncode == 0, done.stderr
    assert "jupyter lab progress.ipynb" in done.stdout
    folder = tmp_path / "Northwind Q3"
    with pmo_nb.Workshop.open(folder / "sessions" / "northwind-q3.sqlite") as ws3:
        assert ws3.baseline.assessment == 2 and ws3.title == "Northwind <Q2>"
    nb = (folder / "progress.ipynb").read_text(encoding="utf-8")
    assert "sessions/northwind-q3.sqlite" in nb and '"outputs": []' in nb
    assert "follow-up assessment" in (folder / "README.md").read_text(encoding="utf-8")
    bad = new("Nowhere", "--follow-up", "missing.sqlite")
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    assert not (tmp_path / "Nowhere").exists()
    first = new("First", "--sample")
    assert first.returncode == 0 and not (tmp_path / "First" / "progress.ipynb").exists()
